//! The generic OpenAI surface: auth, the `developer` role, reasoning-model parameters,
//! `delta.reasoning`, usage, truncation, ids with `/` and `:`, and the faults.

use provcat_emulator::{Emulator, Fault};
use serde_json::{Value, json};

use crate::client::{Reply, exchange, request};

/// The chat path.
const CHAT: &str = "/openai/v1/chat/completions";
/// A key the surface accepts.
const KEY: &str = "sk-proj-test";

fn post(emulator: &Emulator, key: Option<&str>, body: &Value) -> Reply {
    exchange(
        emulator.addr(),
        &request(CHAT, key, body.to_string().as_bytes()),
    )
}

fn chat(emulator: &Emulator, body: &Value) -> Reply {
    post(emulator, Some(KEY), body)
}

fn ask(model: &str, text: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": text}]})
}

fn streaming(model: &str, text: &str) -> Value {
    let mut body = ask(model, text);
    body["stream"] = json!(true);
    body
}

/// Asserts an OpenAI error: status, `code`, `param`, a message containing `message`, no
/// `request_id` in the body and an `x-request-id` header.
fn assert_error(reply: &Reply, status: u16, code: Value, param: Value, message: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    let body = reply.json();
    let error = &body["error"];
    assert_eq!(error["code"], code, "{body}");
    assert_eq!(error["param"], param, "{body}");
    assert!(error["type"].is_string(), "{body}");
    let text = error["message"].as_str().unwrap_or_default();
    assert!(text.contains(message), "{text:?} lacks {message:?}");
    assert!(body.get("request_id").is_none(), "{body}");
    assert!(
        reply
            .header("x-request-id")
            .is_some_and(|r| r.starts_with("req_"))
    );
}

#[test]
fn bearer_keys_with_the_surface_prefix() {
    let emulator = Emulator::start();
    let body = ask("gpt-4.1", "hi");
    let reply = post(&emulator, None, &body);
    assert_error(
        &reply,
        401,
        Value::Null,
        Value::Null,
        "You didn't provide an API key",
    );
    for key in ["sk-test", "sk-ant-test", "sk-proj-bad"] {
        let reply = post(&emulator, Some(key), &body);
        let code = json!("invalid_api_key");
        assert_error(
            &reply,
            401,
            code,
            Value::Null,
            "Incorrect API key provided.",
        );
        assert!(!reply.text().contains(key), "the key is echoed");
    }
    assert_eq!(chat(&emulator, &body).status, 200);
}

#[test]
fn the_developer_role_is_accepted_and_unknown_roles_are_not() {
    let emulator = Emulator::start();
    for model in ["gpt-4.1", "gpt-5"] {
        let body = json!({"model": model, "messages": [
            {"role": "developer", "content": "be brief"},
            {"role": "user", "content": "hello"},
        ]});
        let reply = chat(&emulator, &body);
        assert_eq!(reply.status, 200, "{}", reply.text());
        // "be brief" + "hello": 13 / 4 + 1.
        assert_eq!(reply.json()["usage"]["prompt_tokens"], 4);
    }
    let body = json!({"model": "gpt-5", "messages": [{"role": "robot", "content": "x"}]});
    assert_error(
        &chat(&emulator, &body),
        400,
        json!("invalid_value"),
        json!("messages[0].role"),
        "Invalid value: 'robot'.",
    );
}

#[test]
fn reasoning_models_want_max_completion_tokens() {
    let emulator = Emulator::start();
    let mut body = ask("gpt-5", "hi");
    body["max_tokens"] = json!(100);
    let reply = chat(&emulator, &body);
    assert_error(
        &reply,
        400,
        json!("unsupported_parameter"),
        json!("max_tokens"),
        "",
    );
    assert_eq!(
        reply.json()["error"]["message"],
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
    );
    let mut body = ask("gpt-5", "hi");
    body["max_completion_tokens"] = json!(100);
    assert_eq!(chat(&emulator, &body).status, 200);
    body["max_completion_tokens"] = json!(0);
    let code = json!("integer_below_min_value");
    let param = json!("max_completion_tokens");
    assert_error(&chat(&emulator, &body), 400, code, param, "");
    for field in ["max_tokens", "max_completion_tokens"] {
        let mut body = ask("gpt-4.1", "hi");
        body[field] = json!(100);
        assert_eq!(chat(&emulator, &body).status, 200, "{field}");
        body[field] = json!("many");
        let reply = chat(&emulator, &body);
        assert_error(&reply, 400, json!("invalid_type"), json!(field), "");
    }
}

#[test]
fn reasoning_effort_and_temperature() {
    let emulator = Emulator::start();
    let mut body = ask("gpt-5", "hi");
    for effort in ["minimal", "low", "medium", "high"] {
        body["reasoning_effort"] = json!(effort);
        assert_eq!(chat(&emulator, &body).status, 200, "{effort}");
    }
    body["reasoning_effort"] = json!("extreme");
    let reply = chat(&emulator, &body);
    let message =
        "Invalid value: 'extreme'. Supported values are: 'minimal', 'low', 'medium', and 'high'.";
    let (code, param) = (json!("invalid_value"), json!("reasoning_effort"));
    assert_error(&reply, 400, code, param.clone(), message);
    let mut body = ask("gpt-4.1", "hi");
    body["reasoning_effort"] = json!("low");
    let code = json!("unsupported_parameter");
    assert_error(
        &chat(&emulator, &body),
        400,
        code,
        param,
        "reasoning_effort",
    );

    let mut body = ask("o4-mini", "hi");
    body["temperature"] = json!(0.2);
    let message = "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.";
    let (code, param) = (json!("unsupported_value"), json!("temperature"));
    assert_error(&chat(&emulator, &body), 400, code, param, message);
    body["temperature"] = json!(1);
    assert_eq!(chat(&emulator, &body).status, 200);
    let mut body = ask("gpt-4.1", "hi");
    body["temperature"] = json!(0.2);
    assert_eq!(chat(&emulator, &body).status, 200);
    body["temperature"] = json!(3);
    let (code, param) = (json!("invalid_value"), json!("temperature"));
    assert_error(&chat(&emulator, &body), 400, code, param, "between 0 and 2");
}

#[test]
fn other_body_rules() {
    let emulator = Emulator::start();
    let reply = chat(&emulator, &ask("gpt-6", "hi"));
    let message = "The model `gpt-6` does not exist or you do not have access to it.";
    assert_error(&reply, 404, json!("model_not_found"), Value::Null, message);
    let reply = chat(&emulator, &json!({"messages": []}));
    assert_error(&reply, 400, Value::Null, Value::Null, "model");
    let reply = chat(&emulator, &json!({"model": "gpt-5"}));
    let (code, param) = (json!("missing_required_parameter"), json!("messages"));
    assert_error(&reply, 400, code, param, "'messages'");
    let reply = chat(&emulator, &json!({"model": "gpt-5", "messages": []}));
    assert_error(&reply, 400, json!("empty_array"), json!("messages"), "");
    let mut body = ask("gpt-5", "hi");
    body["stream_options"] = json!({"include_usage": true});
    let reply = chat(&emulator, &body);
    let message = "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
    assert_error(&reply, 400, Value::Null, json!("stream_options"), message);
    let mut body = ask("gpt-4.1", "hello");
    body["stop"] = json!(["a", "b", "c", "d", "e"]);
    assert_error(
        &chat(&emulator, &body),
        400,
        json!("invalid_value"),
        json!("stop"),
        "",
    );
    body["stop"] = json!("llo");
    let completion = chat(&emulator, &body).json();
    assert_eq!(completion["choices"][0]["message"]["content"], "echo: he");
    assert_eq!(completion["choices"][0]["finish_reason"], "stop");
    body["stop"] = json!(["zz", "o:", "ho"]);
    let completion = chat(&emulator, &body).json();
    assert_eq!(completion["choices"][0]["message"]["content"], "ec");

    let image = json!({"type": "image_url", "image_url": {"url": "https://example.com/a.png"}});
    let with_image = |model: &str| {
        json!({"model": model, "messages": [{"role": "user", "content": [
            {"type": "text", "text": "what is this"}, image,
        ]}]})
    };
    let reply = chat(&emulator, &with_image("deepseek/deepseek-r1:free"));
    let message = "Invalid content type. image_url is only supported by certain models.";
    let param = json!("messages.[0].content.[1].type");
    assert_error(&reply, 400, Value::Null, param, message);
    let reply = chat(&emulator, &with_image("gpt-4.1"));
    assert_eq!(
        reply.json()["choices"][0]["message"]["content"],
        "echo: what is this"
    );
}

#[test]
fn reasoning_streams_as_delta_reasoning() {
    let emulator = Emulator::start();
    let reply = chat(&emulator, &streaming("gpt-5", "hi"));
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/event-stream; charset=utf-8")
    );
    let events = reply.events();
    assert_eq!(events[0], ": OPENROUTER PROCESSING");
    assert_eq!(events.last().map(String::as_str), Some("data: [DONE]"));
    assert_eq!(reply.deltas("reasoning"), "thinking about: hi");
    assert_eq!(reply.deltas("content"), "echo: hi");
    assert!(!reply.text().contains("reasoning_content"));
    let chunks = reply.chunks();
    // role, 5 reasoning, 2 content, stop.
    assert_eq!(chunks.len(), 9, "{events:#?}");
    assert_eq!(
        chunks[0]["choices"][0]["delta"],
        json!({"role": "assistant", "content": "", "refusal": null})
    );
    assert_eq!(
        chunks[1]["choices"][0]["delta"],
        json!({"content": "", "reasoning": "thin"})
    );
    assert_eq!(
        chunks[6]["choices"][0]["delta"],
        json!({"content": "echo", "reasoning": null})
    );
    let stop = &chunks[8]["choices"][0];
    assert_eq!(stop["delta"], json!({}));
    assert_eq!(stop["finish_reason"], "stop");
    for chunk in &chunks {
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert_eq!(chunk["model"], "gpt-5");
        assert!(chunk.get("usage").is_none(), "{chunk}");
    }

    let reply = chat(&emulator, &streaming("gpt-4.1", "hi"));
    assert_eq!(reply.deltas("reasoning"), "");
    assert_eq!(
        reply.chunks()[1]["choices"][0]["delta"],
        json!({"content": "echo"})
    );
}

#[test]
fn include_usage_adds_a_usage_chunk() {
    let emulator = Emulator::start();
    let mut body = streaming("o4-mini", "hi");
    body["stream_options"] = json!({"include_usage": true});
    let reply = chat(&emulator, &body);
    let chunks = reply.chunks();
    let last = chunks.last().expect("chunks");
    assert_eq!(last["choices"], json!([]));
    assert_eq!(
        last["usage"],
        json!({"prompt_tokens": 1, "completion_tokens": 7, "total_tokens": 8,
               "prompt_tokens_details": {"cached_tokens": 0},
               "completion_tokens_details": {"reasoning_tokens": 5}})
    );
    for chunk in &chunks[..chunks.len() - 1] {
        assert!(chunk.get("usage").is_some_and(Value::is_null), "{chunk}");
    }
}

#[test]
fn a_non_streaming_completion() {
    let emulator = Emulator::start();
    let reply = chat(&emulator, &ask("gpt-5", "hello"));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let completion = reply.json();
    assert_eq!(completion["object"], "chat.completion");
    assert!(
        completion["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("chatcmpl-"))
    );
    assert_eq!(
        completion["choices"][0],
        json!({"index": 0, "logprobs": null, "finish_reason": "stop", "message": {
            "role": "assistant", "content": "echo: hello", "refusal": null,
            "reasoning": "thinking about: hello"}})
    );
    assert_eq!(
        completion["usage"],
        json!({"prompt_tokens": 2, "completion_tokens": 9, "total_tokens": 11,
               "prompt_tokens_details": {"cached_tokens": 0},
               "completion_tokens_details": {"reasoning_tokens": 6}})
    );
    let completion = chat(&emulator, &ask("gpt-4.1", "hello")).json();
    assert!(
        completion["choices"][0]["message"]
            .get("reasoning")
            .is_none()
    );
    assert_eq!(
        completion["usage"]["completion_tokens_details"]["reasoning_tokens"],
        0
    );
}

#[test]
fn limits_truncate_with_finish_reason_length() {
    let emulator = Emulator::start();
    let mut body = streaming("gpt-4.1", "hello");
    body["max_tokens"] = json!(2);
    body["stream_options"] = json!({"include_usage": true});
    let reply = chat(&emulator, &body);
    assert_eq!(reply.deltas("content"), "echo: he");
    let chunks = reply.chunks();
    assert_eq!(
        chunks[chunks.len() - 2]["choices"][0]["finish_reason"],
        "length"
    );
    assert_eq!(chunks[chunks.len() - 1]["usage"]["completion_tokens"], 2);
    // Reasoning counts against max_completion_tokens and comes first.
    let mut body = ask("gpt-5", "hi");
    body["max_completion_tokens"] = json!(3);
    let completion = chat(&emulator, &body).json();
    let choice = &completion["choices"][0];
    assert_eq!(choice["finish_reason"], "length");
    assert_eq!(choice["message"]["content"], "");
    assert_eq!(choice["message"]["reasoning"], "thinking abo");
    assert_eq!(completion["usage"]["completion_tokens"], 3);
    assert_eq!(
        completion["usage"]["completion_tokens_details"]["reasoning_tokens"],
        3
    );
}

#[test]
fn model_ids_may_hold_slashes_and_colons() {
    let emulator = Emulator::start();
    for model in ["anthropic/claude-sonnet-4.5", "deepseek/deepseek-r1:free"] {
        let reply = chat(&emulator, &streaming(model, "hi"));
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert!(reply.chunks().iter().all(|c| c["model"] == model));
        assert_eq!(reply.deltas("reasoning"), "thinking about: hi");
        let mut body = ask(model, "hi");
        body["max_tokens"] = json!(10);
        assert_eq!(chat(&emulator, &body).status, 400, "{model} reasons");
    }
    for near in [
        "deepseek/deepseek-r1",
        "deepseek-r1:free",
        "anthropic/claude-sonnet-4-5",
    ] {
        assert_eq!(chat(&emulator, &ask(near, "hi")).status, 404, "{near}");
    }
}

fn faulted(fault: Fault) -> Reply {
    let emulator = Emulator::start();
    emulator.push_fault(fault);
    chat(&emulator, &streaming("gpt-4.1", "hello"))
}

#[test]
fn an_error_chunk_mid_stream() {
    let reply = faulted(Fault::ErrorFrame { after_chunks: 1 });
    assert_eq!(reply.status, 200);
    assert!(reply.complete && !reply.reset);
    assert_eq!(reply.deltas("content"), "echo");
    assert!(!reply.text().contains("[DONE]"));
    let last = reply.chunks().last().cloned().expect("chunks");
    assert_eq!(
        last["error"],
        json!({"code": "server_error", "message": "Provider disconnected unexpectedly"})
    );
    assert_eq!(last["choices"][0]["finish_reason"], "error");
}

#[test]
fn http_faults_speak_openai() {
    let reply = faulted(Fault::RateLimit {
        retry_after_secs: Some(2),
    });
    let code = json!("rate_limit_exceeded");
    assert_error(&reply, 429, code, Value::Null, "Rate limit reached");
    assert_eq!(reply.header("retry-after"), Some("2"));
    assert_eq!(reply.header("retry-after-ms"), Some("2000"));
    let reply = faulted(Fault::RateLimit {
        retry_after_secs: None,
    });
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after-ms"), None);
    let reply = faulted(Fault::ServerError);
    assert_error(
        &reply,
        500,
        Value::Null,
        Value::Null,
        "The server had an error",
    );
    let reply = faulted(Fault::Overloaded {
        retry_after_secs: Some(1),
    });
    assert_error(&reply, 503, Value::Null, Value::Null, "overloaded");
    assert_eq!(reply.header("retry-after"), Some("1"));
    assert_eq!(reply.header("retry-after-ms"), Some("1000"));
    let reply = faulted(Fault::Quota);
    let code = json!("insufficient_quota");
    assert_error(
        &reply,
        429,
        code,
        Value::Null,
        "exceeded your current quota",
    );
    let reply = faulted(Fault::Arrearage);
    assert_eq!(reply.status, 402);
    assert_eq!(reply.json()["error"]["code"], 402);
    let reply = faulted(Fault::CodingAgentsOnly);
    let code = json!("unsupported_country_region_territory");
    assert_error(&reply, 403, code, Value::Null, "not supported");
}

#[test]
fn stream_faults_on_the_openai_surface() {
    let reply = faulted(Fault::MissingDone);
    assert!(reply.complete);
    assert_eq!(reply.deltas("content"), "echo: hello");
    assert!(!reply.text().contains("[DONE]"));
    assert!(
        reply
            .chunks()
            .iter()
            .all(|c| c["choices"][0]["finish_reason"].is_null())
    );
    let reply = faulted(Fault::ResetMidStream { after_chunks: 2 });
    assert!(reply.reset && !reply.complete);
    assert_eq!(reply.deltas("content"), "echo: he");
    let reply = faulted(Fault::MalformedFrame { after_chunks: 1 });
    let events = reply.events();
    // comment, role, "echo", then the bad frame.
    let bad = events.iter().position(|e| e == "data: {not json");
    assert_eq!(bad, Some(3), "{events:#?}");
    assert_eq!(reply.deltas("content"), "echo: hello");
    assert_eq!(events.last().map(String::as_str), Some("data: [DONE]"));

    let emulator = Emulator::start();
    emulator.push_fault(Fault::ErrorFrame { after_chunks: 0 });
    let reply = chat(&emulator, &ask("gpt-4.1", "hi"));
    let code = json!("server_error");
    assert_error(&reply, 502, code, Value::Null, "Provider disconnected");
}

#[test]
fn a_repeat_answer_streams_as_content() {
    let emulator = Emulator::start();
    emulator.set_answer(provcat_emulator::Answer::Repeat {
        piece: "hello ".into(),
        chunks: 2000,
    });
    let mut body = streaming("gpt-5", "hi");
    body["stream_options"] = json!({"include_usage": true});
    let reply = chat(&emulator, &body);
    assert!(reply.complete);
    assert_eq!(reply.deltas("content"), "hello ".repeat(2000));
    assert_eq!(reply.deltas("reasoning"), "");
    let usage = reply.chunks().last().expect("usage")["usage"].clone();
    assert_eq!(usage["completion_tokens"], 2000);
    assert_eq!(usage["completion_tokens_details"]["reasoning_tokens"], 0);
}
