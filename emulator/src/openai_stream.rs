//! The generic OpenAI answer: `chat.completion.chunk` frames as OpenAI and OpenRouter send
//! them (see the crate docs for the exact order, the comment line and the error chunk) and
//! the non-streaming `chat.completion` object.

use std::io;

use serde_json::{Value, json};
use tokio::net::TcpStream;

use crate::chat::{After, send_complete};
use crate::faults;
use crate::http::Response;
use crate::openai::{Error, Job};
use crate::stream::{self, CREATED, Frames};

/// The `system_fingerprint` of every answer.
const FINGERPRINT: &str = "fp_emulator";
/// The SSE comment every stream opens with.
pub(crate) const COMMENT: &[u8] = b": OPENROUTER PROCESSING\n\n";

/// The `usage` object.
fn usage(job: &Job) -> Value {
    let prompt = job.script.prompt_tokens();
    let completion = job.script.output_tokens();
    json!({
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": job.script.reasoning_tokens()},
    })
}

/// The chunks of one answer.
struct Chunks<'a> {
    job: &'a Job,
}

impl Chunks<'_> {
    /// A `data:` frame of a chunk with these choices (and `usage`, when asked for).
    fn chunk(&self, choices: Value, usage: Value, error: Option<Value>) -> Vec<u8> {
        let job = self.job;
        let mut chunk = json!({
            "id": job.id,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": job.model,
            "system_fingerprint": FINGERPRINT,
            "choices": choices,
        });
        if job.include_usage {
            chunk["usage"] = usage;
        }
        if let Some(error) = error {
            chunk["error"] = error;
        }
        format!("data: {chunk}\n\n").into_bytes()
    }

    fn delta(&self, delta: Value, finish_reason: Option<&str>) -> Vec<u8> {
        let choices = json!([{
            "index": 0,
            "delta": delta,
            "logprobs": null,
            "finish_reason": finish_reason,
        }]);
        self.chunk(choices, Value::Null, None)
    }
}

impl Frames for Chunks<'_> {
    fn opening(&self, out: &mut Vec<Vec<u8>>) {
        out.push(COMMENT.to_vec());
        let delta = json!({"role": "assistant", "content": "", "refusal": null});
        out.push(self.delta(delta, None));
    }

    fn reasoning(&self, piece: &str) -> Vec<u8> {
        self.delta(json!({"content": "", "reasoning": piece}), None)
    }

    fn content(&self, piece: &str) -> Vec<u8> {
        let delta = if self.job.reasoning_model {
            json!({"content": piece, "reasoning": null})
        } else {
            json!({"content": piece})
        };
        self.delta(delta, None)
    }

    fn closing(&self, complete: bool, out: &mut Vec<Vec<u8>>) {
        if !complete {
            return;
        }
        out.push(self.delta(json!({}), Some(self.job.finish)));
        if self.job.include_usage {
            out.push(self.chunk(json!([]), usage(self.job), None));
        }
        out.push(b"data: [DONE]\n\n".to_vec());
    }

    fn error(&self) -> Vec<u8> {
        let choices = json!([{
            "index": 0,
            "delta": {"content": ""},
            "finish_reason": "error",
        }]);
        let error =
            json!({"code": "server_error", "message": "Provider disconnected unexpectedly"});
        self.chunk(choices, Value::Null, Some(error))
    }

    fn malformed(&self) -> &'static [u8] {
        faults::MALFORMED_FRAME
    }
}

/// Sends the streamed completion.
pub(crate) async fn send(stream: &mut TcpStream, job: Job, close: bool) -> io::Result<After> {
    let chunks = Chunks { job: &job };
    let head = stream::head(
        "text/event-stream; charset=utf-8",
        "x-request-id",
        &job.request_id,
        close,
    );
    stream::send(stream, head, &chunks, &job.script, job.fault).await
}

/// Sends the non-streaming completion, shaped by a stream fault (`ErrorFrame`: 502).
pub(crate) async fn complete(stream: &mut TcpStream, job: Job, close: bool) -> io::Result<After> {
    let mut message = json!({
        "role": "assistant",
        "content": job.script.content.joined(),
        "refusal": null,
    });
    if job.reasoning_model {
        message["reasoning"] = json!(job.script.reasoning.concat());
    }
    let body = json!({
        "id": job.id,
        "object": "chat.completion",
        "created": CREATED,
        "model": job.model,
        "system_fingerprint": FINGERPRINT,
        "choices": [{
            "index": 0,
            "message": message,
            "logprobs": null,
            "finish_reason": job.finish,
        }],
        "usage": usage(&job),
    });
    let response = Response::json(200, &body).with_header("x-request-id", job.request_id.clone());
    let error = || {
        Error::new(502, "server_error", "Provider disconnected unexpectedly")
            .code("server_error")
            .response(&job.request_id)
    };
    send_complete(stream, response, job.fault, error, close).await
}
