//! The faults a test can queue ([`Fault`]) and what each does on each surface: answer at
//! once (HTTP errors, in the surface's own error shape; redirects), reset at once, send a
//! huge body or nothing at all (hostile servers, [`crate::hostile`]), or shape the answer
//! (stream faults, applied by the stream writers and the non-streaming senders).

use serde_json::json;

use crate::hostile::Hostile;
use crate::http::Response;
use crate::{anthropic, errors, openai};

/// A fault the next request to a chat, messages or video-task endpoint suffers (see
/// [`crate::Emulator::push_fault`]).
///
/// `after_chunks` counts answer pieces (reasoning and content chunks; on the Anthropic
/// surface `thinking_delta` and `text_delta` events), not the role, stop, usage, block,
/// signature or ping frames; a count past the last piece applies right after the last piece.
///
/// A stream fault popped by a request that then fails validation is used up. On a
/// non-streaming request the stream faults act as follows: `ResetMidStream` sends the
/// headers and half of the body, then resets; `Stall` waits `for_ms` before answering;
/// `MalformedFrame` answers 200 with the body `{not json`; `ErrorFrame` answers the
/// surface's error (see the table); `MissingDone` has no effect.
///
/// Every fault applies to the DashScope chat requests (Standard and Coding), the Anthropic
/// messages requests, the OpenAI chat requests and the video task requests (create, poll,
/// cancel; see the `video` module for how the stream faults shape those). Video files take
/// no fault: [`crate::VideoScript::file_redirect`] makes them answer a redirect.
///
/// | fault | DashScope chat | Anthropic | OpenAI |
/// |---|---|---|---|
/// | `RateLimit` | 429 envelope `limit_requests` | 429 `rate_limit_error` | 429 `rate_limit_exceeded` |
/// | `ServerError` | 500 flat `InternalError` | 500 `api_error` | 500 `server_error` |
/// | `Overloaded` | 503 flat `ServiceUnavailable` | 529 `overloaded_error` "Overloaded" | 503 `server_error` |
/// | retry headers (`RateLimit`, `Overloaded` with `Some(secs)`) | `Retry-After: secs` | `retry-after: secs` | `retry-after: secs`, `retry-after-ms: secs × 1000` |
/// | `Quota` | 429 envelope `insufficient_quota` | 400 `invalid_request_error`, usage limits reached | 429 `insufficient_quota` |
/// | `Arrearage` | 400 flat `Arrearage` | 400 `invalid_request_error`, credit balance too low | 402 OpenRouter-style `{"error": {"code": 402, "message"}}` |
/// | `CodingAgentsOnly` | 405 `{"error": "…"}` | 403 `permission_error` | 403 `request_forbidden` |
/// | `ErrorFrame`, streaming | `data_inspection_failed` frame | `event: error` `overloaded_error` | chunk with `error` and `finish_reason: "error"` |
/// | `ErrorFrame`, not streaming | 400 `data_inspection_failed` | 529 `overloaded_error` | 502 `server_error` |
/// | `ResetBeforeHeaders` | reset (RST), no answer | the same | the same |
/// | `Status` | `status` with `body` verbatim | the same | the same |
/// | `Redirect` | `status` with `Location: location`, body `{}` | the same | the same |
/// | `HugeBody` | 200, a `{"pad":"xx…x"}` body of exactly `bytes` bytes | the same | the same |
/// | `NoAnswer` | nothing; the connection stays open until the emulator stops | the same | the same |
///
/// The last five act alike on every surface, video tasks included, streaming or not, and
/// carry no request id header.
///
/// `Overloaded`, `Quota`, `Arrearage` and `CodingAgentsOnly` on the Anthropic and OpenAI
/// surfaces, and `Overloaded` on DashScope, are the emulator's nearest equivalents (not all
/// are in the wire references); the native video API answers as DashScope chat does.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Read the request, then close without answering (RST: `SO_LINGER` 0).
    ResetBeforeHeaders,
    /// 200 and some frames, then reset the connection (no terminating chunk).
    ResetMidStream { after_chunks: usize },
    /// 200 and some frames, then nothing for `for_ms`, then the rest as usual.
    Stall { after_chunks: usize, for_ms: u64 },
    /// A frame whose data is `{not json` after some frames, then the rest as usual.
    MalformedFrame { after_chunks: usize },
    /// After some frames the surface's error frame, then the end of the body (DashScope and
    /// OpenAI: no stop chunk, no usage, no `[DONE]`; Anthropic: no block stop,
    /// `message_delta` or `message_stop`).
    ErrorFrame { after_chunks: usize },
    /// Every answer piece, then the end of the body: DashScope and OpenAI without the stop
    /// chunk, the usage chunk and `[DONE]`; Anthropic with `content_block_stop` and
    /// `message_delta` but without `message_stop`.
    MissingDone,
    /// 429, with the retry headers when `Some` (see the table).
    RateLimit { retry_after_secs: Option<u64> },
    /// 500.
    ServerError,
    /// The surface's overload error (Anthropic: 529 `overloaded_error`), with the retry
    /// headers when `Some`.
    Overloaded { retry_after_secs: Option<u64> },
    /// Out of quota.
    Quota,
    /// Out of credit.
    Arrearage,
    /// The key may not be used here (DashScope: 405 Coding Plan only for Coding Agents).
    CodingAgentsOnly,
    /// Any status with this body, verbatim (`Content-Type: application/json`).
    Status { status: u16, body: String },
    /// A redirect: `status` (301, 302, 303, 307 or 308) with `Location: location` and the
    /// body `{}`.
    Redirect { status: u16, location: String },
    /// 200 `application/json` with a body of exactly `bytes` bytes, `{"pad":"xx…x"}` (valid
    /// JSON from 10 bytes up; shorter, a prefix of it), generated as it is written, never
    /// built whole. With `chunked` it goes without `Content-Length`, so a client only
    /// learns its size by reading it.
    HugeBody { bytes: u64, chunked: bool },
    /// Read the request, then answer nothing, keeping the connection open until the
    /// emulator stops.
    NoAnswer,
}

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
    /// Answer a huge body or nothing ([`crate::hostile`]).
    Hostile(Hostile),
}

/// A fault each surface answers in its own words.
enum Http {
    RateLimit(Option<u64>),
    ServerError,
    Overloaded(Option<u64>),
    Quota,
    Arrearage,
    CodingAgentsOnly,
}

/// The faults every surface handles alike: `Ok` with the action, or the HTTP fault.
fn common(fault: Fault) -> Result<Action, Http> {
    Ok(match fault {
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
        Fault::Status { status, body } => Action::Answer(Response::raw(status, body)),
        Fault::Redirect { status, location } => {
            Action::Answer(Response::raw(status, "{}".to_owned()).with_header("Location", location))
        }
        Fault::HugeBody { bytes, chunked } => Action::Hostile(Hostile::Huge { bytes, chunked }),
        Fault::NoAnswer => Action::Hostile(Hostile::Silent),
        Fault::RateLimit { retry_after_secs } => return Err(Http::RateLimit(retry_after_secs)),
        Fault::ServerError => return Err(Http::ServerError),
        Fault::Overloaded { retry_after_secs } => return Err(Http::Overloaded(retry_after_secs)),
        Fault::Quota => return Err(Http::Quota),
        Fault::Arrearage => return Err(Http::Arrearage),
        Fault::CodingAgentsOnly => return Err(Http::CodingAgentsOnly),
    })
}

/// Adds the retry headers `names` (seconds, then milliseconds if a second name is given).
fn retry(response: Response, secs: Option<u64>, names: &[&'static str]) -> Response {
    let Some(secs) = secs else {
        return response;
    };
    let values = [secs.to_string(), secs.saturating_mul(1000).to_string()];
    names
        .iter()
        .zip(values)
        .fold(response, |response, (name, value)| {
            response.with_header(name, value)
        })
}

/// Classifies a fault for a DashScope request (chat or native) with this id.
pub(crate) fn action(fault: Fault, request_id: &str) -> Action {
    let fault = match common(fault) {
        Ok(action) => return action,
        Err(http) => http,
    };
    const RETRY: &[&str] = &["Retry-After"];
    Action::Answer(match fault {
        Http::RateLimit(secs) => {
            let response = errors::envelope(
                429,
                "limit_requests",
                "limit_requests",
                "Requests rate limit exceeded, please try again later.",
                request_id,
            );
            retry(response, secs, RETRY)
        }
        Http::Overloaded(secs) => {
            let response = errors::flat(
                503,
                "ServiceUnavailable",
                "The service is temporarily unavailable, please try again later.",
                request_id,
            );
            retry(response, secs, RETRY)
        }
        Http::Quota => errors::envelope(
            429,
            "insufficient_quota",
            "insufficient_quota",
            "You exceeded your current quota, please check your plan and billing details.",
            request_id,
        ),
        Http::Arrearage => errors::flat(
            400,
            "Arrearage",
            "Access denied, please make sure your account is in good standing.",
            request_id,
        ),
        Http::CodingAgentsOnly => {
            let body =
                json!({"error": "Coding Plan is currently only available for Coding Agents"});
            Response::json(405, &body)
        }
        Http::ServerError => errors::flat(
            500,
            "InternalError",
            "An internal error has occured, please try again later.",
            request_id,
        ),
    })
}

/// Classifies a fault for an Anthropic Messages request with this id.
pub(crate) fn anthropic_action(fault: Fault, request_id: &str) -> Action {
    let fault = match common(fault) {
        Ok(action) => return action,
        Err(http) => http,
    };
    const RETRY: &[&str] = &["retry-after"];
    let error = |status, kind, message| anthropic::error(status, kind, message, request_id);
    Action::Answer(match fault {
        Http::RateLimit(secs) => {
            let message = "Number of requests has exceeded your per-minute rate limit. \
                           Please try again later.";
            retry(error(429, "rate_limit_error", message), secs, RETRY)
        }
        Http::Overloaded(secs) => retry(anthropic::overloaded(request_id), secs, RETRY),
        Http::Quota => error(
            400,
            "invalid_request_error",
            "You have reached your specified API usage limits. You will regain access on \
             2026-02-01 at 00:00 UTC.",
        ),
        Http::Arrearage => error(
            400,
            "invalid_request_error",
            "Your credit balance is too low to access the Anthropic API. Please go to Plans & \
             Billing to upgrade or purchase credits.",
        ),
        Http::CodingAgentsOnly => error(
            403,
            "permission_error",
            "Your API key does not have permission to use the specified resource.",
        ),
        Http::ServerError => error(500, "api_error", "Internal server error"),
    })
}

/// Classifies a fault for an OpenAI chat request with this id.
pub(crate) fn openai_action(fault: Fault, request_id: &str) -> Action {
    let fault = match common(fault) {
        Ok(action) => return action,
        Err(http) => http,
    };
    const RETRY: &[&str] = &["retry-after", "retry-after-ms"];
    let error = openai::Error::new;
    Action::Answer(match fault {
        Http::RateLimit(secs) => {
            let message = "Rate limit reached for requests. Please try again later.";
            let response = error(429, "requests", message)
                .code("rate_limit_exceeded")
                .response(request_id);
            retry(response, secs, RETRY)
        }
        Http::Overloaded(secs) => {
            let message = "The server is overloaded or not ready yet.";
            retry(
                error(503, "server_error", message).response(request_id),
                secs,
                RETRY,
            )
        }
        Http::Quota => error(
            429,
            "insufficient_quota",
            "You exceeded your current quota, please check your plan and billing details.",
        )
        .code("insufficient_quota")
        .response(request_id),
        Http::Arrearage => {
            let body = json!({"error": {
                "code": 402,
                "message": "Insufficient credits. Add more credits to your account and try again.",
            }});
            Response::json(402, &body).with_header("x-request-id", request_id.to_owned())
        }
        Http::CodingAgentsOnly => error(
            403,
            "request_forbidden",
            "Country, region, or territory not supported",
        )
        .code("unsupported_country_region_territory")
        .response(request_id),
        Http::ServerError => error(
            500,
            "server_error",
            "The server had an error while processing your request. Sorry about that!",
        )
        .response(request_id),
    })
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
