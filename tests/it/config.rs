//! The user's config end to end, through the binary with a temporary `HOME` and an
//! explicit environment: onboarding (every auth choice, idempotence, comments, modes),
//! key precedence, resolution rules, and the config's view in `models`.

use std::path::Path;

use serde_json::Value;

use crate::support::{Run, assert_stderr_has, config_dir, provcat_in, stderr, stdout};

const KEY: &str = "sk-0123456789abcdefWXYZ";
const CODING_KEY: &str = "sk-sp-0123456789abcdefWXYZ";

fn onboard(home: &Path, id: &str, key: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["onboard", "--auth-choice", id, "--api-key-stdin"];
    args.extend_from_slice(extra);
    Run {
        cwd: home,
        args: &args,
        home,
        env: &[],
        stdin: Some(key),
    }
    .output()
}

fn explain_json(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Value {
    let mut all = vec!["explain", "--json"];
    all.extend_from_slice(args);
    let out = provcat_in(home, &all, env);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn onboarding_works_for_all_eight_auth_choice_ids() {
    let cases = [
        (
            "qwen-standard-api-key-cn",
            "qwen-standard-api-key-cn",
            false,
            "https://dashscope.aliyuncs.com/compatible-mode/v1",
        ),
        (
            "qwen-standard-api-key",
            "qwen-standard-api-key",
            false,
            "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
        ),
        (
            "qwen-api-key-cn",
            "qwen-api-key-cn",
            false,
            "https://coding.dashscope.aliyuncs.com/v1",
        ),
        (
            "qwen-api-key",
            "qwen-api-key",
            false,
            "https://coding-intl.dashscope.aliyuncs.com/v1",
        ),
        (
            "modelstudio-standard-api-key-cn",
            "qwen-standard-api-key-cn",
            true,
            "https://dashscope.aliyuncs.com/compatible-mode/v1",
        ),
        (
            "modelstudio-standard-api-key",
            "qwen-standard-api-key",
            true,
            "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
        ),
        (
            "modelstudio-api-key-cn",
            "qwen-api-key-cn",
            true,
            "https://coding.dashscope.aliyuncs.com/v1",
        ),
        (
            "modelstudio-api-key",
            "qwen-api-key",
            true,
            "https://coding-intl.dashscope.aliyuncs.com/v1",
        ),
    ];
    for (typed, canonical, legacy, base_url) in cases {
        let home = tempfile::tempdir().unwrap();
        let key = if canonical.contains("standard") {
            KEY
        } else {
            CODING_KEY
        };
        let out = onboard(home.path(), typed, key, &[]);
        assert!(out.status.success(), "{typed}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.contains("legacy id"), legacy, "{typed}: {err}");
        assert!(
            !err.contains("shape"),
            "{typed}: a fitting key draws no warning: {err}"
        );

        let dir = config_dir(home.path());
        let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
        assert_eq!(
            config,
            format!(
                "[models.providers.qwen]\nauthChoice = \"{canonical}\"\n\n[agents.defaults.model]\nprimary = \"qwen/qwen3.5-plus\"\n"
            ),
            "{typed}: the canonical id is written"
        );
        // A plan with its own key variable (the Coding Plan's) gets the key there.
        let var = if key == KEY {
            "QWEN_API_KEY"
        } else {
            "ALIBABA_CODING_PLAN_API_KEY"
        };
        assert_eq!(
            std::fs::read_to_string(dir.join(".env")).unwrap(),
            format!("{var}={key}\n")
        );
        #[cfg(unix)]
        {
            assert_eq!(mode(&dir.join("config.toml")), 0o600, "{typed}");
            assert_eq!(mode(&dir.join(".env")), 0o600, "{typed}");
        }

        let target = explain_json(home.path(), &[], &[]);
        assert_eq!(target["auth"]["choice"]["id"], canonical, "{typed}");
        assert_eq!(target["base_url"], base_url, "{typed}");
        assert_eq!(
            target["key"]["found"]["source"]["layer"], "dot-env",
            "{typed}"
        );
        assert_eq!(
            target["key"]["found"]["masked"],
            format!("{}…WXYZ", if key == KEY { "sk-" } else { "sk-sp-" })
        );
        assert_eq!(target["key"]["found"]["source"]["var"], var, "{typed}");
    }
}

#[test]
fn onboarding_twice_changes_nothing_and_keeps_comments() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    let original = "# my settings\n[agents.defaults.model]\nprimary = \"qwen/glm-5\" # GLM for now\n\n[env]\nOTHER = \"1\" # unrelated\n";
    write(&dir.join("config.toml"), original);
    write(&dir.join(".env"), "# keys\nOTHER_KEY=abc\n");

    let first = onboard(home.path(), "qwen-standard-api-key", KEY, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(
        config.starts_with(original),
        "the user's text is kept byte for byte:\n{config}"
    );
    assert!(
        config.ends_with("[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\n"),
        "{config}"
    );
    assert!(
        !stdout(&first).contains("default model"),
        "an existing default is kept"
    );
    let dotenv = std::fs::read_to_string(dir.join(".env")).unwrap();
    assert_eq!(
        dotenv,
        format!("# keys\nOTHER_KEY=abc\nQWEN_API_KEY={KEY}\n")
    );

    let second = onboard(home.path(), "qwen-standard-api-key", KEY, &[]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stdout(&second).contains("config           unchanged"),
        "{}",
        stdout(&second)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("config.toml")).unwrap(),
        config
    );
    assert_eq!(std::fs::read_to_string(dir.join(".env")).unwrap(), dotenv);
}

#[test]
fn no_write_prints_the_plan_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let out = onboard(home.path(), "qwen-api-key", CODING_KEY, &["--no-write"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("would write"), "{text}");
    assert!(text.contains("authChoice = \"qwen-api-key\""), "{text}");
    assert!(!config_dir(home.path()).exists(), "nothing was created");
}

#[test]
fn a_key_of_the_wrong_plan_is_warned_about() {
    let home = tempfile::tempdir().unwrap();
    let out = onboard(home.path(), "qwen-standard-api-key-cn", CODING_KEY, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_stderr_has(
        &out,
        "starts with `sk-sp-`, the shape of Coding Plan (subscription) keys",
    );
    assert_stderr_has(
        &out,
        "onboard `provcat onboard --auth-choice qwen-api-key-cn`",
    );
    let out = onboard(home.path(), "qwen-api-key-cn", KEY, &[]);
    assert_stderr_has(
        &out,
        "starts with `sk-`, the shape of Standard (pay-as-you-go) keys, but the Coding Plan (subscription) expects `sk-sp-…` keys",
    );
}

#[test]
fn onboard_refuses_to_read_a_key_from_a_non_terminal_without_the_flag() {
    let home = tempfile::tempdir().unwrap();
    let out = provcat_in(
        home.path(),
        &["onboard", "--auth-choice", "qwen-api-key"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_stderr_has(&out, "--api-key-stdin");
    assert!(!config_dir(home.path()).exists());
}

/// Each layer of the key precedence wins over every layer below it.
#[test]
fn key_precedence_is_flag_config_env_config_env_table_then_dotenv() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    let layers = [
        ("flag", "sk-flag-0000000000000001"),
        ("config-api-key", "sk-apikey-000000000000002"),
        ("env", "sk-env-00000000000000003"),
        ("config-env", "sk-table-0000000000000004"),
        ("dot-env", "sk-dotenv-000000000000005"),
    ];
    // Start with every layer present, then remove the winner one at a time.
    for skip in 0..layers.len() {
        let present = |layer: &str| layers[skip..].iter().any(|(l, _)| *l == layer);
        let mut config =
            String::from("[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\n");
        if present("config-api-key") {
            config.push_str(&format!("apiKey = \"{}\"\n", layers[1].1));
        }
        if present("config-env") {
            config.push_str(&format!("\n[env]\nQWEN_API_KEY = \"{}\"\n", layers[3].1));
        }
        write(&dir.join("config.toml"), &config);
        write(
            &dir.join(".env"),
            &format!("QWEN_API_KEY={}\n", layers[4].1),
        );
        let env: Vec<(&str, &str)> = if present("env") {
            vec![("DASHSCOPE_API_KEY", layers[2].1)]
        } else {
            vec![]
        };
        let mut args = vec!["explain", "--json"];
        if present("flag") {
            args.push("--api-key-stdin");
        }
        let out = Run {
            cwd: home.path(),
            args: &args,
            home: home.path(),
            env: &env,
            stdin: Some(layers[0].1),
        }
        .output();
        assert!(out.status.success(), "{}", stderr(&out));
        let target: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let (layer, key) = layers[skip];
        assert_eq!(
            target["key"]["found"]["source"]["layer"], layer,
            "with layers {skip}.."
        );
        let tail = &key[key.len() - 4..];
        assert!(
            target["key"]["found"]["masked"]
                .as_str()
                .unwrap()
                .ends_with(tail),
            "{layer}"
        );
    }
}

#[test]
fn env_vars_are_tried_in_catalog_order() {
    let home = tempfile::tempdir().unwrap();
    write(
        &config_dir(home.path()).join("config.toml"),
        "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\n",
    );
    let all = [
        ("QWEN_API_KEY", "sk-qwen-000000000000001"),
        ("MODELSTUDIO_API_KEY", "sk-ms-00000000000000002"),
        ("DASHSCOPE_API_KEY", "sk-ds-00000000000000003"),
    ];
    for first in 0..all.len() {
        let target = explain_json(home.path(), &[], &all[first..]);
        assert_eq!(target["key"]["found"]["source"]["var"], all[first].0);
    }
}

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
            &[("PROVCAT_CONFIG", "/nonexistent/x.toml")],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let target: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(target["config"]["origin"], "flag");
        assert_eq!(target["auth"]["choice"]["id"], "qwen-standard-api-key-cn");
    }
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

/// A JSON config is never rewritten (its comments would be lost): onboarding stores the key
/// and prints the snippet to merge; once merged, onboarding changes nothing.
#[test]
fn onboarding_with_a_json_config_prints_the_snippet_and_keeps_the_file() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("config.json");
    let original = "{\n  // mine\n  \"env\": { \"OTHER\": \"1\" },\n}\n";
    write(&path, original);
    let path_arg = path.to_str().unwrap();
    let out = Run {
        cwd: home.path(),
        args: &[
            "--config",
            path_arg,
            "onboard",
            "--auth-choice",
            "qwen-api-key",
            "--api-key-stdin",
        ],
        home: home.path(),
        env: &[],
        stdin: Some(CODING_KEY),
    }
    .output();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("is JSON and is not rewritten"), "{text}");
    assert!(text.contains("\"authChoice\": \"qwen-api-key\""), "{text}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    assert_eq!(
        std::fs::read_to_string(home.path().join(".env")).unwrap(),
        format!("ALIBABA_CODING_PLAN_API_KEY={CODING_KEY}\n")
    );

    write(
        &path,
        "{ \"models\": { \"providers\": { \"qwen\": { \"authChoice\": \"qwen-api-key\" } } },\n  \"agents\": { \"defaults\": { \"model\": { \"primary\": \"qwen/glm-5\" } } } }\n",
    );
    let out = Run {
        cwd: home.path(),
        args: &[
            "onboard",
            "--auth-choice",
            "modelstudio-api-key",
            "--skip-key",
            "--config",
            path_arg,
        ],
        home: home.path(),
        env: &[],
        stdin: None,
    }
    .output();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("not rewritten"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("config           unchanged"),
        "{}",
        stdout(&out)
    );
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
        &[],
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

/// The interactive prompt, under a real terminal (`script` allocates a pty): the key is read
/// with echo off, stored, and never shown. Skipped where util-linux `script` is missing.
#[cfg(target_os = "linux")]
#[test]
fn the_hidden_prompt_reads_the_key_from_a_terminal_without_echo() {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};

    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let provcat = env!("CARGO_BIN_EXE_provcat");
    let mut child = Command::new("script")
        .args([
            "-qec",
            &format!("{provcat} onboard --auth-choice qwen-api-key"),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&seen).contains("(input hidden): ") {
        assert_eq!(
            stdout.read(&mut byte).unwrap(),
            1,
            "no prompt: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.push(byte[0]);
    }
    // Echo is switched off right after the prompt is written.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{CODING_KEY}\n").as_bytes())
        .unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{rest}");
    assert!(
        !rest.contains("0123456789"),
        "the key was echoed or printed: {rest}"
    );
    assert!(
        rest.contains("ALIBABA_CODING_PLAN_API_KEY=sk-sp-…WXYZ"),
        "{rest}"
    );
    let dotenv = std::fs::read_to_string(config_dir(home.path()).join(".env")).unwrap();
    assert_eq!(
        dotenv,
        format!("ALIBABA_CODING_PLAN_API_KEY={CODING_KEY}\n")
    );
}
