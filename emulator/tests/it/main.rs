//! The emulator's tests: one binary, std-only raw HTTP clients.

mod anthropic;
mod anthropic_stream;
mod auth;
mod checks;
mod client;
mod faults;
mod hostile;
mod openai;
mod profile;
mod stream;
mod video;

use provcat_emulator::Emulator;
use serde_json::{Value, json};

use client::{Reply, exchange, request};

/// The standard chat path.
const STANDARD: &str = "/compatible-mode/v1/chat/completions";
/// The Coding Plan chat path.
const CODING: &str = "/v1/chat/completions";

/// Posts `body` to the standard host with a standard key.
fn chat(emulator: &Emulator, body: &Value) -> Reply {
    post(emulator, STANDARD, Some("sk-test"), body)
}

fn post(emulator: &Emulator, path: &str, key: Option<&str>, body: &Value) -> Reply {
    exchange(
        emulator.addr(),
        &request(path, key, body.to_string().as_bytes()),
    )
}

/// A streaming request for `model` saying `text`.
fn streaming(model: &str, text: &str) -> Value {
    json!({"model": model, "stream": true, "messages": [{"role": "user", "content": text}]})
}

/// Asserts an envelope error: status, code, and a message containing `message`.
fn assert_envelope(reply: &Reply, status: u16, code: &str, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["error"]["code"], code, "{body}");
    let text = body["error"]["message"].as_str().unwrap_or_default();
    assert!(text.contains(message), "{text:?} lacks {message:?}");
    assert!(body["request_id"].is_string(), "{body}");
}

/// Asserts a flat error.
fn assert_flat(reply: &Reply, status: u16, code: &str, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["message"], message, "{body}");
    assert!(body["request_id"].is_string(), "{body}");
}
