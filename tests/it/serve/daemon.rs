//! The binary as a daemon: one log line per request (human or JSON) without any key,
//! SIGHUP reloading the config without cutting an open stream, SIGTERM draining, the login
//! shell import, unit files, and the refusal to listen beyond loopback without a token.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use provcat_emulator::{Emulator, Fault};
use serde_json::{Value, json};

use super::{CLAUDE_KEY, GPT_KEY, QWEN_KEY, write_config};

/// A `provcat serve` child and the lines of its stderr.
struct Daemon {
    child: Child,
    addr: SocketAddr,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Daemon {
    fn start(home: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Daemon {
        // The test's own reqwest clients need rustls' provider (the gateway installs it
        // in-process; here the gateway is another process).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut child = Command::new(env!("CARGO_BIN_EXE_provcat"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut daemon = Daemon {
            child,
            addr: "127.0.0.1:1".parse().unwrap(),
            lines,
            seen: Vec::new(),
        };
        let line = daemon.wait_for("listening on http://");
        let addr = line
            .split("http://")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        daemon.addr = addr.parse().unwrap();
        daemon
    }

    /// Waits (at most 10 s) for a stderr line containing `text`.
    fn wait_for(&mut self, text: &str) -> String {
        loop {
            match self.lines.recv_timeout(Duration::from_secs(10)) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => panic!("no `{text}` on stderr:\n{}", self.seen.join("\n")),
            }
        }
    }

    fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.child.id() as i32, signal);
        }
    }

    /// Waits for the exit and returns the code and every stderr line.
    fn finish(mut self) -> (Option<i32>, Vec<String>) {
        let status = self.child.wait().unwrap();
        self.seen.extend(self.lines.iter());
        (status.code(), self.seen)
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs `body` as JSON to `path` (a fresh connection each time).
    async fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

fn keys() -> Vec<(&'static str, &'static str)> {
    vec![
        ("QWEN_API_KEY", QWEN_KEY),
        ("GPT_API_KEY", GPT_KEY),
        ("CLAUDE_API_KEY", CLAUDE_KEY),
    ]
}

fn ask(model: &str, stream: bool) -> Value {
    json!({"model": model, "stream": stream, "stream_options": {"include_usage": stream},
        "messages": [{"role": "user", "content": "hello world"}]})
}

fn assert_no_key(lines: &[String]) {
    for line in lines {
        for key in [QWEN_KEY, GPT_KEY, CLAUDE_KEY, "0123456789"] {
            assert!(!line.contains(key), "a key in the log: {line}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_log_line_per_request_human_or_json_and_no_key_in_any() {
    let emulator = Emulator::start();
    let home = tempfile::tempdir().unwrap();
    write_config(&emulator, home.path());
    for json_lines in [false, true] {
        let args: &[&str] = if json_lines { &["--log-json"] } else { &[] };
        let daemon = Daemon::start(home.path(), args, &keys());
        let ok = daemon
            .post("/v1/chat/completions", &ask("gpt/gpt-4.1", false))
            .await;
        assert_eq!(ok.status(), 200);
        let streamed = daemon
            .post("/v1/messages", &ask("qwen/qwen3.5-plus", true))
            .await;
        streamed.text().await.unwrap();
        let unknown = daemon
            .post("/v1/messages", &ask("nope/nothing", false))
            .await;
        assert_eq!(unknown.status(), 404);
        daemon.signal(libc::SIGTERM);
        let (code, lines) = daemon.finish();
        assert_eq!(code, Some(0), "{lines:?}");
        assert_no_key(&lines);
        let requests: Vec<&String> = lines
            .iter()
            .filter(|l| l.contains("request"))
            .filter(|l| l.contains("status"))
            .collect();
        assert_eq!(requests.len(), 3, "{lines:#?}");
        if json_lines {
            let parsed: Vec<Value> = requests
                .iter()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            assert_eq!(parsed[0]["ref"], "gpt/gpt-4.1", "{:?}", parsed[0]);
            assert_eq!(parsed[0]["provider"], "gpt");
            assert_eq!(parsed[0]["status"], 200);
            assert_eq!(parsed[0]["upstream_model"], "gpt-4.1");
            assert_ne!(parsed[0]["prompt_tokens"], "-");
            assert_eq!(parsed[1]["front"], "anthropic-messages");
            assert_eq!(parsed[1]["stream"], true);
            assert_ne!(parsed[1]["ttfb_ms"], "-");
            assert_eq!(parsed[2]["status"], 404);
            assert!(
                parsed[2]["error"]
                    .as_str()
                    .unwrap()
                    .contains("unknown model ref")
            );
        } else {
            assert!(
                requests[0].contains("ref=gpt/gpt-4.1") && requests[0].contains("status=200"),
                "{}",
                requests[0]
            );
            assert!(requests[2].contains("status=404"), "{}", requests[2]);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_without_cutting_an_open_stream_and_sigterm_drains() {
    let emulator = Emulator::start();
    let home = tempfile::tempdir().unwrap();
    let config = write_config(&emulator, home.path());
    let mut daemon = Daemon::start(home.path(), &[], &keys());
    // A provider the config does not have yet.
    let late = daemon
        .post("/v1/chat/completions", &ask("late/gpt-4.1", false))
        .await;
    assert_eq!(late.status(), 404);
    emulator.push_fault(Fault::Stall {
        after_chunks: 1,
        for_ms: 800,
    });
    let mut open = daemon
        .post("/v1/chat/completions", &ask("gpt/gpt-4.1", true))
        .await;
    assert!(open.chunk().await.unwrap().is_some(), "the stream is open");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[models.providers.late]\napi = \"openai-completions\"\nbaseUrl = \"{}\"\n",
        emulator.openai_base_url()
    ));
    std::fs::write(&config, text).unwrap();
    std::fs::write(
        config.with_file_name(".env"),
        format!("LATE_API_KEY={GPT_KEY}\n"),
    )
    .unwrap();
    daemon.signal(libc::SIGHUP);
    daemon.wait_for("reloaded");
    let late = daemon
        .post("/v1/chat/completions", &ask("late/gpt-4.1", false))
        .await;
    assert_eq!(late.status(), 200, "the reloaded config and .env serve");
    // SIGTERM while the stream is still open: it finishes, then the process ends.
    daemon.signal(libc::SIGTERM);
    let mut rest = Vec::new();
    while let Some(chunk) = open.chunk().await.unwrap() {
        rest.extend_from_slice(&chunk);
    }
    let rest = String::from_utf8(rest).unwrap();
    assert!(
        rest.ends_with("data: [DONE]\n\n"),
        "the open stream was cut: {rest}"
    );
    let (code, lines) = daemon.finish();
    assert_eq!(code, Some(0), "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("every request under way finished")),
        "{lines:#?}"
    );
    assert_no_key(&lines);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_shell_import_supplies_a_missing_key_and_names_it_only() {
    use std::os::unix::fs::PermissionsExt;
    let emulator = Emulator::start();
    let home = tempfile::tempdir().unwrap();
    let config = write_config(&emulator, home.path());
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[env.shellEnv]\nenabled = true\ntimeoutMs = 5000\n");
    std::fs::write(&config, text).unwrap();
    let shell = home.path().join("login-shell");
    std::fs::write(
        &shell,
        format!(
            "#!/bin/sh\nprintf 'GPT_API_KEY={GPT_KEY}\\0QWEN_API_KEY=sk-shell-must-not-win\\0'\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&shell, std::fs::Permissions::from_mode(0o755)).unwrap();
    let shell = shell.to_str().unwrap().to_string();
    let daemon = Daemon::start(
        home.path(),
        &[],
        &[("SHELL", shell.as_str()), ("QWEN_API_KEY", QWEN_KEY)],
    );
    let ok = daemon
        .post("/v1/chat/completions", &ask("gpt/gpt-4.1", false))
        .await;
    assert_eq!(ok.status(), 200);
    let ok = daemon
        .post("/v1/chat/completions", &ask("qwen/qwen3.5-plus", false))
        .await;
    assert_eq!(ok.status(), 200, "the process's own key was kept");
    daemon.signal(libc::SIGTERM);
    let (code, lines) = daemon.finish();
    assert_eq!(code, Some(0));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("imported 1 variables from the login shell: GPT_API_KEY")),
        "{lines:#?}"
    );
    assert_no_key(&lines);
    assert!(lines.iter().all(|l| !l.contains("sk-shell-must-not-win")));
}

#[test]
fn unit_files_and_the_refusal_to_listen_beyond_loopback_without_a_token() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_provcat"))
            .args(args)
            .env_clear()
            .env("HOME", home.path())
            .output()
            .unwrap()
    };
    let systemd = run(&["serve", "--print-unit", "systemd"]);
    assert!(systemd.status.success());
    let text = String::from_utf8(systemd.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "ExecStart={} serve --listen 127.0.0.1:4000 --config ",
            env!("CARGO_BIN_EXE_provcat")
        )),
        "{text}"
    );
    assert!(text.contains("ExecReload=/bin/kill -HUP $MAINPID"));
    let launchd = run(&[
        "serve",
        "--print-unit",
        "launchd",
        "--listen",
        "127.0.0.1:5000",
    ]);
    let text = String::from_utf8(launchd.stdout).unwrap();
    assert!(
        text.contains("<string>127.0.0.1:5000</string>")
            && text.contains("<key>EnvironmentVariables</key>"),
        "{text}"
    );
    let refused = run(&["serve", "--listen", "0.0.0.0:0"]);
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8(refused.stderr).unwrap();
    assert!(
        err.contains("PROVCAT_SERVE_TOKEN") && err.contains("not a loopback address"),
        "{err}"
    );
}
