//! `video … --output`: refused before any (paid) request when it cannot be written, an
//! existing file replaced only with `--force`, no file written through a planted link, and
//! no temporary file left when SIGTERM or Ctrl-C stops a download.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use provcat_emulator::{Emulator, VideoScript};

use crate::support::{Run, emulator_home, json_of, stderr};

const KEY: &str = "sk-video0123456789WXYZ";

fn video(home: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["video"];
    all.extend_from_slice(args);
    Run {
        cwd: home,
        args: &all,
        home,
        env: &[("QWEN_API_KEY", KEY)],
        stdin: None,
    }
    .output()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Each unusable `--output` is refused with exit 2 and a message naming it, before any
/// request: a paid task never ends with nowhere to put its video.
#[test]
fn an_unusable_output_is_refused_before_any_request() {
    let emulator = Emulator::start();
    let home = emulator_home(&emulator, "qwen-standard-api-key", "");
    let root = home.path().join("out");
    std::fs::create_dir(&root).unwrap();
    let file = root.join("existing.mp4");
    std::fs::write(&file, "mine").unwrap();
    let shown = |p: &Path| p.display().to_string();
    let cases: Vec<(String, String)> = vec![
        (
            shown(&root),
            format!("--output: {} is a folder; give a file name", shown(&root)),
        ),
        (
            format!("{}/new/", shown(&root)),
            format!("--output: {}/new/ is a folder", shown(&root)),
        ),
        (
            shown(&root.join("missing/cat.mp4")),
            format!(
                "--output: the folder {} does not exist; create it first",
                shown(&root.join("missing"))
            ),
        ),
        (
            shown(&file.join("cat.mp4")),
            format!("--output: {} is not a folder", shown(&file)),
        ),
        (
            shown(&file),
            format!(
                "--output: {} already exists; pass --force to replace it, or choose another name",
                shown(&file)
            ),
        ),
    ];
    for (output, message) in &cases {
        for args in [
            vec!["generate", "--prompt", "p", "--output", output],
            vec!["status", "some-task", "--wait", "--output", output],
        ] {
            let out = video(home.path(), &args);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        }
    }
    let usage = [
        vec![
            "generate",
            "--prompt",
            "p",
            "--no-wait",
            "--output",
            "x.mp4",
        ],
        vec!["status", "some-task", "--output", "x.mp4"],
        vec!["generate", "--prompt", "p", "--force"],
    ];
    for args in &usage {
        let out = video(home.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    assert!(
        stderr(&video(home.path(), &usage[1])).contains("add --wait"),
        "says what to do"
    );
    assert!(emulator.requests().is_empty(), "{:?}", emulator.requests());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    assert_eq!(names(&root), ["existing.mp4"], "no probe file left");
}

/// As a user other than root, a folder that takes no new files is refused too.
#[cfg(unix)]
#[test]
fn a_folder_that_takes_no_files_is_refused_before_any_request() {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        eprintln!("skipped: root may write in any folder");
        return;
    }
    let emulator = Emulator::start();
    let home = emulator_home(&emulator, "qwen-standard-api-key", "");
    let locked = home.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
    let target = locked.join("cat.mp4");
    let out = video(
        home.path(),
        &[
            "generate",
            "--prompt",
            "p",
            "--output",
            target.to_str().unwrap(),
        ],
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("cannot create files in {}", locked.display())),
        "{}",
        stderr(&out)
    );
    assert!(emulator.requests().is_empty());
}

/// `--force` replaces an existing file; `video status --wait --output` downloads too.
#[test]
fn force_replaces_and_status_wait_downloads() {
    let emulator = Emulator::start();
    let home = emulator_home(&emulator, "qwen-standard-api-key", "");
    let target = home.path().join("cat.mp4");
    std::fs::write(&target, "old").unwrap();
    let path = target.to_str().unwrap();
    let fast = ["--poll-interval", "0.05"];
    let mut args = vec!["generate", "--prompt", "p", "--output", path, "--force"];
    args.extend_from_slice(&fast);
    let out = video(home.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(&std::fs::read(&target).unwrap()[4..8], b"ftyp");

    let created = video(
        home.path(),
        &["generate", "--prompt", "p", "--no-wait", "--json"],
    );
    let id = json_of(&created)["task_id"].as_str().unwrap().to_string();
    let resumed = home.path().join("resumed.mp4");
    let mut args = vec![
        "status",
        &id,
        "--wait",
        "--output",
        resumed.to_str().unwrap(),
    ];
    args.extend_from_slice(&fast);
    let out = video(home.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("saved "), "{}", stderr(&out));
    assert_eq!(&std::fs::read(&resumed).unwrap()[4..8], b"ftyp");
}

/// A link planted at `out.mp4.tmp-<pid>` made the old downloader overwrite the link's
/// target with the video.
#[cfg(unix)]
#[test]
fn a_download_never_writes_through_a_link_planted_at_the_old_temporary_name() {
    let emulator = Emulator::start();
    let home = emulator_home(&emulator, "qwen-standard-api-key", "");
    let folder = home.path().join("videos");
    std::fs::create_dir(&folder).unwrap();
    let victim = home.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let target = folder.join("out.mp4");
    let path = target.to_str().unwrap();
    let args = [
        "video",
        "generate",
        "--prompt",
        "p",
        "--poll-interval",
        "0.05",
        "--output",
        path,
    ];
    let run = Run {
        cwd: home.path(),
        args: &args,
        home: home.path(),
        env: &[("QWEN_API_KEY", KEY)],
        stdin: None,
    };
    let mut command = run.command();
    crate::support::plant_links_at_child_pid(
        &mut command,
        &[(folder.join("out.mp4.tmp-"), victim.clone())],
    );
    let out = run.output_of(command);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&victim).unwrap(),
        b"precious",
        "the victim is untouched"
    );
    assert_eq!(&std::fs::read(&target).unwrap()[4..8], b"ftyp");
    let left = names(&folder);
    assert_eq!(left.len(), 2, "the video and the planted link: {left:?}");
    assert!(left[1].starts_with("out.mp4.tmp-"), "{left:?}");
}

/// A stand-in for the native video API whose video never finishes arriving: a task is
/// created, reported SUCCEEDED with a URL of its own, and its 10 MiB file stops after
/// 64 KiB until the test is done. At most 8 connections, within 30 s.
struct StallingServer {
    base: String,
    done: mpsc::Sender<()>,
}

impl StallingServer {
    fn start() -> StallingServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (done, finished) = mpsc::channel();
        let url = format!("{base}/files/stall.mp4");
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(30);
            let mut served = 0;
            while served < 8 && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        served += 1;
                        if serve(stream, &url, &finished).is_err() {
                            return;
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        StallingServer { base, done }
    }
}

impl Drop for StallingServer {
    fn drop(&mut self) {
        let _ = self.done.send(());
    }
}

/// Answers one request (`Connection: close`); the file's connection stalls until `finished`.
fn serve(mut stream: TcpStream, url: &str, finished: &mpsc::Receiver<()>) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let json = |body: String| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    if request_line.starts_with("POST ") {
        let answer =
            r#"{"output":{"task_id":"stall-1","task_status":"PENDING"},"request_id":"r1"}"#;
        stream.write_all(json(answer.to_string()).as_bytes())
    } else if request_line.starts_with("GET /api/v1/tasks/") {
        let answer = format!(
            r#"{{"output":{{"task_id":"stall-1","task_status":"SUCCEEDED","video_url":"{url}"}},"usage":{{"video_count":1}},"request_id":"r2"}}"#
        );
        stream.write_all(json(answer).as_bytes())
    } else {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: 10485760\r\nConnection: close\r\n\r\n";
        stream.write_all(head.as_bytes())?;
        stream.write_all(&vec![7u8; 64 * 1024])?;
        stream.flush()?;
        let _ = finished.recv_timeout(Duration::from_secs(20));
        Ok(())
    }
}

/// SIGTERM, like Ctrl-C, stops a download part-way: the temporary file is removed, the
/// message says so and where the video still is, and the exit code is 143 (130).
#[cfg(unix)]
#[test]
fn sigterm_or_ctrl_c_during_a_download_leaves_no_temporary_file() {
    for (signal, code, said) in [
        (libc::SIGTERM, 143, "terminated (SIGTERM)"),
        (libc::SIGINT, 130, "interrupted (Ctrl-C)"),
    ] {
        let server = StallingServer::start();
        let home = tempfile::tempdir().unwrap();
        let config = crate::support::config_dir(home.path()).join("config.toml");
        std::fs::create_dir_all(config.parent().unwrap()).unwrap();
        std::fs::write(
            &config,
            format!(
                "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\nbaseUrl = \"{}/compatible-mode/v1\"\n",
                server.base
            ),
        )
        .unwrap();
        let folder = home.path().join("videos");
        std::fs::create_dir(&folder).unwrap();
        let target = folder.join("cat.mp4");
        let mut child = Command::new(env!("CARGO_BIN_EXE_provcat"))
            .args([
                "video",
                "generate",
                "--prompt",
                "p",
                "--poll-interval",
                "0.05",
            ])
            .arg("--output")
            .arg(&target)
            .env_clear()
            .env("HOME", home.path())
            .env("QWEN_API_KEY", KEY)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The download has started once its temporary file holds the first bytes.
        let deadline = Instant::now() + Duration::from_secs(20);
        let started = loop {
            let partial = std::fs::read_dir(&folder)
                .unwrap()
                .filter_map(Result::ok)
                .any(|e| e.metadata().is_ok_and(|m| m.len() > 0));
            if partial || Instant::now() > deadline {
                break partial;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        assert!(started, "the download never started");
        // SAFETY: signalling our own child process.
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{err}");
        assert!(
            err.contains(&format!(
                "error: {said} during the download; nothing was written to {}",
                target.display()
            )),
            "{err}"
        );
        assert!(err.contains("the video is still at http://"), "{err}");
        assert!(names(&folder).is_empty(), "{:?}", names(&folder));
    }
}

/// SIGTERM while waiting stops waiting, like Ctrl-C: the task is not cancelled and the
/// message says how to resume; exit 143.
#[cfg(unix)]
#[test]
fn sigterm_while_waiting_keeps_the_task_and_says_how_to_resume() {
    let emulator = Emulator::start();
    emulator.set_video_script(VideoScript {
        pending_polls: 10_000,
        ..VideoScript::default()
    });
    let home = emulator_home(&emulator, "qwen-standard-api-key", "");
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
    let mut errors = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    errors.read_line(&mut line).unwrap();
    assert!(line.starts_with("task "), "{line}");
    // SAFETY: signalling our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let mut rest = String::new();
    errors.read_to_string(&mut rest).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(143), "{line}{rest}");
    assert!(
        rest.contains("terminated (SIGTERM): stopped waiting; task")
            && rest.contains("keeps running. Resume with `provcat video status"),
        "{rest}"
    );
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| !r.path.ends_with("/cancel"))
    );
    assert_eq!(emulator.video_tasks()[0].status, "PENDING");
}
