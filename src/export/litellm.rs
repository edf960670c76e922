//! LiteLLM: entries of `model_prices_and_context_window.json`, as LiteLLM's own schema test
//! (`tests/test_litellm/test_utils.py`, `INTENDED_SCHEMA`) defines them.
//!
//! One entry per model, keyed `<litellm_provider>/<wire id>` with LiteLLM's provider id
//! ([`super::names::litellm`]): `mode` (`chat`, `video_generation`), token limits
//! (`max_tokens` is the output limit, as LiteLLM's consistency test requires), costs **per
//! token** (the catalog's per-million prices with the decimal point moved), context tiers as
//! `tiered_pricing` ranges, `supports_*` flags, `deprecation_date` and `source`. Keys are
//! sorted, and so are the keys of each entry.
//!
//! LiteLLM keys carry no plan or region, so the entry holds the model's facts and nothing of
//! where it is served; everything else it cannot hold is noted.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::catalog::{LifecycleStatus, Modality, Model, ModelKind, Provider};

use super::targets::Selection;
use super::{Export, ExportError, Notes, per_token};

/// The file name LiteLLM gives the map.
pub const FILE: &str = "model_prices_and_context_window.json";

/// Builds the map for the selection.
pub fn export(selection: &Selection) -> Result<Export, ExportError> {
    let mut notes = Notes::default();
    let mut entries: BTreeMap<String, BTreeMap<&'static str, Value>> = BTreeMap::new();
    for provider in &selection.providers {
        let (litellm, known) = super::names::litellm(provider);
        if !known {
            notes.add(
                provider.id,
                "provider",
                format!("LiteLLM has no provider for it; keys use the catalog id `{litellm}/…`"),
            );
        }
        if provider.plans.len() > 1 || provider.regions.len() > 1 {
            notes.add(
                provider.id,
                "plans, regions, endpoints",
                "LiteLLM keys carry no plan or region: entries hold the models' facts, not where each plan serves them",
            );
        }
        for model in selection.models_of(provider) {
            let key = format!("{litellm}/{}", model.wire_id);
            if entries.contains_key(&key) {
                notes.add(
                    model.canonical_ref,
                    "model",
                    format!("left out: `{key}` is already the key of another model"),
                );
                continue;
            }
            entries.insert(key, entry(model, provider, &litellm, &mut notes));
        }
    }
    let text = serde_json::to_string_pretty(&entries).unwrap_or_default() + "\n";
    Ok(Export {
        files: vec![(FILE.to_string(), text)],
        notes,
    })
}

fn entry(
    model: &Model,
    provider: &Provider,
    litellm: &str,
    notes: &mut Notes,
) -> BTreeMap<&'static str, Value> {
    let subject = model.canonical_ref;
    let mut e: BTreeMap<&'static str, Value> = BTreeMap::new();
    e.insert("litellm_provider", json!(litellm));
    e.insert("source", json!(provider.links.docs));
    let chat = model.kind == ModelKind::Chat;
    e.insert(
        "mode",
        json!(if chat { "chat" } else { "video_generation" }),
    );
    if let Some(input) = model.input_limit.or(model.context_window) {
        e.insert("max_input_tokens", json!(input));
    }
    if let Some(output) = model.max_output_tokens {
        e.insert("max_output_tokens", json!(output));
        e.insert("max_tokens", json!(output));
    }
    costs(model, &mut e, notes);
    modalities(model, &mut e, notes);
    if chat {
        e.insert("supports_system_messages", json!(true));
        e.insert("supports_reasoning", json!(model.reasoning));
        e.insert(
            "supports_vision",
            json!(model.input.contains(&Modality::Image)),
        );
        if let Some(tools) = model.tool_call {
            e.insert("supports_function_calling", json!(tools));
        }
        if let Some(schema) = model.structured_output {
            e.insert("supports_response_schema", json!(schema));
        }
        // A cache read price says the provider caches prompts; without one nothing is said.
        if model.cost.as_ref().is_some_and(|c| c.cache_read.is_some()) {
            e.insert("supports_prompt_caching", json!(true));
        }
        for (modality, flag) in [
            (Modality::Audio, "supports_audio_input"),
            (Modality::Video, "supports_video_input"),
            (Modality::Pdf, "supports_pdf_input"),
        ] {
            if model.input.contains(&modality) {
                e.insert(flag, json!(true));
            }
        }
    }
    if let Some(video) = &model.video {
        if !video.resolutions.is_empty() {
            e.insert("supported_resolutions", json!(video.resolutions));
        }
        notes.add(
            subject,
            "video",
            "LiteLLM has no field for the generation mode, sizes, aspect ratios, durations or reference media rules",
        );
    }
    lifecycle(model, &mut e, notes);
    unexpressed(model, notes);
    e
}

fn costs(model: &Model, e: &mut BTreeMap<&'static str, Value>, notes: &mut Notes) {
    let Some(cost) = &model.cost else { return };
    for (price, field) in [
        (cost.input, "input_cost_per_token"),
        (cost.output, "output_cost_per_token"),
        (cost.cache_read, "cache_read_input_token_cost"),
        (cost.cache_write, "cache_creation_input_token_cost"),
        (cost.reasoning, "output_cost_per_reasoning_token"),
        (cost.input_audio, "input_cost_per_audio_token"),
        (cost.output_audio, "output_cost_per_audio_token"),
    ] {
        if let Some(price) = price {
            e.insert(field, json!(per_token(price)));
        }
    }
    if cost.tiers.is_empty() {
        return;
    }
    // LiteLLM's tiers are ranges of prompt tokens, the first from 0 at the base prices.
    let end = model.input_limit.or(model.context_window);
    let mut tiers = Vec::new();
    let mut start = 0u32;
    let mut prices = (cost.input, cost.output, cost.cache_read, cost.reasoning);
    for next in cost.tiers.iter().map(Some).chain([None]) {
        let stop = next.map(|t| t.above).or(end);
        let Some(stop) = stop else {
            notes.add(model.canonical_ref, "cost.tiers", "the last tier is left out: LiteLLM ranges need an end and the model has no context window");
            break;
        };
        let mut tier = serde_json::Map::new();
        tier.insert("range".into(), json!([start, stop]));
        for (price, field) in [
            (prices.0, "input_cost_per_token"),
            (prices.1, "output_cost_per_token"),
            (prices.2, "cache_read_input_token_cost"),
            (prices.3, "output_cost_per_reasoning_token"),
        ] {
            if let Some(price) = price {
                tier.insert(field.into(), json!(per_token(price)));
            }
        }
        tiers.push(Value::Object(tier));
        if let Some(t) = next {
            start = t.above;
            prices = (
                t.input.or(cost.input),
                t.output.or(cost.output),
                t.cache_read.or(cost.cache_read),
                t.reasoning.or(cost.reasoning),
            );
            if t.cache_write.is_some() {
                notes.add(
                    model.canonical_ref,
                    "cost.tiers.cache_write",
                    "LiteLLM tiers have no cache write price; the base one applies",
                );
            }
        }
    }
    e.insert("tiered_pricing", Value::Array(tiers));
}

fn modalities(model: &Model, e: &mut BTreeMap<&'static str, Value>, notes: &mut Notes) {
    let input: Vec<&str> = model
        .input
        .iter()
        .filter(|m| **m != Modality::Pdf)
        .map(|m| m.as_str())
        .collect();
    e.insert("supported_modalities", json!(input));
    if model.kind == ModelKind::Video && model.input.contains(&Modality::Pdf) {
        notes.add(
            model.canonical_ref,
            "input",
            "LiteLLM's modalities have no `pdf`",
        );
    }
    let output: Vec<&str> = model.output.iter().map(|m| m.as_str()).collect();
    if output.contains(&"pdf") {
        notes.add(
            model.canonical_ref,
            "output",
            "LiteLLM's output modalities have no `pdf`; left out",
        );
    }
    e.insert(
        "supported_output_modalities",
        json!(
            output
                .into_iter()
                .filter(|m| *m != "pdf")
                .collect::<Vec<_>>()
        ),
    );
}

fn lifecycle(model: &Model, e: &mut BTreeMap<&'static str, Value>, notes: &mut Notes) {
    let lifecycle = &model.lifecycle;
    match lifecycle.status {
        LifecycleStatus::Deprecated | LifecycleStatus::Retired => match lifecycle.date {
            Some(date) => {
                e.insert("deprecation_date", json!(date));
            }
            None => notes.add(
                model.canonical_ref,
                "lifecycle",
                format!(
                    "{} without a date: LiteLLM only has `deprecation_date`",
                    lifecycle.status
                ),
            ),
        },
        LifecycleStatus::Active => {}
        status => notes.add(
            model.canonical_ref,
            "lifecycle.status",
            format!("`{status}`: LiteLLM has no release status"),
        ),
    }
    if lifecycle.replacement.is_some() {
        notes.add(
            model.canonical_ref,
            "lifecycle.replacement",
            "LiteLLM has no field for a replacement",
        );
    }
}

/// Notes the catalog facts no LiteLLM field holds.
fn unexpressed(model: &Model, notes: &mut Notes) {
    notes.unexpressed(
        model,
        &[
            "name",
            "family",
            "temperature",
            "attachment",
            "open_weights",
            "knowledge",
            "release_date",
            "last_updated",
            "reasoning_controls",
            "thinking_by_default",
            "aliases",
            "notes",
        ],
        "LiteLLM",
    );
}
