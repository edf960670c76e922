//! The ref table (canonical refs, namespace aliases, ref aliases) and the checks that
//! need it: shadowing, alias chains and cycles, default models and replacements.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use super::{Parsed, Unchecked};
use crate::compiled::{Catalog, RefEntry};
use crate::diagnostic::{Report, Rule};
use crate::source::{CatalogFile, ModelFile, ProviderFile};
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
    // Where each declared key was defined, for "first defined here" spans.
    let mut defined: HashMap<String, (String, Option<Range<usize>>)> = HashMap::new();
    for (i, m) in catalog.models.iter().enumerate() {
        table.insert(m.canonical_ref.clone(), (i, RefVia::Canonical));
        defined.insert(
            m.canonical_ref.clone(),
            (models[i].file.clone(), models[i].span("/id")),
        );
    }
    let first_defined = |key: &str, defined: &HashMap<String, (String, Option<Range<usize>>)>| {
        defined.get(key).cloned()
    };
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
                let mut d = m
                    .error(
                        Rule::AliasShadows,
                        &format!("/aliases/{j}"),
                        format!("alias `{alias}` already means `{existing}`"),
                    )
                    .label("shadows an existing ref")
                    .help("an alias must not be a canonical ref or another alias; remove or rename one of the two");
                if let Some((file, span)) = first_defined(alias, &defined) {
                    d = d.related(&file, span, "first defined here");
                }
                report.push(d);
            } else {
                table.insert(alias.clone(), (i, RefVia::Alias));
                defined.insert(
                    alias.clone(),
                    (m.file.clone(), m.span(&format!("/aliases/{j}"))),
                );
            }
        }
    }
    // Ref aliases, declared by providers: each target must be a canonical ref.
    for p in providers {
        for (alias, target) in &p.value.ref_aliases {
            let pointer = push_token("/ref_aliases", alias);
            if let Some(existing) = canonical(alias, &table) {
                let mut d = p
                    .key_error(
                        Rule::AliasShadows,
                        &pointer,
                        format!("ref alias `{alias}` already means `{existing}`"),
                    )
                    .label("shadows an existing ref")
                    .help("remove this entry; the ref already resolves");
                if let Some((file, span)) = first_defined(alias, &defined) {
                    d = d.related(&file, span, "first defined here");
                }
                report.push(d);
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
                        defined.insert(alias.clone(), (p.file.clone(), p.index.key_span(&pointer)));
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
            let mut d = p
                .error(
                    Rule::AliasShadows,
                    "/namespace_aliases",
                    format!(
                        "`{key}` would mean both `{}` and `{existing}`",
                        catalog.models[i].canonical_ref
                    ),
                )
                .help("a namespace alias must not collide with refs that already exist; rename the alias or the model alias");
            if let Some((file, span)) = first_defined(&key, &defined) {
                d = d.related(&file, span, "first defined here");
            }
            report.push(d);
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

/// Every default model must be a canonical ref of a model of the right kind: a provider's
/// defaults one of its own models, the catalog's any provider's.
pub fn check_default_models(
    settings: Option<&Parsed<CatalogFile>>,
    providers: &[Parsed<ProviderFile>],
    catalog: &Catalog,
    unchecked: &Unchecked,
    report: &mut Report,
) {
    for p in providers {
        let own = Some(p.value.id.as_str());
        check_default(
            p,
            "/default_model",
            &p.value.default_model,
            ModelKind::Chat,
            own,
            catalog,
            unchecked,
            report,
        );
        if let Some(video) = &p.value.default_video_model {
            check_default(
                p,
                "/default_video_model",
                video,
                ModelKind::Video,
                own,
                catalog,
                unchecked,
                report,
            );
        }
    }
    if let Some(s) = settings {
        if let Some(chat) = &s.value.default_chat_model {
            check_default(
                s,
                "/default_chat_model",
                chat,
                ModelKind::Chat,
                None,
                catalog,
                unchecked,
                report,
            );
        }
        if let Some(video) = &s.value.default_video_model {
            check_default(
                s,
                "/default_video_model",
                video,
                ModelKind::Video,
                None,
                catalog,
                unchecked,
                report,
            );
        }
    }
}

/// Checks one default: `target` (at `pointer` of `p`) must be the canonical ref of a `kind`
/// model, of provider `own` when given.
#[allow(clippy::too_many_arguments)]
pub(super) fn check_default<T>(
    p: &Parsed<T>,
    pointer: &str,
    target: &str,
    kind: ModelKind,
    own: Option<&str>,
    catalog: &Catalog,
    unchecked: &Unchecked,
    report: &mut Report,
) {
    if unchecked.models.contains(target) {
        return;
    }
    let found = catalog
        .refs
        .binary_search_by(|e| e.key.as_str().cmp(target))
        .ok()
        .map(|i| &catalog.refs[i]);
    let problem = match found.map(|e| (e, &catalog.models[e.model])) {
        None => {
            let refs = catalog
                .models
                .iter()
                .filter(|m| own.is_none_or(|o| m.provider == o) && m.source.kind == kind)
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
        Some((_, m)) if own.is_some_and(|o| m.provider != o) => Some((
            format!(
                "default model `{target}` belongs to provider `{}`",
                m.provider
            ),
            None,
        )),
        Some((_, m)) if m.source.kind != kind => Some((
            format!(
                "default model `{target}` is a {} model, not a {kind} model",
                m.source.kind
            ),
            None,
        )),
        Some(_) => None,
    };
    if let Some((message, help)) = problem {
        let label = match own {
            Some(_) => format!("must be a {kind} model of this provider"),
            None => format!("must be a {kind} model of the catalog"),
        };
        report.push(
            p.error(Rule::UnknownDefaultModel, pointer, message)
                .label(label)
                .maybe_help(help),
        );
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
    // Models are sorted by canonical ref.
    let index_of = |r: &str| {
        catalog
            .models
            .binary_search_by(|m| m.canonical_ref.as_str().cmp(r))
            .ok()
    };
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
