//! The Qwen twin: `tests/fixtures/twin/nimbus/` is `catalog/qwen/` with every name changed —
//! provider id, namespace alias, plan and region ids and names, hosts, paths, env vars, key
//! prefixes, auth choice and legacy ids, alias namespaces. Loaded with `--catalog`, it must
//! behave exactly like `qwen`: every output of the same scenario, renamed the same way, is
//! the same. Any provider knowledge left in runtime code shows up here as a difference.
//!
//! Scenarios that make requests run against a pair of emulators ([`Servers`]): the qwen
//! side on the default (DashScope) profile, the twin side on a twin profile (its own paths
//! and key prefixes); outputs are compared after renaming and after replacing each
//! emulator's addresses and task ids with placeholders.
//!
//! - [`catalog`]: the fixture itself, listings, onboarding, explain;
//! - [`chat`]: streams, thinking, every advice message;
//! - [`video`]: generate, status, cancel and the plan refusals.

mod catalog;
mod chat;
mod video;

use std::path::PathBuf;

use provcat_emulator::{Emulator, EmulatorConfig, Fault, Profile};

use crate::support::{Run, config_dir, root, stderr, stdout};

const LITERAL: &[(&str, &str)] = &[
    ("Qwen (Alibaba Cloud Model Studio)", "Nimbus Cloud"),
    (
        "token-plan.cn-beijing.maas.aliyuncs.com",
        "flat-east.nimbus.example",
    ),
    (
        "token-plan.ap-southeast-1.maas.aliyuncs.com",
        "flat-west.nimbus.example",
    ),
    ("dashscope-us.aliyuncs.com", "api-south.nimbus.example"),
    ("ALIBABA_TOKEN_PLAN_API_KEY", "NIMBUS_FLAT_PLAN_API_KEY"),
    ("Token Plan (subscription)", "Flat Plan (subscription)"),
    ("US (Virginia)", "South (Virginia)"),
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
pub fn twin_file(text: &str) -> String {
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

pub fn fixture_dir() -> PathBuf {
    root().join("tests/fixtures/twin")
}

pub struct Scenario<'a> {
    /// The config file (qwen names), if any; with servers, `STANDARD_BASE` and
    /// `CODING_BASE` stand for the side's emulator base URLs.
    pub config: Option<&'a str>,
    /// Environment variables (qwen names and keys).
    pub env: &'a [(&'a str, &'a str)],
    /// Arguments (qwen names); with servers, `TASK_n` stands for the side's n-th task id.
    pub args: &'a [&'a str],
    /// Stdin (qwen names), if any.
    pub stdin: Option<&'a str>,
}

/// What a run printed, with the temporary home replaced by `HOME`.
#[derive(Debug, PartialEq, Eq)]
struct Printed {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Scenario<'_> {
    fn run(&self, twin_side: bool, servers: Option<&Servers>) -> Printed {
        let home = tempfile::tempdir().unwrap();
        let server = servers.map(|s| s.side(twin_side));
        let rename = |t: &str| {
            let renamed = if twin_side { twin(t) } else { t.to_string() };
            server.map_or(renamed.clone(), |s| placeholders_to(s, &renamed))
        };
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
            let text = text.replace(&home_text, "HOME");
            let text = server.map_or(text.clone(), |s| placeholders_from(s, &text));
            text.lines()
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
    pub fn assert_same(&self) {
        self.compare(None);
    }

    /// Runs both sides, each against its emulator, and asserts the twin printed the qwen
    /// output, renamed, and that both emulators received the same requests (paths apart).
    #[track_caller]
    pub fn assert_same_on(&self, servers: &Servers) {
        let before = (servers.qwen.requests().len(), servers.twin.requests().len());
        self.compare(Some(servers));
        let bodies = |e: &Emulator, from: usize| -> Vec<_> {
            e.requests()[from..]
                .iter()
                .map(|r| (r.method.clone(), r.body.clone()))
                .collect()
        };
        assert_eq!(
            bodies(&servers.twin, before.1),
            bodies(&servers.qwen, before.0),
            "`provcat {}` sent other requests on the twin side",
            self.args.join(" ")
        );
    }

    #[track_caller]
    fn compare(&self, servers: Option<&Servers>) {
        let qwen = self.run(false, servers);
        let nimbus = self.run(true, servers);
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

/// The qwen side's emulator and the twin side's.
pub struct Servers {
    /// DashScope's layout: `/compatible-mode/v1`, `/v1`, `sk-` and `sk-sp-` keys.
    pub qwen: Emulator,
    /// The twin's layout: `/twin-mode/v1`, `/dev/v1`, `nk-` and `nk-dp-` keys.
    pub twin: Emulator,
}

impl Servers {
    /// Both emulators, serving the chat models `keep` accepts.
    pub fn start(keep: impl Fn(&str) -> bool) -> Servers {
        let mut qwen = EmulatorConfig::default();
        qwen.profile.chat_models.retain(|m| keep(m.id));
        let twin = EmulatorConfig {
            profile: Profile {
                standard_base: "/twin-mode/v1".to_string(),
                coding_base: "/dev/v1".to_string(),
                standard_key_prefix: "nk-".to_string(),
                coding_key_prefix: "nk-dp-".to_string(),
                ..qwen.profile.clone()
            },
            ..qwen.clone()
        };
        Servers {
            qwen: Emulator::start_with(qwen),
            twin: Emulator::start_with(twin),
        }
    }

    /// The emulator of one side.
    pub fn side(&self, twin_side: bool) -> &Emulator {
        if twin_side { &self.twin } else { &self.qwen }
    }

    /// Queues `fault` on both sides.
    pub fn push_fault(&self, fault: Fault) {
        self.qwen.push_fault(fault.clone());
        self.twin.push_fault(fault);
    }
}

fn root_url(server: &Emulator) -> String {
    format!("http://{}", server.addr())
}

/// `text` with the placeholders replaced by `server`'s values.
fn placeholders_to(server: &Emulator, text: &str) -> String {
    let mut out = text
        .replace("STANDARD_BASE", &server.standard_base_url())
        .replace("CODING_BASE", &server.coding_base_url());
    let tasks = server.video_tasks();
    for (n, task) in tasks.iter().enumerate().rev() {
        out = out.replace(&format!("TASK_{}", n + 1), &task.id);
    }
    out
}

/// `text` with `server`'s values replaced by placeholders (and elapsed seconds by `_`).
fn placeholders_from(server: &Emulator, text: &str) -> String {
    let mut out = text
        .replace(&server.standard_base_url(), "STANDARD_BASE")
        .replace(&server.coding_base_url(), "CODING_BASE")
        .replace(&root_url(server), "EMU");
    for (n, task) in server.video_tasks().iter().enumerate() {
        out = out.replace(&task.id, &format!("TASK_{}", n + 1));
    }
    let mut words: Vec<String> = Vec::new();
    let mut last_after = false;
    for word in out.split(' ') {
        let seconds = word
            .strip_suffix('s')
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
        words.push(if last_after && seconds {
            "_s".to_string()
        } else {
            word.to_string()
        });
        last_after = word == "after";
    }
    words.join(" ")
}

pub const KEY: &str = "sk-test0123456789abcdWXYZ";
pub const CODING_KEY: &str = "sk-sp-test0123456789WXYZ";

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
