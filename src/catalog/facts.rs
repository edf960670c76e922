//! The runtime shape of a model's facts: prices with context tiers and reasoning controls,
//! generated from the catalog like every other table.

use serde::Serialize;

use super::types::ReasoningField;

/// Prices in USD per million tokens.
#[derive(Debug, Serialize)]
pub struct Cost {
    /// Input tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    /// Output tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    /// Cache reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    /// Cache writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
    /// Reasoning tokens, when priced apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<f64>,
    /// Audio input tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_audio: Option<f64>,
    /// Audio output tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_audio: Option<f64>,
    /// Prices for prompts above a context size, ascending.
    #[serde(skip_serializing_if = "<[CostTier]>::is_empty")]
    pub tiers: &'static [CostTier],
}

/// Prices for prompts longer than `above` tokens; absent prices are the base ones.
#[derive(Debug, Serialize)]
pub struct CostTier {
    /// The tier applies above this many prompt tokens.
    pub above: u32,
    /// Input tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    /// Output tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    /// Cache reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    /// Cache writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
    /// Reasoning tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<f64>,
}

/// How a reasoning model's thinking is controlled.
#[derive(Debug, Serialize)]
pub struct ReasoningControls {
    /// Thinking can be switched on and off.
    pub toggle: bool,
    /// Effort levels, in order.
    pub effort_levels: &'static [&'static str],
    /// The level used when none is asked for.
    pub default_effort: Option<&'static str>,
    /// The thinking budget range.
    pub budget: Option<Budget>,
    /// The stream field carrying reasoning text.
    pub field: Option<ReasoningField>,
}

/// A range of thinking token budgets.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Budget {
    /// The smallest budget.
    pub min: u32,
    /// The largest budget.
    pub max: u32,
}

impl Cost {
    /// The prices in force for a prompt of `prompt_tokens`: the last tier whose `above` it
    /// exceeds, each price falling back to the base one.
    pub fn for_prompt(&self, prompt_tokens: u64) -> Prices {
        let tier = self
            .tiers
            .iter()
            .rev()
            .find(|t| prompt_tokens > u64::from(t.above));
        let pick = |base: Option<f64>, tiered: Option<f64>| tiered.or(base);
        Prices {
            input: pick(self.input, tier.and_then(|t| t.input)),
            output: pick(self.output, tier.and_then(|t| t.output)),
            cache_read: pick(self.cache_read, tier.and_then(|t| t.cache_read)),
            cache_write: pick(self.cache_write, tier.and_then(|t| t.cache_write)),
            reasoning: pick(self.reasoning, tier.and_then(|t| t.reasoning)),
            tier_above: tier.map(|t| t.above),
        }
    }
}

/// The prices in force for one request (USD per million tokens).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Prices {
    /// Input tokens.
    pub input: Option<f64>,
    /// Output tokens.
    pub output: Option<f64>,
    /// Cache reads.
    pub cache_read: Option<f64>,
    /// Cache writes.
    pub cache_write: Option<f64>,
    /// Reasoning tokens.
    pub reasoning: Option<f64>,
    /// The tier in force (`above`), if one is.
    pub tier_above: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    static TIERS: [CostTier; 2] = [
        CostTier {
            above: 32_000,
            input: Some(2.0),
            output: None,
            cache_read: None,
            cache_write: None,
            reasoning: None,
        },
        CostTier {
            above: 128_000,
            input: Some(3.0),
            output: Some(9.0),
            cache_read: None,
            cache_write: None,
            reasoning: None,
        },
    ];

    #[test]
    fn tiers_apply_above_their_size_and_fall_back_to_base_prices() {
        let cost = Cost {
            input: Some(1.0),
            output: Some(4.0),
            cache_read: Some(0.1),
            cache_write: None,
            reasoning: None,
            input_audio: None,
            output_audio: None,
            tiers: &TIERS,
        };
        let base = cost.for_prompt(32_000);
        assert_eq!(
            (base.input, base.output, base.tier_above),
            (Some(1.0), Some(4.0), None)
        );
        let first = cost.for_prompt(32_001);
        assert_eq!(
            (first.input, first.output, first.tier_above),
            (Some(2.0), Some(4.0), Some(32_000))
        );
        let second = cost.for_prompt(200_000);
        assert_eq!(
            (second.input, second.output, second.cache_read),
            (Some(3.0), Some(9.0), Some(0.1))
        );
    }
}
