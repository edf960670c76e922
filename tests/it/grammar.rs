//! One command-line grammar: `--config`, `--catalog` and `-v` listed only where they act
//! and still accepted before the command; the same request flags on every command that
//! asks a provider; `--quiet`; `NO_COLOR`; one JSON shape for every failure with `--json`;
//! `schema` without NAME listing the names, as its usage (`[NAME]`) says.

use std::path::Path;
use std::process::Output;

use provcat_emulator::{Emulator, Fault, VideoEnd, VideoScript};
use serde_json::Value;

use crate::support::{
    Run, emulator_home, fixture, json_of, provcat, provcat_in, root, stderr, stdout,
};

const KEY: &str = "sk-grammar0123456789WXYZ";

fn help(args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.push("--help");
    let out = provcat(&root(), &all);
    assert!(out.status.success(), "{all:?}: {}", stderr(&out));
    stdout(&out)
}

/// The help's words, whitespace collapsed (so wrapping does not matter).
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn config_catalog_and_verbose_are_listed_only_where_they_act() {
    for command in [
        &["chat"][..],
        &["explain"],
        &["onboard"],
        &["models", "list"],
        &["models", "show"],
        &["auth-choices"],
        &["endpoints"],
        &["export"],
        &["video", "generate"],
        &["video", "cancel"],
    ] {
        let text = help(command);
        for flag in ["--config <PATH>", "--catalog <DIR>", "--verbose"] {
            assert!(text.contains(flag), "{command:?} lacks {flag}:\n{text}");
        }
    }
    for command in [
        &["catalog", "check"][..],
        &["catalog", "docs"],
        &["import", "models-dev"],
        &["completions"],
        &["man"],
    ] {
        let text = help(command);
        for flag in ["--config", "--catalog", "--verbose"] {
            assert!(!text.contains(flag), "{command:?} lists {flag}:\n{text}");
        }
    }
    // `schema config` lists the catalog's refs, so --catalog acts there; no config is read.
    let schema = help(&["schema"]);
    assert!(schema.contains("--catalog <DIR>"), "{schema}");
    assert!(!schema.contains("--config"), "{schema}");
    // Where they do nothing they are refused after the command, like any unknown flag.
    let out = provcat(&root(), &["man", "--config", "x.toml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn config_catalog_and_verbose_still_work_before_the_command() {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("nope.toml");
    let missing = missing.to_str().unwrap();
    for args in [
        &["--config", missing, "explain"][..],
        &["explain", "--config", missing],
        &["--config", missing, "models", "show", "qwen/glm-5"],
    ] {
        let out = provcat_in(home.path(), args, &[]);
        let err = stderr(&out);
        // `models` only decorates its output with the config: a warning, not a failure.
        if args.contains(&"models") {
            assert!(out.status.success(), "{args:?}: {err}");
        } else {
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        }
        assert!(err.contains("nope.toml"), "{args:?}: {err}");
    }
    let acme = fixture("overlays/acme");
    let acme = acme.to_str().unwrap();
    for args in [
        &["--catalog", acme, "models", "show", "acme/alpha"][..],
        &["models", "show", "acme/alpha", "--catalog", acme],
        &["-v", "models", "show", "acme/alpha", "--catalog", acme],
    ] {
        let out = provcat_in(home.path(), args, &[]);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("acme/alpha"), "{args:?}");
    }
    // -v before the command and -v after it add up: both say what they read.
    let out = provcat_in(
        home.path(),
        &["-v", "models", "show", "acme/alpha", "--catalog", acme],
        &[],
    );
    assert!(
        stderr(&out).contains("catalog: ") && stderr(&out).contains("config: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_command_that_asks_a_provider_has_the_same_request_flags() {
    let commands: Vec<&[&str]> = vec![&["chat"], &["serve"]];
    #[cfg(not(feature = "serve"))]
    let commands = &commands[..1];
    let flags = [
        "--connect-timeout <SECS>",
        "--idle-timeout <SECS>",
        "--retries <N>",
    ];
    let texts: Vec<Vec<String>> = commands
        .iter()
        .map(|command| {
            let text = words(&help(command));
            flags
                .iter()
                .map(|flag| {
                    let start = text
                        .find(flag)
                        .unwrap_or_else(|| panic!("{command:?} lacks {flag}"));
                    let end = start + text[start..].find(']').expect("a default");
                    text[start..=end].to_string()
                })
                .collect()
        })
        .collect();
    for other in &texts[1..] {
        assert_eq!(other, &texts[0], "the flags differ between commands");
    }
}

#[test]
fn schema_without_a_name_lists_the_names_as_its_help_says() {
    let text = help(&["schema"]);
    assert!(text.contains("[NAME]"), "{text}");
    assert!(text.contains("without it, the names are listed"), "{text}");
    let out = provcat(&root(), &["schema"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in ["catalog", "provider", "model", "config"] {
        assert!(stdout(&out).contains(name), "{}", stdout(&out));
    }
    let listed = json_of(&provcat(&root(), &["schema", "--json"]));
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["catalog", "provider", "model", "config"]);
    // Each listed name prints its schema.
    for name in names {
        let schema = json_of(&provcat(&root(), &["schema", name]));
        assert!(schema["$schema"].is_string(), "{name}");
    }
}

fn chat_home(emulator: &Emulator) -> tempfile::TempDir {
    emulator_home(emulator, "qwen-standard-api-key", "")
}

fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut all_env = vec![("QWEN_API_KEY", KEY)];
    all_env.extend_from_slice(env);
    Run {
        cwd: home,
        args,
        home,
        env: &all_env,
        stdin: None,
    }
    .output()
}

#[test]
fn quiet_silences_retry_and_progress_lines_but_not_errors() {
    let emulator = Emulator::start();
    let home = chat_home(&emulator);
    let chat = ["chat", "-m", "qwen/glm-5", "hi"];
    emulator.push_fault(Fault::ServerError);
    let loud = run(home.path(), &chat, &[]);
    assert!(loud.status.success(), "{}", stderr(&loud));
    assert!(stderr(&loud).contains("retrying in"), "{}", stderr(&loud));
    for quiet in [&["chat", "-q"][..], &["--quiet", "chat"]] {
        emulator.push_fault(Fault::ServerError);
        let mut args = quiet.to_vec();
        args.extend_from_slice(&chat[1..]);
        let out = run(home.path(), &args, &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(!stderr(&out).contains("retrying"), "{}", stderr(&out));
        assert_eq!(stdout(&out), "echo: hi\n");
    }
    // Errors still print.
    emulator.push_fault(Fault::Quota);
    let out = run(home.path(), &["chat", "-q", "-m", "qwen/glm-5", "hi"], &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("error: "), "{}", stderr(&out));

    // Video: the status lines while polling.
    emulator.set_video_script(VideoScript {
        pending_polls: 2,
        running_polls: 1,
        ..VideoScript::default()
    });
    let video = |quiet: bool| {
        let mut args = vec!["video", "generate", "--poll-interval", "0.05"];
        if quiet {
            args.push("--quiet");
        }
        args.extend(["--prompt", "a fox"]);
        run(home.path(), &args, &[])
    };
    let loud = video(false);
    assert!(loud.status.success(), "{}", stderr(&loud));
    assert!(stderr(&loud).contains("PENDING after"), "{}", stderr(&loud));
    let quiet = video(true);
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert!(!stderr(&quiet).contains(" after "), "{}", stderr(&quiet));
    assert!(stdout(&quiet).ends_with(".mp4\n"), "{}", stdout(&quiet));
}

/// Asserts the shape every failure has with `--json` and returns the `error` object.
#[track_caller]
fn error_of(out: &Output) -> Value {
    let json = json_of(out);
    let error = json["error"].clone();
    assert!(error["code"].is_string(), "{json}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{json}"
    );
    assert!(
        error["help"].is_string() || error["help"].is_null(),
        "{json}"
    );
    let code = out.status.code().expect("an exit code");
    assert_eq!(error["exit_code"], code, "{json}");
    assert_ne!(code, 0, "{json}");
    error
}

#[test]
fn every_failure_with_json_has_the_same_shape() {
    let emulator = Emulator::start();
    let home = chat_home(&emulator);
    let home = home.path();

    // chat: a refusal after the request, with what came before (nothing) and the ref.
    emulator.push_fault(Fault::Quota);
    let out = run(
        home,
        &["chat", "-m", "modelstudio/glm-5", "--json", "hi"],
        &[],
    );
    let error = error_of(&out);
    assert_eq!(error["code"], "quota");
    assert!(error["help"].is_string(), "{error}");
    assert_eq!(
        json_of(&out)["model"],
        "qwen/glm-5",
        "the ref, not the wire id"
    );
    // chat: refused before any request (an unknown ref).
    let out = run(home, &["chat", "-m", "qwen/glm-55", "--json", "hi"], &[]);
    let error = error_of(&out);
    assert_eq!(error["exit_code"], 2);
    assert_eq!(error["code"], "dangling-reference");
    assert!(error["diagnostics"][0]["message"].is_string(), "{error}");

    // video: a task that FAILED, and a refused key.
    emulator.set_video_script(VideoScript {
        end: VideoEnd::Fail {
            code: "InternalError.Algo".to_string(),
            message: "the model could not render".to_string(),
        },
        ..VideoScript::default()
    });
    let args = [
        "video",
        "generate",
        "--poll-interval",
        "0.05",
        "--json",
        "--prompt",
        "p",
    ];
    let out = run(home, &args, &[]);
    let error = error_of(&out);
    assert_eq!(error["code"], "task-failed");
    assert_eq!(error["exit_code"], 5);
    let json = json_of(&out);
    assert_eq!(json["status"], "FAILED");
    assert_eq!(json["model"], "qwen/wan2.6-t2v");
    emulator.push_fault(Fault::Arrearage);
    let out = run(home, &args, &[]);
    let error = error_of(&out);
    assert_eq!(error["code"], "billing", "{error}");
    assert!(error["help"].is_string(), "{error}");

    // explain, models show, models list, catalog check and a refused command line.
    let out = run(home, &["explain", "nope/x", "--json"], &[]);
    assert_eq!(error_of(&out)["code"], "dangling-reference");
    let out = run(home, &["models", "show", "qwen/glm-55", "--json"], &[]);
    let error = error_of(&out);
    assert_eq!(error["code"], "dangling-reference");
    assert!(
        error["message"].as_str().unwrap().contains("glm-5"),
        "{error}"
    );
    let out = run(
        home,
        &["models", "list", "--provider", "nope", "--json"],
        &[],
    );
    assert_eq!(error_of(&out)["exit_code"], 2);
    let broken = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&fixture("base"), broken.path());
    crate::support::copy_tree(&fixture("broken/several-mistakes"), broken.path());
    let out = provcat(broken.path(), &["catalog", "check", "--json"]);
    let error = error_of(&out);
    assert_eq!(error["code"], "output-exceeds-context");
    assert_eq!(error["diagnostics"].as_array().unwrap().len(), 5);
    let out = run(home, &["chat", "--json", "--no-such-flag"], &[]);
    assert_eq!(error_of(&out)["code"], "usage");
}

#[test]
fn chat_json_names_the_ref_and_the_wire_model() {
    let emulator = Emulator::start();
    let home = chat_home(&emulator);
    let out = run(
        home.path(),
        &["chat", "-m", "modelstudio/glm-5", "--json", "hi"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(json["model"], "qwen/glm-5");
    assert_eq!(json["wire_model"], "glm-5");
    assert!(json.get("error").is_none(), "{json}");
}

/// Runs `args` under a terminal (`script` gives it a pty) with `env`, returning everything
/// it wrote; `None` where util-linux `script` is missing.
#[cfg(target_os = "linux")]
fn on_a_terminal(home: &Path, args: &str, env: &[(&str, &str)]) -> Option<String> {
    use std::io::Read;
    use std::process::{Command, Stdio};

    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed");
        return None;
    }
    let provcat = env!("CARGO_BIN_EXE_provcat");
    let mut child = Command::new("script")
        .args(["-qec", &format!("{provcat} {args}"), "/dev/null"])
        .current_dir(home)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("QWEN_API_KEY", KEY)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut text = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success(), "{text}");
    Some(text)
}

#[cfg(target_os = "linux")]
#[test]
fn no_color_turns_off_the_dimmed_reasoning_on_a_terminal() {
    let emulator = Emulator::start();
    let home = chat_home(&emulator);
    let args = "chat -m qwen/qwen3.5-plus why";
    let Some(styled) = on_a_terminal(home.path(), args, &[]) else {
        return;
    };
    assert!(styled.contains("thinking about: why"), "{styled}");
    assert!(
        styled.contains("\u{1b}[2m"),
        "dimmed on a terminal: {styled:?}"
    );
    let plain = on_a_terminal(home.path(), args, &[("NO_COLOR", "1")]).unwrap();
    assert!(plain.contains("thinking about: why"), "{plain}");
    assert!(!plain.contains('\u{1b}'), "NO_COLOR: {plain:?}");
}

#[test]
fn every_command_that_prints_a_result_prints_json_with_json() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["models", "list", "--json"][..],
        &["models", "show", "qwen/glm-5", "--json"],
        &["auth-choices", "--json"],
        &["endpoints", "--json"],
        &["catalog", "check", "--json"],
        &["schema", "--json"],
    ] {
        let out = provcat(&root(), args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        json_of(&out);
    }
    // catalog docs: the pages, or what --write wrote.
    let pages = json_of(&provcat(
        &root(),
        &["catalog", "docs", "--provider", "qwen", "--json"],
    ));
    assert_eq!(pages[0]["provider"], "qwen");
    assert_eq!(pages[0]["file"], "qwen.md");
    assert!(pages[0]["text"].as_str().unwrap().contains("Qwen"));
    let out_dir = home.path().join("pages");
    let written = json_of(&provcat(
        &root(),
        &[
            "catalog",
            "docs",
            "--write",
            out_dir.to_str().unwrap(),
            "--json",
        ],
    ));
    assert!(
        written["written"].as_array().unwrap().len() > 1,
        "{written}"
    );
    assert_eq!(written["removed"], serde_json::json!([]));
    // A broken catalog is the usual error object.
    let broken = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&fixture("base"), broken.path());
    crate::support::copy_tree(&fixture("broken/several-mistakes"), broken.path());
    let out = provcat(broken.path(), &["catalog", "docs", "--json"]);
    assert_eq!(error_of(&out)["code"], "output-exceeds-context");

    // export --check: drift is a failure with the error object beside the report.
    let file = home.path().join("litellm.json");
    let file = file.to_str().unwrap();
    let export = ["export", "--format", "litellm", "--out", file];
    assert!(provcat(&root(), &export).status.success());
    std::fs::write(file, "{}").unwrap();
    let mut check = export.to_vec();
    check.extend(["--check", "--json"]);
    let out = provcat(&root(), &check);
    let error = error_of(&out);
    assert_eq!(error["code"], "drift");
    assert_eq!(error["exit_code"], 1);
    assert_eq!(json_of(&out)["up_to_date"], false);
}
