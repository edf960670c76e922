//! The cost of a chat call, beside its usage line and in `--json`, against the loopback
//! emulator: priced from the catalog (reasoning tokens at the reasoning price), unknown
//! without a price, and not per token on a subscription plan. The arithmetic (tiers, cache
//! tokens) is unit-tested in `provcat::cost`.

use std::path::Path;

use provcat_emulator::Emulator;
use serde_json::Value;

use crate::support::{Run, emulator_home, json_of, stderr};

const KEY: &str = "sk-test0123456789abcdWXYZ";
const CODING_KEY: &str = "sk-sp-test0123456789WXYZ";
const NATIVE: &str = "compat = { supportsUsageInStreaming = true, supportsDeveloperRole = false, supportsThinkingFlags = true }";

fn chat(home: &Path, key: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["chat"];
    all.extend_from_slice(args);
    Run {
        cwd: home,
        args: &all,
        home,
        env: &[("QWEN_API_KEY", key)],
        stdin: None,
    }
    .output()
}

fn count(usage: &Value, pointer: &str) -> f64 {
    usage.pointer(pointer).and_then(Value::as_u64).unwrap_or(0) as f64
}

#[test]
fn a_priced_model_on_a_pay_as_you_go_plan_has_a_cost() {
    let emulator = Emulator::start();
    let home = emulator_home(&emulator, "qwen-standard-api-key", NATIVE);
    let json = json_of(&chat(
        home.path(),
        KEY,
        &["-m", "qwen/qwen3.5-plus", "--thinking", "--json", "why"],
    ));
    let usage = &json["usage"];
    let reasoning = count(usage, "/completion_tokens_details/reasoning_tokens");
    assert!(reasoning > 0.0, "{usage}");
    // qwen3.5-plus: $0.40 in, $2.40 out, reasoning priced apart at $2.40.
    let input = count(usage, "/prompt_tokens") * 0.4 / 1e6;
    let output = (count(usage, "/completion_tokens") - reasoning) * 2.4 / 1e6;
    let cost = &json["cost"];
    assert!(
        (cost["input"].as_f64().unwrap() - input).abs() < 1e-12,
        "{cost}"
    );
    assert!(
        (cost["output"].as_f64().unwrap() - output).abs() < 1e-12,
        "{cost}"
    );
    assert!(
        (cost["reasoning"].as_f64().unwrap() - reasoning * 2.4 / 1e6).abs() < 1e-12,
        "{cost}"
    );
    assert!(
        (cost["usd"].as_f64().unwrap() - (input + output + reasoning * 2.4 / 1e6)).abs() < 1e-12,
        "{cost}"
    );
    assert_eq!(cost["tier_above"], Value::Null);
    assert!(json.get("cost_unknown").is_none(), "{json}");

    let out = chat(home.path(), KEY, &["-m", "qwen/qwen3.5-plus", "why"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stderr(&out);
    let line = line.lines().find(|l| l.starts_with("tokens: ")).unwrap();
    assert!(line.contains(" · cost $0.0000"), "{line}");
}

#[test]
fn a_model_without_a_price_has_an_unknown_cost() {
    let emulator = Emulator::start();
    let home = emulator_home(&emulator, "qwen-standard-api-key", NATIVE);
    let out = chat(home.path(), KEY, &["-m", "qwen/glm-5", "hello"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(" · cost unknown (the catalog has no price for this model) · "),
        "{}",
        stderr(&out)
    );
    let json = json_of(&chat(
        home.path(),
        KEY,
        &["-m", "qwen/glm-5", "--json", "hi"],
    ));
    assert_eq!(json["cost"], Value::Null);
    assert_eq!(
        json["cost_unknown"],
        "the catalog has no price for this model"
    );
}

#[test]
fn a_subscription_plan_is_not_priced_per_token() {
    let emulator = Emulator::start();
    let home = emulator_home(&emulator, "qwen-api-key", NATIVE);
    let out = chat(home.path(), CODING_KEY, &["-m", "qwen/qwen3.5-plus", "hi"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(" · cost: subscription, not per token · "),
        "{}",
        stderr(&out)
    );
    let json = json_of(&chat(
        home.path(),
        CODING_KEY,
        &["-m", "qwen/qwen3.5-plus", "--json", "hi"],
    ));
    assert_eq!(json["cost"], Value::Null);
    assert!(
        json["cost_unknown"]
            .as_str()
            .unwrap()
            .contains("billed by subscription"),
        "{json}"
    );
}
