//! The Anthropic answer: the named-event stream (see the crate docs for the exact order,
//! the pings and the fault frames) and the non-streaming `message` object.

use std::io;

use serde_json::{Value, json};
use tokio::net::TcpStream;

use crate::anthropic::{self, Job};
use crate::chat::{After, send_complete};
use crate::http::Response;
use crate::stream::{self, Frames};

/// A `ping` follows the answer pieces numbered 1, 1 + this, 1 + 2 × this, …
pub(crate) const PING_EVERY: usize = 32;
/// The `output_tokens` placeholder of `message_start`.
const START_OUTPUT_TOKENS: u64 = 1;

/// One SSE event with its name.
fn event(name: &str, data: &Value) -> Vec<u8> {
    format!("event: {name}\ndata: {data}\n\n").into_bytes()
}

/// The opaque signature of a thinking block.
fn signature(job: &Job) -> String {
    format!("sig_{}", job.message_id)
}

/// The events of one message.
struct Events<'a> {
    job: &'a Job,
    /// The message has a thinking block (index 0).
    thinking: bool,
    /// The index of the text block.
    text_index: usize,
}

impl Events<'_> {
    fn block_start(&self, index: usize, block: Value) -> Vec<u8> {
        let data = json!({"type": "content_block_start", "index": index, "content_block": block});
        event("content_block_start", &data)
    }

    fn delta(&self, index: usize, delta: Value) -> Vec<u8> {
        let data = json!({"type": "content_block_delta", "index": index, "delta": delta});
        event("content_block_delta", &data)
    }

    fn block_stop(&self, index: usize) -> Vec<u8> {
        event(
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": index}),
        )
    }

    fn text_start(&self) -> Vec<u8> {
        self.block_start(self.text_index, json!({"type": "text", "text": ""}))
    }
}

fn ping() -> Vec<u8> {
    event("ping", &json!({"type": "ping"}))
}

impl Frames for Events<'_> {
    fn opening(&self, out: &mut Vec<Vec<u8>>) {
        let job = self.job;
        let message = json!({
            "id": job.message_id,
            "type": "message",
            "role": "assistant",
            "model": job.model,
            "content": [],
            "stop_reason": null,
            "stop_sequence": null,
            "usage": {
                "input_tokens": job.script.prompt_tokens(),
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "output_tokens": START_OUTPUT_TOKENS,
            },
        });
        let data = json!({"type": "message_start", "message": message});
        out.push(event("message_start", &data));
        out.push(ping());
        if self.thinking {
            let block = json!({"type": "thinking", "thinking": "", "signature": ""});
            out.push(self.block_start(0, block));
        } else {
            out.push(self.text_start());
        }
    }

    fn reasoning(&self, piece: &str) -> Vec<u8> {
        self.delta(0, json!({"type": "thinking_delta", "thinking": piece}))
    }

    fn content(&self, piece: &str) -> Vec<u8> {
        self.delta(
            self.text_index,
            json!({"type": "text_delta", "text": piece}),
        )
    }

    fn after_piece(&self, sent: usize, out: &mut Vec<Vec<u8>>) {
        if sent % PING_EVERY == 1 {
            out.push(ping());
        }
        if self.thinking && sent == self.job.script.reasoning.len() {
            let delta = json!({"type": "signature_delta", "signature": signature(self.job)});
            out.push(self.delta(0, delta));
            out.push(self.block_stop(0));
            out.push(self.text_start());
        }
    }

    fn closing(&self, complete: bool, out: &mut Vec<Vec<u8>>) {
        let job = self.job;
        out.push(self.block_stop(self.text_index));
        let data = json!({
            "type": "message_delta",
            "delta": {"stop_reason": job.stop.reason(), "stop_sequence": job.stop.sequence()},
            "usage": {"output_tokens": job.script.output_tokens()},
        });
        out.push(event("message_delta", &data));
        if complete {
            out.push(event("message_stop", &json!({"type": "message_stop"})));
        }
    }

    fn error(&self) -> Vec<u8> {
        let data = json!({
            "type": "error",
            "error": {"type": "overloaded_error", "message": "Overloaded"},
        });
        event("error", &data)
    }

    fn malformed(&self) -> &'static [u8] {
        b"event: content_block_delta\ndata: {not json\n\n"
    }
}

/// Sends the streamed message.
pub(crate) async fn send(stream: &mut TcpStream, job: Job, close: bool) -> io::Result<After> {
    let thinking = !job.script.reasoning.is_empty();
    let events = Events {
        job: &job,
        thinking,
        text_index: usize::from(thinking),
    };
    let head = stream::head(
        "text/event-stream; charset=utf-8",
        "request-id",
        &job.request_id,
        close,
    );
    stream::send(stream, head, &events, &job.script, job.fault).await
}

/// Sends the non-streaming message, shaped by a stream fault (`ErrorFrame`: 529).
pub(crate) async fn complete(stream: &mut TcpStream, job: Job, close: bool) -> io::Result<After> {
    let mut content = Vec::new();
    if !job.script.reasoning.is_empty() {
        content.push(json!({
            "type": "thinking",
            "thinking": job.script.reasoning.concat(),
            "signature": signature(&job),
        }));
    }
    content.push(json!({"type": "text", "text": job.script.content.joined()}));
    let body = json!({
        "id": job.message_id,
        "type": "message",
        "role": "assistant",
        "model": job.model,
        "content": content,
        "stop_reason": job.stop.reason(),
        "stop_sequence": job.stop.sequence(),
        "usage": {
            "input_tokens": job.script.prompt_tokens(),
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": job.script.output_tokens(),
        },
    });
    let response = Response::json(200, &body).with_header("request-id", job.request_id.clone());
    let error = || anthropic::overloaded(&job.request_id);
    send_complete(stream, response, job.fault, error, close).await
}
