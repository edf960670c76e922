//! Profiles: a twin provider answers exactly as DashScope does under its own paths and key
//! prefixes; the longest key prefix wins; surfaces move with the root; bad configs are
//! refused; requests record their surface.

use provcat_emulator::{
    ConfigError, Emulator, EmulatorConfig, Fault, Profile, StartError, Surface, SurfaceModel,
};
use serde_json::{Value, json};

use crate::client::{Reply, exchange, request, request_with};

/// DashScope in every respect but its names.
fn twin() -> EmulatorConfig {
    EmulatorConfig {
        profile: Profile {
            standard_base: "/twin-mode/v1".into(),
            coding_base: "/twin/v1".into(),
            native_root: "/twin-native".into(),
            standard_key_prefix: "tk-".into(),
            coding_key_prefix: "tk-cp-".into(),
            ..Profile::dashscope()
        },
        ..EmulatorConfig::default()
    }
}

/// Which path of a profile.
#[derive(Clone, Copy, Debug)]
enum Host {
    Standard,
    Coding,
    Video,
}

/// Which key of a profile: a suffix after the Standard or Coding prefix, or a literal.
#[derive(Clone, Copy, Debug)]
enum Key {
    None,
    Standard(&'static str),
    Coding(&'static str),
    Literal(&'static str),
}

/// Sends one request to `emulator` as its profile names things.
fn send(emulator: &Emulator, host: Host, key: Key, body: &Value) -> Reply {
    let profile = &emulator.config().profile;
    let key = match key {
        Key::None => None,
        Key::Standard(rest) => Some(format!("{}{rest}", profile.standard_key_prefix)),
        Key::Coding(rest) => Some(format!("{}{rest}", profile.coding_key_prefix)),
        Key::Literal(key) => Some(key.to_owned()),
    };
    let path = match host {
        Host::Standard => format!("{}/chat/completions", profile.standard_base),
        Host::Coding => format!("{}/chat/completions", profile.coding_base),
        Host::Video => format!(
            "{}/api/v1/services/aigc/video-generation/video-synthesis",
            profile.native_root
        ),
    };
    let auth = key.map(|k| format!("Bearer {k}"));
    let mut headers = vec![("X-DashScope-Async", "enable")];
    if let Some(auth) = &auth {
        headers.push(("Authorization", auth));
    }
    let raw = request_with(&path, &headers, body.to_string().as_bytes());
    exchange(emulator.addr(), &raw)
}

#[test]
fn a_twin_profile_answers_exactly_as_dashscope_does() {
    let stream = |model: &str| {
        json!({"model": model, "stream": true, "stream_options": {"include_usage": true},
               "messages": [{"role": "user", "content": "hi"}]})
    };
    let plain = json!({"model": "qwen3.5-plus", "messages": [{"role": "user", "content": "hi"}]});
    let t2v = json!({"model": "wan2.6-t2v", "input": {"prompt": "a cat"}});
    let scenarios: Vec<(Host, Key, Value, u16)> = vec![
        (
            Host::Standard,
            Key::Standard("abc"),
            stream("qwen3.5-plus"),
            200,
        ),
        (Host::Standard, Key::None, stream("glm-5"), 401),
        (Host::Standard, Key::Literal(""), stream("glm-5"), 401),
        (Host::Standard, Key::Standard("bad"), stream("glm-5"), 401),
        (
            Host::Standard,
            Key::Literal("zz-other-provider"),
            stream("glm-5"),
            401,
        ),
        (Host::Standard, Key::Coding("abc"), stream("glm-5"), 403),
        (Host::Coding, Key::Standard("abc"), stream("glm-5"), 401),
        (
            Host::Coding,
            Key::Coding("abc"),
            stream("qwen3.6-plus"),
            400,
        ),
        (Host::Coding, Key::Coding("abc"), stream("kimi-k2.5"), 200),
        (
            Host::Coding,
            Key::Literal("zz-other-provider"),
            stream("glm-5"),
            401,
        ),
        (Host::Standard, Key::Standard("abc"), plain.clone(), 400),
        (
            Host::Standard,
            Key::Standard("abc"),
            stream("qwen-nope"),
            404,
        ),
        (Host::Video, Key::Coding("abc"), t2v.clone(), 403),
        (
            Host::Video,
            Key::Literal("zz-other-provider"),
            t2v.clone(),
            401,
        ),
        (
            Host::Video,
            Key::Standard("abc"),
            json!({"model": "nope"}),
            400,
        ),
    ];
    let dashscope = Emulator::start();
    let twin = Emulator::start_with(twin());
    for (host, key, body, status) in scenarios {
        let expected = send(&dashscope, host, key, &body);
        let got = send(&twin, host, key, &body);
        let scenario = format!("{host:?} {key:?} {body}");
        assert_eq!(expected.status, status, "{scenario}: {}", expected.text());
        assert_eq!(got.status, expected.status, "{scenario}");
        assert_eq!(got.header("content-type"), expected.header("content-type"));
        // Request ids count requests, so identical sequences give identical bodies.
        assert_eq!(got.text(), expected.text(), "{scenario}");
    }
    // Faults behave alike too.
    for emulator in [&dashscope, &twin] {
        emulator.push_fault(Fault::RateLimit {
            retry_after_secs: Some(4),
        });
    }
    let body = stream("glm-5");
    let expected = send(&dashscope, Host::Standard, Key::Standard("x"), &body);
    let got = send(&twin, Host::Standard, Key::Standard("x"), &body);
    assert_eq!((got.status, got.text()), (expected.status, expected.text()));
    assert_eq!(got.header("retry-after"), Some("4"));
}

#[test]
fn a_twin_serves_video_under_its_root() {
    let twin = Emulator::start_with(twin());
    assert!(twin.native_base_url().ends_with("/twin-native"));
    let t2v = json!({"model": "wan2.6-t2v", "input": {"prompt": "a cat"}});
    let reply = send(&twin, Host::Video, Key::Standard("abc"), &t2v);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let id = reply.json()["output"]["task_id"]
        .as_str()
        .expect("a task id")
        .to_owned();
    let poll = |path: &str| {
        let raw = format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tk-abc\r\nConnection: close\r\n\r\n"
        );
        exchange(twin.addr(), raw.as_bytes())
    };
    let mut last = Value::Null;
    for _ in 0..3 {
        last = poll(&format!("/twin-native/api/v1/tasks/{id}")).json();
    }
    assert_eq!(last["output"]["task_status"], "SUCCEEDED", "{last}");
    let url = last["output"]["video_url"].as_str().expect("a video url");
    assert_eq!(url, format!("{}/files/{id}.mp4", twin.native_base_url()));
    let path = url.trim_start_matches(&format!("http://{}", twin.addr()));
    let file = poll(path);
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("video/mp4"));
    // The default root serves nothing on the twin.
    assert_eq!(poll(&format!("/api/v1/tasks/{id}")).status, 404);
}

#[test]
fn default_names_do_not_reach_a_twin() {
    let twin = Emulator::start_with(twin());
    let body =
        json!({"model": "glm-5", "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let post = |path: &str, key: &str| {
        let raw = request(path, Some(key), body.to_string().as_bytes());
        exchange(twin.addr(), &raw)
    };
    assert_eq!(
        post("/compatible-mode/v1/chat/completions", "tk-1").status,
        404
    );
    assert_eq!(post("/v1/chat/completions", "tk-cp-1").status, 404);
    let reply = post("/twin-mode/v1/chat/completions", "sk-1");
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"]["code"], "invalid_api_key");
    assert_eq!(post("/twin-mode/v1/chat/completions", "tk-1").status, 200);
    assert!(twin.standard_base_url().ends_with("/twin-mode/v1"));
    assert!(twin.coding_base_url().ends_with("/twin/v1"));
    assert!(
        twin.anthropic_base_url()
            .ends_with("/twin-native/anthropic")
    );
    assert!(twin.openai_base_url().ends_with("/twin-native/openai/v1"));
}

#[test]
fn the_longest_key_prefix_decides_the_plan() {
    let config = EmulatorConfig {
        profile: Profile {
            standard_key_prefix: "ab-cd-".into(),
            coding_key_prefix: "ab-".into(),
            ..Profile::dashscope()
        },
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start_with(config);
    let body =
        json!({"model": "glm-5", "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let status =
        |host: Host, key: &'static str| send(&emulator, host, Key::Literal(key), &body).status;
    assert_eq!(status(Host::Standard, "ab-cd-1"), 200);
    assert_eq!(status(Host::Coding, "ab-1"), 200);
    assert_eq!(status(Host::Standard, "ab-1"), 403);
    assert_eq!(status(Host::Coding, "ab-cd-1"), 401);
    assert_eq!(status(Host::Standard, "sk-1"), 401);
}

#[test]
fn surfaces_move_and_take_their_own_models() {
    let mut config = EmulatorConfig::default();
    config.profile.native_root = "/gateway".into();
    config.anthropic.path = "/apps/anthropic".into();
    config.anthropic.key_prefix = "sk-".into();
    config.anthropic.models = vec![SurfaceModel::new("vendor/model:beta", true, false)];
    config.openai.path = "/api/v1".into();
    config.openai.key_prefix = "or-".into();
    config.openai.models = vec![SurfaceModel::new("z/y:x", false, false)];
    let emulator = Emulator::start_with(config);
    assert_eq!(
        emulator.anthropic_base_url(),
        format!("http://{}/gateway/apps/anthropic", emulator.addr())
    );
    let body = json!({"model": "vendor/model:beta", "max_tokens": 2000, "stream": true,
                      "thinking": {"type": "enabled", "budget_tokens": 1024},
                      "messages": [{"role": "user", "content": "hi"}]});
    let headers = [
        ("x-api-key", "sk-sp-1"),
        ("anthropic-version", "2023-06-01"),
    ];
    let raw = request_with(
        "/gateway/apps/anthropic/v1/messages",
        &headers,
        body.to_string().as_bytes(),
    );
    let reply = exchange(emulator.addr(), &raw);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.text().contains("thinking_delta"));

    let body = json!({"model": "z/y:x", "messages": [{"role": "user", "content": "hi"}]});
    let raw = request(
        "/gateway/api/v1/chat/completions",
        Some("or-1"),
        body.to_string().as_bytes(),
    );
    let reply = exchange(emulator.addr(), &raw);
    assert_eq!(reply.json()["model"], "z/y:x", "{}", reply.text());
    let body = json!({"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]});
    let raw = request(
        "/gateway/api/v1/chat/completions",
        Some("or-1"),
        body.to_string().as_bytes(),
    );
    assert_eq!(exchange(emulator.addr(), &raw).status, 404);
    // The old places serve nothing, in the shape of whatever is there.
    let raw = request("/anthropic/v1/messages", Some("or-1"), b"{}");
    assert_eq!(exchange(emulator.addr(), &raw).json()["code"], "NotFound");
}

#[test]
fn bad_configs_are_refused() {
    let mut config = EmulatorConfig::default();
    config.anthropic.path = "anthropic".into();
    match Emulator::try_start_with(config) {
        Err(StartError::Config(ConfigError::BadPath { field, .. })) => {
            assert_eq!(field, "anthropic.path");
        }
        Err(other) => panic!("unexpected error: {other}"),
        Ok(_) => panic!("a relative path was accepted"),
    }
    let mut config = EmulatorConfig::default();
    config.profile.standard_base = "/openai/v1".into();
    let err = Emulator::try_start_with(config).err().expect("a clash");
    assert!(
        err.to_string()
            .contains("both serve `POST /openai/v1/chat/completions`"),
        "{err}"
    );
    let mut config = EmulatorConfig::default();
    config
        .openai
        .models
        .push(SurfaceModel::new("", false, false));
    assert!(matches!(
        Emulator::try_start_with(config),
        Err(StartError::Config(ConfigError::EmptyModelId { .. }))
    ));
}

#[test]
fn requests_record_their_surface() {
    let emulator = Emulator::start();
    let chat = json!({"model": "glm-5", "messages": [{"role": "user", "content": "hi"}]});
    for (path, surface) in [
        ("/compatible-mode/v1/chat/completions", Surface::Standard),
        ("/v1/chat/completions", Surface::Coding),
        ("/api/v1/tasks/x/cancel", Surface::Native),
        ("/anthropic/v1/messages", Surface::Anthropic),
        ("/anthropic/v1/models", Surface::Anthropic),
        ("/openai/v1/chat/completions", Surface::OpenAi),
        ("/openai/v1/embeddings", Surface::OpenAi),
        ("/openai/v10", Surface::Unrouted),
        ("/elsewhere", Surface::Unrouted),
    ] {
        let raw = request(path, Some("sk-1"), chat.to_string().as_bytes());
        exchange(emulator.addr(), &raw);
        let recorded = emulator.requests().pop().expect("a request");
        assert_eq!((recorded.path.as_str(), recorded.surface), (path, surface));
    }
    let raw = request("/anthropic/v1/models", None, b"");
    let reply = exchange(emulator.addr(), &raw);
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error"]["type"], "not_found_error");
    let raw = request("/openai/v1/embeddings", None, b"");
    let reply = exchange(emulator.addr(), &raw);
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error"]["type"], "invalid_request_error");
}
