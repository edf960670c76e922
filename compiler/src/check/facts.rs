//! Checks of a model's facts: prices and their context tiers, limits, dates, reasoning
//! controls, output modalities, the lifecycle, and the regions of its availability.

use super::Parsed;
use crate::diagnostic::{Report, Rule};
use crate::source::{ModelFile, ProviderFile};
use crate::vocab::{LifecycleStatus, Modality, ModelKind};

/// Checks the facts of `m`, a model of `provider`.
pub fn check(provider: &ProviderFile, m: &Parsed<ModelFile>, report: &mut Report) {
    let v = &m.value;
    cost(m, report);
    limits(m, report);
    dates(m, report);
    reasoning(m, report);
    output(m, report);
    lifecycle(m, report);
    regions(provider, m, report);
    if v.kind == ModelKind::Video {
        let chat_only = [
            ("input_limit", v.input_limit.is_some()),
            ("tool_call", v.tool_call.is_some()),
            ("structured_output", v.structured_output.is_some()),
            ("temperature", v.temperature.is_some()),
            ("reasoning_controls", v.reasoning_controls.is_some()),
        ];
        for (key, present) in chat_only {
            if present {
                report.push(
                    m.key_error(
                        Rule::KindFields,
                        &format!("/{key}"),
                        format!("`{key}` does not apply to a video model"),
                    )
                    .label("kind is `video`")
                    .help(format!("remove `{key}`")),
                );
            }
        }
    }
}

fn cost(m: &Parsed<ModelFile>, report: &mut Report) {
    let v = &m.value;
    let Some(cost) = &v.cost else { return };
    let reasoning_price =
        cost.reasoning.is_some() || cost.tiers.iter().any(|t| t.reasoning.is_some());
    if reasoning_price && !v.reasoning {
        report.push(
            m.key_error(
                Rule::InconsistentFlags,
                "/cost/reasoning",
                "a reasoning price on a model that does not reason",
            )
            .help("remove the reasoning price, or set `reasoning = true` if the model reasons"),
        );
    }
    let mut previous: Option<(u32, usize)> = None;
    for (i, tier) in cost.tiers.iter().enumerate() {
        let pointer = format!("/cost/tiers/{i}/above");
        if let Some((above, j)) = previous
            && tier.above <= above
        {
            let message = if tier.above == above {
                format!("two price tiers above {above} tokens")
            } else {
                format!(
                    "price tiers out of order: above {} comes after above {above}",
                    tier.above
                )
            };
            report.push(
                m.error(Rule::InvalidValue, &pointer, message)
                    .related(
                        &m.file,
                        m.span(&format!("/cost/tiers/{j}/above")),
                        "the tier before",
                    )
                    .help("list tiers once each, in ascending order of `above`"),
            );
        }
        if let Some(context) = v.context_window
            && tier.above >= context
        {
            report.push(
                m.error(
                    Rule::InvalidValue,
                    &pointer,
                    format!(
                        "a price tier above {} tokens can never apply: the context window is {context}",
                        tier.above
                    ),
                )
                .help("tiers start below the context window; lower `above` or remove the tier"),
            );
        }
        previous = Some((tier.above, i));
    }
}

fn limits(m: &Parsed<ModelFile>, report: &mut Report) {
    let v = &m.value;
    if let (Some(input), Some(context)) = (v.input_limit, v.context_window)
        && input > context
    {
        report.push(
            m.error(
                Rule::OutputExceedsContext,
                "/input_limit",
                format!("input_limit ({input}) is larger than context_window ({context})"),
            )
            .help("the prompt shares the context window; lower input_limit, or remove it when it equals the context"),
        );
    }
}

/// `YYYY-MM` or `YYYY-MM-DD` with a real month and day, as a comparable tuple.
fn date(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.split('-');
    let year = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next().map_or(Some(0), |d| d.parse().ok())?;
    let days = match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    (day <= days && parts.next().is_none()).then_some((year, month, day))
}

fn dates(m: &Parsed<ModelFile>, report: &mut Report) {
    let v = &m.value;
    let fields = [
        ("knowledge", &v.knowledge),
        ("release_date", &v.release_date),
        ("last_updated", &v.last_updated),
        ("lifecycle/date", &v.lifecycle.date),
    ];
    for (key, value) in fields {
        if let Some(text) = value
            && date(text).is_none()
        {
            report.push(
                m.error(
                    Rule::InvalidValue,
                    &format!("/{key}"),
                    format!("`{text}` is not a date"),
                )
                .label("no such month or day")
                .help("write the date as `YYYY-MM-DD` (or `YYYY-MM`)"),
            );
        }
    }
    if let (Some(release), Some(updated)) = (&v.release_date, &v.last_updated)
        && let (Some(r), Some(u)) = (date(release), date(updated))
        && u < r
    {
        report.push(
            m.error(
                Rule::InvalidValue,
                "/last_updated",
                format!("last updated ({updated}) before its release ({release})"),
            )
            .related(&m.file, m.span("/release_date"), "released here")
            .help("check both dates against the provider's announcement"),
        );
    }
}

fn reasoning(m: &Parsed<ModelFile>, report: &mut Report) {
    let v = &m.value;
    let Some(controls) = &v.reasoning_controls else {
        return;
    };
    if !v.reasoning {
        report.push(
            m.key_error(
                Rule::InconsistentFlags,
                "/reasoning_controls",
                "reasoning controls on a model that does not reason",
            )
            .help("set `reasoning = true`, or remove `reasoning_controls`"),
        );
    }
    for (i, level) in controls.effort_levels.iter().enumerate() {
        if controls.effort_levels[..i].contains(level) {
            report.push(m.error(
                Rule::DuplicateId,
                &format!("/reasoning_controls/effort_levels/{i}"),
                format!("effort level `{level}` is listed twice"),
            ));
        }
    }
    if let Some(default) = &controls.default_effort
        && !controls.effort_levels.contains(default)
    {
        let levels: Vec<String> = controls
            .effort_levels
            .iter()
            .map(|l| format!("`{l}`"))
            .collect();
        report.push(
            m.error(
                Rule::DanglingReference,
                "/reasoning_controls/default_effort",
                format!("default effort `{default}` is not one of the effort levels"),
            )
            .help(if levels.is_empty() {
                "list the levels in `effort_levels`".to_string()
            } else {
                format!("use one of {}", levels.join(", "))
            }),
        );
    }
    if let Some(budget) = controls.budget {
        if budget.min > budget.max {
            report.push(m.error(
                Rule::InvalidValue,
                "/reasoning_controls/budget",
                format!(
                    "the budget's min ({}) is larger than its max ({})",
                    budget.min, budget.max
                ),
            ));
        }
        if let Some(output) = v.max_output_tokens
            && budget.max >= output
        {
            report.push(
                m.error(
                    Rule::InvalidValue,
                    "/reasoning_controls/budget/max",
                    format!(
                        "the largest thinking budget ({}) is not below max_output_tokens ({output})",
                        budget.max
                    ),
                )
                .help("thinking counts as output: the budget must leave room for the answer"),
            );
        }
    }
}

fn output(m: &Parsed<ModelFile>, report: &mut Report) {
    let v = &m.value;
    let fits = match v.kind {
        ModelKind::Chat => v.output.iter().all(|o| *o != Modality::Video),
        ModelKind::Video => v.output.iter().all(|o| *o == Modality::Video),
    };
    if !fits {
        report.push(
            m.error(
                Rule::KindFields,
                "/output",
                format!("a {} model cannot output {:?}", v.kind, v.output),
            )
            .help("chat models output text, images or audio; video models output video"),
        );
    }
}

fn lifecycle(m: &Parsed<ModelFile>, report: &mut Report) {
    let l = &m.value.lifecycle;
    let ending = matches!(
        l.status,
        LifecycleStatus::Deprecated | LifecycleStatus::Retired
    );
    if ending && l.reason.is_none() && (l.replacement.is_none() || l.date.is_none()) {
        let missing = match (&l.replacement, &l.date) {
            (None, None) => "a `replacement` and its `date`",
            (None, Some(_)) => "a `replacement`",
            _ => "the `date`",
        };
        report.push(
            m.error(
                Rule::MissingKey,
                "/lifecycle/status",
                format!("a {} model needs {missing}, or a `reason`", l.status),
            )
            .help("name the canonical ref to use instead and when, or say why there is none in `reason`"),
        );
    }
    if !ending && (l.date.is_some() || l.replacement.is_some()) {
        let key = if l.date.is_some() {
            "date"
        } else {
            "replacement"
        };
        report.push(
            m.key_error(
                Rule::InconsistentFlags,
                &format!("/lifecycle/{key}"),
                format!("`{key}` on a model that is {}", l.status),
            )
            .help("only deprecated or retired models have a replacement and a date; set `status`, or remove it"),
        );
    }
}

fn regions(provider: &ProviderFile, m: &Parsed<ModelFile>, report: &mut Report) {
    for (plan, availability) in &m.value.availability {
        for (i, region) in availability.regions.iter().enumerate() {
            let pointer = format!(
                "{}/regions/{i}",
                crate::tree::push_token("/availability", plan)
            );
            if !provider.regions.iter().any(|r| r.id == *region) {
                let known: Vec<String> = provider
                    .regions
                    .iter()
                    .map(|r| format!("`{}`", r.id))
                    .collect();
                report.push(
                    m.error(
                        Rule::DanglingReference,
                        &pointer,
                        format!("unknown region `{region}`"),
                    )
                    .help(format!(
                        "the regions of `{}` are {}",
                        provider.id,
                        known.join(", ")
                    )),
                );
            } else if provider.not_callable.is_none()
                && !provider
                    .endpoints
                    .iter()
                    .any(|e| e.plan == *plan && e.region == *region)
            {
                report.push(
                    m.error(
                        Rule::PlanCannotServe,
                        &pointer,
                        format!("plan `{plan}` has no endpoint in region `{region}`"),
                    )
                    .help("list only regions where the plan has an endpoint"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::date;

    #[test]
    fn dates_are_real_calendar_dates() {
        assert_eq!(date("2025-09-11"), Some((2025, 9, 11)));
        assert_eq!(date("2025-09"), Some((2025, 9, 0)));
        assert_eq!(date("2025-13-01"), None);
        assert_eq!(date("2025-04-31"), None);
        assert_eq!(date("2025-02-29"), Some((2025, 2, 29)));
        assert_eq!(date("2025-1-1-1"), None);
        assert!(date("2025-01") < date("2025-01-02"));
    }
}
