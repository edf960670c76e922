//! `POST {root}{openai.path}/chat/completions`: the generic OpenAI surface's checks, in order
//! (auth, queued fault, body, model, roles, images, stream options, token limits,
//! temperature, reasoning effort, stop), the job they make, and its error bodies
//! `{"error": {"message", "type", "param", "code"}}` with an `x-request-id` header. The
//! crate docs list every rule with its status and message.

use serde_json::{Map, Value};

use crate::answer::Script;
use crate::chat::{Reply, bearer};
use crate::faults::{self, Deferred};
use crate::http::{Request, Response};
use crate::models::SurfaceModel;
use crate::{Shared, prefixed};

/// The `reasoning_effort` values reasoning models accept.
pub(crate) const EFFORTS: [&str; 4] = ["minimal", "low", "medium", "high"];
/// The message roles accepted.
const ROLES: [&str; 6] = [
    "system",
    "developer",
    "user",
    "assistant",
    "tool",
    "function",
];
/// At most this many stop sequences.
const MAX_STOP: usize = 4;

/// An OpenAI error, built up then turned into a response.
pub(crate) struct Error {
    status: u16,
    kind: &'static str,
    message: String,
    param: Option<String>,
    code: Option<&'static str>,
}

impl Error {
    /// An error with this status, `type` and message (`param` and `code` null).
    pub fn new(status: u16, kind: &'static str, message: impl Into<String>) -> Error {
        Error {
            status,
            kind,
            message: message.into(),
            param: None,
            code: None,
        }
    }

    /// Sets `param`.
    pub fn param(mut self, param: impl Into<String>) -> Error {
        self.param = Some(param.into());
        self
    }

    /// Sets `code`.
    pub fn code(mut self, code: &'static str) -> Error {
        self.code = Some(code);
        self
    }

    /// The response, with `x-request-id`.
    pub fn response(self, request_id: &str) -> Response {
        let body = serde_json::json!({"error": {
            "message": self.message,
            "type": self.kind,
            "param": self.param,
            "code": self.code,
        }});
        Response::json(self.status, &body).with_header("x-request-id", request_id.to_owned())
    }
}

/// A 400 `invalid_request_error` about `param`.
fn invalid(param: &str, code: &'static str, message: impl Into<String>) -> Error {
    Error::new(400, "invalid_request_error", message)
        .param(param)
        .code(code)
}

/// A completion to produce.
pub(crate) struct Job {
    pub script: Script,
    pub model: String,
    /// `chatcmpl-…`.
    pub id: String,
    /// `req_…`, the `x-request-id` header.
    pub request_id: String,
    /// `stop` or `length`.
    pub finish: &'static str,
    pub include_usage: bool,
    /// A reasoning model: deltas and messages carry `reasoning`.
    pub reasoning_model: bool,
    pub fault: Option<Deferred>,
}

/// Checks a chat request.
pub(crate) fn reply(shared: &Shared, request: &Request, body: &Value, id: &str) -> Reply<Job> {
    let request_id = prefixed("req_", id);
    let surface = &shared.config.public.openai;
    let key = bearer(request.header("authorization"));
    if key.is_empty() {
        let message = "You didn't provide an API key. You need to provide your API key in an \
                       Authorization header using Bearer auth (i.e. Authorization: Bearer \
                       YOUR_KEY).";
        let error = Error::new(401, "invalid_request_error", message);
        return Reply::Respond(error.response(&request_id));
    }
    if !surface.accepts(key) {
        let error = Error::new(401, "invalid_request_error", "Incorrect API key provided.")
            .code("invalid_api_key");
        return Reply::Respond(error.response(&request_id));
    }
    let (fault, answer) = shared.fault_and_answer();
    let action = fault.map(|f| faults::openai_action(f, &request_id));
    let fault = match Reply::from_fault(action) {
        Ok(fault) => fault,
        Err(reply) => return reply,
    };
    let checked = match check_body(&surface.models, body) {
        Ok(checked) => checked,
        Err(error) => return Reply::Respond(error.response(&request_id)),
    };
    let mut script = Script::new(&answer, checked.messages, checked.model.reasoning);
    // A stop sequence ends the answer early; the limit may still cut what is left.
    script.cut_at_stop(&checked.stop);
    let cut = checked.limit.is_some_and(|max| script.limit(max));
    let job = Job {
        script,
        model: checked.model.id.clone(),
        id: prefixed("chatcmpl-", id),
        request_id,
        finish: if cut { "length" } else { "stop" },
        include_usage: checked.include_usage,
        reasoning_model: checked.model.reasoning,
        fault,
    };
    if checked.stream {
        Reply::Stream(job)
    } else {
        Reply::Complete(job)
    }
}

/// A body that passed the checks.
struct Checked<'a> {
    model: &'a SurfaceModel,
    messages: &'a [Value],
    stream: bool,
    include_usage: bool,
    /// `max_completion_tokens`, else `max_tokens`.
    limit: Option<u64>,
    stop: Vec<String>,
}

/// The body checks, in the documented order.
fn check_body<'a>(models: &'a [SurfaceModel], body: &'a Value) -> Result<Checked<'a>, Error> {
    let Some(object) = body.as_object() else {
        return Err(Error::new(
            400,
            "invalid_request_error",
            "We could not parse the JSON body of your request. The OpenAI API expects a JSON \
             object.",
        ));
    };
    let Some(model_id) = object.get("model").and_then(Value::as_str) else {
        let message = "you must provide a model parameter";
        return Err(Error::new(400, "invalid_request_error", message));
    };
    let messages = match object.get("messages") {
        Some(Value::Array(messages)) if !messages.is_empty() => messages.as_slice(),
        Some(Value::Array(_)) => {
            return Err(invalid(
                "messages",
                "empty_array",
                "Invalid 'messages': empty array. Expected an array with minimum length 1, but \
                 got an empty array instead.",
            ));
        }
        Some(_) => {
            let message = "Invalid type for 'messages': expected an array of objects.";
            return Err(invalid("messages", "invalid_type", message));
        }
        None => {
            let message = "Missing required parameter: 'messages'.";
            return Err(invalid("messages", "missing_required_parameter", message));
        }
    };
    let Some(model) = models.iter().find(|m| m.id == model_id) else {
        let message =
            format!("The model `{model_id}` does not exist or you do not have access to it.");
        return Err(Error::new(404, "invalid_request_error", message).code("model_not_found"));
    };
    check_messages(messages, model)?;
    let stream = match object.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(stream)) => *stream,
        Some(_) => {
            let message = "Invalid type for 'stream': expected a boolean.";
            return Err(invalid("stream", "invalid_type", message));
        }
    };
    let options = object.get("stream_options").filter(|o| !o.is_null());
    if options.is_some() && !stream {
        return Err(Error::new(
            400,
            "invalid_request_error",
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        )
        .param("stream_options"));
    }
    let include_usage = options
        .and_then(|o| o.get("include_usage"))
        .and_then(Value::as_bool)
        == Some(true);
    let limit = check_limits(object, model)?;
    check_temperature(object, model)?;
    check_effort(object, model)?;
    let stop = check_stop(object.get("stop"))?;
    Ok(Checked {
        model,
        messages,
        stream,
        include_usage,
        limit,
        stop,
    })
}

/// Roles and image parts.
fn check_messages(messages: &[Value], model: &SurfaceModel) -> Result<(), Error> {
    for (i, message) in messages.iter().enumerate() {
        let param = format!("messages[{i}].role");
        match message.get("role").and_then(Value::as_str) {
            Some(role) if ROLES.contains(&role) => {}
            Some(role) => {
                return Err(invalid(
                    &param,
                    "invalid_value",
                    format!(
                        "Invalid value: '{role}'. Supported values are: 'system', 'assistant', \
                         'user', 'function', 'tool', and 'developer'."
                    ),
                ));
            }
            None => {
                let message = format!("Missing required parameter: '{param}'.");
                return Err(invalid(&param, "missing_required_parameter", message));
            }
        }
        let Some(parts) = message.get("content").and_then(Value::as_array) else {
            continue;
        };
        for (j, part) in parts.iter().enumerate() {
            if part.get("type").and_then(Value::as_str) != Some("image_url") {
                continue;
            }
            if !model.images {
                return Err(Error::new(
                    400,
                    "invalid_request_error",
                    "Invalid content type. image_url is only supported by certain models.",
                )
                .param(format!("messages.[{i}].content.[{j}].type")));
            }
            if part
                .pointer("/image_url/url")
                .and_then(Value::as_str)
                .is_none()
            {
                let param = format!("messages[{i}].content[{j}].image_url.url");
                let message = format!("Missing required parameter: '{param}'.");
                return Err(invalid(&param, "missing_required_parameter", message));
            }
        }
    }
    Ok(())
}

/// `max_tokens` (refused by reasoning models) and `max_completion_tokens`.
fn check_limits(object: &Map<String, Value>, model: &SurfaceModel) -> Result<Option<u64>, Error> {
    let given = |field: &str| object.get(field).filter(|v| !v.is_null());
    let max_tokens = given("max_tokens");
    if model.reasoning && max_tokens.is_some() {
        return Err(invalid(
            "max_tokens",
            "unsupported_parameter",
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use \
             'max_completion_tokens' instead.",
        ));
    }
    let mut limit = None;
    for (field, value) in [
        ("max_tokens", max_tokens),
        ("max_completion_tokens", given("max_completion_tokens")),
    ] {
        let Some(value) = value else { continue };
        limit = Some(match (value.as_u64(), value.as_i64()) {
            (Some(n), _) if n >= 1 => n,
            (_, Some(n)) => {
                return Err(invalid(
                    field,
                    "integer_below_min_value",
                    format!(
                        "Invalid '{field}': integer below minimum value. Expected a value >= 1, \
                         but got {n} instead."
                    ),
                ));
            }
            _ => {
                let message = format!("Invalid type for '{field}': expected an integer.");
                return Err(invalid(field, "invalid_type", message));
            }
        });
    }
    Ok(limit)
}

/// `temperature`: a number in [0, 2]; only the default 1 on reasoning models.
fn check_temperature(object: &Map<String, Value>, model: &SurfaceModel) -> Result<(), Error> {
    let Some(value) = object.get("temperature").filter(|v| !v.is_null()) else {
        return Ok(());
    };
    match value.as_f64() {
        None => {
            let message = "Invalid type for 'temperature': expected a decimal.";
            Err(invalid("temperature", "invalid_type", message))
        }
        Some(t) if !(0.0..=2.0).contains(&t) => Err(invalid(
            "temperature",
            "invalid_value",
            format!("Invalid 'temperature': expected a value between 0 and 2, but got {value}."),
        )),
        Some(t) if model.reasoning && t != 1.0 => Err(invalid(
            "temperature",
            "unsupported_value",
            format!(
                "Unsupported value: 'temperature' does not support {value} with this model. Only \
                 the default (1) value is supported."
            ),
        )),
        Some(_) => Ok(()),
    }
}

/// `reasoning_effort`: reasoning models only, one of [`EFFORTS`].
fn check_effort(object: &Map<String, Value>, model: &SurfaceModel) -> Result<(), Error> {
    let Some(value) = object.get("reasoning_effort").filter(|v| !v.is_null()) else {
        return Ok(());
    };
    if !model.reasoning {
        return Err(invalid(
            "reasoning_effort",
            "unsupported_parameter",
            "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
        ));
    }
    match value.as_str() {
        Some(effort) if EFFORTS.contains(&effort) => Ok(()),
        _ => {
            let shown = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            Err(invalid(
                "reasoning_effort",
                "invalid_value",
                format!(
                    "Invalid value: '{shown}'. Supported values are: 'minimal', 'low', \
                     'medium', and 'high'."
                ),
            ))
        }
    }
}

/// `stop`: a string or a list of at most 4 strings.
fn check_stop(value: Option<&Value>) -> Result<Vec<String>, Error> {
    let bad = || {
        let message = "Invalid 'stop': expected a string or an array of at most 4 strings.";
        invalid("stop", "invalid_value", message)
    };
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(stop)) => Ok(vec![stop.clone()]),
        Some(Value::Array(items)) if items.len() <= MAX_STOP => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(bad))
            .collect(),
        Some(_) => Err(bad()),
    }
}
