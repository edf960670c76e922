//! Anthropic streams: the named events in order, pings, thinking blocks, truncation by
//! `max_tokens`, and every fault.

use provcat_emulator::{Answer, Emulator, Fault};
use serde_json::{Value, json};

use crate::anthropic::{KEY, ask, assert_error, messages, post_with};
use crate::client::Reply;

/// A streaming request for `model` saying `text`.
fn streaming(model: &str, text: &str) -> Value {
    let mut body = ask(model, text);
    body["stream"] = json!(true);
    body
}

/// `streaming` with thinking enabled (budget 1024, `max_tokens` 4096).
fn thinking(text: &str) -> Value {
    let mut body = streaming("claude-sonnet-4-5", text);
    body["max_tokens"] = json!(4096);
    body["thinking"] = json!({"type": "enabled", "budget_tokens": 1024});
    body
}

/// The event names in order.
fn names(reply: &Reply) -> Vec<String> {
    reply.named().into_iter().map(|(name, _)| name).collect()
}

/// The concatenated delta fields (`text`, `thinking`) of `content_block_delta` events.
fn deltas(reply: &Reply, field: &str) -> String {
    reply
        .named()
        .iter()
        .filter(|(name, _)| name == "content_block_delta")
        .filter_map(|(_, data)| data["delta"][field].as_str().map(str::to_owned))
        .collect()
}

/// The data of the first event with this name.
fn first(reply: &Reply, name: &str) -> Value {
    reply
        .named()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, data)| data)
        .unwrap_or_else(|| panic!("no {name} event in {}", reply.text()))
}

#[test]
fn a_stream_has_named_events_in_order_with_pings() {
    let emulator = Emulator::start();
    let reply = messages(&emulator, &streaming("claude-haiku-4-5", "hello"));
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/event-stream; charset=utf-8")
    );
    assert!(
        reply
            .header("request-id")
            .is_some_and(|r| r.starts_with("req_"))
    );
    assert!(reply.complete && !reply.reset);
    assert_eq!(
        names(&reply),
        [
            "message_start",
            "ping",
            "content_block_start",
            "content_block_delta",
            "ping",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop",
        ]
    );
    // Every event is named and its data's type is its name; no [DONE].
    let events = reply.events();
    assert_eq!(events.len(), 10, "{events:#?}");
    for (name, data) in reply.named() {
        assert_eq!(data["type"], name.as_str(), "{data}");
    }
    assert!(!reply.text().contains("[DONE]"));

    let start = first(&reply, "message_start")["message"].clone();
    assert_eq!(start["content"], json!([]));
    assert_eq!(start["model"], "claude-haiku-4-5");
    assert_eq!(start["stop_reason"], Value::Null);
    assert_eq!(
        start["usage"],
        json!({"input_tokens": 2, "cache_creation_input_tokens": 0,
               "cache_read_input_tokens": 0, "output_tokens": 1})
    );
    assert_eq!(
        first(&reply, "content_block_start"),
        json!({"type": "content_block_start", "index": 0,
               "content_block": {"type": "text", "text": ""}})
    );
    assert_eq!(deltas(&reply, "text"), "echo: hello");
    assert_eq!(
        first(&reply, "message_delta"),
        json!({"type": "message_delta",
               "delta": {"stop_reason": "end_turn", "stop_sequence": null},
               "usage": {"output_tokens": 3}})
    );
}

#[test]
fn a_thinking_stream_has_a_thinking_block_then_a_text_block() {
    let emulator = Emulator::start();
    let reply = messages(&emulator, &thinking("hello"));
    let mut expected = vec!["message_start", "ping", "content_block_start"];
    // 6 reasoning pieces, a ping after the first, then the signature.
    expected.extend(["content_block_delta", "ping"]);
    expected.extend(["content_block_delta"; 5]);
    expected.extend([
        "content_block_delta",
        "content_block_stop",
        "content_block_start",
    ]);
    expected.extend(["content_block_delta"; 3]);
    expected.extend(["content_block_stop", "message_delta", "message_stop"]);
    assert_eq!(names(&reply), expected);

    let named = reply.named();
    let blocks: Vec<&Value> = named
        .iter()
        .filter(|(n, _)| n == "content_block_start")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(
        blocks[0],
        &json!({"type": "content_block_start", "index": 0,
                "content_block": {"type": "thinking", "thinking": "", "signature": ""}})
    );
    assert_eq!(blocks[1]["index"], 1);
    assert_eq!(blocks[1]["content_block"]["type"], "text");
    assert_eq!(deltas(&reply, "thinking"), "thinking about: hello");
    assert_eq!(deltas(&reply, "text"), "echo: hello");
    let signature = named
        .iter()
        .find(|(_, d)| d["delta"]["type"] == "signature_delta")
        .map(|(_, d)| d.clone())
        .expect("a signature delta");
    assert_eq!(signature["index"], 0);
    assert!(
        signature["delta"]["signature"]
            .as_str()
            .is_some_and(|s| s.starts_with("sig_") && s.len() > 4)
    );
    for (_, data) in named.iter().filter(|(n, _)| n == "content_block_delta") {
        let expected_index = match data["delta"]["type"].as_str() {
            Some("thinking_delta" | "signature_delta") => 0,
            _ => 1,
        };
        assert_eq!(data["index"], expected_index, "{data}");
    }
    assert_eq!(first(&reply, "message_delta")["usage"]["output_tokens"], 9);
}

#[test]
fn pings_follow_every_32nd_piece() {
    let emulator = Emulator::start();
    emulator.set_answer(Answer::Text {
        content: "x".repeat(100),
        reasoning: None,
        chunk_chars: 1,
    });
    let reply = messages(&emulator, &streaming("claude-haiku-4-5", "hi"));
    // The text deltas sent before each ping.
    let mut seen = 0;
    let mut pings = Vec::new();
    for name in names(&reply) {
        match name.as_str() {
            "content_block_delta" => seen += 1,
            "ping" => pings.push(seen),
            _ => {}
        }
    }
    assert_eq!(pings, [0, 1, 33, 65, 97]);
    assert_eq!(
        first(&reply, "message_delta")["usage"]["output_tokens"],
        100
    );
}

#[test]
fn max_tokens_truncates_the_answer() {
    let emulator = Emulator::start();
    let mut body = streaming("claude-haiku-4-5", "hello");
    body["max_tokens"] = json!(2);
    let reply = messages(&emulator, &body);
    assert_eq!(deltas(&reply, "text"), "echo: he");
    let delta = first(&reply, "message_delta");
    assert_eq!(delta["delta"]["stop_reason"], "max_tokens");
    assert_eq!(delta["usage"]["output_tokens"], 2);
    assert_eq!(
        names(&reply).last().map(String::as_str),
        Some("message_stop")
    );
    body["stream"] = json!(false);
    let message = messages(&emulator, &body).json();
    assert_eq!(message["content"][0]["text"], "echo: he");
    assert_eq!(message["stop_reason"], "max_tokens");
    assert_eq!(message["usage"]["output_tokens"], 2);

    // Reasoning is cut to its budget, then the whole answer to max_tokens.
    emulator.set_answer(Answer::Text {
        content: "abc".into(),
        reasoning: Some("r".repeat(2000)),
        chunk_chars: 1,
    });
    let mut body = thinking("hi");
    body["max_tokens"] = json!(1026);
    body["stream"] = json!(false);
    let message = messages(&emulator, &body).json();
    assert_eq!(message["content"][0]["thinking"], "r".repeat(1024));
    assert_eq!(message["content"][1]["text"], "ab");
    assert_eq!(message["stop_reason"], "max_tokens");
    assert_eq!(message["usage"]["output_tokens"], 1026);
    body["max_tokens"] = json!(1027);
    let message = messages(&emulator, &body).json();
    assert_eq!(message["content"][1]["text"], "abc");
    assert_eq!(message["stop_reason"], "end_turn");
}

/// One streaming request suffering `fault`.
fn faulted(fault: Fault) -> Reply {
    let emulator = Emulator::start();
    emulator.push_fault(fault);
    messages(&emulator, &streaming("claude-haiku-4-5", "hello"))
}

#[test]
fn an_error_event_ends_the_stream_mid_way() {
    let reply = faulted(Fault::ErrorFrame { after_chunks: 2 });
    assert_eq!(reply.status, 200);
    assert!(reply.complete && !reply.reset);
    assert_eq!(deltas(&reply, "text"), "echo: he");
    let events = reply.events();
    assert_eq!(
        events.last().map(String::as_str),
        Some(
            "event: error\ndata: {\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\"},\"type\":\"error\"}"
        )
    );
    let names = names(&reply);
    assert!(
        !names
            .iter()
            .any(|n| n == "message_stop" || n == "message_delta")
    );
}

#[test]
fn http_faults_speak_anthropic() {
    let reply = faulted(Fault::Overloaded {
        retry_after_secs: None,
    });
    assert_error(&reply, 529, "overloaded_error", "Overloaded");
    assert_eq!(reply.header("retry-after"), None);
    let reply = faulted(Fault::Overloaded {
        retry_after_secs: Some(5),
    });
    assert_error(&reply, 529, "overloaded_error", "Overloaded");
    assert_eq!(reply.header("retry-after"), Some("5"));
    let reply = faulted(Fault::RateLimit {
        retry_after_secs: Some(3),
    });
    assert_error(&reply, 429, "rate_limit_error", "rate limit");
    assert_eq!(reply.header("retry-after"), Some("3"));
    let reply = faulted(Fault::RateLimit {
        retry_after_secs: None,
    });
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after"), None);
    let reply = faulted(Fault::ServerError);
    assert_error(&reply, 500, "api_error", "Internal server error");
    let reply = faulted(Fault::Quota);
    assert_error(&reply, 400, "invalid_request_error", "API usage limits");
    let reply = faulted(Fault::Arrearage);
    assert_error(
        &reply,
        400,
        "invalid_request_error",
        "credit balance is too low",
    );
    let reply = faulted(Fault::CodingAgentsOnly);
    assert_error(&reply, 403, "permission_error", "does not have permission");
}

#[test]
fn resets_and_truncations() {
    let reply = faulted(Fault::ResetMidStream { after_chunks: 1 });
    assert_eq!(reply.status, 200);
    assert!(reply.reset && !reply.complete);
    assert_eq!(deltas(&reply, "text"), "echo");
    assert!(!names(&reply).iter().any(|n| n == "message_stop"));

    let reply = faulted(Fault::ResetBeforeHeaders);
    assert!(reply.reads.is_empty());

    let reply = faulted(Fault::MissingDone);
    assert!(reply.complete && !reply.reset);
    assert_eq!(deltas(&reply, "text"), "echo: hello");
    let names = names(&reply);
    assert_eq!(names.last().map(String::as_str), Some("message_delta"));
    assert!(!names.iter().any(|n| n == "message_stop"));

    let reply = faulted(Fault::MalformedFrame { after_chunks: 1 });
    assert!(reply.complete);
    let events = reply.events();
    let bad = events
        .iter()
        .position(|e| e == "event: content_block_delta\ndata: {not json");
    // message_start, ping, block start, "echo", ping, then the bad frame.
    assert_eq!(bad, Some(5), "{events:#?}");
    assert_eq!(deltas(&reply, "text"), "echo: hello");
}

#[test]
fn stream_faults_without_streaming() {
    let emulator = Emulator::start();
    let body = ask("claude-haiku-4-5", "hi");
    emulator.push_fault(Fault::ErrorFrame { after_chunks: 0 });
    assert_error(
        &messages(&emulator, &body),
        529,
        "overloaded_error",
        "Overloaded",
    );
    emulator.push_fault(Fault::MalformedFrame { after_chunks: 0 });
    assert_eq!(messages(&emulator, &body).text(), "{not json");
    emulator.push_fault(Fault::ResetMidStream { after_chunks: 0 });
    let reply = messages(&emulator, &body);
    assert!(reply.reset && !reply.complete);
}

#[test]
fn faults_wait_for_a_request_that_passes_the_header_checks() {
    let emulator = Emulator::start();
    emulator.push_fault(Fault::ServerError);
    let body = ask("claude-haiku-4-5", "hi");
    assert_eq!(
        post_with(&emulator, &[("x-api-key", KEY)], &body).status,
        400
    );
    assert_eq!(post_with(&emulator, &[], &body).status, 401);
    assert_eq!(messages(&emulator, &body).status, 500);
    assert_eq!(messages(&emulator, &body).status, 200);
}

#[test]
fn a_repeat_answer_streams_as_text_deltas() {
    let emulator = Emulator::start();
    emulator.set_answer(Answer::Repeat {
        piece: "hello ".into(),
        chunks: 2000,
    });
    let reply = messages(&emulator, &thinking("hi"));
    assert!(reply.complete);
    assert_eq!(deltas(&reply, "text"), "hello ".repeat(2000));
    assert_eq!(deltas(&reply, "thinking"), "");
    let names = names(&reply);
    // After message_start, then after pieces 1, 33, …, 1985.
    assert_eq!(names.iter().filter(|n| *n == "ping").count(), 1 + 63);
    assert_eq!(names.last().map(String::as_str), Some("message_stop"));
    assert_eq!(
        first(&reply, "message_delta")["usage"]["output_tokens"],
        2000
    );
}
