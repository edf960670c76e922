//! Resolution through the config: custom providers inheriting a catalog host's
//! capabilities, base URL overrides, plan availability, where the config is found, the
//! configured defaults in `models`, the README example, and what `explain` shows.

use serde_json::Value;

use super::{CODING_KEY, KEY, explain_json, write};
use crate::support::{config_dir, provcat_in, stderr, stdout};

#[test]
fn a_custom_provider_on_a_native_host_inherits_its_capabilities_and_compat_wins() {
    let home = tempfile::tempdir().unwrap();
    write(
        &config_dir(home.path()).join("config.toml"),
        r#"[models.providers.proxy]
api = "openai-completions"
baseUrl = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"

[models.providers.generic]
api = "openai-completions"
baseUrl = "https://llm.example.com/v1"

[models.providers.forced]
api = "openai-completions"
baseUrl = "https://dashscope.aliyuncs.com/compatible-mode/v1"
compat = { supportsUsageInStreaming = false, supportsDeveloperRole = true }
"#,
    );
    let native = explain_json(
        home.path(),
        &["proxy/any-model-id"],
        &[("PROXY_API_KEY", KEY)],
    );
    assert_eq!(
        native["model_id"], "any-model-id",
        "custom providers accept any model id"
    );
    assert_eq!(native["capabilities"]["streaming_usage"]["value"], true);
    assert_eq!(
        native["capabilities"]["streaming_usage"]["source"]["from"],
        "host"
    );
    assert_eq!(native["capabilities"]["developer_role"]["value"], false);
    assert_eq!(native["facts_from"], Value::Null, "no such catalog model");
    let known = explain_json(
        home.path(),
        &["proxy/qwen3.5-plus"],
        &[("PROXY_API_KEY", KEY)],
    );
    assert_eq!(
        known["facts_from"], "qwen/qwen3.5-plus",
        "the same id on the catalog provider's host borrows its facts"
    );
    assert_eq!(native["key"]["found"]["source"]["var"], "PROXY_API_KEY");

    let generic = explain_json(home.path(), &["generic/m"], &[]);
    assert_eq!(generic["capabilities"]["streaming_usage"]["value"], false);
    assert_eq!(
        generic["capabilities"]["streaming_usage"]["source"]["from"],
        "generic"
    );
    assert_eq!(generic["facts_from"], Value::Null);

    let forced = explain_json(home.path(), &["forced/m"], &[]);
    assert_eq!(forced["capabilities"]["streaming_usage"]["value"], false);
    assert_eq!(
        forced["capabilities"]["streaming_usage"]["source"]["key"],
        "models.providers.forced.compat.supportsUsageInStreaming"
    );
    assert_eq!(forced["capabilities"]["developer_role"]["value"], true);
    assert_eq!(
        forced["capabilities"]["thinking_format"]["source"]["from"], "host",
        "unset compat keys keep the host's value"
    );
}

#[test]
fn a_custom_base_url_overrides_the_auth_choice_endpoint() {
    let home = tempfile::tempdir().unwrap();
    write(
        &config_dir(home.path()).join("config.toml"),
        "[models.providers.qwen]\nauthChoice = \"qwen-api-key\"\nbaseUrl = \"http://127.0.0.1:9/v1\"\n",
    );
    let target = explain_json(
        home.path(),
        &["qwen/glm-5"],
        &[("QWEN_API_KEY", CODING_KEY)],
    );
    assert_eq!(
        target["base_url"], "http://127.0.0.1:9/v1",
        "plain http is fine to loopback"
    );
    assert_eq!(target["base_url_source"]["from"], "config");
    assert_eq!(
        target["plan"]["id"], "coding",
        "the plan still comes from the auth choice"
    );
    assert_eq!(
        target["capabilities"]["streaming_usage"]["source"]["from"], "auth-choice",
        "a proxy the catalog does not know keeps the auth choice's capabilities"
    );
    assert_eq!(target["capabilities"]["streaming_usage"]["value"], true);
    assert_eq!(
        target["capabilities"]["thinking_format"]["value"],
        "enable-thinking"
    );
}

#[test]
fn may_be_rejected_resolves_with_the_seed_advice() {
    let home = tempfile::tempdir().unwrap();
    write(
        &config_dir(home.path()).join("config.toml"),
        "[models.providers.modelstudio]\nauthChoice = \"modelstudio-api-key\"\n",
    );
    let out = provcat_in(
        home.path(),
        &["explain", "modelstudio/qwen3.6-plus"],
        &[("QWEN_API_KEY", CODING_KEY)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("qwen/qwen3.6-plus may be rejected on the Coding Plan"),
        "{err}"
    );
    assert!(
        err.contains("switch to Standard (pay-as-you-go)"),
        "the seed's advice: {err}"
    );
    assert!(
        err.contains("provcat onboard --auth-choice qwen-standard-api-key`"),
        "same region: {err}"
    );
    assert!(err.contains("legacy provider id `modelstudio`"), "{err}");
    assert!(
        err.contains("`modelstudio-api-key` is a legacy id"),
        "{err}"
    );
    let text = stdout(&out);
    assert!(
        text.contains("(`modelstudio/qwen3.6-plus` is a legacy namespace alias)"),
        "{text}"
    );
    assert!(
        text.contains("written as the legacy id `modelstudio-api-key`"),
        "{text}"
    );
}

#[test]
fn an_unavailable_model_is_an_error_pointing_at_the_auth_choice() {
    let home = tempfile::tempdir().unwrap();
    write(
        &config_dir(home.path()).join("config.toml"),
        "[models.providers.qwen]\nauthChoice = \"qwen-api-key-cn\"\n",
    );
    let out = provcat_in(home.path(), &["explain", "alibaba/wan2.6-t2v"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("qwen/wan2.6-t2v is not available on the Coding Plan"),
        "{err}"
    );
    assert!(err.contains("config.toml:2:14"), "{err}");
    assert!(
        err.contains("--auth-choice qwen-standard-api-key-cn"),
        "{err}"
    );
}

#[test]
fn the_config_is_found_by_flag_env_var_or_default_and_json_works_as_in_the_seed() {
    let home = tempfile::tempdir().unwrap();
    let default = config_dir(home.path()).join("config.toml");
    write(
        &default,
        "[models.providers.qwen]\nauthChoice = \"qwen-api-key\"\n",
    );
    let elsewhere = home.path().join("elsewhere.json");
    write(
        &elsewhere,
        "{\n  // the seed's example, as written\n  agents: {\n    defaults: {\n      model: { primary: \"qwen/glm-5\" },\n    },\n  },\n  models: { providers: { qwen: { authChoice: \"qwen-standard-api-key-cn\" } } },\n}\n",
    );
    let by_default = explain_json(home.path(), &[], &[]);
    assert_eq!(by_default["config"]["origin"], "default");
    assert_eq!(by_default["auth"]["choice"]["id"], "qwen-api-key");

    let path = elsewhere.to_str().unwrap();
    let by_env = explain_json(home.path(), &[], &[("PROVCAT_CONFIG", path)]);
    assert_eq!(by_env["config"]["origin"], "env-var");
    assert_eq!(by_env["canonical_ref"], "qwen/glm-5");
    assert_eq!(by_env["ref_source"]["key"], "agents.defaults.model.primary");

    // `--config` wins over both, before or after the subcommand.
    for args in [
        vec!["--config", path, "explain", "--json"],
        vec!["explain", "--json", "--config", path],
    ] {
        let out = provcat_in(
            home.path(),
            &args,
            &[
                ("PROVCAT_CONFIG", "/nonexistent/x.toml"),
                ("QWEN_API_KEY", "sk-0123456789abcdefWXYZ"),
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let target: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(target["config"]["origin"], "flag");
        assert_eq!(target["auth"]["choice"]["id"], "qwen-standard-api-key-cn");
    }
}

#[test]
fn a_config_flag_naming_a_missing_file_is_an_error_except_for_onboard() {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("typo/confg.toml");
    let path = missing.to_str().unwrap();
    let out = provcat_in(home.path(), &["--config", path, "explain"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("--config {path}: the file does not exist")),
        "{}",
        stderr(&out)
    );
    // A command that only decorates its output with the config says so and goes on.
    let listed = provcat_in(home.path(), &["--config", path, "models", "list"], &[]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert!(
        stderr(&listed).contains("the file does not exist"),
        "{}",
        stderr(&listed)
    );
    // `onboard` creates it.
    let created = home.path().join("new.toml");
    let out = provcat_in(
        home.path(),
        &[
            "--config",
            created.to_str().unwrap(),
            "onboard",
            "--auth-choice",
            "qwen-standard-api-key",
            "--skip-key",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(created.is_file());
}

#[test]
fn models_list_and_show_mark_the_configured_defaults() {
    let home = tempfile::tempdir().unwrap();
    write(
        &config_dir(home.path()).join("config.toml"),
        "[agents.defaults.model]\nprimary = \"modelstudio/glm-5\"\n\n[agents.defaults.videoGenerationModel]\nprimary = \"alibaba/wan2.6-i2v\"\n\n[models.providers.qwen]\nauthChoice = \"qwen-api-key\"\n",
    );
    let out = provcat_in(home.path(), &["models", "list", "--json"], &[]);
    let models: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let marked: Vec<(&str, &str)> = models
        .iter()
        .filter_map(|m| Some((m["ref"].as_str()?, m["configured_default"].as_str()?)))
        .collect();
    assert_eq!(
        marked,
        [
            ("qwen/glm-5", "model"),
            ("qwen/wan2.6-i2v", "videoGenerationModel")
        ]
    );

    let table = stdout(&provcat_in(home.path(), &["models", "list"], &[]));
    assert!(table.contains("qwen/glm-5 *"), "{table}");
    assert!(table.contains("* the configured default"), "{table}");

    let shown = stdout(&provcat_in(
        home.path(),
        &["models", "show", "qwen/qwen3.6-plus"],
        &[],
    ));
    assert!(
        shown.contains("on your plan       coding: may-be-rejected"),
        "{shown}"
    );
}

/// The README's config example loads as written, and resolves both defaults.
#[test]
fn the_readme_config_example_works() {
    let readme = std::fs::read_to_string(crate::support::root().join("README.md")).unwrap();
    let section = &readme[readme.find("## Your config").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let home = tempfile::tempdir().unwrap();
    write(&config_dir(home.path()).join("config.toml"), example);
    let chat = explain_json(home.path(), &[], &[]);
    assert_eq!(chat["canonical_ref"], "qwen/qwen3.5-plus");
    assert_eq!(chat["auth"]["choice"]["id"], "qwen-standard-api-key");
    let custom = explain_json(
        home.path(),
        &["my-proxy/qwen-plus"],
        &[("MY_PROXY_API_KEY", KEY)],
    );
    assert_eq!(custom["capabilities"]["streaming_usage"]["value"], true);
    assert_eq!(custom["key"]["found"]["source"]["var"], "MY_PROXY_API_KEY");
}

/// Header values may be secrets: `explain --json` names the headers only. A base URL on one
/// of the provider's own hosts, without an auth choice, still says the plan.
#[test]
fn explain_hides_header_values_and_reads_the_plan_from_a_known_host() {
    let home = tempfile::tempdir().unwrap();
    write(
        &config_dir(home.path()).join("config.toml"),
        "[models.providers.qwen]\nbaseUrl = \"https://coding-intl.dashscope.aliyuncs.com/v1\"\nheaders = { X-Auth = \"supersecretvalue123456\" }\n",
    );
    let out = provcat_in(
        home.path(),
        &["explain", "--json", "qwen/qwen3.6-plus"],
        &[("QWEN_API_KEY", "sk-sp-0123456789abcdefWXYZ")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("supersecret"), "{}", stdout(&out));
    let target: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(target["headers"], serde_json::json!(["X-Auth"]));
    assert_eq!(target["plan"]["id"], "coding");
    assert!(
        target["warnings"].to_string().contains("may be rejected"),
        "{target}"
    );
}
