//! Semantic checks: everything the schema cannot say.
//!
//! Each file has already passed its JSON Schema (or been pruned to what passes it, see
//! [`provcat_common::prune`]); here the files are checked against
//! each other (references, uniqueness, aliases) and against the rules of the domain
//! (output within context, https endpoints, plans that can serve a model, …). Every
//! problem is reported; the compiled [`Catalog`] is only used when there are none.

mod defaults;
mod facts;
mod models;
pub(crate) mod providers;
mod refs;

use std::collections::HashSet;
use std::ops::Range;

use crate::compiled::{Catalog, Model};
use crate::diagnostic::{Diagnostic, Report, Rule};
use crate::source::{CatalogFile, ModelFile, ProviderFile};
use crate::tree::SpanIndex;

/// A file that passed its schema: the typed value, where it came from, and its spans.
#[derive(Clone, Debug)]
pub struct Parsed<T> {
    /// The file as displayed.
    pub file: String,
    /// The provider folder it sits in.
    pub folder: String,
    /// The file name without `.toml`.
    pub stem: String,
    /// Spans of its values.
    pub index: SpanIndex,
    /// The typed value.
    pub value: T,
}

impl<T> Parsed<T> {
    /// A diagnostic located at the value at `pointer`.
    pub fn error(&self, rule: Rule, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(rule, message).at(&self.file, self.index.value_span(pointer))
    }

    /// A diagnostic located at the key at `pointer`.
    pub fn key_error(&self, rule: Rule, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(rule, message).at(&self.file, self.index.key_span(pointer))
    }

    /// The span of the value at `pointer`.
    pub fn span(&self, pointer: &str) -> Option<Range<usize>> {
        self.index.value_span(pointer)
    }
}

/// Files that exist but could not be checked (they have errors of their own). Checks
/// that would only repeat those errors (a "missing" model that is merely broken) skip them.
/// With catalog layers ([`crate::layers`]), it also says what a file need not state.
#[derive(Clone, Debug, Default)]
pub struct Unchecked {
    /// Provider folders whose `provider.toml` is broken.
    pub providers: HashSet<String>,
    /// Canonical refs (`<folder>/<stem>`) of broken model files.
    pub models: HashSet<String>,
    /// Plans a model file (by its displayed path) need not list under `availability`:
    /// plans a later catalog layer added to its provider, which it could not know.
    pub unlisted_plans: std::collections::HashMap<String, HashSet<String>>,
}

/// Runs every check and builds the catalog's tables. Problems go to `report`.
pub fn check(
    settings: Option<Parsed<CatalogFile>>,
    mut providers: Vec<Parsed<ProviderFile>>,
    mut models: Vec<Parsed<ModelFile>>,
    unchecked: &Unchecked,
    report: &mut Report,
) -> Catalog {
    providers.sort_by(|a, b| a.value.id.cmp(&b.value.id).then(a.file.cmp(&b.file)));
    providers::check_all(&providers, report);
    // A model whose id differs from its file name is reported once (layout); refs to the
    // name its file promises should not be reported again as missing.
    let mut unchecked = unchecked.clone();
    for m in models.iter().filter(|m| m.stem != m.value.id) {
        unchecked.models.insert(format!("{}/{}", m.folder, m.stem));
    }
    let unchecked = &unchecked;
    models.sort_by(|a, b| (&a.folder, &a.value.id).cmp(&(&b.folder, &b.value.id)));
    models::check_all(&providers, &models, unchecked, report);

    let mut catalog = Catalog {
        settings: settings
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_default(),
        providers: providers.iter().map(|p| p.value.clone()).collect(),
        models: models
            .iter()
            .map(|m| Model {
                provider: m.folder.clone(),
                canonical_ref: format!("{}/{}", m.folder, m.value.id),
                source: m.value.clone(),
                not_callable: m.value.not_callable.clone().or_else(|| {
                    providers
                        .iter()
                        .find(|p| p.value.id == m.folder)
                        .and_then(|p| p.value.not_callable.clone())
                }),
            })
            .collect(),
        ..Catalog::default()
    };
    // Models sorted by canonical ref; keep `models` (the parsed files) in the same order
    // so indices agree.
    let mut order: Vec<usize> = (0..catalog.models.len()).collect();
    order.sort_by(|&a, &b| {
        catalog.models[a]
            .canonical_ref
            .cmp(&catalog.models[b].canonical_ref)
    });
    catalog.models = order.iter().map(|&i| catalog.models[i].clone()).collect();
    let models: Vec<&Parsed<ModelFile>> = order.iter().map(|&i| &models[i]).collect();

    catalog.refs = refs::ref_table(&providers, &models, &catalog, unchecked, report);
    refs::check_default_models(settings.as_ref(), &providers, &catalog, unchecked, report);
    defaults::check_choice_defaults(&providers, &catalog, unchecked, report);
    refs::check_replacements(&models, &catalog, unchecked, report);
    catalog.auth_choice_ids = providers::auth_choice_table(&providers);
    catalog.hosts = providers::host_table(&providers, report);
    catalog
}

/// Reports every value that occurs more than once in `items` (by `key`), at its later
/// places, each pointing back at the first place as a related span.
fn report_duplicates<'a, T: 'a>(
    items: impl IntoIterator<Item = (&'a str, &'a Parsed<T>, String)>,
    what: &str,
    report: &mut Report,
) {
    let mut seen: std::collections::HashMap<&str, (String, Option<Range<usize>>)> =
        Default::default();
    for (key, parsed, pointer) in items {
        match seen.get(key) {
            Some((first_file, first_span)) => {
                report.push(
                    parsed
                        .error(
                            Rule::DuplicateId,
                            &pointer,
                            format!("duplicate {what} `{key}`"),
                        )
                        .label(format!("`{key}` is already used"))
                        .related(first_file, first_span.clone(), "first defined here")
                        .help(format!(
                            "{what}s must be unique; rename or remove one of the two"
                        )),
                );
            }
            None => {
                seen.insert(key, (parsed.file.clone(), parsed.span(&pointer)));
            }
        }
    }
}

/// The host of an `https://` URL, lower-cased and without port; `None` when the URL is
/// not `https://host…`.
pub fn https_host(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next()?;
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    valid.then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::https_host;

    #[test]
    fn https_hosts() {
        assert_eq!(
            https_host("https://Dashscope.aliyuncs.com/compatible-mode/v1").as_deref(),
            Some("dashscope.aliyuncs.com")
        );
        assert_eq!(https_host("https://h:8443").as_deref(), Some("h"));
        assert_eq!(https_host("http://dashscope.aliyuncs.com/v1"), None);
        assert_eq!(https_host("https:///v1"), None);
        assert_eq!(https_host("https://bad host/v1"), None);
    }
}
