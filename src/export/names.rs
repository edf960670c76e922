//! The ids and names each format knows providers by. A provider the format already has is
//! exported under the format's own id and name, so an export can replace or sit beside the
//! format's own entry; any other gets a derived id: the provider id when it has one
//! endpoint, else `<provider>-<plan>-<region>`, and a name saying plan and region.
//!
//! Which providers a format has is data, not code: `names.toml` beside this file (embedded),
//! matched by catalog provider id or any namespace alias, and by plan and region id — so it
//! keeps working when a provider's canonical id changes.

use std::sync::OnceLock;

use serde::Deserialize;

use super::targets::Target;
use crate::catalog::Provider;

/// The embedded table.
const NAMES: &str = include_str!("names.toml");

/// One target a format has: its provider (any of these catalog ids or namespace aliases),
/// plan and region, and the format's id and name for it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Known {
    providers: Vec<String>,
    plan: String,
    region: String,
    id: String,
    name: String,
}

/// A provider LiteLLM has, and its `litellm_provider` id.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KnownProvider {
    providers: Vec<String>,
    id: String,
}

/// The whole table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    models_dev: Vec<Known>,
    catwalk: Vec<Known>,
    litellm: Vec<KnownProvider>,
}

/// Parses a names table (`names.toml`'s shape).
pub fn parse(text: &str) -> Result<Names, toml::de::Error> {
    toml::from_str(text)
}

/// The embedded table, parsed once. The file is part of the source and a unit test parses
/// it; were it ever broken, every provider would get its derived name.
fn names() -> &'static Names {
    static NAMES_TABLE: OnceLock<Names> = OnceLock::new();
    NAMES_TABLE.get_or_init(|| parse(NAMES).unwrap_or_default())
}

fn is(provider: &Provider, ids: &[String]) -> bool {
    ids.iter()
        .any(|id| id == provider.id || provider.namespace_aliases.contains(&id.as_str()))
}

fn known(table: &[Known], target: &Target) -> Option<(String, String)> {
    table
        .iter()
        .find(|k| {
            is(target.provider, &k.providers)
                && k.plan == target.plan.id
                && k.region == target.region.id
        })
        .map(|k| (k.id.clone(), k.name.clone()))
}

/// The id and name derived from the catalog: the provider's own for a provider with one
/// endpoint, else `<provider>-<plan>-<region>` and `<name> (<plan name>, <region name>)`.
pub fn derived(target: &Target) -> (String, String) {
    if target.only {
        (
            target.provider.id.to_string(),
            target.provider.name.to_string(),
        )
    } else {
        (
            format!(
                "{}-{}-{}",
                target.provider.id, target.plan.id, target.region.id
            ),
            format!(
                "{} ({}, {})",
                target.provider.name, target.plan.name, target.region.name
            ),
        )
    }
}

/// The models.dev id and name of a target.
pub fn models_dev(target: &Target) -> (String, String) {
    known(&names().models_dev, target).unwrap_or_else(|| derived(target))
}

/// The catwalk id and name of a target.
pub fn catwalk(target: &Target) -> (String, String) {
    known(&names().catwalk, target).unwrap_or_else(|| derived(target))
}

/// LiteLLM's provider id for a catalog provider, and whether LiteLLM knows it (else the
/// catalog's id is used).
pub fn litellm(provider: &Provider) -> (String, bool) {
    match names().litellm.iter().find(|k| is(provider, &k.providers)) {
        Some(k) => (k.id.clone(), true),
        None => (provider.id.to_string(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses_and_has_distinct_ids_per_format() {
        let names = parse(NAMES).unwrap_or_else(|e| panic!("names.toml: {e}"));
        for table in [&names.models_dev, &names.catwalk] {
            assert!(!table.is_empty());
            for (i, a) in table.iter().enumerate() {
                for b in &table[i + 1..] {
                    let same_target =
                        a.providers == b.providers && a.plan == b.plan && a.region == b.region;
                    assert!(!same_target, "{} and {} name the same target", a.id, b.id);
                }
            }
        }
        assert!(!names.litellm.is_empty());
        assert!(parse("[[models_dev]]\nid = 1\n").is_err());
    }
}
