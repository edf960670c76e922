//! `provcat chat` in the `openai-completions` dialect against the emulator's generic
//! OpenAI surface (OpenAI and OpenRouter behaviours): wire ids with `/` and `:` sent
//! verbatim, `max_completion_tokens` where the surface's capability says so, reasoning
//! text as `delta.reasoning`, each thinking format, and OpenAI's error codes.

use std::path::Path;

use provcat_emulator::{Emulator, Fault};
use serde_json::{Value, json};

use crate::support::{Run, assert_stderr_has, config_dir, json_of, stderr, stdout};

const KEY: &str = "sk-proj-test0123456789WXYZ";

/// A home with custom providers on the emulator's OpenAI base: `gateway` (reasoning
/// models' cap as `max_completion_tokens`), `plain` (nothing declared), and one per
/// thinking format.
fn home(emulator: &Emulator) -> tempfile::TempDir {
    let base = emulator.openai_base_url();
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = format!(
        "[models.providers.gateway]\napi = \"openai-completions\"\nbaseUrl = \"{base}\"\ncompat = {{ maxTokensField = \"max_completion_tokens\" }}\n\n[models.providers.plain]\napi = \"openai-completions\"\nbaseUrl = \"{base}\"\n"
    );
    for (id, format) in [
        ("effort", "reasoning-effort"),
        ("object", "reasoning-object"),
        ("kind", "thinking-type"),
    ] {
        config.push_str(&format!(
            "\n[models.providers.{id}]\napi = \"openai-completions\"\nbaseUrl = \"{base}\"\ncompat = {{ thinkingFormat = \"{format}\" }}\n"
        ));
    }
    std::fs::write(dir.join("config.toml"), config).unwrap();
    home
}

fn chat(home: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["chat"];
    all.extend_from_slice(args);
    let env: Vec<(String, String)> = ["GATEWAY", "PLAIN", "EFFORT", "OBJECT", "KIND"]
        .iter()
        .map(|p| (format!("{p}_API_KEY"), KEY.to_string()))
        .collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Run {
        cwd: home,
        args: &all,
        home,
        env: &env,
        stdin: None,
    }
    .output()
}

#[test]
fn openrouter_style_wire_ids_are_sent_verbatim_and_reasoning_is_shown() {
    let emulator = Emulator::start();
    let home = home(&emulator);
    for (reference, wire) in [
        (
            "plain/anthropic/claude-sonnet-4.5",
            "anthropic/claude-sonnet-4.5",
        ),
        (
            "plain/deepseek/deepseek-r1:free",
            "deepseek/deepseek-r1:free",
        ),
    ] {
        let out = chat(home.path(), &["-m", reference, "--json", "why"]);
        assert!(out.status.success(), "{reference}: {}", stderr(&out));
        let json = json_of(&out);
        assert_eq!(json["content"], "echo: why");
        assert_eq!(
            json["reasoning"], "thinking about: why",
            "`delta.reasoning` is reasoning"
        );
        assert_eq!(json["finish_reason"], "stop");
        let request = emulator.requests().pop().unwrap();
        assert_eq!(request.path, "/openai/v1/chat/completions");
        assert_eq!(request.body["model"], wire);
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
    // Streamed to a terminal: reasoning on stderr, the answer on stdout.
    let out = chat(
        home.path(),
        &["-m", "plain/deepseek/deepseek-r1:free", "why"],
    );
    assert_eq!(stdout(&out), "echo: why\n");
    assert_stderr_has(&out, "thinking about: why");
}

#[test]
fn a_reasoning_model_gets_max_completion_tokens_where_the_surface_says_so() {
    let emulator = Emulator::start();
    let home = home(&emulator);
    let out = chat(
        home.path(),
        &[
            "-m",
            "gateway/gpt-5",
            "--max-tokens",
            "3",
            "--no-stream",
            "--json",
            "hello",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let body = &emulator.requests()[0].body;
    assert_eq!(body["max_completion_tokens"], 3);
    assert!(body.get("max_tokens").is_none(), "{body}");
    let json = json_of(&out);
    assert_eq!(json["finish_reason"], "length", "the cap cut the reasoning");
    assert_eq!(json["usage"]["completion_tokens"], 3);
    assert_eq!(
        json["usage"]["completion_tokens_details"]["reasoning_tokens"],
        3
    );

    // Without the capability the field is `max_tokens`, which reasoning models refuse.
    let out = chat(
        home.path(),
        &["-m", "plain/gpt-5", "--max-tokens", "3", "hello"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(&out, "unsupported_parameter");
    assert_stderr_has(&out, "max_completion_tokens");
    assert_eq!(emulator.requests()[1].body["max_tokens"], 3);
}

#[test]
fn each_thinking_format_switches_thinking_its_own_way() {
    let emulator = Emulator::start();
    let home = home(&emulator);
    for (provider, field, value) in [
        ("effort", "reasoning_effort", json!("medium")),
        ("object", "reasoning", json!({"effort": "medium"})),
        ("kind", "thinking", json!({"type": "enabled"})),
    ] {
        let reference = format!("{provider}/gpt-5");
        let out = chat(
            home.path(),
            &["-m", &reference, "--thinking", "--no-stream", "hi"],
        );
        assert!(out.status.success(), "{provider}: {}", stderr(&out));
        let body = emulator.requests().pop().unwrap().body;
        assert_eq!(body[field], value, "{provider}: {body}");
        for other in [
            "enable_thinking",
            "reasoning_effort",
            "reasoning",
            "thinking",
        ] {
            if other != field {
                assert!(body.get(other).is_none(), "{provider}: {body}");
            }
        }
    }
    // Without a format there is no switch to send: refused before any request.
    let before = emulator.requests().len();
    let out = chat(home.path(), &["-m", "plain/gpt-5", "--thinking", "hi"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(&out, "has no thinking switch");
    assert_stderr_has(&out, "compat.thinkingFormat");
    assert_eq!(emulator.requests().len(), before);
}

#[test]
fn openai_error_codes_have_their_exit_codes_and_advice() {
    let emulator = Emulator::start();
    let home = home(&emulator);
    let cases: Vec<(Option<Fault>, &str, i32, &[&str])> = vec![
        (
            None,
            "plain/gpt-9",
            2,
            &[
                "HTTP 404 model_not_found",
                "check the model id against plain's model list",
            ],
        ),
        (
            Some(Fault::Quota),
            "plain/gpt-4.1",
            3,
            &["insufficient_quota", "does not recover by retrying"],
        ),
        (
            Some(Fault::Arrearage),
            "plain/gpt-4.1",
            3,
            &[
                "HTTP 402",
                "Insufficient credits",
                "does not recover by retrying",
            ],
        ),
        (
            Some(Fault::CodingAgentsOnly),
            "plain/gpt-4.1",
            3,
            &[
                "unsupported_country_region_territory",
                "does not let this key make this request",
            ],
        ),
        (
            Some(Fault::ErrorFrame { after_chunks: 1 }),
            "plain/gpt-4.1",
            1,
            &["error in the stream server_error", "the server failed"],
        ),
    ];
    for (fault, model, code, expected) in cases {
        if let Some(fault) = fault {
            emulator.push_fault(fault);
        }
        let out = chat(home.path(), &["-m", model, "hi"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{model}: {err}");
        for text in expected {
            assert!(err.contains(text), "no `{text}` in\n{err}");
        }
    }
    let out = Run {
        cwd: home.path(),
        args: &["chat", "-m", "plain/gpt-4.1", "hi"],
        home: home.path(),
        env: &[("PLAIN_API_KEY", "sk-proj-bad0123456789")],
        stdin: None,
    }
    .output();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_stderr_has(&out, "HTTP 401 invalid_api_key");
    assert_stderr_has(&out, "from environment variable PLAIN_API_KEY was refused");
    // A reasoning model's own error in the middle of a stream keeps what came.
    emulator.push_fault(Fault::ErrorFrame { after_chunks: 2 });
    let json = json_of(&chat(
        home.path(),
        &["-m", "plain/gpt-4.1", "--json", "hello"],
    ));
    assert_eq!(json["content"], "echo: he");
    assert_eq!(json["error"]["code"], "server");
    assert_eq!(json["finish_reason"], Value::Null);
}
