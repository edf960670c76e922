//! `provcat models show`: one model with every fact the catalog has, as text or JSON.

use provcat::catalog::{self, Cost, MediaField, Model, ModelKind, ReasoningControls};
use provcat::compiler::docs::words::usd;

use super::json::{ShownJson, served_regions, to_json};
use super::list::{join, yes_no};
use super::{ConfigView, ShowArgs};
use crate::cli::output::{print_json, print_stdout, thousands};
use crate::cli::{Failure, Outcome};

pub fn run(args: ShowArgs, view: &ConfigView) -> Outcome {
    let found = catalog::lookup_model(&args.reference)
        .map_err(|e| Failure::input(e.to_string()).coded("dangling-reference"))?;
    let m = found.model;
    if args.json {
        return print_json(&ShownJson {
            model: to_json(m, view),
            alias: found.alias,
            via: found.via,
        });
    }
    let mut lines = Lines::default();
    lines.add("ref", m.canonical_ref);
    if let Some(alias) = found.alias {
        lines.add("typed alias", format!("{alias} ({})", found.via));
    }
    lines.add("name", m.name);
    lines.add("kind", m.kind);
    if let Some(family) = m.family {
        lines.add("family", family);
    }
    lines.add("input", join(m.input.iter().map(|i| i.as_str())));
    lines.add("output", join(m.output.iter().map(|i| i.as_str())));
    if let Some(c) = m.context_window {
        lines.add("context window", format!("{} tokens", thousands(c)));
    }
    if let Some(n) = m.input_limit {
        lines.add("input limit", format!("{} tokens", thousands(n)));
    }
    if let Some(o) = m.max_output_tokens {
        lines.add("max output", format!("{} tokens", thousands(o)));
    }
    if m.kind == ModelKind::Chat {
        let thinking = if m.thinking_by_default {
            " (thinks by default)"
        } else {
            ""
        };
        lines.add(
            "reasoning",
            format!("{}{thinking}", if m.reasoning { "yes" } else { "no" }),
        );
        if let Some(r) = &m.reasoning_controls {
            controls(&mut lines, r);
        }
        for (key, fact) in [
            ("tool calls", m.tool_call),
            ("structured output", m.structured_output),
            ("temperature", m.temperature),
            ("attachments", m.attachment),
        ] {
            lines.add(key, yes_no(fact).replace('-', "not stated"));
        }
    }
    if let Some(open) = m.open_weights {
        lines.add("open weights", yes_no(Some(open)));
    }
    match &m.cost {
        Some(cost) => prices(&mut lines, cost),
        None => lines.add("price", "not stated in the catalog"),
    }
    for (key, date) in [
        ("knowledge", m.knowledge),
        ("released", m.release_date),
        ("last updated", m.last_updated),
    ] {
        if let Some(date) = date {
            lines.add(key, date);
        }
    }
    if let Some(notes) = m.notes {
        lines.add("notes", notes);
    }
    if !m.aliases.is_empty() {
        lines.add("aliases", m.aliases.join(", "));
    }
    if let Some(which) = view.default_of(m) {
        lines.add(
            "default",
            format!("yes: agents.defaults.{which}.primary in the config"),
        );
    }
    if let Some(plan) = view.plan_for(m)
        && let Some(a) = m.availability_on(plan)
    {
        lines.add("on your plan", format!("{plan}: {}", a.status));
    }
    if let Some(reason) = m.not_callable {
        lines.add("callable", format!("no (listed only): {reason}"));
    }
    lines.add("lifecycle", m.lifecycle.status);
    if let Some(d) = m.lifecycle.date {
        lines.add("lifecycle date", d);
    }
    if let Some(r) = m.lifecycle.replacement {
        lines.add("replacement", r);
    }
    if let Some(r) = m.lifecycle.reason {
        lines.add("lifecycle reason", r);
    }
    availability(&mut lines, m);
    if let Some(v) = &m.video {
        lines.add("video mode", v.mode);
        let r = &v.media;
        lines.add("media field", r.field);
        // A text-only model takes no media at all; a minimum of 0 is no minimum.
        let items = match (r.field, r.min_items, r.max_items) {
            (MediaField::None, _, _) => "none (text prompt only)".to_string(),
            (_, min, Some(max)) if max == min => format!("exactly {max}"),
            (_, 0, Some(max)) => format!("up to {max}"),
            (_, min, Some(max)) => format!("{min} to {max}"),
            (_, 0, None) => "any number".to_string(),
            (_, min, None) => format!("at least {min}"),
        };
        lines.add("media items", items);
        if let Some(n) = r.max_images {
            lines.add("max images", n);
        }
        if let Some(n) = r.max_videos {
            lines.add("max videos", n);
        }
        if r.remote_urls_only {
            lines.add("media sources", "remote http(s) URLs only");
        }
        // What `video generate` accepts; a parameter with no values is one the model
        // does not take.
        let none = "not taken";
        let list = |values: &[&str]| {
            if values.is_empty() {
                none.to_string()
            } else {
                values.join(", ")
            }
        };
        lines.add("sizes", list(v.sizes));
        lines.add("resolutions", list(v.resolutions));
        lines.add("ratios", list(v.ratios));
        lines.add(
            "durations",
            if v.takes_duration() {
                v.durations_text()
            } else {
                none.to_string()
            },
        );
    }
    print_stdout(&lines.0)
}

/// `key  value` lines, keys padded to one column.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn add(&mut self, key: &str, value: impl std::fmt::Display) {
        self.0.push_str(&format!("{key:<18} {value}\n"));
    }
}

/// One line per plan: its status, the regions it serves the model in, and the reason.
fn availability(lines: &mut Lines, m: &Model) {
    let provider = catalog::provider(m.provider);
    for a in m.availability {
        let regions: Vec<&str> = served_regions(m, a.plan, a.regions)
            .into_iter()
            .map(|r| provider.and_then(|p| p.region(r)).map_or(r, |r| r.name))
            .collect();
        let only = if a.regions.is_empty() || regions.is_empty() {
            String::new()
        } else {
            format!(" in {}", regions.join(", "))
        };
        let reason = a.reason.map(|r| format!(": {r}")).unwrap_or_default();
        lines.add(
            &format!("plan {}", a.plan),
            format!("{}{only}{reason}", a.status),
        );
    }
}

/// The prices, per million tokens, then each context tier.
fn prices(lines: &mut Lines, cost: &Cost) {
    let list = |items: [(&str, Option<f64>); 5]| {
        join(
            items
                .iter()
                .filter_map(|(what, p)| p.map(|p| format!("{what} {}", usd(p)))),
        )
    };
    let base = list([
        ("input", cost.input),
        ("output", cost.output),
        ("cache read", cost.cache_read),
        ("cache write", cost.cache_write),
        ("reasoning", cost.reasoning),
    ]);
    let audio = join(
        [
            ("audio in", cost.input_audio),
            ("audio out", cost.output_audio),
        ]
        .iter()
        .filter_map(|(what, p)| p.map(|p| format!("{what} {}", usd(p)))),
    );
    let all = join([base, audio].iter().filter(|s| !s.is_empty()));
    lines.add(
        "price (USD/M)",
        if all.is_empty() {
            "none stated".into()
        } else {
            all
        },
    );
    for t in cost.tiers {
        let tier = list([
            ("input", t.input),
            ("output", t.output),
            ("cache read", t.cache_read),
            ("cache write", t.cache_write),
            ("reasoning", t.reasoning),
        ]);
        lines.add(&format!("  above {}", thousands(t.above)), tier);
    }
}

/// How the model's reasoning is controlled.
fn controls(lines: &mut Lines, r: &ReasoningControls) {
    let mut parts = Vec::new();
    if r.toggle {
        parts.push("on/off per request".to_string());
    }
    if !r.effort_levels.is_empty() {
        let default = r
            .default_effort
            .map(|d| format!(" (default {d})"))
            .unwrap_or_default();
        parts.push(format!("effort {}{default}", r.effort_levels.join("/")));
    }
    if let Some(b) = r.budget {
        parts.push(format!(
            "budget {} to {} tokens",
            thousands(b.min),
            thousands(b.max)
        ));
    }
    if let Some(f) = r.field {
        parts.push(format!("streamed in `{f}`"));
    }
    if !parts.is_empty() {
        lines.add("thinking control", parts.join("; "));
    }
}
