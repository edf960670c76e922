//! Terminal injection: control characters sent by a server (an error message, a FAILED
//! task's message, a task id, a video URL, streamed reasoning) or given as arguments are
//! escaped in every human-readable line, terminal or not; `--json` carries them
//! JSON-escaped. A tiny loopback server plays the hostile provider.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use crate::support::{Run, config_dir, json_of, stderr, stdout};

const KEY: &str = "sk-terminal0123456789abcd";
/// A title change, a bell, a screen clear and a carriage return.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\r";
/// How `HOSTILE` reads once escaped.
const ESCAPED: &str = "\\x1b]0;pwned\\x07\\x1b[2J\\r";

/// Serves `responses` (whole HTTP responses), one connection each, in order, on 127.0.0.1;
/// returns the server's base URL. The loop ends after the last response.
fn serve(responses: Vec<String>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (stream, response) in listener.incoming().zip(responses) {
            let Ok(mut stream) = stream else { return };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(&stream);
            let mut length = 0;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = stream.write_all(response.as_bytes());
        }
    });
    base
}

fn http(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn json_response(status: &str, body: serde_json::Value) -> String {
    http(status, "application/json", &body.to_string())
}

/// A home whose qwen provider points at `base` (DashScope-shaped paths).
fn home_at(base: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\nbaseUrl = \"{base}/compatible-mode/v1\"\n"
        ),
    )
    .unwrap();
    home
}

fn provcat(home: &Path, args: &[&str]) -> std::process::Output {
    Run {
        cwd: home,
        args,
        home,
        env: &[("QWEN_API_KEY", KEY)],
        stdin: None,
    }
    .output()
}

#[track_caller]
fn assert_no_controls(text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "a control character reached the output:\n{text:?}"
    );
}

#[test]
fn a_server_error_message_cannot_drive_the_terminal() {
    let error = serde_json::json!({
        "error": { "message": format!("refused{HOSTILE} done"), "code": format!("bad\u{1b}[31m") }
    });
    let base = serve(vec![
        json_response("400 Bad Request", error.clone()),
        json_response("400 Bad Request", error),
    ]);
    let home = home_at(&base);
    let out = provcat(home.path(), &["chat", "--retries", "0", "hello"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert_no_controls(&err);
    assert!(err.contains(&format!("refused{ESCAPED} done")), "{err}");
    assert!(err.contains("bad\\x1b[31m"), "{err}");

    let out = provcat(home.path(), &["chat", "--json", "--retries", "0", "hello"]);
    assert_no_controls(&stdout(&out));
    assert_no_controls(&stderr(&out));
    let json = json_of(&out);
    let message = json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("refused{HOSTILE} done")),
        "{message:?}"
    );
}

#[test]
fn a_video_task_cannot_drive_the_terminal() {
    let failed = serde_json::json!({ "output": {
        "task_id": format!("task{HOSTILE}"),
        "task_status": "FAILED",
        "code": format!("Code{HOSTILE}"),
        "message": format!("failed{HOSTILE}"),
    }});
    let succeeded = serde_json::json!({ "output": {
        "task_id": "t1",
        "task_status": "SUCCEEDED",
        "video_url": format!("https://v.example/a.mp4{HOSTILE}\nfake line"),
    }});
    let base = serve(vec![
        json_response("200 OK", failed.clone()),
        json_response("200 OK", succeeded.clone()),
        json_response("200 OK", failed),
    ]);
    let home = home_at(&base);

    let out = provcat(home.path(), &["video", "status", "t1"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let err = stderr(&out);
    assert_no_controls(&err);
    assert!(
        err.contains(&format!(
            "task task{ESCAPED} FAILED: Code{ESCAPED}: failed{ESCAPED}"
        )),
        "{err}"
    );

    let out = provcat(home.path(), &["video", "status", "t1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The URL stays on one line: a script reading it gets one value.
    assert_eq!(
        stdout(&out),
        format!("https://v.example/a.mp4{ESCAPED}\\nfake line\n")
    );

    let out = provcat(home.path(), &["video", "status", "t1", "--json"]);
    assert_no_controls(&stdout(&out));
    assert_eq!(json_of(&out)["message"], format!("failed{HOSTILE}"));
}

#[test]
fn streamed_reasoning_is_escaped_and_the_answer_is_printed_as_sent_off_a_terminal() {
    let frames = [
        serde_json::json!({"choices": [{"index": 0, "delta": {"reasoning_content": format!("think{HOSTILE}")}}]}),
        serde_json::json!({"choices": [{"index": 0, "delta": {"content": "an\u{1b}[1mswer"}, "finish_reason": "stop"}]}),
    ];
    let body: String = frames
        .iter()
        .map(|f| format!("data: {f}\n\n"))
        .chain(std::iter::once("data: [DONE]\n\n".to_string()))
        .collect();
    let base = serve(vec![http("200 OK", "text/event-stream", &body)]);
    let home = home_at(&base);
    let out = provcat(home.path(), &["chat", "--retries", "0", "hello"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert_no_controls(&err);
    assert!(err.contains(&format!("think{ESCAPED}")), "{err}");
    // Piped, the answer is the model's text byte for byte (escaped on a terminal only).
    assert_eq!(stdout(&out), "an\u{1b}[1mswer\n");
}

#[test]
fn arguments_are_escaped_in_every_error() {
    // Nothing listens there: every case fails before any request.
    let home = home_at("http://127.0.0.1:9");
    for args in [
        vec!["models", "show", "qwen/x\u{1b}]0;pwned\u{7}"],
        vec!["explain", "qwen/x\u{1b}[2J"],
        vec!["onboard", "--auth-choice", "x\u{1b}[2J", "--skip-key"],
        vec!["video", "status", "id\u{1b}[2J"],
    ] {
        let out = provcat(home.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_no_controls(&err);
        // Escaped by provcat, or shown as a control picture by the diagnostic renderer.
        assert!(
            err.contains("\\x1b") || err.contains('\u{241b}'),
            "{args:?}: the argument is not quoted:\n{err}"
        );
    }
    // Usage errors: clap's plain rendering drops the sequences; nothing raw gets through.
    for args in [
        vec!["chat", "--max-tokens", "x\u{1b}[2J", "hi"],
        vec!["--no-such-flag\u{1b}]0;pwned\u{7}"],
        vec!["models", "show"],
    ] {
        let out = provcat(home.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
        assert_no_controls(&stderr(&out));
    }
}
