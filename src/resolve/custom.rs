//! Resolving a model of a custom provider (`models.providers.<id>` with `api` and
//! `baseUrl`): any model id is accepted, and the key is read from `<ID>_API_KEY`, then
//! from the env vars of the catalog provider whose host the base URL targets.

use crate::catalog::{self, ModelKind};
use crate::compiler::{Diagnostic, Report, Rule};
use crate::config::{Env, LoadedConfig, ProviderConfig};

use super::{BaseUrlSource, Chosen, KeyLookup, Request, Target, capabilities, finish};

/// Resolves `model_id` of the custom provider `id`, configured by `entry`.
pub(super) fn resolve(
    id: String,
    model_id: String,
    entry: &ProviderConfig,
    chosen: Chosen,
    request: &Request<'_>,
    config: &LoadedConfig,
    env: &Env,
) -> Result<Target, Report> {
    let Chosen {
        typed_ref,
        ref_source,
        pointer: _,
        warnings,
    } = chosen;
    let fail = |d: Diagnostic| Err(config.report([d]));
    let prefix = format!("models.providers.{id}");
    let Some(base_url) = entry.base_url.clone() else {
        return fail(Diagnostic::new(
            Rule::MissingKey,
            format!("custom provider `{id}` has no baseUrl"),
        ));
    };
    let mut key_env = vec![env_var_of(&id)];
    let inherited = crate::config::parse_base_url(&base_url)
        .ok()
        .and_then(|u| u.host_str().and_then(catalog::endpoint_for_host));
    if let Some(provider) = inherited.and_then(|e| catalog::provider(e.provider)) {
        key_env.extend(provider.auth_env.iter().map(|v| v.to_string()));
    }
    let target = Target {
        typed_ref: typed_ref.clone(),
        ref_source,
        canonical_ref: format!("{id}/{model_id}"),
        alias: None,
        via: None,
        provider_id: id.clone(),
        provider: None,
        config_entry: Some(id.clone()),
        model_id,
        model: None,
        kind: ModelKind::Chat,
        auth: None,
        plan: None,
        region: None,
        endpoint: None,
        base_url,
        base_url_source: BaseUrlSource::Config {
            key: format!("{prefix}.baseUrl"),
        },
        native_base_url: None,
        capabilities: capabilities::explain("", &Default::default(), ""),
        headers: entry.headers.clone(),
        key_env,
        key: KeyLookup {
            found: None,
            searched: Vec::new(),
        },
        warnings,
    };
    finish(
        target,
        request,
        config,
        env,
        Some((&id, entry)),
        Some(prefix),
    )
}

/// `<id>/<model>` where `<id>` is a custom provider of the config.
pub(super) fn custom_provider<'c>(
    reference: &str,
    config: &'c LoadedConfig,
) -> Option<(String, String, &'c ProviderConfig)> {
    let (id, model) = reference.split_once('/')?;
    if model.is_empty() || catalog::provider(id).is_some() {
        return None;
    }
    let entry = config.file.models.providers.get(id)?;
    Some((id.to_string(), model.to_string(), entry))
}

/// The env var a custom provider's key is read from: `my-proxy` → `MY_PROXY_API_KEY`.
pub fn env_var_of(provider: &str) -> String {
    let mut name: String = provider
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    name.push_str("_API_KEY");
    name
}
