//! What a queued [`Fault`] does: answer at once (HTTP errors, redirects), reset at once,
//! send a huge body or nothing at all (hostile servers), or wait for the answer (stream
//! faults, applied by [`crate::stream`] and [`crate::chat`]).

use std::io;

use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::Fault;
use crate::errors;
use crate::http::{ChunkedBody, Response, status_line};

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
    /// Answer 200 with a JSON body of this many bytes ([`send_huge`]).
    Huge { bytes: u64, chunked: bool },
    /// Answer nothing, keeping the connection open.
    Silent,
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
        Fault::Redirect { status, location } => {
            Action::Answer(Response::raw(status, "{}".to_owned()).with_header("Location", location))
        }
        Fault::HugeBody { bytes, chunked } => Action::Huge { bytes, chunked },
        Fault::NoAnswer => Action::Silent,
    }
}

/// The pieces a huge body is written in.
const HUGE_PIECE: usize = 64 * 1024;

/// Writes a 200 `application/json` answer whose body is exactly `bytes` bytes of
/// `{"pad":"xx…x"}` (a prefix of it under 10 bytes), piece by piece, so that memory stays
/// small whatever the size; stops at the first write that fails (the client hung up).
pub(crate) async fn send_huge(
    stream: &mut TcpStream,
    bytes: u64,
    chunked: bool,
    close: bool,
) -> io::Result<()> {
    let mut head = status_line(200);
    head.push_str("Content-Type: application/json\r\n");
    if chunked {
        head.push_str("Transfer-Encoding: chunked\r\n");
    } else {
        head.push_str(&format!("Content-Length: {bytes}\r\n"));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let head = head.into_bytes();
    let mut at = 0;
    if chunked {
        let mut body = ChunkedBody::new(stream, head, true);
        while at < bytes {
            let len = (HUGE_PIECE as u64).min(bytes - at);
            body.chunk(&huge_piece(bytes, at, len)).await?;
            at += len;
        }
        body.finish().await
    } else {
        stream.write_all(&head).await?;
        while at < bytes {
            let len = (HUGE_PIECE as u64).min(bytes - at);
            stream.write_all(&huge_piece(bytes, at, len)).await?;
            at += len;
        }
        stream.flush().await
    }
}

/// The bytes `at..at + len` of a huge body of `total` bytes: `{"pad":"`, then `x`s, then
/// `"}` (when there is room for it).
fn huge_piece(total: u64, at: u64, len: u64) -> Vec<u8> {
    const OPEN: &[u8] = b"{\"pad\":\"";
    const CLOSE: &[u8] = b"\"}";
    let open = OPEN.len() as u64;
    let closing_at = total.saturating_sub(CLOSE.len() as u64).max(open);
    let end = at + len;
    let mut out = vec![b'x'; len as usize];
    for i in at..end.min(open) {
        out[(i - at) as usize] = OPEN[i as usize];
    }
    for i in closing_at.max(at)..end {
        out[(i - at) as usize] = CLOSE[(i - closing_at) as usize];
    }
    out
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
