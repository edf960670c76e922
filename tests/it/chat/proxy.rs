//! A built-in provider behind a proxy the catalog does not know keeps its auth choice's
//! request shaping, end to end; and answers in a shape the dialect does not expect (an
//! HTML page from a proxy, a JSON error of unknown shape, another dialect's server) are
//! clear errors quoting at most their first 200 bytes.

use provcat_emulator::{Emulator, Fault};

use super::{KEY, chat};
use crate::support::{assert_stderr_has, config_dir, emulator_home, json_of, stderr};

#[test]
fn a_built_in_provider_behind_a_proxy_keeps_its_auth_choices_capabilities() {
    let emulator = Emulator::start();
    // No compat at all: 127.0.0.1 is a host the catalog does not know.
    let home = emulator_home(&emulator, "qwen-standard-api-key", "");
    let out = chat(
        home.path(),
        KEY,
        &["-m", "qwen/qwen3.5-plus", "--no-stream", "--json", "hi"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_of(&out)["content"], "echo: hi");
    let body = &emulator.requests()[0].body;
    assert_eq!(
        body["enable_thinking"], false,
        "a thinks-by-default model is switched off outside streams: {body}"
    );
    // Streams ask for usage, and `--thinking` goes as `enable_thinking`.
    let json = json_of(&chat(
        home.path(),
        KEY,
        &["-m", "qwen/qwen3.5-plus", "--thinking", "--json", "hi"],
    ));
    assert!(json["usage"]["total_tokens"].as_u64().is_some(), "{json}");
    let body = &emulator.requests()[1].body;
    assert_eq!(body["enable_thinking"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
}

#[test]
fn an_answer_of_an_unexpected_shape_is_quoted_short() {
    let emulator = Emulator::start();
    let home = emulator_home(&emulator, "qwen-standard-api-key", "");
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body>{}</body></html>",
        "the proxy could not reach the upstream server. ".repeat(40)
    );
    let cases = [
        (
            Fault::Status {
                status: 502,
                body: page.clone(),
            },
            1,
            "HTTP 502: <!DOCTYPE html> <html><head><title>502 Bad Gateway",
        ),
        (
            Fault::Status {
                status: 400,
                body: r#"{"failure":{"why":"a shape nobody documents"}}"#.into(),
            },
            2,
            r#"HTTP 400: {"failure":{"why":"a shape nobody documents"}}"#,
        ),
        (
            Fault::Status {
                status: 200,
                body: page.clone(),
            },
            1,
            "not a chat completion",
        ),
    ];
    for (fault, code, expected) in cases {
        for stream in [true, false] {
            emulator.push_fault(fault.clone());
            let mut args = vec!["--retries", "0", "-m", "qwen/glm-5", "hi"];
            if !stream {
                args.push("--no-stream");
            }
            let out = chat(home.path(), KEY, &args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(code), "{err}");
            assert!(err.contains(expected), "no `{expected}` in\n{err}");
            let error_line = err.lines().find(|l| l.starts_with("error:")).unwrap();
            assert!(
                error_line.len() < 320,
                "at most the first 200 bytes of the body are quoted: {error_line}"
            );
            assert!(!err.contains("upstream server. the proxy could not reach the upstream server. the proxy could not reach the upstream server. the proxy could not reach the upstream server. the proxy"));
        }
    }
}

#[test]
fn a_server_of_another_dialect_is_a_clear_error() {
    let emulator = Emulator::start();
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    // Anthropic Messages spoken to the OpenAI surface.
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[models.providers.mixed]\napi = \"anthropic-messages\"\nbaseUrl = \"{}\"\n",
            emulator.openai_base_url()
        ),
    )
    .unwrap();
    let out = crate::support::Run {
        cwd: home.path(),
        args: &["chat", "-m", "mixed/gpt-4.1", "hi"],
        home: home.path(),
        env: &[("MIXED_API_KEY", "sk-proj-test0123456789")],
        stdin: None,
    }
    .output();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(emulator.requests()[0].path, "/openai/v1/v1/messages");
    assert_stderr_has(
        &out,
        "HTTP 404 invalid_request_error: No route for POST /openai/v1/v1/messages",
    );
}
