//! One models.dev model to provcat's facts, by documented rules. Upstream data that
//! provcat's checks would reject is handled here, never passed on:
//!
//! - no context window (absent or 0), no input modality, or video output: the model is
//!   skipped (provcat cannot express it);
//! - output limit absent or 0: the context window stands in, with a note;
//! - output limit above the context window: clamped to it, with a note;
//! - input limit not below the context window, a price tier at or above it, a duplicate
//!   tier, a reasoning price or reasoning options on a model that does not reason, a
//!   thinking budget not below the output limit, an impossible date, a last update before
//!   the release: that fact is left out;
//! - deprecated (models.dev never names a replacement): kept, with a lifecycle reason.
//!
//! Each is an [`Issue`] the report shows with the model's file and line.

use provcat_compiler::source::{Budget, Cost, CostTier, ReasoningControls};
use provcat_compiler::vocab::{LifecycleStatus, Modality, ReasoningField};

use crate::fields::{Issue, Prices, ReasoningOption, Upstream, pointer};
use crate::report::Kind;
use crate::route::Route;

/// A model as provcat will write it (availability aside).
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    /// Display name.
    pub name: String,
    /// Model line.
    pub family: Option<String>,
    /// Input modalities.
    pub input: Vec<Modality>,
    /// Output modalities (empty: provcat's default, text).
    pub output: Vec<Modality>,
    /// Context window.
    pub context_window: u32,
    /// Largest output.
    pub max_output_tokens: u32,
    /// Largest prompt, when below the context window.
    pub input_limit: Option<u32>,
    /// Prices.
    pub cost: Option<Cost>,
    /// Tool calling.
    pub tool_call: Option<bool>,
    /// Structured output.
    pub structured_output: Option<bool>,
    /// Temperature.
    pub temperature: Option<bool>,
    /// Attachments.
    pub attachment: Option<bool>,
    /// Open weights.
    pub open_weights: Option<bool>,
    /// Knowledge cutoff.
    pub knowledge: Option<String>,
    /// Release date.
    pub release_date: Option<String>,
    /// Last update.
    pub last_updated: Option<String>,
    /// Reasons.
    pub reasoning: bool,
    /// Reasoning controls.
    pub controls: Option<ReasoningControls>,
    /// Lifecycle status and reason.
    pub lifecycle: (LifecycleStatus, Option<String>),
    /// Notes on facts the import changed.
    pub notes: Vec<String>,
    /// How it is called.
    pub route: Route,
}

/// A field models.dev has and provcat does not keep: (field, reason).
pub type DroppedField = (&'static str, &'static str);

/// Why each dropped field is dropped.
pub fn dropped_reason(field: &str) -> &'static str {
    match field {
        "experimental" => "provcat has no per-request modes (models.dev's `experimental.modes`)",
        "provider.body" | "provider.headers" => {
            "provcat sends no per-model request fields or headers from the catalog"
        }
        "license" | "links" | "weights" | "benchmarks" => {
            "model metadata provcat's catalog has no place for"
        }
        "interleaved" => "provcat has no flag for interleaved reasoning",
        "interleaved.field=reasoning_details" => {
            "provcat's reasoning fields are reasoning_content, reasoning and thinking"
        }
        "reasoning_options.effort=null" => {
            "provcat's effort levels are names; `null` (send no effort) is not one"
        }
        "reasoning_options.budget_tokens" => {
            "provcat keeps a thinking budget only as a range with both `min` (0 or more) and `max`"
        }
        "cost.tiers.input_audio" | "cost.tiers.output_audio" => {
            "provcat's price tiers have no audio prices"
        }
        _ => "provcat has no place for it",
    }
}

/// What became of one model.
pub enum Outcome {
    /// Its facts.
    Kept(Box<Facts>),
    /// Skipped, with the issue saying why.
    Skipped,
}

/// Converts `u` (model `id`); `route` is how it is called. Problems go to `issues`, dropped
/// fields to `dropped`.
pub fn convert(
    id: &str,
    u: &Upstream,
    route: Route,
    issues: &mut Vec<Issue>,
    dropped: &mut Vec<&'static str>,
) -> Outcome {
    let mut c = Ctx { issues };
    dropped.extend(u.dropped.iter().copied());
    // The facts a chat model cannot go without.
    let Some(context) = u.context.and_then(|n| count(n).filter(|n| *n > 0)) else {
        c.skip(
            "limit.context",
            "no context window (absent or 0); provcat needs one for a chat model",
        );
        return Outcome::Skipped;
    };
    let input = modalities(
        u.input.as_deref().unwrap_or_default(),
        "modalities.input",
        &mut c,
    );
    if input.is_empty() {
        c.skip("modalities.input", "no input modality");
        return Outcome::Skipped;
    }
    let output = modalities(
        u.output.as_deref().unwrap_or_default(),
        "modalities.output",
        &mut c,
    );
    if output.contains(&Modality::Video) {
        c.skip(
            "modalities.output",
            "it outputs video: provcat's chat models cannot, and its video models are task APIs with media rules models.dev does not give",
        );
        return Outcome::Skipped;
    }
    let mut notes = Vec::new();
    let max_output = match u.output_limit.and_then(count) {
        None | Some(0) => {
            c.issue(
                "limit.output",
                "no output limit (absent or 0)",
                "used the context window as the output limit, with a note",
            );
            notes
                .push("models.dev gives no output limit; the context window stands in".to_string());
            context
        }
        Some(out) if out > context => {
            c.issue(
                "limit.output",
                &format!("the output limit {out} is above the context window {context}"),
                "clamped to the context window, with a note",
            );
            notes.push(format!(
                "models.dev says {out} output tokens, more than the context window"
            ));
            context
        }
        Some(out) => out,
    };
    let input_limit = match u.input_limit.and_then(count) {
        Some(n) if n > 0 && n < context => Some(n),
        Some(n) if n > context || n == 0 => {
            c.issue(
                "limit.input",
                &format!("the input limit {n} is not within the context window {context}"),
                "left out",
            );
            None
        }
        _ => None,
    };
    let reasoning = u.reasoning.unwrap_or(false);
    let cost = cost(u, reasoning, context, &mut c, dropped);
    let controls = controls(u, reasoning, max_output, &mut c, dropped);
    let (release_date, last_updated) = dates(u, &mut c);
    let lifecycle = match u.status.as_deref() {
        None => (LifecycleStatus::Active, None),
        Some("alpha") => (LifecycleStatus::Alpha, None),
        Some("beta") => (LifecycleStatus::Beta, None),
        Some("deprecated") => {
            c.issue(
                "status",
                "deprecated without a replacement (models.dev has no field for one)",
                "kept as deprecated, with a lifecycle reason",
            );
            (LifecycleStatus::Deprecated, Some("models.dev marks it deprecated and names no replacement; pick another model of this provider".to_string()))
        }
        Some(other) => {
            c.error(
                "status",
                format!("unknown status `{other}` (expected alpha, beta or deprecated)"),
            );
            (LifecycleStatus::Active, None)
        }
    };
    let name = match &u.name {
        Some(name) if !name.trim().is_empty() => name.clone(),
        _ => {
            c.issues.push(Issue {
                kind: Kind::Error,
                pointer: pointer("name"),
                field: "name".to_string(),
                message: "no `name`".to_string(),
                action: "used the model id as its name".to_string(),
                at_value: true,
            });
            id.to_string()
        }
    };
    Outcome::Kept(Box::new(Facts {
        name,
        family: u.family.clone().filter(|f| !f.is_empty()),
        input,
        output,
        context_window: context,
        max_output_tokens: max_output,
        input_limit,
        cost,
        tool_call: u.tool_call,
        structured_output: u.structured_output,
        temperature: u.temperature,
        attachment: u.attachment,
        open_weights: u.open_weights,
        knowledge: date_field(u.knowledge.as_deref(), "knowledge", &mut c),
        release_date,
        last_updated,
        reasoning,
        controls,
        lifecycle,
        notes,
        route,
    }))
}

struct Ctx<'i> {
    issues: &'i mut Vec<Issue>,
}

impl Ctx<'_> {
    fn issue(&mut self, field: &str, message: &str, action: &str) {
        self.issues.push(Issue {
            kind: Kind::Inconsistency,
            pointer: pointer(field),
            field: field.to_string(),
            message: message.to_string(),
            action: action.to_string(),
            at_value: true,
        });
    }

    fn error(&mut self, field: &str, message: String) {
        self.issues.push(Issue {
            kind: Kind::Error,
            pointer: pointer(field),
            field: field.to_string(),
            message,
            action: "left out this field".to_string(),
            at_value: true,
        });
    }

    fn skip(&mut self, field: &str, message: &str) {
        self.issue(field, message, "skipped the model");
    }
}

/// A token count: a whole number from 0 to `u32::MAX`.
fn count(n: f64) -> Option<u32> {
    (n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX)).then_some(n as u32)
}

fn modalities(items: &[String], field: &str, c: &mut Ctx) -> Vec<Modality> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match Modality::ALL.iter().find(|m| m.as_str() == item) {
            Some(m) if !out.contains(m) => out.push(*m),
            Some(_) => {}
            None => c.error(
                &format!("{field}.{i}"),
                format!("unknown modality `{item}`"),
            ),
        }
    }
    out
}

fn prices(p: &Prices, field: &str, reasoning: bool, c: &mut Ctx) -> Cost {
    let mut check = |key: &str, value: Option<f64>| match value {
        Some(v) if v < 0.0 || !v.is_finite() => {
            c.error(&format!("{field}.{key}"), format!("a negative price ({v})"));
            None
        }
        other => other,
    };
    let mut cost = Cost {
        input: check("input", p.input),
        output: check("output", p.output),
        cache_read: check("cache_read", p.cache_read),
        cache_write: check("cache_write", p.cache_write),
        reasoning: check("reasoning", p.reasoning),
        input_audio: check("input_audio", p.input_audio),
        output_audio: check("output_audio", p.output_audio),
        tiers: Vec::new(),
    };
    if cost.reasoning.is_some() && !reasoning {
        c.issue(
            &format!("{field}.reasoning"),
            "a reasoning price on a model that does not reason",
            "left out the reasoning price",
        );
        cost.reasoning = None;
    }
    cost
}

fn cost(
    u: &Upstream,
    reasoning: bool,
    context: u32,
    c: &mut Ctx,
    dropped: &mut Vec<&'static str>,
) -> Option<Cost> {
    let base = u.cost.as_ref()?;
    let mut cost = prices(base, "cost", reasoning, c);
    let mut tiers: Vec<(u32, Cost, String)> = Vec::new();
    let over = u
        .over_200k
        .iter()
        .map(|p| (Some(200_000.0), p, "cost.context_over_200k".to_string()));
    let listed = u
        .tiers
        .iter()
        .map(|t| (t.size, &t.prices, format!("cost.tiers.{}", t.index)));
    for (size, p, field) in listed.chain(over) {
        let Some(size) = size.and_then(count) else {
            c.error(
                &format!("{field}.tier.size"),
                "a price tier without a whole-number size".to_string(),
            );
            continue;
        };
        if size == 0 || size >= context {
            c.issue(
                &format!("{field}.tier.size"),
                &format!("a price tier above {size} tokens cannot apply within the context window {context}"),
                "left out the tier",
            );
            continue;
        }
        if tiers.iter().any(|(s, _, _)| *s == size) {
            c.issue(
                &format!("{field}.tier.size"),
                &format!("a second price tier above {size} tokens"),
                "left out the later tier",
            );
            continue;
        }
        if p.input_audio.is_some() {
            dropped.push("cost.tiers.input_audio");
        }
        if p.output_audio.is_some() {
            dropped.push("cost.tiers.output_audio");
        }
        tiers.push((size, prices(p, &field, reasoning, c), field));
    }
    tiers.sort_by_key(|(size, _, _)| *size);
    cost.tiers = tiers
        .into_iter()
        .map(|(above, p, _)| CostTier {
            above,
            input: p.input,
            output: p.output,
            cache_read: p.cache_read,
            cache_write: p.cache_write,
            reasoning: p.reasoning,
        })
        .collect();
    (cost != Cost::default()).then_some(cost)
}

fn controls(
    u: &Upstream,
    reasoning: bool,
    max_output: u32,
    c: &mut Ctx,
    dropped: &mut Vec<&'static str>,
) -> Option<ReasoningControls> {
    let mut controls = ReasoningControls::default();
    match &u.interleaved {
        Some(None) => dropped.push("interleaved"),
        Some(Some(f)) if f == "reasoning_content" && reasoning => {
            controls.field = Some(ReasoningField::ReasoningContent)
        }
        Some(Some(f)) if f == "reasoning_content" => dropped.push("interleaved"),
        Some(Some(_)) => dropped.push("interleaved.field=reasoning_details"),
        None => {}
    }
    let options = u.reasoning_options.as_deref().unwrap_or_default();
    if !reasoning && !options.is_empty() {
        c.issue(
            "reasoning_options",
            "reasoning options on a model that does not reason",
            "left out the reasoning options",
        );
        return None;
    }
    for (i, option) in options.iter().enumerate() {
        match option {
            ReasoningOption::Toggle => controls.toggle = true,
            ReasoningOption::Effort(levels) => {
                for level in levels {
                    match level {
                        Some(l) if !controls.effort_levels.contains(l) => {
                            controls.effort_levels.push(l.clone())
                        }
                        Some(_) => {}
                        None => dropped.push("reasoning_options.effort=null"),
                    }
                }
            }
            ReasoningOption::Budget { min, max } => {
                match (min.and_then(count), max.and_then(count)) {
                    (Some(min), Some(max)) if min <= max && max < max_output => {
                        controls.budget = Some(Budget { min, max })
                    }
                    (Some(_), Some(max)) if max >= max_output => c.issue(
                        &format!("reasoning_options.{i}.max"),
                        &format!("the largest thinking budget {max} is not below the output limit {max_output}"),
                        "left out the thinking budget",
                    ),
                    _ => dropped.push("reasoning_options.budget_tokens"),
                }
            }
        }
    }
    (controls != ReasoningControls::default()).then_some(controls)
}

/// A date as provcat accepts it (`YYYY-MM` or `YYYY-MM-DD`, a real month and day), as a
/// comparable tuple.
fn parse_date(text: &str) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let ok = match parts.as_slice() {
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    };
    if !ok {
        return None;
    }
    let year = parts[0].parse().ok()?;
    let month: u32 = parts[1].parse().ok()?;
    let day: u32 = parts.get(2).map_or(Some(0), |d| d.parse().ok())?;
    let days = match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    (day <= days && (parts.len() == 2 || day >= 1)).then_some((year, month, day))
}

fn date_field(value: Option<&str>, field: &str, c: &mut Ctx) -> Option<String> {
    let text = value?;
    if parse_date(text).is_some() {
        Some(text.to_string())
    } else {
        c.issue(
            field,
            &format!("`{text}` is not a date (`YYYY-MM` or `YYYY-MM-DD`)"),
            "left out",
        );
        None
    }
}

fn dates(u: &Upstream, c: &mut Ctx) -> (Option<String>, Option<String>) {
    let release = date_field(u.release_date.as_deref(), "release_date", c);
    let updated = date_field(u.last_updated.as_deref(), "last_updated", c);
    match (&release, &updated) {
        (Some(r), Some(l)) if parse_date(l) < parse_date(r) => {
            c.issue(
                "last_updated",
                &format!("last updated {l}, before its release {r}"),
                "left out last_updated",
            );
            (release, None)
        }
        _ => (release, updated),
    }
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
