//! The Wan video task API (native, Standard keys only): create, poll, cancel, and the file.
//!
//! Checks, in order:
//! - create (`POST {root}/api/v1/services/aigc/video-generation/video-synthesis`): auth,
//!   queued [`crate::Fault`], `X-DashScope-Async: enable`, the body ([`crate::media`]);
//! - poll (`GET {root}/api/v1/tasks/{id}`) and cancel (`POST {root}/api/v1/tasks/{id}/cancel`): auth,
//!   the 20 requests/s window (polls and cancels together; throttled ones do not count),
//!   queued fault, then the task ([`crate::tasks`]);
//! - file (`GET {root}/files/{id}.mp4`): no auth and no faults (a signed storage URL on the real
//!   service); 404 unless the task `SUCCEEDED`; the script's `file_redirect` when set.
//!
//! Faults act as on a non-streaming chat request: HTTP-error faults answer instead,
//! `ResetBeforeHeaders` resets; the others shape a 200 answer (an error answer goes out
//! as it is, the fault used up): `ResetMidStream` sends the head and half the body then resets
//! (a create still creates its task, a poll still advances it); `Stall` waits `for_ms`;
//! `MalformedFrame` answers 200 `{not json`; `ErrorFrame` answers 400 flat
//! `DataInspectionFailed`; `MissingDone` has no effect; `Redirect`, `HugeBody` and
//! `NoAnswer` answer instead, as on chat.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::chat::bearer;
use crate::errors;
use crate::faults::{self, Action, Deferred};
use crate::hostile::Hostile;
use crate::http::{Request, Response};
use crate::models::Plan;
use crate::tasks::{Cancel, File};
use crate::{Shared, media};

/// What to do with a native API request.
pub(crate) enum Native {
    /// Answer with this.
    Respond(Response),
    /// Close the connection with a reset.
    Reset,
    /// Send the head and half the body, then reset.
    Cut(Response),
    /// Wait, then answer.
    Late(Duration, Response),
    /// Send this video file.
    Download(File),
    /// Answer a huge body or nothing (a hostile-server fault).
    Hostile(Hostile),
}

/// `POST …/video-synthesis`.
pub(crate) fn create(shared: &Shared, request: &Request, body: &Value, request_id: &str) -> Native {
    if let Some(denied) = check_key(shared, request, request_id) {
        return Native::Respond(denied);
    }
    let fault = match take_fault(shared, request_id) {
        Ok(fault) => fault,
        Err(native) => return native,
    };
    let asynchronous = request
        .header("x-dashscope-async")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("enable"));
    let response = if !asynchronous {
        let message = "current user api does not support synchronous calls";
        errors::native_invalid_parameter(message, request_id)
    } else {
        match media::check(body) {
            Err(message) => errors::native_invalid_parameter(&message, request_id),
            Ok(checked) => {
                let task_id = shared.lock().video.create(body.clone(), checked);
                let answer = json!({
                    "output": {"task_id": task_id, "task_status": "PENDING"},
                    "request_id": request_id,
                });
                ok(&answer, request_id)
            }
        }
    };
    shape(fault, response, request_id)
}

/// `GET /api/v1/tasks/{id}`.
pub(crate) fn poll(shared: &Shared, request: &Request, task_id: &str, request_id: &str) -> Native {
    let fault = match admit(shared, request, request_id) {
        Ok(fault) => fault,
        Err(native) => return native,
    };
    let answer = shared.lock().video.poll(task_id, request_id);
    shape(fault, ok(&answer, request_id), request_id)
}

/// `POST /api/v1/tasks/{id}/cancel`.
pub(crate) fn cancel(
    shared: &Shared,
    request: &Request,
    task_id: &str,
    request_id: &str,
) -> Native {
    let fault = match admit(shared, request, request_id) {
        Ok(fault) => fault,
        Err(native) => return native,
    };
    let response = match shared.lock().video.cancel(task_id) {
        Cancel::Done => ok(&json!({"request_id": request_id}), request_id),
        Cancel::NotPending => errors::cannot_cancel(request_id),
        Cancel::Unknown => errors::task_not_found(task_id, request_id),
    };
    shape(fault, response, request_id)
}

/// `GET /files/{id}.mp4`.
pub(crate) fn file(shared: &Shared, task_id: &str, request_id: &str) -> Native {
    match shared.lock().video.file(task_id) {
        Some(File {
            redirect: Some((status, location)),
            ..
        }) => Native::Respond(
            Response::raw(status, "{}".to_owned()).with_header("Location", location),
        ),
        Some(file) => Native::Download(file),
        None => Native::Respond(errors::task_not_found(task_id, request_id)),
    }
}

/// Auth, rate window and fault of a task request.
fn admit(shared: &Shared, request: &Request, request_id: &str) -> Result<Option<Deferred>, Native> {
    if let Some(denied) = check_key(shared, request, request_id) {
        return Err(Native::Respond(denied));
    }
    if !shared.lock().video.admit(Instant::now()) {
        return Err(Native::Respond(errors::task_throttled(request_id)));
    }
    take_fault(shared, request_id)
}

/// Auth: `Some(error)` unless the key is a Standard one (by the profile's prefixes, longest
/// first); as on chat, any key containing `bad` is refused as wrong.
fn check_key(shared: &Shared, request: &Request, request_id: &str) -> Option<Response> {
    let key = bearer(request.header("authorization"));
    let plan = shared.config.public.profile.plan_of(key);
    match plan {
        _ if key.is_empty() || key.contains("bad") => Some(errors::native_invalid_key(request_id)),
        None => Some(errors::native_invalid_key(request_id)),
        Some(Plan::Coding) => Some(errors::coding_key_on_standard(request_id)),
        Some(Plan::Standard) => None,
    }
}

/// Pops the next fault: `Err` when it answers instead, `Ok(Some)` when it shapes the answer.
fn take_fault(shared: &Shared, request_id: &str) -> Result<Option<Deferred>, Native> {
    let fault = shared.pop_fault();
    match fault.map(|f| faults::action(f, request_id)) {
        None => Ok(None),
        Some(Action::Answer(response)) => Err(Native::Respond(response)),
        Some(Action::Reset) => Err(Native::Reset),
        Some(Action::Hostile(hostile)) => Err(Native::Hostile(hostile)),
        Some(Action::Defer(deferred)) => Ok(Some(deferred)),
    }
}

/// Applies a deferred fault to a 200 answer (see the module docs); error answers go out as
/// they are, the fault used up.
fn shape(fault: Option<Deferred>, mut response: Response, request_id: &str) -> Native {
    if response.status != 200 {
        return Native::Respond(response);
    }
    match fault {
        None | Some(Deferred::MissingDone) => Native::Respond(response),
        Some(Deferred::ResetMidStream { .. }) => Native::Cut(response),
        Some(Deferred::Stall { for_ms, .. }) => {
            Native::Late(Duration::from_millis(for_ms), response)
        }
        Some(Deferred::MalformedFrame { .. }) => {
            response.body = b"{not json".to_vec();
            Native::Respond(response)
        }
        Some(Deferred::ErrorFrame { .. }) => {
            Native::Respond(errors::native_data_inspection_failed(request_id))
        }
    }
}

/// A 200 JSON answer.
fn ok(body: &Value, request_id: &str) -> Response {
    Response::json(200, body).with_header("x-request-id", request_id.to_owned())
}
