//! Video tasks: the lifecycle (task id first, then progress, then the video), resume and
//! cancel, FAILED and UNKNOWN, downloads, the canary key, Ctrl-C while waiting.

use provcat_emulator::{Emulator, VideoEnd, VideoScript};

use super::{KEY, generate, home_for, task_id_of, video};
use crate::support::{assert_stderr_has, json_of, stderr, stdout};

#[test]
fn the_lifecycle_prints_the_task_id_first_then_progress_then_the_video() {
    let emulator = Emulator::start();
    emulator.set_video_script(VideoScript {
        pending_polls: 2,
        running_polls: 2,
        ..VideoScript::default()
    });
    let home = home_for(&emulator, "qwen-standard-api-key");
    let out = generate(home.path(), &["--prompt", "a cat"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let task = &emulator.video_tasks()[0];
    let created = err
        .find(&format!("task {} created", task.id))
        .expect("task id printed");
    let pending = err.find("PENDING after").expect("progress");
    let running = err.find("RUNNING after").expect("progress");
    assert!(created < pending && pending < running, "{err}");
    assert!(
        err.contains(&format!("provcat video status {} --wait", task.id)),
        "{err}"
    );
    assert_eq!(
        stdout(&out).trim(),
        format!("{}/files/{}.mp4", emulator.native_base_url(), task.id)
    );
    let polls = emulator
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert_eq!(polls, 5, "2 pending + 2 running + the final poll");

    let json = generate(home.path(), &["--prompt", "again", "--json"]);
    let json = json_of(&json);
    assert_eq!(json["status"], "SUCCEEDED");
    assert!(json["video_url"].as_str().unwrap().ends_with(".mp4"));
    assert_eq!(json["usage"]["video_count"], 1);
}

#[test]
fn a_task_is_resumed_with_status_wait_and_cancelled_while_pending() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    emulator.set_video_script(VideoScript {
        pending_polls: 50,
        running_polls: 1,
        ..VideoScript::default()
    });
    let created = generate(home.path(), &["--prompt", "p", "--no-wait", "--json"]);
    let id = task_id_of(&created);

    let status = video(home.path(), KEY, &["status", &id, "--json"]);
    assert_eq!(json_of(&status)["status"], "PENDING");
    let cancel = video(home.path(), KEY, &["cancel", &id]);
    assert!(cancel.status.success(), "{}", stderr(&cancel));
    let waited = video(
        home.path(),
        KEY,
        &["status", &id, "--wait", "--poll-interval", "0.05"],
    );
    assert_eq!(
        waited.status.code(),
        Some(6),
        "CANCELED: {}",
        stderr(&waited)
    );

    emulator.set_video_script(VideoScript {
        pending_polls: 0,
        running_polls: 3,
        ..VideoScript::default()
    });
    let created = generate(home.path(), &["--prompt", "p", "--no-wait", "--json"]);
    let id = task_id_of(&created);
    let resumed = video(
        home.path(),
        KEY,
        &["status", &id, "--wait", "--poll-interval", "0.05"],
    );
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(stdout(&resumed).contains(&format!("/files/{id}.mp4")));
    let late = video(home.path(), KEY, &["cancel", &id]);
    assert_ne!(
        late.status.code(),
        Some(0),
        "only PENDING tasks can be cancelled"
    );
    assert_stderr_has(&late, "PENDING");
}

#[test]
fn failed_and_unknown_tasks_have_their_own_messages_and_exit_codes() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    emulator.set_video_script(VideoScript {
        end: VideoEnd::Fail {
            code: "InternalError.Algo".to_string(),
            message: "the model could not render".to_string(),
        },
        ..VideoScript::default()
    });
    let failed = generate(home.path(), &["--prompt", "p"]);
    assert_eq!(failed.status.code(), Some(5), "{}", stderr(&failed));
    assert_stderr_has(
        &failed,
        "FAILED: InternalError.Algo: the model could not render",
    );

    let unknown = video(
        home.path(),
        KEY,
        &[
            "status",
            "no-such-task",
            "--wait",
            "--poll-interval",
            "0.05",
        ],
    );
    assert_eq!(unknown.status.code(), Some(7), "{}", stderr(&unknown));
    assert_stderr_has(&unknown, "unknown or expired");
    let silly = video(home.path(), KEY, &["status", "x", "--poll-interval", "inf"]);
    assert_eq!(silly.status.code(), Some(2), "{}", stderr(&silly));
    let bad = video(home.path(), KEY, &["status", "../../etc"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "an id that is not an id is never sent"
    );
}

#[test]
fn downloads_are_capped_checked_and_renamed_into_place() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let target = home.path().join("out/cat.mp4");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    let path = target.to_str().unwrap();

    let out = generate(home.path(), &["--prompt", "p", "--output", path]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&target).unwrap();
    assert_eq!(&bytes[4..8], b"ftyp", "an MP4 arrived");
    let names: Vec<_> = std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["cat.mp4"], "no temporary file left");

    std::fs::remove_file(&target).unwrap();
    emulator.set_video_script(VideoScript {
        file_bytes: 3 * 1024 * 1024,
        ..VideoScript::default()
    });
    let big = generate(
        home.path(),
        &["--prompt", "p", "--output", path, "--max-download-mb", "1"],
    );
    assert_eq!(big.status.code(), Some(1), "{}", stderr(&big));
    assert_stderr_has(&big, "limit");
    assert!(
        stderr(&big).contains("still at"),
        "the URL is given: {}",
        stderr(&big)
    );
    assert_eq!(
        std::fs::read_dir(target.parent().unwrap()).unwrap().count(),
        0,
        "nothing written"
    );

    emulator.set_video_script(VideoScript {
        content_type: "text/html".to_string(),
        ..VideoScript::default()
    });
    let html = generate(home.path(), &["--prompt", "p", "--output", path]);
    assert_eq!(html.status.code(), Some(1), "{}", stderr(&html));
    assert_stderr_has(&html, "not a video");
    assert!(!target.exists());
}

#[test]
fn the_canary_key_never_appears_in_video_output() {
    const CANARY: &str = "sk-CANARY0123456789video";
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let runs: Vec<Vec<&str>> = vec![
        vec!["-v", "generate", "--poll-interval", "0.05", "--prompt", "p"],
        vec!["generate", "--prompt", "p", "--no-wait", "--json"],
        vec!["status", "nope", "--json"],
        vec!["cancel", "nope"],
        vec![
            "generate",
            "--prompt",
            "p",
            "--image",
            "./local.png",
            "-m",
            "qwen/wan2.6-i2v",
        ],
    ];
    for args in &runs {
        let out = video(home.path(), CANARY, args);
        for text in [stdout(&out), stderr(&out)] {
            assert!(!text.contains("CANARY0123456789"), "{args:?}: {text}");
        }
    }
    let refused = video(
        home.path(),
        "sk-bad-CANARY0123456789",
        &["generate", "--prompt", "p"],
    );
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    assert!(!stderr(&refused).contains("CANARY0123456789"));
    let sent = format!("Bearer {CANARY}");
    assert!(
        emulator
            .requests()
            .iter()
            .any(|r| r.header("authorization") == Some(sent.as_str())),
        "the key itself was sent, only never printed"
    );
}

/// Ctrl-C while waiting stops polling, says how to resume, and does not cancel the task.
#[cfg(unix)]
#[test]
fn ctrl_c_while_waiting_keeps_the_task_and_says_how_to_resume() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};

    let emulator = Emulator::start();
    emulator.set_video_script(VideoScript {
        pending_polls: 10_000,
        ..VideoScript::default()
    });
    let home = home_for(&emulator, "qwen-standard-api-key");
    let mut child = Command::new(env!("CARGO_BIN_EXE_provcat"))
        .args([
            "video",
            "generate",
            "--prompt",
            "p",
            "--poll-interval",
            "0.1",
        ])
        .env_clear()
        .env("HOME", home.path())
        .env("QWEN_API_KEY", KEY)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr_pipe = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr_pipe.read_line(&mut line).unwrap();
    assert!(line.starts_with("task "), "{line}");
    // The signal handler is installed before the task is created; let a few polls happen.
    std::thread::sleep(std::time::Duration::from_millis(300));
    // SAFETY: signalling our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let mut rest = String::new();
    stderr_pipe.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{line}{rest}");
    assert!(
        rest.contains("keeps running. Resume with `provcat video status"),
        "{rest}"
    );
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| !r.path.ends_with("/cancel")),
        "not cancelled"
    );
    assert_eq!(emulator.video_tasks()[0].status, "PENDING");
}
