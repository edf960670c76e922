//! `provcat chat` against the loopback DashScope emulator: streams (plain and thinking),
//! non-streaming, images, every error class with its message and exit code, every
//! injected fault (partial text kept, retries counted on the server), streaming usage
//! by host capability, and the canary key.

use std::path::Path;

use provcat_emulator::{Emulator, Fault};
use serde_json::Value;

use crate::support::{Run, assert_stderr_has, config_dir, emulator_home, json_of, stderr, stdout};

const KEY: &str = "sk-test0123456789abcdWXYZ";
const CODING_KEY: &str = "sk-sp-test0123456789WXYZ";

/// Native-host capabilities: the emulator listens on 127.0.0.1, which the catalog does not
/// know, so the config states what a DashScope host supports.
const NATIVE: &str = "compat = { supportsUsageInStreaming = true, supportsDeveloperRole = false, supportsThinkingFlags = true }";

/// A home whose config points the qwen provider at the emulator with `auth_choice` and
/// native capabilities, plus a custom provider `native` (streaming usage declared) and a
/// custom provider `generic` (nothing declared) on the same emulator.
fn home_for(emulator: &Emulator, auth_choice: &str) -> tempfile::TempDir {
    let base = emulator.standard_base_url();
    emulator_home(
        emulator,
        auth_choice,
        &format!(
            "{NATIVE}\n\n[models.providers.native]\napi = \"openai-completions\"\nbaseUrl = \"{base}\"\ncompat = {{ supportsUsageInStreaming = true, supportsThinkingFlags = true }}\n\n[models.providers.generic]\napi = \"openai-completions\"\nbaseUrl = \"{base}\"\n"
        ),
    )
}

fn chat(home: &Path, key: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["chat"];
    all.extend_from_slice(args);
    Run {
        cwd: home,
        args: &all,
        home,
        env: &[
            ("QWEN_API_KEY", key),
            ("NATIVE_API_KEY", key),
            ("GENERIC_API_KEY", key),
        ],
        stdin: None,
    }
    .output()
}

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

/// (name, home, key, args, injected fault, exit code, texts the error must contain)
type ErrorCase<'a> = (
    &'a str,
    &'a Path,
    &'a str,
    Vec<&'a str>,
    Option<Fault>,
    i32,
    &'a [&'a str],
);

#[test]
fn every_error_class_has_its_message_and_exit_code() {
    let emulator = Emulator::start();
    let standard = home_for(&emulator, "qwen-standard-api-key");
    let coding = home_for(&emulator, "qwen-api-key");
    let cases: Vec<ErrorCase<'_>> = vec![
        (
            "bad key",
            standard.path(),
            "sk-bad0123456789abcdef",
            vec!["-m", "qwen/glm-5", "hi"],
            None,
            3,
            &[
                "invalid_api_key",
                "environment variable QWEN_API_KEY",
                "bound to a region and a plan",
            ],
        ),
        (
            "coding key on a standard host",
            standard.path(),
            CODING_KEY,
            vec!["-m", "qwen/glm-5", "hi"],
            None,
            3,
            &[
                "HTTP 403",
                "`sk-sp-` keys are Coding Plan (subscription) keys",
                "qwen-api-key",
            ],
        ),
        (
            "standard key on a coding host",
            coding.path(),
            KEY,
            vec!["-m", "qwen/glm-5", "hi"],
            None,
            3,
            &["HTTP 401", "takes `sk-sp-` keys", "qwen-standard-api-key"],
        ),
        (
            "not on the coding plan",
            coding.path(),
            CODING_KEY,
            vec!["-m", "qwen/qwen3.6-plus", "hi"],
            None,
            2,
            &[
                "is not supported",
                "Switch to a Standard auth choice",
                "--auth-choice qwen-standard-api-key`",
            ],
        ),
        (
            "unknown model",
            standard.path(),
            KEY,
            vec!["-m", "native/qwen3.5-plsu", "hi"],
            None,
            2,
            &["model_not_found", "did you mean `qwen/qwen3.5-plus`"],
        ),
        (
            "quota",
            standard.path(),
            KEY,
            vec!["-m", "qwen/glm-5", "hi"],
            Some(Fault::Quota),
            3,
            &["insufficient_quota", "does not recover by retrying"],
        ),
        (
            "arrears",
            standard.path(),
            KEY,
            vec!["-m", "qwen/glm-5", "hi"],
            Some(Fault::Arrearage),
            3,
            &["Arrearage", "does not recover by retrying"],
        ),
        (
            "coding agents only",
            coding.path(),
            CODING_KEY,
            vec!["-m", "qwen/glm-5", "hi"],
            Some(Fault::CodingAgentsOnly),
            3,
            &[
                "only available for Coding Agents",
                "--auth-choice qwen-standard-api-key`",
            ],
        ),
        (
            "moderation",
            standard.path(),
            KEY,
            vec!["-m", "qwen/glm-5", "hi"],
            Some(Fault::ErrorFrame { after_chunks: 1 }),
            2,
            &["data_inspection_failed", "content moderation"],
        ),
    ];
    for (name, home, key, args, fault, code, expected) in cases {
        let before = emulator.requests().len();
        if let Some(fault) = fault {
            emulator.push_fault(fault);
        }
        let out = chat(home, key, &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{name}: {err}");
        for text in expected {
            assert!(err.contains(text), "{name}: no `{text}` in\n{err}");
        }
        assert_eq!(emulator.requests().len() - before, 1, "{name}: not retried");
    }
}

#[test]
fn rate_limits_are_retried_honouring_retry_after_then_give_up() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    emulator.push_fault(Fault::RateLimit {
        retry_after_secs: Some(1),
    });
    let out = chat(home.path(), KEY, &["-m", "qwen/glm-5", "hi"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("retrying in 1.0s"),
        "Retry-After is honoured: {}",
        stderr(&out)
    );
    assert_eq!(emulator.requests().len(), 2);

    for _ in 0..3 {
        emulator.push_fault(Fault::RateLimit {
            retry_after_secs: None,
        });
    }
    let out = chat(
        home.path(),
        KEY,
        &["--retries", "2", "-m", "qwen/glm-5", "hi"],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_stderr_has(&out, "after 3 attempt(s)");
    assert_eq!(
        emulator.requests().len(),
        5,
        "2 + 1 first attempt + 2 retries"
    );
}

#[test]
fn server_errors_and_resets_before_headers_are_retried() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    emulator.push_fault(Fault::ServerError);
    emulator.push_fault(Fault::ResetBeforeHeaders);
    let out = chat(home.path(), KEY, &["-m", "qwen/glm-5", "hi"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "echo: hi\n");
    assert_eq!(emulator.requests().len(), 3);
}

#[test]
fn faults_after_the_first_byte_keep_the_partial_answer_and_are_never_retried() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let long = "one two three four five six seven eight nine ten eleven twelve";
    let cases = [
        (
            "reset mid-stream",
            Fault::ResetMidStream { after_chunks: 3 },
            "stream broke",
        ),
        ("missing [DONE]", Fault::MissingDone, "truncated"),
        (
            "stall",
            Fault::Stall {
                after_chunks: 3,
                for_ms: 4_000,
            },
            "sent nothing for",
        ),
    ];
    for (name, fault, message) in cases {
        let before = emulator.requests().len();
        emulator.push_fault(fault);
        let out = chat(
            home.path(),
            KEY,
            &["-m", "qwen/glm-5", "--idle-timeout", "1", long],
        );
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{name}: {}", stderr(&out));
        let partial = stdout(&out);
        assert!(
            !partial.is_empty() && format!("echo: {long}").starts_with(partial.trim_end()),
            "{name}: {partial:?}"
        );
        assert!(stderr(&out).contains("received before the error"), "{name}");
        assert_eq!(
            emulator.requests().len() - before,
            1,
            "{name}: never retried after the body began"
        );
    }
    emulator.push_fault(Fault::MalformedFrame { after_chunks: 1 });
    let out = chat(home.path(), KEY, &["-m", "qwen/glm-5", "hi"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_stderr_has(&out, "skipped a malformed stream frame");
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

#[test]
fn the_canary_key_never_appears_in_chat_output() {
    const CANARY: &str = "sk-CANARY0123456789canary";
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let runs: Vec<Vec<&str>> = vec![
        vec!["-v", "-m", "qwen/glm-5", "hi"],
        vec!["-m", "qwen/glm-5", "--json", "hi"],
        vec!["-m", "qwen/glm-5", "--no-stream", "hi"],
    ];
    for args in &runs {
        for fault in [
            None,
            Some(Fault::Quota),
            Some(Fault::ResetMidStream { after_chunks: 1 }),
        ] {
            if let Some(f) = fault {
                emulator.push_fault(f);
            }
            let out = chat(home.path(), CANARY, args);
            for text in [stdout(&out), stderr(&out)] {
                assert!(!text.contains("CANARY0123456789"), "{args:?}: {text}");
            }
        }
    }
    // A refused key, and a server that is not there.
    let out = chat(
        home.path(),
        "sk-bad-CANARY0123456789",
        &["-m", "qwen/glm-5", "hi"],
    );
    assert!(
        !stderr(&out).contains("CANARY0123456789"),
        "{}",
        stderr(&out)
    );
    drop(emulator);
    let out = chat(
        home.path(),
        CANARY,
        &["--retries", "0", "-m", "qwen/glm-5", "hi"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("CANARY0123456789"),
        "{}",
        stderr(&out)
    );
}

/// Ctrl-C in the middle of a stream stops the request, keeps what was printed, and exits 130.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_keeps_the_partial_answer() {
    use std::io::Read;
    use std::process::{Command, Stdio};

    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    emulator.push_fault(Fault::Stall {
        after_chunks: 2,
        for_ms: 20_000,
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_provcat"))
        .args(["chat", "-m", "qwen/glm-5", "tell me a long story"])
        .env_clear()
        .env("HOME", home.path())
        .env("QWEN_API_KEY", KEY)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 8];
    stdout.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"echo: te", "the start of the answer arrived");
    // SAFETY: signalling our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert_stderr_has(&out, "interrupted");
    assert_stderr_has(&out, "received before the error");
}

/// A reader that goes away (`provcat chat … | head -c5`) is not a crash.
#[test]
fn a_closed_stdout_is_not_a_crash() {
    use std::process::{Command, Stdio};

    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let mut child = Command::new(env!("CARGO_BIN_EXE_provcat"))
        .args(["chat", "-m", "qwen/glm-5", "a long enough prompt to answer"])
        .env_clear()
        .env("HOME", home.path())
        .env("QWEN_API_KEY", KEY)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

/// `--json` on a failure still prints one object: what arrived, and the error with advice.
#[test]
fn json_output_on_failure_carries_the_partial_answer_and_the_error() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    emulator.push_fault(Fault::ErrorFrame { after_chunks: 2 });
    let out = chat(
        home.path(),
        KEY,
        &["-m", "qwen/glm-5", "--json", "hello there"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(
        json["content"], "echo: he",
        "the two chunks before the error frame"
    );
    assert_eq!(json["error"]["kind"], "moderation");
    assert!(
        json["error"]["advice"]
            .as_str()
            .unwrap()
            .contains("moderation")
    );
    assert_eq!(json["finish_reason"], Value::Null);
}
