//! catwalk (Charm's crush): one provider JSON per region × plan, as catwalk's
//! `pkg/catwalk/provider.go` defines `Provider` and `Model`: `name`, `id`, `api_key` as
//! `$VAR`, `api_endpoint`, `type` (`completions`, `responses`, `messages`), default large
//! and small model ids, and models with `id`, `name`, `pricing` (USD per million tokens:
//! `input`, `output`, `cache_create`, `cache_hit`), `context_window`, `default_max_tokens`,
//! `reasoning` (`thinking`: `always`, `never` or `toggleable`; `effort_levels` with
//! `value` and `display`, and `default_effort_level`, for toggleable models) and
//! `capabilities.vision`. Thinking is `toggleable` when the model's reasoning controls say
//! so, or, without controls, when the host has a thinking switch.
//!
//! The large default is the provider's default model when the target serves it (else its
//! first model); the small default is the model with the lowest output price (then input
//! price, then id), or the large default when no model has prices. Files are
//! `<id>.json`, ids as catwalk has them where it has the provider ([`super::names`]).

use serde::Serialize;

use crate::catalog::{Dialect, Modality, Model, ThinkingFormat};

use super::targets::{Selection, Target};
use super::{Export, ExportError, Notes};

#[derive(Serialize)]
struct Provider {
    name: String,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key: Option<String>,
    api_endpoint: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    default_large_model_id: &'static str,
    default_small_model_id: &'static str,
    models: Vec<CatwalkModel>,
}

#[derive(Serialize)]
struct CatwalkModel {
    id: &'static str,
    name: &'static str,
    pricing: Pricing,
    context_window: u32,
    default_max_tokens: u32,
    reasoning: Reasoning,
    capabilities: Capabilities,
}

#[derive(Serialize)]
struct Pricing {
    input: f64,
    output: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    cache_create: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cache_hit: Option<f64>,
}

#[derive(Serialize)]
struct Reasoning {
    thinking: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    effort_levels: Vec<EffortLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_effort_level: Option<&'static str>,
}

#[derive(Serialize)]
struct EffortLevel {
    value: &'static str,
    display: String,
}

#[derive(Serialize)]
struct Capabilities {
    vision: bool,
}

/// catwalk's `type` for a dialect, if it has one.
fn kind(dialect: Dialect) -> Option<&'static str> {
    match dialect {
        Dialect::OpenAiCompletions => Some("completions"),
        Dialect::AnthropicMessages => Some("messages"),
        // Another chat dialect: the endpoint is left out, with a note.
        _ => None,
    }
}

/// catwalk's display name of an effort level (`effortLevelDisplay`): `X-High` for `xhigh`,
/// else the value with its first letter upper-cased.
pub fn effort_display(value: &str) -> String {
    match value {
        "xhigh" => "X-High".to_string(),
        _ => {
            let mut chars = value.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// Builds one provider file per target.
pub fn export(selection: &Selection) -> Result<Export, ExportError> {
    let mut notes = Notes::default();
    let mut files: Vec<(String, String)> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    selection.note_untargeted(&mut notes, "catwalk");
    for target in selection.targets() {
        let (id, name) = super::names::catwalk(&target);
        let Some((surface, kind)) = target.chat_in(&id, "catwalk", &mut notes, |s| kind(s.dialect))
        else {
            continue;
        };
        target.note_video_left_out(selection, &mut notes, "catwalk models are chat models");
        let mut served: Vec<&'static Model> = Vec::new();
        let models: Vec<CatwalkModel> = target
            .chat_models(selection)
            .filter_map(|m| {
                let converted = model(m, &target, &mut notes)?;
                served.push(m);
                Some(converted)
            })
            .collect();
        let Some(first) = served.first() else {
            notes.add(
                id,
                "endpoint",
                "left out: none of its models can be written for catwalk",
            );
            continue;
        };
        let large = served
            .iter()
            .find(|m| m.canonical_ref == target.provider.default_model)
            .unwrap_or(first);
        let small = served
            .iter()
            .filter_map(|m| {
                let c = m.cost.as_ref()?;
                Some((c.output?, c.input.unwrap_or(0.0), m.wire_id, *m))
            })
            .min_by(|a, b| {
                a.0.total_cmp(&b.0)
                    .then(a.1.total_cmp(&b.1))
                    .then(a.2.cmp(b.2))
            })
            .map_or(*large, |(.., m)| m);
        if names.contains(&name) {
            return Err(ExportError::Clash {
                what: "name",
                value: name,
            });
        }
        names.push(name.clone());
        let provider = Provider {
            name,
            id: id.clone(),
            api_key: target.env().first().map(|v| format!("${v}")),
            api_endpoint: surface.base_url,
            kind,
            default_large_model_id: large.wire_id,
            default_small_model_id: small.wire_id,
            models,
        };
        let path = format!("{id}.json");
        if files.iter().any(|(p, _)| *p == path) {
            return Err(ExportError::Clash {
                what: "id",
                value: id,
            });
        }
        files.push((
            path,
            serde_json::to_string_pretty(&provider).unwrap_or_default() + "\n",
        ));
    }
    Ok(Export { files, notes })
}

fn model(m: &'static Model, target: &Target, notes: &mut Notes) -> Option<CatwalkModel> {
    let subject = m.canonical_ref;
    notes.unexpressed(
        m,
        &[
            "family",
            "temperature",
            "attachment",
            "open_weights",
            "knowledge",
            "release_date",
            "last_updated",
            "tool_call",
            "structured_output",
            "input_limit",
            "thinking_by_default",
            "aliases",
            "notes",
        ],
        "catwalk",
    );
    let (Some(context_window), Some(max_tokens)) = (m.context_window, m.max_output_tokens) else {
        notes.add(
            subject,
            "context_window, max_output_tokens",
            "model left out: catwalk needs both",
        );
        return None;
    };
    if let Some(reason) = target.may_reject(m) {
        notes.add(
            subject,
            "availability",
            format!("catwalk cannot say the plan may reject it: {reason}"),
        );
    }
    let cost = m.cost.as_ref();
    let (input, output) = (cost.and_then(|c| c.input), cost.and_then(|c| c.output));
    if input.is_none() || output.is_none() {
        notes.add(
            subject,
            "cost",
            "no input or output price: written as 0, which catwalk reads as free",
        );
    }
    if let Some(c) = cost {
        if !c.tiers.is_empty() {
            notes.add(
                subject,
                "cost.tiers",
                "catwalk's pricing has no context tiers; the base prices are written",
            );
        }
        if c.reasoning.is_some() || c.input_audio.is_some() || c.output_audio.is_some() {
            notes.add(
                subject,
                "cost",
                "reasoning and audio prices left out: catwalk has no field for them",
            );
        }
    }
    let controls = m.reasoning_controls.as_ref();
    // Without reasoning controls, thinking can be switched where the host has a switch.
    let toggle = match controls {
        Some(c) => c.toggle,
        None => target
            .chat()
            .is_some_and(|s| s.capabilities.thinking_format != ThinkingFormat::None),
    };
    for other in m
        .input
        .iter()
        .filter(|i| !matches!(i, Modality::Text | Modality::Image))
    {
        notes.add(
            subject,
            "input",
            format!("`{other}` left out: catwalk's capabilities say vision only"),
        );
    }
    let thinking = match (m.reasoning, toggle) {
        (false, _) => "never",
        (true, true) => "toggleable",
        (true, false) => "always",
    };
    let mut reasoning = Reasoning {
        thinking,
        effort_levels: Vec::new(),
        default_effort_level: None,
    };
    if let Some(c) = controls.filter(|c| !c.effort_levels.is_empty()) {
        if thinking == "toggleable" {
            reasoning.effort_levels = c
                .effort_levels
                .iter()
                .map(|v| EffortLevel {
                    value: v,
                    display: effort_display(v),
                })
                .collect();
            reasoning.default_effort_level = c.default_effort;
        } else {
            notes.add(subject, "reasoning_controls.effort_levels", "left out: catwalk sets effort levels only for models whose thinking can be switched");
        }
    }
    if controls.is_some_and(|c| c.budget.is_some()) {
        notes.add(
            subject,
            "reasoning_controls.budget",
            "catwalk has no thinking budget",
        );
    }
    Some(CatwalkModel {
        id: m.wire_id,
        name: m.name,
        pricing: Pricing {
            input: input.unwrap_or(0.0),
            output: output.unwrap_or(0.0),
            cache_create: cost.and_then(|c| c.cache_write),
            cache_hit: cost.and_then(|c| c.cache_read),
        },
        context_window,
        default_max_tokens: max_tokens,
        reasoning,
        capabilities: Capabilities {
            vision: m.input.contains(&Modality::Image),
        },
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn effort_levels_are_displayed_as_catwalk_does() {
        assert_eq!(super::effort_display("xhigh"), "X-High");
        assert_eq!(super::effort_display("low"), "Low");
        assert_eq!(super::effort_display(""), "");
    }
}
