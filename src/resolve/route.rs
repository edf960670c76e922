//! A provider's route to a model: auth choice, plan, region, endpoint, the surface and its
//! dialect, the base URL and why — the same steps for catalog and custom providers — and
//! the finishing steps every target shares (capabilities, key, warnings, URL safety).

use crate::catalog::{
    self, Dialect, Endpoint, Model, ModelKind, ModelMatch, Plan, Provider, Region, Surface,
    SurfaceEntry,
};
use crate::common::tree::push_token;
use crate::common::{Diagnostic, Report, Rule};
use crate::config::{Env, LoadedConfig, ProviderConfig};
use crate::warning::Warning;

use super::availability;
use super::capabilities::{self, Fallback};
use super::named::{Chosen, Found};
use super::{BaseUrlSource, ChosenAuth, Request, Target, find_key, key_shape_warning};

/// Everything about the provider side of a target except capabilities and key.
pub(super) struct Route<'c> {
    provider_id: String,
    provider_name: String,
    provider: Option<&'static Provider>,
    custom: bool,
    entry: Option<(&'c str, &'c ProviderConfig)>,
    model_id: String,
    wire_id: String,
    model: Option<&'static Model>,
    auth: Option<ChosenAuth>,
    plan: Option<&'static Plan>,
    region: Option<&'static Region>,
    endpoint: Option<&'static Endpoint>,
    dialect: Dialect,
    base_url: String,
    base_url_source: BaseUrlSource,
    /// The auth choice's surface, whose capabilities stay when the host is unknown.
    fallback: Option<(&'static str, &'static SurfaceEntry)>,
    polls_per_second: Option<u32>,
    key_env: Vec<String>,
    pub warnings: Vec<Warning>,
}

impl Route<'_> {
    /// `models.providers.<key>` of the entry (or of the provider id when there is none).
    fn prefix(&self) -> String {
        format!(
            "models.providers.{}",
            self.entry.map_or(self.provider_id.as_str(), |(k, _)| k)
        )
    }

    fn entry_pointer(&self) -> Option<String> {
        self.entry.map(|(k, _)| push_token("/models/providers", k))
    }
}

/// The route of `found`.
pub(super) fn route<'c>(found: &Found<'c>, config: &'c LoadedConfig) -> Result<Route<'c>, Report> {
    match found {
        Found::Catalog(m) => catalog_route(m, config),
        Found::Custom {
            id,
            model_id,
            entry,
        } => custom_route(id, model_id, entry, config),
    }
}

fn catalog_route<'c>(found: &ModelMatch, config: &'c LoadedConfig) -> Result<Route<'c>, Report> {
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
    if let Some(reason) = model.not_callable {
        return fail(
            Diagnostic::new(
                Rule::PlanCannotServe,
                format!(
                    "provcat cannot call {}: it is in the catalog for listing only",
                    model.canonical_ref
                ),
            )
            .help(reason.to_string()),
        );
    }
    let ids: Vec<&str> = std::iter::once(provider.id)
        .chain(provider.namespace_aliases.iter().copied())
        .collect();
    let entry = config.provider_entry(&ids);
    let entry_pointer = entry.map(|(k, _)| push_token("/models/providers", k));
    let prefix = format!("models.providers.{}", entry.map_or(provider.id, |(k, _)| k));
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
    let on_own_host = custom_url
        .as_deref()
        .and_then(|u| crate::config::parse_base_url(u).ok())
        .and_then(|u| u.host_str().and_then(catalog::endpoint_for_host))
        .filter(|e| e.provider == provider.id);
    let (plan, region, endpoint) = match (&auth, on_own_host) {
        (Some(a), _) => (
            provider.plan(a.choice.plan),
            provider.region(a.choice.region),
            provider.endpoint(a.choice.plan, a.choice.region),
        ),
        // No auth choice, but a base URL on one of this provider's own hosts: that host's
        // endpoint says the plan and region (and so availability and key shape).
        (None, Some(e)) => (provider.plan(e.plan), provider.region(e.region), Some(e)),
        (None, None) => (None, None, None),
    };
    if auth.is_none() && custom_url.is_none() {
        let d = Diagnostic::new(
            Rule::MissingAuthChoice,
            format!(
                "no auth choice for provider `{}`: the auth choice selects the plan, region and endpoint",
                provider.id
            ),
        )
        .help(format!(
            "run `provcat onboard --auth-choice <id>` with one of {}, or set `{prefix}.authChoice` in {}",
            provider
                .auth_choices
                .iter()
                .map(|c| format!("`{}`", c.id))
                .collect::<Vec<_>>()
                .join(", "),
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
    let mut warnings = Vec::new();
    if let (Some(plan), Some(region)) = (plan, region) {
        let served = availability::check(provider, model, plan, region);
        match served {
            Ok(warning) => warnings.extend(warning),
            Err(d) => {
                return fail(match &entry_pointer {
                    Some(p) => config.diagnostic_at(*d, &push_token(p, "authChoice"), false),
                    None => *d,
                });
            }
        }
    }
    // The surface for the model's kind (and dialects), on the selected endpoint; without
    // one (an unknown host and no auth choice), the provider's first that fits.
    let fits = |e: &'static Endpoint| match model.kind {
        ModelKind::Chat => e.chat_surface(model.dialects),
        ModelKind::Video => e.surface(Surface::Video),
    };
    let surface = match endpoint {
        Some(e) => fits(e),
        None => provider.endpoints.iter().find_map(fits),
    };
    let Some(surface) = surface else {
        let where_ = match (plan, region) {
            (Some(p), Some(r)) => format!("the {} endpoint in {}", p.name, r.name),
            _ => format!("no endpoint of `{}`", provider.id),
        };
        return fail(
            Diagnostic::new(
                Rule::PlanCannotServe,
                format!(
                    "{} is a {} model, and {where_} serves no surface for it",
                    model.canonical_ref, model.kind
                ),
            )
            .help("choose an auth choice whose plan serves the model (`provcat auth-choices`)"),
        );
    };
    let url_key = format!("{prefix}.baseUrl");
    let (base_url, base_url_source) = match (&custom_url, model.kind) {
        (Some(url), ModelKind::Chat) => (url.clone(), BaseUrlSource::Config { key: url_key }),
        (Some(url), ModelKind::Video) => {
            let relation = endpoint
                .into_iter()
                .chain(provider.endpoints.iter())
                .find_map(|e| Some((e.chat_surface(&[])?, e.surface(Surface::Video)?)));
            match relation.and_then(|(chat, video)| video_root(url, chat.base_url, video.base_url))
            {
                Some(root) => (root, BaseUrlSource::Derived { key: url_key }),
                None => {
                    let d = Diagnostic::new(
                        Rule::InvalidValue,
                        format!("cannot tell the video API root from `{url}`"),
                    )
                    .label("a chat URL of a host that serves video tasks is expected here")
                    .help(relation.map_or_else(
                        || format!("`{}` serves no video surface; remove `baseUrl`", provider.id),
                        |(chat, video)| {
                            format!(
                                "the catalog's chat URL `{}` is the video root `{}` plus a path; point `baseUrl` at a URL ending in that same path",
                                chat.base_url, video.base_url
                            )
                        },
                    ));
                    return fail(match &entry_pointer {
                        Some(p) => config.diagnostic_at(d, &push_token(p, "baseUrl"), false),
                        None => d,
                    });
                }
            }
        }
        (None, _) => {
            let source = match (&auth, endpoint) {
                (Some(a), _) => BaseUrlSource::AuthChoice {
                    id: a.choice.id.to_string(),
                },
                (None, _) => BaseUrlSource::Host {
                    host: host_of(surface.base_url),
                },
            };
            (surface.base_url.to_string(), source)
        }
    };
    Ok(Route {
        provider_id: provider.id.to_string(),
        provider_name: provider.name.to_string(),
        provider: Some(provider),
        custom: false,
        entry,
        model_id: model.id.to_string(),
        wire_id: model.wire_id.to_string(),
        model: Some(model),
        fallback: auth.as_ref().map(|a| (a.choice.id, surface)),
        auth,
        plan,
        region,
        endpoint,
        dialect: surface.dialect,
        base_url,
        base_url_source,
        polls_per_second: surface.polls_per_second,
        key_env: key_vars(provider, plan),
        warnings,
    })
}

/// A custom provider: its own dialect and base URL; the catalog provider whose host the URL
/// targets lends its key variables and model facts.
fn custom_route<'c>(
    id: &'c str,
    model_id: &str,
    entry: &'c ProviderConfig,
    config: &'c LoadedConfig,
) -> Result<Route<'c>, Report> {
    let Some(base_url) = entry.base_url.clone() else {
        let d = Diagnostic::new(
            Rule::MissingKey,
            format!("custom provider `{id}` has no baseUrl"),
        )
        .help("add `baseUrl = \"https://…\"`: a custom provider is reached through it");
        return Err(config.report([config.diagnostic_at(
            d,
            &push_token("/models/providers", id),
            true,
        )]));
    };
    let dialect = entry.api.unwrap_or(Dialect::OpenAiCompletions);
    let host_endpoint = crate::config::parse_base_url(&base_url)
        .ok()
        .and_then(|u| u.host_str().and_then(catalog::endpoint_for_host));
    let inherited = host_endpoint.and_then(|e| catalog::provider(e.provider));
    let mut key_env = vec![custom_key_env(id)];
    if let (Some(p), Some(e)) = (inherited, host_endpoint) {
        key_env.extend(key_vars(p, p.plan(e.plan)));
    }
    // The same model served under the same id on the catalog provider's host.
    let model = inherited
        .and_then(|p| catalog::find_model(&format!("{}/{model_id}", p.id)))
        .filter(|m| m.via == catalog::RefVia::Canonical)
        .map(|m| m.model);
    Ok(Route {
        provider_id: id.to_string(),
        provider_name: format!("{id} (custom provider)"),
        provider: inherited,
        custom: true,
        entry: Some((id, entry)),
        model_id: model_id.to_string(),
        wire_id: model_id.to_string(),
        model,
        auth: None,
        plan: None,
        region: None,
        endpoint: None,
        dialect,
        base_url,
        base_url_source: BaseUrlSource::Config {
            key: format!("models.providers.{id}.baseUrl"),
        },
        fallback: None,
        polls_per_second: None,
        key_env,
        warnings: Vec::new(),
    })
}

/// The steps every target shares: URL safety, capabilities, key and its warnings; then
/// the [`Target`], built once.
pub(super) fn finish(
    chosen: Chosen,
    found: Found<'_>,
    route: Route<'_>,
    mut warnings: Vec<Warning>,
    request: &Request<'_>,
    config: &LoadedConfig,
    env: &Env,
) -> Result<Target, Report> {
    let url_pointer = route.entry_pointer().map(|p| push_token(&p, "baseUrl"));
    let locate = |d: Diagnostic| match &url_pointer {
        Some(p) => config.diagnostic_at(d, p, false),
        None => d,
    };
    let url = match crate::config::parse_base_url(&route.base_url) {
        Ok(url) => url,
        Err(why) => {
            let key_env = route
                .key_env
                .first()
                .map_or("the provider's key variable", String::as_str);
            let d = Diagnostic::new(
                Rule::InvalidValue,
                format!(
                    "`{}` is not a usable base URL",
                    crate::config::shown_url(&route.base_url)
                ),
            )
            .label(why.to_string())
            .help(why.help(key_env));
            return Err(config.report([locate(d)]));
        }
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let compat = route.entry.map(|(_, e)| e.compat).unwrap_or_default();
    let fallback = route.fallback.map(|(id, surface)| Fallback {
        auth_choice: id,
        surface,
    });
    let explained = capabilities::explain(&host, route.dialect, fallback, &compat, &route.prefix());
    let key = find_key(
        request.api_key.as_ref(),
        route.entry.map(|(k, e)| (k, e.api_key.as_deref())),
        &route.key_env,
        env,
        config,
    );
    if let Some((k, e)) = route.entry
        && e.api_key.is_some()
    {
        warnings.push(Warning::ApiKeyInConfig {
            entry: format!("models.providers.{k}"),
        });
    }
    match (&key.found, route.plan, route.provider) {
        (Some(found), Some(plan), Some(provider)) if !route.custom => warnings.extend(
            key_shape_warning(provider, plan, route.region.map(|r| r.id), &found.key),
        ),
        (None, _, _) => warnings.push(Warning::NoKey {
            searched: key.searched.clone(),
        }),
        _ => {}
    }
    if url.scheme() == "http" && !crate::config::is_loopback(&url) {
        let d = Diagnostic::new(
            Rule::InsecureEndpoint,
            format!(
                "`{}` is plain http to {host}, a host other than this machine",
                route.base_url
            ),
        )
        .label("the key would travel unencrypted");
        if key.found.is_some() {
            let d = d.help("use https (plain http is only allowed to localhost)");
            return Err(config.report([locate(d)]));
        }
        warnings.push(Warning::PlainHttp {
            url: route.base_url.clone(),
        });
    }
    let (alias, via) = match &found {
        Found::Catalog(m) => (m.alias.map(str::to_string), m.alias.map(|_| m.via)),
        Found::Custom { .. } => (None, None),
    };
    Ok(Target {
        canonical_ref: match route.model.filter(|_| !route.custom) {
            Some(m) => m.canonical_ref.to_string(),
            None => format!("{}/{}", route.provider_id, route.model_id),
        },
        typed_ref: chosen.typed_ref,
        ref_source: chosen.ref_source,
        alias,
        via,
        kind: found.kind(),
        provider_id: route.provider_id,
        provider_name: route.provider_name,
        provider: route.provider,
        custom: route.custom,
        config_entry: route.entry.map(|(k, _)| k.to_string()),
        model_id: route.model_id,
        wire_id: route.wire_id,
        model: route.model,
        facts_from: route.model.map(|m| m.canonical_ref),
        auth: route.auth,
        plan: route.plan,
        region: route.region,
        endpoint: route.endpoint,
        dialect: route.dialect,
        base_url: route.base_url,
        base_url_source: route.base_url_source,
        polls_per_second: route.polls_per_second,
        capabilities: explained,
        headers: route
            .entry
            .map(|(_, e)| e.headers.clone())
            .unwrap_or_default(),
        key_env: route.key_env,
        key,
        warnings,
    })
}

/// The video root for a chat `url` override, given that the catalog's chat URL is the
/// video root plus a path: `url` minus that same path (`https://proxy/ds/compatible-mode/v1`
/// → `https://proxy/ds` when the catalog has `https://h/compatible-mode/v1` over
/// `https://h`). `None` when `url` does not end with the path.
pub(crate) fn video_root(url: &str, chat: &str, video: &str) -> Option<String> {
    let chat = chat.trim_end_matches('/');
    let video = video.trim_end_matches('/');
    let below = chat.strip_prefix(video)?;
    if below.is_empty() {
        return Some(url.trim_end_matches('/').to_string());
    }
    if !below.starts_with('/') {
        return None;
    }
    let root = url.trim_end_matches('/').strip_suffix(below)?;
    (!root.ends_with(':') && !root.ends_with('/')).then(|| root.to_string())
}

fn host_of(url: &str) -> String {
    crate::config::parse_base_url(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

/// The variables a key of `provider` is read from: the plan's own (`key_env`) first, when
/// the plan is known, then the provider's (`auth_env`).
pub fn key_vars(provider: &Provider, plan: Option<&Plan>) -> Vec<String> {
    plan.map_or(&[][..], |p| p.key_env)
        .iter()
        .chain(provider.auth_env)
        .map(|v| v.to_string())
        .collect()
}

/// The env var a custom provider's key is read from: `my-proxy` → `MY_PROXY_API_KEY`.
pub fn custom_key_env(provider: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::video_root;

    #[test]
    fn video_root_is_the_override_minus_the_catalog_path() {
        let chat = "https://dashscope.aliyuncs.com/compatible-mode/v1";
        let video = "https://dashscope.aliyuncs.com";
        assert_eq!(
            video_root("https://proxy.corp/ds/compatible-mode/v1/", chat, video).as_deref(),
            Some("https://proxy.corp/ds")
        );
        assert_eq!(
            video_root("http://127.0.0.1:9/compatible-mode/v1", chat, video).as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert_eq!(video_root("https://proxy.corp/v1", chat, video), None);
        assert_eq!(
            video_root("https://p/x", "https://h/x", "https://h/x").as_deref(),
            Some("https://p/x")
        );
        assert_eq!(
            video_root("https://p/compatible-mode/v1", chat, "https://other"),
            None
        );
    }
}
