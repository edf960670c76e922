//! Resolving a model of the built-in catalog: the provider's config entry, its auth choice
//! (plan, region, endpoint), the plan's availability of the model, and the base URL.

use crate::catalog::{
    self, AvailabilityStatus, LifecycleStatus, Model, ModelMatch, Plan, Provider, Region,
};
use crate::compiler::tree::push_token;
use crate::compiler::{Diagnostic, Report, Rule};
use crate::config::{Env, LoadedConfig};

use super::{BaseUrlSource, Chosen, ChosenAuth, KeyLookup, Request, Target, capabilities, finish};

/// Resolves `found`, a catalog model named by `chosen.typed_ref`.
pub(super) fn resolve(
    found: ModelMatch,
    chosen: Chosen,
    request: &Request<'_>,
    config: &LoadedConfig,
    env: &Env,
) -> Result<Target, Report> {
    let Chosen {
        typed_ref,
        ref_source,
        pointer: _,
        mut warnings,
    } = chosen;
    let fail = |d: Diagnostic| Err(config.report([d]));
    let model = found.model;
    let Some(provider) = catalog::provider(model.provider) else {
        return fail(Diagnostic::new(
            Rule::DanglingReference,
            format!(
                "internal error: provider `{}` of `{}` is missing",
                model.provider, model.canonical_ref
            ),
        ));
    };
    if model.lifecycle.status != LifecycleStatus::Active {
        warnings.push(format!(
            "{} is {}{}",
            model.canonical_ref,
            model.lifecycle.status,
            model
                .lifecycle
                .replacement
                .map(|r| format!("; use {r} instead"))
                .unwrap_or_default()
        ));
    }
    let ids: Vec<&str> = std::iter::once(provider.id)
        .chain(provider.namespace_aliases.iter().copied())
        .collect();
    let entry = config.provider_entry(&ids);
    let entry_pointer = entry.map(|(k, _)| push_token("/models/providers", k));
    let prefix = entry.map(|(k, _)| format!("models.providers.{k}"));
    let auth = match entry.and_then(|(_, e)| e.auth_choice.as_deref()) {
        Some(id) => match catalog::lookup_auth_choice(id) {
            Ok(m) => Some(ChosenAuth {
                choice: m.choice,
                legacy_id: m.legacy_alias.map(str::to_string),
            }),
            Err(e) => return fail(Diagnostic::new(Rule::DanglingReference, e.to_string())),
        },
        None => None,
    };
    let custom_url = entry.and_then(|(_, e)| e.base_url.clone());
    let (plan, region, endpoint) = match &auth {
        Some(a) => (
            provider.plan(a.choice.plan),
            provider.region(a.choice.region),
            provider.endpoint(a.choice.plan, a.choice.region),
        ),
        // No auth choice, but a base URL on one of this provider's own hosts: that host's
        // endpoint says the plan and region (and so availability and key shape).
        None => match custom_url
            .as_deref()
            .and_then(|u| crate::config::parse_base_url(u).ok())
            .and_then(|u| u.host_str().and_then(catalog::endpoint_for_host))
            .filter(|e| e.provider == provider.id)
        {
            Some(e) => (provider.plan(e.plan), provider.region(e.region), Some(e)),
            None => (None, None, None),
        },
    };
    if auth.is_none() && custom_url.is_none() {
        let d = Diagnostic::new(
                Rule::MissingKey,
                format!("no auth choice for provider `{}`: the auth choice selects the plan, region and endpoint", provider.id),
            )
            .help(format!(
                "run `provcat onboard --auth-choice <id>` with one of {}, or set `{}.authChoice` in {}",
                provider.auth_choices.iter().map(|c| format!("`{}`", c.id)).collect::<Vec<_>>().join(", "),
                prefix.as_deref().unwrap_or(&format!("models.providers.{}", provider.id)),
                config.display_path()
            ));
        // With an entry for the provider, point at it: that is where it goes.
        return fail(match &entry_pointer {
            Some(p) => {
                config.diagnostic_at(d.label("no `authChoice` (or `baseUrl`) here"), p, true)
            }
            None => d,
        });
    }
    if let (Some(plan), Some(region)) = (plan, region) {
        match model.availability_on(plan.id).map(|a| (a.status, a.reason)) {
            Some((AvailabilityStatus::MayBeRejected, reason)) => warnings.push(format!(
                "{} may be rejected on the {}: {} {}",
                model.canonical_ref,
                plan.name,
                reason.unwrap_or(""),
                switch_advice(provider, model, plan, region)
            )),
            Some((AvailabilityStatus::Unavailable, reason)) => {
                let d = Diagnostic::new(
                    Rule::InvalidValue,
                    format!(
                        "{} is not available on the {}",
                        model.canonical_ref, plan.name
                    ),
                )
                .help(
                    format!(
                        "{} {}",
                        reason.unwrap_or(""),
                        switch_advice(provider, model, plan, region)
                    )
                    .trim()
                    .to_string(),
                );
                return fail(match &entry_pointer {
                    Some(p) => config.diagnostic_at(
                        d.label("this auth choice selects that plan"),
                        &push_token(p, "authChoice"),
                        false,
                    ),
                    None => d,
                });
            }
            _ => {}
        }
    }
    let (base_url, base_url_source) = match (&custom_url, endpoint, &auth) {
        (Some(url), _, _) => (
            url.clone(),
            BaseUrlSource::Config {
                key: format!("{}.baseUrl", prefix.clone().unwrap_or_default()),
            },
        ),
        (None, Some(e), Some(a)) => (
            e.base_url.to_string(),
            BaseUrlSource::AuthChoice {
                id: a.choice.id.to_string(),
            },
        ),
        _ => {
            return fail(Diagnostic::new(
                Rule::AuthChoiceWithoutEndpoint,
                format!(
                    "internal error: no endpoint for the auth choice of `{}`",
                    provider.id
                ),
            ));
        }
    };
    let target = Target {
        typed_ref: typed_ref.clone(),
        ref_source,
        canonical_ref: model.canonical_ref.to_string(),
        alias: found.alias.map(str::to_string),
        via: found.alias.map(|_| found.via),
        provider_id: provider.id.to_string(),
        provider: Some(provider),
        config_entry: entry.map(|(k, _)| k.to_string()),
        model_id: model.id.to_string(),
        model: Some(model),
        kind: model.kind,
        auth,
        plan,
        region,
        endpoint,
        base_url,
        base_url_source,
        native_base_url: None,
        capabilities: capabilities::explain("", &Default::default(), ""),
        headers: entry.map(|(_, e)| e.headers.clone()).unwrap_or_default(),
        key_env: provider.auth_env.iter().map(|v| v.to_string()).collect(),
        key: KeyLookup {
            found: None,
            searched: Vec::new(),
        },
        warnings,
    };
    finish(target, request, config, env, entry, prefix)
}

/// The seed's advice when a model is not (reliably) served on `plan`: switch to an auth
/// choice of a plan that serves it, in the same region.
fn switch_advice(provider: &Provider, model: &Model, plan: &Plan, region: &Region) -> String {
    provider
        .auth_choice_serving(model, Some(region.id), Some(plan.id))
        .and_then(|c| provider.plan(c.plan).map(|p| (c, p)))
        .map(|(choice, better)| {
            format!(
                "Switch to a {} auth choice in the same region: `provcat onboard --auth-choice {}`.",
                better.name, choice.id
            )
        })
        .unwrap_or_default()
}
