//! `POST {base}/chat/completions`: the checks, in the real API's order (auth, queued fault,
//! body, model, `developer` role, images, thinking), and the non-streaming answer.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::net::TcpStream;

use crate::answer::Script;
use crate::faults::{self, Action, Deferred};
use crate::hostile::Hostile;
use crate::http::{Request, Response};
use crate::models::{self, KnownModel, Plan};
use crate::profile::Profile;
use crate::stream::Meta;
use crate::{Shared, errors};

/// What to do with a chat or messages request (`J`: the surface's answer job).
pub(crate) enum Reply<J> {
    /// Answer with this (an error, or an HTTP fault).
    Respond(Response),
    /// Close the connection with a reset.
    Reset,
    /// Answer without streaming.
    Complete(J),
    /// Answer with an SSE stream.
    Stream(J),
    /// Answer a huge body or nothing (a hostile-server fault).
    Hostile(Hostile),
}

impl<J> Reply<J> {
    /// A reply from a fault's action: `Ok(deferred)` when the answer goes on.
    pub fn from_fault(action: Option<Action>) -> Result<Option<Deferred>, Reply<J>> {
        match action {
            Some(Action::Answer(response)) => Err(Reply::Respond(response)),
            Some(Action::Reset) => Err(Reply::Reset),
            Some(Action::Hostile(hostile)) => Err(Reply::Hostile(hostile)),
            Some(Action::Defer(deferred)) => Ok(Some(deferred)),
            None => Ok(None),
        }
    }
}

/// An answer to produce.
pub(crate) struct Job {
    pub script: Script,
    pub meta: Meta,
    pub include_usage: bool,
    pub fault: Option<Deferred>,
}

/// Checks a chat request against the rules of a `plan` host.
pub(crate) fn reply(
    shared: &Shared,
    plan: Plan,
    request: &Request,
    body: &Value,
    request_id: &str,
) -> Reply<Job> {
    let profile = &shared.config.public.profile;
    if let Some(denied) = check_key(profile, plan, request.header("authorization"), request_id) {
        return Reply::Respond(denied);
    }
    let (fault, answer) = shared.fault_and_answer();
    let fault = match Reply::from_fault(fault.map(|f| faults::action(f, request_id))) {
        Ok(fault) => fault,
        Err(reply) => return reply,
    };
    match check_body(&profile.chat_models, plan, body, request_id) {
        Ok(checked) => {
            let script = Script::new(&answer, checked.messages, checked.thinking);
            let job = Job {
                script,
                meta: Meta::new(request_id, checked.model),
                include_usage: checked.include_usage,
                fault,
            };
            if checked.stream {
                Reply::Stream(job)
            } else {
                Reply::Complete(job)
            }
        }
        Err(response) => Reply::Respond(response),
    }
}

/// Auth: `Some(error)` when the key is refused on this host.
fn check_key(
    profile: &Profile,
    plan: Plan,
    authorization: Option<&str>,
    request_id: &str,
) -> Option<Response> {
    let key = bearer(authorization);
    match (plan, profile.plan_of(key)) {
        _ if key.is_empty() => Some(errors::incorrect_key(request_id)),
        (_, None) => Some(errors::incorrect_key(request_id)),
        (Plan::Standard, Some(Plan::Coding)) => Some(errors::coding_key_on_standard(request_id)),
        (Plan::Coding, Some(Plan::Standard)) => Some(errors::token_expired(request_id)),
        _ if key.contains("bad") => Some(errors::incorrect_key(request_id)),
        _ => None,
    }
}

/// The key of an `Authorization: Bearer <key>` header (`""` when missing or not bearer).
pub(crate) fn bearer(authorization: Option<&str>) -> &str {
    authorization
        .and_then(|v| {
            let (scheme, key) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| key.trim())
        })
        .unwrap_or("")
}

/// A request body that passed the checks.
struct Checked<'a> {
    model: &'a str,
    messages: &'a [Value],
    stream: bool,
    thinking: bool,
    include_usage: bool,
}

/// Body, model, role, image and thinking checks.
fn check_body<'a>(
    models: &[KnownModel],
    plan: Plan,
    body: &'a Value,
    request_id: &str,
) -> Result<Checked<'a>, Response> {
    let bad = |message: &str| errors::invalid_parameter(message, request_id);
    if !body.is_object() {
        return Err(bad("The request body must be a JSON object."));
    }
    let Some(model_id) = body.get("model").and_then(Value::as_str) else {
        return Err(bad("Field required: model"));
    };
    let messages = match body.get("messages").and_then(Value::as_array) {
        Some(messages) if !messages.is_empty() => messages.as_slice(),
        _ => return Err(bad("Field required: messages (a non-empty array)")),
    };
    let Some(model) = models::find(models, model_id) else {
        return Err(errors::model_not_found(model_id, request_id));
    };
    if plan == Plan::Coding && !model.on_coding_plan {
        return Err(bad(&format!("model `{model_id}` is not supported.")));
    }
    for (i, message) in messages.iter().enumerate() {
        if message.get("role").and_then(Value::as_str) == Some("developer") {
            return Err(bad(&format!(
                "Role 'developer' is not supported; use 'system' instead (messages[{i}].role)."
            )));
        }
    }
    if !model.takes_images && messages.iter().any(has_image) {
        return Err(bad(&format!(
            "The model `{model_id}` does not support image input (image_url content part)."
        )));
    }
    let stream = body.get("stream").and_then(Value::as_bool) == Some(true);
    let enable_thinking = body.get("enable_thinking").and_then(Value::as_bool);
    let thinking = enable_thinking == Some(true)
        || (model.thinks_by_default && enable_thinking != Some(false));
    if thinking && !stream {
        return Err(bad(
            "parameter.enable_thinking must be set to false for non-streaming calls",
        ));
    }
    let include_usage = body
        .pointer("/stream_options/include_usage")
        .and_then(Value::as_bool)
        == Some(true);
    Ok(Checked {
        model: model_id,
        messages,
        stream,
        thinking,
        include_usage,
    })
}

/// The message has an `image_url` content part.
fn has_image(message: &Value) -> bool {
    message
        .get("content")
        .and_then(Value::as_array)
        .is_some_and(|parts| {
            parts
                .iter()
                .any(|p| p.get("type").and_then(Value::as_str) == Some("image_url"))
        })
}

/// How a connection goes on after an answer.
pub(crate) enum After {
    KeepAlive,
    Reset,
}

/// Sends the non-streaming answer, shaped by a stream fault as [`crate::Fault`] documents.
pub(crate) async fn complete(
    stream: &mut TcpStream,
    job: Job,
    request_id: &str,
    close: bool,
) -> std::io::Result<After> {
    let body = json!({
        "id": job.meta.id,
        "object": "chat.completion",
        "created": job.meta.created,
        "model": job.meta.model,
        "system_fingerprint": null,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": job.script.content.joined()},
            "finish_reason": "stop",
            "logprobs": null,
        }],
        "usage": job.script.usage(),
    });
    let response = Response::json(200, &body).with_header("x-request-id", request_id.to_owned());
    let error = || errors::data_inspection_failed(request_id);
    send_complete(stream, response, job.fault, error, close).await
}

/// Sends a non-streaming 200 `response` shaped by a stream fault: `ResetMidStream` sends
/// the head and half the body then resets, `Stall` waits first, `MalformedFrame` replaces
/// the body by `{not json`, `ErrorFrame` answers `error()` instead.
pub(crate) async fn send_complete(
    stream: &mut TcpStream,
    mut response: Response,
    fault: Option<Deferred>,
    error: impl FnOnce() -> Response,
    close: bool,
) -> std::io::Result<After> {
    use tokio::io::AsyncWriteExt;

    match fault {
        Some(Deferred::ResetMidStream { .. }) => {
            let mut bytes = response.head(close);
            bytes.extend_from_slice(&response.body[..response.body.len() / 2]);
            stream.write_all(&bytes).await?;
            stream.flush().await?;
            return Ok(After::Reset);
        }
        Some(Deferred::Stall { for_ms, .. }) => {
            tokio::time::sleep(Duration::from_millis(for_ms)).await;
        }
        Some(Deferred::MalformedFrame { .. }) => {
            response.body = b"{not json".to_vec();
        }
        Some(Deferred::ErrorFrame { .. }) => response = error(),
        Some(Deferred::MissingDone) | None => {}
    }
    response.write(stream, close).await?;
    Ok(After::KeepAlive)
}
