//! The named rules, through `provcat chat`: OpenAI reasoning models get
//! `max_completion_tokens`; OpenRouter sends its wire id verbatim and reads
//! `delta.reasoning`; and for every auth choice a refused key gets the advice a Qwen user
//! gets — keys are bound to a region and a plan, and a key of another plan's shape is told
//! which auth choice it needs — worded from the catalog.

use provcat::catalog::Dialect;

use super::{Choice, every_auth_choice, home_on, on_emulator};
use crate::support::{json_of, stderr};

#[test]
fn an_openai_reasoning_model_gets_max_completion_tokens() {
    let on = on_emulator("openai-api-key", Dialect::OpenAiCompletions);
    let out = on.chat(&[
        "-m",
        "openai/o4-mini",
        "--max-tokens",
        "3",
        "--no-stream",
        "--json",
        "hi",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let body = &on.emulator.requests()[0].body;
    assert_eq!(body["max_completion_tokens"], 3, "{body}");
    assert!(body.get("max_tokens").is_none(), "{body}");
    assert_eq!(json_of(&out)["finish_reason"], "length");
}

#[test]
fn openrouter_sends_the_wire_id_verbatim_and_reads_delta_reasoning() {
    let on = on_emulator("openrouter-api-key", Dialect::OpenAiCompletions);
    let out = on.chat(&[
        "-m",
        "openrouter/anthropic/claude-sonnet-4.5",
        "--json",
        "why",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(json["content"], "echo: why");
    assert_eq!(json["reasoning"], "thinking about: why", "{json}");
    let sent = &on.emulator.requests()[0];
    assert_eq!(sent.body["model"], "anthropic/claude-sonnet-4.5");
    assert_eq!(sent.body["messages"][0]["role"], "user");
}

#[test]
fn a_refused_key_is_told_keys_are_bound_to_region_and_plan() {
    let mut other_shape = 0;
    every_auth_choice(|c: &Choice| {
        let id = c.choice.id;
        let model = c.default_model();
        let surface = c.surface(model);
        let emulator = c.emulator();
        let home = home_on(c, &emulator, surface.dialect);
        // A key the host refuses, of the plan's own shape.
        let key = format!("{}bad0123456789WXYZ", c.key_prefix());
        let var = c.key_var();
        let out = crate::support::Run {
            cwd: home.path(),
            args: &["chat", "-m", model.canonical_ref, "hi"],
            home: home.path(),
            env: &[(var.as_str(), key.as_str())],
            stdin: None,
        }
        .output();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(3), "{id}: {err}");
        assert!(
            err.contains(&format!("from environment variable {var} was refused by")),
            "{id}: {err}"
        );
        assert!(
            err.contains("Keys are bound to a region and a plan"),
            "{id}: {err}"
        );

        // A key of another plan's prefix: the host refuses it, and the advice says which
        // auth choices take it.
        for other in c.provider.plans.iter().filter(|p| p.id != c.plan.id) {
            let (Some(prefix), Some(own)) = (other.key_prefix, c.plan.key_prefix) else {
                continue;
            };
            if prefix.starts_with(own) {
                // Such a key has the host's own prefix too; the emulator's surface (one
                // prefix) takes it.
                continue;
            }
            let key = format!("{prefix}0123456789abcdefWXYZ");
            let out = crate::support::Run {
                cwd: home.path(),
                args: &["chat", "-m", model.canonical_ref, "hi"],
                home: home.path(),
                env: &[(var.as_str(), key.as_str())],
                stdin: None,
            }
            .output();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(3), "{id}: {err}");
            assert!(
                err.contains(&format!("`{prefix}` keys are {} keys", other.name))
                    || err.contains(&format!(
                        "This is a {} host, which takes `{own}` keys",
                        c.plan.name
                    )),
                "{id} with a {} key: {err}",
                other.id
            );
            for a in c
                .provider
                .auth_choices
                .iter()
                .filter(|a| a.plan == other.id)
            {
                assert!(err.contains(a.id), "{id}: {} not named: {err}", a.id);
            }
            other_shape += 1;
        }
    });
    assert!(
        other_shape >= 3,
        "plans with other key shapes were tried ({other_shape})"
    );
}
