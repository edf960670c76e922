//! The hostile-server faults (`Redirect`, `HugeBody`, `NoAnswer`) beyond DashScope chat
//! (see `faults.rs` for that): on the Anthropic and OpenAI surfaces, streaming or not, and
//! on the video task requests (create, poll, cancel).

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use provcat_emulator::{Emulator, Fault, VideoScript};
use serde_json::{Value, json};

use crate::client::{Reply, exchange, request, request_with};

/// The Anthropic messages path and headers that pass its checks.
const MESSAGES: &str = "/anthropic/v1/messages";
const ANTHROPIC_HEADERS: &[(&str, &str)] = &[
    ("x-api-key", "sk-ant-test"),
    ("anthropic-version", "2023-06-01"),
];
/// The OpenAI chat path and a key it accepts.
const OPENAI: &str = "/openai/v1/chat/completions";
const OPENAI_KEY: &str = "sk-proj-test";
/// The video create path and the task path prefix.
const CREATE: &str = "/api/v1/services/aigc/video-generation/video-synthesis";
const TASKS: &str = "/api/v1/tasks/";

/// A request that passes every check of its surface.
struct Target {
    name: &'static str,
    raw: Vec<u8>,
}

/// An Anthropic and an OpenAI request, each streaming and not.
fn chat_targets() -> Vec<Target> {
    let mut targets = Vec::new();
    for stream in [false, true] {
        let body = json!({
            "model": "claude-sonnet-4-5", "max_tokens": 100, "stream": stream,
            "messages": [{"role": "user", "content": "hi"}],
        });
        targets.push(Target {
            name: if stream {
                "anthropic stream"
            } else {
                "anthropic"
            },
            raw: request_with(MESSAGES, ANTHROPIC_HEADERS, body.to_string().as_bytes()),
        });
        let body = json!({
            "model": "gpt-4.1", "stream": stream,
            "messages": [{"role": "user", "content": "hi"}],
        });
        targets.push(Target {
            name: if stream { "openai stream" } else { "openai" },
            raw: request(OPENAI, Some(OPENAI_KEY), body.to_string().as_bytes()),
        });
    }
    targets
}

/// A raw native request with a Standard key and `Connection: close`.
fn native(method: &str, path: &str, body: &Value) -> Vec<u8> {
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Authorization: Bearer sk-test\r\nX-DashScope-Async: enable\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn create_body() -> Value {
    json!({"model": "wan2.6-t2v", "input": {"prompt": "a cat"}})
}

/// A create, a poll and a cancel of a fresh task (the task is created unfaulted).
fn video_targets(emulator: &Emulator) -> Vec<Target> {
    let reply = exchange(emulator.addr(), &native("POST", CREATE, &create_body()));
    assert_eq!(reply.status, 200, "{}", reply.text());
    let id = reply.json()["output"]["task_id"]
        .as_str()
        .expect("a task id")
        .to_owned();
    vec![
        Target {
            name: "video create",
            raw: native("POST", CREATE, &create_body()),
        },
        Target {
            name: "video poll",
            raw: native("GET", &format!("{TASKS}{id}"), &Value::Null),
        },
        Target {
            name: "video cancel",
            raw: native("POST", &format!("{TASKS}{id}/cancel"), &Value::Null),
        },
    ]
}

/// Every target: Anthropic, OpenAI and the video task requests.
fn all_targets(emulator: &Emulator) -> Vec<Target> {
    let mut targets = chat_targets();
    targets.extend(video_targets(emulator));
    targets
}

fn faulted(emulator: &Emulator, fault: Fault, target: &Target) -> Reply {
    emulator.push_fault(fault);
    exchange(emulator.addr(), &target.raw)
}

#[test]
fn redirects_answer_with_their_location_on_every_surface() {
    let emulator = Emulator::start();
    for target in all_targets(&emulator) {
        let fault = Fault::Redirect {
            status: 308,
            location: "http://127.0.0.1:9/moved".into(),
        };
        let reply = faulted(&emulator, fault, &target);
        assert_eq!(reply.status, 308, "{}", target.name);
        let location = reply.header("location");
        assert_eq!(
            location,
            Some("http://127.0.0.1:9/moved"),
            "{}",
            target.name
        );
        assert_eq!(reply.text(), "{}", "{}", target.name);
    }
}

#[test]
fn huge_bodies_have_their_exact_size_on_every_surface() {
    let emulator = Emulator::start();
    for target in all_targets(&emulator) {
        for chunked in [false, true] {
            let bytes = 150_000;
            let reply = faulted(&emulator, Fault::HugeBody { bytes, chunked }, &target);
            let what = format!("{}, chunked: {chunked}", target.name);
            assert_eq!(reply.status, 200, "{what}");
            assert!(reply.complete, "{what}");
            assert_eq!(reply.header("content-length").is_none(), chunked, "{what}");
            assert_eq!(reply.header("content-type"), Some("application/json"));
            assert_eq!(reply.body.len(), bytes as usize, "{what}");
            let pad = reply.json()["pad"].as_str().map(str::len);
            assert_eq!(pad, Some(bytes as usize - 10), "{what}");
        }
    }
}

#[test]
fn no_answer_is_silent_on_every_surface() {
    let emulator = Emulator::start();
    let targets = all_targets(&emulator);
    let before = emulator.requests().len();
    let mut open = Vec::new();
    for target in &targets {
        emulator.push_fault(Fault::NoAnswer);
        let mut stream = TcpStream::connect(emulator.addr()).unwrap();
        stream.write_all(&target.raw).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut buf = [0u8; 64];
        let read = stream.read(&mut buf);
        assert!(
            matches!(&read, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
            "{}: {read:?}",
            target.name
        );
        open.push(stream);
    }
    // Every silent request was read and recorded, and took its fault.
    assert_eq!(emulator.requests().len(), before + targets.len());
    let reply = exchange(emulator.addr(), &targets[0].raw);
    assert_eq!(reply.status, 200, "the queue is empty again");
    // Dropping the emulator ends the silent connections instead of waiting on them.
    drop(emulator);
    for mut stream in open {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 64];
        assert!(matches!(stream.read(&mut buf), Ok(0) | Err(_)));
    }
}

#[test]
fn a_file_redirect_leaves_the_fault_queue_alone() {
    let emulator = Emulator::start();
    emulator.set_video_script(VideoScript {
        pending_polls: 0,
        running_polls: 0,
        file_redirect: Some((301, "http://127.0.0.1:9/v.mp4".into())),
        ..VideoScript::default()
    });
    let reply = exchange(emulator.addr(), &native("POST", CREATE, &create_body()));
    let id = reply.json()["output"]["task_id"]
        .as_str()
        .expect("a task id")
        .to_owned();
    let poll = exchange(
        emulator.addr(),
        &native("GET", &format!("{TASKS}{id}"), &Value::Null),
    );
    assert_eq!(poll.json()["output"]["task_status"], "SUCCEEDED");
    emulator.push_fault(Fault::ServerError);
    let file = format!("/files/{id}.mp4");
    let reply = exchange(emulator.addr(), &native("GET", &file, &Value::Null));
    assert_eq!(reply.status, 301);
    assert_eq!(reply.header("location"), Some("http://127.0.0.1:9/v.mp4"));
    // The fault is still queued: the next task request takes it.
    let poll = exchange(
        emulator.addr(),
        &native("GET", &format!("{TASKS}{id}"), &Value::Null),
    );
    assert_eq!(poll.status, 500, "{}", poll.text());
}
