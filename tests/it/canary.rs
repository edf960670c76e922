//! A canary key, placed in every key source at once, never appears in any output of any
//! command (stdout or stderr, `-v` and `--json` included), on success or on failure.

use std::path::Path;

use crate::support::{Run, config_dir, stderr, stdout};

const CANARY: &str = "sk-CANARY0123456789canary";
/// The part of the canary that a masked form may never show.
const SECRET_PART: &str = "CANARY0123456789";

fn assert_clean(home: &Path, args: &[&str], stdin: Option<&str>) {
    let env = [
        ("QWEN_API_KEY", CANARY),
        ("MODELSTUDIO_API_KEY", CANARY),
        ("DASHSCOPE_API_KEY", CANARY),
        ("PROXY_API_KEY", CANARY),
    ];
    let out = Run {
        cwd: home,
        args,
        home,
        env: &env,
        stdin,
    }
    .output();
    let (o, e) = (stdout(&out), stderr(&out));
    for text in [&o, &e] {
        assert!(
            !text.contains(SECRET_PART) && !text.to_lowercase().contains("canary0123"),
            "`provcat {}` printed the key:\n{text}",
            args.join(" ")
        );
    }
}

#[test]
fn no_command_prints_the_key() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\napiKey = \"{CANARY}\"\n\n[models.providers.proxy]\napi = \"openai-completions\"\nbaseUrl = \"https://dashscope.aliyuncs.com/compatible-mode/v1\"\napiKey = \"{CANARY}\"\n\n[env]\nQWEN_API_KEY = \"{CANARY}\"\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join(".env"), format!("QWEN_API_KEY={CANARY}\n")).unwrap();

    let commands: &[&[&str]] = &[
        &["explain"],
        &["-v", "explain"],
        &["explain", "--json"],
        &["explain", "proxy/m", "-v", "--json"],
        &["explain", "qwen/glm-5"],
        &["explain", "qwen/wan2.6-t2v", "-v"],
        &["explain", "qwen/nope"],
        &["models", "list", "-v"],
        &["models", "list", "--json"],
        &["models", "show", "qwen/qwen3.5-plus", "-v"],
        &["auth-choices", "--json"],
        &["endpoints"],
        &["schema", "config"],
    ];
    for args in commands {
        assert_clean(home.path(), args, None);
    }
    let stdin_commands: &[&[&str]] = &[
        &["explain", "--api-key-stdin", "-v"],
        &["explain", "--api-key-stdin", "--json"],
        &[
            "onboard",
            "--auth-choice",
            "qwen-api-key",
            "--api-key-stdin",
            "--no-write",
            "-v",
        ],
        &[
            "onboard",
            "--auth-choice",
            "modelstudio-api-key-cn",
            "--api-key-stdin",
            "--json",
        ],
        &[
            "onboard",
            "--auth-choice",
            "qwen-standard-api-key",
            "--api-key-stdin",
        ],
        &[
            "onboard",
            "--auth-choice",
            "qwen-standard-api-key",
            "--api-key-stdin",
        ],
        &["onboard", "--auth-choice", "qwen-nope", "--api-key-stdin"],
    ];
    for args in stdin_commands {
        assert_clean(home.path(), args, Some(CANARY));
    }
    // The failures print no key either: a broken config that holds one, and plain http.
    std::fs::write(
        dir.join("config.toml"),
        format!("[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\napiKey = \"{CANARY}\"\nbaseUrl = \"http://example.com/v1\"\n"),
    )
    .unwrap();
    assert_clean(home.path(), &["-v", "explain"], None);
    std::fs::write(
        dir.join("config.toml"),
        format!("[models.providers.qwen]\napiKey = \"{CANARY}\"\nauthChoic = \"x\"\n"),
    )
    .unwrap();
    assert_clean(home.path(), &["explain", "--json"], None);
    std::fs::write(dir.join("config.toml"), format!("apiKey = {CANARY}\n")).unwrap();
    assert_clean(home.path(), &["explain"], None);
}
