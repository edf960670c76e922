//! The redaction property: a random key placed in any position of the config, the `.env`,
//! the environment or stdin never appears in the output of any command (stdout and
//! stderr, text and `--json`, success or failure), against the loopback emulator.
//!
//! Keys are drawn with a catalog key prefix (`sk-`, `sk-sp-`) or without one; no 8
//! characters in a row of a key's secret part may appear (a masked form shows its prefix
//! and at most 4 characters).

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use provcat_emulator::Emulator;

use crate::support::{Run, config_dir, stderr, stdout};

/// Where the key is put.
#[derive(Clone, Copy, Debug)]
enum Position {
    ApiKey,
    EnvTable,
    DotEnv,
    DotEnvWithoutName,
    DotEnvExport,
    Header(&'static str),
    BearerHeader,
    AuthChoice,
    DefaultModel,
    VideoModel,
    Api,
    BaseUrl,
    BaseUrlCredentials,
    BaseUrlQuery,
    ProcessEnv,
    Stdin,
}

fn position() -> impl Strategy<Value = Position> {
    use Position::*;
    prop_oneof![
        Just(ApiKey),
        Just(EnvTable),
        Just(DotEnv),
        Just(DotEnvWithoutName),
        Just(DotEnvExport),
        prop::sample::select(vec!["x-api-key", "api-key", "X-Custom", "Authorization"])
            .prop_map(Header),
        Just(BearerHeader),
        Just(AuthChoice),
        Just(DefaultModel),
        Just(VideoModel),
        Just(Api),
        Just(BaseUrl),
        Just(BaseUrlCredentials),
        Just(BaseUrlQuery),
        Just(ProcessEnv),
        Just(Stdin),
    ]
}

/// A key and its secret part (what follows a catalog prefix, or all of it).
fn key() -> impl Strategy<Value = (String, String)> {
    let body = "[A-Za-z0-9]{20,40}".prop_filter("two digits and two letters", |b| {
        let digits = b.bytes().filter(u8::is_ascii_digit).count();
        digits >= 2 && b.len() - digits >= 2
    });
    (prop::sample::select(vec!["sk-", "sk-sp-", ""]), body)
        .prop_map(|(prefix, body)| (format!("{prefix}{body}"), body))
}

/// The files of a case: `config.toml` and `.env` texts, env vars and stdin.
struct Case {
    config: String,
    dotenv: String,
    env: Vec<(&'static str, String)>,
    stdin: Option<String>,
}

fn lay_out(position: Position, key: &str, emulator: &Emulator) -> Case {
    use Position::*;
    let base = emulator.standard_base_url();
    let host = base.trim_start_matches("http://");
    let mut qwen = vec![
        "authChoice = \"qwen-standard-api-key\"".to_string(),
        format!("baseUrl = \"{base}\""),
        "compat = { supportsUsageInStreaming = true }".to_string(),
    ];
    let mut top = Vec::new();
    let mut tables = Vec::new();
    let mut dotenv = "QWEN_API_KEY=sk-emulator0123456789ok\n".to_string();
    let mut env = Vec::new();
    let mut stdin = None;
    match position {
        ApiKey => qwen.push(format!("apiKey = \"{key}\"")),
        EnvTable => tables.push(format!("[env]\nQWEN_API_KEY = \"{key}\"\n")),
        DotEnv => dotenv = format!("QWEN_API_KEY={key}\n"),
        DotEnvWithoutName => dotenv.push_str(&format!("{key}\n")),
        DotEnvExport => dotenv = format!("export QWEN_API_KEY {key}\n"),
        Header(name) => tables.push(format!(
            "[models.providers.qwen.headers]\n\"{name}\" = \"{key}\"\n"
        )),
        BearerHeader => tables.push(format!(
            "[models.providers.qwen.headers]\nAuthorization = \"Bearer {key}\"\n"
        )),
        AuthChoice => qwen[0] = format!("authChoice = \"{key}\""),
        DefaultModel => top.push(format!("[agents.defaults.model]\nprimary = \"{key}\"\n")),
        VideoModel => top.push(format!(
            "[agents.defaults.videoGenerationModel]\nprimary = \"qwen/{key}\"\n"
        )),
        Api => tables.push(format!(
            "[models.providers.proxy]\napi = \"{key}\"\nbaseUrl = \"{base}\"\n"
        )),
        BaseUrl => qwen[1] = format!("baseUrl = \"{key}\""),
        BaseUrlCredentials => qwen[1] = format!("baseUrl = \"http://user:{key}@{host}\""),
        BaseUrlQuery => qwen[1] = format!("baseUrl = \"{base}?api_key={key}\""),
        ProcessEnv => env.push(("QWEN_API_KEY", key.to_string())),
        Stdin => stdin = Some(format!("{key}\n")),
    }
    let config = format!(
        "{}[models.providers.qwen]\n{}\n\n{}",
        top.join("\n"),
        qwen.join("\n"),
        tables.join("\n")
    );
    Case {
        config,
        dotenv,
        env,
        stdin,
    }
}

/// The commands run for every case: the config and its report (text and JSON; `explain`
/// prints what the rest of a config with problems resolves), the config shown and checked, a chat
/// against the emulator (text and JSON), a video poll, and an onboarding that shows the
/// config it would write.
const COMMANDS: &[&[&str]] = &[
    &["-v", "explain"],
    &["explain", "qwen/glm-5", "--json"],
    &["explain", "--json"],
    &["config", "show"],
    &["config", "show", "--json"],
    &["config", "check", "--json"],
    &["chat", "--retries", "0", "hello"],
    &["chat", "--json", "--retries", "0", "hello"],
    &["video", "status", "no-such-task"],
    &[
        "onboard",
        "--auth-choice",
        "qwen-api-key",
        "--skip-key",
        "--no-write",
    ],
];

/// Commands that read the key from stdin, for the `Stdin` position.
const STDIN_COMMANDS: &[&[&str]] = &[
    &["explain", "--api-key-stdin", "-v"],
    &["explain", "--api-key-stdin", "--json"],
    &[
        "onboard",
        "--auth-choice",
        "qwen-standard-api-key",
        "--api-key-stdin",
        "--no-write",
        "--json",
    ],
    &[
        "onboard",
        "--auth-choice",
        "qwen-api-key",
        "--api-key-stdin",
        "--no-write",
    ],
];

/// Runs every command for `case` in a fresh home; the first output that shows 8
/// characters of `secret` in a row, as an error.
fn leak(case: &Case, secret: &str, stdin_only: bool) -> Result<(), String> {
    let home = tempfile::tempdir().map_err(|e| e.to_string())?;
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("config.toml"), &case.config).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(".env"), &case.dotenv).map_err(|e| e.to_string())?;
    let env: Vec<(&str, &str)> = case.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let commands = if stdin_only { STDIN_COMMANDS } else { COMMANDS };
    // The commands of a case run side by side: the machine has few cores, and each run
    // waits mostly on process start-up.
    let outputs: Vec<(String, std::process::Output)> = std::thread::scope(|scope| {
        let runs: Vec<_> = commands
            .iter()
            .map(|args| {
                let (home, env, stdin) = (home.path(), &env, case.stdin.as_deref());
                scope.spawn(move || (args.join(" "), run(home, args, env, stdin)))
            })
            .collect();
        runs.into_iter().filter_map(|r| r.join().ok()).collect()
    });
    if outputs.len() != commands.len() {
        return Err("a command run panicked".to_string());
    }
    for (command, out) in outputs {
        for text in [stdout(&out), stderr(&out)] {
            if let Some(window) = shown_part(&text, secret) {
                return Err(format!("`provcat {command}` showed `{window}`:\n{text}"));
            }
        }
    }
    Ok(())
}

fn run(
    home: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&str>,
) -> std::process::Output {
    Run {
        cwd: home,
        args,
        home,
        env,
        stdin,
    }
    .output()
}

/// The first 8 characters in a row of `secret` found in `text`.
fn shown_part(text: &str, secret: &str) -> Option<String> {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .windows(8)
        .map(|w| w.iter().collect::<String>())
        .find(|w| text.contains(w.as_str()))
}

#[test]
fn no_command_shows_a_key_wherever_it_is_placed() {
    let emulator = Emulator::start();
    let mut runner = TestRunner::new(Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(position(), key()), |(position, (key, secret))| {
            let case = lay_out(position, &key, &emulator);
            let stdin_only = matches!(position, Position::Stdin);
            leak(&case, &secret, stdin_only)
                .map_err(|e| TestCaseError::fail(format!("{position:?} {key}: {e}")))
        })
        .unwrap();
}

#[test]
fn every_position_is_covered_once() {
    // The property draws positions at random; this runs each one with both kinds of key,
    // so none depends on the draw.
    let emulator = Emulator::start();
    use Position::*;
    let all = [
        ApiKey,
        EnvTable,
        DotEnv,
        DotEnvWithoutName,
        DotEnvExport,
        Header("x-api-key"),
        Header("X-Custom"),
        BearerHeader,
        AuthChoice,
        DefaultModel,
        VideoModel,
        Api,
        BaseUrl,
        BaseUrlCredentials,
        BaseUrlQuery,
        ProcessEnv,
        Stdin,
    ];
    for (i, position) in all.into_iter().enumerate() {
        let (key, secret) = if i % 2 == 0 {
            (
                "sk-Abc0123456789xyzLEAK1".to_string(),
                "Abc0123456789xyzLEAK1",
            )
        } else {
            (
                "Zz9876543210qwertyLEAK22".to_string(),
                "Zz9876543210qwertyLEAK22",
            )
        };
        let case = lay_out(position, &key, &emulator);
        if let Err(e) = leak(&case, secret, matches!(position, Stdin)) {
            panic!("{position:?}: {e}");
        }
    }
}
