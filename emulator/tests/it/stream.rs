//! Normal answers: stream frames and their order, usage, thinking, the CJK split,
//! non-streaming completions and the answer kinds.

use provcat_emulator::{Answer, Emulator};
use serde_json::{Value, json};

use crate::{chat, streaming};

#[test]
fn a_plain_stream_has_dashscopes_shape() {
    let emulator = Emulator::start();
    let reply = chat(&emulator, &streaming("glm-5", "hello"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("text/event-stream"));
    assert_eq!(reply.header("transfer-encoding"), Some("chunked"));
    assert!(reply.complete && !reply.reset);
    let events = reply.events();
    assert_eq!(events[0], ": keep-alive");
    assert_eq!(events.last().map(String::as_str), Some("data: [DONE]"));
    let chunks = reply.chunks();
    // role, "echo", ": he", "llo", stop
    assert_eq!(chunks.len(), 5, "{events:#?}");
    assert_eq!(
        chunks[0]["choices"][0]["delta"],
        json!({"role": "assistant", "content": ""})
    );
    let pieces: Vec<&str> = chunks[1..4]
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(pieces, ["echo", ": he", "llo"]);
    let stop = &chunks[4]["choices"][0];
    assert_eq!(stop["finish_reason"], "stop");
    assert_eq!(stop["delta"]["content"], "");
    for chunk in &chunks {
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert_eq!(chunk["model"], "glm-5");
        assert_eq!(chunk["usage"], Value::Null);
        assert!(chunk.as_object().is_some_and(|c| c.contains_key("usage")));
        assert!(
            chunk["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("chatcmpl-"))
        );
    }
    for chunk in &chunks[..4] {
        assert_eq!(chunk["choices"][0]["finish_reason"], Value::Null);
    }
}

#[test]
fn usage_comes_only_with_include_usage() {
    let emulator = Emulator::start();
    let mut body = json!({"model": "glm-5", "stream": true, "messages": [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hello"},
    ]});
    assert!(
        chat(&emulator, &body)
            .chunks()
            .iter()
            .all(|c| c["usage"].is_null())
    );
    body["stream_options"] = json!({"include_usage": true});
    let reply = chat(&emulator, &body);
    let chunks = reply.chunks();
    let last = chunks.last().expect("chunks");
    assert_eq!(last["choices"], json!([]));
    // 13 prompt chars / 4 + 1 = 4; "echo: hello" is 3 pieces.
    assert_eq!(
        last["usage"],
        json!({"prompt_tokens": 4, "completion_tokens": 3, "total_tokens": 7,
               "prompt_tokens_details": {"cached_tokens": 0}})
    );
    assert!(
        chunks[..chunks.len() - 1]
            .iter()
            .all(|c| c["usage"].is_null())
    );
    let events = reply.events();
    assert_eq!(events.last().map(String::as_str), Some("data: [DONE]"));
}

#[test]
fn thinking_models_reason_first() {
    let emulator = Emulator::start();
    let mut body = streaming("qwen3.5-plus", "hi");
    body["stream_options"] = json!({"include_usage": true});
    let reply = chat(&emulator, &body);
    assert_eq!(reply.deltas("reasoning_content"), "thinking about: hi");
    assert_eq!(reply.deltas("content"), "echo: hi");
    let chunks = reply.chunks();
    let deltas: Vec<&Value> = chunks.iter().map(|c| &c["choices"][0]["delta"]).collect();
    assert_eq!(
        deltas[0],
        &json!({"role": "assistant", "content": null, "reasoning_content": ""})
    );
    // 5 reasoning pieces, then 2 content pieces, then the stop chunk.
    for delta in &deltas[1..6] {
        assert!(delta["content"].is_null() && delta["reasoning_content"].is_string());
    }
    for delta in &deltas[6..9] {
        assert!(delta["reasoning_content"].is_null() && delta["content"].is_string());
    }
    let usage = &chunks[9]["usage"];
    assert_eq!(
        usage["completion_tokens_details"],
        json!({"reasoning_tokens": 5})
    );
    assert_eq!(usage["completion_tokens"], 7);
    assert_eq!(usage["prompt_tokens"], 1);

    body["enable_thinking"] = json!(false);
    let reply = chat(&emulator, &body);
    assert_eq!(reply.deltas("reasoning_content"), "");
    assert_eq!(reply.deltas("content"), "echo: hi");
    let usage = reply.chunks().last().expect("usage")["usage"].clone();
    assert!(usage.get("completion_tokens_details").is_none(), "{usage}");

    let mut body = streaming("glm-5", "hi");
    body["enable_thinking"] = json!(true);
    assert_eq!(
        chat(&emulator, &body).deltas("reasoning_content"),
        "thinking about: hi"
    );
}

#[test]
fn a_cjk_character_is_split_across_two_writes() {
    let emulator = Emulator::start();
    let reply = chat(&emulator, &streaming("glm-5", "你好，世界"));
    assert_eq!(reply.deltas("content"), "echo: 你好，世界");
    let mut seen = Vec::new();
    let mut split = false;
    for (_, read) in &reply.reads {
        seen.extend_from_slice(read);
        if let Err(e) = std::str::from_utf8(&seen) {
            split |= e.error_len().is_none();
        }
    }
    assert!(
        split,
        "no read ended inside a character: {:?}",
        reply.reads.len()
    );
}

#[test]
fn non_streaming_answers_are_chat_completions() {
    let emulator = Emulator::start();
    let body =
        json!({"model": "qwen3-coder-plus", "messages": [{"role": "user", "content": "hello"}]});
    let reply = chat(&emulator, &body);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let completion = reply.json();
    assert_eq!(completion["object"], "chat.completion");
    assert_eq!(completion["model"], "qwen3-coder-plus");
    assert_eq!(
        completion["choices"][0]["message"],
        json!({"role": "assistant", "content": "echo: hello"})
    );
    assert_eq!(completion["choices"][0]["finish_reason"], "stop");
    assert_eq!(completion["usage"]["prompt_tokens"], 2);
    assert_eq!(completion["usage"]["completion_tokens"], 3);
    assert_eq!(completion["usage"]["total_tokens"], 5);
    assert!(completion["id"].is_string() && completion["created"].is_u64());
}

#[test]
fn text_and_repeat_answers() {
    let emulator = Emulator::start();
    emulator.set_answer(Answer::Text {
        content: "abcdef".into(),
        reasoning: Some("xyz".into()),
        chunk_chars: 2,
    });
    let mut body = streaming("qwen3.5-plus", "hi");
    let reply = chat(&emulator, &body);
    assert_eq!(reply.deltas("reasoning_content"), "xyz");
    assert_eq!(reply.deltas("content"), "abcdef");
    // role + 2 reasoning + 3 content + stop
    assert_eq!(reply.chunks().len(), 7);

    emulator.set_answer(Answer::Repeat {
        piece: "hello ".into(),
        chunks: 2000,
    });
    body["stream_options"] = json!({"include_usage": true});
    let reply = chat(&emulator, &body);
    assert!(reply.complete);
    assert_eq!(reply.deltas("content"), "hello ".repeat(2000));
    let usage = reply.chunks().last().expect("usage")["usage"].clone();
    assert_eq!(usage["completion_tokens"], 2000);
    assert_eq!(usage["completion_tokens_details"]["reasoning_tokens"], 0);
}
