//! The Qwen twin: `tests/fixtures/twin/nimbus/` is `catalog/qwen/` with every name changed —
//! provider id, namespace alias, plan and region ids and names, hosts, paths, env vars, key
//! prefixes, auth choice and legacy ids, alias namespaces. Loaded with `--catalog`, it must
//! behave exactly like `qwen`: every output of the same scenario, renamed the same way, is
//! the same. Any provider knowledge left in runtime code shows up here as a difference.

use std::path::{Path, PathBuf};

use crate::support::{Run, config_dir, root, stderr, stdout};

/// The renaming, in order: literal replacements, then whole-word ones.
const LITERAL: &[(&str, &str)] = &[
    ("Qwen (Alibaba Cloud Model Studio)", "Nimbus Cloud"),
    (
        "coding-intl.dashscope.aliyuncs.com/v1",
        "dev-west.nimbus.example/dev/v1",
    ),
    (
        "coding.dashscope.aliyuncs.com/v1",
        "dev-east.nimbus.example/dev/v1",
    ),
    (
        "coding-intl.dashscope.aliyuncs.com",
        "dev-west.nimbus.example",
    ),
    ("coding.dashscope.aliyuncs.com", "dev-east.nimbus.example"),
    ("dashscope-intl.aliyuncs.com", "api-west.nimbus.example"),
    ("dashscope.aliyuncs.com", "api-east.nimbus.example"),
    ("/compatible-mode/v1", "/twin-mode/v1"),
    ("home.qwencloud.com", "home.nimbus.example"),
    ("docs.qwencloud.com", "docs.nimbus.example"),
    ("modelstudio-standard-api-key", "stratus-metered-key"),
    ("modelstudio-api-key", "stratus-dev-key"),
    ("qwen-standard-api-key", "nimbus-metered-key"),
    ("qwen-api-key", "nimbus-dev-key"),
    ("ALIBABA_CODING_PLAN_API_KEY", "NIMBUS_DEV_PLAN_API_KEY"),
    ("MODELSTUDIO_API_KEY", "STRATUS_API_KEY"),
    ("QWEN_API_KEY", "NIMBUS_API_KEY"),
    ("DASHSCOPE_API_KEY", "CIRRUS_API_KEY"),
    ("Standard (pay-as-you-go)", "Metered (pay-as-you-go)"),
    ("Coding Plan (subscription)", "Dev Plan (subscription)"),
    ("Global (Intl)", "West (Intl)"),
    ("China", "East"),
    ("sk-sp-", "nk-dp-"),
    ("Model Studio", "Nimbus Studio"),
];

/// Whole words (ASCII letters, digits and `_` around them are not part of the word).
const WORDS: &[(&str, &str)] = &[
    ("sk-", "nk-"),
    ("qwen", "nimbus"),
    ("modelstudio", "stratus"),
    ("alibaba", "cirrus"),
    ("DashScope", "Nimbus"),
    ("standard", "metered"),
    ("coding", "dev"),
    ("cn", "east"),
    ("global", "west"),
];

/// `text` with every qwen name replaced by its twin's.
pub fn twin(text: &str) -> String {
    let mut out = text.to_string();
    for (from, to) in LITERAL {
        out = out.replace(from, to);
    }
    for (from, to) in WORDS {
        out = replace_word(&out, from, to);
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn replace_word(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + from.len()..].chars().next();
        // A word starts after a non-word character; `sk-` ends in a non-word character
        // already, so only its start is checked.
        let starts = before.is_none_or(|c| !is_word(c));
        let ends = !from.ends_with(is_word) || after.is_none_or(|c| !is_word(c));
        out.push_str(&rest[..at]);
        out.push_str(if starts && ends { to } else { from });
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// A catalog file renamed: error codes and messages are the server's words, kept as they
/// are; `#:schema` paths are two levels deeper in the fixture.
fn twin_file(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            if line.starts_with("code = ") || line.starts_with("message_contains = ") {
                line.to_string()
            } else if let Some(path) = line.strip_prefix("#:schema ") {
                format!("#:schema ../../{path}")
            } else {
                twin(line)
            }
        })
        .collect()
}

fn fixture_dir() -> PathBuf {
    root().join("tests/fixtures/twin")
}

fn files_under(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, &format!("{prefix}{name}/"), out);
        } else {
            out.push((format!("{prefix}{name}"), path));
        }
    }
}

#[test]
fn the_twin_fixture_is_the_qwen_catalog_renamed() {
    let mut qwen = Vec::new();
    files_under(&root().join("catalog/qwen"), "", &mut qwen);
    let mut nimbus = Vec::new();
    files_under(&fixture_dir().join("nimbus"), "", &mut nimbus);
    qwen.sort();
    nimbus.sort();
    let names = |files: &[(String, PathBuf)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&nimbus), names(&qwen), "the same files");
    for ((relative, q), (_, n)) in qwen.iter().zip(&nimbus) {
        let expected = twin_file(&std::fs::read_to_string(q).unwrap());
        let actual = std::fs::read_to_string(n).unwrap();
        assert!(
            expected == actual,
            "tests/fixtures/twin/nimbus/{relative} is not catalog/qwen/{relative} renamed; \
             regenerate it with the renaming in tests/it/twin.rs"
        );
    }
}

/// One scenario run twice: against `qwen` and, renamed, against the twin.
struct Scenario<'a> {
    /// The config file (qwen names), if any.
    config: Option<&'a str>,
    /// Environment variables (qwen names and keys).
    env: &'a [(&'a str, &'a str)],
    /// Arguments (qwen names).
    args: &'a [&'a str],
    /// Stdin (qwen names), if any.
    stdin: Option<&'a str>,
}

/// What a run printed, with the temporary home replaced by `HOME`.
#[derive(Debug, PartialEq, Eq)]
struct Printed {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Scenario<'_> {
    fn run(&self, twin_side: bool) -> Printed {
        let home = tempfile::tempdir().unwrap();
        let rename = |t: &str| if twin_side { twin(t) } else { t.to_string() };
        if let Some(config) = self.config {
            let dir = config_dir(home.path());
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("config.toml"), rename(config)).unwrap();
        }
        let fixture = fixture_dir();
        let mut args: Vec<String> = Vec::new();
        if twin_side {
            args.extend(["--catalog".to_string(), fixture.display().to_string()]);
        }
        args.extend(self.args.iter().map(|a| rename(a)));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(String, String)> = self
            .env
            .iter()
            .map(|(k, v)| (rename(k), rename(v)))
            .collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let stdin = self.stdin.map(rename);
        let out = Run {
            cwd: home.path(),
            args: &args,
            home: home.path(),
            env: &env,
            stdin: stdin.as_deref(),
        }
        .output();
        let home_text = home.path().display().to_string();
        // Table columns and the marks under a quoted name are as wide as the names:
        // compare words, not padding or the length of `^^^`.
        let normal = |text: String| {
            text.replace(&home_text, "HOME")
                .lines()
                .map(|l| {
                    l.split_whitespace()
                        .map(|w| {
                            if w.len() > 1 && w.chars().all(|c| c == '^' || c == '-') {
                                &w[..1]
                            } else {
                                w
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        Printed {
            code: out.status.code(),
            stdout: normal(stdout(&out)),
            stderr: normal(stderr(&out)),
        }
    }

    /// Runs both sides and asserts the twin printed the qwen output, renamed.
    #[track_caller]
    fn assert_same(&self) {
        let qwen = self.run(false);
        let nimbus = self.run(true);
        let expected = Printed {
            code: qwen.code,
            stdout: twin(&qwen.stdout),
            stderr: twin(&qwen.stderr),
        };
        if nimbus != expected {
            panic!(
                "`provcat {}` differs between qwen and its twin:\n{}",
                self.args.join(" "),
                first_difference(&nimbus, &expected)
            );
        }
    }
}

/// The first line where the twin's output differs from the renamed qwen output.
fn first_difference(twin: &Printed, expected: &Printed) -> String {
    if twin.code != expected.code {
        return format!("exit code {:?}, expected {:?}", twin.code, expected.code);
    }
    for (what, t, e) in [
        ("stdout", &twin.stdout, &expected.stdout),
        ("stderr", &twin.stderr, &expected.stderr),
    ] {
        let mut t_lines = t.lines();
        let mut e_lines = e.lines();
        for n in 1.. {
            match (t_lines.next(), e_lines.next()) {
                (None, None) => break,
                (a, b) if a == b => continue,
                (a, b) => {
                    return format!(
                        "{what} line {n}:\n  twin:     {}\n  expected: {}",
                        a.unwrap_or("<end>"),
                        b.unwrap_or("<end>")
                    );
                }
            }
        }
    }
    "no difference".to_string()
}

const KEY: &str = "sk-test0123456789abcdWXYZ";
const CODING_KEY: &str = "sk-sp-test0123456789WXYZ";

#[test]
fn listings_are_the_same() {
    for args in [
        &["models", "list", "--provider", "qwen", "--json"][..],
        &["models", "list", "--provider", "qwen"],
        &["models", "show", "modelstudio/glm-5", "--json"],
        &["models", "show", "alibaba/wan2.7-r2v"],
    ] {
        Scenario {
            config: None,
            env: &[],
            args,
            stdin: None,
        }
        .assert_same();
    }
}

#[test]
fn onboarding_is_the_same_for_every_auth_choice_and_key_shape() {
    let ids = [
        "qwen-standard-api-key-cn",
        "qwen-standard-api-key",
        "qwen-api-key-cn",
        "qwen-api-key",
        "modelstudio-standard-api-key-cn",
        "modelstudio-api-key",
    ];
    for id in ids {
        for key in [KEY, CODING_KEY] {
            for json in [true, false] {
                let mut args = vec!["onboard", "--auth-choice", id, "--api-key-stdin"];
                if json {
                    args.push("--json");
                }
                Scenario {
                    config: Some("[agents.defaults.model]\nprimary = \"qwen/glm-5\"\n"),
                    env: &[],
                    args: &args,
                    stdin: Some(key),
                }
                .assert_same();
            }
        }
    }
}

#[test]
fn explain_is_the_same_for_every_plan_region_and_ref() {
    let choices = [
        "qwen-standard-api-key-cn",
        "qwen-api-key",
        "modelstudio-api-key-cn",
    ];
    let refs = [
        None,
        Some("qwen/glm-5"),
        Some("modelstudio/qwen3.6-plus"),
        Some("alibaba/wan2.6-t2v"),
        Some("qwen/wan2.7-r2v"),
        Some("qwen/glm5"),
    ];
    for choice in choices {
        let config = format!("[models.providers.qwen]\nauthChoice = \"{choice}\"\n");
        for reference in refs {
            for key in [KEY, CODING_KEY] {
                for json in [true, false] {
                    let mut args = vec!["explain"];
                    args.extend(reference);
                    if json {
                        args.push("--json");
                    }
                    Scenario {
                        config: Some(&config),
                        env: &[("DASHSCOPE_API_KEY", key)],
                        args: &args,
                        stdin: None,
                    }
                    .assert_same();
                }
            }
        }
    }
    // A proxy the catalog does not know, in front of each plan.
    for choice in ["qwen-standard-api-key", "qwen-api-key-cn"] {
        let config = format!(
            "[models.providers.modelstudio]\nauthChoice = \"{choice}\"\nbaseUrl = \"https://proxy.corp.example/compatible-mode/v1\"\n"
        );
        Scenario {
            config: Some(&config),
            env: &[("QWEN_API_KEY", KEY)],
            args: &["explain", "alibaba/wan2.6-i2v", "--json"],
            stdin: None,
        }
        .assert_same();
    }
}

#[test]
fn the_renaming_touches_whole_words_only() {
    assert_eq!(twin("qwen/qwen3.5-plus"), "nimbus/qwen3.5-plus");
    assert_eq!(twin("sk-…WXYZ and ask-me"), "nk-…WXYZ and ask-me");
    assert_eq!(
        twin("plan `standard` (standards)"),
        "plan `metered` (standards)"
    );
    assert_eq!(twin("qwen standard/cn"), "nimbus metered/east");
}
