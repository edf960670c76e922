//! Bounded reading of response bodies: every byte provcat reads from a server goes through
//! a cap, so what it holds in memory has a known bound whatever the server sends.
//!
//! | what is read | limit | where |
//! |---|---|---|
//! | a non-streaming chat answer | [`MAX_JSON_BODY`] (16 MiB) | [`super::stream::read_json`] |
//! | a video task answer (create, poll, cancel) | [`MAX_TASK_BODY`] (1 MiB) | [`super::video`] |
//! | an error body | [`MAX_ERROR_BODY`] (64 KiB, cut, not refused) | `client::send` |
//! | one SSE event or line | [`super::sse::MAX_LINE`] (16 MiB) | [`super::sse`] |
//! | the answer text `chat --json` keeps | [`MAX_ANSWER_TEXT`] (32 MiB) | [`super::stream`] |
//! | a downloaded video | `--max-download-mb` | streamed to a file, never held |
//!
//! Each limit is far above what a real answer holds (a chat answer of 65,536 tokens is
//! about 256 KiB; a task answer under 2 KiB), and each is low enough that the parsed form
//! stays small too: chat answers are parsed into borrowed, typed fields (the usage object
//! only when under [`MAX_USAGE`], at most [`MAX_CHOICES`] choices), and a task answer's
//! JSON tree (up to ~48 bytes of memory per byte of JSON) stays within a few tens of MiB.
//! Altogether a single request keeps under ~150 MiB at the very worst. Bodies are never
//! decompressed (reqwest is built without gzip), so the caps are on the bytes received.
//!
//! Going over a limit is [`ClientError::TooLarge`] (the server's fault: exit 1), naming
//! what was too large and the limit. The limits in force are fields of
//! [`super::ClientOptions`] ([`Limits`]), defaulting to these constants.

use std::time::Duration;

use super::error::{ClientError, Oversized};

/// The largest non-streaming chat answer read.
pub const MAX_JSON_BODY: usize = 16 * 1024 * 1024;
/// The largest video task answer read (create, poll, cancel).
pub const MAX_TASK_BODY: usize = 1024 * 1024;
/// The largest error body read: a longer one is cut (its start still says what failed).
pub const MAX_ERROR_BODY: usize = 64 * 1024;
/// The most answer text (content and reasoning together) kept for `chat --json`.
pub const MAX_ANSWER_TEXT: usize = 32 * 1024 * 1024;
/// The largest `usage` object parsed; a larger one is skipped with a warning.
pub const MAX_USAGE: usize = 64 * 1024;
/// The most choices of one chat chunk looked at (provcat asks for one); more are skipped.
pub const MAX_CHOICES: usize = 16;

/// The limits in force (see the module docs); `Default` is the constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest non-streaming chat answer read ([`MAX_JSON_BODY`]).
    pub json_body: usize,
    /// The largest video task answer read ([`MAX_TASK_BODY`]).
    pub task_body: usize,
    /// The most answer text kept when the text is kept ([`MAX_ANSWER_TEXT`]).
    pub answer_text: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            json_body: MAX_JSON_BODY,
            task_body: MAX_TASK_BODY,
            answer_text: MAX_ANSWER_TEXT,
        }
    }
}

/// `16 MiB` for a whole number of MiB (or KiB), else `N bytes`.
pub fn size_text(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads the whole body of `response`, refusing it as soon as it is known to exceed
/// `limit` bytes (by `Content-Length`, or while reading). Each read may stay silent for
/// `idle` at most. `what` names the body in the error.
pub async fn read_limited(
    response: &mut reqwest::Response,
    limit: usize,
    idle: Duration,
    what: Oversized,
) -> Result<Vec<u8>, ClientError> {
    let too_large = || ClientError::TooLarge { what, limit };
    let announced = response.content_length();
    if announced.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    // Trust the announced length only for the first allocation, and only up to the limit.
    let mut bytes = Vec::with_capacity(announced.map_or(0, |len| len as usize).min(limit));
    loop {
        let chunk = tokio::time::timeout(idle, response.chunk())
            .await
            .map_err(|_| ClientError::IdleTimeout(idle))?
            .map_err(|e| ClientError::Network(format!("{what} broke off: {e}")))?;
        let Some(chunk) = chunk else {
            return Ok(bytes);
        };
        if bytes.len() + chunk.len() > limit {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
}

/// Reads at most `limit` bytes of `response`'s body and drops the rest (for error bodies,
/// whose start says what failed); what cannot be read ends the text early.
pub async fn read_start(response: &mut reqwest::Response, limit: usize, idle: Duration) -> Vec<u8> {
    let mut bytes = Vec::new();
    while bytes.len() < limit {
        match tokio::time::timeout(idle, response.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                let room = limit - bytes.len();
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            _ => break,
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(MAX_JSON_BODY), "16 MiB");
        assert_eq!(size_text(MAX_ERROR_BODY), "64 KiB");
        assert_eq!(size_text(1000), "1000 bytes");
        assert_eq!(size_text(MAX_TASK_BODY + 1), "1048577 bytes");
    }
}
