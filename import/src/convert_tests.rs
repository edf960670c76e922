//! Tests of the conversion rules, one upstream inconsistency at a time.

use super::*;
use crate::fields::{Tier, Upstream};

fn base() -> Upstream {
    Upstream {
        name: Some("M".into()),
        reasoning: Some(false),
        input: Some(vec!["text".into(), "pdf".into()]),
        output: Some(vec!["text".into()]),
        context: Some(1000.0),
        output_limit: Some(100.0),
        ..Upstream::default()
    }
}

fn run(u: &Upstream) -> (Option<Facts>, Vec<Issue>, Vec<&'static str>) {
    let mut issues = Vec::new();
    let mut dropped = Vec::new();
    let route = Route::NotCallable("x".into());
    let facts = match convert("m", u, route, &mut issues, &mut dropped) {
        Outcome::Kept(f) => Some(*f),
        Outcome::Skipped => None,
    };
    (facts, issues, dropped)
}

fn actions(issues: &[Issue]) -> Vec<(&str, &str)> {
    issues
        .iter()
        .map(|i| (i.field.as_str(), i.action.as_str()))
        .collect()
}

#[test]
fn a_clean_model_converts_without_issues() {
    let (facts, issues, dropped) = run(&base());
    let facts = facts.unwrap();
    assert_eq!(issues, []);
    assert!(dropped.is_empty());
    assert_eq!(facts.input, [Modality::Text, Modality::Pdf]);
    assert_eq!((facts.context_window, facts.max_output_tokens), (1000, 100));
    assert_eq!(facts.lifecycle, (LifecycleStatus::Active, None));
}

#[test]
fn output_above_context_is_clamped_with_a_note() {
    let mut u = base();
    u.output_limit = Some(4000.0);
    let (facts, issues, _) = run(&u);
    let facts = facts.unwrap();
    assert_eq!(facts.max_output_tokens, 1000);
    assert_eq!(facts.notes.len(), 1);
    assert_eq!(
        actions(&issues),
        [("limit.output", "clamped to the context window, with a note")]
    );
    assert_eq!(issues[0].kind, Kind::Inconsistency);
    // No output limit at all: the context window stands in.
    u.output_limit = Some(0.0);
    assert_eq!(run(&u).0.unwrap().max_output_tokens, 1000);
}

#[test]
fn models_without_a_context_window_or_with_video_output_are_skipped() {
    let mut u = base();
    u.context = Some(0.0);
    let (facts, issues, _) = run(&u);
    assert!(facts.is_none());
    assert_eq!(actions(&issues), [("limit.context", "skipped the model")]);
    let mut u = base();
    u.output = Some(vec!["video".into()]);
    assert!(run(&u).0.is_none());
    let mut u = base();
    u.input = Some(vec!["smell".into()]);
    let (facts, issues, _) = run(&u);
    assert!(facts.is_none());
    assert_eq!(issues[0].kind, Kind::Error);
}

#[test]
fn reasoning_prices_options_and_budgets_need_a_reasoning_model() {
    let mut u = base();
    u.cost = Some(Prices {
        input: Some(1.0),
        reasoning: Some(2.0),
        ..Prices::default()
    });
    u.reasoning_options = Some(vec![ReasoningOption::Toggle]);
    let (facts, issues, _) = run(&u);
    let facts = facts.unwrap();
    assert_eq!(facts.cost.unwrap().reasoning, None);
    assert_eq!(facts.controls, None);
    assert_eq!(
        actions(&issues),
        [
            ("cost.reasoning", "left out the reasoning price"),
            ("reasoning_options", "left out the reasoning options")
        ]
    );
    u.reasoning = Some(true);
    u.reasoning_options = Some(vec![
        ReasoningOption::Toggle,
        ReasoningOption::Effort(vec![Some("low".into()), None, Some("low".into())]),
        ReasoningOption::Budget {
            min: Some(0.0),
            max: Some(500.0),
        },
    ]);
    u.interleaved = Some(Some("reasoning_content".into()));
    let (facts, issues, dropped) = run(&u);
    let controls = facts.unwrap().controls.unwrap();
    assert_eq!(
        actions(&issues),
        [("reasoning_options.2.max", "left out the thinking budget")]
    );
    assert!(controls.toggle);
    assert_eq!(controls.effort_levels, ["low"]);
    assert_eq!(
        controls.budget, None,
        "500 is not below the output limit 100"
    );
    assert_eq!(controls.field, Some(ReasoningField::ReasoningContent));
    assert_eq!(dropped, ["reasoning_options.effort=null"]);
}

#[test]
fn tiers_are_sorted_and_unusable_ones_left_out() {
    let mut u = base();
    let tier = |size: f64, input: f64, index: usize| Tier {
        size: Some(size),
        prices: Prices {
            input: Some(input),
            input_audio: Some(1.0),
            ..Prices::default()
        },
        index,
    };
    u.cost = Some(Prices {
        input: Some(1.0),
        ..Prices::default()
    });
    u.tiers = vec![
        tier(800.0, 3.0, 0),
        tier(500.0, 2.0, 1),
        tier(500.0, 9.0, 2),
        tier(1000.0, 4.0, 3),
    ];
    let (facts, issues, dropped) = run(&u);
    let tiers = facts.unwrap().cost.unwrap().tiers;
    let kept: Vec<(u32, Option<f64>)> = tiers.iter().map(|t| (t.above, t.input)).collect();
    assert_eq!(kept, [(500, Some(2.0)), (800, Some(3.0))]);
    assert_eq!(
        actions(&issues),
        [
            ("cost.tiers.2.tier.size", "left out the later tier"),
            ("cost.tiers.3.tier.size", "left out the tier")
        ]
    );
    assert!(dropped.contains(&"cost.tiers.input_audio"));
}

#[test]
fn dates_lifecycle_and_limits() {
    let mut u = base();
    u.release_date = Some("2025-03-01".into());
    u.last_updated = Some("2025-02-01".into());
    u.knowledge = Some("2025-13".into());
    u.status = Some("deprecated".into());
    u.input_limit = Some(2000.0);
    u.name = None;
    let (facts, issues, _) = run(&u);
    let facts = facts.unwrap();
    assert_eq!(facts.last_updated, None);
    assert_eq!(facts.knowledge, None);
    assert_eq!(facts.input_limit, None);
    assert_eq!(facts.name, "m");
    assert_eq!(facts.lifecycle.0, LifecycleStatus::Deprecated);
    assert!(facts.lifecycle.1.is_some());
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(
        fields,
        ["limit.input", "last_updated", "status", "name", "knowledge"]
    );
    assert_eq!(parse_date("2025-02-30"), None);
    assert_eq!(parse_date("2025-02"), Some((2025, 2, 0)));
    assert_eq!(parse_date("2025-1-01"), None);
}
