//! Checks of provider files: ids, plans, regions, endpoints, auth choices and hosts.

use std::collections::{BTreeMap, HashSet};

use super::{Parsed, https_host, report_duplicates};
use crate::compiled::{AuthChoiceEntry, HostEntry};
use crate::diagnostic::{Diagnostic, Report, Rule};
use crate::source::{Endpoint, ProviderFile};
use crate::suggest;
use crate::vocab::{Dialect, Surface};

/// Checks every provider on its own and against the others.
pub fn check_all(providers: &[Parsed<ProviderFile>], report: &mut Report) {
    for p in providers {
        if p.folder != p.value.id {
            report.push(
                p.error(
                    Rule::Layout,
                    "/id",
                    format!(
                        "provider id `{}` does not match its folder `{}`",
                        p.value.id, p.folder
                    ),
                )
                .label("must equal the folder name")
                .help(format!(
                    "rename the folder to `{}` or set `id = \"{}\"`",
                    p.value.id, p.folder
                )),
            );
        }
        check_one(p, report);
    }
    report_duplicates(
        providers
            .iter()
            .map(|p| (p.value.id.as_str(), p, "/id".to_string())),
        "provider id",
        report,
    );
    // A namespace alias must not be a provider id or another provider's alias.
    let ids: HashSet<&str> = providers.iter().map(|p| p.value.id.as_str()).collect();
    for p in providers {
        for (i, alias) in p.value.namespace_aliases.iter().enumerate() {
            if ids.contains(alias.as_str()) {
                report.push(
                    p.error(
                        Rule::AliasShadows,
                        &format!("/namespace_aliases/{i}"),
                        format!("namespace alias `{alias}` is also a provider id"),
                    )
                    .label("shadows a provider")
                    .help("remove the alias or rename one of the two"),
                );
            }
        }
    }
    report_duplicates(
        providers.iter().flat_map(|p| {
            p.value
                .namespace_aliases
                .iter()
                .enumerate()
                .map(move |(i, a)| (a.as_str(), p, format!("/namespace_aliases/{i}")))
        }),
        "namespace alias",
        report,
    );
    // Auth choice ids, canonical and legacy, are unique across the catalog.
    report_duplicates(
        providers.iter().flat_map(|p| {
            p.value
                .auth_choices
                .iter()
                .enumerate()
                .flat_map(move |(i, c)| {
                    std::iter::once((c.id.as_str(), p, format!("/auth_choices/{i}/id"))).chain(
                        c.legacy_aliases.iter().enumerate().map(move |(j, a)| {
                            (
                                a.as_str(),
                                p,
                                format!("/auth_choices/{i}/legacy_aliases/{j}"),
                            )
                        }),
                    )
                })
        }),
        "auth choice id",
        report,
    );
}

/// Checks one provider file on its own: unique ids, endpoints and auth choices that refer
/// to its plans and regions, surfaces, error rules.
pub fn check_one(p: &Parsed<ProviderFile>, report: &mut Report) {
    let v = &p.value;
    report_duplicates(
        v.plans
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.as_str(), p, format!("/plans/{i}/id"))),
        "plan id",
        report,
    );
    report_duplicates(
        v.regions
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.as_str(), p, format!("/regions/{i}/id"))),
        "region id",
        report,
    );
    report_duplicates(
        v.auth_env
            .iter()
            .enumerate()
            .map(|(i, x)| (x.as_str(), p, format!("/auth_env/{i}"))),
        "auth env var",
        report,
    );
    // A plan's own key variables hold that plan's keys only.
    report_duplicates(
        v.plans.iter().enumerate().flat_map(|(i, plan)| {
            plan.key_env
                .iter()
                .enumerate()
                .map(move |(j, x)| (x.as_str(), p, format!("/plans/{i}/key_env/{j}")))
        }),
        "plan key variable",
        report,
    );
    callable(p, report);
    let plans: Vec<&str> = v.plans.iter().map(|x| x.id.as_str()).collect();
    let regions: Vec<&str> = v.regions.iter().map(|x| x.id.as_str()).collect();

    let mut pairs: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (i, e) in v.endpoints.iter().enumerate() {
        let base = format!("/endpoints/{i}");
        dangling(p, &format!("{base}/plan"), "plan", &e.plan, &plans, report);
        dangling(
            p,
            &format!("{base}/region"),
            "region",
            &e.region,
            &regions,
            report,
        );
        if let Some(first) = pairs.insert((&e.plan, &e.region), i) {
            report.push(
                p.error(
                    Rule::DuplicateId,
                    &base,
                    format!(
                        "a second endpoint for plan `{}` in region `{}`",
                        e.plan, e.region
                    ),
                )
                .related(
                    &p.file,
                    p.span(&format!("/endpoints/{first}")),
                    "first defined here",
                )
                .help("each (plan, region) pair has one endpoint; merge the two"),
            );
        }
        check_surfaces(p, i, e, report);
    }
    for (i, rule) in v.errors.iter().enumerate() {
        if rule.code.is_none() && rule.message_contains.is_none() {
            report.push(
                p.error(
                    Rule::MissingKey,
                    &format!("/errors/{i}"),
                    "an error rule needs `code`, `message_contains` or both",
                )
                .label("this rule would match every error")
                .help("say which errors it classifies: `code = \"…\"` and/or `message_contains = \"…\"`"),
            );
        }
    }
    for (i, c) in v.auth_choices.iter().enumerate() {
        let base = format!("/auth_choices/{i}");
        let plan_ok = dangling(p, &format!("{base}/plan"), "plan", &c.plan, &plans, report);
        let region_ok = dangling(
            p,
            &format!("{base}/region"),
            "region",
            &c.region,
            &regions,
            report,
        );
        if plan_ok
            && region_ok
            && endpoints_sound(v)
            && !pairs.contains_key(&(c.plan.as_str(), c.region.as_str()))
        {
            report.push(
                p.error(
                    Rule::AuthChoiceWithoutEndpoint,
                    &base,
                    format!(
                        "auth choice `{}` picks plan `{}` in region `{}`, which has no endpoint",
                        c.id, c.plan, c.region
                    ),
                )
                .help("add an `[[endpoints]]` entry for this plan and region, or change the auth choice"),
            );
        }
    }
}

/// A callable provider has endpoints and auth choices; one marked `not_callable` has
/// neither.
fn callable(p: &Parsed<ProviderFile>, report: &mut Report) {
    let v = &p.value;
    let lists = [
        ("endpoints", v.endpoints.is_empty(), "[[endpoints]]"),
        (
            "auth_choices",
            v.auth_choices.is_empty(),
            "[[auth_choices]]",
        ),
    ];
    for (key, empty, table) in lists {
        let pointer = format!("/{key}");
        let written = p.index.locate(&pointer).is_some_and(|l| l.key.is_some());
        match (&v.not_callable, empty) {
            (None, true) => {
                let help = format!(
                    "add `{table}`, or say why provcat cannot call this provider in `not_callable = \"…\"`"
                );
                let d = if written {
                    p.error(Rule::MissingKey, &pointer, format!("`{key}` is empty"))
                        .label("a callable provider needs at least one")
                } else {
                    Diagnostic::new(
                        Rule::MissingKey,
                        format!("missing key `{key}` in this file"),
                    )
                    .at(&p.file, Some(0..0))
                    .label(format!("`{key}` is required here"))
                };
                report.push(d.help(help));
            }
            (Some(_), false) => report.push(
                p.key_error(
                    Rule::InconsistentFlags,
                    &pointer,
                    format!("`{key}` on a provider marked `not_callable`"),
                )
                .related(&p.file, p.index.key_span("/not_callable"), "marked here")
                .help(format!(
                    "a provider provcat cannot call has no `{key}`; remove them, or remove `not_callable`"
                )),
            ),
            _ => {}
        }
    }
}

/// Checks the surfaces of endpoint `i`: https base URLs, a dialect that serves the
/// surface's kind, kind-specific fields, and no (kind, dialect) twice.
fn check_surfaces(p: &Parsed<ProviderFile>, i: usize, e: &Endpoint, report: &mut Report) {
    let mut seen: BTreeMap<(Surface, Dialect), usize> = BTreeMap::new();
    for (j, surface) in e.surfaces.iter().enumerate() {
        let base = format!("/endpoints/{i}/surfaces/{j}");
        insecure(p, &format!("{base}/base_url"), &surface.base_url, report);
        if surface.dialect.surface() != surface.kind {
            let fitting: Vec<String> = Dialect::serving(surface.kind)
                .map(|d| format!("`{d}`"))
                .collect();
            report.push(
                p.error(
                    Rule::InvalidValue,
                    &format!("{base}/dialect"),
                    format!(
                        "dialect `{}` does not serve `{}`",
                        surface.dialect, surface.kind
                    ),
                )
                .label(format!("a {} dialect", surface.dialect.surface()))
                .help(format!(
                    "a `{}` surface speaks {}",
                    surface.kind,
                    fitting.join(" or ")
                )),
            );
        }
        let misplaced = match surface.kind {
            Surface::Chat => surface
                .polls_per_second
                .is_some()
                .then_some(("polls_per_second", "video")),
            Surface::Video => surface
                .capabilities
                .is_some()
                .then_some(("capabilities", "chat")),
        };
        if let Some((key, applies_to)) = misplaced {
            report.push(
                p.key_error(
                    Rule::KindFields,
                    &format!("{base}/{key}"),
                    format!("`{key}` does not apply to a `{}` surface", surface.kind),
                )
                .label(format!("only for `{applies_to}` surfaces"))
                .help(format!("remove `{key}`")),
            );
        }
        if let Some(first) = seen.insert((surface.kind, surface.dialect), j) {
            report.push(
                p.error(
                    Rule::DuplicateId,
                    &base,
                    format!(
                        "a second `{}` surface speaking `{}` in this endpoint",
                        surface.kind, surface.dialect
                    ),
                )
                .related(
                    &p.file,
                    p.span(&format!("/endpoints/{i}/surfaces/{first}")),
                    "first defined here",
                )
                .help("each endpoint has at most one surface per kind and dialect"),
            );
        }
    }
}

/// True when every endpoint names a known plan and region, so "no endpoint for …"
/// conclusions can be trusted (otherwise they only repeat a dangling reference).
pub fn endpoints_sound(p: &ProviderFile) -> bool {
    p.endpoints.iter().all(|e| {
        p.plans.iter().any(|x| x.id == e.plan) && p.regions.iter().any(|x| x.id == e.region)
    })
}

/// Reports `value` when it is not one of `known`; returns whether it is known.
fn dangling<T>(
    p: &Parsed<T>,
    pointer: &str,
    what: &str,
    value: &str,
    known: &[&str],
    report: &mut Report,
) -> bool {
    if known.contains(&value) {
        return true;
    }
    let mut known = known.to_vec();
    known.sort_unstable();
    known.dedup();
    let help = suggest::did_you_mean(&suggest::closest(value, known.iter().copied()))
        .unwrap_or_else(|| {
            format!(
                "known {what}s: {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    report.push(
        p.error(
            Rule::DanglingReference,
            pointer,
            format!("unknown {what} `{value}`"),
        )
        .label(format!("no {what} with this id"))
        .help(help),
    );
    false
}

fn insecure<T>(p: &Parsed<T>, pointer: &str, url: &str, report: &mut Report) {
    if https_host(url).is_none() {
        report.push(
            p.error(
                Rule::InsecureEndpoint,
                pointer,
                format!("endpoint URL `{url}` is not an https:// URL with a host"),
            )
            .label("keys would be sent here")
            .help("endpoints must use `https://<host>/…`; API keys never travel over plain http"),
        );
    }
}

/// Every auth choice id (canonical and legacy), sorted.
pub fn auth_choice_table(providers: &[Parsed<ProviderFile>]) -> Vec<AuthChoiceEntry> {
    let mut table: Vec<AuthChoiceEntry> = providers
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| {
            p.value
                .auth_choices
                .iter()
                .enumerate()
                .flat_map(move |(ci, c)| {
                    std::iter::once((c.id.clone(), false))
                        .chain(c.legacy_aliases.iter().map(|a| (a.clone(), true)))
                        .map(move |(key, legacy)| AuthChoiceEntry {
                            key,
                            provider: pi,
                            choice: ci,
                            legacy,
                        })
                })
        })
        .collect();
    table.sort_by(|a, b| a.key.cmp(&b.key));
    table.dedup_by(|a, b| a.key == b.key);
    table
}

/// Every (host, dialect) of an endpoint surface, sorted; reports a host whose surfaces of
/// one dialect declare different capabilities.
pub fn host_table(providers: &[Parsed<ProviderFile>], report: &mut Report) -> Vec<HostEntry> {
    let mut by_host: BTreeMap<(String, Dialect), (usize, usize, usize)> = BTreeMap::new();
    for (pi, p) in providers.iter().enumerate() {
        for (ei, e) in p.value.endpoints.iter().enumerate() {
            for (si, surface) in e.surfaces.iter().enumerate() {
                // A surface of the wrong kind is reported already.
                if surface.dialect.surface() != surface.kind {
                    continue;
                }
                let Some(host) = https_host(&surface.base_url) else {
                    continue;
                };
                match by_host.get(&(host.clone(), surface.dialect)) {
                    Some(&(fp, fe, fs)) => {
                        let first = &providers[fp];
                        let first_surface = &first.value.endpoints[fe].surfaces[fs];
                        if first_surface.capabilities.unwrap_or_default()
                            != surface.capabilities.unwrap_or_default()
                        {
                            let first_pointer =
                                format!("/endpoints/{fe}/surfaces/{fs}/capabilities");
                            report.push(
                                p.error(
                                    Rule::HostConflict,
                                    &format!("/endpoints/{ei}/surfaces/{si}/capabilities"),
                                    format!(
                                        "host `{host}` has different `{}` capabilities in another endpoint",
                                        surface.dialect
                                    ),
                                )
                                .related(&first.file, first.span(&first_pointer), "first defined here")
                                .help("capabilities belong to the host and dialect; make both surfaces declare the same `capabilities`"),
                            );
                        }
                    }
                    None => {
                        by_host.insert((host, surface.dialect), (pi, ei, si));
                    }
                }
            }
        }
    }
    by_host
        .into_iter()
        .map(
            |((host, dialect), (provider, endpoint, surface))| HostEntry {
                host,
                dialect,
                provider,
                endpoint,
                surface,
            },
        )
        .collect()
}
