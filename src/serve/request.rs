//! The common gateway request both front doors parse into — the conversation, the stream
//! flag, the output cap and thinking as the runtime's [`ChatRequest`], plus the model the
//! client named and whether it asked for usage — and the [`Front`] a request came through,
//! which decides every shape the client sees (answers, stream frames, errors).
//!
//! Helpers here read JSON values with located messages (`messages[2].content[0].type`), so
//! both fronts word bad input the same way.

use serde_json::Value;

use crate::client::ChatRequest;

use super::error::GatewayError;

/// The wire shape a client speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Front {
    /// The `openai-completions` dialect: Chat Completions (`POST /v1/chat/completions`,
    /// `/v1/models`).
    Completions,
    /// The `anthropic-messages` dialect: Messages (`POST /v1/messages`).
    Messages,
}

impl Front {
    /// The name used in logs and metrics: the dialect the client speaks.
    pub fn as_str(self) -> &'static str {
        match self {
            Front::Completions => "openai-completions",
            Front::Messages => "anthropic-messages",
        }
    }
}

/// What a client asked, whatever its front.
#[derive(Clone, Debug)]
pub struct GatewayRequest {
    /// The model as the client named it: any ref or alias.
    pub model: String,
    /// The conversation and its options, as `provcat chat` builds them.
    pub chat: ChatRequest,
    /// Whether the client wants usage (OpenAI `stream_options.include_usage` on a stream;
    /// always for whole answers and for Anthropic clients).
    pub include_usage: bool,
}

/// Parses `body` as a JSON object, or says where it is not one.
pub fn json_object(body: &[u8]) -> Result<serde_json::Map<String, Value>, GatewayError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        GatewayError::invalid(format!(
            "the request body is not valid JSON: {e}; send a JSON object with `model` and `messages`"
        ))
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(GatewayError::invalid(format!(
            "the request body is {}, not a JSON object; send an object with `model` and `messages`",
            kind_of(&other)
        ))),
    }
}

/// The `model` field: present, a non-empty string.
pub fn model_field(body: &serde_json::Map<String, Value>) -> Result<String, GatewayError> {
    match body.get("model") {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        None | Some(Value::Null) => Err(GatewayError::invalid(
            "`model` is missing: name a model ref or alias (`GET /v1/models` lists them)",
        )),
        Some(other) => Err(GatewayError::invalid(format!(
            "`model` must be a non-empty string (a model ref), not {}",
            kind_of(other)
        ))),
    }
}

/// An optional boolean field.
pub fn bool_field(
    body: &serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<bool>, GatewayError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(GatewayError::invalid(format!(
            "`{name}` must be a boolean, not {}",
            kind_of(other)
        ))),
    }
}

/// An optional positive integer field that fits in `u32`.
pub fn tokens_field(
    body: &serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<u32>, GatewayError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) if n >= 1 => Ok(Some(n)),
            _ => Err(GatewayError::invalid(format!(
                "`{name}` must be a whole number from 1 to {}, not {n}",
                u32::MAX
            ))),
        },
        Some(other) => Err(GatewayError::invalid(format!(
            "`{name}` must be a whole number, not {}",
            kind_of(other)
        ))),
    }
}

/// Refuses tool use: the common request carries no tools, and dropping them silently would
/// answer a different question.
pub fn refuse_tools(body: &serde_json::Map<String, Value>) -> Result<(), GatewayError> {
    let has = |name: &str| match body.get(name) {
        None | Some(Value::Null) => false,
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    };
    if has("tools") || has("functions") {
        return Err(GatewayError::invalid(
            "tool calling is not supported by provcat serve yet; send the request without `tools`",
        ));
    }
    Ok(())
}

/// The request's `messages`: a non-empty array, else an invalid-request error (`missing`
/// is the front's own wording for an absent field).
pub fn messages_field<'a>(
    body: &'a serde_json::Map<String, Value>,
    missing: &str,
) -> Result<&'a Vec<Value>, GatewayError> {
    match body.get("messages") {
        Some(Value::Array(list)) if !list.is_empty() => Ok(list),
        Some(Value::Array(_)) => Err(GatewayError::invalid(
            "`messages` is empty: send at least one message",
        )),
        None | Some(Value::Null) => Err(GatewayError::invalid(missing.to_string())),
        Some(other) => Err(GatewayError::invalid(format!(
            "`messages` must be an array, not {}",
            kind_of(other)
        ))),
    }
}

/// `a string`, `an array`… for messages about a value of the wrong type.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
