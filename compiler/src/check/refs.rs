//! The ref table (canonical refs, namespace aliases, ref aliases) and the checks that
//! need it: shadowing, alias chains and cycles, default models and replacements.

use std::collections::BTreeMap;

use super::{Parsed, Unchecked};
use crate::compiled::{Catalog, RefEntry};
use crate::diagnostic::{Report, Rule};
use crate::source::{ModelFile, ProviderFile};
use crate::suggest;
use crate::tree::push_token;
use crate::vocab::{ModelKind, RefVia};

/// Builds the ref table. `models` is in the order of `catalog.models`.
pub fn ref_table(
    providers: &[Parsed<ProviderFile>],
    models: &[&Parsed<ModelFile>],
    catalog: &Catalog,
    unchecked: &Unchecked,
    report: &mut Report,
) -> Vec<RefEntry> {
    let mut table: BTreeMap<String, (usize, RefVia)> = BTreeMap::new();
    for (i, m) in catalog.models.iter().enumerate() {
        table.insert(m.canonical_ref.clone(), (i, RefVia::Canonical));
    }
    let canonical = |key: &str, table: &BTreeMap<String, (usize, RefVia)>| {
        table
            .get(key)
            .map(|(i, _)| catalog.models[*i].canonical_ref.clone())
    };
    // Namespaces that are aliases of a provider: refs in them are derived, not declared.
    let namespace_of: BTreeMap<&str, &str> = providers
        .iter()
        .flat_map(|p| {
            p.value
                .namespace_aliases
                .iter()
                .map(|a| (a.as_str(), p.value.id.as_str()))
        })
        .collect();
    // Model aliases, declared in model files.
    for (i, m) in models.iter().enumerate() {
        for (j, alias) in m.value.aliases.iter().enumerate() {
            let namespace = alias.split('/').next().unwrap_or_default();
            if let Some(provider) = namespace_of.get(namespace) {
                report.push(
                    m.error(
                        Rule::AliasShadows,
                        &format!("/aliases/{j}"),
                        format!("alias `{alias}` is in `{namespace}`, a namespace alias of provider `{provider}`"),
                    )
                    .label("refs in this namespace are derived from the provider's")
                    .help("every `<provider-id>/<id>` ref already resolves under the namespace alias; remove this alias"),
                );
            } else if let Some(existing) = canonical(alias, &table) {
                report.push(
                    m.error(Rule::AliasShadows, &format!("/aliases/{j}"), format!("alias `{alias}` already means `{existing}`"))
                        .label("shadows an existing ref")
                        .help("an alias must not be a canonical ref or another alias; remove or rename it"),
                );
            } else {
                table.insert(alias.clone(), (i, RefVia::Alias));
            }
        }
    }
    // Ref aliases, declared by providers: each target must be a canonical ref.
    for p in providers {
        for (alias, target) in &p.value.ref_aliases {
            let pointer = push_token("/ref_aliases", alias);
            if let Some(existing) = canonical(alias, &table) {
                report.push(
                    p.key_error(
                        Rule::AliasShadows,
                        &pointer,
                        format!("ref alias `{alias}` already means `{existing}`"),
                    )
                    .label("shadows an existing ref")
                    .help("remove this entry; the ref already resolves"),
                );
                continue;
            }
            match follow(target, &p.value.ref_aliases) {
                Followed::Cycle(path) => report.push(
                    p.error(
                        Rule::AliasCycle,
                        &pointer,
                        format!(
                            "ref alias `{alias}` leads back to itself: {}",
                            path.join(" -> ")
                        ),
                    )
                    .help("point every alias at a canonical `<provider>/<id>` ref"),
                ),
                Followed::Chain(end) => {
                    report.push(alias_chain(p, &pointer, alias, target, end.as_deref()))
                }
                Followed::Direct => match table.get(target) {
                    Some(&(i, RefVia::Canonical)) => {
                        table.insert(alias.clone(), (i, RefVia::Alias));
                    }
                    Some(&(i, _)) => {
                        let end = catalog.models[i].canonical_ref.as_str();
                        report.push(alias_chain(p, &pointer, alias, target, Some(end)))
                    }
                    None if unchecked.models.contains(target) => {}
                    None => report.push(unknown_ref(
                        p,
                        &pointer,
                        target,
                        catalog,
                        "ref alias target",
                    )),
                },
            }
        }
    }
    // Namespace aliases: every `<alias>/<key>` for every key of the provider.
    let mut expanded = Vec::new();
    for p in providers {
        let prefix = format!("{}/", p.value.id);
        let distinct = p
            .value
            .namespace_aliases
            .iter()
            .filter(|n| !providers.iter().any(|q| q.value.id == **n));
        for namespace in distinct {
            for (key, &(i, via)) in table.range(prefix.clone()..) {
                let Some(rest) = key.strip_prefix(&prefix) else {
                    break;
                };
                let via = if via == RefVia::Canonical {
                    RefVia::NamespaceAlias
                } else {
                    via
                };
                expanded.push((format!("{namespace}/{rest}"), i, via, p));
            }
        }
    }
    for (key, i, via, p) in expanded {
        if let Some(existing) = canonical(&key, &table) {
            report.push(
                p.error(Rule::AliasShadows, "/namespace_aliases", format!("`{key}` would mean both `{}` and `{existing}`", catalog.models[i].canonical_ref))
                    .help("a namespace alias must not collide with refs that already exist; rename the alias or the model alias"),
            );
        } else {
            table.insert(key, (i, via));
        }
    }
    table
        .into_iter()
        .map(|(key, (model, via))| RefEntry { key, model, via })
        .collect()
}

fn alias_chain(
    p: &Parsed<ProviderFile>,
    pointer: &str,
    alias: &str,
    target: &str,
    end: Option<&str>,
) -> crate::diagnostic::Diagnostic {
    p.error(
        Rule::AliasChain,
        pointer,
        format!("ref alias `{alias}` points at `{target}`, which is itself an alias"),
    )
    .label("aliases may not point at aliases")
    .help(format!(
        "point it at the canonical ref directly{}",
        end.map(|e| format!(": `{e}`")).unwrap_or_default()
    ))
}

enum Followed {
    /// The target is not an alias.
    Direct,
    /// The target is an alias; the canonical end of the chain, when there is one.
    Chain(Option<String>),
    /// Following the aliases returns to an alias already seen.
    Cycle(Vec<String>),
}

fn follow(target: &str, aliases: &BTreeMap<String, String>) -> Followed {
    let mut path = vec![target.to_string()];
    let mut current = target;
    while let Some(next) = aliases.get(current) {
        if path.iter().any(|p| p == next) {
            path.push(next.clone());
            return Followed::Cycle(path);
        }
        path.push(next.clone());
        current = next;
    }
    if path.len() == 1 {
        Followed::Direct
    } else {
        Followed::Chain(path.last().cloned())
    }
}

fn unknown_ref<T>(
    p: &Parsed<T>,
    pointer: &str,
    target: &str,
    catalog: &Catalog,
    what: &str,
) -> crate::diagnostic::Diagnostic {
    let refs = catalog.models.iter().map(|m| m.canonical_ref.as_str());
    let help = suggest::did_you_mean(&suggest::closest(target, refs)).unwrap_or_else(|| {
        "name a model as `<provider>/<id>`, where `<id>` has a file in `<provider>/models/`"
            .to_string()
    });
    p.error(
        Rule::DanglingReference,
        pointer,
        format!("{what} `{target}` is not a model in the catalog"),
    )
    .label("no such model")
    .help(help)
}

/// Every provider's default model must be one of its own chat models, by canonical ref.
pub fn check_default_models(
    providers: &[Parsed<ProviderFile>],
    catalog: &Catalog,
    unchecked: &Unchecked,
    report: &mut Report,
) {
    for p in providers {
        let target = &p.value.default_model;
        if unchecked.models.contains(target) {
            continue;
        }
        let found = catalog.refs.iter().find(|e| e.key == *target);
        let problem = match found.map(|e| (e, &catalog.models[e.model])) {
            None => {
                let refs = catalog
                    .models
                    .iter()
                    .filter(|m| m.provider == p.value.id)
                    .map(|m| m.canonical_ref.as_str());
                let help = suggest::did_you_mean(&suggest::closest(target, refs));
                Some((
                    format!("default model `{target}` is not a model of this catalog"),
                    help,
                ))
            }
            Some((e, m)) if e.via != RefVia::Canonical => Some((
                format!("default model `{target}` is an alias"),
                Some(format!("use the canonical ref `{}`", m.canonical_ref)),
            )),
            Some((_, m)) if m.provider != p.folder => Some((
                format!(
                    "default model `{target}` belongs to provider `{}`",
                    m.provider
                ),
                None,
            )),
            Some((_, m)) if m.source.kind != ModelKind::Chat => Some((
                format!(
                    "default model `{target}` is a {} model, not a chat model",
                    m.source.kind
                ),
                None,
            )),
            Some(_) => None,
        };
        if let Some((message, help)) = problem {
            report.push(
                p.error(Rule::UnknownDefaultModel, "/default_model", message)
                    .label("must be a chat model of this provider")
                    .maybe_help(help),
            );
        }
    }
}

/// Lifecycle replacements must be canonical refs of other models, without cycles.
pub fn check_replacements(
    models: &[&Parsed<ModelFile>],
    catalog: &Catalog,
    unchecked: &Unchecked,
    report: &mut Report,
) {
    let replacement_of = |i: usize| catalog.models[i].source.lifecycle.replacement.as_deref();
    let index_of = |r: &str| catalog.models.iter().position(|m| m.canonical_ref == r);
    for (i, m) in models.iter().enumerate() {
        let Some(target) = replacement_of(i) else {
            continue;
        };
        let pointer = "/lifecycle/replacement";
        let Some(mut next) = index_of(target) else {
            if unchecked.models.contains(target) {
                continue;
            }
            report.push(unknown_ref(*m, pointer, target, catalog, "replacement"));
            continue;
        };
        let mut path = vec![catalog.models[i].canonical_ref.clone(), target.to_string()];
        for _ in 0..catalog.models.len() {
            if next == i {
                report.push(
                    m.error(
                        Rule::AliasCycle,
                        pointer,
                        format!(
                            "replacements lead back to this model: {}",
                            path.join(" -> ")
                        ),
                    )
                    .help("a replacement must end at a model that has none"),
                );
                break;
            }
            match replacement_of(next).and_then(|r| index_of(r).map(|n| (r, n))) {
                Some((r, n)) => {
                    path.push(r.to_string());
                    next = n;
                }
                None => break,
            }
        }
    }
}
