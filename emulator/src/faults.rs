//! What a queued [`Fault`] does: answer at once (HTTP errors), reset at once, or wait for
//! the answer (stream faults, applied by [`crate::stream`] and [`crate::chat`]).

use serde_json::json;

use crate::Fault;
use crate::errors;
use crate::http::Response;

/// A fault that shapes the answer rather than replacing it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Deferred {
    ResetMidStream { after_chunks: usize },
    Stall { after_chunks: usize, for_ms: u64 },
    MalformedFrame { after_chunks: usize },
    ErrorFrame { after_chunks: usize },
    MissingDone,
}

impl Deferred {
    /// After how many answer pieces the fault strikes (`None`: at the end of the pieces).
    pub fn after_chunks(self) -> Option<usize> {
        match self {
            Deferred::ResetMidStream { after_chunks }
            | Deferred::Stall { after_chunks, .. }
            | Deferred::MalformedFrame { after_chunks }
            | Deferred::ErrorFrame { after_chunks } => Some(after_chunks),
            Deferred::MissingDone => None,
        }
    }
}

/// What a fault does to the request that popped it.
pub(crate) enum Action {
    /// Answer this instead of the chat answer.
    Answer(Response),
    /// Close the connection with a reset, answering nothing.
    Reset,
    /// Answer normally, shaped by the fault.
    Defer(Deferred),
}

/// Classifies a fault for a request with this id.
pub(crate) fn action(fault: Fault, request_id: &str) -> Action {
    match fault {
        Fault::ResetBeforeHeaders => Action::Reset,
        Fault::ResetMidStream { after_chunks } => {
            Action::Defer(Deferred::ResetMidStream { after_chunks })
        }
        Fault::Stall {
            after_chunks,
            for_ms,
        } => Action::Defer(Deferred::Stall {
            after_chunks,
            for_ms,
        }),
        Fault::MalformedFrame { after_chunks } => {
            Action::Defer(Deferred::MalformedFrame { after_chunks })
        }
        Fault::ErrorFrame { after_chunks } => Action::Defer(Deferred::ErrorFrame { after_chunks }),
        Fault::MissingDone => Action::Defer(Deferred::MissingDone),
        Fault::RateLimit { retry_after_secs } => {
            let response = errors::envelope(
                429,
                "limit_requests",
                "limit_requests",
                "Requests rate limit exceeded, please try again later.",
                request_id,
            );
            Action::Answer(match retry_after_secs {
                Some(secs) => response.with_header("Retry-After", secs.to_string()),
                None => response,
            })
        }
        Fault::ServerError => Action::Answer(errors::flat(
            500,
            "InternalError",
            "An internal error has occured, please try again later.",
            request_id,
        )),
        Fault::Quota => Action::Answer(errors::envelope(
            429,
            "insufficient_quota",
            "insufficient_quota",
            "You exceeded your current quota, please check your plan and billing details.",
            request_id,
        )),
        Fault::Arrearage => Action::Answer(errors::flat(
            400,
            "Arrearage",
            "Access denied, please make sure your account is in good standing.",
            request_id,
        )),
        Fault::CodingAgentsOnly => {
            let body =
                json!({"error": "Coding Plan is currently only available for Coding Agents"});
            Action::Answer(Response::json(405, &body))
        }
        Fault::Status { status, body } => Action::Answer(Response::raw(status, body)),
    }
}

/// The frame an [`Deferred::ErrorFrame`] fault sends.
pub(crate) fn error_frame() -> Vec<u8> {
    let error = json!({"error": {
        "message": errors::INAPPROPRIATE,
        "type": "data_inspection_failed",
        "code": "data_inspection_failed",
    }});
    format!("data: {error}\n\n").into_bytes()
}

/// The frame a [`Deferred::MalformedFrame`] fault sends.
pub(crate) const MALFORMED_FRAME: &[u8] = b"data: {not json\n\n";
