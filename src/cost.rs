//! The cost of one call, from the catalog's prices and the usage the server reported.
//!
//! The rules, documented here once:
//!
//! - the prices in force are chosen by the prompt's size ([`Cost::for_prompt`]): the last
//!   context tier whose `above` the prompt tokens exceed, each price falling back to the
//!   base one;
//! - prompt tokens read from the prompt cache are priced at `cache_read` and those written
//!   to it at `cache_write` (each at the input price when the catalog has none); the rest
//!   of the prompt at `input`. Cache reads are what the usage reports as
//!   `prompt_tokens_details.cached_tokens` (OpenAI-compatible hosts, DashScope) or
//!   `cache_read_input_tokens` (Anthropic Messages); cache writes as
//!   `cache_creation_input_tokens` (either place). The prompt count includes both;
//! - reasoning tokens (`completion_tokens_details.reasoning_tokens`, part of the completion)
//!   are priced at `reasoning` when the catalog prices them apart, else as output;
//! - a call whose plan is billed by subscription is not priced per token;
//! - without an input or output price the cost is unknown (never a guess).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalog::{Billing, Cost, Plan};

/// The tokens of one call, as the cost rules count them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TokenCounts {
    /// The whole prompt, cached or not.
    pub prompt: u64,
    /// The completion, reasoning included.
    pub completion: u64,
    /// Prompt tokens read from the cache.
    pub cache_read: u64,
    /// Prompt tokens written to the cache.
    pub cache_write: u64,
    /// Completion tokens spent reasoning.
    pub reasoning: u64,
}

impl TokenCounts {
    /// The counts of a usage report: its prompt and completion totals and the rest of
    /// what the server said (`details`), in OpenAI's or Anthropic's words.
    pub fn from_usage(prompt: u64, completion: u64, details: &Map<String, Value>) -> TokenCounts {
        let at = |path: &[&str]| -> Option<u64> {
            let mut value = details.get(path[0])?;
            for key in &path[1..] {
                value = value.get(key)?;
            }
            value.as_u64()
        };
        let first = |paths: &[&[&str]]| paths.iter().find_map(|p| at(p)).unwrap_or(0);
        TokenCounts {
            prompt,
            completion,
            cache_read: first(&[
                &["prompt_tokens_details", "cached_tokens"],
                &["cache_read_input_tokens"],
            ]),
            cache_write: first(&[
                &["prompt_tokens_details", "cache_creation_input_tokens"],
                &["cache_creation_input_tokens"],
            ]),
            reasoning: first(&[&["completion_tokens_details", "reasoning_tokens"]]),
        }
    }
}

/// What one call cost, in US dollars, by what was paid for.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CallCost {
    /// The total.
    pub usd: f64,
    /// Uncached prompt tokens.
    pub input: f64,
    /// Completion tokens (reasoning tokens too, unless priced apart).
    pub output: f64,
    /// Prompt tokens read from the cache.
    pub cache_read: f64,
    /// Prompt tokens written to the cache.
    pub cache_write: f64,
    /// Reasoning tokens priced apart.
    pub reasoning: f64,
    /// The context tier in force (`above`), if one is.
    pub tier_above: Option<u32>,
}

/// Why a call has no cost in US dollars.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unpriced {
    /// The catalog states no price for the model.
    #[error("the catalog has no price for this model")]
    NoPrice,
    /// A price the call needs is missing.
    #[error("the catalog has no {0} price for this model")]
    Missing(&'static str),
    /// The plan is billed by subscription, not per token.
    #[error("the {0} is billed by subscription, not per token")]
    Subscription(String),
}

/// The cost of a call of `tokens` to a model priced `cost` on `plan` (when known).
pub fn call_cost(
    cost: Option<&Cost>,
    plan: Option<&Plan>,
    tokens: &TokenCounts,
) -> Result<CallCost, Unpriced> {
    if let Some(plan) = plan.filter(|p| p.billing == Billing::Subscription) {
        return Err(Unpriced::Subscription(plan.name.to_string()));
    }
    let cost = cost.ok_or(Unpriced::NoPrice)?;
    let prices = cost.for_prompt(tokens.prompt);
    let input = prices.input.ok_or(Unpriced::Missing("input"))?;
    let output = prices.output.ok_or(Unpriced::Missing("output"))?;
    let per_token = |price: f64, n: u64| price * n as f64 / 1_000_000.0;
    let cached = tokens.cache_read.min(tokens.prompt);
    let written = tokens.cache_write.min(tokens.prompt - cached);
    let fresh = tokens.prompt - cached - written;
    let thinking = tokens.reasoning.min(tokens.completion);
    let (reasoning, answered) = match prices.reasoning {
        Some(price) => (per_token(price, thinking), tokens.completion - thinking),
        None => (0.0, tokens.completion),
    };
    let parts = CallCost {
        usd: 0.0,
        input: per_token(input, fresh),
        output: per_token(output, answered),
        cache_read: per_token(prices.cache_read.unwrap_or(input), cached),
        cache_write: per_token(prices.cache_write.unwrap_or(input), written),
        reasoning,
        tier_above: prices.tier_above,
    };
    Ok(CallCost {
        usd: parts.input + parts.output + parts.cache_read + parts.cache_write + parts.reasoning,
        ..parts
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CostTier;

    static TIERS: [CostTier; 1] = [CostTier {
        above: 1_000,
        input: Some(4.0),
        output: Some(12.0),
        cache_read: Some(0.4),
        cache_write: None,
        reasoning: None,
    }];

    fn cost(reasoning: Option<f64>, tiers: &'static [CostTier]) -> Cost {
        Cost {
            input: Some(2.0),
            output: Some(6.0),
            cache_read: Some(0.2),
            cache_write: Some(2.5),
            reasoning,
            input_audio: None,
            output_audio: None,
            tiers,
        }
    }

    fn tokens(prompt: u64, completion: u64, cache_read: u64, reasoning: u64) -> TokenCounts {
        TokenCounts {
            prompt,
            completion,
            cache_read,
            cache_write: 0,
            reasoning,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn input_and_output_at_the_base_prices() {
        let c = call_cost(Some(&cost(None, &[])), None, &tokens(500, 100, 0, 0)).unwrap();
        assert!(close(c.input, 500.0 * 2.0 / 1e6), "{c:?}");
        assert!(close(c.output, 100.0 * 6.0 / 1e6), "{c:?}");
        assert!(close(c.usd, 0.0016), "{c:?}");
        assert_eq!(c.tier_above, None);
    }

    #[test]
    fn cache_reads_and_writes_have_their_own_prices() {
        let t = TokenCounts {
            prompt: 1_000,
            completion: 0,
            cache_read: 600,
            cache_write: 100,
            reasoning: 0,
        };
        let c = call_cost(Some(&cost(None, &[])), None, &t).unwrap();
        assert!(close(c.input, 300.0 * 2.0 / 1e6), "{c:?}");
        assert!(close(c.cache_read, 600.0 * 0.2 / 1e6), "{c:?}");
        assert!(close(c.cache_write, 100.0 * 2.5 / 1e6), "{c:?}");
        assert!(
            close(c.usd, c.input + c.cache_read + c.cache_write),
            "{c:?}"
        );
    }

    #[test]
    fn the_tier_is_chosen_by_the_prompt_and_prices_fall_back() {
        let t = tokens(2_000, 10, 1_000, 0);
        let c = call_cost(Some(&cost(None, &TIERS)), None, &t).unwrap();
        assert_eq!(c.tier_above, Some(1_000));
        assert!(close(c.input, 1_000.0 * 4.0 / 1e6), "{c:?}");
        assert!(close(c.cache_read, 1_000.0 * 0.4 / 1e6), "{c:?}");
        assert!(close(c.output, 10.0 * 12.0 / 1e6), "{c:?}");
        // At the tier's size exactly, the base prices.
        let base = call_cost(Some(&cost(None, &TIERS)), None, &tokens(1_000, 0, 0, 0)).unwrap();
        assert_eq!(base.tier_above, None);
        assert!(close(base.input, 1_000.0 * 2.0 / 1e6));
    }

    #[test]
    fn reasoning_tokens_are_priced_apart_only_when_the_catalog_says() {
        let t = tokens(0, 100, 0, 40);
        let apart = call_cost(Some(&cost(Some(10.0), &[])), None, &t).unwrap();
        assert!(close(apart.reasoning, 40.0 * 10.0 / 1e6), "{apart:?}");
        assert!(close(apart.output, 60.0 * 6.0 / 1e6), "{apart:?}");
        let as_output = call_cost(Some(&cost(None, &[])), None, &t).unwrap();
        assert!(close(as_output.reasoning, 0.0));
        assert!(close(as_output.output, 100.0 * 6.0 / 1e6), "{as_output:?}");
    }

    #[test]
    fn missing_prices_and_subscriptions_are_not_guessed() {
        let t = tokens(10, 10, 0, 0);
        assert_eq!(call_cost(None, None, &t), Err(Unpriced::NoPrice));
        let no_output = Cost {
            output: None,
            ..cost(None, &[])
        };
        assert_eq!(
            call_cost(Some(&no_output), None, &t),
            Err(Unpriced::Missing("output"))
        );
        let plan = Plan {
            id: "sub",
            name: "Sub Plan",
            billing: Billing::Subscription,
            key_prefix: None,
            key_env: &[],
        };
        assert_eq!(
            call_cost(Some(&cost(None, &[])), Some(&plan), &t),
            Err(Unpriced::Subscription("Sub Plan".into()))
        );
        let paygo = Plan {
            billing: Billing::PayAsYouGo,
            ..plan
        };
        assert!(call_cost(Some(&cost(None, &[])), Some(&paygo), &t).is_ok());
    }

    #[test]
    fn counts_come_from_openai_and_anthropic_usage_words() {
        let openai = serde_json::json!({
            "prompt_tokens_details": {"cached_tokens": 7},
            "completion_tokens_details": {"reasoning_tokens": 3}
        });
        let t = TokenCounts::from_usage(20, 9, openai.as_object().unwrap());
        assert_eq!((t.cache_read, t.cache_write, t.reasoning), (7, 0, 3));
        let anthropic = serde_json::json!({
            "input_tokens": 10, "cache_read_input_tokens": 3, "cache_creation_input_tokens": 2
        });
        let t = TokenCounts::from_usage(15, 1, anthropic.as_object().unwrap());
        assert_eq!(
            (t.prompt, t.cache_read, t.cache_write, t.reasoning),
            (15, 3, 2, 0)
        );
    }

    #[test]
    fn counts_above_the_prompt_are_clamped() {
        let t = TokenCounts {
            prompt: 10,
            completion: 5,
            cache_read: 50,
            cache_write: 50,
            reasoning: 50,
        };
        let c = call_cost(Some(&cost(Some(1.0), &[])), None, &t).unwrap();
        assert!(close(c.cache_read, 10.0 * 0.2 / 1e6), "{c:?}");
        assert!(close(c.cache_write + c.input, 0.0), "{c:?}");
        assert!(
            close(c.output, 0.0) && close(c.reasoning, 5.0 / 1e6),
            "{c:?}"
        );
    }
}
