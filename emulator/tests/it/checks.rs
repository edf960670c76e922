//! Request checks, routing, recording, limits and the model lists.

use provcat_emulator::{Emulator, Plan, chat_models};
use serde_json::json;

use crate::client::{exchange, request};
use crate::{CODING, assert_envelope, assert_flat, chat, post, streaming};

#[test]
fn the_body_needs_a_model_and_messages() {
    let emulator = Emulator::start();
    let raw = request(crate::STANDARD, Some("sk-test"), b"{not json");
    let reply = exchange(emulator.addr(), &raw);
    assert_envelope(&reply, 400, "invalid_parameter_error", "");
    let reply = chat(
        &emulator,
        &json!({"messages": [{"role": "user", "content": "hi"}]}),
    );
    assert_envelope(&reply, 400, "invalid_parameter_error", "model");
    let reply = chat(&emulator, &json!({"model": "glm-5"}));
    assert_envelope(&reply, 400, "invalid_parameter_error", "messages");
}

#[test]
fn unknown_models_and_models_outside_the_plan() {
    let emulator = Emulator::start();
    let reply = chat(&emulator, &streaming("qwen-nope", "hi"));
    assert_envelope(
        &reply,
        404,
        "model_not_found",
        "The model `qwen-nope` does not exist or you do not have access to it.",
    );
    let body = streaming("qwen3.6-plus", "hi");
    let reply = post(&emulator, CODING, Some("sk-sp-x"), &body);
    assert_envelope(
        &reply,
        400,
        "invalid_parameter_error",
        "model `qwen3.6-plus` is not supported.",
    );
    assert_eq!(chat(&emulator, &body).status, 200);
}

#[test]
fn the_developer_role_is_rejected() {
    let emulator = Emulator::start();
    let body = json!({"model": "glm-5", "stream": true, "messages": [
        {"role": "developer", "content": "be brief"},
        {"role": "user", "content": "hi"},
    ]});
    let reply = chat(&emulator, &body);
    assert_envelope(&reply, 400, "invalid_parameter_error", "developer");
}

#[test]
fn images_only_for_image_models() {
    let emulator = Emulator::start();
    let content = json!([
        {"type": "text", "text": "what is this"},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
    ]);
    let body = |model: &str| json!({"model": model, "stream": true, "messages": [{"role": "user", "content": content}]});
    let reply = chat(&emulator, &body("glm-5"));
    assert_envelope(&reply, 400, "invalid_parameter_error", "image");
    let reply = chat(&emulator, &body("kimi-k2.5"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.deltas("content"), "echo: what is this");
}

#[test]
fn thinking_needs_streaming() {
    let emulator = Emulator::start();
    let message = json!([{"role": "user", "content": "hi"}]);
    let rule = "parameter.enable_thinking must be set to false for non-streaming calls";
    for body in [
        json!({"model": "glm-5", "enable_thinking": true, "messages": message}),
        json!({"model": "qwen3.5-plus", "messages": message}),
        json!({"model": "qwen3.6-plus", "stream": false, "messages": message}),
    ] {
        assert_envelope(
            &chat(&emulator, &body),
            400,
            "invalid_parameter_error",
            rule,
        );
    }
    let body = json!({"model": "qwen3.5-plus", "enable_thinking": false, "messages": message});
    assert_eq!(chat(&emulator, &body).status, 200);
}

#[test]
fn other_paths_and_methods_get_a_flat_404() {
    let emulator = Emulator::start();
    let reply = post(&emulator, "/v2/chat/completions", Some("sk-x"), &json!({}));
    assert_flat(
        &reply,
        404,
        "NotFound",
        "No route for POST /v2/chat/completions.",
    );
    let raw = b"GET /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    assert_eq!(exchange(emulator.addr(), raw).status, 404);
}

#[test]
fn every_request_is_recorded() {
    let emulator = Emulator::start();
    emulator.push_fault(provcat_emulator::Fault::ServerError);
    let body = streaming("glm-5", "hi");
    chat(&emulator, &body);
    post(&emulator, "/elsewhere?x=1", None, &json!([1]));
    let requests = emulator.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path, crate::STANDARD);
    assert_eq!(requests[0].header("AUTHORIZATION"), Some("Bearer sk-test"));
    assert_eq!(requests[0].body, body);
    assert_eq!(requests[1].path, "/elsewhere?x=1");
    assert_eq!(requests[1].body, json!([1]));
    assert_eq!(requests[1].header("authorization"), None);
}

#[test]
fn oversized_requests_are_refused() {
    let emulator = Emulator::start();
    let mut raw = b"POST /v1/chat/completions HTTP/1.1\r\nX-Big: ".to_vec();
    raw.extend(std::iter::repeat_n(b'a', 70 * 1024));
    raw.extend_from_slice(b"\r\n\r\n");
    assert_eq!(exchange(emulator.addr(), &raw).status, 431);
    let raw = b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n";
    assert_eq!(exchange(emulator.addr(), raw).status, 413);
    let raw = b"POST /v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_eq!(exchange(emulator.addr(), raw).status, 411);
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let emulator = Emulator::start();
    let body = streaming("glm-5", "hi").to_string();
    let first = request(crate::STANDARD, Some("sk-test"), body.as_bytes());
    let first = String::from_utf8(first)
        .expect("ascii")
        .replace("Connection: close\r\n", "");
    let mut raw = first.into_bytes();
    raw.extend(request(crate::STANDARD, Some("sk-test"), body.as_bytes()));
    let reply = exchange(emulator.addr(), &raw);
    let all: Vec<u8> = reply.reads.iter().flat_map(|(_, r)| r.clone()).collect();
    let text = String::from_utf8_lossy(&all);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
    assert_eq!(text.matches("data: [DONE]").count(), 2, "{text}");
}

#[test]
fn model_lists_per_plan() {
    let standard = chat_models(Plan::Standard);
    let coding = chat_models(Plan::Coding);
    assert_eq!(standard.len(), 9);
    assert!(standard.contains(&"qwen3.6-plus"));
    assert_eq!(coding.len(), 8);
    assert!(!coding.contains(&"qwen3.6-plus"));
}

#[test]
fn dropping_the_emulator_stops_it() {
    let emulator = Emulator::start();
    let addr = emulator.addr();
    drop(emulator);
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[test]
fn starts_and_stops_inside_another_runtime() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let emulator = Emulator::start();
        let reply = chat(&emulator, &streaming("glm-5", "hi"));
        assert_eq!(reply.deltas("content"), "echo: hi");
    });
}

#[test]
fn task_and_file_paths_take_exactly_one_segment() {
    let emulator = Emulator::start();
    for path in [
        "/api/v1/tasks/a/b",
        "/api/v1/tasks/",
        "/files/a/b.mp4",
        "/files/.mp4",
    ] {
        let raw = format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-1\r\nConnection: close\r\n\r\n"
        );
        let reply = exchange(emulator.addr(), raw.as_bytes());
        assert_flat(
            &reply,
            404,
            "NotFound",
            &format!("No route for GET {path}."),
        );
    }
}
