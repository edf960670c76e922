//! A validator of a models.dev `providers/` tree, written from models.dev's
//! `packages/core/src/schema.ts` (`Provider`, `AuthoredModel`, `refineModel`; copied with its
//! MIT licence to `tests/fixtures/export/models-dev/`) and reading the family values from
//! the copy of `family.ts` there:
//!
//! - `provider.toml`: strict; `env` a non-empty array, `npm`, `name`, `doc` non-empty
//!   strings; `api` required for `@ai-sdk/openai-compatible` and
//!   `@openrouter/ai-sdk-provider`, optional for `@ai-sdk/anthropic`, `@ai-sdk/openai` and
//!   `kiro-acp-ai-provider`, forbidden for any other package;
//! - a model file: strict; `name`, `attachment`, `reasoning`, `tool_call`, `release_date`,
//!   `last_updated`, `modalities`, `open_weights`, `limit` (with `context` and `output`)
//!   required, with their types; dates `YYYY-MM` or `YYYY-MM-DD`; `family` one of
//!   `ModelFamilyValues`; `status` alpha/beta/deprecated; modalities among text, audio,
//!   image, video, pdf; `reasoning_options` present exactly when `reasoning` is true, each a
//!   toggle, effort (values from `ReasoningEffortValue`) or budget option with min ≤ max;
//!   `cost` with `input` and `output`, no negative price, no `cost.reasoning` on a model that
//!   does not reason, tiers with `tier.size` distinct. Prices are per million tokens: a
//!   non-zero price below 0.001 is flagged as a per-token value pasted by mistake.

use std::path::Path;

use toml::{Table, Value};

use crate::support::fixture;

const MODALITIES: &[&str] = &["text", "audio", "image", "video", "pdf"];
const EFFORTS: &[&str] = &[
    "none", "minimal", "low", "medium", "high", "xhigh", "max", "default",
];
const MODEL_KEYS: &[&str] = &[
    "id",
    "name",
    "family",
    "attachment",
    "reasoning",
    "reasoning_options",
    "tool_call",
    "interleaved",
    "structured_output",
    "temperature",
    "knowledge",
    "release_date",
    "last_updated",
    "modalities",
    "open_weights",
    "limit",
    "status",
    "experimental",
    "provider",
    "cost",
];
const COST_KEYS: &[&str] = &[
    "input",
    "output",
    "reasoning",
    "cache_read",
    "cache_write",
    "input_audio",
    "output_audio",
];

/// models.dev's family values, read from the fixture copy of `family.ts`.
pub fn families() -> Vec<String> {
    let text = std::fs::read_to_string(fixture("export/models-dev/family.ts")).unwrap();
    let start = text.find("ModelFamilyValues = [").unwrap();
    let end = start + text[start..].find("] as const").unwrap();
    text[start..end]
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix('"')?
                .split('"')
                .next()
                .map(str::to_string)
        })
        .collect()
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (b.len() == 7 || b.len() == 10)
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && (b.len() == 7 || (b[7] == b'-' && digits(8..10)))
}

fn strict(t: &Table, allowed: &[&str], at: &str, problems: &mut Vec<String>) {
    for k in t.keys().filter(|k| !allowed.contains(&k.as_str())) {
        problems.push(format!("{at}: unknown key `{k}`"));
    }
}

fn number(v: &Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

/// The problems of the tree at `root` (holding `providers/`); empty when it passes.
pub fn validate(root: &Path) -> Vec<String> {
    let families = families();
    let mut problems = Vec::new();
    let providers = root.join("providers");
    let Ok(entries) = std::fs::read_dir(&providers) else {
        return vec![format!("{}: no providers folder", root.display())];
    };
    for entry in entries {
        let dir = entry.unwrap().path();
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        match std::fs::read_to_string(dir.join("provider.toml")) {
            Ok(text) => provider(&text, &format!("{id}/provider.toml"), &mut problems),
            Err(_) => problems.push(format!("{id}: no provider.toml")),
        }
        let mut files = Vec::new();
        collect(&dir.join("models"), &mut files);
        for file in files {
            let at = file.strip_prefix(&providers).unwrap().display().to_string();
            let text = std::fs::read_to_string(&file).unwrap();
            model(&text, &at, &families, &mut problems);
        }
    }
    problems
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// The problems of one `provider.toml`.
pub fn provider(text: &str, at: &str, problems: &mut Vec<String>) {
    let t: Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => return problems.push(format!("{at}: not TOML: {e}")),
    };
    strict(
        &t,
        &["id", "env", "npm", "api", "name", "doc", "models"],
        at,
        problems,
    );
    let env = t.get("env").and_then(Value::as_array);
    if !env.is_some_and(|e| !e.is_empty() && e.iter().all(Value::is_str)) {
        problems.push(format!("{at}: `env` must be a non-empty array of strings"));
    }
    for k in ["npm", "name", "doc"] {
        if t.get(k).and_then(Value::as_str).is_none_or(str::is_empty) {
            problems.push(format!("{at}: `{k}` must be a non-empty string"));
        }
    }
    let npm = t.get("npm").and_then(Value::as_str).unwrap_or_default();
    let has_api = t.contains_key("api");
    let ok = match npm {
        "@ai-sdk/openai-compatible" | "@openrouter/ai-sdk-provider" => has_api,
        "@ai-sdk/anthropic" | "@ai-sdk/openai" | "kiro-acp-ai-provider" => true,
        _ => !has_api,
    };
    if !ok {
        problems.push(format!("{at}: 'api' is required for openai-compatible and openrouter, optional for anthropic, openai, and kiro, forbidden otherwise"));
    }
}

/// The problems of one model file.
pub fn model(text: &str, at: &str, families: &[String], problems: &mut Vec<String>) {
    let t: Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => return problems.push(format!("{at}: not TOML: {e}")),
    };
    strict(&t, MODEL_KEYS, at, problems);
    for k in ["attachment", "reasoning", "tool_call", "open_weights"] {
        if !t.get(k).is_some_and(Value::is_bool) {
            problems.push(format!("{at}: `{k}` must be a boolean"));
        }
    }
    for k in ["structured_output", "temperature"] {
        if t.get(k).is_some_and(|v| !v.is_bool()) {
            problems.push(format!("{at}: `{k}` must be a boolean"));
        }
    }
    if t.get("name")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        problems.push(format!("{at}: `name` must be a non-empty string"));
    }
    for (k, required) in [
        ("release_date", true),
        ("last_updated", true),
        ("knowledge", false),
    ] {
        match t.get(k).map(|v| v.as_str().is_some_and(is_date)) {
            Some(true) => {}
            None if !required => {}
            _ => problems.push(format!("{at}: `{k}` must be YYYY-MM or YYYY-MM-DD")),
        }
    }
    if let Some(f) = t
        .get("family")
        .and_then(Value::as_str)
        .filter(|f| !families.iter().any(|x| x == f))
    {
        problems.push(format!(
            "{at}: family `{f}` is not one of models.dev's families"
        ));
    }
    if let Some(s) = t.get("status").filter(|s| {
        !s.as_str()
            .is_some_and(|s| ["alpha", "beta", "deprecated"].contains(&s))
    }) {
        problems.push(format!(
            "{at}: status {s:?} is not alpha, beta or deprecated"
        ));
    }
    match t.get("modalities").and_then(Value::as_table) {
        Some(m) => {
            strict(
                m,
                &["input", "output"],
                &format!("{at} modalities"),
                problems,
            );
            for k in ["input", "output"] {
                let ok = m.get(k).and_then(Value::as_array).is_some_and(|a| {
                    a.iter()
                        .all(|v| v.as_str().is_some_and(|s| MODALITIES.contains(&s)))
                });
                if !ok {
                    problems.push(format!(
                        "{at}: modalities.{k} must list text, audio, image, video or pdf"
                    ));
                }
            }
        }
        None => problems.push(format!("{at}: `modalities` is missing")),
    }
    match t.get("limit").and_then(Value::as_table) {
        Some(l) => {
            strict(
                l,
                &["context", "input", "output"],
                &format!("{at} limit"),
                problems,
            );
            for (k, required) in [("context", true), ("output", true), ("input", false)] {
                match l.get(k).map(|v| number(v).is_some_and(|n| n >= 0.0)) {
                    Some(true) => {}
                    None if !required => {}
                    _ => problems.push(format!("{at}: limit.{k} must be a number, 0 or more")),
                }
            }
        }
        None => problems.push(format!("{at}: `limit` is missing")),
    }
    let reasoning = t.get("reasoning").and_then(Value::as_bool);
    match (reasoning, t.get("reasoning_options")) {
        (Some(true), None) => problems.push(format!(
            "{at}: Must set reasoning_options when reasoning is true"
        )),
        (Some(false), Some(_)) => problems.push(format!(
            "{at}: Cannot set reasoning_options when reasoning is false"
        )),
        (_, Some(options)) => reasoning_options(options, at, problems),
        _ => {}
    }
    if let Some(c) = t.get("cost") {
        cost(c, reasoning == Some(false), at, problems);
    }
}

fn reasoning_options(options: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(options) = options.as_array() else {
        return problems.push(format!("{at}: reasoning_options must be an array"));
    };
    for o in options {
        let Some(o) = o.as_table() else {
            problems.push(format!("{at}: a reasoning option is not a table"));
            continue;
        };
        match o.get("type").and_then(Value::as_str) {
            Some("toggle") => strict(o, &["type"], &format!("{at} toggle option"), problems),
            Some("effort") => {
                strict(
                    o,
                    &["type", "values"],
                    &format!("{at} effort option"),
                    problems,
                );
                let ok = o.get("values").and_then(Value::as_array).is_some_and(|v| {
                    v.iter().all(|v| {
                        v.as_str()
                            .is_some_and(|s| EFFORTS.contains(&s) || s == "null")
                    })
                });
                if !ok {
                    problems.push(format!("{at}: effort values must be among {EFFORTS:?}"));
                }
            }
            Some("budget_tokens") => {
                strict(
                    o,
                    &["type", "min", "max"],
                    &format!("{at} budget option"),
                    problems,
                );
                let (min, max) = (o.get("min").and_then(number), o.get("max").and_then(number));
                if min.is_some_and(|m| m < -1.0)
                    || max.is_some_and(|m| m < 0.0)
                    || matches!((min, max), (Some(a), Some(b)) if a > b)
                {
                    problems.push(format!(
                        "{at}: budget min {min:?} / max {max:?} out of range"
                    ));
                }
            }
            other => problems.push(format!("{at}: reasoning option type {other:?}")),
        }
    }
}

fn prices(c: &Table, at: &str, problems: &mut Vec<String>) {
    for k in ["input", "output"] {
        if !c.contains_key(k) {
            problems.push(format!("{at}: `{k}` is required"));
        }
    }
    for k in COST_KEYS {
        if let Some(v) = c.get(*k) {
            match number(v) {
                Some(p) if p < 0.0 => problems.push(format!("{at}.{k}: price cannot be negative")),
                Some(p) if p > 0.0 && p < 0.001 => problems.push(format!(
                    "{at}.{k} = {p}: a per-token price? models.dev prices are per million tokens"
                )),
                Some(_) => {}
                None => problems.push(format!("{at}.{k}: not a number")),
            }
        }
    }
}

fn cost(c: &Value, no_reasoning: bool, at: &str, problems: &mut Vec<String>) {
    let Some(c) = c.as_table() else {
        return problems.push(format!("{at}: cost must be a table"));
    };
    let at = format!("{at} cost");
    prices(c, &at, problems);
    if c.contains_key("context_over_200k") {
        problems.push(format!("{at}: context_over_200k may not be authored"));
    }
    if no_reasoning && c.contains_key("reasoning") {
        problems.push(format!(
            "{at}: Cannot set cost.reasoning when reasoning is false"
        ));
    }
    let mut sizes = Vec::new();
    for tier in c
        .get("tiers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(tier) = tier.as_table() else {
            problems.push(format!("{at}: a tier is not a table"));
            continue;
        };
        let mut allowed = COST_KEYS.to_vec();
        allowed.push("tier");
        strict(tier, &allowed, &format!("{at} tier"), problems);
        prices(tier, &format!("{at} tier"), problems);
        match tier.get("tier").and_then(Value::as_table) {
            Some(t) => {
                strict(t, &["type", "size"], &format!("{at} tier.tier"), problems);
                if t.get("type").is_some_and(|v| v.as_str() != Some("context")) {
                    problems.push(format!("{at}: tier.type must be context"));
                }
                match t.get("size").and_then(Value::as_integer) {
                    Some(s) if s >= 0 => sizes.push(s),
                    _ => problems.push(format!("{at}: tier.size must be an integer, 0 or more")),
                }
            }
            None => problems.push(format!("{at}: a tier needs `tier = {{ size = N }}`")),
        }
    }
    let n = sizes.len();
    sizes.sort();
    sizes.dedup();
    if sizes.len() != n {
        problems.push(format!(
            "{at}: Cost context tiers must not have duplicate sizes"
        ));
    }
}
