//! `POST {root}{anthropic.path}/v1/messages`: the Anthropic Messages surface's checks, in
//! order (auth, `anthropic-version`, queued fault, body, model, system, messages, thinking,
//! temperature, stop sequences), the job they make, and its error bodies
//! `{"type": "error", "error": {"type", "message"}, "request_id"}` with a `request-id`
//! header. The crate docs list every rule with its status and message.

use serde_json::{Map, Value};

use crate::answer::Script;
use crate::chat::Reply;
use crate::faults::{self, Deferred};
use crate::http::{Request, Response};
use crate::models::SurfaceModel;
use crate::{Shared, prefixed};

/// The `anthropic-version` values accepted.
pub(crate) const VERSIONS: [&str; 2] = ["2023-06-01", "2023-01-01"];
/// The smallest thinking budget.
pub(crate) const MIN_BUDGET: u64 = 1024;
/// The image media types accepted in base64 sources.
const MEDIA_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

/// An Anthropic error response.
pub(crate) fn error(status: u16, kind: &str, message: &str, request_id: &str) -> Response {
    let body = serde_json::json!({
        "type": "error",
        "error": {"type": kind, "message": message},
        "request_id": request_id,
    });
    Response::json(status, &body).with_header("request-id", request_id.to_owned())
}

/// 529 `overloaded_error`.
pub(crate) fn overloaded(request_id: &str) -> Response {
    error(529, "overloaded_error", "Overloaded", request_id)
}

/// A 400 `invalid_request_error`.
fn invalid(message: impl Into<String>) -> Refusal {
    Refusal {
        status: 400,
        kind: "invalid_request_error",
        message: message.into(),
    }
}

/// A refused request: status, error type, message.
struct Refusal {
    status: u16,
    kind: &'static str,
    message: String,
}

/// Why a message ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    EndTurn,
    MaxTokens,
    Sequence(String),
}

impl Stop {
    /// The `stop_reason` value.
    pub fn reason(&self) -> &'static str {
        match self {
            Stop::EndTurn => "end_turn",
            Stop::MaxTokens => "max_tokens",
            Stop::Sequence(_) => "stop_sequence",
        }
    }

    /// The `stop_sequence` value.
    pub fn sequence(&self) -> Value {
        match self {
            Stop::Sequence(s) => Value::String(s.clone()),
            Stop::EndTurn | Stop::MaxTokens => Value::Null,
        }
    }
}

/// A message to produce.
pub(crate) struct Job {
    pub script: Script,
    pub model: String,
    /// `req_…`: the body's `request_id` and the `request-id` header.
    pub request_id: String,
    /// `msg_…`.
    pub message_id: String,
    pub stop: Stop,
    pub fault: Option<Deferred>,
}

/// Checks a messages request.
pub(crate) fn reply(shared: &Shared, request: &Request, body: &Value, id: &str) -> Reply<Job> {
    let request_id = prefixed("req_", id);
    let surface = &shared.config.public.anthropic;
    let refuse = |r: Refusal| Reply::Respond(error(r.status, r.kind, &r.message, &request_id));
    if let Some(refusal) = check_headers(request, |key| surface.accepts(key)) {
        return refuse(refusal);
    }
    let (fault, answer) = shared.fault_and_answer();
    let action = fault.map(|f| faults::anthropic_action(f, &request_id));
    let fault = match Reply::from_fault(action) {
        Ok(fault) => fault,
        Err(reply) => return reply,
    };
    let checked = match check_body(&surface.models, body) {
        Ok(checked) => checked,
        Err(refusal) => return refuse(refusal),
    };
    let mut script = Script::new(&answer, checked.messages, checked.budget.is_some());
    script.prompt_chars += checked.system_chars;
    if let Some(budget) = checked.budget {
        script.limit_reasoning(budget);
    }
    let sequence = script.cut_at_stop(&checked.stop_sequences);
    let stop = if script.limit(checked.max_tokens) {
        Stop::MaxTokens
    } else {
        sequence.map_or(Stop::EndTurn, Stop::Sequence)
    };
    let job = Job {
        script,
        model: checked.model.to_owned(),
        message_id: prefixed("msg_", id),
        request_id,
        stop,
        fault,
    };
    if checked.stream {
        Reply::Stream(job)
    } else {
        Reply::Complete(job)
    }
}

/// Auth (`x-api-key`) and `anthropic-version`.
fn check_headers(request: &Request, accepts: impl Fn(&str) -> bool) -> Option<Refusal> {
    let unauthorized = |message: &str| Refusal {
        status: 401,
        kind: "authentication_error",
        message: message.to_owned(),
    };
    match request.header("x-api-key").map(str::trim) {
        None | Some("") => return Some(unauthorized("x-api-key header is required")),
        Some(key) if !accepts(key) => return Some(unauthorized("invalid x-api-key")),
        Some(_) => {}
    }
    match request.header("anthropic-version").map(str::trim) {
        None | Some("") => Some(invalid("anthropic-version: header is required")),
        Some(version) if !VERSIONS.contains(&version) => Some(invalid(format!(
            "anthropic-version: `{version}` is not a valid version; send 2023-06-01"
        ))),
        Some(_) => None,
    }
}

/// A body that passed the checks.
struct Checked<'a> {
    model: &'a str,
    messages: &'a [Value],
    system_chars: usize,
    max_tokens: u64,
    /// The thinking budget when thinking is enabled.
    budget: Option<u64>,
    stop_sequences: Vec<String>,
    stream: bool,
}

/// The body checks, in the documented order.
fn check_body<'a>(models: &'a [SurfaceModel], body: &'a Value) -> Result<Checked<'a>, Refusal> {
    let Some(object) = body.as_object() else {
        return Err(invalid("The request body must be a JSON object."));
    };
    let model_id = match object.get("model") {
        Some(Value::String(id)) => id.as_str(),
        Some(_) => return Err(invalid("model: Input should be a valid string")),
        None => return Err(invalid("model: Field required")),
    };
    let max_tokens = match object.get("max_tokens") {
        None => return Err(invalid("max_tokens: Field required")),
        Some(value) => positive(value, "max_tokens", 1)?,
    };
    let messages = match object.get("messages") {
        Some(Value::Array(messages)) if !messages.is_empty() => messages.as_slice(),
        Some(Value::Array(_)) => return Err(invalid("messages: at least one message is required")),
        Some(_) => return Err(invalid("messages: Input should be a valid list")),
        None => return Err(invalid("messages: Field required")),
    };
    let Some(model) = models.iter().find(|m| m.id == model_id) else {
        return Err(Refusal {
            status: 404,
            kind: "not_found_error",
            message: format!("model: {model_id}"),
        });
    };
    let system_chars = check_system(object.get("system"))?;
    check_messages(messages, model)?;
    let budget = check_thinking(object.get("thinking"), max_tokens, model)?;
    check_temperature(object.get("temperature"), budget.is_some())?;
    let stop_sequences = check_stop_sequences(object.get("stop_sequences"))?;
    let stream = match object.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(stream)) => *stream,
        Some(_) => return Err(invalid("stream: Input should be a valid boolean")),
    };
    Ok(Checked {
        model: model_id,
        messages,
        system_chars,
        max_tokens,
        budget,
        stop_sequences,
        stream,
    })
}

/// An integer ≥ `min`.
fn positive(value: &Value, field: &str, min: u64) -> Result<u64, Refusal> {
    match (value.as_u64(), value.as_i64()) {
        (Some(n), _) if n >= min => Ok(n),
        (Some(_), _) | (None, Some(_)) => Err(invalid(format!(
            "{field}: Input should be greater than or equal to {min}"
        ))),
        (None, None) => Err(invalid(format!("{field}: Input should be a valid integer"))),
    }
}

/// `system`: absent, a string, or a list of text blocks; returns its characters.
fn check_system(system: Option<&Value>) -> Result<usize, Refusal> {
    match system {
        None | Some(Value::Null) => Ok(0),
        Some(Value::String(text)) => Ok(text.chars().count()),
        Some(Value::Array(blocks)) => {
            let mut chars = 0;
            for (j, block) in blocks.iter().enumerate() {
                let text = block
                    .get("text")
                    .and_then(Value::as_str)
                    .filter(|_| block.get("type").and_then(Value::as_str) == Some("text"));
                let Some(text) = text else {
                    return Err(invalid(format!(
                        "system.{j}: Input should be a text block {{\"type\": \"text\", \"text\": …}}"
                    )));
                };
                chars += text.chars().count();
            }
            Ok(chars)
        }
        Some(_) => Err(invalid(
            "system: Input should be a valid string or a list of text blocks",
        )),
    }
}

/// Roles, alternation, content and image capability.
fn check_messages(messages: &[Value], model: &SurfaceModel) -> Result<(), Refusal> {
    let mut previous: Option<&str> = None;
    for (i, message) in messages.iter().enumerate() {
        let Some(message) = message.as_object() else {
            return Err(invalid(format!(
                "messages.{i}: Input should be a valid dictionary"
            )));
        };
        let role = match message.get("role").and_then(Value::as_str) {
            Some("system") => {
                return Err(invalid(
                    "messages: Unexpected role \"system\". The Messages API accepts a top-level \
                     `system` parameter, not \"system\" as an input message role.",
                ));
            }
            Some(role @ ("user" | "assistant")) => role,
            Some(_) => {
                return Err(invalid(format!(
                    "messages.{i}.role: Input should be 'user' or 'assistant'"
                )));
            }
            None => return Err(invalid(format!("messages.{i}.role: Field required"))),
        };
        if previous.is_none() && role != "user" {
            return Err(invalid(
                "messages: first message must use the \"user\" role",
            ));
        }
        if previous == Some(role) {
            return Err(invalid(format!(
                "messages: roles must alternate between \"user\" and \"assistant\", but found \
                 multiple \"{role}\" roles in a row"
            )));
        }
        previous = Some(role);
        let last_assistant = i + 1 == messages.len() && role == "assistant";
        let empty = match message.get("content") {
            Some(Value::String(text)) => text.is_empty(),
            Some(Value::Array(blocks)) => {
                for (j, block) in blocks.iter().enumerate() {
                    check_block(&format!("messages.{i}.content.{j}"), block, role, model)?;
                }
                blocks.is_empty()
            }
            Some(_) => {
                return Err(invalid(format!(
                    "messages.{i}.content: Input should be a valid string or a list of content \
                     blocks"
                )));
            }
            None => return Err(invalid(format!("messages.{i}.content: Field required"))),
        };
        if empty && !last_assistant {
            return Err(invalid(format!(
                "messages.{i}: all messages must have non-empty content except for the \
                 optional final assistant message"
            )));
        }
    }
    Ok(())
}

/// One content block at `path`.
fn check_block(path: &str, block: &Value, role: &str, model: &SurfaceModel) -> Result<(), Refusal> {
    let Some(block) = block.as_object() else {
        return Err(invalid(format!(
            "{path}: Input should be a valid dictionary"
        )));
    };
    let string = |field: &str| block.get(field).and_then(Value::as_str);
    match string("type") {
        Some("text") => {
            if string("text").is_none() {
                return Err(invalid(format!("{path}.text: Field required (a string)")));
            }
        }
        Some("image") => {
            check_image_source(path, block)?;
            if !model.images {
                return Err(invalid(format!(
                    "{path}: the model {} does not support image input",
                    model.id
                )));
            }
        }
        Some("thinking" | "redacted_thinking") if role == "assistant" => {}
        Some(kind @ ("thinking" | "redacted_thinking")) => {
            return Err(invalid(format!(
                "{path}.type: `{kind}` blocks may only appear in assistant messages"
            )));
        }
        Some(other) => {
            return Err(invalid(format!(
                "{path}.type: Input tag '{other}' found using 'type' does not match any of the \
                 expected tags: 'text', 'image', 'thinking', 'redacted_thinking'"
            )));
        }
        None => return Err(invalid(format!("{path}.type: Field required"))),
    }
    Ok(())
}

/// An image block's `source`: base64 with a known media type and data, or an http(s) URL.
fn check_image_source(path: &str, block: &Map<String, Value>) -> Result<(), Refusal> {
    let Some(source) = block.get("source").and_then(Value::as_object) else {
        return Err(invalid(format!(
            "{path}.source: Field required (an object)"
        )));
    };
    let string = |field: &str| source.get(field).and_then(Value::as_str);
    match string("type") {
        Some("base64") => {
            if !string("media_type").is_some_and(|m| MEDIA_TYPES.contains(&m)) {
                return Err(invalid(format!(
                    "{path}.source.media_type: Input should be 'image/jpeg', 'image/png', \
                     'image/gif' or 'image/webp'"
                )));
            }
            if string("data").is_none_or(str::is_empty) {
                return Err(invalid(format!(
                    "{path}.source.data: Field required (base64 image data)"
                )));
            }
        }
        Some("url") => {
            let remote = string("url").is_some_and(|u| {
                let lower = u.to_ascii_lowercase();
                lower.starts_with("https://") || lower.starts_with("http://")
            });
            if !remote {
                return Err(invalid(format!(
                    "{path}.source.url: Input should be an http(s) URL"
                )));
            }
        }
        _ => {
            return Err(invalid(format!(
                "{path}.source.type: Input should be 'base64' or 'url'"
            )));
        }
    }
    Ok(())
}

/// `thinking`: the budget when enabled.
fn check_thinking(
    thinking: Option<&Value>,
    max_tokens: u64,
    model: &SurfaceModel,
) -> Result<Option<u64>, Refusal> {
    let thinking = match thinking {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(thinking)) => thinking,
        Some(_) => return Err(invalid("thinking: Input should be a valid dictionary")),
    };
    match thinking.get("type").and_then(Value::as_str) {
        Some("disabled") => Ok(None),
        Some("enabled") => {
            if !model.reasoning {
                return Err(invalid(format!(
                    "thinking: the model {} does not support extended thinking",
                    model.id
                )));
            }
            let budget = match thinking.get("budget_tokens") {
                None => return Err(invalid("thinking.enabled.budget_tokens: Field required")),
                Some(value) => positive(value, "thinking.enabled.budget_tokens", MIN_BUDGET)?,
            };
            if budget >= max_tokens {
                return Err(invalid(
                    "`max_tokens` must be greater than `thinking.budget_tokens`.",
                ));
            }
            Ok(Some(budget))
        }
        _ => Err(invalid(
            "thinking.type: Input tag found using 'type' does not match any of the expected \
             tags: 'enabled', 'disabled'",
        )),
    }
}

/// `temperature`: a number in [0, 1], and not with thinking.
fn check_temperature(temperature: Option<&Value>, thinking: bool) -> Result<(), Refusal> {
    let Some(temperature) = temperature.filter(|t| !t.is_null()) else {
        return Ok(());
    };
    match temperature.as_f64() {
        None => Err(invalid("temperature: Input should be a valid number")),
        Some(t) if !(0.0..=1.0).contains(&t) => Err(invalid(
            "temperature: Input should be between 0 and 1 (inclusive)",
        )),
        Some(_) if thinking => Err(invalid(
            "temperature: may not be set when thinking is enabled",
        )),
        Some(_) => Ok(()),
    }
}

/// `stop_sequences`: a list of strings.
fn check_stop_sequences(value: Option<&Value>) -> Result<Vec<String>, Refusal> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    invalid(format!(
                        "stop_sequences.{i}: Input should be a valid string"
                    ))
                })
            })
            .collect(),
        Some(_) => Err(invalid("stop_sequences: Input should be a valid list")),
    }
}
