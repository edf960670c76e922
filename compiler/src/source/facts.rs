//! The facts users pick a model by, beyond limits: prices (with context tiers), what the
//! model can do (tools, structured output, attachments, output modalities), dates, and how
//! its reasoning is controlled. Every field is optional: the catalog states only what a
//! public source states.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::vocab::ReasoningField;

/// Prices in USD per million tokens. A price the provider does not publish is absent.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Cost {
    /// Input (prompt) tokens.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub input: Option<f64>,
    /// Output (completion) tokens.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub output: Option<f64>,
    /// Input tokens read from the prompt cache.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub cache_read: Option<f64>,
    /// Input tokens written to the prompt cache.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub cache_write: Option<f64>,
    /// Reasoning (thinking) tokens, when priced apart from output (reasoning models only).
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub reasoning: Option<f64>,
    /// Audio input tokens.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub input_audio: Option<f64>,
    /// Audio output tokens.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub output_audio: Option<f64>,
    /// Prices that apply instead when the prompt is longer than a context size, in
    /// ascending order of `above`.
    #[serde(default)]
    pub tiers: Vec<CostTier>,
}

/// Prices for prompts longer than `above` tokens (USD per million tokens); an absent price
/// is the base price.
#[derive(Clone, Debug, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CostTier {
    /// The tier applies when the prompt has more than this many tokens.
    #[schemars(range(min = 1))]
    pub above: u32,
    /// Input tokens.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub input: Option<f64>,
    /// Output tokens.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub output: Option<f64>,
    /// Cache reads.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub cache_read: Option<f64>,
    /// Cache writes.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub cache_write: Option<f64>,
    /// Reasoning tokens.
    #[serde(default)]
    #[schemars(range(min = 0.0))]
    pub reasoning: Option<f64>,
}

/// How a reasoning model's thinking is controlled (reasoning models only).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReasoningControls {
    /// Thinking can be switched on and off per request.
    #[serde(default)]
    pub toggle: bool,
    /// The effort levels a request may ask for (`low`, `medium`, `high`, …), in order.
    #[serde(default)]
    pub effort_levels: Vec<String>,
    /// The level used when a request asks for none; one of `effort_levels`.
    #[serde(default)]
    pub default_effort: Option<String>,
    /// The thinking token budget a request may set.
    #[serde(default)]
    pub budget: Option<Budget>,
    /// The stream field that carries the reasoning text.
    #[serde(default)]
    pub field: Option<ReasoningField>,
}

/// A range of thinking token budgets.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// The smallest budget.
    #[schemars(range(min = 0))]
    pub min: u32,
    /// The largest budget; below the model's `max_output_tokens`.
    #[schemars(range(min = 1))]
    pub max: u32,
}
