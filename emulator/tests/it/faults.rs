//! Every fault's observable shape, and the fault queue.

use std::time::Duration;

use provcat_emulator::{Emulator, Fault};
use serde_json::json;

use crate::{assert_envelope, assert_flat, chat, post, streaming};

fn faulted(fault: Fault) -> crate::client::Reply {
    let emulator = Emulator::start();
    emulator.push_fault(fault);
    chat(&emulator, &streaming("glm-5", "hello"))
}

#[test]
fn reset_before_headers_answers_nothing() {
    let emulator = Emulator::start();
    emulator.push_fault(Fault::ResetBeforeHeaders);
    let reply = chat(&emulator, &streaming("glm-5", "hello"));
    assert!(reply.reads.is_empty());
    assert_eq!(reply.status, 0);
    assert_eq!(emulator.requests().len(), 1);
}

#[test]
fn reset_mid_stream_aborts_after_some_chunks() {
    let reply = faulted(Fault::ResetMidStream { after_chunks: 1 });
    assert_eq!(reply.status, 200);
    assert!(reply.reset, "the connection should end with a reset");
    assert!(!reply.complete);
    assert_eq!(reply.deltas("content"), "echo");
    assert!(!reply.text().contains("[DONE]"));
}

#[test]
fn stall_pauses_then_goes_on() {
    let reply = faulted(Fault::Stall {
        after_chunks: 1,
        for_ms: 300,
    });
    assert!(reply.complete);
    assert_eq!(reply.deltas("content"), "echo: hello");
    let gap = reply
        .reads
        .windows(2)
        .map(|w| w[1].0 - w[0].0)
        .max()
        .unwrap_or_default();
    assert!(gap >= Duration::from_millis(250), "{gap:?}");
}

#[test]
fn malformed_frame_sits_between_good_ones() {
    let reply = faulted(Fault::MalformedFrame { after_chunks: 1 });
    assert!(reply.complete);
    let events = reply.events();
    let bad = events.iter().position(|e| e == "data: {not json");
    // comment, role, "echo", then the bad frame
    assert_eq!(bad, Some(3), "{events:#?}");
    assert_eq!(reply.deltas("content"), "echo: hello");
    assert_eq!(events.last().map(String::as_str), Some("data: [DONE]"));
}

#[test]
fn error_frame_ends_the_stream() {
    let reply = faulted(Fault::ErrorFrame { after_chunks: 2 });
    assert_eq!(reply.status, 200);
    assert!(reply.complete && !reply.reset);
    let events = reply.events();
    assert_eq!(
        events.last().map(String::as_str),
        Some(
            r#"data: {"error":{"code":"data_inspection_failed","message":"Output data may contain inappropriate content.","type":"data_inspection_failed"}}"#
        )
    );
    assert_eq!(reply.deltas("content"), "echo: he");
    assert!(
        reply
            .chunks()
            .iter()
            .all(|c| c["choices"][0]["finish_reason"].is_null())
    );
}

#[test]
fn missing_done_truncates_cleanly() {
    let emulator = Emulator::start();
    emulator.push_fault(Fault::MissingDone);
    let mut body = streaming("glm-5", "hello");
    body["stream_options"] = json!({"include_usage": true});
    let reply = chat(&emulator, &body);
    assert!(reply.complete && !reply.reset);
    assert_eq!(reply.deltas("content"), "echo: hello");
    assert!(!reply.text().contains("[DONE]"));
    let chunks = reply.chunks();
    assert!(chunks.iter().all(|c| c["usage"].is_null()));
    assert!(
        chunks
            .iter()
            .all(|c| c["choices"][0]["finish_reason"].is_null())
    );
}

#[test]
fn http_error_faults() {
    let reply = faulted(Fault::RateLimit {
        retry_after_secs: Some(7),
    });
    assert_envelope(
        &reply,
        429,
        "limit_requests",
        "Requests rate limit exceeded, please try again later.",
    );
    assert_eq!(reply.header("retry-after"), Some("7"));
    let reply = faulted(Fault::RateLimit {
        retry_after_secs: None,
    });
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after"), None);

    let reply = faulted(Fault::ServerError);
    let message = "An internal error has occured, please try again later.";
    assert_flat(&reply, 500, "InternalError", message);

    let reply = faulted(Fault::Quota);
    assert_envelope(
        &reply,
        429,
        "insufficient_quota",
        "You exceeded your current quota",
    );

    let reply = faulted(Fault::Arrearage);
    let message = "Access denied, please make sure your account is in good standing.";
    assert_flat(&reply, 400, "Arrearage", message);

    let reply = faulted(Fault::CodingAgentsOnly);
    assert_eq!(reply.status, 405);
    assert_eq!(
        reply.json(),
        json!({"error": "Coding Plan is currently only available for Coding Agents"})
    );

    let reply = faulted(Fault::Status {
        status: 503,
        body: "{\"oops\":1}".into(),
    });
    assert_eq!(reply.status, 503);
    assert_eq!(reply.text(), "{\"oops\":1}");
}

#[test]
fn faults_are_taken_in_order_by_authorised_chat_requests() {
    let emulator = Emulator::start();
    emulator.push_fault(Fault::ServerError);
    emulator.push_fault(Fault::Quota);
    let body = streaming("glm-5", "hi");
    assert_eq!(post(&emulator, crate::STANDARD, None, &body).status, 401);
    assert_eq!(post(&emulator, "/other", Some("sk-x"), &body).status, 404);
    assert_eq!(chat(&emulator, &body).status, 500);
    assert_eq!(chat(&emulator, &body).status, 429);
    assert_eq!(chat(&emulator, &body).status, 200);
}

#[test]
fn stream_faults_on_non_streaming_requests() {
    let emulator = Emulator::start();
    let body = json!({"model": "glm-5", "messages": [{"role": "user", "content": "hi"}]});
    emulator.push_fault(Fault::ErrorFrame { after_chunks: 0 });
    let reply = chat(&emulator, &body);
    assert_envelope(
        &reply,
        400,
        "data_inspection_failed",
        "inappropriate content",
    );
    emulator.push_fault(Fault::MalformedFrame { after_chunks: 0 });
    assert_eq!(chat(&emulator, &body).text(), "{not json");
    emulator.push_fault(Fault::ResetMidStream { after_chunks: 0 });
    let reply = chat(&emulator, &body);
    assert_eq!(reply.status, 200);
    assert!(!reply.complete && reply.reset);
    emulator.push_fault(Fault::MissingDone);
    assert_eq!(
        chat(&emulator, &body).json()["choices"][0]["message"]["content"],
        "echo: hi"
    );
}

#[test]
fn overloaded_on_dashscope_is_a_flat_503() {
    let reply = faulted(Fault::Overloaded {
        retry_after_secs: Some(2),
    });
    let message = "The service is temporarily unavailable, please try again later.";
    assert_flat(&reply, 503, "ServiceUnavailable", message);
    assert_eq!(reply.header("retry-after"), Some("2"));
    let reply = faulted(Fault::Overloaded {
        retry_after_secs: None,
    });
    assert_eq!(reply.status, 503);
    assert_eq!(reply.header("retry-after"), None);
}

/// A cut answer carries its head and the first half of its body.
fn assert_half(reply: &crate::client::Reply) {
    let length: usize = reply
        .header("content-length")
        .and_then(|l| l.parse().ok())
        .expect("a Content-Length");
    assert!(reply.reset && !reply.complete);
    assert!(length > 20, "{length}");
    assert_eq!(reply.body.len(), length / 2, "{:?}", reply.body);
}

#[test]
fn a_cut_non_streaming_answer_is_half_its_body() {
    let emulator = Emulator::start();
    let body = json!({"model": "glm-5", "messages": [{"role": "user", "content": "hi"}]});
    emulator.push_fault(Fault::ResetMidStream { after_chunks: 0 });
    assert_half(&chat(&emulator, &body));
    let create = json!({"model": "wan2.6-t2v", "input": {"prompt": "a cat"}});
    emulator.push_fault(Fault::ResetMidStream { after_chunks: 0 });
    let raw = crate::client::request_with(
        "/api/v1/services/aigc/video-generation/video-synthesis",
        &[
            ("Authorization", "Bearer sk-1"),
            ("X-DashScope-Async", "enable"),
        ],
        create.to_string().as_bytes(),
    );
    assert_half(&crate::client::exchange(emulator.addr(), &raw));
}

#[test]
fn redirect_answers_with_its_location() {
    let reply = faulted(Fault::Redirect {
        status: 307,
        location: "http://127.0.0.1:9/elsewhere".into(),
    });
    assert_eq!(reply.status, 307);
    assert_eq!(
        reply.header("location"),
        Some("http://127.0.0.1:9/elsewhere")
    );
}

#[test]
fn huge_bodies_have_the_exact_size_with_or_without_a_length() {
    for chunked in [false, true] {
        for bytes in [200_000_u64, 10, 9, 3] {
            let reply = faulted(Fault::HugeBody { bytes, chunked });
            assert_eq!(reply.status, 200);
            assert!(reply.complete, "{bytes} bytes, chunked: {chunked}");
            assert_eq!(reply.body.len() as u64, bytes, "chunked: {chunked}");
            assert_eq!(reply.header("content-length").is_none(), chunked);
            let full = format!(
                "{{\"pad\":\"{}\"}}",
                "x".repeat(bytes.saturating_sub(10) as usize)
            );
            assert!(full.as_bytes().starts_with(&reply.body), "{}", reply.text());
            if bytes >= 10 {
                assert_eq!(
                    reply.json()["pad"].as_str().map(str::len),
                    Some(bytes as usize - 10)
                );
            }
        }
    }
}

#[test]
fn no_answer_sends_nothing_and_the_emulator_still_stops() {
    use std::io::{Read, Write};

    let emulator = Emulator::start();
    emulator.push_fault(Fault::NoAnswer);
    let body = streaming("glm-5", "hi").to_string();
    let mut stream = std::net::TcpStream::connect(emulator.addr()).unwrap();
    stream
        .write_all(&crate::client::request(
            crate::STANDARD,
            Some("sk-test"),
            body.as_bytes(),
        ))
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 64];
    let read = stream.read(&mut buf);
    assert!(
        matches!(&read, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "{read:?}"
    );
    assert_eq!(emulator.requests().len(), 1);
    // Dropping the emulator ends the silent connection instead of waiting on it.
    drop(emulator);
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert!(matches!(stream.read(&mut buf), Ok(0) | Err(_)));
}
