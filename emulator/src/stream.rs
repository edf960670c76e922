//! The SSE answer: `chat.completion.chunk` frames with DashScope's quirks, and the stream
//! faults.
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

/// Renders the deltas of one answer.
struct Frames<'a> {
    meta: &'a Meta,
    thinking: bool,
}

impl Frames<'_> {
    fn role(&self) -> Vec<u8> {
        let delta = if self.thinking {
            json!({"role": "assistant", "content": null, "reasoning_content": ""})
        } else {
            json!({"role": "assistant", "content": ""})
        };
        self.meta.frame(delta, None)
    }

    fn reasoning(&self, piece: &str) -> Vec<u8> {
        self.meta
            .frame(json!({"content": null, "reasoning_content": piece}), None)
    }

    fn content(&self, piece: &str) -> Vec<u8> {
        self.meta.frame(self.content_delta(piece), None)
    }

    fn stop(&self) -> Vec<u8> {
        self.meta.frame(self.content_delta(""), Some("stop"))
    }

    fn content_delta(&self, piece: &str) -> Value {
        if self.thinking {
            json!({"content": piece, "reasoning_content": null})
        } else {
            json!({"content": piece})
        }
    }
}

/// What happens after a fault struck.
enum Step {
    Continue,
    /// End the body cleanly, sending nothing more.
    Finish,
    Reset,
}

/// Sends the streamed answer.
pub(crate) async fn send(
    stream: &mut TcpStream,
    job: Job,
    request_id: &str,
    close: bool,
) -> io::Result<After> {
    let Job {
        script,
        meta,
        include_usage,
        fault,
    } = job;
    let mut head = status_line(200);
    head.push_str("Content-Type: text/event-stream\r\nCache-Control: no-cache\r\n");
    head.push_str("Transfer-Encoding: chunked\r\n");
    head.push_str(&format!("x-request-id: {request_id}\r\n"));
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let batched = matches!(script.content, Content::Repeat { .. });
    let mut body = ChunkedBody::new(stream, head.into_bytes(), batched);
    let frames = Frames {
        meta: &meta,
        thinking: script.thinking,
    };
    body.chunk(b": keep-alive\n\n").await?;
    body.chunk(&frames.role()).await?;

    let Script {
        reasoning, content, ..
    } = &script;
    let total = reasoning.len() + content.len();
    let strike_at = fault.map(|f| f.after_chunks().unwrap_or(total).min(total));
    let repeat_frame = match content {
        Content::Repeat { piece, .. } => frames.content(piece),
        Content::Pieces(_) => Vec::new(),
    };
    for i in 0..=total {
        if strike_at == Some(i) {
            if let Some(fault) = fault {
                match strike(fault, &mut body).await? {
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
    }
    body.chunk(&frames.stop()).await?;
    if include_usage {
        body.chunk(&meta.usage_frame(script.usage())).await?;
    }
    body.chunk(b"data: [DONE]\n\n").await?;
    body.finish().await?;
    Ok(After::KeepAlive)
}

/// Applies a stream fault at its point in the stream.
async fn strike(fault: Deferred, body: &mut ChunkedBody<'_>) -> io::Result<Step> {
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
            body.chunk(faults::MALFORMED_FRAME).await?;
            Ok(Step::Continue)
        }
        Deferred::ErrorFrame { .. } => {
            body.chunk(&faults::error_frame()).await?;
            Ok(Step::Finish)
        }
        Deferred::MissingDone => Ok(Step::Finish),
    }
}
