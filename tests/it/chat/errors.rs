//! Errors on the DashScope-style chat surface: every error class with its message, advice
//! and exit code; retries counted on the server; faults after the first byte keeping the
//! partial answer; `--json` on failure; the canary key; Ctrl-C and a closed stdout.

use std::path::Path;

use provcat_emulator::{Emulator, EmulatorConfig, Fault};
use serde_json::Value;

use super::{CODING_KEY, KEY, chat, home_for};
use crate::support::{assert_stderr_has, json_of, stderr, stdout};

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
                "Switch to a Standard (pay-as-you-go) auth choice",
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
            // No catalog provider behind a host the catalog does not know: nothing to
            // suggest from (never a model of another provider).
            &[
                "model_not_found",
                "check the model id against native's model list",
            ],
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
fn an_unknown_model_is_suggested_within_its_own_provider() {
    // A server that does not serve `glm-4.7` (the catalog still lists it).
    let mut config = EmulatorConfig::default();
    config.profile.chat_models.retain(|m| m.id != "glm-4.7");
    let emulator = Emulator::start_with(config);
    let home = home_for(&emulator, "qwen-standard-api-key");
    let out = chat(home.path(), KEY, &["-m", "qwen/glm-4.7", "hi"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(&out, "model_not_found");
    assert_stderr_has(&out, "did you mean `qwen/glm-5`?");
    assert_stderr_has(&out, "`provcat models list --provider qwen`");
    assert!(
        !stderr(&out).contains("`qwen/glm-4.7`"),
        "the model itself is not suggested: {}",
        stderr(&out)
    );
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
    assert_eq!(json["error"]["code"], "moderation");
    assert!(
        json["error"]["help"]
            .as_str()
            .unwrap()
            .contains("moderation")
    );
    assert_eq!(json["finish_reason"], Value::Null);
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
