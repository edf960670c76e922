//! `chat --effort LEVEL`: sent in the host's effort field (`reasoning_effort`, or
//! `reasoning.effort` where the host's thinking format is the reasoning object), recorded in
//! `--json`; checked against the model's catalog levels before any request (did-you-mean
//! for an unknown level, a plain refusal for a model without levels), and refused on
//! Anthropic Messages, where the catalog gives no effort-to-budget mapping.

use provcat::catalog::Dialect;
use serde_json::json;

use super::on_emulator;
use crate::support::{assert_stderr_has, json_of, stderr};

#[test]
fn the_effort_goes_as_reasoning_effort_and_is_recorded() {
    let on = on_emulator("openai-api-key", Dialect::OpenAiCompletions);
    let out = on.chat(&[
        "-m",
        "openai/gpt-5",
        "--effort",
        "low",
        "--max-tokens",
        "300",
        "--json",
        "hi",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(json["effort"], "low", "{json}");
    assert_eq!(json["content"], "echo: hi");
    let body = &on.emulator.requests()[0].body;
    assert_eq!(body["reasoning_effort"], "low", "{body}");
    assert_eq!(body["max_completion_tokens"], 300, "{body}");
    assert!(body.get("reasoning").is_none(), "{body}");

    // With --thinking too, the level asked for wins over the default one.
    let out = on.chat(&[
        "-m",
        "openai/gpt-5",
        "--thinking",
        "--effort",
        "minimal",
        "hi",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        on.emulator.requests()[1].body["reasoning_effort"],
        "minimal"
    );

    // Without --effort nothing is sent, and --json says nothing of it.
    let json = json_of(&on.chat(&["-m", "openai/gpt-5", "--json", "hi"]));
    assert!(json.get("effort").is_none(), "{json}");
    assert!(
        on.emulator.requests()[2]
            .body
            .get("reasoning_effort")
            .is_none()
    );
}

#[test]
fn gemini_takes_the_effort_on_its_openai_surface() {
    let on = on_emulator("gemini-api-key", Dialect::OpenAiCompletions);
    let out = on.chat(&[
        "-m",
        "google/gemini-3-flash-preview",
        "--effort",
        "minimal",
        "hi",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sent = &on.emulator.requests()[0];
    assert_eq!(sent.path, "/openai/v1/chat/completions");
    assert_eq!(sent.body["reasoning_effort"], "minimal", "{}", sent.body);
}

#[test]
fn openrouter_takes_the_effort_in_its_reasoning_object() {
    let on = on_emulator("openrouter-api-key", Dialect::OpenAiCompletions);
    let out = on.chat(&[
        "-m",
        "openrouter/openai/gpt-5-mini",
        "--effort",
        "high",
        "--json",
        "hi",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_of(&out)["effort"], "high");
    let body = &on.emulator.requests()[0].body;
    assert_eq!(body["model"], "openai/gpt-5-mini");
    assert_eq!(body["reasoning"], json!({"effort": "high"}), "{body}");
    assert!(body.get("reasoning_effort").is_none(), "{body}");
}

#[test]
fn a_bad_effort_is_refused_before_any_request() {
    let on = on_emulator("openai-api-key", Dialect::OpenAiCompletions);
    let out = on.chat(&["-m", "openai/gpt-5", "--effort", "hihg", "hi"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(&out, "`hihg` is not an effort level of openai/gpt-5");
    assert_stderr_has(&out, "did you mean `high`?");
    assert_stderr_has(&out, "(its levels: minimal, low, medium, high)");

    // A model the catalog gives no effort levels.
    let out = on.chat(&["-m", "openai/gpt-4.1", "--effort", "low", "hi"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(
        &out,
        "openai/gpt-4.1 takes no --effort: the catalog lists no effort levels for it",
    );
    assert!(on.emulator.requests().is_empty(), "nothing was sent");
}

#[test]
fn anthropic_messages_refuses_an_effort_it_cannot_map() {
    let on = on_emulator("anthropic-api-key", Dialect::AnthropicMessages);
    // The level is one of the model's, but the dialect has no field for it.
    let out = on.chat(&["-m", "anthropic/claude-opus-4-7", "--effort", "high", "hi"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(&out, "anthropic-messages");
    assert_stderr_has(
        &out,
        "does not say how effort `high` maps to a thinking budget",
    );
    assert_stderr_has(&out, "use --thinking");
    assert!(on.emulator.requests().is_empty(), "nothing was sent");
}
