//! `provcat onboard`: every auth choice id, idempotence and comments, `--no-write`, key
//! shape warnings, the non-terminal refusal, JSON configs, the hidden prompt.

use super::{CODING_KEY, KEY, explain_json, mode, onboard, write};
use crate::support::{Run, assert_stderr_has, config_dir, provcat_in, stderr, stdout};

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
                "#:schema ./config.schema.json\n[models.providers.qwen]\nauthChoice = \"{canonical}\"\n\n[agents.defaults.model]\nprimary = \"qwen/qwen3.5-plus\"\n"
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
        config.starts_with(&format!("#:schema ./config.schema.json\n{original}")),
        "the user's text is kept byte for byte, after the schema line:\n{config}"
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
        "This looks like a Coding Plan (subscription) key: use the auth choice `qwen-api-key-cn` (Coding Plan (subscription), China), `provcat onboard --auth-choice qwen-api-key-cn`",
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
    while !String::from_utf8_lossy(&seen).contains("input hidden): ") {
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
