//! Video requests: each mode's body (and the `alibaba/…` aliases), every media rule and
//! local path refused before any request, the plan that serves no video refused with
//! advice.

use provcat_emulator::Emulator;
use serde_json::{Value, json};

use super::{generate, home_for, video};
use crate::support::{assert_stderr_has, json_of, stderr};

#[test]
fn each_mode_sends_the_body_it_expects_and_aliases_behave_alike() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let cases: Vec<(Vec<&str>, Value)> = vec![
        (
            vec![
                "-m",
                "qwen/wan2.6-t2v",
                "--prompt",
                "a cat",
                "--size",
                "1280*720",
                "--duration",
                "5",
                "--seed",
                "7",
            ],
            json!({"model": "wan2.6-t2v", "input": {"prompt": "a cat"}, "parameters": {"size": "1280*720", "duration": 5, "seed": 7}}),
        ),
        (
            vec![
                "-m",
                "alibaba/wan2.6-i2v",
                "--prompt",
                "move",
                "--image",
                "https://x.example/a.png",
                "--resolution",
                "1080P",
            ],
            json!({"model": "wan2.6-i2v", "input": {"prompt": "move", "img_url": "https://x.example/a.png"}, "parameters": {"resolution": "1080P"}}),
        ),
        (
            vec![
                "-m",
                "qwen/wan2.6-r2v",
                "--prompt",
                "character1 waves",
                "--reference",
                "https://x.example/a.png",
                "--reference",
                "https://x.example/b.mp4",
            ],
            json!({"model": "wan2.6-r2v", "input": {"prompt": "character1 waves", "reference_urls": ["https://x.example/a.png", "https://x.example/b.mp4"]}, "parameters": {}}),
        ),
        (
            vec![
                "-m",
                "alibaba/wan2.6-r2v-flash",
                "--prompt",
                "p",
                "--reference",
                "https://x.example/a.png",
            ],
            json!({"model": "wan2.6-r2v-flash", "input": {"prompt": "p", "reference_urls": ["https://x.example/a.png"]}, "parameters": {}}),
        ),
        (
            vec![
                "-m",
                "qwen/wan2.7-r2v",
                "--prompt",
                "p",
                "--reference",
                "https://x.example/a.jpg",
                "--reference",
                "https://x.example/b.mov",
                "--ratio",
                "9:16",
            ],
            json!({"model": "wan2.7-r2v", "input": {"prompt": "p", "media": [{"type": "reference_image", "url": "https://x.example/a.jpg"}, {"type": "reference_video", "url": "https://x.example/b.mov"}]}, "parameters": {"ratio": "9:16"}}),
        ),
    ];
    for (args, expected) in cases {
        let mut all = args.clone();
        all.push("--no-wait");
        let out = generate(home.path(), &all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let created = emulator
            .requests()
            .into_iter()
            .rev()
            .find(|r| r.path.ends_with("/video-synthesis"))
            .unwrap();
        assert_eq!(created.body, expected, "{args:?}");
        assert_eq!(created.header("x-dashscope-async"), Some("enable"));
        assert_eq!(
            created.path,
            "/api/v1/services/aigc/video-generation/video-synthesis"
        );
    }
    // The same request under both prefixes is the same request.
    let a = generate(
        home.path(),
        &[
            "-m",
            "qwen/wan2.6-t2v",
            "--prompt",
            "same",
            "--no-wait",
            "--json",
        ],
    );
    let b = generate(
        home.path(),
        &[
            "-m",
            "alibaba/wan2.6-t2v",
            "--prompt",
            "same",
            "--no-wait",
            "--json",
        ],
    );
    let bodies: Vec<Value> = emulator
        .requests()
        .into_iter()
        .rev()
        .take(2)
        .map(|r| r.body)
        .collect();
    assert_eq!(bodies[0], bodies[1]);
    for out in [a, b] {
        let json = json_of(&out);
        assert_eq!(json["status"], "PENDING");
        assert!(json["task_id"].as_str().is_some_and(|t| !t.is_empty()));
    }
}

#[test]
fn every_media_rule_and_local_path_is_refused_before_any_request() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key-cn");
    let local = home.path().join("face.png");
    std::fs::write(&local, b"png").unwrap();
    let local = local.to_str().unwrap();
    let five = [
        "https://x.example/1.png",
        "https://x.example/2.png",
        "https://x.example/3.png",
        "https://x.example/4.png",
        "https://x.example/5.png",
    ];
    let mut six = vec!["-m", "qwen/wan2.6-r2v", "--prompt", "p"];
    for url in five.iter().chain(["https://x.example/6.png"].iter()) {
        six.extend(["--reference", url]);
    }
    let four_videos = vec![
        "-m",
        "qwen/wan2.6-r2v",
        "--prompt",
        "p",
        "--reference",
        "https://x.example/1.mp4",
        "--reference",
        "https://x.example/2.mp4",
        "--reference",
        "https://x.example/3.mp4",
        "--reference",
        "https://x.example/4.mp4",
    ];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "-m",
                "qwen/wan2.6-t2v",
                "--prompt",
                "p",
                "--image",
                "https://x.example/a.png",
            ],
            "takes no image",
        ),
        (
            vec!["-m", "qwen/wan2.6-i2v", "--prompt", "p"],
            "exactly one image",
        ),
        (
            vec!["-m", "qwen/wan2.6-i2v", "--prompt", "p", "--image", local],
            "does not accept local-buffer reference assets",
        ),
        (
            vec!["-m", "qwen/wan2.6-r2v", "--prompt", "p"],
            "1 to 5 references",
        ),
        (six, "6 given"),
        (four_videos, "at most 3 video references"),
        (
            vec![
                "-m",
                "qwen/wan2.6-r2v",
                "--prompt",
                "p",
                "--reference",
                local,
            ],
            "remote http(s) URLs",
        ),
        (
            vec![
                "-m",
                "alibaba/wan2.7-r2v",
                "--prompt",
                "p",
                "--reference",
                "./clip.mp4",
            ],
            "local files are rejected before upload",
        ),
        (
            vec![
                "-m",
                "qwen/wan2.7-r2v",
                "--prompt",
                "p",
                "--reference",
                "https://x.example/a.png",
                "--ratio",
                "2:1",
            ],
            "is not one of",
        ),
        (
            vec![
                "-m",
                "qwen/wan2.6-i2v",
                "--prompt",
                "p",
                "--image",
                "https://x.example/a.png",
                "--resolution",
                "4K",
            ],
            "is not one of 720P, 1080P",
        ),
        (
            vec!["-m", "qwen/wan2.6-t2v", "--prompt", "p", "--size", "big"],
            "WIDTH*HEIGHT",
        ),
        (vec!["-m", "qwen/glm-5", "--prompt", "p"], "is a chat model"),
    ];
    for (args, message) in cases {
        let out = generate(home.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    assert!(
        emulator.requests().is_empty(),
        "no request reached the server"
    );
}

#[test]
fn the_coding_plan_is_refused_for_video_with_advice() {
    let emulator = Emulator::start();
    let coding = home_for(&emulator, "qwen-api-key-cn");
    let out = generate(coding.path(), &["-m", "qwen/wan2.6-t2v", "--prompt", "p"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(&out, "not available on the Coding Plan");
    assert_stderr_has(&out, "--auth-choice qwen-standard-api-key-cn`");

    let standard = home_for(&emulator, "qwen-standard-api-key");
    let out = video(
        standard.path(),
        "sk-sp-coding0123456789",
        &["generate", "--prompt", "p"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(&out, "is a Coding Plan (subscription) key (`sk-sp-`)");
    assert_stderr_has(&out, "--auth-choice qwen-standard-api-key`");
    // Both keys can be kept: the advice does not replace the Coding Plan key.
    assert_stderr_has(
        &out,
        "keep the Coding Plan (subscription) key as ALIBABA_CODING_PLAN_API_KEY, which its plan reads first, rather than replacing it",
    );
    assert!(emulator.requests().is_empty());
}
