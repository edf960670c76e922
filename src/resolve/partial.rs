//! What can be told when [`resolve`](super::resolve) fails: the ref and the model it names,
//! the provider, where its key would come from, and — for a catalog provider that has no
//! auth choice yet — each auth choice it could use (a candidate), resolved as if the
//! config had it. `provcat explain` prints this instead of nothing, so a fresh install
//! shows what a request would use and what is missing.

use serde::Serialize;

use crate::catalog::{AuthChoice, ModelKind, Provider, RefVia};
use crate::common::{Report, Rule};
use crate::config::{Env, LoadedConfig};

use super::named::{self, Found};
use super::{KeyLookup, RefSource, Request, Target, find_key, key_vars, resolve};

/// The fields of a [`Target`] as serialized, in order: what `explain --json` prints, with
/// `null` for those a failed resolution could not tell.
pub const TARGET_FIELDS: &[&str] = &[
    "typed_ref",
    "ref_source",
    "canonical_ref",
    "alias",
    "via",
    "provider_id",
    "provider_name",
    "custom",
    "config_entry",
    "model_id",
    "wire_id",
    "facts_from",
    "kind",
    "auth",
    "plan",
    "region",
    "endpoint",
    "dialect",
    "base_url",
    "base_url_source",
    "polls_per_second",
    "capabilities",
    "headers",
    "key_env",
    "key",
    "warnings",
];

/// The part of a target that a failed resolution could tell; serialized with the names
/// of the [`Target`] fields it stands for.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Partial {
    /// The ref as typed or configured (`None` when even that failed).
    pub typed_ref: Option<String>,
    /// Where the ref came from.
    pub ref_source: Option<RefSource>,
    /// The canonical ref, when the ref names a model.
    pub canonical_ref: Option<String>,
    /// The alias used, when the typed ref was one.
    pub alias: Option<String>,
    /// How the alias reached the model.
    pub via: Option<RefVia>,
    /// The provider id.
    pub provider_id: Option<String>,
    /// The provider's display name.
    pub provider_name: Option<String>,
    /// The catalog provider.
    #[serde(skip)]
    pub provider: Option<&'static Provider>,
    /// Whether the provider is a custom one of the config.
    pub custom: Option<bool>,
    /// The config entry (`models.providers.<key>`), if any.
    pub config_entry: Option<String>,
    /// The model id.
    pub model_id: Option<String>,
    /// The id sent on the wire.
    pub wire_id: Option<String>,
    /// The model kind.
    pub kind: Option<ModelKind>,
    /// The env vars the key may come from (the provider's, without a plan).
    pub key_env: Vec<String>,
    /// The key lookup over those, when the provider is known.
    pub key: Option<KeyLookup>,
}

/// One auth choice a catalog provider without one could use, resolved as if the config
/// had it.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// The auth choice.
    pub choice: &'static AuthChoice,
    /// The target with it, or why it would not work (the first problem's message).
    pub outcome: Result<Box<Target>, String>,
}

/// What `request` resolves to as far as it goes. Never fails: what cannot be told is
/// left empty.
pub fn partial(request: &Request<'_>, config: &LoadedConfig, env: &Env) -> Partial {
    let Ok(chosen) = named::choose_ref(request, config) else {
        return Partial::default();
    };
    let mut out = Partial {
        typed_ref: Some(chosen.typed_ref.clone()),
        ref_source: Some(chosen.ref_source.clone()),
        ..Partial::default()
    };
    let Ok(found) = named::find(&chosen, config) else {
        return out;
    };
    out.kind = Some(found.kind());
    match &found {
        Found::Catalog(m) => {
            let Some(provider) = crate::catalog::provider(m.model.provider) else {
                return out;
            };
            let ids: Vec<&str> = std::iter::once(provider.id)
                .chain(provider.namespace_aliases.iter().copied())
                .collect();
            let entry = config.provider_entry(&ids);
            out.canonical_ref = Some(m.model.canonical_ref.to_string());
            out.alias = m.alias.map(str::to_string);
            out.via = m.alias.map(|_| m.via);
            out.provider_id = Some(provider.id.to_string());
            out.provider_name = Some(provider.name.to_string());
            out.provider = Some(provider);
            out.custom = Some(false);
            out.config_entry = entry.map(|(k, _)| k.to_string());
            out.model_id = Some(m.model.id.to_string());
            out.wire_id = Some(m.model.wire_id.to_string());
            out.key_env = key_vars(provider, None);
            out.key = Some(find_key(
                request.api_key.as_ref(),
                entry.map(|(k, e)| (k, e.api_key.as_deref())),
                &out.key_env,
                env,
                config,
            ));
        }
        Found::Custom {
            id,
            model_id,
            entry,
        } => {
            out.provider_id = Some(id.to_string());
            out.provider_name = Some(format!("{id} (custom provider)"));
            out.custom = Some(true);
            out.config_entry = Some(id.to_string());
            out.canonical_ref = Some(format!("{id}/{model_id}"));
            out.model_id = Some(model_id.clone());
            out.wire_id = Some(model_id.clone());
            out.key_env = vec![super::custom_key_env(id)];
            out.key = Some(find_key(
                request.api_key.as_ref(),
                Some((id, entry.api_key.as_deref())),
                &out.key_env,
                env,
                config,
            ));
        }
    }
    out
}

/// Whether `report` says the provider has no auth choice.
pub fn lacks_auth_choice(report: &Report) -> bool {
    report
        .diagnostics()
        .iter()
        .any(|d| d.rule == Rule::MissingAuthChoice)
}

/// Each auth choice of `provider`, resolved for `request` as if the config's entry for the
/// provider (`models.providers.<entry>`, else `<provider id>`) had it.
pub fn candidates(
    provider: &'static Provider,
    entry: Option<&str>,
    request: &Request<'_>,
    config: &LoadedConfig,
    env: &Env,
) -> Vec<Candidate> {
    let entry = entry.unwrap_or(provider.id).to_string();
    provider
        .auth_choices
        .iter()
        .map(|choice| {
            let mut with = config.clone();
            with.file
                .models
                .providers
                .entry(entry.clone())
                .or_default()
                .auth_choice = Some(choice.id.to_string());
            let outcome = resolve(request, &with, env).map(Box::new).map_err(|r| {
                r.diagnostics()
                    .first()
                    .map_or_else(|| "cannot be resolved".to_string(), |d| d.message.clone())
            });
            Candidate { choice, outcome }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{self, ConfigLocation, ConfigOrigin};

    fn config_with(text: &str) -> (tempfile::TempDir, LoadedConfig) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        let location = ConfigLocation {
            path,
            origin: ConfigOrigin::Flag,
        };
        let loaded = config::load(location).unwrap();
        (dir, loaded)
    }

    #[test]
    fn target_fields_are_the_fields_a_target_serializes() {
        let (_dir, config) =
            config_with("[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\n");
        let target = resolve(&Request::default(), &config, &Env::default()).unwrap();
        let value = serde_json::to_value(&target).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = TARGET_FIELDS.to_vec();
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
    }

    #[test]
    fn a_fresh_config_tells_the_default_ref_and_every_candidate() {
        let (_dir, config) = config_with("");
        let request = Request::default();
        let env = Env::default();
        let report = resolve(&request, &config, &env).unwrap_err();
        assert!(lacks_auth_choice(&report));
        let partial = partial(&request, &config, &env);
        let provider = partial.provider.unwrap();
        assert_eq!(partial.ref_source, Some(RefSource::BuiltinDefault));
        assert!(partial.key.as_ref().unwrap().found.is_none());
        let candidates = candidates(provider, None, &request, &config, &env);
        assert_eq!(candidates.len(), provider.auth_choices.len());
        assert!(candidates.iter().any(|c| c.outcome.is_ok()));
    }
}
