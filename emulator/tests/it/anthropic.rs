//! The Anthropic Messages surface: auth, headers, every body rule, and the non-streaming
//! message.

use provcat_emulator::{Emulator, EmulatorConfig, SurfaceModel};
use serde_json::{Value, json};

use crate::client::{Reply, exchange, request_with};

/// The messages path.
pub const MESSAGES: &str = "/anthropic/v1/messages";
/// A key the surface accepts.
pub const KEY: &str = "sk-ant-test";

/// Posts `body` with these headers.
pub fn post_with(emulator: &Emulator, headers: &[(&str, &str)], body: &Value) -> Reply {
    let raw = request_with(MESSAGES, headers, body.to_string().as_bytes());
    exchange(emulator.addr(), &raw)
}

/// Posts `body` with a good key and `anthropic-version`.
pub fn messages(emulator: &Emulator, body: &Value) -> Reply {
    let headers = [("x-api-key", KEY), ("anthropic-version", "2023-06-01")];
    post_with(emulator, &headers, body)
}

/// A request for `model` saying `text`, `max_tokens` 1000.
pub fn ask(model: &str, text: &str) -> Value {
    json!({"model": model, "max_tokens": 1000, "messages": [{"role": "user", "content": text}]})
}

/// Asserts an Anthropic error: status, type, a message containing `message`, and the
/// request id in the body and the `request-id` header.
pub fn assert_error(reply: &Reply, status: u16, kind: &str, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["type"], "error", "{body}");
    assert_eq!(body["error"]["type"], kind, "{body}");
    let text = body["error"]["message"].as_str().unwrap_or_default();
    assert!(text.contains(message), "{text:?} lacks {message:?}");
    let id = body["request_id"].as_str().expect("a request_id");
    assert!(id.starts_with("req_"), "{id}");
    assert_eq!(reply.header("request-id"), Some(id));
}

/// A 400 `invalid_request_error` whose message contains `message`.
fn assert_invalid(reply: &Reply, message: &str) {
    assert_error(reply, 400, "invalid_request_error", message);
}

#[test]
fn auth_is_by_x_api_key_only() {
    let emulator = Emulator::start();
    let body = ask("claude-sonnet-4-5", "hi");
    let version = ("anthropic-version", "2023-06-01");
    let bearer = format!("Bearer {KEY}");
    let reply = post_with(&emulator, &[("Authorization", &bearer), version], &body);
    let required = "x-api-key header is required";
    assert_error(&reply, 401, "authentication_error", required);
    let reply = post_with(&emulator, &[("x-api-key", ""), version], &body);
    assert_error(&reply, 401, "authentication_error", required);
    for key in ["sk-test", "sk-sp-test", "sk-ant-bad"] {
        let reply = post_with(&emulator, &[("x-api-key", key), version], &body);
        assert_error(&reply, 401, "authentication_error", "invalid x-api-key");
    }
    let reply = post_with(&emulator, &[("X-Api-Key", KEY), version], &body);
    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[test]
fn anthropic_version_is_required_after_auth() {
    let emulator = Emulator::start();
    let body = ask("claude-sonnet-4-5", "hi");
    let reply = post_with(&emulator, &[("x-api-key", KEY)], &body);
    assert_invalid(&reply, "anthropic-version: header is required");
    let headers = [("x-api-key", KEY), ("anthropic-version", "2099-01-01")];
    assert_invalid(&post_with(&emulator, &headers, &body), "2099-01-01");
    // Auth comes first.
    assert_eq!(post_with(&emulator, &[], &body).status, 401);
}

#[test]
fn max_tokens_model_and_messages_are_required() {
    let emulator = Emulator::start();
    let mut body = ask("claude-sonnet-4-5", "hi");
    body.as_object_mut().map(|b| b.remove("max_tokens"));
    assert_invalid(&messages(&emulator, &body), "max_tokens: Field required");
    for (max_tokens, message) in [
        (
            json!(0),
            "max_tokens: Input should be greater than or equal to 1",
        ),
        (
            json!(-5),
            "max_tokens: Input should be greater than or equal to 1",
        ),
        (json!("ten"), "max_tokens: Input should be a valid integer"),
    ] {
        body["max_tokens"] = max_tokens;
        assert_invalid(&messages(&emulator, &body), message);
    }
    let no_model = json!({"max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]});
    assert_invalid(&messages(&emulator, &no_model), "model: Field required");
    let no_messages = json!({"model": "claude-sonnet-4-5", "max_tokens": 10});
    assert_invalid(
        &messages(&emulator, &no_messages),
        "messages: Field required",
    );
    let empty = json!({"model": "claude-sonnet-4-5", "max_tokens": 10, "messages": []});
    assert_invalid(&messages(&emulator, &empty), "at least one message");
    assert_invalid(&messages(&emulator, &json!([1])), "JSON object");
}

#[test]
fn unknown_models_are_not_found() {
    let emulator = Emulator::start();
    let reply = messages(&emulator, &ask("claude-nope", "hi"));
    assert_error(&reply, 404, "not_found_error", "model: claude-nope");
    // A DashScope model is not an Anthropic one.
    assert_eq!(messages(&emulator, &ask("glm-5", "hi")).status, 404);
}

#[test]
fn system_goes_top_level_never_as_a_message() {
    let emulator = Emulator::start();
    let body = json!({"model": "claude-haiku-4-5", "max_tokens": 10, "messages": [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hello"},
    ]});
    let reply = messages(&emulator, &body);
    assert_invalid(&reply, "Unexpected role \"system\"");
    assert_invalid(&reply, "top-level `system` parameter");

    let mut body = ask("claude-haiku-4-5", "hello");
    body["system"] = json!("be brief");
    let reply = messages(&emulator, &body);
    // "be brief" + "hello" = 13 chars: 13 / 4 + 1.
    assert_eq!(reply.json()["usage"]["input_tokens"], 4, "{}", reply.text());
    body["system"] = json!([{"type": "text", "text": "be"}, {"type": "text", "text": " brief"}]);
    assert_eq!(
        messages(&emulator, &body).json()["usage"]["input_tokens"],
        4
    );
    body["system"] = json!([{"type": "image", "text": "x"}]);
    assert_invalid(&messages(&emulator, &body), "system.0");
    body["system"] = json!(7);
    assert_invalid(&messages(&emulator, &body), "system: Input should be");
}

#[test]
fn roles_alternate_starting_with_user() {
    let emulator = Emulator::start();
    let with = |messages: Value| json!({"model": "claude-haiku-4-5", "max_tokens": 10, "messages": messages});
    let user = |text: &str| json!({"role": "user", "content": text});
    let assistant = |text: &str| json!({"role": "assistant", "content": text});
    let reply = messages(&emulator, &with(json!([assistant("hi"), user("hello")])));
    assert_invalid(&reply, "first message must use the \"user\" role");
    let reply = messages(&emulator, &with(json!([user("a"), user("b")])));
    assert_invalid(&reply, "roles must alternate");
    let reply = messages(&emulator, &with(json!([{"role": "tool", "content": "x"}])));
    assert_invalid(
        &reply,
        "messages.0.role: Input should be 'user' or 'assistant'",
    );
    let reply = messages(&emulator, &with(json!([user("")])));
    assert_invalid(&reply, "non-empty content");
    let reply = messages(
        &emulator,
        &with(json!([user("a"), assistant(""), user("b")])),
    );
    assert_invalid(
        &reply,
        "messages.1: all messages must have non-empty content",
    );
    let reply = messages(&emulator, &with(json!([{"role": "user"}])));
    assert_invalid(&reply, "messages.0.content: Field required");

    let reply = messages(
        &emulator,
        &with(json!([user("a"), assistant("b"), user("c")])),
    );
    assert_eq!(reply.json()["content"][0]["text"], "echo: c");
    // A final assistant message (a prefill) may be empty.
    let reply = messages(&emulator, &with(json!([user("a"), assistant("")])));
    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[test]
fn content_blocks_and_images() {
    let mut config = EmulatorConfig::default();
    config
        .anthropic
        .models
        .push(SurfaceModel::new("text-only", false, false));
    let emulator = Emulator::start_with(config);
    let with = |model: &str, blocks: Value| json!({"model": model, "max_tokens": 10, "messages": [{"role": "user", "content": blocks}]});
    let png = json!({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}});
    let url =
        json!({"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}});
    let text = |t: &str| json!({"type": "text", "text": t});
    let blocks = json!([text("what is"), png, url, text("this")]);
    let reply = messages(&emulator, &with("claude-haiku-4-5", blocks.clone()));
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["content"][0]["text"], "echo: what is\nthis");
    let reply = messages(&emulator, &with("text-only", blocks));
    assert_invalid(&reply, "the model text-only does not support image input");
    assert_eq!(
        messages(&emulator, &with("text-only", json!([text("fine")]))).status,
        200
    );

    let bad_blocks = [
        (
            json!({"type": "image", "source": {"type": "base64", "media_type": "image/bmp", "data": "x"}}),
            "source.media_type",
        ),
        (
            json!({"type": "image", "source": {"type": "base64", "media_type": "image/png"}}),
            "source.data",
        ),
        (
            json!({"type": "image", "source": {"type": "url", "url": "file:///a.png"}}),
            "source.url",
        ),
        (json!({"type": "image"}), "messages.0.content.0.source"),
        (json!({"type": "audio", "data": "x"}), "Input tag 'audio'"),
        (json!({"type": "text"}), "messages.0.content.0.text"),
        (
            json!({"type": "thinking", "thinking": "x", "signature": "s"}),
            "only appear in assistant messages",
        ),
        (
            json!("plain"),
            "messages.0.content.0: Input should be a valid dictionary",
        ),
    ];
    for (block, message) in bad_blocks {
        let reply = messages(&emulator, &with("claude-sonnet-4-5", json!([block])));
        assert_invalid(&reply, message);
    }
    // Thinking blocks are fine in assistant turns (replayed history).
    let body = json!({"model": "claude-sonnet-4-5", "max_tokens": 10, "messages": [
        {"role": "user", "content": "a"},
        {"role": "assistant", "content": [
            {"type": "thinking", "thinking": "hm", "signature": "s"},
            {"type": "text", "text": "b"},
        ]},
        {"role": "user", "content": "c"},
    ]});
    assert_eq!(messages(&emulator, &body).status, 200);
}

#[test]
fn thinking_needs_a_budget_below_max_tokens_and_no_temperature() {
    let emulator = Emulator::start();
    let mut body = ask("claude-sonnet-4-5", "hi");
    body["max_tokens"] = json!(2000);
    for (thinking, message) in [
        (
            json!({"type": "enabled", "budget_tokens": 1023}),
            "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
        ),
        (
            json!({"type": "enabled", "budget_tokens": 2000}),
            "`max_tokens` must be greater than `thinking.budget_tokens`",
        ),
        (
            json!({"type": "enabled"}),
            "thinking.enabled.budget_tokens: Field required",
        ),
        (json!({"type": "sometimes"}), "'enabled', 'disabled'"),
        (json!(true), "thinking: Input should be a valid dictionary"),
    ] {
        body["thinking"] = thinking;
        assert_invalid(&messages(&emulator, &body), message);
    }
    body["thinking"] = json!({"type": "enabled", "budget_tokens": 1999});
    assert_eq!(messages(&emulator, &body).status, 200);
    body["temperature"] = json!(1);
    let reply = messages(&emulator, &body);
    assert_invalid(
        &reply,
        "temperature: may not be set when thinking is enabled",
    );
    body["thinking"] = json!({"type": "disabled"});
    assert_eq!(messages(&emulator, &body).status, 200);
    body["temperature"] = json!(1.5);
    assert_invalid(&messages(&emulator, &body), "temperature");

    let mut body = ask("claude-haiku-4-5", "hi");
    body["max_tokens"] = json!(2000);
    body["thinking"] = json!({"type": "enabled", "budget_tokens": 1024});
    let reply = messages(&emulator, &body);
    assert_invalid(
        &reply,
        "claude-haiku-4-5 does not support extended thinking",
    );
}

#[test]
fn stop_sequences_cut_the_answer() {
    let emulator = Emulator::start();
    let mut body = ask("claude-haiku-4-5", "hello");
    body["stop_sequences"] = json!(["zzz", "llo", ": "]);
    let reply = messages(&emulator, &body).json();
    // ": " comes first in "echo: hello".
    assert_eq!(reply["content"][0]["text"], "echo");
    assert_eq!(reply["stop_reason"], "stop_sequence");
    assert_eq!(reply["stop_sequence"], ": ");
    assert_eq!(reply["usage"]["output_tokens"], 1);
    body["stop_sequences"] = json!(["nothing"]);
    let reply = messages(&emulator, &body).json();
    assert_eq!(reply["stop_reason"], "end_turn");
    assert_eq!(reply["stop_sequence"], Value::Null);
    body["stop_sequences"] = json!("llo");
    assert_invalid(&messages(&emulator, &body), "stop_sequences");
    body["stop_sequences"] = json!([1]);
    assert_invalid(&messages(&emulator, &body), "stop_sequences.0");
}

#[test]
fn a_non_streaming_message_has_anthropics_shape() {
    let emulator = Emulator::start();
    let reply = messages(&emulator, &ask("claude-haiku-4-5", "hello"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let message = reply.json();
    let id = message["id"].as_str().expect("an id");
    assert!(id.starts_with("msg_"), "{id}");
    assert!(
        reply
            .header("request-id")
            .is_some_and(|r| r.starts_with("req_"))
    );
    assert_eq!(
        message,
        json!({
            "id": id,
            "type": "message",
            "role": "assistant",
            "model": "claude-haiku-4-5",
            "content": [{"type": "text", "text": "echo: hello"}],
            "stop_reason": "end_turn",
            "stop_sequence": null,
            "usage": {"input_tokens": 2, "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0, "output_tokens": 3},
        })
    );

    let mut body = ask("claude-sonnet-4-5", "hello");
    body["max_tokens"] = json!(4096);
    body["thinking"] = json!({"type": "enabled", "budget_tokens": 1024});
    let message = messages(&emulator, &body).json();
    let content = &message["content"];
    assert_eq!(content.as_array().map(Vec::len), Some(2), "{message}");
    assert_eq!(content[0]["type"], "thinking");
    assert_eq!(content[0]["thinking"], "thinking about: hello");
    assert!(
        content[0]["signature"]
            .as_str()
            .is_some_and(|s| s.starts_with("sig_") && s.len() > 4)
    );
    assert_eq!(content[1], json!({"type": "text", "text": "echo: hello"}));
    // 6 reasoning pieces + 3 content pieces.
    assert_eq!(message["usage"]["output_tokens"], 9);
}
