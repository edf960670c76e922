//! The OpenAI front (`POST /v1/chat/completions`) against each upstream dialect: whole
//! answers and streams with usage, the client's streaming choice kept upstream, the
//! client's key never forwarded, aliases, reasoning, retries counted.

use provcat_emulator::Fault;
use serde_json::{Value, json};

use super::{Gateway, MODELS, assert_no_client_key_upstream, sse};

fn ask(model: &str, stream: bool) -> Value {
    json!({
        "model": model,
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": [{"type": "text", "text": "hello world"}]}
        ],
        "stream": stream,
        "stream_options": if stream { json!({"include_usage": true}) } else { Value::Null },
        "max_tokens": 100,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_answers_from_every_dialect_in_chat_completions_shape() {
    let gateway = Gateway::start().await;
    for model in MODELS {
        let response = gateway
            .post("/v1/chat/completions", &ask(model, false))
            .await;
        assert_eq!(response.status(), 200, "{model}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["object"], "chat.completion", "{body}");
        assert_eq!(body["model"], model);
        assert_eq!(body["choices"][0]["message"]["role"], "assistant");
        assert_eq!(
            body["choices"][0]["message"]["content"],
            "echo: hello world"
        );
        assert_eq!(body["choices"][0]["finish_reason"], "stop");
        let usage = &body["usage"];
        assert!(usage["prompt_tokens"].as_u64().unwrap() > 0, "{body}");
        assert_eq!(
            usage["total_tokens"].as_u64().unwrap(),
            usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
        );
        // The catalog prices qwen3.5-plus on the Standard plan (USD 0.4 in, 2.4 out per
        // million); the custom providers' models have no price, so no extension.
        if model == "qwen/qwen3.5-plus" {
            let prompt = usage["prompt_tokens"].as_f64().unwrap();
            let completion = usage["completion_tokens"].as_f64().unwrap();
            let expected = (prompt * 0.4 + completion * 2.4) / 1e6;
            let cost = usage["provcat"]["cost_usd"]
                .as_f64()
                .expect("the call's cost");
            assert!(
                (cost - expected).abs() < 1e-12,
                "{cost} != {expected}: {body}"
            );
        } else {
            assert!(usage.get("provcat").is_none(), "{model}: {body}");
        }
    }
    let requests = gateway.emulator.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_ne!(
            request.body["stream"], true,
            "a whole answer is asked whole upstream"
        );
    }
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {}", super::QWEN_KEY).as_str())
    );
    assert_eq!(
        requests[1].header("authorization"),
        Some(format!("Bearer {}", super::GPT_KEY).as_str())
    );
    assert_eq!(requests[2].header("x-api-key"), Some(super::CLAUDE_KEY));
    assert_eq!(
        requests[2].body["system"], "be brief",
        "the system prompt in Anthropic's place"
    );
    assert_no_client_key_upstream(&gateway.emulator);
    assert_eq!(
        gateway
            .metric("provcat_requests_total{front=\"openai-completions\",status=\"200\"}")
            .await,
        3.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_from_every_dialect_as_chunks_with_usage_and_done() {
    let gateway = Gateway::start().await;
    for model in MODELS {
        let response = gateway
            .post("/v1/chat/completions", &ask(model, true))
            .await;
        assert_eq!(response.status(), 200, "{model}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        let frames = sse(response).await;
        let (last, rest) = frames.split_last().unwrap();
        assert_eq!(last.1, "[DONE]", "{model}: {frames:?}");
        assert_eq!(rest[0].1["choices"][0]["delta"]["role"], "assistant");
        let text: String = rest
            .iter()
            .filter_map(|(_, c)| c["choices"][0]["delta"]["content"].as_str())
            .collect();
        assert_eq!(text, "echo: hello world", "{model}");
        let finish = rest
            .iter()
            .find_map(|(_, c)| c["choices"][0]["finish_reason"].as_str())
            .unwrap();
        assert_eq!(finish, "stop");
        let usage = &rest.last().unwrap().1;
        assert_eq!(usage["choices"], json!([]), "{model}: the usage chunk");
        assert!(
            usage["usage"]["completion_tokens"].as_u64().unwrap() > 0,
            "{usage}"
        );
        for (_, chunk) in rest {
            assert_eq!(chunk["object"], "chat.completion.chunk");
            assert_eq!(chunk["model"], model);
        }
    }
    for request in gateway.emulator.requests() {
        assert_eq!(
            request.body["stream"], true,
            "a stream is asked as a stream upstream"
        );
    }
    assert_no_client_key_upstream(&gateway.emulator);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_include_usage_a_stream_has_no_usage_chunk() {
    let gateway = Gateway::start().await;
    let mut body = ask("gpt/gpt-4.1", true);
    body["stream_options"] = Value::Null;
    let frames = sse(gateway.post("/v1/chat/completions", &body).await).await;
    assert!(
        frames.iter().all(|(_, c)| c.get("usage").is_none()),
        "{frames:?}"
    );
    assert_eq!(frames.last().unwrap().1, "[DONE]");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alias_reaches_its_model_and_reasoning_streams_from_an_anthropic_model() {
    let gateway = Gateway::start().await;
    let response = gateway
        .post(
            "/v1/chat/completions",
            &ask("modelstudio/qwen3.5-plus", false),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["model"], "modelstudio/qwen3.5-plus",
        "named as the client did"
    );
    assert_eq!(gateway.emulator.requests()[0].body["model"], "qwen3.5-plus");

    let mut thinking = ask("claude/claude-sonnet-4-5", true);
    thinking["reasoning_effort"] = json!("high");
    thinking["max_tokens"] = json!(4096);
    let frames = sse(gateway.post("/v1/chat/completions", &thinking).await).await;
    let reasoning: String = frames
        .iter()
        .filter_map(|(_, c)| c["choices"][0]["delta"]["reasoning_content"].as_str())
        .collect();
    assert_eq!(reasoning, "thinking about: hello world", "{frames:?}");
    let upstream = &gateway.emulator.requests()[1].body;
    assert_eq!(upstream["thinking"]["type"], "enabled", "{upstream}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_before_the_first_byte_are_counted_and_the_answer_still_comes() {
    let gateway = Gateway::start().await;
    gateway.emulator.push_fault(Fault::RateLimit {
        retry_after_secs: None,
    });
    gateway.emulator.push_fault(Fault::ServerError);
    let response = gateway
        .post("/v1/chat/completions", &ask("gpt/gpt-4.1", true))
        .await;
    assert_eq!(response.status(), 200);
    let frames = sse(response).await;
    assert_eq!(frames.last().unwrap().1, "[DONE]");
    assert_eq!(
        gateway.emulator.requests().len(),
        3,
        "two retries, then the answer"
    );
    assert_eq!(gateway.metric("provcat_upstream_retries_total").await, 2.0);
}
