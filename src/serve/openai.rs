//! The OpenAI-compatible front door: `POST /v1/chat/completions` parsed into the common
//! [`GatewayRequest`], answers and stream chunks encoded back in Chat Completions' shape,
//! and errors as `{"error": {"message", "type", "param", "code"}}`.
//!
//! **Requests.** `messages` with roles `system`, `developer`, `user` and `assistant`;
//! content as a string, `null`, or parts (`text`, `image_url` with an https or `data:` URL);
//! `stream`, `stream_options.include_usage`, `max_completion_tokens` (else `max_tokens`);
//! thinking from `reasoning_effort` (anything but `none` / `minimal`), OpenRouter's
//! `reasoning` object (`effort`, or `enabled`) or `enable_thinking`. Sampling parameters
//! are not forwarded; `tools` and `tool` messages are refused (the common model has no tool
//! calls).
//!
//! **Answers.** A whole answer is a `chat.completion` (`message.content`, the reasoning as
//! `message.reasoning_content`, `finish_reason` in the common vocabulary, `usage` always).
//! A stream is `chat.completion.chunk`s: the role chunk, one chunk per piece
//! (`delta.reasoning_content` or `delta.content`), the finish chunk, with
//! `stream_options.include_usage` a usage chunk (`choices: []`), then `data: [DONE]`. An
//! upstream error after the stream started is one chunk `{"error": {…}}`, and the stream
//! ends without `[DONE]`.

use serde_json::{Map, Value, json};

use crate::client::{ChatOutcome, ChatRequest, Message, Part, Role};

use super::error::{ErrorClass, GatewayError};
use super::request::{
    GatewayRequest, bool_field, json_object, kind_of, messages_field, model_field, refuse_tools,
    tokens_field,
};

/// Parses a Chat Completions request body.
pub fn parse(body: &[u8]) -> Result<GatewayRequest, GatewayError> {
    let body = json_object(body)?;
    let model = model_field(&body)?;
    refuse_tools(&body)?;
    let stream = bool_field(&body, "stream")?.unwrap_or(false);
    let include_usage = match body.get("stream_options") {
        None | Some(Value::Null) => false,
        Some(Value::Object(o)) => match o.get("include_usage") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(GatewayError::invalid(format!(
                    "`stream_options.include_usage` must be a boolean, not {}",
                    kind_of(other)
                )));
            }
        },
        Some(other) => {
            return Err(GatewayError::invalid(format!(
                "`stream_options` must be an object, not {}",
                kind_of(other)
            )));
        }
    };
    let max_tokens = match tokens_field(&body, "max_completion_tokens")? {
        Some(n) => Some(n),
        None => tokens_field(&body, "max_tokens")?,
    };
    let messages = messages(&body)?;
    Ok(GatewayRequest {
        model,
        chat: ChatRequest {
            messages,
            stream,
            thinking: thinking(&body)?,
            max_tokens,
            effort: None,
        },
        // A whole answer always carries usage.
        include_usage: include_usage || !stream,
    })
}

fn thinking(body: &Map<String, Value>) -> Result<bool, GatewayError> {
    let effort_on = |v: &Value, at: &str| match v {
        Value::Null => Ok(false),
        Value::String(s) => Ok(!matches!(s.as_str(), "none" | "minimal")),
        other => Err(GatewayError::invalid(format!(
            "`{at}` must be a string (`low`, `medium`, `high`), not {}",
            kind_of(other)
        ))),
    };
    if let Some(effort) = body.get("reasoning_effort")
        && effort_on(effort, "reasoning_effort")?
    {
        return Ok(true);
    }
    if let Some(Value::Object(reasoning)) = body.get("reasoning") {
        if reasoning.get("enabled") == Some(&Value::Bool(true)) {
            return Ok(true);
        }
        if let Some(effort) = reasoning.get("effort")
            && effort_on(effort, "reasoning.effort")?
        {
            return Ok(true);
        }
    }
    Ok(bool_field(body, "enable_thinking")?.unwrap_or(false))
}

fn messages(body: &Map<String, Value>) -> Result<Vec<Message>, GatewayError> {
    let list = messages_field(
        body,
        "`messages` is missing: send a list of {role, content} messages",
    )?;
    list.iter()
        .enumerate()
        .map(|(i, m)| message(i, m))
        .collect()
}

fn message(i: usize, value: &Value) -> Result<Message, GatewayError> {
    let at = format!("messages[{i}]");
    let Value::Object(m) = value else {
        return Err(GatewayError::invalid(format!(
            "`{at}` must be an object with `role` and `content`, not {}",
            kind_of(value)
        )));
    };
    let role = match m.get("role").and_then(Value::as_str) {
        Some("system") => Role::System,
        Some("developer") => Role::Developer,
        Some("user") => Role::User,
        Some("assistant") => Role::Assistant,
        Some(role @ ("tool" | "function")) => {
            return Err(GatewayError::invalid(format!(
                "`{at}.role` is `{role}`: tool calling is not supported by provcat serve yet"
            )));
        }
        Some(other) => {
            return Err(GatewayError::invalid(format!(
                "`{at}.role` is `{other}`; use `system`, `developer`, `user` or `assistant`"
            )));
        }
        None => {
            return Err(GatewayError::invalid(format!(
                "`{at}.role` is missing or not a string"
            )));
        }
    };
    let parts = match m.get("content") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![Part::Text(s.clone())],
        Some(Value::Array(parts)) => parts
            .iter()
            .enumerate()
            .map(|(j, p)| part(&format!("{at}.content[{j}]"), p))
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(GatewayError::invalid(format!(
                "`{at}.content` must be a string or an array of parts, not {}",
                kind_of(other)
            )));
        }
    };
    Ok(Message { role, parts })
}

fn part(at: &str, value: &Value) -> Result<Part, GatewayError> {
    let kind = value.get("type").and_then(Value::as_str);
    match kind {
        Some("text") => match value.get("text") {
            Some(Value::String(s)) => Ok(Part::Text(s.clone())),
            _ => Err(GatewayError::invalid(format!(
                "`{at}.text` must be a string"
            ))),
        },
        Some("image_url") => {
            let url = match value.get("image_url") {
                Some(Value::String(u)) => Some(u.as_str()),
                Some(Value::Object(o)) => o.get("url").and_then(Value::as_str),
                _ => None,
            };
            match url {
                Some(u)
                    if u.starts_with("https://")
                        || u.starts_with("http://")
                        || u.starts_with("data:") =>
                {
                    Ok(Part::Image(u.to_string()))
                }
                Some(_) => Err(GatewayError::invalid(format!(
                    "`{at}.image_url.url` must be an http(s) or `data:` URL"
                ))),
                None => Err(GatewayError::invalid(format!(
                    "`{at}.image_url.url` is missing"
                ))),
            }
        }
        Some(other) => Err(GatewayError::invalid(format!(
            "`{at}.type` is `{other}`; provcat serve takes `text` and `image_url` parts"
        ))),
        None => Err(GatewayError::invalid(format!(
            "`{at}.type` is missing (a part is {{\"type\": \"text\", \"text\": …}})"
        ))),
    }
}

/// A whole answer as a `chat.completion`.
pub fn answer(id: &str, created: u64, model: &str, outcome: &ChatOutcome, usage: Value) -> Value {
    let mut message = Map::new();
    message.insert("role".into(), json!("assistant"));
    message.insert("content".into(), json!(outcome.content));
    if !outcome.reasoning.is_empty() {
        message.insert("reasoning_content".into(), json!(outcome.reasoning));
    }
    json!({
        "id": id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{
            "index": 0,
            "message": message,
            "finish_reason": outcome.finish_reason.as_ref().map_or("stop", |r| r.as_str()),
        }],
        "usage": usage,
    })
}

/// Writes the chunks of a Chat Completions stream. The chunks of text — all but a few —
/// are written from a prefix made once (the id, the time and the model), with only the
/// text escaped per chunk.
#[derive(Debug)]
pub struct StreamEncoder {
    id: String,
    created: u64,
    model: String,
    /// `data: {"id":…,"model":…,"choices":[{"index":0,"delta":{`
    delta_prefix: Vec<u8>,
}

impl StreamEncoder {
    /// An encoder for the stream `id` of `model`.
    pub fn new(id: String, created: u64, model: String) -> StreamEncoder {
        let mut delta_prefix = b"data: {\"id\":".to_vec();
        let _ = serde_json::to_writer(&mut delta_prefix, &id);
        delta_prefix.extend_from_slice(b",\"object\":\"chat.completion.chunk\",\"created\":");
        delta_prefix.extend_from_slice(created.to_string().as_bytes());
        delta_prefix.extend_from_slice(b",\"model\":");
        let _ = serde_json::to_writer(&mut delta_prefix, &model);
        delta_prefix.extend_from_slice(b",\"choices\":[{\"index\":0,\"delta\":{");
        StreamEncoder {
            id,
            created,
            model,
            delta_prefix,
        }
    }

    /// A chunk whose delta is `{field: text}`.
    fn text_delta(&self, field: &[u8], text: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.delta_prefix);
        out.extend_from_slice(field);
        let _ = serde_json::to_writer(&mut *out, text);
        out.extend_from_slice(b"},\"finish_reason\":null}]}\n\n");
    }

    fn chunk(&self, choices: Value, usage: Option<Value>, out: &mut Vec<u8>) {
        let mut chunk = json!({
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": choices,
        });
        if let Some(usage) = usage {
            chunk["usage"] = usage;
        }
        data(&chunk, out);
    }

    /// The role chunk that opens the stream.
    pub fn start(&mut self, out: &mut Vec<u8>) {
        self.chunk(
            json!([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]),
            None,
            out,
        );
    }

    /// A piece of reasoning.
    pub fn reasoning(&mut self, text: &str, out: &mut Vec<u8>) {
        self.text_delta(b"\"reasoning_content\":", text, out);
    }

    /// A piece of the answer.
    pub fn content(&mut self, text: &str, out: &mut Vec<u8>) {
        self.text_delta(b"\"content\":", text, out);
    }

    /// The finish chunk, the usage chunk when asked for, and `[DONE]`.
    pub fn finish(&mut self, outcome: &ChatOutcome, usage: Option<Value>, out: &mut Vec<u8>) {
        let reason = outcome
            .finish_reason
            .as_ref()
            .map_or("stop", |r| r.as_str());
        self.chunk(
            json!([{"index": 0, "delta": {}, "finish_reason": reason}]),
            None,
            out,
        );
        if let Some(usage) = usage {
            self.chunk(json!([]), Some(usage), out);
        }
        out.extend_from_slice(b"data: [DONE]\n\n");
    }

    /// An error after the stream started: the SDKs raise on a chunk with `error`.
    pub fn error(&mut self, error: &GatewayError, out: &mut Vec<u8>) {
        data(&error_body(error), out);
    }
}

fn data(value: &Value, out: &mut Vec<u8>) {
    out.extend_from_slice(b"data: ");
    // Writing JSON into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
    out.extend_from_slice(b"\n\n");
}

/// The error body: `{"error": {"message", "type", "param", "code"}}`.
pub fn error_body(error: &GatewayError) -> Value {
    let (kind, code) = match error.class {
        ErrorClass::InvalidRequest => ("invalid_request_error", None),
        ErrorClass::Authentication => ("authentication_error", Some("invalid_api_key")),
        ErrorClass::Permission => ("permission_error", None),
        ErrorClass::NotFound => ("invalid_request_error", Some("model_not_found")),
        ErrorClass::MethodNotAllowed => ("invalid_request_error", Some("method_not_allowed")),
        ErrorClass::RequestTimeout => ("invalid_request_error", Some("request_timeout")),
        ErrorClass::TooLarge => ("invalid_request_error", Some("request_too_large")),
        ErrorClass::Billing => ("insufficient_quota", Some("insufficient_quota")),
        ErrorClass::RateLimit => ("rate_limit_error", Some("rate_limit_exceeded")),
        ErrorClass::Upstream => ("api_error", Some("upstream_error")),
        ErrorClass::Overloaded => ("api_error", Some("overloaded")),
        ErrorClass::Timeout => ("api_error", Some("timeout")),
        ErrorClass::Internal => ("api_error", None),
        ErrorClass::Unavailable => ("api_error", Some("shutting_down")),
    };
    json!({
        "error": {
            "message": error.message,
            "type": kind,
            "param": null,
            "code": code,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_chunks_written_from_the_prefix_are_the_chunks_json_would_write() {
        let mut encoder = StreamEncoder::new("chatcmpl-1".into(), 7, "a/\"b\"".into());
        let mut fast = Vec::new();
        encoder.content("hé\n\"x\"", &mut fast);
        encoder.reasoning("r", &mut fast);
        let mut slow = Vec::new();
        encoder.chunk(
            json!([{"index": 0, "delta": {"content": "hé\n\"x\""}, "finish_reason": null}]),
            None,
            &mut slow,
        );
        encoder.chunk(
            json!([{"index": 0, "delta": {"reasoning_content": "r"}, "finish_reason": null}]),
            None,
            &mut slow,
        );
        let parse = |bytes: &[u8]| -> Vec<Value> {
            String::from_utf8(bytes.to_vec())
                .unwrap()
                .split("\n\n")
                .filter(|f| !f.is_empty())
                .map(|f| serde_json::from_str(f.strip_prefix("data: ").unwrap()).unwrap())
                .collect()
        };
        assert_eq!(parse(&fast), parse(&slow));
    }
}
