//! Usage as each front reports it, and the call's cost from the catalog's prices.
//!
//! The common [`Usage`] has `prompt_tokens` (cached or not), `completion_tokens`
//! (reasoning included) and the upstream's own numbers in `details`. An OpenAI client gets
//! those three plus the OpenAI-named details the upstream gave
//! (`prompt_tokens_details.cached_tokens`, `completion_tokens_details.reasoning_tokens`);
//! an Anthropic client gets `input_tokens` (uncached), `cache_read_input_tokens`,
//! `cache_creation_input_tokens` and `output_tokens`, taken from the upstream's own counts
//! when it spoke Anthropic, else derived.
//!
//! **The provcat extension.** When the catalog prices the model, both fronts add
//! `usage.provcat = {"cost_usd": …}`: the prompt at the input price of the tier in force
//! (cached tokens at the cache-read price where the catalog has one), and completion
//! tokens at the output price (reasoning tokens at the reasoning price where it differs).
//! Clients that do not know the field ignore it.

use serde_json::{Map, Value, json};

use crate::catalog::Cost;
use crate::catalog::Model;
use crate::client::Usage;

/// The counts an Anthropic client expects: (uncached input, cache reads, cache writes,
/// output).
pub fn anthropic_counts(usage: &Usage) -> (u64, u64, u64, u64) {
    let raw = |name: &str| usage.details.get(name).and_then(Value::as_u64);
    if let Some(input) = raw("input_tokens") {
        return (
            input,
            raw("cache_read_input_tokens").unwrap_or(0),
            raw("cache_creation_input_tokens").unwrap_or(0),
            usage.completion_tokens,
        );
    }
    let cached = cached_tokens(usage);
    (
        usage.prompt_tokens.saturating_sub(cached),
        cached,
        0,
        usage.completion_tokens,
    )
}

/// Prompt tokens served from a cache, whatever the upstream called them.
fn cached_tokens(usage: &Usage) -> u64 {
    usage
        .details
        .get("prompt_tokens_details")
        .and_then(|d| d.get("cached_tokens"))
        .and_then(Value::as_u64)
        .or_else(|| {
            usage
                .details
                .get("cache_read_input_tokens")
                .and_then(Value::as_u64)
        })
        .unwrap_or(0)
}

/// The call's cost in USD by the catalog's prices for `model`, when it has them.
pub fn cost_usd(model: Option<&Model>, usage: &Usage) -> Option<f64> {
    cost_by(model?.cost.as_ref()?, usage)
}

/// The call's cost in USD at `cost`'s prices (the tier of its prompt), when both the input
/// and the output price are known.
pub fn cost_by(cost: &Cost, usage: &Usage) -> Option<f64> {
    let prices = cost.for_prompt(usage.prompt_tokens);
    let input = prices.input?;
    let output = prices.output?;
    let cached = cached_tokens(usage).min(usage.prompt_tokens);
    let cache_price = prices.cache_read.unwrap_or(input);
    let reasoning = usage
        .reasoning_tokens()
        .unwrap_or(0)
        .min(usage.completion_tokens);
    let reasoning_price = prices.reasoning.unwrap_or(output);
    let per_million = (usage.prompt_tokens - cached) as f64 * input
        + cached as f64 * cache_price
        + (usage.completion_tokens - reasoning) as f64 * output
        + reasoning as f64 * reasoning_price;
    Some(per_million / 1_000_000.0)
}

/// `usage` in OpenAI's shape, with the provcat extension when the cost is known.
pub fn openai_usage(usage: &Usage, cost: Option<f64>) -> Value {
    let mut out = Map::new();
    out.insert("prompt_tokens".into(), json!(usage.prompt_tokens));
    out.insert("completion_tokens".into(), json!(usage.completion_tokens));
    out.insert("total_tokens".into(), json!(usage.total_tokens));
    let cached = cached_tokens(usage);
    out.insert(
        "prompt_tokens_details".into(),
        json!({ "cached_tokens": cached }),
    );
    out.insert(
        "completion_tokens_details".into(),
        json!({ "reasoning_tokens": usage.reasoning_tokens().unwrap_or(0) }),
    );
    add_cost(&mut out, cost);
    Value::Object(out)
}

/// `usage` in Anthropic's shape, with the provcat extension when the cost is known.
pub fn anthropic_usage(usage: &Usage, cost: Option<f64>) -> Value {
    let (input, cache_read, cache_write, output) = anthropic_counts(usage);
    let mut out = Map::new();
    out.insert("input_tokens".into(), json!(input));
    out.insert("cache_creation_input_tokens".into(), json!(cache_write));
    out.insert("cache_read_input_tokens".into(), json!(cache_read));
    out.insert("output_tokens".into(), json!(output));
    add_cost(&mut out, cost);
    Value::Object(out)
}

fn add_cost(out: &mut Map<String, Value>, cost: Option<f64>) {
    if let Some(cost) = cost {
        out.insert("provcat".into(), json!({ "cost_usd": cost }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(details: Value) -> Usage {
        Usage {
            prompt_tokens: 100,
            completion_tokens: 40,
            total_tokens: 140,
            details: details.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn anthropic_counts_come_from_the_upstream_or_are_derived() {
        let from_anthropic = usage(json!({
            "input_tokens": 70, "cache_read_input_tokens": 20, "cache_creation_input_tokens": 10
        }));
        assert_eq!(anthropic_counts(&from_anthropic), (70, 20, 10, 40));
        let from_openai = usage(json!({ "prompt_tokens_details": { "cached_tokens": 30 } }));
        assert_eq!(anthropic_counts(&from_openai), (70, 30, 0, 40));
        assert_eq!(anthropic_counts(&usage(json!({}))), (100, 0, 0, 40));
    }

    #[test]
    fn the_cost_prices_cached_and_reasoning_tokens_apart_and_needs_both_prices() {
        static NO_TIERS: [crate::catalog::CostTier; 0] = [];
        let cost = Cost {
            input: Some(2.0),
            output: Some(10.0),
            cache_read: Some(0.5),
            cache_write: None,
            reasoning: Some(20.0),
            input_audio: None,
            output_audio: None,
            tiers: &NO_TIERS,
        };
        let used = usage(json!({
            "prompt_tokens_details": { "cached_tokens": 40 },
            "completion_tokens_details": { "reasoning_tokens": 10 }
        }));
        // 60 × 2 + 40 × 0.5 + 30 × 10 + 10 × 20 = 640 per million.
        let usd = cost_by(&cost, &used).unwrap();
        assert!((usd - 640.0 / 1e6).abs() < 1e-12, "{usd}");
        let unpriced = Cost {
            output: None,
            ..cost
        };
        assert_eq!(cost_by(&unpriced, &used), None);
    }

    #[test]
    fn openai_usage_keeps_the_details_and_adds_the_cost() {
        let shaped = openai_usage(
            &usage(json!({ "completion_tokens_details": { "reasoning_tokens": 7 } })),
            Some(0.5),
        );
        assert_eq!(shaped["completion_tokens_details"]["reasoning_tokens"], 7);
        assert_eq!(shaped["provcat"]["cost_usd"], 0.5);
        assert!(
            openai_usage(&usage(json!({})), None)
                .get("provcat")
                .is_none()
        );
    }
}
