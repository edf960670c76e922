//! `provcat explain` always prints what it could resolve: on a fresh install (no auth
//! choice, no key) the default ref, the provider, every auth choice with its endpoint, and
//! what is missing with the command that fixes it; `--json` keeps the resolved shape with
//! `null`s. `explain -m REF` works as `explain REF`.

use serde_json::Value;

use super::{KEY, onboard};
use crate::support::{provcat_in, stderr, stdout};

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

#[test]
fn a_fresh_install_prints_the_default_ref_the_candidates_and_what_is_missing() {
    let home = tempfile::tempdir().unwrap();
    let out = provcat_in(home.path(), &["explain"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("ref              qwen/qwen3.5-plus (from the catalog's default)"),
        "{text}"
    );
    assert!(text.contains("provider         qwen (Qwen"), "{text}");
    assert!(
        text.contains("auth choice      missing: no auth choice selects the plan, region and endpoint; run `provcat onboard --auth-choice <id>`"),
        "{text}"
    );
    assert!(
        text.contains("key              missing: no API key was found"),
        "{text}"
    );
    assert!(
        text.contains(
            "qwen-standard-api-key        Standard (pay-as-you-go), Global (Intl): https://dashscope-intl.aliyuncs.com/compatible-mode/v1 (openai-completions)"
        ),
        "{text}"
    );
    assert!(
        text.contains("qwen-api-key-cn              Coding Plan (subscription), China: https://coding.dashscope.aliyuncs.com/v1"),
        "{text}"
    );
    assert!(text.contains("streaming usage yes"), "{text}");
    assert!(
        stderr(&out).contains("error[missing-auth-choice]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_json_shape_is_the_same_resolved_or_not() {
    let home = tempfile::tempdir().unwrap();
    let out = provcat_in(home.path(), &["explain", "--json"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let fresh: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(fresh["ok"], false);
    assert_eq!(fresh["canonical_ref"], "qwen/qwen3.5-plus");
    assert_eq!(fresh["provider_id"], "qwen");
    assert_eq!(fresh["ref_source"]["from"], "builtin-default");
    assert_eq!(fresh["base_url"], Value::Null);
    assert_eq!(fresh["auth"], Value::Null);
    assert_eq!(fresh["missing"][0]["what"], "auth choice");
    assert_eq!(fresh["missing"][1]["what"], "key");
    assert_eq!(fresh["problems"][0]["rule"], "missing-auth-choice");
    let candidates = fresh["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 7, "{fresh}");
    let global = candidates
        .iter()
        .find(|c| c["auth_choice"] == "qwen-standard-api-key")
        .unwrap();
    assert_eq!(
        global["base_url"],
        "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
    );
    assert_eq!(global["capabilities"]["streaming_usage"]["value"], true);

    let stored = onboard(home.path(), "qwen-standard-api-key", KEY, &[]);
    assert!(stored.status.success(), "{}", stderr(&stored));
    let out = provcat_in(home.path(), &["explain", "--json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let resolved: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(resolved["ok"], true);
    assert_eq!(resolved["missing"], serde_json::json!([]));
    assert_eq!(resolved["problems"], serde_json::json!([]));
    assert_eq!(keys(&fresh), keys(&resolved));
}

#[test]
fn a_missing_key_is_marked_with_the_command_that_stores_it() {
    let home = tempfile::tempdir().unwrap();
    let out = provcat_in(
        home.path(),
        &["onboard", "--auth-choice", "qwen-api-key", "--skip-key"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = provcat_in(home.path(), &["explain"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("base URL         https://coding-intl"),
        "{text}"
    );
    assert!(
        text.contains("key              missing: no API key was found; run `provcat onboard --auth-choice qwen-api-key`, or set ALIBABA_CODING_PLAN_API_KEY"),
        "{text}"
    );
}

#[test]
fn an_unknown_ref_keeps_the_shape_with_what_it_could_tell() {
    let home = tempfile::tempdir().unwrap();
    let out = provcat_in(
        home.path(),
        &["explain", "--json", "qwen/qwen3.5-plsu"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let target: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(target["typed_ref"], "qwen/qwen3.5-plsu");
    assert_eq!(target["canonical_ref"], Value::Null);
    assert_eq!(target["problems"][0]["rule"], "dangling-reference");
    assert!(
        stderr(&out).contains("qwen/qwen3.5-plus"),
        "did you mean: {}",
        stderr(&out)
    );
}

#[test]
fn explain_takes_the_ref_as_m_like_chat_and_video() {
    let home = tempfile::tempdir().unwrap();
    let env = [("QWEN_API_KEY", KEY)];
    let stored = provcat_in(
        home.path(),
        &[
            "onboard",
            "--auth-choice",
            "qwen-standard-api-key",
            "--skip-key",
        ],
        &env,
    );
    assert!(stored.status.success(), "{}", stderr(&stored));
    let by_m = provcat_in(home.path(), &["explain", "-m", "qwen/glm-5"], &env);
    assert!(by_m.status.success(), "{}", stderr(&by_m));
    let by_arg = provcat_in(home.path(), &["explain", "qwen/glm-5"], &env);
    assert_eq!(stdout(&by_m), stdout(&by_arg));
    assert!(stdout(&by_m).contains("qwen/glm-5"));
    let long = provcat_in(home.path(), &["explain", "--model", "qwen/glm-5"], &env);
    assert_eq!(stdout(&long), stdout(&by_m));
    let both = provcat_in(
        home.path(),
        &["explain", "qwen/glm-5", "-m", "qwen/qwen3.5-plus"],
        &env,
    );
    assert_eq!(both.status.code(), Some(2));
    assert!(
        stderr(&both).contains("cannot be used with"),
        "{}",
        stderr(&both)
    );
}

#[test]
fn a_config_with_problems_still_explains_what_the_rest_of_it_resolves() {
    let home = tempfile::tempdir().unwrap();
    let out = onboard(home.path(), "qwen-standard-api-key", KEY, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = crate::support::config_dir(home.path()).join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // A typo in one key, a ref of no model in another.
    let broken = format!(
        "{text}\nmodles = 1\n[agents.defaults.videoGenerationModel]\nprimary = \"qwen/wan9\"\n"
    );
    std::fs::write(&path, broken).unwrap();

    let out = provcat_in(home.path(), &["explain"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = stdout(&out);
    let dir = path.parent().unwrap().display().to_string();
    assert!(
        text.contains(&format!(
            "config           {dir}/config.toml (chosen by the platform config dir; read)\n.env             {dir}/.env (read)\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("canonical ref    qwen/qwen3.5-plus"),
        "{text}"
    );
    assert!(
        text.contains("https://dashscope-intl.aliyuncs.com/compatible-mode/v1"),
        "{text}"
    );
    let problems = stderr(&out);
    assert!(problems.contains("unknown key `modles`"), "{problems}");
    assert!(problems.contains("qwen/wan9"), "{problems}");

    let out = provcat_in(home.path(), &["explain", "--json"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["canonical_ref"], "qwen/qwen3.5-plus");
    assert_eq!(
        json["auth"]["choice"]["id"], "qwen-standard-api-key",
        "{json}"
    );
    assert_eq!(json["problems"].as_array().unwrap().len(), 2, "{json}");
    assert_eq!(json["error"]["exit_code"], 2);

    // Nothing can be read of a file that does not parse: the error alone, as before.
    std::fs::write(&path, "models = [\n").unwrap();
    let out = provcat_in(home.path(), &["explain"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
}
