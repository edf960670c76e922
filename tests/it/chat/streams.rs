//! The DashScope-style chat surface: plain and thinking streams, non-streaming calls,
//! images, the `developer` role, streaming usage by host capability.

use provcat_emulator::Emulator;
use serde_json::Value;

use super::{KEY, chat, home_for};
use crate::support::{assert_stderr_has, config_dir, json_of, stderr, stdout};

#[test]
fn a_plain_stream_prints_the_answer_and_the_usage() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let out = chat(
        home.path(),
        KEY,
        &["-m", "modelstudio/glm-5", "hello", "world"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "echo: hello world\n");
    assert_stderr_has(&out, "tokens: ");
    let requests = emulator.requests();
    assert_eq!(requests.len(), 1);
    let body = &requests[0].body;
    assert_eq!(requests[0].path, "/compatible-mode/v1/chat/completions");
    assert_eq!(
        body["model"], "glm-5",
        "the canonical model id is sent for an alias"
    );
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
    assert!(body.get("enable_thinking").is_none(), "{body}");
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );

    let out = chat(home.path(), KEY, &["-m", "qwen/glm-5", "--json", "hello"]);
    let json = json_of(&out);
    assert_eq!(json["content"], "echo: hello");
    assert_eq!(json["reasoning"], Value::Null);
    assert_eq!(json["finish_reason"], "stop");
    let usage = &json["usage"];
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
    );
}

#[test]
fn a_thinking_stream_shows_reasoning_on_stderr_and_counts_it() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key-cn");
    let out = chat(home.path(), KEY, &["-m", "qwen/qwen3.5-plus", "why"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "echo: why\n",
        "reasoning never reaches stdout"
    );
    assert_stderr_has(&out, "thinking about: why");
    assert!(stderr(&out).contains("(reasoning "), "{}", stderr(&out));

    let hidden = chat(
        home.path(),
        KEY,
        &["-m", "qwen/qwen3.5-plus", "--hide-reasoning", "why"],
    );
    assert!(
        !stderr(&hidden).contains("thinking about"),
        "{}",
        stderr(&hidden)
    );

    let json = json_of(&chat(
        home.path(),
        KEY,
        &["-m", "qwen/qwen3.5-plus", "--json", "why"],
    ));
    assert_eq!(json["content"], "echo: why");
    assert_eq!(json["reasoning"], "thinking about: why");
    assert!(
        json["usage"]["completion_tokens_details"]["reasoning_tokens"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn non_streaming_turns_default_thinking_off() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let out = chat(
        home.path(),
        KEY,
        &["-m", "qwen/qwen3.5-plus", "--no-stream", "--json", "hi"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_of(&out)["content"], "echo: hi");
    let body = &emulator.requests()[0].body;
    assert_eq!(body["stream"], false);
    assert_eq!(body["enable_thinking"], false);
    assert!(body.get("stream_options").is_none());

    // A custom provider on a host the catalog does not know borrows no model facts (a
    // model is only ever looked up by provider and id): nothing is switched off for it.
    // (Custom providers on a catalog host do borrow them: see the config tests.)
    let custom = chat(
        home.path(),
        KEY,
        &["-m", "native/qwen3.5-plus", "--no-stream", "hi"],
    );
    assert_eq!(custom.status.code(), Some(2), "{}", stderr(&custom));
    assert!(emulator.requests()[1].body.get("enable_thinking").is_none());

    let refused = chat(
        home.path(),
        KEY,
        &["-m", "qwen/qwen3.5-plus", "--no-stream", "--thinking", "hi"],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(emulator.requests().len(), 2, "refused before any request");
}

#[test]
fn images_go_as_parts_and_a_text_only_model_refuses_them_before_any_request() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let png = home.path().join("cat.png");
    std::fs::write(&png, [0x89, b'P', b'N', b'G']).unwrap();
    let out = chat(
        home.path(),
        KEY,
        &[
            "-m",
            "qwen/kimi-k2.5",
            "--image",
            "https://example.com/a.jpg",
            "--image",
            png.to_str().unwrap(),
            "what is it",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let content = &emulator.requests()[0].body["messages"][0]["content"];
    assert_eq!(
        content[0],
        serde_json::json!({"type": "text", "text": "what is it"})
    );
    assert_eq!(content[1]["image_url"]["url"], "https://example.com/a.jpg");
    assert_eq!(
        content[2]["image_url"]["url"],
        "data:image/png;base64,iVBORw=="
    );

    let refused = chat(
        home.path(),
        KEY,
        &[
            "-m",
            "qwen/glm-5",
            "--image",
            "https://example.com/a.jpg",
            "hi",
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert_stderr_has(&refused, "not images");
    assert_eq!(
        emulator.requests().len(),
        1,
        "no request for the refused image"
    );
}

#[test]
fn developer_messages_go_as_system_where_the_host_rejects_them() {
    use provcat::client::{
        ChatOutcome, ChatRequest, Client, ClientOptions, Discard, Message, Role,
    };
    use provcat::config::{self, ConfigLocation, ConfigOrigin, Env};
    use provcat::resolve::{self, Request};

    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let loaded = config::load(ConfigLocation {
        path: config_dir(home.path()).join("config.toml"),
        origin: ConfigOrigin::Flag,
    })
    .unwrap();
    let env = Env::from_pairs([("QWEN_API_KEY", KEY), ("NATIVE_API_KEY", KEY)]);
    let client = Client::new(ClientOptions::default()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let request = ChatRequest {
        messages: vec![
            Message::text(Role::Developer, "be brief"),
            Message::text(Role::User, "hi"),
        ],
        stream: true,
        ..ChatRequest::default()
    };
    for (reference, sent_role) in [("qwen/glm-5", "system"), ("native/glm-5", "developer")] {
        let target = resolve::resolve(
            &Request {
                reference: Some(reference),
                ..Request::default()
            },
            &loaded,
            &env,
        )
        .unwrap();
        let mut outcome = ChatOutcome::default();
        let result = runtime.block_on(client.chat(
            &target,
            &request,
            &mut outcome,
            &mut Discard,
            &mut |_, _| {},
        ));
        let sent = emulator.requests().last().unwrap().body.clone();
        assert_eq!(sent["messages"][0]["role"], sent_role, "{reference}");
        // The emulator, like DashScope, rejects the developer role.
        assert_eq!(
            result.is_ok(),
            sent_role == "system",
            "{reference}: {result:?}"
        );
    }
}

#[test]
fn streaming_usage_follows_the_host_capability() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let native = json_of(&chat(
        home.path(),
        KEY,
        &["-m", "native/glm-5", "--json", "hi"],
    ));
    assert!(
        native["usage"]["total_tokens"].as_u64().is_some(),
        "{native}"
    );
    let generic = json_of(&chat(
        home.path(),
        KEY,
        &["-m", "generic/glm-5", "--json", "hi"],
    ));
    assert_eq!(generic["usage"], Value::Null, "{generic}");
    let bodies: Vec<Value> = emulator.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(bodies[0]["stream_options"]["include_usage"], true);
    assert!(bodies[1].get("stream_options").is_none());
}
