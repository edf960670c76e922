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
//! `usage.provcat = {"cost_usd": …}`, computed by [`crate::cost::call_cost`] — the rules
//! `provcat chat` prints its cost by (the tier of the prompt, cache reads and writes,
//! reasoning priced apart, nothing per token on a subscription plan). Clients that do not
//! know the field ignore it.

use serde_json::{Map, Value, json};

use crate::client::Usage;
use crate::cost::{TokenCounts, call_cost};
use crate::resolve::Target;

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

/// The call's cost in USD by the catalog's prices for the target's model on its plan,
/// when it has them.
pub fn cost_usd(target: &Target, usage: &Usage) -> Option<f64> {
    let tokens =
        TokenCounts::from_usage(usage.prompt_tokens, usage.completion_tokens, &usage.details);
    call_cost(
        target.model.and_then(|m| m.cost.as_ref()),
        target.plan,
        &tokens,
    )
    .ok()
    .map(|c| c.usd)
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
