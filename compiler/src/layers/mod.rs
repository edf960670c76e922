//! Catalog layers: catalogs loaded over another one (run-time overlays over the built-in
//! catalog), merged into one set of files before the checks, so every check sees one
//! catalog and every problem is located in the file that causes it.
//!
//! The rules, layer by layer over the first (the base):
//!
//! - **New providers and models** are added. Two layers above the base adding the same
//!   provider, model, namespace alias or auth choice id clash: the checks report a
//!   duplicate at the later file, pointing at the first.
//! - **A provider of the base, extended**: models in `<id>/models/` of a higher layer are
//!   added to the base provider; its `provider.toml` there is optional. When present it must
//!   hold on its own (its plans, regions, endpoints and auth choices agree); the plans,
//!   regions, endpoints (by plan and region), auth choices, namespace aliases, ref aliases
//!   and error rules the base lacks are added, and everything else (name, key variables,
//!   links, default models, whatever the base already has) stays the base's. A model of a
//!   lower layer need not list a plan a higher layer added.
//! - **A model of the base, again**: the base's facts win and the higher file is only
//!   shadowed (a [`Note`], shown with `-v`), except for its availability on plans the base
//!   provider does not have, which is taken. With `override = true` the higher file
//!   replaces the base's model, facts and all; `override = true` with nothing below to
//!   replace is an error.
//! - **`catalog.toml`**: the base's is used when it has one; a higher one is shadowed.

use std::collections::{HashMap, HashSet};

use crate::check::{self, Parsed, Unchecked};
use crate::compiled::Catalog;
use crate::diagnostic::{Diagnostic, Report, Rule};
use crate::load::SourceFile;
use crate::source::{CatalogFile, ModelFile, ProviderFile};

/// The files of one catalog layer, parsed and typed (each passed its schema).
#[derive(Debug, Default)]
pub(crate) struct Parts {
    pub(crate) settings: Option<Parsed<CatalogFile>>,
    pub(crate) providers: Vec<Parsed<ProviderFile>>,
    pub(crate) models: Vec<Parsed<ModelFile>>,
    pub(crate) unchecked: Unchecked,
    /// Files that failed their schema but were checked without what failed it.
    pub(crate) pruned: Vec<PrunedFile>,
}

/// A file checked without the keys that failed its schema (see [`provcat_common::prune`]).
#[derive(Debug)]
pub(crate) struct PrunedFile {
    /// The file as displayed.
    pub(crate) file: String,
    /// Spans of its values.
    pub(crate) index: crate::tree::SpanIndex,
    /// What was removed.
    pub(crate) pruned: provcat_common::prune::Pruned,
}

impl Parts {
    /// Runs every check over the files and builds the catalog. A check's diagnostic that
    /// only repeats the schema error of a pruned file's removed value is dropped.
    pub(crate) fn check(self, report: &mut Report) -> Catalog {
        let start = report.len();
        let catalog = check::check(
            self.settings,
            self.providers,
            self.models,
            &self.unchecked,
            report,
        );
        if !self.pruned.is_empty() {
            for d in report.take_from(start) {
                let repeats = self
                    .pruned
                    .iter()
                    .find(|p| d.file.as_deref() == Some(p.file.as_str()))
                    .is_some_and(|p| p.pruned.repeats(&d, &p.index));
                if !repeats {
                    report.push(d);
                }
            }
        }
        catalog
    }
}

/// Something a higher layer's file did that is not an error but worth saying (`-v`): a
/// shadowed model, an override, an extended provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The file of the higher layer.
    pub file: String,
    /// What happened.
    pub message: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// A catalog compiled from layers, and what the higher layers' files did.
#[derive(Debug)]
pub struct Layered {
    /// The merged catalog.
    pub catalog: Catalog,
    /// Shadowed and overriding files, extended providers, in layer and file order.
    pub notes: Vec<Note>,
}

/// Compiles `layers` (the base first, then each catalog over it) into one catalog.
pub fn compile_layers(layers: &[Vec<SourceFile>]) -> Result<Layered, Report> {
    let mut report = Report::default();
    let mut seen = HashSet::new();
    let parts = layers
        .iter()
        .map(|files| crate::parse_layer(files, &mut seen, &mut report))
        .collect();
    let (merged, notes) = merge(parts, &mut report);
    let catalog = merged.check(&mut report);
    if report.is_empty() {
        Ok(Layered { catalog, notes })
    } else {
        Err(report)
    }
}

/// Merges `layers` (the base first) into one set of files, by the rules of the module
/// docs; problems of the merge itself go to `report`.
pub(crate) fn merge(layers: Vec<Parts>, report: &mut Report) -> (Parts, Vec<Note>) {
    let mut layers = layers.into_iter();
    let mut merged = layers.next().unwrap_or_default();
    let mut notes = Vec::new();
    let base_folders: HashSet<String> = merged.providers.iter().map(|p| p.folder.clone()).collect();
    // The layer each model comes from, and where each ref is.
    let mut origin: Vec<usize> = vec![0; merged.models.len()];
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for (i, m) in merged.models.iter().enumerate() {
        index.entry(key(m)).or_insert(i);
    }
    let mut overridden: HashSet<usize> = HashSet::new();
    // Plans higher layers added to base providers: provider folder → (plan, layer).
    let mut added_plans: HashMap<String, Vec<(String, usize)>> = HashMap::new();
    for (i, layer) in layers.enumerate() {
        let layer_no = i + 1;
        match (&merged.settings, layer.settings) {
            (None, settings) => merged.settings = settings,
            (Some(base), Some(s)) => notes.push(Note {
                file: s.file,
                message: format!("shadowed by {}: its settings are used", base.file),
            }),
            (Some(_), None) => {}
        }
        for p in layer.providers {
            let base = merged
                .providers
                .iter_mut()
                .find(|b| base_folders.contains(&p.folder) && b.folder == p.folder);
            match base {
                Some(base) if p.value.id == p.folder => {
                    let before = report.diagnostics().len();
                    check::providers::check_one(&p, report);
                    if report.diagnostics().len() > before {
                        continue;
                    }
                    let added = extend(&mut base.value, &p.value);
                    let plans = added_plans.entry(p.folder.clone()).or_default();
                    plans.extend(added.plans.iter().map(|id| (id.clone(), layer_no)));
                    notes.push(Note {
                        file: p.file,
                        message: format!(
                            "extends `{}` of {}{}; everything else is that file's",
                            p.value.id,
                            base.file,
                            added.describe()
                        ),
                    });
                }
                _ => merged.providers.push(p),
            }
        }
        for m in layer.models {
            let at = index.get(&key(&m)).copied();
            match at {
                // A second override of the same model clashes with the first.
                Some(at) if overridden.contains(&at) && m.value.override_below => {}
                Some(at) if origin[at] == 0 || overridden.contains(&at) => {
                    let below = &mut merged.models[at];
                    if m.value.override_below {
                        notes.push(Note {
                            file: m.file.clone(),
                            message: format!(
                                "overrides {}: this file's facts are used",
                                below.file
                            ),
                        });
                        merged.models[at] = m;
                        origin[at] = layer_no;
                        overridden.insert(at);
                        continue;
                    }
                    let plans = added_plans.get(&m.folder).map_or(&[][..], Vec::as_slice);
                    let taken = take_new_plans(&mut below.value, &m.value, plans);
                    let taken = if taken.is_empty() {
                        String::new()
                    } else {
                        format!("; its availability on {} is taken", quoted(&taken))
                    };
                    notes.push(Note {
                        file: m.file.clone(),
                        message: format!(
                            "shadowed by {}, whose facts are used{taken} (add `override = true` to use this file's)",
                            below.file
                        ),
                    });
                    continue;
                }
                Some(_) => {}
                None => {
                    index.insert(key(&m), merged.models.len());
                    if m.value.override_below {
                        report.push(nothing_to_override(&m));
                    }
                }
            }
            origin.push(layer_no);
            merged.models.push(m);
        }
        merged.pruned.extend(layer.pruned);
        let unchecked = layer.unchecked;
        merged.unchecked.providers.extend(unchecked.providers);
        merged.unchecked.models.extend(unchecked.models);
    }
    // The base itself may not override anything.
    for (i, m) in merged.models.iter().enumerate() {
        if origin[i] == 0 && m.value.override_below {
            report.push(nothing_to_override(m));
        }
    }
    // A model need not list the plans a higher layer than its own added.
    for (i, m) in merged.models.iter().enumerate() {
        let later: HashSet<String> = added_plans
            .get(&m.folder)
            .into_iter()
            .flatten()
            .filter(|(_, layer)| *layer > origin[i])
            .map(|(plan, _)| plan.clone())
            .collect();
        if !later.is_empty() {
            merged
                .unchecked
                .unlisted_plans
                .insert(m.file.clone(), later);
        }
    }
    (merged, notes)
}

fn key(m: &Parsed<ModelFile>) -> (String, String) {
    (m.folder.clone(), m.value.id.clone())
}

fn nothing_to_override(m: &Parsed<ModelFile>) -> Diagnostic {
    m.key_error(
        Rule::Override,
        "/override",
        format!(
            "`override = true`, but no catalog below this one has `{}/{}`",
            m.folder, m.value.id
        ),
    )
    .label("nothing to override")
    .help("remove `override = true`: it is for a catalog loaded with `--catalog` that replaces a model of the built-in catalog")
}

/// Availability entries of `shadowed` for plans a higher layer added (`added`) that
/// `below` does not list, copied into `below`; returns those plans.
fn take_new_plans(
    below: &mut ModelFile,
    shadowed: &ModelFile,
    added: &[(String, usize)],
) -> Vec<String> {
    let mut taken = Vec::new();
    for (plan, a) in &shadowed.availability {
        if added.iter().any(|(p, _)| p == plan) && !below.availability.contains_key(plan) {
            below.availability.insert(plan.clone(), a.clone());
            taken.push(plan.clone());
        }
    }
    taken
}

/// What an extension added to a provider.
#[derive(Default)]
struct Added {
    plans: Vec<String>,
    regions: Vec<String>,
    endpoints: Vec<String>,
    auth_choices: Vec<String>,
    other: usize,
}

impl Added {
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (what, items) in [
            ("plans", &self.plans),
            ("regions", &self.regions),
            ("endpoints", &self.endpoints),
            ("auth choices", &self.auth_choices),
        ] {
            if !items.is_empty() {
                parts.push(format!("{what} {}", quoted(items)));
            }
        }
        if self.other > 0 {
            parts.push(format!("{} aliases and error rules", self.other));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!(", adding {}", parts.join(", "))
        }
    }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds to `base` what `ext` has and it lacks (by id; endpoints by plan and region).
fn extend(base: &mut ProviderFile, ext: &ProviderFile) -> Added {
    let mut added = Added::default();
    for plan in &ext.plans {
        if !base.plans.iter().any(|p| p.id == plan.id) {
            base.plans.push(plan.clone());
            added.plans.push(plan.id.clone());
        }
    }
    for region in &ext.regions {
        if !base.regions.iter().any(|r| r.id == region.id) {
            base.regions.push(region.clone());
            added.regions.push(region.id.clone());
        }
    }
    for e in &ext.endpoints {
        if !base
            .endpoints
            .iter()
            .any(|b| b.plan == e.plan && b.region == e.region)
        {
            base.endpoints.push(e.clone());
            added.endpoints.push(format!("{}/{}", e.plan, e.region));
        }
    }
    for c in &ext.auth_choices {
        if !base.auth_choices.iter().any(|b| b.id == c.id) {
            base.auth_choices.push(c.clone());
            added.auth_choices.push(c.id.clone());
        }
    }
    for alias in &ext.namespace_aliases {
        if !base.namespace_aliases.contains(alias) {
            base.namespace_aliases.push(alias.clone());
            added.other += 1;
        }
    }
    for (from, to) in &ext.ref_aliases {
        if !base.ref_aliases.contains_key(from) {
            base.ref_aliases.insert(from.clone(), to.clone());
            added.other += 1;
        }
    }
    for rule in &ext.errors {
        let same = |b: &crate::source::ErrorRule| {
            b.code == rule.code && b.message_contains == rule.message_contains
        };
        if !base.errors.iter().any(same) {
            base.errors.push(rule.clone());
            added.other += 1;
        }
    }
    added
}

#[cfg(test)]
mod tests;
