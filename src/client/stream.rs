//! Reading an answer, whatever its dialect: an SSE stream (parsed by [`super::sse`],
//! decoded by the dialect's [`StreamDecoder`]) or one JSON body (read by
//! [`dialect::read_answer`]), into a [`ChatOutcome`] that always holds what arrived so
//! far, so a failure mid-stream keeps the partial answer.
//!
//! Memory is bounded whatever the server sends (see [`super::body`]): a JSON answer is
//! read through [`read_limited`], one event is at most [`super::sse::MAX_LINE`], and the
//! outcome bounds what it keeps ([`super::events`]).

use std::time::Duration;

use super::body::read_limited;
use super::error::{ClientError, Oversized};
use super::events::{ChatOutcome, Sink};
use super::sse::{MAX_LINE, SseError, SseParser};
use crate::dialect::{self, Errors, Step, StreamDecoder};

/// Reads an SSE response to its end into `outcome`.
///
/// The idle timeout is one timer for the whole stream, re-armed only when it fires while
/// data is still flowing: arming a timer per read cost more than parsing the chunk.
pub async fn read_sse(
    mut response: reqwest::Response,
    idle: Duration,
    decoder: &mut StreamDecoder,
    outcome: &mut ChatOutcome,
    sink: &mut (dyn Sink + Send),
) -> Result<(), ClientError> {
    let mut parser = SseParser::default();
    let mut last_read = tokio::time::Instant::now();
    let timer = tokio::time::sleep(idle);
    tokio::pin!(timer);
    loop {
        while let Some(event) = parser.next_event() {
            let event = event.map_err(|e| match e {
                SseError::LineTooLong | SseError::EventTooLong => ClientError::TooLarge {
                    what: Oversized::StreamEvent,
                    limit: MAX_LINE,
                },
                SseError::NotUtf8 => ClientError::Protocol(e.to_string()),
            })?;
            if decoder.event(event, outcome, sink)? == Step::Done {
                return Ok(());
            }
        }
        if let Some(flush) = sink.flush() {
            flush.await?;
        }
        let read = tokio::select! {
            biased;
            read = response.chunk() => read,
            () = &mut timer => {
                let deadline = last_read + idle;
                if tokio::time::Instant::now() >= deadline {
                    return Err(ClientError::IdleTimeout(idle));
                }
                timer.as_mut().reset(deadline);
                continue;
            }
        };
        last_read = tokio::time::Instant::now();
        match read.map_err(|e| ClientError::Network(format!("the stream broke: {e}")))? {
            Some(bytes) => parser.push(&bytes),
            None => break,
        }
    }
    decoder.end(outcome)
}

/// Reads a non-streaming JSON answer of at most `limit` bytes into `outcome`.
pub async fn read_json(
    mut response: reqwest::Response,
    idle: Duration,
    limit: usize,
    errors: Errors,
    outcome: &mut ChatOutcome,
    sink: &mut (dyn Sink + Send),
) -> Result<(), ClientError> {
    let bytes = read_limited(&mut response, limit, idle, Oversized::ChatAnswer).await?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| ClientError::Protocol(format!("the answer is not UTF-8: {e}")))?;
    dialect::read_answer(errors, text, outcome, sink)
}
