//! The Wan video task API: create checks per mode, the async header, auth, the task
//! lifecycle, cancels, the rate window, faults and the file download.

use provcat_emulator::{Emulator, Fault, VIDEO_MODELS, VideoEnd, VideoScript};
use serde_json::{Value, json};

use crate::assert_flat;
use crate::client::{Reply, exchange};

/// The create path.
const CREATE: &str = "/api/v1/services/aigc/video-generation/video-synthesis";
/// A Standard key.
const KEY: &str = "sk-test";

/// Sends one request with `Connection: close`.
fn send(
    emulator: &Emulator,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut raw = raw.into_bytes();
    raw.extend_from_slice(body);
    exchange(emulator.addr(), &raw)
}

/// A create with `key` and, when `asynchronous`, `X-DashScope-Async: enable`.
fn create_with(emulator: &Emulator, key: Option<&str>, asynchronous: bool, body: &Value) -> Reply {
    let auth = key.map(|k| format!("Bearer {k}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(auth) = &auth {
        headers.push(("Authorization", auth));
    }
    if asynchronous {
        headers.push(("X-DashScope-Async", "enable"));
    }
    send(
        emulator,
        "POST",
        CREATE,
        &headers,
        body.to_string().as_bytes(),
    )
}

fn create(emulator: &Emulator, body: &Value) -> Reply {
    create_with(emulator, Some(KEY), true, body)
}

/// Creates a task, returning its id.
fn task(emulator: &Emulator, body: &Value) -> String {
    let reply = create(emulator, body);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let json = reply.json();
    assert_eq!(json["output"]["task_status"], "PENDING", "{json}");
    assert!(json["request_id"].is_string(), "{json}");
    json["output"]["task_id"]
        .as_str()
        .expect("a task id")
        .to_owned()
}

fn task_request(emulator: &Emulator, method: &str, path: &str, key: Option<&str>) -> Reply {
    let auth = key.map(|k| format!("Bearer {k}"));
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
    send(emulator, method, path, &headers, b"")
}

fn poll(emulator: &Emulator, id: &str) -> Reply {
    task_request(emulator, "GET", &format!("/api/v1/tasks/{id}"), Some(KEY))
}

fn cancel(emulator: &Emulator, id: &str) -> Reply {
    task_request(
        emulator,
        "POST",
        &format!("/api/v1/tasks/{id}/cancel"),
        Some(KEY),
    )
}

/// Polls and returns `output`, asserting a 200.
fn output(emulator: &Emulator, id: &str) -> Value {
    let reply = poll(emulator, id);
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["output"].clone()
}

fn t2v() -> Value {
    json!({"model": "wan2.6-t2v", "input": {"prompt": "a cat surfing"}, "parameters": {"duration": 10}})
}

/// Asserts a 400 flat `InvalidParameter` whose message contains `part`.
fn assert_invalid(reply: &Reply, part: &str) {
    assert_eq!(reply.status, 400, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["code"], "InvalidParameter", "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(part), "{message:?} lacks {part:?}");
    assert!(body["request_id"].is_string(), "{body}");
}

#[test]
fn create_needs_the_async_header() {
    let emulator = Emulator::start();
    let reply = create_with(&emulator, Some(KEY), false, &t2v());
    let message = "current user api does not support synchronous calls";
    assert_flat(&reply, 400, "InvalidParameter", message);
    let id = task(&emulator, &t2v());
    assert_eq!(id.len(), 36, "{id}");
    assert_eq!(id.matches('-').count(), 4, "{id}");
    assert_ne!(task(&emulator, &t2v()), id);
    assert_eq!(emulator.video_tasks().len(), 2);
}

#[test]
fn the_native_api_wants_a_standard_key() {
    let emulator = Emulator::start();
    let id = task(&emulator, &t2v());
    for key in [None, Some(""), Some("sk-bad")] {
        let reply = create_with(&emulator, key, false, &t2v());
        assert_flat(&reply, 401, "InvalidApiKey", "Invalid API-key provided.");
        let reply = task_request(&emulator, "GET", &format!("/api/v1/tasks/{id}"), key);
        assert_flat(&reply, 401, "InvalidApiKey", "Invalid API-key provided.");
    }
    let reply = create_with(&emulator, Some("sk-sp-abc"), true, &t2v());
    assert_flat(&reply, 403, "InvalidApiKey", "invalid api-key");
    let path = format!("/api/v1/tasks/{id}/cancel");
    let reply = task_request(&emulator, "POST", &path, Some("sk-sp-abc"));
    assert_flat(&reply, 403, "InvalidApiKey", "invalid api-key");
    assert_eq!(emulator.video_tasks().len(), 1);
    assert_eq!(emulator.video_tasks()[0].status, "PENDING");
}

#[test]
fn t2v_takes_a_prompt_and_no_media() {
    let emulator = Emulator::start();
    let reply = create(
        &emulator,
        &json!({"model": "wan9-t2v", "input": {"prompt": "x"}}),
    );
    assert_flat(&reply, 400, "InvalidParameter", "Model not exist.");
    assert_invalid(&create(&emulator, &json!("nope")), "JSON object");
    assert_invalid(
        &create(&emulator, &json!({"input": {"prompt": "x"}})),
        "model",
    );
    assert_invalid(&create(&emulator, &json!({"model": "wan2.6-t2v"})), "input");
    let no_prompt = json!({"model": "wan2.6-t2v", "input": {"prompt": " "}});
    assert_invalid(&create(&emulator, &no_prompt), "input.prompt");
    let media =
        json!({"model": "wan2.6-t2v", "input": {"prompt": "x", "img_url": "https://a/b.png"}});
    assert_invalid(&create(&emulator, &media), "input.img_url is not supported");
    task(
        &emulator,
        &json!({"model": "wan2.6-t2v", "input": {"prompt": "x"}}),
    );
}

#[test]
fn i2v_takes_exactly_one_remote_image() {
    let emulator = Emulator::start();
    let body =
        |img: Value| json!({"model": "wan2.6-i2v", "input": {"prompt": "go", "img_url": img}});
    let missing = json!({"model": "wan2.6-i2v", "input": {"prompt": "go"}});
    assert_invalid(&create(&emulator, &missing), "input.img_url");
    let two = body(json!(["https://a/1.png", "https://a/2.png"]));
    assert_invalid(&create(&emulator, &two), "one image URL");
    assert_invalid(
        &create(&emulator, &body(json!("file:///tmp/a.png"))),
        "remote http(s) URL",
    );
    assert_invalid(
        &create(&emulator, &body(json!("data:image/png;base64,AAAA"))),
        "http(s)",
    );
    assert_invalid(
        &create(&emulator, &body(json!("https://a/clip.mp4"))),
        "not a video",
    );
    let refs = json!({"model": "wan2.6-i2v", "input": {"img_url": "https://a/1.png", "reference_urls": []}});
    assert_invalid(
        &create(&emulator, &refs),
        "input.reference_urls is not supported",
    );
    let mut bad_resolution = body(json!("https://a/1.png"));
    bad_resolution["parameters"] = json!({"resolution": "480P"});
    assert_invalid(
        &create(&emulator, &bad_resolution),
        "must be one of 720P, 1080P",
    );
    task(&emulator, &body(json!("HTTPS://a.example/1.png?sig=x")));
}

#[test]
fn r2v_takes_one_to_five_references_at_most_three_videos() {
    let emulator = Emulator::start();
    for model in ["wan2.6-r2v", "wan2.6-r2v-flash"] {
        let body = |urls: Value| json!({"model": model, "input": {"prompt": "character1 waves", "reference_urls": urls}});
        let missing = json!({"model": model, "input": {"prompt": "x"}});
        assert_invalid(&create(&emulator, &missing), "input.reference_urls");
        assert_invalid(&create(&emulator, &body(json!("https://a/1.png"))), "array");
        assert_invalid(&create(&emulator, &body(json!([]))), "1 to 5 URLs, got 0");
        let six: Vec<String> = (0..6).map(|i| format!("https://a/{i}.png")).collect();
        assert_invalid(&create(&emulator, &body(json!(six))), "1 to 5 URLs, got 6");
        let four_videos = json!([
            "https://a/1.mp4",
            "https://a/2.MOV",
            "https://a/3.webm?x=1",
            "https://a/4.mp4"
        ]);
        assert_invalid(
            &create(&emulator, &body(four_videos)),
            "4 videos; at most 3",
        );
        assert_invalid(
            &create(&emulator, &body(json!(["https://a/1.png", 7]))),
            "[1] must be a URL string",
        );
        assert_invalid(
            &create(&emulator, &body(json!(["https://a/1.png", "/tmp/b.png"]))),
            "input.reference_urls[1] must be a remote",
        );
        let five = json!([
            "https://a/1.mp4",
            "https://a/2.mov",
            "http://a/3.webm",
            "https://a/4.png",
            "https://a/5.jpg"
        ]);
        task(&emulator, &body(five));
    }
}

#[test]
fn wan27_r2v_takes_typed_media() {
    let emulator = Emulator::start();
    let body =
        |media: Value| json!({"model": "wan2.7-r2v", "input": {"prompt": "x", "media": media}});
    let missing = json!({"model": "wan2.7-r2v", "input": {"prompt": "x"}});
    assert_invalid(&create(&emulator, &missing), "input.media");
    assert_invalid(&create(&emulator, &body(json!([]))), "non-empty array");
    let bad_type = json!([{"type": "image", "url": "https://a/1.png"}]);
    assert_invalid(&create(&emulator, &body(bad_type)), "input.media[0].type");
    let no_url =
        json!([{"type": "reference_image", "url": "https://a/1.png"}, {"type": "reference_video"}]);
    assert_invalid(&create(&emulator, &body(no_url)), "input.media[1].url");
    let local = json!([{"type": "reference_video", "url": "ftp://a/1.mp4"}]);
    assert_invalid(
        &create(&emulator, &body(local)),
        "input.media[0].url must be a remote",
    );
    let urls = json!({"model": "wan2.7-r2v", "input": {"prompt": "x", "reference_urls": ["https://a/1.png"]}});
    assert_invalid(&create(&emulator, &urls), "not supported");
    let good = json!([{"type": "reference_image", "url": "https://a/1.png"}, {"type": "reference_video", "url": "https://a/2.mp4"}]);
    let mut with_ratio = body(good);
    with_ratio["parameters"] = json!({"ratio": "5:4"});
    assert_invalid(&create(&emulator, &with_ratio), "parameters.ratio");
    with_ratio["parameters"] = json!({"ratio": "9:16", "duration": 0});
    assert_invalid(&create(&emulator, &with_ratio), "parameters.duration");
    with_ratio["parameters"] = json!({"ratio": "9:16", "resolution": "1080P", "duration": 8});
    task(&emulator, &with_ratio);
}

#[test]
fn a_task_goes_pending_running_succeeded() {
    let emulator = Emulator::start();
    assert_eq!(VIDEO_MODELS.len(), 5);
    let id = task(&emulator, &t2v());
    let first = output(&emulator, &id);
    assert_eq!(first["task_status"], "PENDING", "{first}");
    assert_eq!(first["task_id"], id.as_str());
    assert!(
        first["submit_time"].as_str().is_some_and(|t| t.len() == 23),
        "{first}"
    );
    assert!(first.get("scheduled_time").is_none(), "{first}");
    let second = output(&emulator, &id);
    assert_eq!(second["task_status"], "RUNNING", "{second}");
    assert!(second["scheduled_time"].is_string() && second.get("end_time").is_none());
    assert_eq!(emulator.video_tasks()[0].status, "RUNNING");
    let reply = poll(&emulator, &id);
    let done = reply.json();
    assert_eq!(done["output"]["task_status"], "SUCCEEDED", "{done}");
    let url = format!("{}/files/{id}.mp4", emulator.native_base_url());
    assert_eq!(done["output"]["video_url"], url.as_str());
    assert!(done["output"]["end_time"].is_string(), "{done}");
    assert_eq!(
        done["usage"],
        json!({"duration": 10, "video_count": 1, "SR": 720})
    );
    assert_eq!(output(&emulator, &id)["task_status"], "SUCCEEDED");
    let tasks = emulator.video_tasks();
    assert_eq!(
        (tasks[0].id.as_str(), tasks[0].status.as_str()),
        (id.as_str(), "SUCCEEDED")
    );
    assert_eq!(tasks[0].body, t2v());
    let recorded = emulator.requests();
    assert_eq!(recorded.len(), 5);
    assert_eq!(recorded[0].header("x-dashscope-async"), Some("enable"));
    assert_eq!(
        (recorded[4].method.as_str(), recorded[4].path.clone()),
        ("GET", format!("/api/v1/tasks/{id}"))
    );
}

#[test]
fn scripts_shape_the_end() {
    let emulator = Emulator::start();
    emulator.set_video_script(VideoScript {
        pending_polls: 0,
        running_polls: 0,
        results_variant: true,
        ..VideoScript::default()
    });
    let i2v = json!({"model": "wan2.6-i2v", "input": {"img_url": "https://a/1.png"}, "parameters": {"resolution": "1080P"}});
    let id = task(&emulator, &i2v);
    let done = poll(&emulator, &id).json();
    assert_eq!(done["output"]["task_status"], "SUCCEEDED", "{done}");
    assert!(done["output"].get("video_url").is_none(), "{done}");
    let url = format!("{}/files/{id}.mp4", emulator.native_base_url());
    assert_eq!(done["output"]["results"], json!([{"video_url": url}]));
    assert_eq!(
        done["usage"],
        json!({"duration": 5, "video_count": 1, "SR": 1080})
    );

    emulator.set_video_script(VideoScript {
        pending_polls: 2,
        running_polls: 0,
        end: VideoEnd::Fail {
            code: "InternalError.Algo".into(),
            message: "the model failed".into(),
        },
        ..VideoScript::default()
    });
    let failing = task(&emulator, &t2v());
    assert_eq!(output(&emulator, &failing)["task_status"], "PENDING");
    assert_eq!(output(&emulator, &failing)["task_status"], "PENDING");
    let failed = poll(&emulator, &failing).json();
    assert_eq!(failed["output"]["task_status"], "FAILED", "{failed}");
    assert_eq!(failed["output"]["code"], "InternalError.Algo");
    assert_eq!(failed["output"]["message"], "the model failed");
    assert!(failed.get("usage").is_none() && failed["output"].get("video_url").is_none());
    // The first task kept its script.
    assert!(poll(&emulator, &id).json()["output"]["results"].is_array());
}

#[test]
fn unknown_tasks_are_unknown() {
    let emulator = Emulator::start();
    let reply = poll(&emulator, "no-such-task");
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(
        body["output"],
        json!({"task_id": "no-such-task", "task_status": "UNKNOWN"})
    );
    assert!(body["request_id"].is_string());
}

#[test]
fn cancel_only_while_pending() {
    let emulator = Emulator::start();
    let id = task(&emulator, &t2v());
    assert_eq!(output(&emulator, &id)["task_status"], "PENDING");
    let reply = cancel(&emulator, &id);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.json()["request_id"].is_string());
    let canceled = output(&emulator, &id);
    assert_eq!(canceled["task_status"], "CANCELED", "{canceled}");
    assert!(canceled["end_time"].is_string());
    assert_eq!(output(&emulator, &id)["task_status"], "CANCELED");
    assert_eq!(emulator.video_tasks()[0].status, "CANCELED");
    let refused = "Failed to cancel the task, please confirm if the task is in PENDING status.";
    assert_flat(
        &cancel(&emulator, &id),
        400,
        "UnsupportedOperation",
        refused,
    );

    let running = task(&emulator, &t2v());
    output(&emulator, &running);
    assert_eq!(output(&emulator, &running)["task_status"], "RUNNING");
    assert_flat(
        &cancel(&emulator, &running),
        400,
        "UnsupportedOperation",
        refused,
    );
    assert_eq!(output(&emulator, &running)["task_status"], "SUCCEEDED");

    let reply = cancel(&emulator, "no-such-task");
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["code"], "NotFound");
}

#[test]
fn at_most_twenty_task_requests_a_second() {
    let emulator = Emulator::start();
    let id = task(&emulator, &t2v());
    for _ in 0..10 {
        assert_eq!(cancel(&emulator, "no-such-task").status, 404);
    }
    for _ in 0..10 {
        assert_eq!(poll(&emulator, &id).status, 200);
    }
    task(&emulator, &t2v());
    let reply = poll(&emulator, &id);
    assert_eq!(reply.status, 429, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["error"]["code"], "Throttling.RateQuota", "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("Requests rate limit exceeded"),
        "{message}"
    );
    assert_eq!(cancel(&emulator, &id).status, 429);
}

#[test]
fn faults_hit_creates_and_polls() {
    let emulator = Emulator::start();
    let id = task(&emulator, &t2v());
    emulator.push_fault(Fault::ServerError);
    emulator.push_fault(Fault::RateLimit {
        retry_after_secs: Some(3),
    });
    emulator.push_fault(Fault::ResetBeforeHeaders);
    emulator.push_fault(Fault::ResetMidStream { after_chunks: 0 });
    emulator.push_fault(Fault::Status {
        status: 502,
        body: "{}".into(),
    });
    // Refused before the fault queue: no fault is used up.
    assert_eq!(create_with(&emulator, None, true, &t2v()).status, 401);
    assert_eq!(create(&emulator, &t2v()).status, 500);
    let reply = poll(&emulator, &id);
    assert_eq!(
        (reply.status, reply.header("retry-after")),
        (429, Some("3"))
    );
    let reply = poll(&emulator, &id);
    assert!(reply.reads.is_empty() && reply.status == 0);
    let reply = poll(&emulator, &id);
    assert_eq!(reply.status, 200);
    assert!(reply.reset && !reply.complete);
    assert_eq!(cancel(&emulator, &id).status, 502);
    // Only the cut poll advanced the task (to its one PENDING poll): RUNNING now.
    assert_eq!(output(&emulator, &id)["task_status"], "RUNNING");
    assert_eq!(emulator.video_tasks().len(), 1);
}

#[test]
fn the_video_file_is_a_small_mp4() {
    let emulator = Emulator::start();
    emulator.set_video_script(VideoScript {
        pending_polls: 0,
        running_polls: 0,
        ..VideoScript::default()
    });
    let id = task(&emulator, &t2v());
    let path = format!("/files/{id}.mp4");
    let reply = send(&emulator, "GET", &path, &[], b"");
    assert_eq!(reply.status, 404, "not SUCCEEDED yet");
    let url = output(&emulator, &id)["video_url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(url.ends_with(&path), "{url}");
    let reply = send(&emulator, "GET", &path, &[], b"");
    assert_eq!(reply.status, 200);
    assert!(reply.complete);
    assert_eq!(reply.header("content-type"), Some("video/mp4"));
    assert_eq!(reply.header("content-length"), Some("1024"));
    assert_eq!(reply.body.len(), 1024);
    assert_eq!(&reply.body[..24], b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom");
    assert_eq!(&reply.body[24..32], b"\0\0\x03\xe8mdat");
    assert_eq!(
        send(&emulator, "GET", "/files/nope.mp4", &[], b"").status,
        404
    );
}

#[test]
fn large_files_and_wrong_content_types() {
    let emulator = Emulator::start();
    let bytes = 3 * 1024 * 1024 + 5;
    emulator.set_video_script(VideoScript {
        pending_polls: 0,
        running_polls: 0,
        file_bytes: bytes,
        content_type: "text/html".into(),
        ..VideoScript::default()
    });
    let id = task(&emulator, &t2v());
    output(&emulator, &id);
    let reply = send(&emulator, "GET", &format!("/files/{id}.mp4"), &[], b"");
    assert_eq!(reply.header("content-type"), Some("text/html"));
    assert_eq!(
        reply.header("content-length"),
        Some(bytes.to_string().as_str())
    );
    assert_eq!(reply.body.len(), bytes);
    assert!(reply.complete);
    assert_eq!(&reply.body[4..8], b"ftyp");
    for at in [32, 65_535, 65_536, 65_537, 200_000, bytes - 1] {
        assert_eq!(reply.body[at], (at % 251) as u8, "byte {at}");
    }
    assert!(reply.reads.len() > 1, "streamed in pieces");
}

#[test]
fn a_file_redirect_answers_instead_of_the_file() {
    let emulator = Emulator::start();
    emulator.set_video_script(VideoScript {
        pending_polls: 0,
        running_polls: 0,
        file_redirect: Some((302, "http://127.0.0.1:9/v.mp4".into())),
        ..VideoScript::default()
    });
    let id = task(&emulator, &t2v());
    output(&emulator, &id);
    let reply = send(&emulator, "GET", &format!("/files/{id}.mp4"), &[], b"");
    assert_eq!(reply.status, 302);
    assert_eq!(reply.header("location"), Some("http://127.0.0.1:9/v.mp4"));
}
