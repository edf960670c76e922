//! Streamed answers: the writer every surface shares ([`send`]: pieces, frames around
//! them, stream faults at their point), and DashScope's `chat.completion.chunk` frames.
//!
//! Order: `: keep-alive` comment; a role chunk (`delta.role: "assistant"`, empty content,
//! or `content: null, reasoning_content: ""` when thinking); the reasoning pieces
//! (`content: null`); the content pieces (`reasoning_content: null` when thinking); a stop
//! chunk (`finish_reason: "stop"`, empty content); when `stream_options.include_usage`, a
//! usage chunk with `"choices": []`; `data: [DONE]`. Every chunk but the usage chunk has
//! `usage: null`. The first frame holding a multi-byte character is split inside that
//! character across two TCP writes (see [`crate::http::ChunkedBody`]).

use std::io;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::net::TcpStream;

use crate::answer::{Content, Script};
use crate::chat::{After, Job};
use crate::faults::{self, Deferred};
use crate::http::{ChunkedBody, status_line};

/// `created` of every answer: a fixed time (2026-01-01T00:00:00Z), for reproducible bodies.
pub(crate) const CREATED: u64 = 1_767_225_600;

/// What every chunk of one answer shares.
pub(crate) struct Meta {
    pub id: String,
    pub model: String,
    pub created: u64,
}

impl Meta {
    pub fn new(request_id: &str, model: &str) -> Meta {
        Meta {
            id: format!("chatcmpl-{request_id}"),
            model: model.to_owned(),
            created: CREATED,
        }
    }

    /// One `data:` frame of a `chat.completion.chunk`.
    fn frame(&self, delta: Value, finish_reason: Option<&str>) -> Vec<u8> {
        let choices = json!([{
            "index": 0,
            "delta": delta,
            "finish_reason": finish_reason,
            "logprobs": null,
        }]);
        self.chunk(choices, Value::Null)
    }

    /// The last frame: no choices, the usage.
    fn usage_frame(&self, usage: Value) -> Vec<u8> {
        self.chunk(json!([]), usage)
    }

    fn chunk(&self, choices: Value, usage: Value) -> Vec<u8> {
        let chunk = json!({
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": null,
            "choices": choices,
            "usage": usage,
        });
        format!("data: {chunk}\n\n").into_bytes()
    }
}

/// How one dialect renders a streamed answer around its pieces.
pub(crate) trait Frames {
    /// The frames before the first piece.
    fn opening(&self, out: &mut Vec<Vec<u8>>);
    /// The frame of one reasoning piece.
    fn reasoning(&self, piece: &str) -> Vec<u8>;
    /// The frame of one content piece.
    fn content(&self, piece: &str) -> Vec<u8>;
    /// Frames after the answer piece number `sent` (1-based): block changes, pings.
    fn after_piece(&self, _sent: usize, _out: &mut Vec<Vec<u8>>) {}
    /// The frames after the last piece; `complete` is false under `MissingDone`.
    fn closing(&self, complete: bool, out: &mut Vec<Vec<u8>>);
    /// The frame an `ErrorFrame` fault sends.
    fn error(&self) -> Vec<u8>;
    /// The frame a `MalformedFrame` fault sends.
    fn malformed(&self) -> &'static [u8];
}

/// DashScope's frames for one answer.
pub(crate) struct DashScope<'a> {
    pub meta: &'a Meta,
    pub thinking: bool,
    pub include_usage: bool,
    pub usage: Value,
}

impl DashScope<'_> {
    fn content_delta(&self, piece: &str) -> Value {
        if self.thinking {
            json!({"content": piece, "reasoning_content": null})
        } else {
            json!({"content": piece})
        }
    }
}

impl Frames for DashScope<'_> {
    fn opening(&self, out: &mut Vec<Vec<u8>>) {
        out.push(b": keep-alive\n\n".to_vec());
        let delta = if self.thinking {
            json!({"role": "assistant", "content": null, "reasoning_content": ""})
        } else {
            json!({"role": "assistant", "content": ""})
        };
        out.push(self.meta.frame(delta, None));
    }

    fn reasoning(&self, piece: &str) -> Vec<u8> {
        self.meta
            .frame(json!({"content": null, "reasoning_content": piece}), None)
    }

    fn content(&self, piece: &str) -> Vec<u8> {
        self.meta.frame(self.content_delta(piece), None)
    }

    fn closing(&self, complete: bool, out: &mut Vec<Vec<u8>>) {
        if !complete {
            return;
        }
        out.push(self.meta.frame(self.content_delta(""), Some("stop")));
        if self.include_usage {
            out.push(self.meta.usage_frame(self.usage.clone()));
        }
        out.push(b"data: [DONE]\n\n".to_vec());
    }

    fn error(&self) -> Vec<u8> {
        faults::error_frame()
    }

    fn malformed(&self) -> &'static [u8] {
        faults::MALFORMED_FRAME
    }
}

/// What happens after a fault struck.
enum Step {
    Continue,
    /// End the body cleanly, sending nothing more.
    Finish,
    Reset,
}

/// The head of a 200 event stream with the request id under `id_header`.
pub(crate) fn head(content_type: &str, id_header: &str, request_id: &str, close: bool) -> Vec<u8> {
    let mut head = status_line(200);
    head.push_str(&format!(
        "Content-Type: {content_type}\r\nCache-Control: no-cache\r\n"
    ));
    head.push_str("Transfer-Encoding: chunked\r\n");
    head.push_str(&format!("{id_header}: {request_id}\r\n"));
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// Sends DashScope's streamed answer.
pub(crate) async fn send_chat(
    stream: &mut TcpStream,
    job: Job,
    request_id: &str,
    close: bool,
) -> io::Result<After> {
    let frames = DashScope {
        meta: &job.meta,
        thinking: job.script.thinking,
        include_usage: job.include_usage,
        usage: job.script.usage(),
    };
    let head = head("text/event-stream", "x-request-id", request_id, close);
    send(stream, head, &frames, &job.script, job.fault).await
}

/// Sends a streamed answer: `head`, the opening frames, one frame per piece (reasoning
/// first) each followed by its `after_piece` frames, the closing frames; a fault strikes
/// before the piece numbered `after_chunks`.
pub(crate) async fn send<F: Frames + Sync>(
    stream: &mut TcpStream,
    head: Vec<u8>,
    frames: &F,
    script: &Script,
    fault: Option<Deferred>,
) -> io::Result<After> {
    let batched = matches!(script.content, Content::Repeat { .. });
    let mut body = ChunkedBody::new(stream, head, batched);
    let mut extra = Vec::new();
    frames.opening(&mut extra);
    for frame in extra.drain(..) {
        body.chunk(&frame).await?;
    }
    let Script {
        reasoning, content, ..
    } = script;
    let total = reasoning.len() + content.len();
    let strike_at = fault.map(|f| f.after_chunks().unwrap_or(total).min(total));
    let repeat_frame = match content {
        Content::Repeat { piece, .. } => frames.content(piece),
        Content::Pieces(_) => Vec::new(),
    };
    for i in 0..=total {
        if strike_at == Some(i) {
            if let Some(fault) = fault {
                match strike(fault, frames, &mut body).await? {
                    Step::Continue => {}
                    Step::Finish => {
                        body.finish().await?;
                        return Ok(After::KeepAlive);
                    }
                    Step::Reset => return Ok(After::Reset),
                }
            }
        }
        if i == total {
            break;
        }
        match (reasoning.get(i), content) {
            (Some(piece), _) => body.chunk(&frames.reasoning(piece)).await?,
            (None, Content::Pieces(pieces)) => {
                let piece = &pieces[i - reasoning.len()];
                body.chunk(&frames.content(piece)).await?;
            }
            (None, Content::Repeat { .. }) => body.chunk(&repeat_frame).await?,
        }
        frames.after_piece(i + 1, &mut extra);
        for frame in extra.drain(..) {
            body.chunk(&frame).await?;
        }
    }
    frames.closing(!matches!(fault, Some(Deferred::MissingDone)), &mut extra);
    for frame in extra.drain(..) {
        body.chunk(&frame).await?;
    }
    body.finish().await?;
    Ok(After::KeepAlive)
}

/// Applies a stream fault at its point in the stream.
async fn strike<F: Frames>(
    fault: Deferred,
    frames: &F,
    body: &mut ChunkedBody<'_>,
) -> io::Result<Step> {
    match fault {
        Deferred::ResetMidStream { .. } => {
            body.flush().await?;
            Ok(Step::Reset)
        }
        Deferred::Stall { for_ms, .. } => {
            body.flush().await?;
            tokio::time::sleep(Duration::from_millis(for_ms)).await;
            Ok(Step::Continue)
        }
        Deferred::MalformedFrame { .. } => {
            body.chunk(frames.malformed()).await?;
            Ok(Step::Continue)
        }
        Deferred::ErrorFrame { .. } => {
            body.chunk(&frames.error()).await?;
            Ok(Step::Finish)
        }
        Deferred::MissingDone => Ok(Step::Continue),
    }
}
