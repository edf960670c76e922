//! models.dev: a `providers/<id>/provider.toml` + `providers/<id>/models/<model>.toml` tree
//! that passes models.dev's schema (`packages/core/src/schema.ts`: `Provider`, `Model`).
//!
//! models.dev has one provider per region × plan, so each target is one provider, named as
//! models.dev names it where it has it ([`super::names`]). `provider.toml` holds `name`,
//! `env` (the plan's key variables, then the provider's), `npm` and `api` (the AI SDK
//! package for the chat surface's dialect and the base URL it takes) and `doc`. A model
//! file holds every fact models.dev has a field for; `family` only when it is one of
//! models.dev's `family.ts` values. A model missing a fact models.dev requires (dates,
//! `attachment`, `tool_call`, `open_weights`, limits) is left out, and noted, rather than
//! given an invented value.

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, value};

use crate::catalog::{Dialect, LifecycleStatus, Model};

use super::targets::{Selection, Target};
use super::{Export, ExportError, Notes};

/// models.dev's family values (`family.ts`), one per line after the comment lines.
const FAMILIES: &str = include_str!("models_dev_families.txt");

/// models.dev's reasoning effort values (`ReasoningEffortValue` in `schema.ts`).
const EFFORTS: &[&str] = &[
    "none", "minimal", "low", "medium", "high", "xhigh", "max", "default",
];

/// Whether `family` is one of models.dev's values.
pub fn is_family(family: &str) -> bool {
    FAMILIES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l == family)
}

/// The AI SDK package and the `api` it takes for a chat surface.
fn package(dialect: Dialect, base_url: &str) -> Option<(&'static str, String)> {
    match dialect {
        Dialect::OpenAiCompletions => Some(("@ai-sdk/openai-compatible", base_url.to_string())),
        // The AI SDK's Anthropic base URL ends with `/v1`; provcat's dialect appends it.
        Dialect::AnthropicMessages => Some((
            "@ai-sdk/anthropic",
            format!("{}/v1", base_url.trim_end_matches('/')),
        )),
        // Another chat dialect: the endpoint is left out, with a note.
        _ => None,
    }
}

/// Builds the tree for the selection.
pub fn export(selection: &Selection) -> Result<Export, ExportError> {
    let mut notes = Notes::default();
    let mut files = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    selection.note_untargeted(&mut notes, "models.dev");
    for target in selection.targets() {
        let (id, name) = super::names::models_dev(&target);
        let Some((_, (npm, api))) = target.chat_in(&id, "models.dev", &mut notes, |s| {
            package(s.dialect, s.base_url)
        }) else {
            continue;
        };
        if let Some((other, _)) = seen.iter().find(|(i, n)| *i == id || *n == name) {
            let what = if *other == id { "id" } else { "name" };
            return Err(ExportError::Clash {
                what,
                value: if what == "id" { id } else { name },
            });
        }
        seen.push((id.clone(), name.clone()));
        let env = target.env();
        if env.is_empty() {
            notes.add(
                &id,
                "auth_env",
                "models.dev requires a key variable; the provider has none, so it is left out",
            );
            continue;
        }
        let mut doc = DocumentMut::new();
        doc["name"] = value(name);
        doc["env"] = value(env.iter().copied().collect::<Array>());
        doc["npm"] = value(npm);
        doc["api"] = value(api);
        doc["doc"] = value(target.provider.links.docs);
        files.push((format!("providers/{id}/provider.toml"), doc.to_string()));
        target.note_video_left_out(
            selection,
            &mut notes,
            "models.dev needs a context window and an output limit",
        );
        for m in target.chat_models(selection) {
            if let Some(text) = model(m, &target, &mut notes) {
                files.push((format!("providers/{id}/models/{}.toml", m.wire_id), text));
            }
        }
    }
    Ok(Export { files, notes })
}

fn model(m: &'static Model, target: &Target, notes: &mut Notes) -> Option<String> {
    let subject = m.canonical_ref;
    notes.unexpressed(
        m,
        &["thinking_by_default", "aliases", "notes"],
        "models.dev",
    );
    let missing: Vec<&str> = [
        (m.release_date.is_none(), "release_date"),
        (m.last_updated.is_none(), "last_updated"),
        (m.attachment.is_none(), "attachment"),
        (m.tool_call.is_none(), "tool_call"),
        (m.open_weights.is_none(), "open_weights"),
        (m.context_window.is_none(), "context_window"),
        (m.max_output_tokens.is_none(), "max_output_tokens"),
    ]
    .into_iter()
    .filter_map(|(absent, field)| absent.then_some(field))
    .collect();
    if !missing.is_empty() {
        notes.add(
            subject,
            missing.join(", "),
            "model left out: models.dev requires these facts and the catalog has none",
        );
        return None;
    }
    if let Some(reason) = target.may_reject(m) {
        notes.add(
            subject,
            "availability",
            format!("models.dev cannot say the plan may reject it: {reason}"),
        );
    }
    let mut doc = DocumentMut::new();
    doc["name"] = value(m.name);
    if let Some(family) = m.family {
        if is_family(family) {
            doc["family"] = value(family);
        } else {
            notes.add(
                subject,
                "family",
                format!("`{family}` left out: not one of models.dev's families"),
            );
        }
    }
    let date = |d: Option<&'static str>| d.unwrap_or_default();
    doc["release_date"] = value(date(m.release_date));
    doc["last_updated"] = value(date(m.last_updated));
    doc["attachment"] = value(m.attachment.unwrap_or_default());
    doc["reasoning"] = value(m.reasoning);
    if let Some(t) = m.temperature {
        doc["temperature"] = value(t);
    }
    if let Some(k) = m.knowledge {
        doc["knowledge"] = value(k);
    }
    doc["tool_call"] = value(m.tool_call.unwrap_or_default());
    if let Some(s) = m.structured_output {
        doc["structured_output"] = value(s);
    }
    doc["open_weights"] = value(m.open_weights.unwrap_or_default());
    status(m, &mut doc, notes);
    if m.reasoning {
        reasoning_options(m, &mut doc, notes);
    }
    if let Some(cost) = cost(m, notes) {
        doc["cost"] = Item::Table(cost);
    }
    let mut limit = Table::new();
    limit["context"] = value(i64::from(m.context_window.unwrap_or_default()));
    if let Some(input) = m.input_limit {
        limit["input"] = value(i64::from(input));
    }
    limit["output"] = value(i64::from(m.max_output_tokens.unwrap_or_default()));
    doc["limit"] = Item::Table(limit);
    let mut modalities = Table::new();
    let list = |ms: &[crate::catalog::Modality]| ms.iter().map(|m| m.as_str()).collect::<Array>();
    modalities["input"] = value(list(m.input));
    modalities["output"] = value(list(m.output));
    doc["modalities"] = Item::Table(modalities);
    Some(doc.to_string())
}

fn status(m: &Model, doc: &mut DocumentMut, notes: &mut Notes) {
    let subject = m.canonical_ref;
    let written = match m.lifecycle.status {
        LifecycleStatus::Active => None,
        LifecycleStatus::Alpha => Some("alpha"),
        LifecycleStatus::Beta => Some("beta"),
        LifecycleStatus::Preview => {
            notes.add(
                subject,
                "lifecycle.status",
                "`preview` written as `beta`: models.dev has alpha, beta and deprecated",
            );
            Some("beta")
        }
        LifecycleStatus::Deprecated => Some("deprecated"),
        LifecycleStatus::Retired => {
            notes.add(
                subject,
                "lifecycle.status",
                "`retired` written as `deprecated`: models.dev has alpha, beta and deprecated",
            );
            Some("deprecated")
        }
    };
    if let Some(s) = written {
        doc["status"] = value(s);
    }
    if m.lifecycle.date.is_some() || m.lifecycle.replacement.is_some() {
        notes.add(
            subject,
            "lifecycle",
            "the date and replacement are left out: models.dev has a status only",
        );
    }
}

fn reasoning_options(m: &Model, doc: &mut DocumentMut, notes: &mut Notes) {
    let subject = m.canonical_ref;
    let mut options = ArrayOfTables::new();
    if let Some(c) = &m.reasoning_controls {
        if c.toggle {
            let mut t = Table::new();
            t["type"] = value("toggle");
            options.push(t);
        }
        let levels: Vec<&str> = c
            .effort_levels
            .iter()
            .copied()
            .filter(|l| EFFORTS.contains(l))
            .collect();
        for l in c.effort_levels.iter().filter(|l| !EFFORTS.contains(l)) {
            notes.add(
                subject,
                "reasoning_controls.effort_levels",
                format!("`{l}` left out: not one of models.dev's effort values"),
            );
        }
        if !levels.is_empty() {
            let mut t = Table::new();
            t["type"] = value("effort");
            t["values"] = value(levels.into_iter().collect::<Array>());
            options.push(t);
        }
        if c.default_effort.is_some() {
            notes.add(
                subject,
                "reasoning_controls.default_effort",
                "models.dev has no default effort",
            );
        }
        if let Some(b) = c.budget {
            let mut t = Table::new();
            t["type"] = value("budget_tokens");
            t["min"] = value(i64::from(b.min));
            t["max"] = value(i64::from(b.max));
            options.push(t);
        }
    }
    if options.is_empty() {
        // models.dev requires the list for a reasoning model; empty says no controls are known.
        doc["reasoning_options"] = value(Array::new());
    } else {
        doc["reasoning_options"] = Item::ArrayOfTables(options);
    }
}

fn cost(m: &Model, notes: &mut Notes) -> Option<Table> {
    let c = m.cost.as_ref()?;
    let (Some(input), Some(output)) = (c.input, c.output) else {
        notes.add(
            m.canonical_ref,
            "cost",
            "left out: models.dev needs both input and output prices",
        );
        return None;
    };
    let mut t = Table::new();
    t["input"] = value(input);
    t["output"] = value(output);
    for (price, key) in [
        (c.reasoning, "reasoning"),
        (c.cache_read, "cache_read"),
        (c.cache_write, "cache_write"),
        (c.input_audio, "input_audio"),
        (c.output_audio, "output_audio"),
    ] {
        if let Some(p) = price {
            t[key] = value(p);
        }
    }
    if !c.tiers.is_empty() {
        let mut tiers = ArrayOfTables::new();
        for tier in c.tiers {
            let mut row = Table::new();
            let mut size = InlineTable::new();
            size.insert("size", i64::from(tier.above).into());
            row["tier"] = value(size);
            // models.dev tiers repeat input and output (both required); the rest as given.
            row["input"] = value(tier.input.unwrap_or(input));
            row["output"] = value(tier.output.unwrap_or(output));
            for (price, key) in [
                (tier.reasoning, "reasoning"),
                (tier.cache_read, "cache_read"),
                (tier.cache_write, "cache_write"),
            ] {
                if let Some(p) = price {
                    row[key] = value(p);
                }
            }
            tiers.push(row);
        }
        t["tiers"] = Item::ArrayOfTables(tiers);
    }
    Some(t)
}
