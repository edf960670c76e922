//! Per-plan key variables: a plan's own `key_env` is read before the provider's, `explain`
//! shows the order, and `onboard` stores a plan's key in it, so Standard and Coding Plan
//! keys live side by side.

use serde_json::Value;

use crate::support::{Run, config_dir, json_of, stderr};

const KEY: &str = "sk-test0123456789abcdWXYZ";
const CODING_KEY: &str = "sk-sp-test0123456789CODE";

fn home_with(config: &str, dotenv: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), config).unwrap();
    if !dotenv.is_empty() {
        std::fs::write(dir.join(".env"), dotenv).unwrap();
    }
    home
}

fn explain(home: &std::path::Path, env: &[(&str, &str)]) -> Value {
    json_of(
        &Run {
            cwd: home,
            args: &["explain", "--json"],
            home,
            env,
            stdin: None,
        }
        .output(),
    )
}

fn choice(id: &str) -> String {
    format!("[models.providers.qwen]\nauthChoice = \"{id}\"\n")
}

#[test]
fn each_plan_reads_its_own_variable_first() {
    let dotenv = format!("QWEN_API_KEY={KEY}\nALIBABA_CODING_PLAN_API_KEY={CODING_KEY}\n");
    let coding = explain(home_with(&choice("qwen-api-key"), &dotenv).path(), &[]);
    assert_eq!(
        coding["key"]["found"]["source"]["var"],
        "ALIBABA_CODING_PLAN_API_KEY"
    );
    assert_eq!(coding["key"]["found"]["masked"], "sk-sp-…CODE");
    assert_eq!(
        coding["key_env"],
        serde_json::json!([
            "ALIBABA_CODING_PLAN_API_KEY",
            "QWEN_API_KEY",
            "MODELSTUDIO_API_KEY",
            "DASHSCOPE_API_KEY"
        ])
    );
    let standard = explain(
        home_with(&choice("qwen-standard-api-key"), &dotenv).path(),
        &[],
    );
    assert_eq!(standard["key"]["found"]["source"]["var"], "QWEN_API_KEY");
    assert_eq!(
        standard["key_env"],
        serde_json::json!(["QWEN_API_KEY", "MODELSTUDIO_API_KEY", "DASHSCOPE_API_KEY"])
    );
    // The plan's variable comes before the provider's in the same layer...
    let env = [
        ("QWEN_API_KEY", KEY),
        ("ALIBABA_CODING_PLAN_API_KEY", CODING_KEY),
    ];
    let both = explain(home_with(&choice("qwen-api-key-cn"), "").path(), &env);
    assert_eq!(
        both["key"]["found"]["source"]["var"],
        "ALIBABA_CODING_PLAN_API_KEY"
    );
    // ...and the provider's still work alone, as before.
    let legacy = explain(
        home_with(&choice("qwen-api-key"), "").path(),
        &[("DASHSCOPE_API_KEY", CODING_KEY)],
    );
    assert_eq!(legacy["key"]["found"]["source"]["var"], "DASHSCOPE_API_KEY");
}

#[test]
fn explain_text_shows_the_lookup_order() {
    let home = home_with(&choice("qwen-api-key"), "");
    let out = Run {
        cwd: home.path(),
        args: &["explain"],
        home: home.path(),
        env: &[],
        stdin: None,
    }
    .output();
    let text = crate::support::stdout(&out);
    assert!(
        text.contains("$ALIBABA_CODING_PLAN_API_KEY > $QWEN_API_KEY > $MODELSTUDIO_API_KEY"),
        "{text}"
    );
}

#[test]
fn onboarding_keeps_keys_of_both_plans_side_by_side() {
    let home = home_with("", "");
    for (id, key) in [("qwen-standard-api-key", KEY), ("qwen-api-key", CODING_KEY)] {
        let out = Run {
            cwd: home.path(),
            args: &["onboard", "--auth-choice", id, "--api-key-stdin"],
            home: home.path(),
            env: &[],
            stdin: Some(key),
        }
        .output();
        assert!(out.status.success(), "{id}: {}", stderr(&out));
    }
    let dotenv = std::fs::read_to_string(config_dir(home.path()).join(".env")).unwrap();
    assert_eq!(
        dotenv,
        format!("QWEN_API_KEY={KEY}\nALIBABA_CODING_PLAN_API_KEY={CODING_KEY}\n")
    );
    // The Coding Plan choice is in the config and uses its own key; switching back to
    // Standard without a key finds the Standard key still there.
    assert_eq!(
        explain(home.path(), &[])["key"]["found"]["masked"],
        "sk-sp-…CODE"
    );
    let out = Run {
        cwd: home.path(),
        args: &[
            "onboard",
            "--auth-choice",
            "qwen-standard-api-key",
            "--skip-key",
        ],
        home: home.path(),
        env: &[],
        stdin: None,
    }
    .output();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        explain(home.path(), &[])["key"]["found"]["masked"],
        "sk-…WXYZ"
    );
}

#[test]
fn a_key_in_the_provider_variable_still_wins_over_the_stored_plan_key_and_says_so() {
    let home = home_with("", "");
    let out = Run {
        cwd: home.path(),
        args: &[
            "onboard",
            "--auth-choice",
            "qwen-api-key",
            "--api-key-stdin",
        ],
        home: home.path(),
        env: &[("QWEN_API_KEY", "sk-sp-otherkey0123456OTHR")],
        stdin: Some(CODING_KEY),
    }
    .output();
    assert!(out.status.success(), "{}", stderr(&out));
    // The process environment comes before the `.env`, whichever variable it is.
    assert!(
        stderr(&out).contains("environment variable QWEN_API_KEY comes first"),
        "{}",
        stderr(&out)
    );
}

/// The value of an overlay plan's key variable is a secret like any other: it never shows,
/// even where it would be echoed (the variable's name says nothing of a key).
#[test]
fn an_overlay_plans_key_variable_is_never_printed() {
    let secret = "zebra-quartz-lantern-4471";
    let overlay = crate::support::fixture("overlays/acme")
        .display()
        .to_string();
    let home = tempfile::tempdir().unwrap();
    let out = Run {
        cwd: home.path(),
        args: &["--catalog", &overlay, "models", "show", secret],
        home: home.path(),
        env: &[("ACME_PAYGO_ACCESS", secret)],
        stdin: None,
    }
    .output();
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains(secret), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("unknown model ref"),
        "{}",
        stderr(&out)
    );
}
