//! The ref to resolve and what it names: a catalog model (by canonical ref or alias), or a
//! model of a custom provider from the config.
//!
//! The ref is the request's, else the config's default for the kind
//! (`agents.defaults.model.primary` / `videoGenerationModel.primary`), else the default
//! of the first catalog provider the config has an entry for, else the catalog's default
//! (`catalog.toml`). Lookups are always by (provider, model): a ref's model part may itself
//! contain `/` (`openrouter/anthropic/claude-sonnet-4.5`).

use crate::catalog::{self, Model, ModelKind, ModelMatch, Provider};
use crate::common::{Diagnostic, Report, Rule, suggest};
use crate::config::{LoadedConfig, ProviderConfig};

use super::{RefSource, Request};

/// The ref being resolved: as typed or configured, and where it came from.
pub(super) struct Chosen {
    pub typed_ref: String,
    pub ref_source: RefSource,
    /// The config pointer of the ref, when it came from the config.
    pointer: Option<&'static str>,
}

impl Chosen {
    /// `d` located at the ref in the config, when the ref came from there.
    pub fn locate(&self, config: &LoadedConfig, d: Diagnostic) -> Diagnostic {
        match self.pointer {
            Some(p) => config.diagnostic_at(d, p, false),
            None => d,
        }
    }
}

/// The ref to resolve.
pub(super) fn choose_ref(
    request: &Request<'_>,
    config: &LoadedConfig,
) -> Result<Chosen, Box<Diagnostic>> {
    let chosen = |typed_ref: &str, ref_source, pointer| Chosen {
        typed_ref: typed_ref.to_string(),
        ref_source,
        pointer,
    };
    if let Some(r) = request.reference {
        return Ok(chosen(r, RefSource::Argument, None));
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
    if let Some(r) = configured {
        let source = RefSource::Config {
            key: key.to_string(),
        };
        return Ok(chosen(r, source, Some(pointer)));
    }
    let provider_default = config
        .file
        .models
        .providers
        .iter()
        .filter_map(|(k, entry)| catalog::provider(k).map(|p| (p, entry)))
        .find_map(|(p, entry)| provider_default(p, entry, kind).map(|r| (p, r)));
    if let Some((p, r)) = provider_default {
        let source = RefSource::ProviderDefault {
            provider: p.id.to_string(),
        };
        return Ok(chosen(r, source, None));
    }
    let settings = catalog::settings();
    let builtin = match kind {
        ModelKind::Chat => settings.default_chat_model,
        ModelKind::Video => settings.default_video_model,
    };
    match builtin {
        Some(r) => Ok(chosen(r, RefSource::BuiltinDefault, None)),
        None => Err(Box::new(Diagnostic::new(
            Rule::MissingKey,
            format!("no default {kind} model: the catalog names none and neither does the config"),
        )
        .help(format!(
            "name one with `-m <provider>/<model>` (see `provcat models list --kind {kind}`), or set `{key}` in the config"
        )))),
    }
}

/// The provider's default of `kind`; for chat, the default of the entry's auth choice (one
/// its plan serves in its region) when it names one of this provider.
fn provider_default(p: &Provider, entry: &ProviderConfig, kind: ModelKind) -> Option<&'static str> {
    match kind {
        ModelKind::Chat => Some(
            entry
                .auth_choice
                .as_deref()
                .and_then(|id| catalog::lookup_auth_choice(id).ok())
                .filter(|c| c.choice.provider == p.id)
                .map_or(p.default_model, |c| c.choice.default_model),
        ),
        ModelKind::Video => p.default_video_model,
    }
}

/// What a ref names.
pub(super) enum Found<'c> {
    /// A model of the catalog.
    Catalog(ModelMatch),
    /// A model of a custom provider from the config.
    Custom {
        /// The provider id (the config entry's key).
        id: &'c str,
        /// The model id as typed.
        model_id: String,
        /// The config entry.
        entry: &'c ProviderConfig,
    },
}

impl Found<'_> {
    pub fn kind(&self) -> ModelKind {
        match self {
            Found::Catalog(m) => m.model.kind,
            Found::Custom { .. } => ModelKind::Chat,
        }
    }

    pub fn is_custom(&self) -> bool {
        matches!(self, Found::Custom { .. })
    }

    /// The catalog model, when the ref names one.
    pub fn model(&self) -> Option<&'static Model> {
        match self {
            Found::Catalog(m) => Some(m.model),
            Found::Custom { .. } => None,
        }
    }
}

/// Looks `chosen` up: in the catalog, then among the config's custom providers.
pub(super) fn find<'c>(chosen: &Chosen, config: &'c LoadedConfig) -> Result<Found<'c>, Report> {
    if let Some(found) = catalog::find_model(&chosen.typed_ref) {
        return Ok(Found::Catalog(found));
    }
    if let Some((id, model_id)) = chosen.typed_ref.split_once('/')
        && !model_id.is_empty()
        && catalog::provider(id).is_none()
        && let Some((id, entry)) = config.file.models.providers.get_key_value(id)
    {
        return Ok(Found::Custom {
            id: id.as_str(),
            model_id: model_id.to_string(),
            entry,
        });
    }
    Err(config.report([chosen.locate(config, unknown_ref(&chosen.typed_ref))]))
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
