//! The corpus of bad user configs under `tests/fixtures/config/<case>/`. Each case is run
//! with a fresh temporary `HOME` whose config dir (`$HOME/.config/provcat`, written
//! `[DIR]` in snapshots) holds the case's files:
//!
//! - `config.toml` or `config.json` (or any other `*.toml` / `*.json`, e.g. one named by
//!   `PROVCAT_CONFIG`): copied as they are; a folder of that name becomes a folder;
//! - `dotenv`: copied to `.env` beside the config (a folder `dotenv/` makes `.env` a folder);
//! - `args`: the arguments, one a line (default `explain`); `{dir}` is the config dir;
//! - `env`: `NAME=value` lines given to the child (`{dir}` expanded), besides `HOME`, `PATH`;
//! - `stdin`: text piped to the child (stdin is empty otherwise);
//! - `expect`: lines that must appear in stderr, as printed with `[DIR]`;
//! - `unlocated`: why the error has no ` --> file:line:col` (the file says why; without it,
//!   a location in one of the case's files is required);
//! - `plain-error`: why the error is a plain `error: …` rather than `error[rule]`;
//! - `secret`: keys placed in the case's files, one a line: no 8 characters in a row of
//!   any of them may appear in the output (masked forms show a prefix and 4 characters).
//!
//! Every case must exit with code 2, print nothing on stdout, change no file, and its
//! stderr is pinned by a snapshot.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{Run, config_dir, copy_tree, fixture, stderr, stdout};

/// The files of a case that steer the run, as opposed to the files it lays out.
const CONTROL_FILES: &[&str] = &[
    "args",
    "env",
    "stdin",
    "expect",
    "unlocated",
    "plain-error",
    "secret",
];

fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture("config"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A case file's text, if the case has it.
fn read(case: &str, name: &str) -> Option<String> {
    std::fs::read_to_string(fixture(&format!("config/{case}/{name}"))).ok()
}

/// Lays the case's files out in `dir` (the config dir).
fn lay_out(case: &str, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for entry in std::fs::read_dir(fixture(&format!("config/{case}"))).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if CONTROL_FILES.contains(&name.as_str()) {
            continue;
        }
        let target = dir.join(if name == "dotenv" { ".env" } else { &name });
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file and folder under `root`, with the bytes of each file.
fn tree(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            if path.is_dir() {
                found.insert(relative, None);
                pending.push(path);
            } else {
                found.insert(relative, Some(std::fs::read(&path).unwrap()));
            }
        }
    }
    found
}

/// Whether `line` is ` --> [DIR]/<file>:<line>:<col>` for a file laid out by the case.
fn names_a_case_file(line: &str, files: &[String]) -> bool {
    let Some(location) = line.trim_start().strip_prefix("--> [DIR]/") else {
        return false;
    };
    let mut parts = location.rsplitn(3, ':');
    let (Some(col), Some(row), Some(file)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    [col, row]
        .iter()
        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && files.iter().any(|f| f == file)
}

/// Runs `case` and checks what every case must satisfy; returns stderr with `[DIR]`.
fn run(case: &str) -> String {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    lay_out(case, &dir);
    let shown_dir = dir.display().to_string();
    let expand = |s: &str| s.replace("{dir}", &shown_dir);

    let args: Vec<String> = read(case, "args")
        .unwrap_or_else(|| "explain".to_string())
        .lines()
        .map(expand)
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env: Vec<(String, String)> = read(case, "env")
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (k, v) = l.split_once('=').expect("env lines are NAME=value");
            (k.to_string(), expand(v))
        })
        .collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let stdin = read(case, "stdin");

    let before = tree(home.path());
    let out = Run {
        cwd: home.path(),
        args: &args,
        home: home.path(),
        env: &env,
        stdin: stdin.as_deref(),
    }
    .output();
    let after = tree(home.path());

    let text = stderr(&out)
        .replace(&shown_dir, "[DIR]")
        .replace(&home.path().display().to_string(), "[HOME]");
    assert_eq!(out.status.code(), Some(2), "{case}: {text}");
    // `explain` prints what it could resolve even then; other commands print nothing.
    if !args.contains(&"explain") {
        assert_eq!(stdout(&out), "", "{case}: stdout is not empty");
    }
    assert!(before == after, "{case}: files changed under HOME\n{text}");

    if read(case, "plain-error").is_some() {
        assert!(text.starts_with("error: "), "{case}: {text}");
    } else {
        assert!(
            text.starts_with("error["),
            "{case}: no error[rule] in\n{text}"
        );
    }
    let files: Vec<String> = before
        .keys()
        .filter_map(|p| p.strip_prefix(dir.strip_prefix(home.path()).unwrap()).ok())
        .filter_map(|p| p.to_str().map(str::to_string))
        .collect();
    if read(case, "unlocated").is_some() {
        assert!(
            !text.contains("-->"),
            "{case}: marked unlocated, but\n{text}"
        );
    } else {
        assert!(
            text.lines().any(|l| names_a_case_file(l, &files)),
            "{case}: no ` --> [DIR]/file:line:col` naming one of {files:?} in\n{text}"
        );
    }
    for secret in read(case, "secret").unwrap_or_default().lines() {
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(8) {
            let window: String = window.iter().collect();
            assert!(
                !text.contains(&window),
                "{case}: `{window}` of a key in\n{text}"
            );
        }
    }
    let expect = read(case, "expect").unwrap_or_else(|| panic!("{case}: no `expect` file"));
    for wanted in expect.lines().filter(|l| !l.is_empty()) {
        assert!(text.contains(wanted), "{case}: no `{wanted}` in\n{text}");
    }
    text
}

#[test]
fn there_are_at_least_24_cases() {
    assert!(cases().len() >= 24, "only {} bad configs", cases().len());
}

#[test]
fn every_case_names_only_known_files() {
    for case in cases() {
        for entry in std::fs::read_dir(fixture(&format!("config/{case}"))).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                CONTROL_FILES.contains(&name.as_str())
                    || name == "dotenv"
                    || name.ends_with(".toml")
                    || name.ends_with(".json"),
                "{case}: unexpected file `{name}`"
            );
        }
    }
}

#[test]
fn every_bad_config_is_rejected_with_a_located_diagnostic_and_nothing_written() {
    for case in cases() {
        let text = run(&case);
        let command = read(&case, "args").map_or_else(
            || "explain".to_string(),
            |a| a.lines().collect::<Vec<_>>().join(" "),
        );
        insta::with_settings!({ description => format!("provcat {command}") }, {
            insta::assert_snapshot!(case.as_str(), text);
        });
    }
}

#[test]
fn onboard_writes_nothing_when_the_config_is_broken_even_with_a_valid_choice() {
    // The control for the `onboard-*` cases: the same run on a good config does write.
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "# my settings\n").unwrap();
    let out = Run {
        cwd: home.path(),
        args: &[
            "onboard",
            "--auth-choice",
            "qwen-standard-api-key",
            "--api-key-stdin",
        ],
        home: home.path(),
        env: &[],
        stdin: Some("sk-0123456789abcdef0123\n"),
    }
    .output();
    assert!(out.status.success(), "{}", stderr(&out));
    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(config.contains("qwen-standard-api-key"), "{config}");
    assert!(dir.join(".env").exists());
}
