//! Resolution: (config, env, flags, a ref) → a [`Target`], the one place where the rules
//! of the catalog and the user's config meet. One path serves every provider:
//!
//! 1. [`named`]: the ref comes from the request, else the config's default for the model
//!    kind, else the default of the first configured catalog provider, else the catalog's
//!    default; it names a catalog model (canonical ref or alias) or a model of a custom
//!    provider from the config (any model id).
//! 2. [`route`]: the provider's route — for a catalog provider the auth choice selects
//!    plan, region and endpoint, the endpoint's surface for the model's kind and dialects
//!    gives dialect and base URL, and a `baseUrl` in the config overrides the URL (the video
//!    root is derived from it as the catalog's URLs are related); a custom provider has its
//!    own `api` and `baseUrl`, and borrows the key variables and model facts of the catalog
//!    provider whose host it targets. [`availability`]: "may be rejected" on the plan is a
//!    warning with the catalog's advice; "unavailable" on the plan, or in the auth choice's
//!    region, is an error naming an auth choice that serves the model.
//! 3. [`capabilities`]: what the host supports, and why; `compat` wins.
//! 4. [`key`]: the key, by the documented precedence.
//!
//! The [`Target`] is built once, complete, at the end; warnings are typed ([`Warning`]).
//! When resolution fails, [`partial`] tells what it could (the ref, the provider, the key
//! lookup, and the [`candidates`]: each auth choice of a provider that has none yet).

mod availability;
pub mod capabilities;
pub mod key;
mod named;
pub mod partial;
mod route;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{
    AuthChoice, Dialect, Endpoint, LifecycleStatus, Model, ModelKind, Plan, Provider, RefVia,
    Region,
};
use crate::common::{Diagnostic, Report, Rule};
use crate::config::{Env, LoadedConfig};
use crate::secret::ApiKey;
use crate::warning::Warning;

pub use capabilities::{Capability, CapabilitySource, ExplainedCapabilities};
pub use key::{KeyLookup, find_key, key_shape_warning, plan_of_key};
pub use partial::{Candidate, Partial, candidates, lacks_auth_choice, partial};
pub use route::{custom_key_env, key_vars};

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
    /// The default of a provider the config has an entry for.
    ProviderDefault {
        /// The provider id.
        provider: String,
    },
    /// The catalog's default.
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
    /// The catalog endpoint on the host of `baseUrl` (no auth choice configured).
    Host {
        /// The host.
        host: String,
    },
    /// `baseUrl` in the config.
    Config {
        /// The config key.
        key: String,
    },
    /// Derived from `baseUrl` in the config the way the catalog's URLs are related (the
    /// video root of a chat URL).
    Derived {
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
    /// The provider id (canonical for a catalog provider).
    pub provider_id: String,
    /// The provider's display name.
    pub provider_name: String,
    /// The catalog provider: the provider itself, or for a custom provider the catalog
    /// provider whose host it targets (whose model facts and key variables it borrows).
    #[serde(skip)]
    pub provider: Option<&'static Provider>,
    /// Whether `provider_id` is a custom provider of the config.
    pub custom: bool,
    /// The config entry used (`models.providers.<key>`), if any.
    pub config_entry: Option<String>,
    /// The model id: the part of the ref after the provider.
    pub model_id: String,
    /// The id sent on the wire.
    pub wire_id: String,
    /// The catalog facts of the model, when the catalog knows it.
    #[serde(skip)]
    pub model: Option<&'static Model>,
    /// The canonical ref of the catalog model whose facts apply (for a custom provider: the
    /// same id on the catalog provider whose host it targets).
    pub facts_from: Option<&'static str>,
    /// The model kind.
    pub kind: ModelKind,
    /// The auth choice, for a catalog provider.
    pub auth: Option<ChosenAuth>,
    /// The plan.
    pub plan: Option<&'static Plan>,
    /// The region.
    pub region: Option<&'static Region>,
    /// The catalog endpoint of the auth choice.
    pub endpoint: Option<&'static Endpoint>,
    /// The wire dialect requests speak.
    pub dialect: Dialect,
    /// Where requests go: the chat base URL, or the video task API root.
    pub base_url: String,
    /// Why that URL.
    pub base_url_source: BaseUrlSource,
    /// The most task polls per second (video).
    pub polls_per_second: Option<u32>,
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
    pub warnings: Vec<Warning>,
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
            .field("dialect", &self.dialect)
            .field("wire_id", &redactor.scrub_diagnostic(&self.wire_id))
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
    let chosen = named::choose_ref(request, config).map_err(|d| config.report([*d]))?;
    let found = named::find(&chosen, config)?;
    if let Some(wanted) = request.kind
        && found.kind() != wanted
    {
        let help = if found.is_custom() {
            "custom providers serve chat; use a catalog video model (`provcat models list --kind video`)"
                .to_string()
        } else {
            format!("pick one from `provcat models list --kind {wanted}`")
        };
        let d = Diagnostic::new(
            Rule::InvalidValue,
            format!(
                "`{}` is a {} model; this needs a {wanted} model",
                chosen.typed_ref,
                found.kind()
            ),
        )
        .help(help);
        return Err(config.report([chosen.locate(config, d)]));
    }
    let route = route::route(&found, config)?;
    let mut warnings = config.warnings.clone();
    if let Some(model) = found.model()
        && model.lifecycle.status != LifecycleStatus::Active
    {
        warnings.push(Warning::Lifecycle {
            model: model.canonical_ref.to_string(),
            status: model.lifecycle.status,
            replacement: model.lifecycle.replacement.map(str::to_string),
        });
    }
    warnings.extend(route.warnings.iter().cloned());
    route::finish(chosen, found, route, warnings, request, config, env)
}
