//! Whether the plan and region an auth choice selects serve a model: "may be rejected" on
//! the plan is a warning with the catalog's advice; "unavailable" on the plan, or a region
//! the plan does not serve the model in (`regions` of its availability), is an error
//! naming an auth choice that serves it. A plan the model does not list at all (one an
//! overlay added to its provider) is an error too.

use crate::catalog::{AvailabilityStatus, Model, Plan, Provider, Region};
use crate::common::{Diagnostic, Rule};
use crate::warning::{SwitchTo, Warning};

/// A warning to show, or the error that stops the request (its label says which part of
/// the auth choice is the cause; the caller locates it).
pub(super) fn check(
    provider: &Provider,
    model: &Model,
    plan: &Plan,
    region: &Region,
) -> Result<Option<Warning>, Box<Diagnostic>> {
    let Some(a) = model.availability_on(plan.id) else {
        // Only a plan an overlay added to the model's provider can be missing.
        let switch = switch_to(provider, model, plan, region)
            .map(|s| {
                format!(
                    "; an auth choice that serves it in the same region: `provcat onboard --auth-choice {}`",
                    s.auth_choice
                )
            })
            .unwrap_or_default();
        return Err(Box::new(
            Diagnostic::new(
                Rule::InvalidValue,
                format!("{} is not listed on the {}", model.canonical_ref, plan.name),
            )
            .label("this auth choice selects that plan")
            .help(format!(
                "the catalog that added this plan does not say whether it serves the model{switch}"
            )),
        ));
    };
    match a.status {
        AvailabilityStatus::MayBeRejected if serves_region(a.regions, region) => {
            Ok(Some(Warning::MayBeRejected {
                model: model.canonical_ref.to_string(),
                plan: plan.name.to_string(),
                reason: a.reason.map(str::to_string),
                switch_to: switch_to(provider, model, plan, region),
            }))
        }
        AvailabilityStatus::Unavailable => {
            let switch = switch_to(provider, model, plan, region)
                .map(|s| {
                    format!(
                        " Switch to a {} auth choice in the same region: `provcat onboard --auth-choice {}`.",
                        s.plan, s.auth_choice
                    )
                })
                .unwrap_or_default();
            Err(Box::new(
                Diagnostic::new(
                    Rule::InvalidValue,
                    format!(
                        "{} is not available on the {}",
                        model.canonical_ref, plan.name
                    ),
                )
                .label("this auth choice selects that plan")
                .help(
                    format!("{}{switch}", a.reason.unwrap_or(""))
                        .trim()
                        .to_string(),
                ),
            ))
        }
        _ if serves_region(a.regions, region) => Ok(None),
        _ => Err(Box::new(unavailable_in_region(
            provider, model, plan, region, a.regions, a.reason,
        ))),
    }
}

/// Whether a plan that lists `regions` (none: every region) serves a model in `region`.
fn serves_region(regions: &[&str], region: &Region) -> bool {
    regions.is_empty() || regions.contains(&region.id)
}

/// "unavailable in <region>", with an auth choice that serves the model: the same plan in
/// a region it serves the model in, else any plan and region that serves it.
fn unavailable_in_region(
    provider: &Provider,
    model: &Model,
    plan: &Plan,
    region: &Region,
    regions: &[&str],
    reason: Option<&str>,
) -> Diagnostic {
    let names: Vec<&str> = regions
        .iter()
        .map(|r| provider.region(r).map_or(*r, |r| r.name))
        .collect();
    let same_plan = provider
        .auth_choices
        .iter()
        .find(|c| c.plan == plan.id && regions.contains(&c.region));
    let choice = same_plan.or_else(|| provider.auth_choice_serving(model, None, None));
    let switch = match choice {
        Some(c) => {
            let plan_name = provider.plan(c.plan).map_or(c.plan, |p| p.name);
            let region_name = provider.region(c.region).map_or(c.region, |r| r.name);
            format!(
                "an auth choice that serves it: `provcat onboard --auth-choice {}` ({plan_name}, {region_name})",
                c.id
            )
        }
        None => "no auth choice of the catalog serves it".to_string(),
    };
    let reason = reason.map(|r| format!("{r} ")).unwrap_or_default();
    Diagnostic::new(
        Rule::InvalidValue,
        format!(
            "{} is unavailable in {} on the {}",
            model.canonical_ref, region.name, plan.name
        ),
    )
    .label("this auth choice selects that region")
    .help(format!(
        "{reason}the {} serves it in {} only; {switch}",
        plan.name,
        names.join(", ")
    ))
}

/// Where to switch when a plan does not (reliably) serve `model`: an auth choice of a plan
/// that serves it, in the same region.
fn switch_to(provider: &Provider, model: &Model, plan: &Plan, region: &Region) -> Option<SwitchTo> {
    let choice = provider.auth_choice_serving(model, Some(region.id), Some(plan.id))?;
    let better = provider.plan(choice.plan)?;
    Some(SwitchTo {
        auth_choice: choice.id.to_string(),
        plan: better.name.to_string(),
    })
}
