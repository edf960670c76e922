//! The default model of each auth choice: its own `default_model`, else its provider's,
//! must be a model its plan serves in its region — `onboard` writes it into the config, and
//! a default the key cannot reach would fail the first `chat`.

use crate::compiled::Catalog;
use crate::diagnostic::{Report, Rule};
use crate::source::ProviderFile;
use crate::vocab::{AvailabilityStatus, ModelKind};

use super::refs::check_default;
use super::{Parsed, Unchecked};

/// Checks every auth choice's default model (reports problems to `report`).
pub fn check_choice_defaults(
    providers: &[Parsed<ProviderFile>],
    catalog: &Catalog,
    unchecked: &Unchecked,
    report: &mut Report,
) {
    for p in providers {
        let own = p.value.id.as_str();
        for (i, c) in p.value.auth_choices.iter().enumerate() {
            let (target, pointer) = match &c.default_model {
                Some(m) => (m.as_str(), format!("/auth_choices/{i}/default_model")),
                None => (p.value.default_model.as_str(), format!("/auth_choices/{i}")),
            };
            if c.default_model.is_some() {
                let errors = report.len();
                check_default(
                    p,
                    &pointer,
                    target,
                    ModelKind::Chat,
                    Some(own),
                    catalog,
                    unchecked,
                    report,
                );
                if report.len() > errors {
                    continue;
                }
            }
            // An unknown or broken default is reported by the default-model checks.
            let Some(model) = catalog
                .model(target)
                .filter(|m| m.provider == own && m.source.kind == ModelKind::Chat)
            else {
                continue;
            };
            let Some(availability) = model.source.availability.get(&c.plan) else {
                continue;
            };
            let region_ok =
                availability.regions.is_empty() || availability.regions.contains(&c.region);
            if availability.status != AvailabilityStatus::Unavailable && region_ok {
                continue;
            }
            let why = if region_ok {
                format!("plan `{}` does not serve it", c.plan)
            } else {
                format!(
                    "plan `{}` does not serve it in region `{}`",
                    c.plan, c.region
                )
            };
            let help = match &c.default_model {
                Some(_) => "name a model this choice's plan serves in its region".to_string(),
                None => "set `default_model` on this auth choice to a model its plan serves in its region".to_string(),
            };
            report.push(
                p.error(
                    Rule::DefaultNotServed,
                    &pointer,
                    format!(
                        "auth choice `{}` would set the default model `{target}`, but {why}",
                        c.id
                    ),
                )
                .label("the default `onboard` writes for this choice")
                .help(help),
            );
        }
    }
}
