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

mod builtin;
pub mod capabilities;
mod custom;
pub mod key;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{
    self, AuthChoice, Endpoint, Model, ModelKind, Plan, Provider, RefVia, Region,
};
use crate::compiler::tree::push_token;
use crate::compiler::{Diagnostic, Report, Rule, suggest};
use crate::config::{Env, LoadedConfig, ProviderConfig};
use crate::secret::ApiKey;

pub use capabilities::{Capability, CapabilitySource, ExplainedCapabilities};
pub use custom::env_var_of as custom_key_env;
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

/// Everything a request needs, and why each part is what it is. Its `Debug` shows header
/// names with masked values and URLs without credentials.
#[derive(Clone, Serialize)]
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
    /// Extra headers from the config (serialized as names only: values may be secrets).
    #[serde(serialize_with = "header_names")]
    pub headers: BTreeMap<String, String>,
    /// The env vars the key may come from, in order.
    pub key_env: Vec<String>,
    /// The key lookup.
    pub key: KeyLookup,
    /// Things that work but deserve a word.
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redactor = crate::redact::Redactor::new();
        let url = |u: &str| redactor.scrub(u);
        f.debug_struct("Target")
            .field("typed_ref", &redactor.scrub_diagnostic(&self.typed_ref))
            .field("ref_source", &self.ref_source)
            .field(
                "canonical_ref",
                &redactor.scrub_diagnostic(&self.canonical_ref),
            )
            .field("alias", &self.alias)
            .field("via", &self.via)
            .field("provider_id", &self.provider_id)
            .field("config_entry", &self.config_entry)
            .field("model_id", &redactor.scrub_diagnostic(&self.model_id))
            .field("kind", &self.kind)
            .field("auth", &self.auth)
            .field("plan", &self.plan.map(|p| p.id))
            .field("region", &self.region.map(|r| r.id))
            .field("base_url", &url(&self.base_url))
            .field("base_url_source", &self.base_url_source)
            .field("native_base_url", &self.native_base_url.as_deref().map(url))
            .field("capabilities", &self.capabilities)
            .field("headers", &crate::config::dotenv::masked_map(&self.headers))
            .field("key_env", &self.key_env)
            .field("key", &self.key)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

fn header_names<S: serde::Serializer>(
    headers: &BTreeMap<String, String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(headers.keys())
}

/// Resolves `request` against the catalog and `config`.
pub fn resolve(request: &Request<'_>, config: &LoadedConfig, env: &Env) -> Result<Target, Report> {
    let chosen = choose_ref(request, config);
    let typed_ref = chosen.typed_ref.clone();
    // The model and its provider.
    let named = match catalog::find_model(&typed_ref) {
        Some(found) => Named::Builtin(found),
        None => match custom::custom_provider(&typed_ref, config) {
            Some((id, model_id, entry)) => Named::Custom {
                id,
                model_id,
                entry,
            },
            None => return Err(config.report([chosen.locate(config, unknown_ref(&typed_ref))])),
        },
    };

    let kind = match &named {
        Named::Builtin(found) => found.model.kind,
        Named::Custom { .. } => ModelKind::Chat,
    };
    if let Some(wanted) = request.kind
        && kind != wanted
    {
        let help = match &named {
            Named::Custom { .. } => format!(
                "custom providers serve chat; use a catalog video model such as `{DEFAULT_VIDEO_REF}`"
            ),
            Named::Builtin(_) => format!("pick one from `provcat models list --kind {wanted}`"),
        };
        let d = Diagnostic::new(
            Rule::InvalidValue,
            format!("`{typed_ref}` is a {kind} model; this needs a {wanted} model"),
        )
        .help(help);
        return Err(config.report([chosen.locate(config, d)]));
    }

    match named {
        Named::Builtin(found) => builtin::resolve(found, chosen, request, config, env),
        Named::Custom {
            id,
            model_id,
            entry,
        } => custom::resolve(id, model_id, entry, chosen, request, config, env),
    }
}

/// An unknown ref, with the closest catalog refs.
fn unknown_ref(typed_ref: &str) -> Diagnostic {
    let suggestions = match catalog::lookup_model(typed_ref) {
        Err(catalog::LookupError::UnknownModel { suggestions, .. }) => suggestions,
        _ => Vec::new(),
    };
    Diagnostic::new(
        Rule::DanglingReference,
        format!("unknown model ref `{typed_ref}`"),
    )
    .label("not in the catalog")
    .help(suggest::did_you_mean(&suggestions).unwrap_or_else(|| {
        "see `provcat models list`, or add a custom provider under `models.providers`".to_string()
    }))
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
            let key_env = target
                .key_env
                .first()
                .map_or("the provider's key variable", String::as_str);
            let d = Diagnostic::new(
                Rule::InvalidValue,
                format!(
                    "`{}` is not a usable base URL",
                    crate::config::shown_url(&target.base_url)
                ),
            )
            .label(why.to_string())
            .help(why.help(key_env));
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
    // The native API root: the catalog endpoint's on the same host; else, for a
    // DashScope-style `…/compatible-mode/v1` base URL, the root it hangs from.
    let from_catalog = match (catalog::endpoint_for_host(&host), target.endpoint) {
        (Some(e), _) => e.native_base_url.map(str::to_string),
        (None, Some(e)) if matches!(target.base_url_source, BaseUrlSource::AuthChoice { .. }) => {
            e.native_base_url.map(str::to_string)
        }
        _ => None,
    };
    target.native_base_url = from_catalog.or_else(|| {
        target
            .base_url
            .trim_end_matches('/')
            .strip_suffix("/compatible-mode/v1")
            .map(str::to_string)
    });
    if target.kind == ModelKind::Video && target.native_base_url.is_none() {
        target
            .warnings
            .push(format!("{host} does not serve the native video API"));
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

/// The ref being resolved: as typed or configured, where it came from, and the warnings
/// gathered so far.
pub(crate) struct Chosen {
    typed_ref: String,
    ref_source: RefSource,
    /// The config pointer of the ref, when it came from the config.
    pointer: Option<String>,
    warnings: Vec<String>,
}

impl Chosen {
    /// `d` located at the ref in the config, when the ref came from there.
    fn locate(&self, config: &LoadedConfig, d: Diagnostic) -> Diagnostic {
        match &self.pointer {
            Some(p) => config.diagnostic_at(d, p, false),
            None => d,
        }
    }
}

/// The ref to resolve: the request's, else the config's default for the kind, else the
/// built-in default.
fn choose_ref(request: &Request<'_>, config: &LoadedConfig) -> Chosen {
    let chosen = |typed_ref: &str, ref_source, pointer: Option<&str>| Chosen {
        typed_ref: typed_ref.to_string(),
        ref_source,
        pointer: pointer.map(str::to_string),
        warnings: config.warnings.clone(),
    };
    if let Some(r) = request.reference {
        return chosen(r, RefSource::Argument, None);
    }
    let defaults = &config.file.agents.defaults;
    let kind = request.kind.unwrap_or(ModelKind::Chat);
    let (configured, key, pointer) = match kind {
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
        Some(r) => chosen(
            r,
            RefSource::Config {
                key: key.to_string(),
            },
            Some(pointer),
        ),
        None => {
            let builtin = match kind {
                ModelKind::Chat => default_chat_ref(config),
                ModelKind::Video => DEFAULT_VIDEO_REF,
            };
            chosen(builtin, RefSource::BuiltinDefault, None)
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
        .map_or("", |p| p.default_model)
}
