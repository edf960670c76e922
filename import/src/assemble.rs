//! models.dev providers become provcat providers. A family (from the mapping) collapses
//! into one provider: one endpoint per member (its plan and region), the auth choices the
//! mapping names, and each model's availability per plan and region from which members
//! list it; the first member that lists a model gives its facts, and members that disagree
//! are reported. Every other provider keeps its id, with the default plan and region, one
//! endpoint and one auth choice `<id>-api-key` — or, when nothing of it can be called,
//! `not_callable` and neither.

use std::collections::BTreeMap;

use provcat_compiler::vocab::{AvailabilityStatus, Dialect, LifecycleStatus};

use crate::differences;
use crate::mapping::{Family, Mapping, PlanSpec, RegionSpec};
use crate::member::{Member, MemberModel, valid_env};
use crate::output::{AuthChoice, Availability, Endpoint, Model, Provider, Surface};
use crate::report::{Entry, Kind, ProviderLine, Report};
use crate::route::Route;

/// A member of a provider being assembled, with its plan and region.
struct Part {
    member: Member,
    plan: PlanSpec,
    region: RegionSpec,
    auth_choice: String,
    legacy: Vec<String>,
    /// Its surfaces; empty when provcat cannot call any of it.
    surfaces: Vec<Surface>,
    /// Models whose URL clashes with the surface of their dialect, with the reason.
    clashes: BTreeMap<String, String>,
}

/// Builds the providers to write from the members read; problems go to `report`.
pub fn assemble(members: Vec<Member>, mapping: &Mapping, report: &mut Report) -> Vec<Provider> {
    let mut groups: BTreeMap<String, Vec<Part>> = BTreeMap::new();
    for member in members {
        let part = match mapping.family_of(&member.id) {
            Some((family_id, family, m)) => {
                let plan = family.plans.iter().find(|p| p.id == m.plan).cloned();
                let region = family.regions.iter().find(|r| r.id == m.region).cloned();
                // `Mapping::parse` checked that both exist.
                let (Some(plan), Some(region)) = (plan, region) else {
                    continue;
                };
                let legacy = m.legacy_auth_choices.clone();
                (
                    family_id.to_string(),
                    plan,
                    region,
                    m.auth_choice.clone(),
                    legacy,
                    member,
                )
            }
            None => {
                if !valid_id(&member.id) || mapping.families.contains_key(&member.id) {
                    report.push(provider_entry(
                        Kind::Error,
                        &member.id,
                        "this id cannot be a provcat provider id (lower-case letters, digits, `-` and `.`, not a family's id)",
                        "skipped the provider",
                    ));
                    continue;
                }
                let o = mapping
                    .providers
                    .get(&member.id)
                    .cloned()
                    .unwrap_or_default();
                let plan = o.plan.unwrap_or_else(|| mapping.defaults.plan.clone());
                let region = o.region.unwrap_or_else(|| mapping.defaults.region.clone());
                let choice = format!("{}-api-key", member.id);
                (member.id.clone(), plan, region, choice, Vec::new(), member)
            }
        };
        let (id, plan, region, auth_choice, legacy, member) = part;
        groups.entry(id).or_default().push(Part {
            surfaces: Vec::new(),
            clashes: BTreeMap::new(),
            member,
            plan,
            region,
            auth_choice,
            legacy,
        });
    }
    let mut out = Vec::new();
    for (id, mut parts) in groups {
        let family = mapping.families.get(&id);
        if let Some(family) = family {
            let order = |p: &Part| {
                family
                    .members
                    .iter()
                    .position(|m| m.models_dev == p.member.id)
            };
            parts.sort_by_key(order);
        }
        for part in &mut parts {
            surfaces(part, mapping);
        }
        if let Some(provider) = provider(&id, family, parts, report) {
            out.push(provider);
        }
    }
    out
}

/// A provider id provcat accepts.
fn valid_id(id: &str) -> bool {
    id.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
}

fn provider_entry(kind: Kind, provider: &str, message: &str, action: &str) -> Entry {
    Entry {
        kind,
        provider: provider.to_string(),
        model: None,
        file: Some(format!("providers/{provider}/provider.toml")),
        line: None,
        column: None,
        field: None,
        message: message.to_string(),
        action: action.to_string(),
    }
}

/// The chat surfaces of a part: its provider's own first, then those its models need.
fn surfaces(part: &mut Part, mapping: &Mapping) {
    let add = |dialect: Dialect, url: &str, model: Option<&str>, part: &mut Part| match part
        .surfaces
        .iter()
        .find(|s| s.dialect == dialect)
    {
        Some(s) if s.base_url == url => {}
        Some(s) => {
            if let Some(model) = model {
                part.clashes.insert(
                        model.to_string(),
                        format!(
                            "models.dev serves it at `{url}`, but this endpoint's {dialect} surface is `{}`; provcat calls one base URL per dialect: call it through a custom provider with that `baseUrl`",
                            s.base_url
                        ),
                    );
            }
        }
        None => {
            let host = provcat_compiler::check::https_host(url).unwrap_or_default();
            part.surfaces.push(Surface {
                dialect,
                base_url: url.to_string(),
                capabilities: mapping.capabilities(&host),
            });
        }
    };
    if let Route::Callable { dialect, base_url } = part.member.route.clone() {
        add(dialect, &base_url, None, part);
    }
    let routes: Vec<(String, Route)> = part
        .member
        .models
        .iter()
        .map(|m| (m.id.clone(), m.facts.route.clone()))
        .collect();
    for (model, route) in routes {
        if let Route::Callable { dialect, base_url } = route {
            add(dialect, &base_url, Some(&model), part);
        }
    }
}

fn provider(
    id: &str,
    family: Option<&Family>,
    parts: Vec<Part>,
    report: &mut Report,
) -> Option<Provider> {
    let first = parts.first()?;
    let callable = parts.iter().any(|p| !p.surfaces.is_empty());
    let not_callable = (!callable).then(|| match &first.member.route {
        Route::NotCallable(reason) => reason.clone(),
        Route::Callable { .. } => "none of its models can be called".to_string(),
    });
    let mut plans: Vec<PlanSpec> = Vec::new();
    let mut regions: Vec<RegionSpec> = Vec::new();
    for p in &parts {
        if !plans.contains(&p.plan) {
            plans.push(p.plan.clone());
        }
        if !regions.contains(&p.region) {
            regions.push(p.region.clone());
        }
    }
    if let Some(f) = family {
        plans.sort_by_key(|p| f.plans.iter().position(|x| x.id == p.id));
        regions.sort_by_key(|r| f.regions.iter().position(|x| x.id == r.id));
    }
    let auth_env = match family {
        Some(f) => f.auth_env.clone(),
        None => first.member.info.env.clone(),
    };
    let auth_env = if auth_env.is_empty() {
        let derived = format!(
            "{}_API_KEY",
            id.to_ascii_uppercase().replace(['-', '.'], "_")
        );
        report.push(provider_entry(
            Kind::Error,
            &first.member.id,
            "no usable `env` variable names the key",
            &format!("used `{derived}`"),
        ));
        vec![derived]
    } else {
        auth_env
    };
    let plans: Vec<(PlanSpec, Vec<String>)> = plans
        .into_iter()
        .map(|plan| {
            let mut own: Vec<String> = Vec::new();
            for p in parts.iter().filter(|p| p.plan.id == plan.id) {
                for var in &p.member.info.env {
                    if !auth_env.contains(var) && !own.contains(var) && valid_env(var) {
                        own.push(var.clone());
                    }
                }
            }
            (plan, own)
        })
        .collect();
    let plans = dedupe_key_env(plans, &first.member.id, report);
    let endpoints: Vec<Endpoint> = parts
        .iter()
        .filter(|p| !p.surfaces.is_empty())
        .map(|p| Endpoint {
            plan: p.plan.id.clone(),
            region: p.region.id.clone(),
            surfaces: p.surfaces.clone(),
        })
        .collect();
    let mut auth_choices: Vec<AuthChoice> = parts
        .iter()
        .filter(|p| !p.surfaces.is_empty())
        .map(|p| AuthChoice {
            id: p.auth_choice.clone(),
            plan: p.plan.id.clone(),
            region: p.region.id.clone(),
            legacy: p.legacy.clone(),
            default_model: None,
        })
        .collect();
    for p in &parts {
        let reason = match (&not_callable, p.surfaces.is_empty(), &p.member.route) {
            (Some(reason), _, _) => Some(reason.clone()),
            (None, true, Route::NotCallable(reason)) => {
                Some(format!("{reason}; its plan and region have no endpoint"))
            }
            _ => None,
        };
        if let Some(reason) = reason {
            report.push(provider_entry(
                Kind::NotCallable,
                &p.member.id,
                &reason,
                "imported for listing only (`not_callable`)",
            ));
        }
    }
    let models = models(&parts, &plans, &endpoints, not_callable.is_some(), report);
    if models.is_empty() {
        for p in &parts {
            report.push(provider_entry(
                Kind::Inconsistency,
                &p.member.id,
                "none of its models could be imported",
                "skipped the provider",
            ));
        }
        return None;
    }
    let default_model = default_model(&models, family.and_then(|f| f.default_model.as_deref()));
    for c in &mut auth_choices {
        c.default_model = choice_default(&models, &default_model, &c.plan, &c.region);
    }
    let doc = first
        .member
        .info
        .doc
        .clone()
        .filter(|d| d.starts_with("https://"));
    if doc.is_none() {
        report.push(provider_entry(
            Kind::Error,
            &first.member.id,
            "no https `doc` link",
            "linked https://models.dev instead",
        ));
    }
    let doc = doc.unwrap_or_else(|| "https://models.dev".to_string());
    let (api_keys, docs) = match family.and_then(|f| f.links.clone()) {
        Some(links) => (links.api_keys, links.docs),
        None => (doc.clone(), doc),
    };
    let name = match family {
        Some(f) => f.name.clone(),
        None => first
            .member
            .info
            .name
            .clone()
            .unwrap_or_else(|| id.to_string()),
    };
    for p in &parts {
        report.providers.push(ProviderLine {
            models_dev: p.member.id.clone(),
            provider: id.to_string(),
            plan: p.plan.id.clone(),
            region: p.region.id.clone(),
            callable: !p.surfaces.is_empty(),
            models_read: p.member.read,
            models_written: p.member.models.len(),
        });
    }
    Some(Provider {
        id: id.to_string(),
        name,
        namespace_aliases: family
            .map(|f| f.namespace_aliases.clone())
            .unwrap_or_default(),
        auth_env,
        default_model,
        api_keys,
        docs,
        plans,
        regions,
        endpoints,
        auth_choices,
        not_callable,
        sources: parts.iter().map(|p| p.member.id.clone()).collect(),
        models,
    })
}

/// A key variable holds one plan's keys: a variable two plans name stays with the first.
fn dedupe_key_env(
    plans: Vec<(PlanSpec, Vec<String>)>,
    provider: &str,
    report: &mut Report,
) -> Vec<(PlanSpec, Vec<String>)> {
    let mut seen: Vec<String> = Vec::new();
    plans
        .into_iter()
        .map(|(plan, vars)| {
            let mut kept = Vec::new();
            for var in vars {
                if seen.contains(&var) {
                    report.push(provider_entry(
                        Kind::Inconsistency,
                        provider,
                        &format!("key variable `{var}` is named by two plans; a plan's own variable holds that plan's keys only"),
                        &format!("kept it for the first plan only, not for `{}`", plan.id),
                    ));
                } else {
                    seen.push(var.clone());
                    kept.push(var);
                }
            }
            (plan, kept)
        })
        .collect()
}

fn models(
    parts: &[Part],
    plans: &[(PlanSpec, Vec<String>)],
    endpoints: &[Endpoint],
    listed_only: bool,
    report: &mut Report,
) -> BTreeMap<String, Model> {
    let mut listings: BTreeMap<&str, Vec<(usize, &MemberModel)>> = BTreeMap::new();
    for (i, p) in parts.iter().enumerate() {
        for m in &p.member.models {
            listings.entry(m.id.as_str()).or_default().push((i, m));
        }
    }
    let mut out = BTreeMap::new();
    for (id, listed) in listings {
        let (primary, first) = listed[0];
        let part = &parts[primary];
        for (other, m) in &listed[1..] {
            differences::report(&part.member.id, first, &parts[*other].member.id, m, report);
        }
        let facts = first.facts.clone();
        let (dialects, not_callable) = match (&facts.route, listed_only) {
            (_, true) => (Vec::new(), None),
            (Route::NotCallable(reason), false) => (Vec::new(), Some(reason.clone())),
            (Route::Callable { dialect, .. }, false) => match part.clashes.get(id) {
                Some(reason) => (Vec::new(), Some(reason.clone())),
                None if part.surfaces.first().is_some_and(|s| s.dialect == *dialect) => {
                    (Vec::new(), None)
                }
                None => (vec![*dialect], None),
            },
        };
        if let Some(reason) = &not_callable {
            report.push(Entry {
                kind: Kind::NotCallable,
                provider: part.member.id.clone(),
                model: Some(id.to_string()),
                file: Some(first.file.clone()),
                line: None,
                column: None,
                field: None,
                message: reason.clone(),
                action: "imported for listing only (`not_callable`)".to_string(),
            });
        }
        let callable = !listed_only && not_callable.is_none();
        let availability = plans
            .iter()
            .map(|(plan, _)| {
                let a = availability(
                    plan,
                    parts,
                    &listed,
                    endpoints,
                    callable,
                    &dialects,
                    listed_only,
                );
                (plan.id.clone(), a)
            })
            .collect();
        out.insert(
            id.to_string(),
            Model {
                facts,
                dialects,
                not_callable,
                availability,
                sources: listed.iter().map(|(_, m)| m.file.clone()).collect(),
            },
        );
    }
    out
}

/// Whether `plan` serves a model listed by `listed` (indices into `parts`).
fn availability(
    plan: &PlanSpec,
    parts: &[Part],
    listed: &[(usize, &MemberModel)],
    endpoints: &[Endpoint],
    callable: bool,
    dialects: &[Dialect],
    listed_only: bool,
) -> Availability {
    let serves = |e: &Endpoint| {
        !callable
            || e.surfaces
                .iter()
                .any(|s| dialects.is_empty() || dialects.contains(&s.dialect))
    };
    // Regions the plan could list: those with an endpoint (or every member's, when the
    // provider cannot be called at all).
    let possible: Vec<&str> = parts
        .iter()
        .filter(|p| p.plan.id == plan.id)
        .filter(|p| {
            listed_only
                || endpoints
                    .iter()
                    .any(|e| e.plan == plan.id && e.region == p.region.id)
        })
        .map(|p| p.region.id.as_str())
        .collect();
    let mut regions: Vec<String> = Vec::new();
    for (i, _) in listed {
        let p = &parts[*i];
        let served = listed_only
            || endpoints
                .iter()
                .any(|e| e.plan == plan.id && e.region == p.region.id && serves(e));
        if p.plan.id == plan.id && served && !regions.contains(&p.region.id) {
            regions.push(p.region.id.clone());
        }
    }
    if regions.is_empty() {
        let listed_here = listed.iter().any(|(i, _)| parts[*i].plan.id == plan.id);
        let reason = if listed_here {
            format!(
                "models.dev lists it for the {}, but not where provcat can call it",
                plan.name
            )
        } else {
            format!("models.dev does not list it for the {}", plan.name)
        };
        return Availability {
            status: AvailabilityStatus::Unavailable,
            reason: Some(reason),
            regions: Vec::new(),
        };
    }
    regions.sort();
    let all = possible.iter().all(|r| regions.iter().any(|x| x == r));
    Availability {
        status: AvailabilityStatus::Available,
        reason: None,
        regions: if all { Vec::new() } else { regions },
    }
}

/// The default chat model: the mapping's when imported, else the newest model that can be
/// called and is not deprecated (by release date, then id).
fn default_model(models: &BTreeMap<String, Model>, preferred: Option<&str>) -> String {
    if let Some(id) = preferred.filter(|id| models.contains_key(*id)) {
        return id.to_string();
    }
    models
        .iter()
        .max_by_key(rank)
        .map(|(id, _)| id.clone())
        .unwrap_or_default()
}

/// How good a default a model makes: callable, not deprecated, newest (then by id).
fn rank((id, m): &(&String, &Model)) -> (bool, bool, Option<String>, std::cmp::Reverse<String>) {
    (
        m.not_callable.is_none(),
        m.facts.lifecycle.0 != LifecycleStatus::Deprecated,
        m.facts.release_date.clone(),
        std::cmp::Reverse((*id).clone()),
    )
}

/// An auth choice's own default model: `None` when its plan serves the provider's default
/// in its region, else the best model it does serve there (a plan with models of its own).
fn choice_default(
    models: &BTreeMap<String, Model>,
    default: &str,
    plan: &str,
    region: &str,
) -> Option<String> {
    let serves = |m: &Model| {
        m.availability.get(plan).is_some_and(|a| {
            a.status != AvailabilityStatus::Unavailable
                && (a.regions.is_empty() || a.regions.iter().any(|r| r == region))
        })
    };
    if models.get(default).is_none_or(serves) {
        return None;
    }
    models
        .iter()
        .filter(|(_, m)| serves(m))
        .max_by_key(rank)
        .map(|(id, _)| id.clone())
}
