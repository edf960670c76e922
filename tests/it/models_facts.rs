//! The catalog facts in `models list` and `models show` (table and JSON), and the filters
//! and sorts of `models list`.

use serde_json::Value;

use crate::support::{json_of, provcat, root, stderr, stdout};

/// `models list --json` over the `qwen` models (the filters' and sorts' fixture data).
fn list(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["models", "list", "--json", "--provider", "qwen"];
    all.extend(args);
    let out = provcat(&root(), &all);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    json_of(&out).as_array().unwrap().clone()
}

fn refs(models: &[Value]) -> Vec<&str> {
    models.iter().map(|m| m["ref"].as_str().unwrap()).collect()
}

#[test]
fn json_carries_every_fact_with_prices_as_a_cost_object() {
    let models = list(&[]);
    for key in [
        "output",
        "input_limit",
        "cost",
        "tool_call",
        "structured_output",
        "temperature",
        "attachment",
        "open_weights",
        "knowledge",
        "release_date",
        "last_updated",
        "reasoning_controls",
        "lifecycle",
    ] {
        assert!(models.iter().all(|m| m.get(key).is_some()), "missing {key}");
    }
    let m = models
        .iter()
        .find(|m| m["ref"] == "qwen/qwen3.6-plus")
        .unwrap();
    assert_eq!(
        m["cost"],
        serde_json::json!({
            "input": 0.5, "output": 3.0, "cache_read": 0.05, "cache_write": 0.625,
            "reasoning": null, "input_audio": null, "output_audio": null,
            "tiers": [{"above": 256000, "input": 2.0, "output": 6.0, "cache_read": 0.2,
                       "cache_write": 2.5, "reasoning": null}]
        })
    );
    assert_eq!(m["tool_call"], true);
    assert_eq!(m["release_date"], "2026-04-02");
    assert_eq!(m["reasoning_controls"]["toggle"], true);
    assert_eq!(m["output"], serde_json::json!(["text"]));
    assert_eq!(
        m["lifecycle"],
        serde_json::json!({"status": "active", "replacement": null, "date": null, "reason": null})
    );
    // Availability names the regions each plan serves the model in.
    assert_eq!(
        m["availability"]["standard"]["regions"],
        serde_json::json!(["cn", "global", "us"])
    );
    let unpriced = models.iter().find(|m| m["ref"] == "qwen/glm-5").unwrap();
    assert_eq!(unpriced["cost"], Value::Null);
    let video = models
        .iter()
        .find(|m| m["ref"] == "qwen/wan2.6-t2v")
        .unwrap();
    assert_eq!(video["output"], serde_json::json!(["video"]));
    // `show --json` carries the same facts.
    let out = provcat(&root(), &["models", "show", "qwen/qwen3.6-plus", "--json"]);
    let shown = json_of(&out);
    assert_eq!(shown["cost"], m["cost"]);
    assert_eq!(shown["knowledge"], "2025-04");
}

#[test]
fn show_lists_prices_tiers_and_capabilities() {
    let out = provcat(&root(), &["models", "show", "qwen/qwen3.5-plus"]);
    let text = stdout(&out);
    for line in [
        "tool calls         yes",
        "structured output  not stated",
        "thinking control   on/off per request",
        "price (USD/M)      input $0.40, output $2.40, reasoning $2.40",
        "released           2026-02-16",
        "plan standard      available",
    ] {
        assert!(text.contains(line), "no `{line}` in:\n{text}");
    }
    let unpriced = stdout(&provcat(&root(), &["models", "show", "qwen/glm-5"]));
    assert!(
        unpriced.contains("price              not stated in the catalog"),
        "{unpriced}"
    );
}

#[test]
fn filters_keep_only_models_that_state_the_fact() {
    assert_eq!(
        refs(&list(&["--input", "image", "--kind", "chat"])),
        ["qwen/kimi-k2.5", "qwen/qwen3.5-plus", "qwen/qwen3.6-plus"]
    );
    assert_eq!(
        refs(&list(&["--reasoning"])),
        [
            "qwen/MiniMax-M2.5",
            "qwen/qwen3.5-plus",
            "qwen/qwen3.6-plus"
        ]
    );
    // Video models say nothing about tools: left out.
    let tools = list(&["--tools"]);
    assert_eq!(tools.len(), 9);
    assert!(tools.iter().all(|m| m["tool_call"] == true));
    assert_eq!(
        refs(&list(&["--min-context", "1m"])),
        [
            "qwen/MiniMax-M2.5",
            "qwen/qwen3-coder-plus",
            "qwen/qwen3.5-plus",
            "qwen/qwen3.6-plus"
        ]
    );
    // Models without an input price are left out, whatever they would cost.
    assert_eq!(
        refs(&list(&["--max-input-cost", "0.5"])),
        ["qwen/qwen3.5-plus", "qwen/qwen3.6-plus"]
    );
    assert_eq!(
        refs(&list(&["--max-input-cost", "0.45"])),
        ["qwen/qwen3.5-plus"]
    );
    assert!(list(&["--input", "audio"]).is_empty());
}

#[test]
fn sorts_put_models_without_the_fact_last() {
    let by_cost = list(&["--sort", "input-cost", "--kind", "chat"]);
    assert_eq!(
        refs(&by_cost)[..3],
        [
            "qwen/qwen3.5-plus",
            "qwen/qwen3.6-plus",
            "qwen/qwen3-coder-plus"
        ]
    );
    assert!(by_cost[3..].iter().all(|m| m["cost"].is_null()));
    let by_context = list(&["--sort", "context"]);
    let contexts: Vec<Option<u64>> = by_context
        .iter()
        .map(|m| m["context_window"].as_u64())
        .collect();
    let known: Vec<u64> = contexts.iter().flatten().copied().collect();
    assert!(known.windows(2).all(|w| w[0] >= w[1]), "{contexts:?}");
    assert!(contexts[known.len()..].iter().all(Option::is_none));
    let released = list(&["--sort", "released"]);
    assert_eq!(released[0]["ref"], "qwen/qwen3.6-plus");
    assert_eq!(released[1]["ref"], "qwen/qwen3.5-plus");
    assert!(released.last().unwrap()["release_date"].is_null());
}

#[test]
fn unknown_filter_values_get_a_suggestion_and_exit_2() {
    for (args, hint) in [
        (&["--input", "imag"][..], "a similar value exists: 'image'"),
        (&["--sort", "contxt"], "a similar value exists: 'context'"),
        (&["--provider", "qwn"], "did you mean `qwen`?"),
        (&["--min-context", "big"], "is not a token count"),
        (&["--max-input-cost=-1"], "is not a price"),
    ] {
        let mut all = vec!["models", "list"];
        all.extend(args);
        let out = provcat(&root(), &all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(hint), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn the_help_says_a_model_without_the_fact_is_left_out() {
    let out = provcat(&root(), &["models", "list", "--help"]);
    let help = stdout(&out);
    assert!(help.contains("left out"), "{help}");
    assert!(help.contains("--max-input-cost"), "{help}");
}

/// `models show` of a video model lists the values `video generate` accepts, and never
/// words a minimum of 0 as "at least 0".
#[test]
fn show_lists_a_video_model_s_accepted_parameters() {
    let show = |reference: &str| {
        let out = provcat(&root(), &["models", "show", reference]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let t2v = show("qwen/wan2.6-t2v");
    assert!(!t2v.contains("at least 0"), "{t2v}");
    assert!(
        t2v.contains("media items        none (text prompt only)"),
        "{t2v}"
    );
    assert!(
        t2v.contains("sizes              1280*720, 720*1280, 960*960"),
        "{t2v}"
    );
    assert!(t2v.contains("resolutions        not taken"), "{t2v}");
    assert!(
        t2v.contains("durations          5, 10 or 15 seconds"),
        "{t2v}"
    );
    let r27 = show("alibaba/wan2.7-r2v");
    assert!(r27.contains("media items        at least 1"), "{r27}");
    assert!(r27.contains("sizes              not taken"), "{r27}");
    assert!(r27.contains("resolutions        720P, 1080P"), "{r27}");
    assert!(
        r27.contains("ratios             16:9, 9:16, 1:1, 4:3, 3:4"),
        "{r27}"
    );
    assert!(r27.contains("durations          2 to 15 seconds"), "{r27}");
    let json = json_of(&provcat(
        &root(),
        &["models", "show", "qwen/wan2.7-r2v", "--json"],
    ));
    let video = &json["video"];
    assert_eq!(
        video["duration_range"],
        serde_json::json!({"min": 2, "max": 15}),
        "{json}"
    );
    assert_eq!(
        video["resolutions"],
        serde_json::json!(["720P", "1080P"]),
        "{json}"
    );
}

/// The compiler checks a video model's parameter lists: one way to state durations, a
/// range that goes up, no value twice.
#[test]
fn broken_video_parameters_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&root().join("catalog"), dir.path());
    let file = dir.path().join("qwen/models/wan2.6-t2v.toml");
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "durations = [5, 10, 15]",
        "durations = [5, 5]\nduration_range = { min = 15, max = 2 }",
    );
    std::fs::write(&file, text).unwrap();
    let out = provcat(dir.path(), &["catalog", "check", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = format!("{}{}", stdout(&out), stderr(&out));
    for part in [
        "`durations` and `duration_range` both state the accepted durations",
        "`duration_range` goes from 15 down to 2",
        "`5` is listed twice in `durations`",
    ] {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
}
