//! The Anthropic front (`POST /v1/messages`) against each upstream dialect: whole messages
//! and event streams with usage, thinking from an OpenAI-dialect model, images.

use serde_json::{Value, json};

use super::{Gateway, MODELS, assert_no_client_key_upstream, sse};

fn ask(model: &str, stream: bool) -> Value {
    json!({
        "model": model,
        "max_tokens": 200,
        "system": [{"type": "text", "text": "be brief"}],
        "messages": [{"role": "user", "content": "hello world"}],
        "stream": stream,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_messages_from_every_dialect() {
    let gateway = Gateway::start().await;
    for model in MODELS {
        let response = gateway.post("/v1/messages", &ask(model, false)).await;
        assert_eq!(response.status(), 200, "{model}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["type"], "message", "{body}");
        assert_eq!(body["role"], "assistant");
        assert_eq!(body["model"], model);
        assert_eq!(
            body["content"],
            json!([{"type": "text", "text": "echo: hello world"}])
        );
        assert_eq!(body["stop_reason"], "end_turn");
        assert!(
            body["usage"]["input_tokens"].as_u64().unwrap() > 0,
            "{body}"
        );
        assert!(
            body["usage"]["output_tokens"].as_u64().unwrap() > 0,
            "{body}"
        );
    }
    let requests = gateway.emulator.requests();
    // The system prompt reached the OpenAI-dialect upstreams as a system message.
    assert_eq!(
        requests[1].body["messages"][0]["role"], "system",
        "{}",
        requests[1].body
    );
    assert_no_client_key_upstream(&gateway.emulator);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_streams_from_every_dialect() {
    let gateway = Gateway::start().await;
    for model in MODELS {
        let response = gateway.post("/v1/messages", &ask(model, true)).await;
        assert_eq!(response.status(), 200, "{model}");
        let events = sse(response).await;
        let names: Vec<&str> = events.iter().map(|(n, _)| n.as_deref().unwrap()).collect();
        assert_eq!(names.first(), Some(&"message_start"), "{names:?}");
        assert_eq!(names[1], "content_block_start");
        assert_eq!(
            &names[names.len() - 3..],
            ["content_block_stop", "message_delta", "message_stop"]
        );
        for (name, data) in &events {
            assert_eq!(
                data["type"].as_str(),
                name.as_deref(),
                "the data's type is the event name"
            );
        }
        let text: String = events
            .iter()
            .filter_map(|(_, d)| d["delta"]["text"].as_str())
            .collect();
        assert_eq!(text, "echo: hello world", "{model}");
        let delta = &events[events.len() - 2].1;
        assert_eq!(delta["delta"]["stop_reason"], "end_turn");
        assert!(
            delta["usage"]["output_tokens"].as_u64().unwrap() > 0,
            "{delta}"
        );
        assert!(
            delta["usage"]["input_tokens"].as_u64().unwrap() > 0,
            "{delta}"
        );
    }
    for request in gateway.emulator.requests() {
        assert_eq!(request.body["stream"], true);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thinking_from_an_openai_dialect_model_becomes_a_thinking_block() {
    let gateway = Gateway::start().await;
    let mut body = ask("gpt/o4-mini", true);
    body["thinking"] = json!({"type": "enabled", "budget_tokens": 1024});
    body["max_tokens"] = json!(4096);
    let response = gateway.post("/v1/messages", &body).await;
    assert_eq!(response.status(), 200);
    let events = sse(response).await;
    let starts: Vec<&str> = events
        .iter()
        .filter(|(n, _)| n.as_deref() == Some("content_block_start"))
        .map(|(_, d)| d["content_block"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(starts, ["thinking", "text"], "{events:?}");
    let thinking: String = events
        .iter()
        .filter_map(|(_, d)| d["delta"]["thinking"].as_str())
        .collect();
    assert!(!thinking.is_empty(), "{events:?}");
    let indexes: Vec<u64> = events
        .iter()
        .filter(|(n, _)| n.as_deref() == Some("content_block_stop"))
        .map(|(_, d)| d["index"].as_u64().unwrap())
        .collect();
    assert_eq!(indexes, [0, 1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_base64_image_reaches_an_openai_dialect_model_as_a_data_url() {
    let gateway = Gateway::start().await;
    let body = json!({
        "model": "gpt/gpt-4.1",
        "max_tokens": 100,
        "messages": [{"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
            {"type": "text", "text": "what is this"}
        ]}],
    });
    let response = gateway.post("/v1/messages", &body).await;
    assert_eq!(response.status(), 200);
    let upstream = &gateway.emulator.requests()[0].body;
    let part = &upstream["messages"][0]["content"][0];
    assert_eq!(
        part["image_url"]["url"], "data:image/png;base64,iVBORw0KGgo=",
        "{upstream}"
    );
}
