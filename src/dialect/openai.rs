//! `openai-completions`: OpenAI-compatible chat completions, as OpenAI, DashScope,
//! OpenRouter and most gateways serve them — `POST {base_url}/chat/completions`,
//! `Authorization: Bearer`, SSE `data:` chunks ending with `[DONE]`.
//!
//! **The body** is shaped by the surface's capabilities and the model's facts, never by
//! the provider: `developer` becomes `system` where the host rejects it;
//! `stream_options.include_usage` is asked for where the host reports streaming usage;
//! the output cap goes in the host's `max_tokens_field`; thinking is switched as the
//! host's `thinking_format` says — `enable-thinking`: top-level `enable_thinking`
//! (DashScope), `thinking-type`: `thinking: {"type": "enabled" | "disabled"}`,
//! `reasoning-effort`: `reasoning_effort` (OpenAI; `"medium"` when thinking is asked),
//! `reasoning-object`: `reasoning: {"effort": "medium"}` (OpenRouter). A reasoning effort
//! (`--effort`, checked against the model's catalog levels beforehand) goes in the same
//! place: `reasoning: {"effort": level}` where the host's format is `reasoning-object`,
//! else top-level `reasoning_effort` (OpenAI, Gemini, xAI, Groq, DeepSeek, …), alongside
//! any thinking switch of another format. Where the host only
//! allows thinking in streams (`thinking_needs_stream`), a non-streaming call to a model
//! that thinks by default switches it off explicitly, and `--thinking` without a stream is
//! refused before any request. Images go as `image_url` parts; the model as its wire id,
//! verbatim (`anthropic/claude-sonnet-4.5`, `deepseek/deepseek-r1:free`).
//!
//! **The answer**: chunks are parsed into borrowed fields (nothing held is larger than the
//! chunk): the first [`MAX_CHOICES`] choices, `usage` only when under [`MAX_USAGE`], an
//! `error` object skipped until [`super::Errors::error`] reads it. Reasoning comes as
//! `delta.reasoning_content` (DashScope) or `delta.reasoning` (OpenRouter); `usage: null`
//! on every chunk but the last, a usage chunk with `choices: []`, comments and keep-alives
//! are all taken in stride. An `error` object in a chunk (with or without `finish_reason:
//! "error"`) ends the answer with that error, the text so far kept. A stream that ends
//! without `[DONE]` and without a `finish_reason` is truncated.
//!
//! **Errors**: the three body shapes (envelope, flat, plain string) are read generically;
//! this dialect knows OpenAI's codes (`invalid_api_key`, `insufficient_quota`,
//! `model_not_found`, `rate_limit_exceeded`, `server_error`, …).

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::catalog::{ErrorKind, ThinkingFormat};
use crate::client::body::{MAX_CHOICES, MAX_USAGE};
use crate::client::events::{ChatOutcome, Event, FinishReason, Sink};
use crate::client::{ChatRequest, ClientError, Part, Role};
use crate::resolve::Target;

use super::{Errors, Step};

/// The effort asked for when `--thinking` goes as a reasoning effort.
pub const DEFAULT_EFFORT: &str = "medium";

/// The request path below the base URL.
pub const PATH: &str = "/chat/completions";

/// The JSON body for `request` against `target`, or why it cannot be sent.
pub fn body(target: &Target, request: &ChatRequest) -> Result<Value, ClientError> {
    let caps = target.capabilities.values();
    let thinks_by_default = target.model.is_some_and(|m| m.thinking_by_default);
    let format = caps.thinking_format;
    if request.thinking {
        if !request.stream && caps.thinking_needs_stream {
            return Err(ClientError::Invalid(
                "thinking is only available when streaming; drop --no-stream or --thinking"
                    .to_string(),
            ));
        }
        if format == ThinkingFormat::None {
            return Err(ClientError::Invalid(format!(
                "{} has no thinking switch ({}); set `compat.thinkingFormat` if it has one",
                target.base_url, target.capabilities.thinking_format.source
            )));
        }
    }
    super::refuse_thinking_without_reasoning(target, request)?;
    let messages: Vec<Value> = request
        .messages
        .iter()
        .map(|m| {
            let role = match m.role {
                Role::Developer if !caps.developer_role => Role::System,
                role => role,
            };
            json!({ "role": role.as_str(), "content": content(&m.parts) })
        })
        .collect();
    let mut body = json!({
        "model": target.wire_id,
        "messages": messages,
        "stream": request.stream,
    });
    if request.stream && caps.streaming_usage {
        body["stream_options"] = json!({ "include_usage": true });
    }
    // Off explicitly only where thinking must be off outside streams.
    let switch_off = !request.thinking && !request.stream && thinks_by_default;
    let switch_off = switch_off && caps.thinking_needs_stream;
    match format {
        ThinkingFormat::None => {}
        ThinkingFormat::EnableThinking => {
            if request.thinking || switch_off {
                body["enable_thinking"] = json!(request.thinking);
            }
        }
        ThinkingFormat::ThinkingType => {
            if request.thinking || switch_off {
                let kind = if request.thinking {
                    "enabled"
                } else {
                    "disabled"
                };
                body["thinking"] = json!({ "type": kind });
            }
        }
        ThinkingFormat::ReasoningEffort => {
            if request.thinking {
                body["reasoning_effort"] = json!(DEFAULT_EFFORT);
            }
        }
        ThinkingFormat::ReasoningObject => {
            if request.thinking {
                body["reasoning"] = json!({ "effort": DEFAULT_EFFORT });
            }
        }
    }
    if let Some(effort) = &request.effort {
        match format {
            ThinkingFormat::ReasoningObject => body["reasoning"] = json!({ "effort": effort }),
            _ => body["reasoning_effort"] = json!(effort),
        }
    }
    if let Some(max) = request.max_tokens {
        body[caps.max_tokens_field.as_str()] = json!(max);
    }
    Ok(body)
}

/// A message's content: a plain string for one text part, else OpenAI content parts.
fn content(parts: &[Part]) -> Value {
    match parts {
        [Part::Text(text)] => Value::String(text.clone()),
        parts => Value::Array(
            parts
                .iter()
                .map(|p| match p {
                    Part::Text(text) => json!({ "type": "text", "text": text }),
                    Part::Image(url) => json!({ "type": "image_url", "image_url": { "url": url } }),
                })
                .collect(),
        ),
    }
}

/// OpenAI's own error codes and types.
pub fn classify(code: Option<&str>, kind: Option<&str>) -> Option<ErrorKind> {
    let by_code = match code? {
        "invalid_api_key" => ErrorKind::BadKey,
        "insufficient_quota" => ErrorKind::Quota,
        "model_not_found" => ErrorKind::UnknownModel,
        "rate_limit_exceeded" => ErrorKind::RateLimit,
        "content_filter" | "content_policy_violation" => ErrorKind::Moderation,
        "unsupported_country_region_territory" => ErrorKind::PlanRestricted,
        "server_error" => ErrorKind::Server,
        _ => return by_type(kind),
    };
    Some(by_code)
}

fn by_type(kind: Option<&str>) -> Option<ErrorKind> {
    Some(match kind? {
        "insufficient_quota" => ErrorKind::Quota,
        "server_error" => ErrorKind::Server,
        "request_forbidden" => ErrorKind::PlanRestricted,
        _ => return None,
    })
}

/// `finish_reason` in the common vocabulary.
pub fn finish_reason(reason: &str) -> FinishReason {
    match reason {
        "stop" => FinishReason::Stop,
        "length" => FinishReason::Length,
        "tool_calls" | "function_call" => FinishReason::ToolCalls,
        "content_filter" => FinishReason::ContentFilter,
        other => FinishReason::Other(other.to_string()),
    }
}

/// A chat chunk or completion, borrowed from the text it was parsed from: nothing it
/// holds is larger than that text (the module docs say how).
#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "first_choices")]
    choices: Vec<Choice<'a>>,
    #[serde(borrow, default)]
    usage: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<IgnoredAny>,
}

/// The first [`MAX_CHOICES`] choices; the rest are skipped without being kept.
fn first_choices<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Vec<Choice<'a>>, D::Error> {
    super::first(d, MAX_CHOICES)
}

/// A choice: its `delta` (streams) or `message` (whole answers), read as one field so the
/// choice stays small (it is moved once per chunk).
#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(borrow, default, alias = "message")]
    delta: Option<Delta<'a>>,
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Default, Deserialize)]
struct Delta<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reasoning_content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reasoning: Option<Cow<'a, str>>,
}

/// The stream decoder: each `data:` is a chunk; `[DONE]` ends the stream.
#[derive(Debug)]
pub struct Stream {
    errors: Errors,
}

impl Stream {
    /// A decoder whose error chunks are classified by `errors`.
    pub fn new(errors: Errors) -> Stream {
        Stream { errors }
    }

    /// Takes one SSE event's data.
    pub fn event(
        &mut self,
        data: &str,
        outcome: &mut ChatOutcome,
        sink: &mut dyn Sink,
    ) -> Result<Step, ClientError> {
        let data = data.trim();
        if data == "[DONE]" {
            return Ok(Step::Done);
        }
        if data.is_empty() {
            return Ok(Step::More);
        }
        let chunk: Chunk<'_> = match serde_json::from_str(data) {
            Ok(chunk) => chunk,
            Err(e) => {
                let shown: String = data.chars().take(80).collect();
                let warning = format!("skipped a malformed stream frame ({e}): {shown}");
                outcome.apply(Event::Warning(warning), sink)?;
                return Ok(Step::More);
            }
        };
        apply_chunk(chunk, data, self.errors, outcome, sink)?;
        Ok(Step::More)
    }

    /// The body ended without `[DONE]`: truncated unless a finish reason came.
    pub fn end(&mut self, outcome: &mut ChatOutcome) -> Result<(), ClientError> {
        if outcome.finish_reason.is_none() {
            return Err(ClientError::Truncated {
                missing: "no [DONE] and no finish_reason",
            });
        }
        outcome.warn("the stream ended without [DONE] after its finish_reason".to_string());
        Ok(())
    }
}

/// Applies a parsed chunk (whose text is `data`); fails with its `error` object, or when
/// the kept text would go over its limit (what fits is kept, and what arrived was passed
/// to `sink`).
fn apply_chunk(
    chunk: Chunk<'_>,
    data: &str,
    errors: Errors,
    outcome: &mut ChatOutcome,
    sink: &mut dyn Sink,
) -> Result<(), ClientError> {
    if let Some(model) = &chunk.model {
        outcome.apply(Event::Model(model), sink)?;
    }
    for choice in &chunk.choices {
        if let Some(delta) = &choice.delta {
            if let Some(text) = delta
                .reasoning_content
                .as_ref()
                .or(delta.reasoning.as_ref())
            {
                outcome.apply(Event::Reasoning(text), sink)?;
            }
            if let Some(text) = &delta.content {
                outcome.apply(Event::Text(text), sink)?;
            }
        }
        if chunk.error.is_none()
            && let Some(reason) = &choice.finish_reason
        {
            outcome.apply(Event::Finish(finish_reason(reason)), sink)?;
        }
    }
    if chunk.error.is_some() {
        return outcome.apply(Event::Error(Box::new(errors.error(None, data))), sink);
    }
    match chunk.usage.map(RawValue::get) {
        None | Some("null") => {}
        Some(raw) if raw.len() > MAX_USAGE => outcome.warn(format!(
            "skipped a usage object of {} bytes (more than {MAX_USAGE})",
            raw.len()
        )),
        Some(raw) => match serde_json::from_str(raw) {
            Ok(usage) => outcome.apply(Event::Usage(Box::new(usage)), sink)?,
            Err(e) => outcome.warn(format!("skipped a malformed usage object ({e})")),
        },
    }
    Ok(())
}

/// Reads a whole (non-streaming) completion.
pub fn answer(
    text: &str,
    errors: Errors,
    outcome: &mut ChatOutcome,
    sink: &mut dyn Sink,
) -> Result<(), ClientError> {
    let chunk: Chunk<'_> = serde_json::from_str(text).map_err(|e| {
        ClientError::Protocol(format!(
            "the answer is not a chat completion ({e}): {}",
            crate::client::error::quote(text)
        ))
    })?;
    apply_chunk(chunk, text, errors, outcome, sink)?;
    if outcome.finish_reason.is_none() && outcome.content_chars == 0 {
        return Err(ClientError::Protocol(format!(
            "the answer has no choices: {}",
            crate::client::error::quote(text)
        )));
    }
    Ok(())
}

#[cfg(test)]
#[path = "openai_tests.rs"]
mod tests;
