//! Validators of LiteLLM's and catwalk's formats, written from each format's own definition, and checked to
//! catch deliberately broken output:
//!
//! - LiteLLM: `INTENDED_SCHEMA` of `test_aaamodel_prices_and_context_window_json_is_valid`
//!   (BerriAI/litellm `tests/test_litellm/test_utils.py`): every key of an entry is one of
//!   its properties (`additionalProperties: false`) with its type, `mode` one of its enum,
//!   `tiered_pricing` items with a two-number `range` and only tier cost keys, modality
//!   enums; `validate_model_cost_values`: no per-token cost above 1 (a per-million price
//!   pasted by mistake); `test_max_tokens_consistency`: `max_tokens == max_output_tokens`.
//!   Only the properties a catalog export can produce are listed: others LiteLLM accepts are
//!   rejected here.
//! - catwalk: `Provider`, `Model`, `Pricing`, `Reasoning`, `EffortLevel`, `Capabilities` of
//!   `pkg/catwalk/provider.go` (charmbracelet/catwalk): field names and types, the keys
//!   without `omitempty` present, `type` one of `KnownProviderTypes`, `thinking` one of
//!   always/never/toggleable, effort levels only for toggleable models and displayed as
//!   `effortLevelDisplay` does, the default effort among them, default model ids among the
//!   models, `api_key` an env reference; prices per million, so none below 0.
//!
//! The OpenClaw validator is in `rules_openclaw.rs`.

use serde_json::{Map, Value};

/// The properties of a LiteLLM entry a catalog export can produce, with their JSON type.
const LITELLM_KEYS: &[(&str, &str)] = &[
    ("cache_creation_input_token_cost", "number"),
    ("cache_read_input_token_cost", "number"),
    ("deprecation_date", "string"),
    ("input_cost_per_audio_token", "number"),
    ("input_cost_per_token", "number"),
    ("litellm_provider", "string"),
    ("max_input_tokens", "number"),
    ("max_output_tokens", "number"),
    ("max_tokens", "number"),
    ("mode", "string"),
    ("output_cost_per_audio_token", "number"),
    ("output_cost_per_reasoning_token", "number"),
    ("output_cost_per_token", "number"),
    ("source", "string"),
    ("supported_modalities", "array"),
    ("supported_output_modalities", "array"),
    ("supported_resolutions", "array"),
    ("supports_audio_input", "boolean"),
    ("supports_function_calling", "boolean"),
    ("supports_pdf_input", "boolean"),
    ("supports_prompt_caching", "boolean"),
    ("supports_reasoning", "boolean"),
    ("supports_response_schema", "boolean"),
    ("supports_system_messages", "boolean"),
    ("supports_video_input", "boolean"),
    ("supports_vision", "boolean"),
    ("tiered_pricing", "array"),
];

const LITELLM_MODES: &[&str] = &[
    "audio_speech",
    "audio_transcription",
    "chat",
    "completion",
    "container",
    "image_edit",
    "embedding",
    "image_generation",
    "video_generation",
    "moderation",
    "rerank",
    "responses",
    "ocr",
    "search",
    "vector_store",
];

/// The cost fields `validate_model_cost_values` checks (those a catalog export can produce).
const LITELLM_COSTS: &[&str] = &[
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_creation_input_token_cost",
    "cache_read_input_token_cost",
    "input_cost_per_audio_token",
    "output_cost_per_audio_token",
    "output_cost_per_reasoning_token",
];

const TIER_KEYS: &[&str] = &[
    "range",
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "output_cost_per_reasoning_token",
    "max_results_range",
    "input_cost_per_query",
];

pub fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub fn object<'a>(
    v: &'a Value,
    at: &str,
    problems: &mut Vec<String>,
) -> Option<&'a Map<String, Value>> {
    let o = v.as_object();
    if o.is_none() {
        problems.push(format!("{at}: not an object"));
    }
    o
}

pub fn strings_in(v: &Value, allowed: &[&str], at: &str, problems: &mut Vec<String>) {
    for item in v.as_array().into_iter().flatten() {
        if !item.as_str().is_some_and(|s| allowed.contains(&s)) {
            problems.push(format!("{at}: {item} is not one of {allowed:?}"));
        }
    }
}

/// The problems of a LiteLLM map; empty when it passes.
pub fn litellm(map: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(entries) = object(map, "map", &mut problems) else {
        return problems;
    };
    for (key, entry) in entries {
        let Some(e) = object(entry, key, &mut problems) else {
            continue;
        };
        for (field, value) in e {
            match LITELLM_KEYS.iter().find(|(k, _)| k == field) {
                None => problems.push(format!("{key}.{field}: not a property of LiteLLM's schema")),
                Some((_, ty)) if *ty != type_of(value) => problems.push(format!(
                    "{key}.{field}: {} where LiteLLM wants {ty}",
                    type_of(value)
                )),
                _ => {}
            }
        }
        match e.get("mode").and_then(Value::as_str) {
            Some(m) if LITELLM_MODES.contains(&m) => {}
            other => problems.push(format!(
                "{key}.mode: {other:?} is not one of LiteLLM's modes"
            )),
        }
        match e.get("litellm_provider").and_then(Value::as_str) {
            Some(p) if key.starts_with(&format!("{p}/")) => {}
            other => problems.push(format!(
                "{key}: the key does not start with litellm_provider {other:?}"
            )),
        }
        if e.get("max_tokens") != e.get("max_output_tokens") {
            problems.push(format!("{key}: max_tokens differs from max_output_tokens"));
        }
        let mut costs: Vec<(String, &Value)> = LITELLM_COSTS
            .iter()
            .filter_map(|f| e.get(*f).map(|v| (format!("{key}.{f}"), v)))
            .collect();
        for (i, tier) in e
            .get("tiered_pricing")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let at = format!("{key}.tiered_pricing[{i}]");
            let Some(t) = object(tier, &at, &mut problems) else {
                continue;
            };
            for (field, value) in t {
                if !TIER_KEYS.contains(&field.as_str()) {
                    problems.push(format!("{at}.{field}: not a tier property"));
                } else if field != "range" && field != "max_results_range" {
                    costs.push((format!("{at}.{field}"), value));
                }
            }
            let range = t.get("range").and_then(Value::as_array);
            if !range.is_some_and(|r| r.len() == 2 && r.iter().all(Value::is_number)) {
                problems.push(format!("{at}.range: not two numbers"));
            }
        }
        for (at, v) in costs {
            match v.as_f64() {
                Some(c) if (0.0..=1.0).contains(&c) => {}
                _ => problems.push(format!(
                    "{at} = {v}: a per-token cost above 1 (a per-million price?) or not a number"
                )),
            }
        }
        if let Some(m) = e.get("supported_modalities") {
            strings_in(
                m,
                &["text", "audio", "image", "video"],
                &format!("{key}.supported_modalities"),
                &mut problems,
            );
        }
        if let Some(m) = e.get("supported_output_modalities") {
            strings_in(
                m,
                &["text", "image", "audio", "code", "video"],
                &format!("{key}.supported_output_modalities"),
                &mut problems,
            );
        }
    }
    problems
}

/// Checks `o` has exactly keys among `allowed`, with every one of `required`.
pub fn keys(
    o: &Map<String, Value>,
    allowed: &[&str],
    required: &[&str],
    at: &str,
    problems: &mut Vec<String>,
) {
    for k in o.keys().filter(|k| !allowed.contains(&k.as_str())) {
        problems.push(format!("{at}.{k}: not a field"));
    }
    for k in required.iter().filter(|k| !o.contains_key(**k)) {
        problems.push(format!("{at}: `{k}` is missing"));
    }
}

pub fn is_type(
    o: &Map<String, Value>,
    field: &str,
    ty: &str,
    at: &str,
    problems: &mut Vec<String>,
) {
    if let Some(v) = o.get(field).filter(|v| type_of(v) != ty) {
        problems.push(format!("{at}.{field}: {} where {ty} is wanted", type_of(v)));
    }
}

/// The problems of one catwalk provider file; empty when it passes.
pub fn catwalk(file: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(p) = object(file, "provider", &mut problems) else {
        return problems;
    };
    keys(
        p,
        &[
            "name",
            "id",
            "api_key",
            "api_endpoint",
            "type",
            "default_large_model_id",
            "default_small_model_id",
            "models",
            "default_headers",
            "session_affinity_header",
        ],
        &["name", "id"],
        "provider",
        &mut problems,
    );
    for f in [
        "name",
        "id",
        "api_key",
        "api_endpoint",
        "type",
        "default_large_model_id",
        "default_small_model_id",
    ] {
        is_type(p, f, "string", "provider", &mut problems);
    }
    if let Some(t) = p
        .get("type")
        .and_then(Value::as_str)
        .filter(|t| !["completions", "responses", "messages"].contains(t))
    {
        problems.push(format!("provider.type: `{t}` is not a known provider type"));
    }
    if let Some(k) = p
        .get("api_key")
        .and_then(Value::as_str)
        .filter(|k| !k.starts_with('$'))
    {
        problems.push(format!("provider.api_key: `{k}` is not an env reference"));
    }
    let models = p
        .get("models")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let ids: Vec<&str> = models
        .iter()
        .filter_map(|m| m.get("id")?.as_str())
        .collect();
    for f in ["default_large_model_id", "default_small_model_id"] {
        match p.get(f).and_then(Value::as_str) {
            Some(id) if ids.contains(&id) => {}
            other => problems.push(format!("provider.{f}: {other:?} is not among its models")),
        }
    }
    for (i, m) in models.iter().enumerate() {
        let at = format!("models[{i}]");
        let Some(m) = object(m, &at, &mut problems) else {
            continue;
        };
        keys(
            m,
            &[
                "id",
                "type",
                "name",
                "pricing",
                "context_window",
                "default_max_tokens",
                "reasoning",
                "capabilities",
                "max_attachments",
                "options",
            ],
            &[
                "id",
                "name",
                "pricing",
                "context_window",
                "default_max_tokens",
                "reasoning",
                "capabilities",
            ],
            &at,
            &mut problems,
        );
        for f in ["context_window", "default_max_tokens"] {
            if !m.get(f).is_some_and(|v| v.is_u64()) {
                problems.push(format!("{at}.{f}: not an integer"));
            }
        }
        if let Some(pr) = m
            .get("pricing")
            .and_then(|v| object(v, &format!("{at}.pricing"), &mut problems))
        {
            keys(
                pr,
                &["input", "output", "cache_create", "cache_hit"],
                &["input", "output"],
                &format!("{at}.pricing"),
                &mut problems,
            );
            for (f, v) in pr {
                if !v.as_f64().is_some_and(|x| x >= 0.0) {
                    problems.push(format!("{at}.pricing.{f}: {v} is not a price"));
                }
            }
        }
        if let Some(c) = m
            .get("capabilities")
            .and_then(|v| object(v, &format!("{at}.capabilities"), &mut problems))
        {
            keys(
                c,
                &["vision"],
                &["vision"],
                &format!("{at}.capabilities"),
                &mut problems,
            );
            is_type(
                c,
                "vision",
                "boolean",
                &format!("{at}.capabilities"),
                &mut problems,
            );
        }
        if let Some(r) = m
            .get("reasoning")
            .and_then(|v| object(v, &format!("{at}.reasoning"), &mut problems))
        {
            let at = format!("{at}.reasoning");
            keys(
                r,
                &["thinking", "effort_levels", "default_effort_level"],
                &["thinking"],
                &at,
                &mut problems,
            );
            let thinking = r
                .get("thinking")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !["always", "never", "toggleable"].contains(&thinking) {
                problems.push(format!(
                    "{at}.thinking: `{thinking}` is not always, never or toggleable"
                ));
            }
            let levels = r
                .get("effort_levels")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if !levels.is_empty() && thinking != "toggleable" {
                problems.push(format!(
                    "{at}.effort_levels: set for a model whose thinking is `{thinking}`"
                ));
            }
            let values: Vec<&str> = levels
                .iter()
                .filter_map(|l| l.get("value")?.as_str())
                .collect();
            for l in &levels {
                let (value, display) = (
                    l.get("value").and_then(Value::as_str),
                    l.get("display").and_then(Value::as_str),
                );
                let expected = value.map(|v| {
                    if v == "xhigh" {
                        "X-High".to_string()
                    } else {
                        v[..1.min(v.len())].to_uppercase() + &v[1.min(v.len())..]
                    }
                });
                if value.is_none()
                    || display.map(str::to_string) != expected
                    || l.as_object().is_some_and(|o| o.len() != 2)
                {
                    problems.push(format!(
                        "{at}.effort_levels: {l} is not {{value, display}} as catwalk displays it"
                    ));
                }
            }
            if let Some(d) = r
                .get("default_effort_level")
                .and_then(Value::as_str)
                .filter(|d| !values.contains(d))
            {
                problems.push(format!(
                    "{at}.default_effort_level: `{d}` is not one of its effort levels"
                ));
            }
        }
    }
    problems
}
