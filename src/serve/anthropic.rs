//! The Anthropic-compatible front door: `POST /v1/messages` parsed into the common
//! [`GatewayRequest`], answers and stream events encoded back in Messages' shape, and
//! errors as `{"type": "error", "error": {"type", "message"}}`.
//!
//! **Requests.** `system` (a string or text blocks) and `messages` with roles `user` and
//! `assistant`; content as a string or blocks — `text`, `image` (a base64 source becomes a
//! `data:` URL, a `url` source stays a URL), and `thinking` / `redacted_thinking` blocks
//! of earlier answers, which are dropped (their signatures belong to the model that wrote
//! them); `max_tokens`, `stream`, `thinking` (`enabled` or `adaptive` turns thinking on;
//! the budget is the upstream dialect's rule). Sampling parameters and `metadata` are not
//! forwarded; `tools`, `tool_use` and `tool_result` are refused.
//!
//! **Answers.** A whole answer is a `message` with a `thinking` block (when the model
//! reasoned) and a `text` block, `stop_reason` mapped from the common vocabulary (`stop` →
//! `end_turn`, `length` → `max_tokens`, `tool_calls` → `tool_use`, `content_filter` →
//! `refusal`) and `usage` always. A stream is `message_start`, a `content_block_start` /
//! `content_block_delta`s / `content_block_stop` per block (`thinking_delta`,
//! `text_delta`), `message_delta` (stop reason and usage) and `message_stop`. An upstream
//! error after the stream started is an `error` event, and the stream ends there.

use serde_json::{Map, Value, json};

use crate::client::{ChatOutcome, ChatRequest, FinishReason, Message, Part, Role};

use super::error::{ErrorClass, GatewayError};
use super::request::{
    GatewayRequest, bool_field, json_object, kind_of, messages_field, model_field, refuse_tools,
    tokens_field,
};

/// Parses a Messages request body.
pub fn parse(body: &[u8]) -> Result<GatewayRequest, GatewayError> {
    let body = json_object(body)?;
    let model = model_field(&body)?;
    refuse_tools(&body)?;
    let stream = bool_field(&body, "stream")?.unwrap_or(false);
    let max_tokens = tokens_field(&body, "max_tokens")?;
    let thinking = match body.get("thinking") {
        None | Some(Value::Null) => false,
        Some(Value::Object(t)) => match t.get("type").and_then(Value::as_str) {
            Some("enabled" | "adaptive") => true,
            Some("disabled") => false,
            _ => {
                return Err(GatewayError::invalid(
                    "`thinking.type` must be `enabled`, `adaptive` or `disabled`",
                ));
            }
        },
        Some(other) => {
            return Err(GatewayError::invalid(format!(
                "`thinking` must be an object, not {}",
                kind_of(other)
            )));
        }
    };
    let mut messages = Vec::new();
    match body.get("system") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => messages.push(Message::text(Role::System, s.clone())),
        Some(Value::Array(blocks)) => {
            let parts = blocks
                .iter()
                .enumerate()
                .map(|(i, b)| match (b.get("type").and_then(Value::as_str), b.get("text")) {
                    (Some("text"), Some(Value::String(s))) => Ok(Part::Text(s.clone())),
                    _ => Err(GatewayError::invalid(format!(
                        "`system[{i}]` must be a text block ({{\"type\": \"text\", \"text\": …}})"
                    ))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            messages.push(Message {
                role: Role::System,
                parts,
            });
        }
        Some(other) => {
            return Err(GatewayError::invalid(format!(
                "`system` must be a string or an array of text blocks, not {}",
                kind_of(other)
            )));
        }
    }
    let list = messages_field(
        &body,
        "`messages`: Field required (a list of {role, content} messages)",
    )?;
    for (i, m) in list.iter().enumerate() {
        messages.push(message(i, m)?);
    }
    Ok(GatewayRequest {
        model,
        chat: ChatRequest {
            messages,
            stream,
            thinking,
            max_tokens,
            effort: None,
        },
        include_usage: true,
    })
}

fn message(i: usize, value: &Value) -> Result<Message, GatewayError> {
    let at = format!("messages[{i}]");
    let role = match value.get("role").and_then(Value::as_str) {
        Some("user") => Role::User,
        Some("assistant") => Role::Assistant,
        Some("system") => {
            return Err(GatewayError::invalid(format!(
                "`{at}.role` is `system`: the Messages API takes the system prompt as the top-level `system` field"
            )));
        }
        Some(other) => {
            return Err(GatewayError::invalid(format!(
                "`{at}.role` is `{other}`; use `user` or `assistant`"
            )));
        }
        None => {
            return Err(GatewayError::invalid(format!(
                "`{at}.role` is missing or not a string"
            )));
        }
    };
    let parts = match value.get("content") {
        Some(Value::String(s)) => vec![Part::Text(s.clone())],
        Some(Value::Array(blocks)) => {
            let mut parts = Vec::new();
            for (j, b) in blocks.iter().enumerate() {
                if let Some(part) = block(&format!("{at}.content[{j}]"), b)? {
                    parts.push(part);
                }
            }
            parts
        }
        _ => {
            return Err(GatewayError::invalid(format!(
                "`{at}.content` must be a string or an array of content blocks"
            )));
        }
    };
    Ok(Message { role, parts })
}

fn block(at: &str, value: &Value) -> Result<Option<Part>, GatewayError> {
    match value.get("type").and_then(Value::as_str) {
        Some("text") => match value.get("text") {
            Some(Value::String(s)) => Ok(Some(Part::Text(s.clone()))),
            _ => Err(GatewayError::invalid(format!(
                "`{at}.text` must be a string"
            ))),
        },
        Some("image") => {
            let source = value.get("source");
            let field = |name: &str| source.and_then(|s| s.get(name)).and_then(Value::as_str);
            match field("type") {
                Some("base64") => match (field("media_type"), field("data")) {
                    (Some(media), Some(data)) => {
                        Ok(Some(Part::Image(format!("data:{media};base64,{data}"))))
                    }
                    _ => Err(GatewayError::invalid(format!(
                        "`{at}.source` needs `media_type` and `data`"
                    ))),
                },
                Some("url") => match field("url") {
                    Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                        Ok(Some(Part::Image(url.to_string())))
                    }
                    _ => Err(GatewayError::invalid(format!(
                        "`{at}.source.url` must be an http(s) URL"
                    ))),
                },
                _ => Err(GatewayError::invalid(format!(
                    "`{at}.source.type` must be `base64` or `url`"
                ))),
            }
        }
        Some("thinking" | "redacted_thinking") => Ok(None),
        Some(kind @ ("tool_use" | "tool_result" | "server_tool_use")) => {
            Err(GatewayError::invalid(format!(
                "`{at}` is a `{kind}` block: tool use is not supported by provcat serve yet"
            )))
        }
        Some(other) => Err(GatewayError::invalid(format!(
            "`{at}.type` is `{other}`; provcat serve takes `text` and `image` blocks"
        ))),
        None => Err(GatewayError::invalid(format!("`{at}.type` is missing"))),
    }
}

/// The Messages stop reason for a common finish reason.
pub fn stop_reason(reason: Option<&FinishReason>) -> &str {
    match reason {
        None | Some(FinishReason::Stop) => "end_turn",
        Some(FinishReason::Length) => "max_tokens",
        Some(FinishReason::ToolCalls) => "tool_use",
        Some(FinishReason::ContentFilter) => "refusal",
        Some(FinishReason::Other(other)) => other,
    }
}

/// A whole answer as a `message`.
pub fn answer(id: &str, model: &str, outcome: &ChatOutcome, usage: Value) -> Value {
    let mut content = Vec::new();
    if !outcome.reasoning.is_empty() {
        content.push(json!({"type": "thinking", "thinking": outcome.reasoning, "signature": ""}));
    }
    content.push(json!({"type": "text", "text": outcome.content}));
    json!({
        "id": id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason(outcome.finish_reason.as_ref()),
        "stop_sequence": null,
        "usage": usage,
    })
}

/// The kind of content block open in a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    Thinking,
    Text,
}

/// Writes the events of a Messages stream.
#[derive(Debug)]
pub struct StreamEncoder {
    id: String,
    model: String,
    open: Option<Block>,
    next_index: usize,
}

impl StreamEncoder {
    /// An encoder for the message `id` of `model`.
    pub fn new(id: String, model: String) -> StreamEncoder {
        StreamEncoder {
            id,
            model,
            open: None,
            next_index: 0,
        }
    }

    /// `message_start`.
    pub fn start(&mut self, out: &mut Vec<u8>) {
        event(
            "message_start",
            &json!({"type": "message_start", "message": {
                "id": self.id, "type": "message", "role": "assistant", "model": self.model,
                "content": [], "stop_reason": null, "stop_sequence": null,
                "usage": {"input_tokens": 0, "output_tokens": 0},
            }}),
            out,
        );
    }

    fn switch(&mut self, block: Block, out: &mut Vec<u8>) {
        if self.open == Some(block) {
            return;
        }
        self.close(out);
        let content_block = match block {
            Block::Thinking => json!({"type": "thinking", "thinking": "", "signature": ""}),
            Block::Text => json!({"type": "text", "text": ""}),
        };
        event(
            "content_block_start",
            &json!({"type": "content_block_start", "index": self.next_index, "content_block": content_block}),
            out,
        );
        self.open = Some(block);
    }

    fn close(&mut self, out: &mut Vec<u8>) {
        if self.open.take().is_some() {
            event(
                "content_block_stop",
                &json!({"type": "content_block_stop", "index": self.next_index}),
                out,
            );
            self.next_index += 1;
        }
    }

    /// A `content_block_delta` of `kind` carrying `text` in `field`, written directly (the
    /// common case of a stream: no JSON tree is built).
    fn delta(&self, kind: &str, field: &str, text: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(
            b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":",
        );
        out.extend_from_slice(self.next_index.to_string().as_bytes());
        out.extend_from_slice(b",\"delta\":{\"type\":\"");
        out.extend_from_slice(kind.as_bytes());
        out.extend_from_slice(b"\",\"");
        out.extend_from_slice(field.as_bytes());
        out.extend_from_slice(b"\":");
        let _ = serde_json::to_writer(&mut *out, text);
        out.extend_from_slice(b"}}\n\n");
    }

    /// A piece of reasoning.
    pub fn reasoning(&mut self, text: &str, out: &mut Vec<u8>) {
        self.switch(Block::Thinking, out);
        self.delta("thinking_delta", "thinking", text, out);
    }

    /// A piece of the answer.
    pub fn content(&mut self, text: &str, out: &mut Vec<u8>) {
        self.switch(Block::Text, out);
        self.delta("text_delta", "text", text, out);
    }

    /// The last block's stop, `message_delta` and `message_stop`.
    pub fn finish(&mut self, outcome: &ChatOutcome, usage: Option<Value>, out: &mut Vec<u8>) {
        if self.next_index == 0 && self.open.is_none() {
            // Every message has a text block, even an empty one.
            self.switch(Block::Text, out);
        }
        self.close(out);
        let usage = usage.unwrap_or_else(|| json!({"output_tokens": 0}));
        event(
            "message_delta",
            &json!({"type": "message_delta",
                "delta": {"stop_reason": stop_reason(outcome.finish_reason.as_ref()), "stop_sequence": null},
                "usage": usage}),
            out,
        );
        event("message_stop", &json!({"type": "message_stop"}), out);
    }

    /// An error after the stream started.
    pub fn error(&mut self, error: &GatewayError, out: &mut Vec<u8>) {
        event("error", &error_body(error), out);
    }
}

fn event(name: &str, data: &Value, out: &mut Vec<u8>) {
    out.extend_from_slice(b"event: ");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\ndata: ");
    let _ = serde_json::to_writer(&mut *out, data);
    out.extend_from_slice(b"\n\n");
}

/// The error body: `{"type": "error", "error": {"type", "message"}}`.
pub fn error_body(error: &GatewayError) -> Value {
    let kind = match error.class {
        ErrorClass::InvalidRequest | ErrorClass::MethodNotAllowed => "invalid_request_error",
        ErrorClass::Authentication => "authentication_error",
        ErrorClass::Permission => "permission_error",
        ErrorClass::NotFound => "not_found_error",
        ErrorClass::RequestTimeout | ErrorClass::Timeout => "timeout_error",
        ErrorClass::TooLarge => "request_too_large",
        ErrorClass::Billing => "billing_error",
        ErrorClass::RateLimit => "rate_limit_error",
        ErrorClass::Upstream | ErrorClass::Internal | ErrorClass::Unavailable => "api_error",
        ErrorClass::Overloaded => "overloaded_error",
    };
    let mut out = Map::new();
    out.insert("type".into(), json!("error"));
    out.insert(
        "error".into(),
        json!({"type": kind, "message": error.message}),
    );
    Value::Object(out)
}
