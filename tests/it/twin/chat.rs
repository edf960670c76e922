//! The twin chats like qwen: streams, thinking, non-streaming calls, and every advice
//! message — a key of the other plan both ways, a model not on the plan, a plan
//! restricted to some uses, quota, billing, rate limits, moderation, an unknown model.

use provcat_emulator::Fault;

use super::{CODING_KEY, KEY, Scenario, Servers};

const STANDARD: &str = "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\nbaseUrl = \"STANDARD_BASE\"\n";
const CODING: &str =
    "[models.providers.qwen]\nauthChoice = \"qwen-api-key-cn\"\nbaseUrl = \"CODING_BASE\"\n";

fn chat(servers: &Servers, config: &str, key: &str, args: &[&str]) {
    let mut all = vec!["chat"];
    all.extend_from_slice(args);
    Scenario {
        config: Some(config),
        env: &[("QWEN_API_KEY", key)],
        args: &all,
        stdin: None,
    }
    .assert_same_on(servers);
}

#[test]
fn streams_thinking_and_whole_answers_are_the_same() {
    let servers = Servers::start(|_| true);
    for args in [
        &["-m", "qwen/glm-5", "hello", "world"][..],
        &["-m", "modelstudio/glm-5", "--json", "hello"],
        &["-m", "qwen/qwen3.5-plus", "why"],
        &["-m", "qwen/qwen3.5-plus", "--thinking", "--json", "why"],
        &["-m", "qwen/qwen3.5-plus", "--no-stream", "--json", "hi"],
        &["-m", "qwen/qwen3.5-plus", "--no-stream", "--thinking", "hi"],
        &["-m", "qwen/glm-5", "--thinking", "hi"],
        &[
            "-m",
            "qwen/glm-5",
            "--image",
            "https://example.com/a.jpg",
            "hi",
        ],
        &[
            "-m",
            "qwen/kimi-k2.5",
            "--image",
            "https://example.com/a.jpg",
            "hi",
        ],
    ] {
        chat(&servers, STANDARD, KEY, args);
    }
    chat(
        &servers,
        CODING,
        CODING_KEY,
        &["-m", "qwen/glm-5", "--max-tokens", "2", "hi"],
    );
}

#[test]
fn every_advice_message_is_the_same() {
    let servers = Servers::start(|id| id != "glm-4.7");
    // A key of the other plan, both ways.
    chat(&servers, STANDARD, CODING_KEY, &["-m", "qwen/glm-5", "hi"]);
    chat(&servers, CODING, KEY, &["-m", "qwen/glm-5", "hi"]);
    chat(
        &servers,
        STANDARD,
        "sk-bad0123456789abcdef",
        &["-m", "qwen/glm-5", "hi"],
    );
    // A model the plan may reject, which it does.
    chat(
        &servers,
        CODING,
        CODING_KEY,
        &["-m", "qwen/qwen3.6-plus", "hi"],
    );
    // A model the server does not know: suggestions from the provider's own models.
    chat(
        &servers,
        STANDARD,
        KEY,
        &["-m", "qwen/glm-4.7", "--json", "hi"],
    );
    chat(&servers, STANDARD, KEY, &["-m", "qwen/glm-4.7", "hi"]);
    let faults = [
        (CODING, CODING_KEY, Fault::CodingAgentsOnly),
        (STANDARD, KEY, Fault::Quota),
        (STANDARD, KEY, Fault::Arrearage),
        (
            STANDARD,
            KEY,
            Fault::RateLimit {
                retry_after_secs: None,
            },
        ),
        (STANDARD, KEY, Fault::ErrorFrame { after_chunks: 1 }),
        (STANDARD, KEY, Fault::MissingDone),
    ];
    for (config, key, fault) in faults {
        for json in [false, true] {
            servers.push_fault(fault.clone());
            let mut args = vec!["--retries", "0", "-m", "qwen/glm-5"];
            if json {
                args.push("--json");
            }
            args.push("hello there");
            chat(&servers, config, key, &args);
        }
    }
}
