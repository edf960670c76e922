//! OpenClaw: a config holding a `models.providers.<id>` block per region × plan, as
//! OpenClaw's `ModelProviderSchema` and `ModelDefinitionSchema` (`src/config/zod-schema.core.ts`,
//! both `.strict()`) accept them: `baseUrl`, `api` (one of its `MODEL_APIS`), `apiKey` as an
//! env secret reference (`{source: "env", provider: "default", id: "<VAR>"}`), and `models[]`
//! with `id`, `name`, `reasoning`, `input` (text and image only), `contextWindow`,
//! `maxTokens`, `cost` (USD per million tokens) and the host's `compat` flags.
//!
//! The block is merged into OpenClaw's config (`"mode": "merge"` keeps OpenClaw's own
//! providers). Video models are left out: OpenClaw's model definitions are chat models.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::catalog::{Dialect, MaxTokensField, Modality, Model};

use super::targets::{Selection, Target};
use super::{Export, ExportError, Notes};

/// The file name used for the block.
pub const FILE: &str = "openclaw.json";

#[derive(Serialize)]
struct Config {
    models: Models,
}

#[derive(Serialize)]
struct Models {
    mode: &'static str,
    providers: BTreeMap<String, Provider>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Provider {
    base_url: &'static str,
    api: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key: Option<SecretRef>,
    models: Vec<ModelDef>,
}

#[derive(Serialize)]
struct SecretRef {
    source: &'static str,
    provider: &'static str,
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ModelDef {
    id: &'static str,
    name: &'static str,
    reasoning: bool,
    input: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context_window: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost: Option<Cost>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compat: Option<Compat>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Cost {
    #[serde(skip_serializing_if = "Option::is_none")]
    input: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cache_read: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cache_write: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Compat {
    supports_developer_role: bool,
    supports_usage_in_streaming: bool,
    max_tokens_field: &'static str,
}

/// OpenClaw's `api` for a dialect, if it has one.
fn api(dialect: Dialect) -> Option<&'static str> {
    match dialect {
        Dialect::OpenAiCompletions => Some("openai-completions"),
        Dialect::AnthropicMessages => Some("anthropic-messages"),
        // Another chat dialect: the endpoint is left out, with a note.
        _ => None,
    }
}

/// Builds the config for the selection.
pub fn export(selection: &Selection) -> Result<Export, ExportError> {
    let mut notes = Notes::default();
    let mut providers = BTreeMap::new();
    selection.note_untargeted(&mut notes, "OpenClaw");
    for target in selection.targets() {
        let (id, _) = super::names::derived(&target);
        let Some((surface, api)) = target.chat_in(&id, "OpenClaw", &mut notes, |s| api(s.dialect))
        else {
            continue;
        };
        target.note_video_left_out(
            selection,
            &mut notes,
            "OpenClaw's model definitions are chat models",
        );
        let models = target
            .chat_models(selection)
            .map(|m| model(m, &target, api, &mut notes))
            .collect();
        let env = target.env();
        if env.is_empty() {
            notes.add(
                &id,
                "auth_env",
                "the provider has no key variable; apiKey left out",
            );
        }
        let provider = Provider {
            base_url: surface.base_url,
            api,
            api_key: env.first().map(|var| SecretRef {
                source: "env",
                provider: "default",
                id: var,
            }),
            models,
        };
        if providers.insert(id.clone(), provider).is_some() {
            return Err(ExportError::Clash {
                what: "id",
                value: id,
            });
        }
    }
    let config = Config {
        models: Models {
            mode: "merge",
            providers,
        },
    };
    let text = serde_json::to_string_pretty(&config).unwrap_or_default() + "\n";
    Ok(Export {
        files: vec![(FILE.to_string(), text)],
        notes,
    })
}

fn model(m: &'static Model, target: &Target, api: &str, notes: &mut Notes) -> ModelDef {
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
        "OpenClaw",
    );
    let mut input = Vec::new();
    for modality in m.input {
        match modality {
            Modality::Text => input.push("text"),
            Modality::Image => input.push("image"),
            other => notes.add(
                subject,
                "input",
                format!("`{other}` left out: OpenClaw's inputs are text and image"),
            ),
        }
    }
    if let Some(reason) = target.may_reject(m) {
        notes.add(
            subject,
            "availability",
            format!("OpenClaw cannot say the plan may reject it: {reason}"),
        );
    }
    let cost = m.cost.as_ref().map(|c| {
        if !c.tiers.is_empty() {
            notes.add(
                subject,
                "cost.tiers",
                "OpenClaw has one price per kind; the base prices are written",
            );
        }
        if c.reasoning.is_some() || c.input_audio.is_some() || c.output_audio.is_some() {
            notes.add(
                subject,
                "cost",
                "reasoning and audio prices left out: OpenClaw has no field for them",
            );
        }
        Cost {
            input: c.input,
            output: c.output,
            cache_read: c.cache_read,
            cache_write: c.cache_write,
        }
    });
    if m.reasoning_controls.is_some() {
        notes.add(
            subject,
            "reasoning_controls",
            "OpenClaw's model definitions have no effort levels or thinking budget",
        );
    }
    let compat = (api == "openai-completions").then(|| {
        let caps = target.chat().map(|s| s.capabilities).unwrap_or_default();
        Compat {
            supports_developer_role: caps.developer_role,
            supports_usage_in_streaming: caps.streaming_usage,
            max_tokens_field: match caps.max_tokens_field {
                MaxTokensField::MaxTokens => "max_tokens",
                MaxTokensField::MaxCompletionTokens => "max_completion_tokens",
            },
        }
    });
    ModelDef {
        id: m.wire_id,
        name: m.name,
        reasoning: m.reasoning,
        input,
        context_window: m.context_window,
        max_tokens: m.max_output_tokens,
        cost,
        compat,
    }
}
