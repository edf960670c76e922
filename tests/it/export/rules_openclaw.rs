//! A validator of an OpenClaw config holding `models`, written from `ModelsConfigSchema`,
//! `ModelProviderSchema` and `ModelDefinitionSchema` of `src/config/zod-schema.core.ts`
//! (openclaw/openclaw), all `.strict()`: keys, types, `api` one of `MODEL_APIS`, `apiKey` an
//! env `SecretRef` (`source: "env"`, provider `/^[a-z][a-z0-9_-]{0,63}$/`, id
//! `/^[A-Z][A-Z0-9_]{0,127}$/`), `input` text or image, positive `contextWindow` and
//! `maxTokens`, `cost` with numbers only, `compat` keys of `ModelCompatSchema`.

use serde_json::Value;

use super::rules_json::{is_type, keys, object, strings_in};

fn matches_env_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && id.len() <= 128
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The problems of an OpenClaw config holding `models`; empty when it passes.
pub fn openclaw(config: &Value) -> Vec<String> {
    const APIS: &[&str] = &[
        "openai-completions",
        "openai-responses",
        "openai-codex-responses",
        "anthropic-messages",
        "google-generative-ai",
        "github-copilot",
        "bedrock-converse-stream",
        "ollama",
    ];
    let mut problems = Vec::new();
    let Some(root) = object(config, "config", &mut problems) else {
        return problems;
    };
    let Some(models) = root
        .get("models")
        .and_then(|m| object(m, "models", &mut problems))
    else {
        problems.push("models: missing".into());
        return problems;
    };
    keys(
        models,
        &["mode", "providers", "bedrockDiscovery", "proxy"],
        &[],
        "models",
        &mut problems,
    );
    if let Some(m) = models
        .get("mode")
        .and_then(Value::as_str)
        .filter(|m| !["merge", "replace"].contains(m))
    {
        problems.push(format!("models.mode: `{m}` is not merge or replace"));
    }
    let providers = models
        .get("providers")
        .and_then(|p| object(p, "models.providers", &mut problems))
        .cloned()
        .unwrap_or_default();
    for (id, p) in &providers {
        let at = format!("models.providers.{id}");
        let Some(p) = object(p, &at, &mut problems) else {
            continue;
        };
        keys(
            p,
            &[
                "baseUrl",
                "apiKey",
                "auth",
                "api",
                "injectNumCtxForOpenAICompat",
                "headers",
                "authHeader",
                "models",
            ],
            &["baseUrl", "models"],
            &at,
            &mut problems,
        );
        if p.get("baseUrl")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            problems.push(format!("{at}.baseUrl: not a non-empty string"));
        }
        if let Some(api) = p
            .get("api")
            .and_then(Value::as_str)
            .filter(|a| !APIS.contains(a))
        {
            problems.push(format!("{at}.api: `{api}` is not one of MODEL_APIS"));
        }
        match p.get("apiKey") {
            None | Some(Value::String(_)) => {}
            Some(Value::Object(r)) => {
                keys(
                    r,
                    &["source", "provider", "id"],
                    &["source", "provider", "id"],
                    &format!("{at}.apiKey"),
                    &mut problems,
                );
                let provider = r
                    .get("provider")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let ok_provider = provider
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_lowercase())
                    && provider.len() <= 64
                    && provider.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
                    });
                if r.get("source") != Some(&Value::from("env"))
                    || !ok_provider
                    || !r
                        .get("id")
                        .and_then(Value::as_str)
                        .is_some_and(matches_env_id)
                {
                    problems.push(format!("{at}.apiKey: not an env secret reference"));
                }
            }
            Some(other) => problems.push(format!(
                "{at}.apiKey: {other} is neither a string nor a secret reference"
            )),
        }
        for (i, m) in p
            .get("models")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let at = format!("{at}.models[{i}]");
            let Some(m) = object(m, &at, &mut problems) else {
                continue;
            };
            keys(
                m,
                &[
                    "id",
                    "name",
                    "api",
                    "reasoning",
                    "input",
                    "cost",
                    "contextWindow",
                    "maxTokens",
                    "headers",
                    "compat",
                ],
                &["id", "name"],
                &at,
                &mut problems,
            );
            for f in ["id", "name"] {
                if m.get(f).and_then(Value::as_str).is_none_or(str::is_empty) {
                    problems.push(format!("{at}.{f}: not a non-empty string"));
                }
            }
            is_type(m, "reasoning", "boolean", &at, &mut problems);
            if let Some(input) = m.get("input") {
                strings_in(
                    input,
                    &["text", "image"],
                    &format!("{at}.input"),
                    &mut problems,
                );
            }
            for f in ["contextWindow", "maxTokens"] {
                if m.get(f)
                    .is_some_and(|v| !v.as_f64().is_some_and(|x| x > 0.0))
                {
                    problems.push(format!("{at}.{f}: not a positive number"));
                }
            }
            if let Some(c) = m
                .get("cost")
                .and_then(|c| object(c, &format!("{at}.cost"), &mut problems))
            {
                keys(
                    c,
                    &["input", "output", "cacheRead", "cacheWrite"],
                    &[],
                    &format!("{at}.cost"),
                    &mut problems,
                );
                for (f, v) in c {
                    if !v.is_number() {
                        problems.push(format!("{at}.cost.{f}: not a number"));
                    }
                }
            }
            if let Some(c) = m
                .get("compat")
                .and_then(|c| object(c, &format!("{at}.compat"), &mut problems))
            {
                keys(
                    c,
                    &[
                        "supportsStore",
                        "supportsDeveloperRole",
                        "supportsReasoningEffort",
                        "supportsUsageInStreaming",
                        "supportsTools",
                        "supportsStrictMode",
                        "maxTokensField",
                        "thinkingFormat",
                        "requiresToolResultName",
                        "requiresAssistantAfterToolResult",
                        "requiresThinkingAsText",
                        "toolSchemaProfile",
                        "nativeWebSearchTool",
                        "toolCallArgumentsEncoding",
                        "requiresMistralToolIds",
                        "requiresOpenAiAnthropicToolPayload",
                    ],
                    &[],
                    &format!("{at}.compat"),
                    &mut problems,
                );
                if let Some(f) = c
                    .get("maxTokensField")
                    .and_then(Value::as_str)
                    .filter(|f| !["max_completion_tokens", "max_tokens"].contains(f))
                {
                    problems.push(format!("{at}.compat.maxTokensField: `{f}`"));
                }
            }
        }
    }
    problems
}
