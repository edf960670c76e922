//! Resolution: (config, env, flags, a ref) → a [`Target`], the one place where the rules
//! of the catalog and the user's config meet.
//!
//! - The ref comes from the request, else the config's default for the model kind
//!   (`agents.defaults.model.primary` / `videoGenerationModel.primary`), else the
//!   provider default (`qwen/qwen3.5-plus`; `qwen/wan2.6-t2v` for video).
//! - A catalog ref or alias names a built-in model; `<custom-id>/<anything>` names a
//!   model of a custom provider from the config (any model id is accepted).
//! - The auth choice selects plan, region and endpoint; a custom `baseUrl` overrides the
//!   endpoint URL.
//! - Capabilities come from the base URL's host ([`capabilities`]); `compat` wins.
//! - "May be rejected" on the plan resolves with a warning carrying the catalog's advice;
//!   "unavailable" is an error.
//! - The key follows the precedence in [`key`].

pub mod capabilities;
pub mod key;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{
    self, AuthChoice, AvailabilityStatus, Endpoint, LifecycleStatus, Model, ModelKind, Plan,
    Provider, RefVia, Region, Surface,
};
use crate::compiler::tree::push_token;
use crate::compiler::{Diagnostic, Report, Rule, suggest};
use crate::config::{Env, LoadedConfig, ProviderConfig};
use crate::secret::ApiKey;

pub use capabilities::{Capability, CapabilitySource, ExplainedCapabilities};
pub use key::{KeyLookup, find_key, key_shape_warning};

/// The default video model when neither the request nor the config names one.
pub const DEFAULT_VIDEO_REF: &str = "qwen/wan2.6-t2v";

/// What to resolve.
#[derive(Clone, Debug, Default)]
pub struct Request<'a> {
    /// The ref as typed (`-m`), if any.
    pub reference: Option<&'a str>,
    /// The kind of model wanted: its default is used when no ref is given, and a ref of
    /// another kind is an error. `None` accepts either kind (defaulting to chat).
    pub kind: Option<ModelKind>,
    /// A key given explicitly (`--api-key-stdin`).
    pub api_key: Option<ApiKey>,
}

/// Where the ref came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum RefSource {
    /// The command line.
    Argument,
    /// A default in the config file.
    Config {
        /// The key (`agents.defaults.model.primary`).
        key: String,
    },
    /// The built-in default.
    BuiltinDefault,
}

/// The auth choice in effect.
#[derive(Clone, Debug, Serialize)]
pub struct ChosenAuth {
    /// The canonical choice.
    pub choice: &'static AuthChoice,
    /// The id as written in the config, when it was a legacy id.
    pub legacy_id: Option<String>,
}

/// Where the base URL came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum BaseUrlSource {
    /// The catalog endpoint of the auth choice.
    AuthChoice {
        /// The auth choice id.
        id: String,
    },
    /// `baseUrl` in the config.
    Config {
        /// The config key.
        key: String,
    },
}

/// Everything a request needs, and why each part is what it is.
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    /// The ref as typed or configured.
    pub typed_ref: String,
    /// Where the ref came from.
    pub ref_source: RefSource,
    /// The canonical ref (`qwen/glm-5`), or `<custom>/<id>` for a custom provider.
    pub canonical_ref: String,
    /// The alias used, when the typed ref was one.
    pub alias: Option<String>,
    /// How the alias reached the model.
    pub via: Option<RefVia>,
    /// The provider id (canonical for a built-in provider).
    pub provider_id: String,
    /// The built-in provider, if it is one.
    #[serde(skip)]
    pub provider: Option<&'static Provider>,
    /// The config entry used (`models.providers.<key>`), if any.
    pub config_entry: Option<String>,
    /// The model id as the API spells it.
    pub model_id: String,
    /// The catalog model (none for a custom provider's model).
    #[serde(skip)]
    pub model: Option<&'static Model>,
    /// The model kind.
    pub kind: ModelKind,
    /// The auth choice, for a built-in provider.
    pub auth: Option<ChosenAuth>,
    /// The plan.
    pub plan: Option<&'static Plan>,
    /// The region.
    pub region: Option<&'static Region>,
    /// The catalog endpoint of the auth choice.
    pub endpoint: Option<&'static Endpoint>,
    /// The OpenAI-compatible base URL requests go to.
    pub base_url: String,
    /// Why that URL.
    pub base_url_source: BaseUrlSource,
    /// The native API base URL (video tasks), when the host serves it.
    pub native_base_url: Option<String>,
    /// Capabilities and why.
    pub capabilities: ExplainedCapabilities,
    /// Extra headers from the config.
    pub headers: BTreeMap<String, String>,
    /// The env vars the key may come from, in order.
    pub key_env: Vec<String>,
    /// The key lookup.
    pub key: KeyLookup,
    /// Things that work but deserve a word.
    pub warnings: Vec<String>,
}

/// Resolves `request` against the catalog and `config`.
pub fn resolve(request: &Request<'_>, config: &LoadedConfig, env: &Env) -> Result<Target, Report> {
    let fail = |d: Diagnostic| Err(config.report([d]));
    let (typed_ref, ref_source, pointer) = choose_ref(request, config);
    let locate = |d: Diagnostic| match &pointer {
        Some(p) => config.diagnostic_at(d, p, false),
        None => d,
    };
    let mut warnings = config.warnings.clone();

    // The model and its provider.
    let named = match catalog::lookup_model(&typed_ref) {
        Ok(found) => Named::Builtin(found),
        Err(e) => match custom_provider(&typed_ref, config) {
            Some((id, model_id, entry)) => Named::Custom {
                id,
                model_id,
                entry,
            },
            None => {
                let catalog::LookupError::UnknownModel { suggestions, .. } = &e else {
                    return fail(Diagnostic::new(Rule::DanglingReference, e.to_string()));
                };
                return fail(locate(
                    Diagnostic::new(Rule::DanglingReference, format!("unknown model ref `{typed_ref}`"))
                        .label("not in the catalog")
                        .help(suggest::did_you_mean(suggestions).unwrap_or_else(|| {
                            "see `provcat models list`, or add a custom provider under `models.providers`".to_string()
                        })),
                ));
            }
        },
    };

    match named {
        Named::Builtin(found) => {
            let model = found.model;
            if let Some(kind) = request.kind
                && model.kind != kind
            {
                return fail(locate(
                    Diagnostic::new(
                        Rule::InvalidValue,
                        format!(
                            "`{typed_ref}` is a {} model; this needs a {kind} model",
                            model.kind
                        ),
                    )
                    .help(format!(
                        "pick a {kind} model from `provcat models list --kind {kind}`"
                    )),
                ));
            }
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
                None => (None, None, None),
            };
            if auth.is_none() && custom_url.is_none() {
                return fail(Diagnostic::new(
                    Rule::MissingKey,
                    format!("no auth choice for provider `{}`: the auth choice selects the plan, region and endpoint", provider.id),
                )
                .help(format!(
                    "run `provcat onboard --auth-choice <id>` with one of {}, or set `models.providers.{}.authChoice` in {}",
                    provider.auth_choices.iter().map(|c| format!("`{}`", c.id)).collect::<Vec<_>>().join(", "),
                    provider.id,
                    config.display_path()
                )));
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
        Named::Custom {
            id,
            model_id,
            entry,
        } => {
            if request.kind == Some(ModelKind::Video) {
                return fail(locate(Diagnostic::new(
                    Rule::InvalidValue,
                    format!("`{typed_ref}` names a custom provider; video generation needs a catalog video model"),
                )
                .help(format!("use a video model such as `{DEFAULT_VIDEO_REF}`"))));
            }
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
                .and_then(|u| u.host_str().and_then(capabilities::endpoint_on));
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
    }
}

/// What a ref named.
enum Named<'c> {
    Builtin(catalog::ModelMatch),
    Custom {
        id: String,
        model_id: String,
        entry: &'c ProviderConfig,
    },
}

/// Capabilities, native URL, URL safety and the key: the steps shared by built-in and
/// custom providers.
fn finish(
    mut target: Target,
    request: &Request<'_>,
    config: &LoadedConfig,
    env: &Env,
    entry: Option<(&str, &ProviderConfig)>,
    prefix: Option<String>,
) -> Result<Target, Report> {
    let url_pointer =
        entry.map(|(k, _)| push_token(&push_token("/models/providers", k), "baseUrl"));
    let url = match crate::config::parse_base_url(&target.base_url) {
        Ok(url) => url,
        Err(why) => {
            let d = Diagnostic::new(
                Rule::InvalidValue,
                format!("`{}` is not a usable base URL", target.base_url),
            )
            .label(why);
            return Err(config.report([match &url_pointer {
                Some(p) => config.diagnostic_at(d, p, false),
                None => d,
            }]));
        }
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let compat = entry.map(|(_, e)| e.compat).unwrap_or_default();
    target.capabilities = capabilities::explain(
        &host,
        &compat,
        prefix.as_deref().unwrap_or("models.providers.?"),
    );
    target.native_base_url = match (capabilities::endpoint_on(&host), target.endpoint) {
        (Some(e), _) => e.native_base_url.map(str::to_string),
        (None, Some(e)) if matches!(target.base_url_source, BaseUrlSource::AuthChoice { .. }) => {
            e.native_base_url.map(str::to_string)
        }
        _ => None,
    };
    if target.kind == ModelKind::Video {
        let serves_video =
            capabilities::endpoint_on(&host).is_some_and(|e| e.surfaces.contains(&Surface::Video));
        if !serves_video || target.native_base_url.is_none() {
            target
                .warnings
                .push(format!("{} does not serve the native video API", host));
        }
    }

    target.key = find_key(
        request.api_key.as_ref(),
        entry.map(|(k, e)| (k, e.api_key.as_deref())),
        &target.key_env,
        env,
        config,
    );
    if entry.is_some_and(|(_, e)| e.api_key.is_some()) {
        target.warnings.push("the config holds an API key (`apiKey`); prefer the provider's environment variable or the .env file beside the config".to_string());
    }
    match (&target.key.found, target.plan) {
        (Some(found), Some(plan)) => target.warnings.extend(key_shape_warning(plan, &found.key)),
        (None, _) => target.warnings.push(format!(
            "no API key found; looked in {}",
            target.key.searched.join(", ")
        )),
        _ => {}
    }
    if url.scheme() == "http" && !crate::config::is_loopback(&url) {
        let d = Diagnostic::new(
            Rule::InsecureEndpoint,
            format!(
                "`{}` is plain http to {host}, a host other than this machine",
                target.base_url
            ),
        )
        .label("the key would travel unencrypted");
        if target.key.found.is_some() {
            let d = d.help("use https (plain http is only allowed to localhost)");
            return Err(config.report([match &url_pointer {
                Some(p) => config.diagnostic_at(d, p, false),
                None => d,
            }]));
        }
        target.warnings.push(format!(
            "{} uses plain http; no key will be sent to it",
            target.base_url
        ));
    }
    Ok(target)
}

/// The ref to resolve, where it came from, and its config pointer when it came from there.
fn choose_ref(request: &Request<'_>, config: &LoadedConfig) -> (String, RefSource, Option<String>) {
    if let Some(r) = request.reference {
        return (r.to_string(), RefSource::Argument, None);
    }
    let defaults = &config.file.agents.defaults;
    let (configured, key, pointer) = match request.kind.unwrap_or(ModelKind::Chat) {
        ModelKind::Chat => (
            &defaults.model.primary,
            "agents.defaults.model.primary",
            "/agents/defaults/model/primary",
        ),
        ModelKind::Video => (
            &defaults.video_generation_model.primary,
            "agents.defaults.videoGenerationModel.primary",
            "/agents/defaults/videoGenerationModel/primary",
        ),
    };
    match configured {
        Some(r) => (
            r.clone(),
            RefSource::Config {
                key: key.to_string(),
            },
            Some(pointer.to_string()),
        ),
        None => {
            let builtin = match request.kind.unwrap_or(ModelKind::Chat) {
                ModelKind::Chat => default_chat_ref(config),
                ModelKind::Video => DEFAULT_VIDEO_REF,
            };
            (builtin.to_string(), RefSource::BuiltinDefault, None)
        }
    }
}

/// The default model of the first built-in provider the config has an entry for, else of
/// the first provider of the catalog.
fn default_chat_ref(config: &LoadedConfig) -> &'static str {
    let providers = catalog::providers();
    config
        .file
        .models
        .providers
        .keys()
        .find_map(|k| catalog::provider(k))
        .or_else(|| providers.first())
        .map_or("qwen/qwen3.5-plus", |p| p.default_model)
}

/// `<id>/<model>` where `<id>` is a custom provider of the config.
fn custom_provider<'c>(
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

/// The seed's advice when a model is not (reliably) served on `plan`: switch to an auth
/// choice of a plan that serves it, in the same region.
fn switch_advice(provider: &Provider, model: &Model, plan: &Plan, region: &Region) -> String {
    let better = provider.auth_choices.iter().find(|c| {
        c.plan != plan.id
            && c.region == region.id
            && model
                .availability_on(c.plan)
                .is_some_and(|a| a.status == AvailabilityStatus::Available)
    });
    match better.and_then(|c| provider.plan(c.plan).map(|p| (c, p))) {
        Some((choice, better_plan)) => format!(
            "Switch to a {} auth choice in the same region: `provcat onboard --auth-choice {}`.",
            better_plan.name, choice.id
        ),
        None => String::new(),
    }
}
