//! Bad input and upstream errors, each answered in the front's error shape (the bodies
//! the OpenAI and Anthropic SDKs parse) with its status, while the gateway keeps serving
//! everyone else; the routes besides chat.

use std::io::{Read, Write};
use std::time::Duration;

use provcat::serve::Limits;
use provcat_emulator::Fault;
use serde_json::{Value, json};

use super::{GPT_KEY, Gateway, Setup};

/// Checks `response` is an error of `status` in `front`'s shape, and returns its message.
async fn error_of(response: reqwest::Response, status: u16, anthropic: bool) -> String {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.unwrap();
    if anthropic {
        assert_eq!(body["type"], "error", "{body}");
        assert!(body["error"]["type"].is_string(), "{body}");
    } else {
        assert!(body["error"]["type"].is_string(), "{body}");
        assert!(body["error"].get("param").is_some(), "{body}");
        assert!(body["error"].get("code").is_some(), "{body}");
    }
    body["error"]["message"].as_str().unwrap().to_string()
}

fn path(anthropic: bool) -> &'static str {
    if anthropic {
        "/v1/messages"
    } else {
        "/v1/chat/completions"
    }
}

async fn post_raw(gateway: &Gateway, anthropic: bool, body: &'static str) -> reqwest::Response {
    reqwest::Client::new()
        .post(gateway.url(path(anthropic)))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_a_missing_model_an_unknown_ref_and_a_video_model_in_each_shape() {
    let gateway = Gateway::start().await;
    for anthropic in [false, true] {
        let message = error_of(
            post_raw(&gateway, anthropic, "{\"model\": ").await,
            400,
            anthropic,
        )
        .await;
        assert!(message.contains("not valid JSON"), "{message}");
        let message = error_of(
            post_raw(
                &gateway,
                anthropic,
                r#"{"messages": [{"role": "user", "content": "hi"}]}"#,
            )
            .await,
            400,
            anthropic,
        )
        .await;
        assert!(message.contains("`model` is missing"), "{message}");
        let ask = |model: &str| json!({"model": model, "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]});
        let message = error_of(
            gateway
                .post(path(anthropic), &ask("qwen/qwen3.5-plsu"))
                .await,
            404,
            anthropic,
        )
        .await;
        assert!(
            message.contains("unknown model ref `qwen/qwen3.5-plsu`"),
            "{message}"
        );
        assert!(
            message.contains("did you mean `qwen/qwen3.5-plus`"),
            "{message}"
        );
        let message = error_of(
            gateway
                .post(path(anthropic), &ask("alibaba/wan2.6-t2v"))
                .await,
            400,
            anthropic,
        )
        .await;
        assert!(message.contains("video model"), "{message}");
        let message = error_of(
            post_raw(&gateway, anthropic, r#"{"model": "gpt/gpt-4.1", "messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function"}]}"#).await,
            400,
            anthropic,
        )
        .await;
        assert!(message.contains("tool"), "{message}");
    }
    assert!(
        gateway.emulator.requests().is_empty(),
        "nothing went upstream"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_errors_keep_their_meaning_and_never_show_the_key() {
    let gateway = Gateway::start().await;
    let ask = |model: &str, stream: bool| json!({"model": model, "max_tokens": 10, "stream": stream, "messages": [{"role": "user", "content": "hi"}]});
    // An upstream that quotes the key in its error: scrubbed.
    gateway.emulator.push_fault(Fault::Status {
        status: 401,
        body: format!(r#"{{"error":{{"message":"Incorrect API key provided: {GPT_KEY}","type":"invalid_request_error","code":"invalid_api_key"}}}}"#),
    });
    let response = gateway
        .post("/v1/chat/completions", &ask("gpt/gpt-4.1", false))
        .await;
    let message = error_of(response, 401, false).await;
    assert!(
        !message.contains(GPT_KEY) && !message.contains("0123456789"),
        "{message}"
    );
    assert!(
        message.contains("GPT_API_KEY"),
        "the advice names the key's source: {message}"
    );
    // Rate limited past the retries: 429, for a stream too (nothing was sent yet).
    for _ in 0..3 {
        gateway.emulator.push_fault(Fault::RateLimit {
            retry_after_secs: None,
        });
    }
    let response = gateway
        .post("/v1/messages", &ask("claude/claude-haiku-4-5", true))
        .await;
    error_of(response, 429, true).await;
    // Overloaded: Anthropic's 529 for an Anthropic client, 503 for an OpenAI one.
    for _ in 0..3 {
        gateway.emulator.push_fault(Fault::Overloaded {
            retry_after_secs: None,
        });
    }
    error_of(
        gateway
            .post("/v1/messages", &ask("claude/claude-haiku-4-5", false))
            .await,
        529,
        true,
    )
    .await;
    for _ in 0..3 {
        gateway.emulator.push_fault(Fault::Overloaded {
            retry_after_secs: None,
        });
    }
    error_of(
        gateway
            .post(
                "/v1/chat/completions",
                &ask("claude/claude-haiku-4-5", false),
            )
            .await,
        503,
        false,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_inside_a_stream_ends_it_in_the_fronts_shape_after_what_came() {
    let gateway = Gateway::start().await;
    let ask = json!({"model": "gpt/gpt-4.1", "stream": true, "messages": [{"role": "user", "content": "hello world"}]});
    gateway
        .emulator
        .push_fault(Fault::ErrorFrame { after_chunks: 2 });
    let frames = super::sse(gateway.post("/v1/chat/completions", &ask).await).await;
    let text: String = frames
        .iter()
        .filter_map(|(_, c)| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "echo: he", "{frames:?}");
    let last = &frames.last().unwrap().1;
    assert!(last["error"]["message"].is_string(), "{frames:?}");
    assert!(frames.iter().all(|(_, c)| c != "[DONE]"));

    let mut ask = ask;
    ask["model"] = json!("claude/claude-haiku-4-5");
    gateway
        .emulator
        .push_fault(Fault::ErrorFrame { after_chunks: 2 });
    let events = super::sse(gateway.post("/v1/messages", &ask).await).await;
    let (name, data) = events.last().unwrap();
    assert_eq!(name.as_deref(), Some("error"), "{events:?}");
    assert_eq!(data["type"], "error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_413_and_stalled_or_garbled_requests_do_not_stop_others() {
    let gateway = Gateway::start_with(Setup {
        limits: Limits {
            max_body: 2048,
            header_read_timeout: Duration::from_millis(300),
            body_read_timeout: Duration::from_millis(300),
            ..Limits::default()
        },
        ..Setup::default()
    })
    .await;
    let big = json!({"model": "gpt/gpt-4.1", "messages": [{"role": "user", "content": "x".repeat(4096)}]});
    for anthropic in [false, true] {
        let message = error_of(gateway.post(path(anthropic), &big).await, 413, anthropic).await;
        assert!(message.contains("2048 bytes"), "{message}");
    }
    let addr = gateway.addr;
    let raw = move |request: Vec<u8>| {
        std::thread::spawn(move || {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            stream.write_all(&request).unwrap();
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
            String::from_utf8_lossy(&answer).into_owned()
        })
    };
    // Half a body, then nothing: 408 in the front's shape.
    let half_body = raw(b"POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"model\":".to_vec());
    // Half the headers, then nothing: the connection is closed.
    let half_headers = raw(b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-le".to_vec());
    // A header that is not text, where the gateway reads one.
    let garbled = raw(b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 2\r\nx-api-key: \xff\xfe\r\n\r\n{}".to_vec());
    // Meanwhile everyone else is served.
    let ok = gateway
        .post(
            "/v1/chat/completions",
            &json!({"model": "gpt/gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(ok.status(), 200);
    let half_body = half_body.join().unwrap();
    assert!(half_body.starts_with("HTTP/1.1 408"), "{half_body}");
    assert!(
        half_body.contains(r#""type":"timeout_error""#),
        "{half_body}"
    );
    let half_headers = half_headers.join().unwrap();
    assert!(!half_headers.contains("200 OK"), "{half_headers}");
    let garbled = garbled.join().unwrap();
    assert!(garbled.starts_with("HTTP/1.1 400"), "{garbled}");
    assert!(
        garbled.contains("`x-api-key` header is not valid text"),
        "{garbled}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_health_and_unknown_routes() {
    let gateway = Gateway::start().await;
    let list: Value = gateway.get("/v1/models").await.json().await.unwrap();
    assert_eq!(list["object"], "list");
    let qwen = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "qwen/qwen3.5-plus")
        .unwrap();
    assert_eq!(qwen["object"], "model");
    assert_eq!(qwen["owned_by"], "qwen");
    assert_eq!(qwen["provcat"]["kind"], "chat");
    assert!(qwen["provcat"]["context_window"].as_u64().unwrap() > 0);
    let one: Value = gateway
        .get("/v1/models/modelstudio/qwen3.5-plus")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["id"], "qwen/qwen3.5-plus", "an alias finds its model");
    let custom: Value = gateway
        .get("/v1/models/gpt/gpt-4.1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(custom["owned_by"], "gpt");
    let message = error_of(
        gateway.get("/v1/models/qwen/qwen3.5-plsu").await,
        404,
        false,
    )
    .await;
    assert!(message.contains("did you mean"), "{message}");
    let health: Value = gateway.get("/healthz").await.json().await.unwrap();
    assert_eq!(health, json!({"status": "ok"}));
    error_of(gateway.get("/v1/messages/nowhere").await, 404, true).await;
    error_of(gateway.get("/v1/chat/completions").await, 405, false).await;
}
