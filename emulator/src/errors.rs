//! The three error body shapes DashScope sends, and the errors the emulator answers with.
//!
//! - envelope (OpenAI-compatible): `{"error": {"message", "type", "param", "code"}, "request_id"}`;
//! - flat (native API): `{"code", "message", "request_id"}`;
//! - plain string: `{"error": "…"}`.
//!
//! Which situation gets which shape (the real endpoints mix them too):
//!
//! | situation | status | shape, code |
//! |---|---|---|
//! | missing, empty or bad key | 401 | envelope `invalid_api_key` |
//! | standard key on the Coding Plan host | 401 | envelope `invalid_api_key`, "invalid access token or token expired" |
//! | Coding Plan key on a standard host | 403 | flat `InvalidApiKey`, "invalid api-key" |
//! | body, role, image, thinking problems; model not in the plan | 400 | envelope `invalid_parameter_error` |
//! | unknown model | 404 | envelope `model_not_found` |
//! | unknown path or method | 404 | flat `NotFound` |
//! | faults | see [`crate::Fault`] | |
//!
//! On the native video API (`/api/v1/…`; see [`crate::video`]):
//!
//! | situation | status | shape, code |
//! |---|---|---|
//! | missing, empty or bad key | 401 | flat `InvalidApiKey`, "Invalid API-key provided." |
//! | Coding Plan key | 403 | flat `InvalidApiKey`, "invalid api-key" |
//! | no `X-DashScope-Async: enable`, body and media problems, unknown model | 400 | flat `InvalidParameter` |
//! | more than 20 polls and cancels in a second | 429 | envelope `Throttling.RateQuota` |
//! | cancel of a task that is not `PENDING` | 400 | flat `UnsupportedOperation` |
//! | cancel of an unknown task, file of an unknown or unfinished task | 404 | flat `NotFound` |

use serde_json::json;

use crate::http::Response;

/// An envelope error.
pub(crate) fn envelope(
    status: u16,
    kind: &str,
    code: &str,
    message: &str,
    request_id: &str,
) -> Response {
    let body = json!({
        "error": {"message": message, "type": kind, "param": null, "code": code},
        "request_id": request_id,
    });
    Response::json(status, &body).with_header("x-request-id", request_id.to_owned())
}

/// A flat (native API) error.
pub(crate) fn flat(status: u16, code: &str, message: &str, request_id: &str) -> Response {
    let body = json!({"code": code, "message": message, "request_id": request_id});
    Response::json(status, &body).with_header("x-request-id", request_id.to_owned())
}

/// A 400 `invalid_parameter_error` envelope.
pub(crate) fn invalid_parameter(message: &str, request_id: &str) -> Response {
    envelope(
        400,
        "invalid_request_error",
        "invalid_parameter_error",
        message,
        request_id,
    )
}

/// 401: missing, empty or bad key.
pub(crate) fn incorrect_key(request_id: &str) -> Response {
    envelope(
        401,
        "invalid_request_error",
        "invalid_api_key",
        "Incorrect API key provided.",
        request_id,
    )
}

/// 401: a standard key on the Coding Plan host.
pub(crate) fn token_expired(request_id: &str) -> Response {
    envelope(
        401,
        "invalid_request_error",
        "invalid_api_key",
        "invalid access token or token expired",
        request_id,
    )
}

/// 403: a Coding Plan key on a standard host.
pub(crate) fn coding_key_on_standard(request_id: &str) -> Response {
    flat(403, "InvalidApiKey", "invalid api-key", request_id)
}

/// 404: an unknown model.
pub(crate) fn model_not_found(model: &str, request_id: &str) -> Response {
    let message = format!("The model `{model}` does not exist or you do not have access to it.");
    envelope(
        404,
        "invalid_request_error",
        "model_not_found",
        &message,
        request_id,
    )
}

/// 404: nothing is served at this method and path.
pub(crate) fn not_found(method: &str, target: &str, request_id: &str) -> Response {
    let message = format!("No route for {method} {target}.");
    flat(404, "NotFound", &message, request_id)
}

/// 400: output moderation, as a non-streaming call gets it.
pub(crate) fn data_inspection_failed(request_id: &str) -> Response {
    envelope(
        400,
        "data_inspection_failed",
        "data_inspection_failed",
        INAPPROPRIATE,
        request_id,
    )
}

/// The message of output moderation errors.
pub(crate) const INAPPROPRIATE: &str = "Output data may contain inappropriate content.";

/// 401 on the native API: missing, empty or bad key.
pub(crate) fn native_invalid_key(request_id: &str) -> Response {
    flat(
        401,
        "InvalidApiKey",
        "Invalid API-key provided.",
        request_id,
    )
}

/// 400 flat `InvalidParameter` (native API).
pub(crate) fn native_invalid_parameter(message: &str, request_id: &str) -> Response {
    flat(400, "InvalidParameter", message, request_id)
}

/// 429: more task requests than the native API serves per second.
pub(crate) fn task_throttled(request_id: &str) -> Response {
    envelope(
        429,
        "Throttling.RateQuota",
        "Throttling.RateQuota",
        "Requests rate limit exceeded, please try again later.",
        request_id,
    )
}

/// 400: a cancel of a task that is no longer `PENDING`.
pub(crate) fn cannot_cancel(request_id: &str) -> Response {
    flat(
        400,
        "UnsupportedOperation",
        "Failed to cancel the task, please confirm if the task is in PENDING status.",
        request_id,
    )
}

/// 404: no such task (cancel) or no such file.
pub(crate) fn task_not_found(task_id: &str, request_id: &str) -> Response {
    let message = format!("The task `{task_id}` does not exist.");
    flat(404, "NotFound", &message, request_id)
}

/// 400: input moderation on the native API.
pub(crate) fn native_data_inspection_failed(request_id: &str) -> Response {
    flat(
        400,
        "DataInspectionFailed",
        "Input data may contain inappropriate content.",
        request_id,
    )
}
