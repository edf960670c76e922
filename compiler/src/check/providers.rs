//! Checks of provider files: ids, plans, regions, endpoints, auth choices and hosts.

use std::collections::{BTreeMap, HashSet};

use super::{Parsed, https_host, report_duplicates};
use crate::compiled::{AuthChoiceEntry, HostEntry};
use crate::diagnostic::{Report, Rule};
use crate::source::ProviderFile;
use crate::suggest;
use crate::vocab::Surface;

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

fn check_one(p: &Parsed<ProviderFile>, report: &mut Report) {
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
                    format!("a second endpoint for plan `{}` in region `{}`", e.plan, e.region),
                )
                .help(format!("endpoint {first} already serves this pair; each (plan, region) has one endpoint")),
            );
        }
        insecure(p, &format!("{base}/base_url"), &e.base_url, report);
        if let Some(native) = &e.native_base_url {
            insecure(p, &format!("{base}/native_base_url"), native, report);
        }
        if e.surfaces.contains(&Surface::Video) && e.native_base_url.is_none() {
            report.push(
                p.error(
                    Rule::InvalidValue,
                    &format!("{base}/surfaces"),
                    "endpoint serves `video` but has no `native_base_url`",
                )
                .label("the video surface is served from the native API")
                .help("add `native_base_url = \"https://…\"` or remove `video` from `surfaces`"),
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

/// Every endpoint host, sorted; reports hosts shared by endpoints with different capabilities.
pub fn host_table(providers: &[Parsed<ProviderFile>], report: &mut Report) -> Vec<HostEntry> {
    let mut by_host: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (pi, p) in providers.iter().enumerate() {
        for (ei, e) in p.value.endpoints.iter().enumerate() {
            let urls = std::iter::once(&e.base_url).chain(e.native_base_url.as_ref());
            for host in urls.filter_map(|u| https_host(u)) {
                match by_host.get(&host) {
                    Some(&(fp, fe)) => {
                        let first = &providers[fp].value.endpoints[fe];
                        if first.capabilities != e.capabilities {
                            report.push(
                                p.error(
                                    Rule::HostConflict,
                                    &format!("/endpoints/{ei}/capabilities"),
                                    format!("host `{host}` has different capabilities in another endpoint"),
                                )
                                .help(format!(
                                    "capabilities belong to the host; make them equal to those in {} (endpoint {}/{})",
                                    providers[fp].file, first.plan, first.region
                                )),
                            );
                        }
                    }
                    None => {
                        by_host.insert(host, (pi, ei));
                    }
                }
            }
        }
    }
    by_host
        .into_iter()
        .map(|(host, (provider, endpoint))| HostEntry {
            host,
            provider,
            endpoint,
        })
        .collect()
}
