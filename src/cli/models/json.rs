//! The JSON shape of a model in `models list --json` and `models show --json`: every fact
//! of the catalog, unknown ones as `null`, prices as a `cost` object in USD per million
//! tokens.

use std::collections::BTreeMap;

use provcat::catalog::{
    self, AvailabilityStatus, Cost, Lifecycle, Modality, Model, ModelKind, ReasoningControls,
    RefVia, VideoSpec,
};
use serde::Serialize;

use super::ConfigView;

/// A model as `--json` prints it.
#[derive(Serialize)]
pub struct ModelJson<'a> {
    #[serde(rename = "ref")]
    canonical_ref: &'a str,
    provider: &'a str,
    id: &'a str,
    name: &'a str,
    kind: ModelKind,
    family: Option<&'a str>,
    input: &'a [Modality],
    output: &'a [Modality],
    context_window: Option<u32>,
    max_output_tokens: Option<u32>,
    input_limit: Option<u32>,
    /// Prices in USD per million tokens, or null when the catalog has none.
    cost: Option<CostJson>,
    tool_call: Option<bool>,
    structured_output: Option<bool>,
    temperature: Option<bool>,
    attachment: Option<bool>,
    open_weights: Option<bool>,
    knowledge: Option<&'a str>,
    release_date: Option<&'a str>,
    last_updated: Option<&'a str>,
    reasoning: bool,
    thinking_by_default: bool,
    reasoning_controls: Option<&'a ReasoningControls>,
    notes: Option<&'a str>,
    aliases: &'a [&'a str],
    lifecycle: &'a Lifecycle,
    availability: BTreeMap<&'a str, AvailabilityJson<'a>>,
    video: Option<&'a VideoSpec>,
    /// Why provcat cannot call the model (listed only), or null when it can.
    not_callable: Option<&'a str>,
    /// Which configured default this model is (`model` / `videoGenerationModel`), if any.
    configured_default: Option<&'static str>,
}

/// Every price of a model, `null` where the catalog states none.
#[derive(Serialize)]
struct CostJson {
    input: Option<f64>,
    output: Option<f64>,
    cache_read: Option<f64>,
    cache_write: Option<f64>,
    reasoning: Option<f64>,
    input_audio: Option<f64>,
    output_audio: Option<f64>,
    tiers: Vec<TierJson>,
}

/// The prices above a prompt size; `null` prices are the base ones.
#[derive(Serialize)]
struct TierJson {
    above: u32,
    input: Option<f64>,
    output: Option<f64>,
    cache_read: Option<f64>,
    cache_write: Option<f64>,
    reasoning: Option<f64>,
}

impl CostJson {
    fn of(c: &Cost) -> CostJson {
        CostJson {
            input: c.input,
            output: c.output,
            cache_read: c.cache_read,
            cache_write: c.cache_write,
            reasoning: c.reasoning,
            input_audio: c.input_audio,
            output_audio: c.output_audio,
            tiers: c
                .tiers
                .iter()
                .map(|t| TierJson {
                    above: t.above,
                    input: t.input,
                    output: t.output,
                    cache_read: t.cache_read,
                    cache_write: t.cache_write,
                    reasoning: t.reasoning,
                })
                .collect(),
        }
    }
}

/// Whether one plan serves the model, and in which regions.
#[derive(Serialize)]
struct AvailabilityJson<'a> {
    status: AvailabilityStatus,
    reason: Option<&'a str>,
    /// The region ids where the plan serves the model: the catalog's list, else every
    /// region the plan has an endpoint in.
    regions: Vec<&'a str>,
}

/// `models show --json`: the model plus how the typed ref reached it.
#[derive(Serialize)]
pub struct ShownJson<'a> {
    #[serde(flatten)]
    pub model: ModelJson<'a>,
    /// The alias that was typed, or null for the canonical ref.
    pub alias: Option<&'a str>,
    pub via: RefVia,
}

/// The regions where `plan` serves `m`: those the catalog names, else every region with an
/// endpoint of the plan.
pub fn served_regions(m: &Model, plan: &str, listed: &'static [&'static str]) -> Vec<&'static str> {
    if !listed.is_empty() {
        return listed.to_vec();
    }
    catalog::provider(m.provider).map_or_else(Vec::new, |p| {
        p.endpoints
            .iter()
            .filter(|e| e.plan == plan)
            .map(|e| e.region)
            .collect()
    })
}

/// The JSON of `m`, marked with the default it is in `view`.
pub fn to_json<'a>(m: &'a Model, view: &ConfigView) -> ModelJson<'a> {
    ModelJson {
        configured_default: view.default_of(m),
        canonical_ref: m.canonical_ref,
        provider: m.provider,
        id: m.id,
        name: m.name,
        kind: m.kind,
        family: m.family,
        input: m.input,
        output: m.output,
        context_window: m.context_window,
        max_output_tokens: m.max_output_tokens,
        input_limit: m.input_limit,
        cost: m.cost.as_ref().map(CostJson::of),
        tool_call: m.tool_call,
        structured_output: m.structured_output,
        temperature: m.temperature,
        attachment: m.attachment,
        open_weights: m.open_weights,
        knowledge: m.knowledge,
        release_date: m.release_date,
        last_updated: m.last_updated,
        reasoning: m.reasoning,
        thinking_by_default: m.thinking_by_default,
        reasoning_controls: m.reasoning_controls.as_ref(),
        notes: m.notes,
        aliases: m.aliases,
        lifecycle: &m.lifecycle,
        availability: m
            .availability
            .iter()
            .map(|a| {
                (
                    a.plan,
                    AvailabilityJson {
                        status: a.status,
                        reason: a.reason,
                        regions: served_regions(m, a.plan, a.regions),
                    },
                )
            })
            .collect(),
        video: m.video.as_ref(),
        not_callable: m.not_callable,
    }
}
