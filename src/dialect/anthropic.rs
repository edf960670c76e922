//! `anthropic-messages`: the Anthropic Messages API, as Anthropic serves it at
//! `https://api.anthropic.com` and other hosts (DashScope's `/apps/anthropic`) copy it —
//! `POST {base_url}/v1/messages` with `x-api-key` and `anthropic-version: 2023-06-01`.
//! The base URL is written the way the provider documents it; the client appends
//! `/v1/messages`.
//!
//! **The body**: `max_tokens` is always sent (the request's, else the model's
//! `max_output_tokens` from the catalog, else [`DEFAULT_MAX_TOKENS`]); system and
//! developer messages become the top-level `system` (joined by a blank line), consecutive
//! messages of one role are merged (the API wants user and assistant to alternate);
//! images become `image` blocks — a `data:` URL a base64 source with its media type
//! (JPEG, PNG, GIF or WebP), an http(s) URL a `url` source. `--thinking` becomes
//! `thinking: {type: "enabled", budget_tokens: N}`; the API wants 1024 ≤ N < `max_tokens`,
//! so the rule is **N = half of `max_tokens`, at least [`MIN_THINKING_BUDGET`]**, and
//! `--thinking` with a `max_tokens` of 1024 or less is refused before any request. A
//! reasoning effort (`--effort`) is refused: the catalog does not say how an effort level
//! maps to a thinking budget, and provcat does not guess one.
//!
//! **The answer**: streams are named SSE events (`anthropic_stream`); a whole message is
//! its content blocks (`thinking` as reasoning, `text` as the answer). Stop reasons map to
//! the common vocabulary: `end_turn` and `stop_sequence` → `stop`, `max_tokens` →
//! `length`, `tool_use` → `tool_calls`, `refusal` → `content_filter`. Usage maps to
//! `prompt_tokens` = input + cache read + cache creation, `completion_tokens` = output,
//! `total_tokens` their sum; the raw numbers stay in the usage's details.
//!
//! **Errors** are `{"type": "error", "error": {"type", "message"}}`; the type says what
//! happened (`authentication_error` 401, `permission_error` 403, `not_found_error` 404,
//! `request_too_large` 413, `rate_limit_error` 429, `api_error` 500, `overloaded_error`
//! 529 — retried like 429 and 5xx, honouring `retry-after`), and
//! `invalid_request_error` 400 covers billing and usage limits in its message.

use std::borrow::Cow;

use base64::Engine;
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};

use crate::catalog::ErrorKind;
use crate::client::events::{ChatOutcome, Event, FinishReason, Sink, Usage};
use crate::client::{ChatRequest, ClientError, Part, Role};
use crate::resolve::Target;

use super::Errors;

/// The request path below the base URL.
pub const PATH: &str = "/v1/messages";
/// The header carrying the key.
pub const KEY_HEADER: &str = "x-api-key";
/// The header carrying the API version.
pub const VERSION_HEADER: &str = "anthropic-version";
/// The API version spoken.
pub const VERSION: &str = "2023-06-01";
/// `max_tokens` when neither the request nor the catalog gives one.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;
/// The smallest thinking budget the API takes.
pub const MIN_THINKING_BUDGET: u32 = 1024;
/// The image types the API takes inline.
const MEDIA_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];
/// The most content blocks of a whole message looked at (an answer has a few).
pub(super) const MAX_BLOCKS: usize = 256;

/// The JSON body for `request` against `target`, or why it cannot be sent.
pub fn body(target: &Target, request: &ChatRequest) -> Result<Value, ClientError> {
    let caps = target.capabilities.values();
    if request.thinking && !request.stream && caps.thinking_needs_stream {
        return Err(ClientError::Invalid(
            "thinking is only available when streaming; drop --no-stream or --thinking".to_string(),
        ));
    }
    super::refuse_thinking_without_reasoning(target, request)?;
    if let Some(effort) = &request.effort {
        return Err(ClientError::Invalid(format!(
            "{} is reached through `{}`, where --effort has no field: the catalog does not say how effort `{}` maps to a thinking budget; use --thinking (a budget of half of max_tokens) instead",
            target.canonical_ref,
            target.dialect,
            crate::escape::one_line(effort)
        )));
    }
    let max_tokens = request
        .max_tokens
        .or(target.model.and_then(|m| m.max_output_tokens))
        .unwrap_or(DEFAULT_MAX_TOKENS);
    let mut system = Vec::new();
    let mut messages: Vec<(Role, Vec<Value>)> = Vec::new();
    for message in &request.messages {
        match message.role {
            Role::System | Role::Developer => {
                for part in &message.parts {
                    match part {
                        Part::Text(text) => system.push(text.as_str()),
                        Part::Image(_) => {
                            return Err(ClientError::Invalid(
                                "a system message carries text only in Anthropic Messages"
                                    .to_string(),
                            ));
                        }
                    }
                }
            }
            role => {
                let blocks = message
                    .parts
                    .iter()
                    .map(block)
                    .collect::<Result<Vec<_>, _>>()?;
                match messages.last_mut() {
                    Some((last, content)) if *last == role => content.extend(blocks),
                    _ => messages.push((role, blocks)),
                }
            }
        }
    }
    let messages: Vec<Value> = messages
        .into_iter()
        .map(|(role, blocks)| {
            let content = match blocks.as_slice() {
                [one] if one["type"] == "text" => one["text"].clone(),
                _ => Value::Array(blocks),
            };
            json!({ "role": role.as_str(), "content": content })
        })
        .collect();
    let mut body = json!({
        "model": target.wire_id,
        "max_tokens": max_tokens,
        "messages": messages,
        "stream": request.stream,
    });
    if !system.is_empty() {
        body["system"] = json!(system.join("\n\n"));
    }
    if request.thinking {
        if max_tokens <= MIN_THINKING_BUDGET {
            return Err(ClientError::Invalid(format!(
                "--thinking needs a max_tokens above {MIN_THINKING_BUDGET} (the thinking budget is at least {MIN_THINKING_BUDGET} tokens and below max_tokens); {max_tokens} was given"
            )));
        }
        let budget = (max_tokens / 2).max(MIN_THINKING_BUDGET);
        body["thinking"] = json!({ "type": "enabled", "budget_tokens": budget });
    }
    Ok(body)
}

/// A content block for one part.
fn block(part: &Part) -> Result<Value, ClientError> {
    match part {
        Part::Text(text) => Ok(json!({ "type": "text", "text": text })),
        Part::Image(url) => {
            let lower = url.to_ascii_lowercase();
            if lower.starts_with("https://") || lower.starts_with("http://") {
                return Ok(json!({ "type": "image", "source": { "type": "url", "url": url } }));
            }
            let Some((head, data)) = url.strip_prefix("data:").and_then(|r| r.split_once(','))
            else {
                return Err(ClientError::Invalid(format!(
                    "`{}` is not an http(s) or data: URL",
                    crate::client::error::quote(url)
                )));
            };
            let Some(media_type) = head.strip_suffix(";base64") else {
                return Err(ClientError::Invalid(
                    "an inline image must be a base64 data: URL".to_string(),
                ));
            };
            if !MEDIA_TYPES.contains(&media_type) {
                return Err(ClientError::Invalid(format!(
                    "Anthropic Messages takes JPEG, PNG, GIF or WebP images; `{media_type}` is none of them"
                )));
            }
            if base64::engine::general_purpose::STANDARD
                .decode(data)
                .is_err()
            {
                return Err(ClientError::Invalid(
                    "the inline image's data is not base64".to_string(),
                ));
            }
            Ok(json!({
                "type": "image",
                "source": { "type": "base64", "media_type": media_type, "data": data },
            }))
        }
    }
}

/// Anthropic's error types (and the messages that tell billing and usage limits apart).
pub fn classify(kind: Option<&str>, message: &str) -> Option<ErrorKind> {
    let lower = message.to_ascii_lowercase();
    Some(match kind? {
        "authentication_error" => ErrorKind::BadKey,
        "permission_error" => ErrorKind::PlanRestricted,
        "not_found_error" if lower.contains("model") => ErrorKind::UnknownModel,
        "not_found_error" | "request_too_large" => ErrorKind::BadRequest,
        "rate_limit_error" => ErrorKind::RateLimit,
        "overloaded_error" => ErrorKind::Overloaded,
        "api_error" => ErrorKind::Server,
        "billing_error" => ErrorKind::Billing,
        "invalid_request_error" if lower.contains("credit balance") => ErrorKind::Billing,
        "invalid_request_error" if lower.contains("usage limits") => ErrorKind::Quota,
        "invalid_request_error" => ErrorKind::BadRequest,
        _ => return None,
    })
}

/// `stop_reason` in the common vocabulary.
pub fn finish_reason(reason: &str) -> FinishReason {
    match reason {
        "end_turn" | "stop_sequence" => FinishReason::Stop,
        "max_tokens" => FinishReason::Length,
        "tool_use" => FinishReason::ToolCalls,
        "refusal" => FinishReason::ContentFilter,
        other => FinishReason::Other(other.to_string()),
    }
}

/// Anthropic's usage numbers; later ones (`message_delta`) update earlier ones.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub(super) struct RawUsage {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
}

impl RawUsage {
    /// `self` with the numbers `newer` has.
    pub(super) fn update(&mut self, newer: RawUsage) {
        let keep = |old: &mut Option<u64>, new: Option<u64>| {
            if new.is_some() {
                *old = new;
            }
        };
        keep(&mut self.input_tokens, newer.input_tokens);
        keep(&mut self.output_tokens, newer.output_tokens);
        keep(
            &mut self.cache_read_input_tokens,
            newer.cache_read_input_tokens,
        );
        keep(
            &mut self.cache_creation_input_tokens,
            newer.cache_creation_input_tokens,
        );
    }

    /// The common usage: prompt = input + cache read + cache creation, completion =
    /// output; the raw numbers in `details`.
    pub(super) fn usage(self) -> Usage {
        let mut details = Map::new();
        let mut put = |name: &str, value: Option<u64>| {
            if let Some(v) = value {
                details.insert(name.to_string(), json!(v));
            }
        };
        put("input_tokens", self.input_tokens);
        put("output_tokens", self.output_tokens);
        put("cache_read_input_tokens", self.cache_read_input_tokens);
        put(
            "cache_creation_input_tokens",
            self.cache_creation_input_tokens,
        );
        let n = |v: Option<u64>| v.unwrap_or(0);
        let prompt = n(self.input_tokens)
            .saturating_add(n(self.cache_read_input_tokens))
            .saturating_add(n(self.cache_creation_input_tokens));
        let completion = n(self.output_tokens);
        Usage {
            prompt_tokens: prompt,
            completion_tokens: completion,
            total_tokens: prompt.saturating_add(completion),
            details,
        }
    }
}

/// A content block of a message (or the start of one in a stream).
#[derive(Deserialize)]
pub(super) struct Block<'a> {
    #[serde(borrow, rename = "type", default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub thinking: Option<Cow<'a, str>>,
}

impl Block<'_> {
    /// Applies the block's text: `thinking` as reasoning, `text` as the answer; other
    /// blocks (tool use, redacted thinking) carry no text to show.
    pub(super) fn apply(
        &self,
        outcome: &mut ChatOutcome,
        sink: &mut dyn Sink,
    ) -> Result<(), ClientError> {
        match self.kind.as_deref() {
            Some("thinking") => match &self.thinking {
                Some(text) => outcome.apply(Event::Reasoning(text), sink),
                None => Ok(()),
            },
            Some("text") => match &self.text {
                Some(text) => outcome.apply(Event::Text(text), sink),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

/// A whole message, borrowed from its text.
#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow, rename = "type", default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "first_blocks")]
    content: Vec<Block<'a>>,
    #[serde(borrow, default)]
    stop_reason: Option<Cow<'a, str>>,
    #[serde(default)]
    usage: Option<RawUsage>,
    #[serde(default)]
    error: Option<IgnoredAny>,
}

fn first_blocks<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Vec<Block<'a>>, D::Error> {
    super::first(d, MAX_BLOCKS)
}

/// Reads a whole (non-streaming) message.
pub fn answer(
    text: &str,
    errors: Errors,
    outcome: &mut ChatOutcome,
    sink: &mut dyn Sink,
) -> Result<(), ClientError> {
    let message: Message<'_> = serde_json::from_str(text).map_err(|e| {
        ClientError::Protocol(format!(
            "the answer is not a message ({e}): {}",
            crate::client::error::quote(text)
        ))
    })?;
    if message.error.is_some() || message.kind.as_deref() == Some("error") {
        return outcome.apply(Event::Error(Box::new(errors.error(None, text))), sink);
    }
    if message.kind.as_deref() != Some("message") {
        return Err(ClientError::Protocol(format!(
            "the answer is not a message: {}",
            crate::client::error::quote(text)
        )));
    }
    if let Some(model) = &message.model {
        outcome.apply(Event::Model(model), sink)?;
    }
    for block in &message.content {
        block.apply(outcome, sink)?;
    }
    if let Some(reason) = &message.stop_reason {
        outcome.apply(Event::Finish(finish_reason(reason)), sink)?;
    }
    if let Some(usage) = message.usage {
        outcome.apply(Event::Usage(Box::new(usage.usage())), sink)?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "anthropic_tests.rs"]
mod tests;
