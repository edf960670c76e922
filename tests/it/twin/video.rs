//! The twin makes videos like qwen: generate (waiting, or not), status, cancel, and the
//! refusals of a plan that serves no video and of a key of such a plan.

use super::{CODING_KEY, KEY, Scenario, Servers};

const STANDARD: &str = "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key-cn\"\nbaseUrl = \"STANDARD_BASE\"\n";

fn video(servers: &Servers, config: &str, key: &str, args: &[&str]) {
    let mut all = vec!["video"];
    all.extend_from_slice(args);
    Scenario {
        config: Some(config),
        env: &[("DASHSCOPE_API_KEY", key)],
        args: &all,
        stdin: None,
    }
    .assert_same_on(servers);
}

#[test]
fn tasks_are_generated_followed_and_cancelled_the_same() {
    let servers = Servers::start(|_| true);
    let fast = ["--poll-interval", "0.05"];
    // Task 1: waited for, then looked at again.
    video(
        &servers,
        STANDARD,
        KEY,
        &[
            "generate",
            fast[0],
            fast[1],
            "-m",
            "alibaba/wan2.6-t2v",
            "--prompt",
            "a cat",
            "--json",
        ],
    );
    video(&servers, STANDARD, KEY, &["status", "TASK_1", "--json"]);
    video(&servers, STANDARD, KEY, &["status", "TASK_1"]);
    // Task 2: created without waiting, cancelled while pending.
    video(
        &servers,
        STANDARD,
        KEY,
        &[
            "generate",
            "-m",
            "qwen/wan2.7-r2v",
            "--prompt",
            "character1 waves",
            "--reference",
            "https://example.com/a.png",
            "--no-wait",
        ],
    );
    video(&servers, STANDARD, KEY, &["cancel", "TASK_2"]);
    video(&servers, STANDARD, KEY, &["status", "TASK_2", "--json"]);
    // Task 3: waited for, with progress lines.
    video(
        &servers,
        STANDARD,
        KEY,
        &["generate", fast[0], fast[1], "--prompt", "a dog"],
    );
    // Refused before any request: media rules, a plan without video, a key of that plan.
    video(
        &servers,
        STANDARD,
        KEY,
        &[
            "generate",
            "-m",
            "qwen/wan2.6-i2v",
            "--prompt",
            "x",
            "--image",
            "./local.png",
        ],
    );
    let coding =
        "[models.providers.qwen]\nauthChoice = \"qwen-api-key-cn\"\nbaseUrl = \"CODING_BASE\"\n";
    video(&servers, coding, CODING_KEY, &["generate", "--prompt", "x"]);
    video(
        &servers,
        STANDARD,
        CODING_KEY,
        &["generate", "--prompt", "x"],
    );
    video(
        &servers,
        STANDARD,
        CODING_KEY,
        &["generate", "--prompt", "x", "--json"],
    );
    assert_eq!(servers.qwen.video_tasks().len(), 3);
}
