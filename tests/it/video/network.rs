//! Video (and chat) against a host nobody listens on: polls that cannot connect give up
//! after the unreachable window with exit 1 instead of waiting out `--timeout`, each retry
//! line announces the delay that is slept, and the help names the URL that failed (the
//! native task URL for video, the chat URL for chat).

use std::path::Path;

use super::{KEY, video};
use crate::support::{Run, config_dir, stderr};

/// A home whose qwen provider points at a loopback port nothing listens on.
fn unreachable_home() -> (tempfile::TempDir, String) {
    // Bind a port, then free it: nothing listens there during the test.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let root = format!("http://127.0.0.1:{port}");
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\nbaseUrl = \"{root}/compatible-mode/v1\"\n"
        ),
    )
    .unwrap();
    (home, root)
}

/// The delays the `retrying in Xs` lines announce, in seconds.
fn announced(err: &str) -> Vec<f64> {
    err.lines()
        .filter_map(|l| l.split("retrying in ").nth(1))
        .filter_map(|rest| rest.strip_suffix('s'))
        .map(|s| s.parse().unwrap())
        .collect()
}

#[test]
fn polls_that_cannot_connect_give_up_with_exit_1_naming_the_task_url() {
    let (home, root) = unreachable_home();
    let out = video(
        home.path(),
        KEY,
        &[
            "status",
            "task-gone",
            "--wait",
            "--poll-interval",
            "0.15",
            "--unreachable-window",
            "2",
            "--retries",
            "0",
            // The overall wait stays the default 900 s: only the window ends this.
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no poll of task task-gone could connect for 2s"),
        "{err}"
    );
    assert!(!err.contains("still running after"), "{err}");
    let task_url = format!("{root}/api/v1/tasks/task-gone");
    assert!(
        err.contains(&format!("error: cannot connect to {task_url}: ")),
        "{err}"
    );
    assert!(
        err.contains(&format!("= help: check the connection to {task_url} ")),
        "{err}"
    );
    assert!(
        !err.contains("compatible-mode"),
        "never the chat URL: {err}"
    );
    // The announced delays double from twice the poll interval: the one announced is the
    // one slept (it used to announce the previous, half as long).
    let delays = announced(&err);
    assert!(delays.len() >= 2, "{err}");
    assert_eq!(&delays[..2], &[0.3, 0.6], "{err}");
    assert!(delays.iter().all(|d| *d <= 2.0), "within the window: {err}");
}

#[test]
fn chat_network_help_names_the_chat_url_that_failed() {
    let (home, root) = unreachable_home();
    let out = Run {
        cwd: home.path(),
        args: &["chat", "--retries", "0", "hello"],
        home: home.path(),
        env: &[("QWEN_API_KEY", KEY)],
        stdin: None,
    }
    .output();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let chat_url = format!("{root}/compatible-mode/v1/chat/completions");
    assert!(
        err.contains(&format!("= help: check the connection to {chat_url} ")),
        "{err}"
    );
}

fn help(home: &Path, command: &str) -> String {
    let out = video(home, KEY, &[command, "--help"]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn each_video_command_lists_only_the_flags_that_act() {
    let home = tempfile::tempdir().unwrap();
    let cancel = help(home.path(), "cancel");
    for absent in [
        "--poll-interval",
        "--timeout ",
        "video_url",
        "usage",
        "--unreachable-window",
    ] {
        assert!(!cancel.contains(absent), "{absent:?} in:\n{cancel}");
    }
    for present in [
        "--retries",
        "--connect-timeout",
        "--idle-timeout",
        "--json",
        "--model",
    ] {
        assert!(cancel.contains(present), "{present:?} missing:\n{cancel}");
    }
    for command in ["generate", "status"] {
        let text = help(home.path(), command);
        for present in ["--retries", "--poll-interval", "--timeout", "--json"] {
            assert!(
                text.contains(present),
                "{command}: {present:?} missing:\n{text}"
            );
        }
        assert!(
            !text.contains("--unreachable-window"),
            "{command}: hidden:\n{text}"
        );
    }
}

#[test]
fn video_generate_retries_like_chat() {
    let emulator = provcat_emulator::Emulator::start();
    let home = super::home_for(&emulator, "qwen-standard-api-key");
    // Two rate limits, then the create succeeds: `--retries 2` reaches it, `--retries 1`
    // gives up (exit 4), like chat's `--retries`.
    for (retries, code) in [("1", 4), ("2", 0)] {
        for _ in 0..2 {
            emulator.push_fault(provcat_emulator::Fault::RateLimit {
                retry_after_secs: None,
            });
        }
        let out = super::generate(
            home.path(),
            &["--prompt", "p", "--no-wait", "--retries", retries],
        );
        assert_eq!(
            out.status.code(),
            Some(code),
            "--retries {retries}: {}",
            stderr(&out)
        );
    }
}
