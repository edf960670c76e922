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
            "qwen/wan2.6-i2v accepts --resolution 720P or 1080P; `4K` is not one of them",
        ),
        (
            vec!["-m", "qwen/wan2.6-t2v", "--prompt", "p", "--size", "big"],
            "qwen/wan2.6-t2v accepts --size 1280*720, 720*1280,",
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

/// The parameters a model accepts are catalog data, checked before the paid request: a
/// value outside the model's list, or a parameter the model does not take, is refused (exit
/// 2) naming the model and what it accepts, and nothing reaches the server.
#[test]
fn video_parameters_outside_the_catalog_are_refused_before_the_request() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let t2v = |extra: &[&'static str]| {
        let mut args = vec!["-m", "qwen/wan2.6-t2v", "--prompt", "p"];
        args.extend_from_slice(extra);
        args
    };
    let r27 = |extra: &[&'static str]| {
        let mut args = vec![
            "-m",
            "qwen/wan2.7-r2v",
            "--prompt",
            "p",
            "--reference",
            "https://x.example/a.png",
        ];
        args.extend_from_slice(extra);
        args
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            t2v(&["--duration", "100"]),
            "qwen/wan2.6-t2v accepts 5, 10 or 15 seconds (--duration); 100 is not one of them",
        ),
        (t2v(&["--duration", "7"]), "accepts 5, 10 or 15 seconds"),
        (
            t2v(&["--size", "99999*1"]),
            "qwen/wan2.6-t2v accepts --size 1280*720, 720*1280, 960*960, 1088*832, 832*1088, 1920*1080, 1080*1920, 1440*1440, 1632*1248 or 1248*1632; `99999*1` is not one of them",
        ),
        (
            t2v(&["--resolution", "720P"]),
            "qwen/wan2.6-t2v takes no --resolution; it takes --size 1280*720,",
        ),
        (
            t2v(&["--ratio", "16:9"]),
            "qwen/wan2.6-t2v takes no --ratio",
        ),
        (
            r27(&["--duration", "16"]),
            "qwen/wan2.7-r2v accepts 2 to 15 seconds (--duration); 16 is not one of them",
        ),
        (
            r27(&["--size", "1280*720"]),
            "qwen/wan2.7-r2v takes no --size; it takes --resolution 720P or 1080P",
        ),
        (
            vec![
                "-m",
                "qwen/wan2.6-r2v",
                "--prompt",
                "p",
                "--reference",
                "https://x.example/a.png",
                "--duration",
                "15",
            ],
            "qwen/wan2.6-r2v accepts 5 or 10 seconds",
        ),
    ];
    for (args, message) in cases {
        let mut all = args.clone();
        all.push("--no-wait");
        let out = generate(home.path(), &all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_stderr_has(&out, message);
    }
    assert!(
        emulator.requests().is_empty(),
        "no request reached the server"
    );
    // Before any onboarding too: the parameter just typed is what is reported, not the
    // missing auth choice (which comes once the parameters are right).
    let fresh = tempfile::tempdir().unwrap();
    let out = generate(fresh.path(), &t2v(&["--duration", "100"]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(
        &out,
        "qwen/wan2.6-t2v accepts 5, 10 or 15 seconds (--duration)",
    );
    let out = generate(fresh.path(), &t2v(&["--duration", "10"]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(&out, "error[missing-auth-choice]");
    // Values inside the lists go through, at both ends of a range.
    for args in [
        t2v(&["--size", "1080*1920", "--duration", "15"]),
        r27(&["--resolution", "720P", "--duration", "2"]),
        r27(&["--resolution", "1080P", "--duration", "15"]),
    ] {
        let mut all = args.clone();
        all.push("--no-wait");
        let out = generate(home.path(), &all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
}

/// The emulator refuses what the real service refuses, with the catalog's lists: its
/// parameter table is the catalog's, model by model.
#[test]
fn the_emulator_takes_the_video_parameters_of_the_catalog() {
    for id in provcat_emulator::VIDEO_MODELS {
        let ours = provcat_emulator::parameters_of(id).unwrap();
        let found = provcat::catalog::lookup_model(&format!("qwen/{id}")).unwrap();
        let spec = found.model.video.as_ref().unwrap();
        assert_eq!(ours.sizes, spec.sizes, "{id}: sizes");
        assert_eq!(ours.resolutions, spec.resolutions, "{id}: resolutions");
        assert_eq!(ours.ratios, spec.ratios, "{id}: ratios");
        assert_eq!(ours.durations, spec.durations, "{id}: durations");
        assert_eq!(
            ours.duration_range,
            spec.duration_range.map(|r| (r.min, r.max)),
            "{id}: duration_range"
        );
    }
}
