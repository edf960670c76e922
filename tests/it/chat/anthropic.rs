//! `provcat chat` in the `anthropic-messages` dialect: a custom provider with `api =
//! "anthropic-messages"` and the base URL written as the provider documents it (the client
//! appends `/v1/messages`), against the emulator's Anthropic surface — text and thinking
//! streams, non-streaming, usage, finish reasons, every error type with its exit code and
//! advice, an error event mid-stream, truncation, retries on 429 and 529 honouring
//! `retry-after`, images, and the system prompt.

use std::path::Path;

use provcat_emulator::{Emulator, Fault};
use serde_json::{Value, json};

use crate::support::{Run, assert_stderr_has, config_dir, json_of, stderr, stdout};

const KEY: &str = "sk-ant-test0123456789WXYZ";

/// A home whose config has the custom provider `claude` on the emulator's Anthropic base.
fn home(emulator: &Emulator) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[models.providers.claude]\napi = \"anthropic-messages\"\nbaseUrl = \"{}\"\n",
            emulator.anthropic_base_url()
        ),
    )
    .unwrap();
    home
}

fn chat(home: &Path, key: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["chat"];
    all.extend_from_slice(args);
    Run {
        cwd: home,
        args: &all,
        home,
        env: &[("CLAUDE_API_KEY", key)],
        stdin: None,
    }
    .output()
}

#[test]
fn a_text_stream_goes_to_v1_messages_with_the_anthropic_headers_and_usage() {
    let emulator = Emulator::start();
    let home = home(&emulator);
    let out = chat(
        home.path(),
        KEY,
        &[
            "-m",
            "claude/claude-haiku-4-5",
            "--system",
            "be brief",
            "hello",
            "world",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "echo: hello world\n");
    // 19 prompt characters ("be brief", "hello world"); 17 of answer in pieces of 4.
    assert_stderr_has(
        &out,
        "tokens: 5 prompt + 5 completion = 10 · cost unknown (the catalog has no price for this model) · claude-haiku-4-5 · stop",
    );
    let requests = emulator.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.path, "/anthropic/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(request.header("authorization"), None, "no Bearer key");
    let body = &request.body;
    assert_eq!(body["model"], "claude-haiku-4-5");
    assert_eq!(body["system"], "be brief", "system as a top-level field");
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": "hello world"}])
    );
    assert_eq!(
        body["max_tokens"], 4096,
        "always sent: the documented default"
    );
    assert_eq!(body["stream"], true);
    assert!(body.get("thinking").is_none(), "{body}");

    let json = json_of(&chat(
        home.path(),
        KEY,
        &["-m", "claude/claude-haiku-4-5", "--json", "hello"],
    ));
    assert_eq!(json["content"], "echo: hello");
    assert_eq!(json["finish_reason"], "stop");
    let usage = &json["usage"];
    assert_eq!(
        (
            &usage["prompt_tokens"],
            &usage["completion_tokens"],
            &usage["total_tokens"]
        ),
        (&json!(2), &json!(3), &json!(5))
    );
    assert_eq!(usage["input_tokens"], 2, "the raw numbers are kept");
    assert_eq!(usage["output_tokens"], 3);
}

#[test]
fn a_thinking_stream_sends_a_budget_and_shows_the_reasoning() {
    let emulator = Emulator::start();
    let home = home(&emulator);
    let out = chat(
        home.path(),
        KEY,
        &["-m", "claude/claude-sonnet-4-5", "--thinking", "why"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "echo: why\n",
        "reasoning never reaches stdout"
    );
    assert_stderr_has(&out, "thinking about: why");
    let body = &emulator.requests()[0].body;
    assert_eq!(
        body["thinking"],
        json!({"type": "enabled", "budget_tokens": 2048}),
        "half of max_tokens"
    );
    let json = json_of(&chat(
        home.path(),
        KEY,
        &[
            "-m",
            "claude/claude-sonnet-4-5",
            "--thinking",
            "--json",
            "why",
        ],
    ));
    assert_eq!(json["reasoning"], "thinking about: why");
    assert_eq!(json["content"], "echo: why");
    // Reasoning counts as output: 5 reasoning pieces and 3 content pieces.
    assert_eq!(json["usage"]["completion_tokens"], 8);

    // A budget needs room: at least 1024 tokens and below max_tokens.
    let refused = chat(
        home.path(),
        KEY,
        &[
            "-m",
            "claude/claude-sonnet-4-5",
            "--thinking",
            "--max-tokens",
            "1024",
            "why",
        ],
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert_stderr_has(&refused, "needs a max_tokens above 1024");
    assert_eq!(emulator.requests().len(), 2, "refused before any request");
    let out = chat(
        home.path(),
        KEY,
        &[
            "-m",
            "claude/claude-sonnet-4-5",
            "--thinking",
            "--max-tokens",
            "1025",
            "why",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        emulator.requests()[2].body["thinking"]["budget_tokens"],
        1024
    );
}

#[test]
fn a_non_streaming_message_is_read_block_by_block_and_finish_reasons_are_mapped() {
    let emulator = Emulator::start();
    let home = home(&emulator);
    let json = json_of(&chat(
        home.path(),
        KEY,
        &[
            "-m",
            "claude/claude-sonnet-4-5",
            "--no-stream",
            "--thinking",
            "--json",
            "why not",
        ],
    ));
    assert_eq!(json["content"], "echo: why not");
    assert_eq!(json["reasoning"], "thinking about: why not");
    assert_eq!(json["finish_reason"], "stop", "end_turn");
    assert_eq!(emulator.requests()[0].body["stream"], false);
    // A small max_tokens cuts the answer: max_tokens → length, streamed or not.
    for stream in [true, false] {
        let mut args = vec![
            "-m",
            "claude/claude-haiku-4-5",
            "--max-tokens",
            "2",
            "--json",
        ];
        if !stream {
            args.push("--no-stream");
        }
        args.push("a long enough prompt");
        let json = json_of(&chat(home.path(), KEY, &args));
        assert_eq!(json["finish_reason"], "length", "stream: {stream}");
        assert_eq!(json["content"], "echo: a ", "stream: {stream}");
        assert_eq!(json["usage"]["completion_tokens"], 2);
    }
}

#[test]
fn images_go_as_url_and_base64_blocks() {
    let emulator = Emulator::start();
    let home = home(&emulator);
    let png = home.path().join("cat.png");
    std::fs::write(&png, [0x89, b'P', b'N', b'G']).unwrap();
    let out = chat(
        home.path(),
        KEY,
        &[
            "-m",
            "claude/claude-haiku-4-5",
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
        content,
        &json!([
            {"type": "text", "text": "what is it"},
            {"type": "image", "source": {"type": "url", "url": "https://example.com/a.jpg"}},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw=="}},
        ])
    );
    // A type the API does not take is refused before any request.
    let bmp = home.path().join("cat.bmp");
    std::fs::write(&bmp, b"BM").unwrap();
    let refused = chat(
        home.path(),
        KEY,
        &[
            "-m",
            "claude/claude-haiku-4-5",
            "--image",
            bmp.to_str().unwrap(),
            "hi",
        ],
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert_stderr_has(&refused, "`image/bmp` is none of them");
    assert_eq!(emulator.requests().len(), 1);
}

/// (what, key, model, fault, exit code, texts stderr must contain)
type Case<'a> = (&'a str, &'a str, &'a str, Option<Fault>, i32, &'a [&'a str]);

#[test]
fn every_error_type_has_its_exit_code_and_advice() {
    let emulator = Emulator::start();
    let home = home(&emulator);
    let haiku = "claude/claude-haiku-4-5";
    let cases: Vec<Case<'_>> = vec![
        (
            "authentication_error",
            "sk-ant-bad0123456789abcd",
            haiku,
            None,
            3,
            &["HTTP 401 authentication_error", "CLAUDE_API_KEY", "was refused by"],
        ),
        (
            "not_found_error",
            KEY,
            "claude/claude-opus-9",
            None,
            2,
            &["HTTP 404 not_found_error", "check the model id against claude's model list"],
        ),
        (
            "permission_error",
            KEY,
            haiku,
            Some(Fault::CodingAgentsOnly),
            3,
            &["HTTP 403 permission_error", "does not let this key make this request"],
        ),
        (
            "billing (credit balance)",
            KEY,
            haiku,
            Some(Fault::Arrearage),
            3,
            &["credit balance is too low", "does not recover by retrying"],
        ),
        (
            "quota (usage limits)",
            KEY,
            haiku,
            Some(Fault::Quota),
            3,
            &["API usage limits", "does not recover by retrying"],
        ),
        (
            "request_too_large",
            KEY,
            haiku,
            Some(Fault::Status {
                status: 413,
                body: r#"{"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}}"#.into(),
            }),
            2,
            &["HTTP 413 request_too_large", "maximum allowed number of bytes"],
        ),
        (
            "invalid_request_error",
            KEY,
            haiku,
            Some(Fault::Status {
                status: 400,
                body: r#"{"type":"error","error":{"type":"invalid_request_error","message":"messages: text content blocks must be non-empty"}}"#.into(),
            }),
            2,
            &["HTTP 400 invalid_request_error", "must be non-empty"],
        ),
    ];
    for (name, key, model, fault, code, expected) in cases {
        let before = emulator.requests().len();
        if let Some(fault) = fault {
            emulator.push_fault(fault);
        }
        let out = chat(home.path(), key, &["-m", model, "hi"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{name}: {err}");
        for text in expected {
            assert!(err.contains(text), "{name}: no `{text}` in\n{err}");
        }
        assert!(!err.contains("0123456789abcd"), "{name}: the key leaked");
        assert_eq!(emulator.requests().len() - before, 1, "{name}: not retried");
    }
}

#[test]
fn rate_limits_and_overload_are_retried_honouring_retry_after() {
    let emulator = Emulator::start();
    let home = home(&emulator);
    emulator.push_fault(Fault::RateLimit {
        retry_after_secs: Some(1),
    });
    emulator.push_fault(Fault::Overloaded {
        retry_after_secs: Some(1),
    });
    let out = chat(home.path(), KEY, &["-m", "claude/claude-haiku-4-5", "hi"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "echo: hi\n");
    let err = stderr(&out);
    assert!(
        err.contains("retrying in 1.0s: HTTP 429 rate_limit_error")
            && err.contains("retrying in 1.0s: HTTP 529 overloaded_error"),
        "retry-after is honoured on 429 and 529: {err}"
    );
    assert_eq!(
        emulator.requests().len(),
        3,
        "two failures, counted on the server, then the answer"
    );

    // Still overloaded when the retries are spent: exit 1, like a server failure; still
    // rate-limited: exit 4.
    for (fault, code, advice) in [
        (
            Fault::Overloaded {
                retry_after_secs: None,
            },
            1,
            "overloaded after 1 attempt(s)",
        ),
        (
            Fault::RateLimit {
                retry_after_secs: None,
            },
            4,
            "rate limited after 1 attempt(s)",
        ),
    ] {
        emulator.push_fault(fault);
        let out = chat(
            home.path(),
            KEY,
            &["--retries", "0", "-m", "claude/claude-haiku-4-5", "hi"],
        );
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        assert_stderr_has(&out, advice);
    }
    assert_eq!(emulator.requests().len(), 5);
}

#[test]
fn an_error_event_keeps_the_partial_answer_and_an_early_end_is_truncated() {
    let emulator = Emulator::start();
    let home = home(&emulator);
    emulator.push_fault(Fault::ErrorFrame { after_chunks: 2 });
    let out = chat(
        home.path(),
        KEY,
        &["-m", "claude/claude-haiku-4-5", "--json", "hello there"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(
        json["content"], "echo: he",
        "the two deltas before the error event"
    );
    assert_eq!(json["error"]["code"], "overloaded");
    assert_eq!(json["finish_reason"], Value::Null);
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("overloaded_error")
    );

    emulator.push_fault(Fault::MissingDone);
    let out = chat(
        home.path(),
        KEY,
        &["-m", "claude/claude-haiku-4-5", "hello there"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_stderr_has(&out, "no message_stop");
    assert_stderr_has(&out, "truncated");
    assert_eq!(
        stdout(&out),
        "echo: hello there\n",
        "everything before is kept"
    );

    emulator.push_fault(Fault::MalformedFrame { after_chunks: 1 });
    let out = chat(home.path(), KEY, &["-m", "claude/claude-haiku-4-5", "hi"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_stderr_has(&out, "skipped a malformed stream frame");
    assert_eq!(
        emulator.requests().len(),
        3,
        "nothing retried after the body began"
    );
}
