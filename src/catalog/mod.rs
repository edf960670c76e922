//! The built-in catalog: static tables generated from `catalog/` at build time, and
//! lookups over them.
//!
//! Nothing here parses or allocates on a hit: refs, auth choice ids and hosts are
//! binary-searched in sorted slices. Misses return a [`LookupError`] that carries the
//! closest known names.

mod facts;
#[cfg(feature = "compiler")]
pub mod overlay;
mod types;

pub use types::*;

use provcat_common::suggest;

#[allow(clippy::all)]
mod builtin {
    use super::types::*;
    include!(concat!(env!("OUT_DIR"), "/catalog.rs"));
}

#[cfg(feature = "compiler")]
mod sources {
    include!(concat!(env!("OUT_DIR"), "/catalog_sources.rs"));
}

/// The built-in catalog's files, as (path relative to `catalog/`, text).
#[cfg(feature = "compiler")]
pub fn builtin_sources() -> &'static [(&'static str, &'static str)] {
    sources::SOURCES
}

/// The lookup tables of one catalog: all sorted slices, all `'static`.
#[derive(Debug)]
pub struct Tables {
    /// The catalog's own settings.
    pub settings: &'static Settings,
    /// Providers, sorted by id.
    pub providers: &'static [Provider],
    /// Models, sorted by canonical ref.
    pub models: &'static [Model],
    /// Every ref that names a model, sorted by key.
    pub refs: &'static [RefEntry],
    /// Every auth choice id, sorted by key.
    pub auth_choice_ids: &'static [AuthChoiceEntry],
    /// Every (host, dialect) of a surface, sorted.
    pub hosts: &'static [HostEntry],
}

/// The catalog compiled into the binary.
pub static BUILTIN: Tables = Tables {
    settings: &builtin::SETTINGS,
    providers: builtin::PROVIDERS,
    models: builtin::MODELS,
    refs: builtin::REFS,
    auth_choice_ids: builtin::AUTH_CHOICE_IDS,
    hosts: builtin::HOSTS,
};

static INSTALLED: std::sync::OnceLock<&'static Tables> = std::sync::OnceLock::new();

/// Makes `tables` the catalog every lookup uses from now on (the built-in catalog merged
/// with run-time overlays, say). Only the first call takes effect; it returns `false` when
/// a catalog was installed already.
pub fn install(tables: &'static Tables) -> bool {
    INSTALLED.set(tables).is_ok()
}

/// The catalog in use: the installed one, else the built-in one.
pub fn tables() -> &'static Tables {
    INSTALLED.get().copied().unwrap_or(&BUILTIN)
}

/// The catalog's own settings (default models).
pub fn settings() -> &'static Settings {
    tables().settings
}

/// Every provider, sorted by id.
pub fn providers() -> &'static [Provider] {
    tables().providers
}

/// Every model, sorted by canonical ref.
pub fn models() -> &'static [Model] {
    tables().models
}

/// Every endpoint of every provider.
pub fn endpoints() -> impl Iterator<Item = &'static Endpoint> {
    providers().iter().flat_map(|p| p.endpoints.iter())
}

/// Every auth choice of every provider.
pub fn auth_choices() -> impl Iterator<Item = &'static AuthChoice> {
    providers().iter().flat_map(|p| p.auth_choices.iter())
}

/// The provider with this id or namespace alias.
pub fn provider(id: &str) -> Option<&'static Provider> {
    providers()
        .iter()
        .find(|p| p.id == id || p.namespace_aliases.contains(&id))
}

/// A model found by ref.
#[derive(Clone, Copy, Debug)]
pub struct ModelMatch {
    /// The model.
    pub model: &'static Model,
    /// How the typed ref reached it.
    pub via: RefVia,
    /// The alias that was typed, when it was not the canonical ref.
    pub alias: Option<&'static str>,
}

/// An auth choice found by id.
#[derive(Clone, Copy, Debug)]
pub struct AuthChoiceMatch {
    /// The provider the choice belongs to.
    pub provider: &'static Provider,
    /// The canonical auth choice.
    pub choice: &'static AuthChoice,
    /// The legacy id that was typed, when it was one.
    pub legacy_alias: Option<&'static str>,
}

/// A name that is not in the catalog.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// No model has this ref.
    #[error("unknown model ref `{input}`{}", hint(suggestions))]
    UnknownModel {
        /// What was typed.
        input: String,
        /// The closest known refs, best first.
        suggestions: Vec<&'static str>,
    },
    /// No auth choice has this id.
    #[error("unknown auth choice `{input}`{}", hint(suggestions))]
    UnknownAuthChoice {
        /// What was typed.
        input: String,
        /// The closest known ids, best first.
        suggestions: Vec<&'static str>,
    },
}

fn hint(suggestions: &[&str]) -> String {
    suggest::did_you_mean(suggestions)
        .map(|q| format!("; {q}"))
        .unwrap_or_default()
}

/// Looks a model up by canonical ref (`qwen/glm-5`) or any alias
/// (`modelstudio/glm-5`, `alibaba/wan2.6-t2v`).
pub fn lookup_model(reference: &str) -> Result<ModelMatch, LookupError> {
    find_model(reference).ok_or_else(|| {
        // Legacy spellings (`modelstudio/…`) are only suggested to someone who typed one.
        let legacy = reference
            .split_once('/')
            .is_some_and(|(ns, _)| provider(ns).is_some_and(|p| p.id != ns));
        let candidates = tables()
            .refs
            .iter()
            .filter(|e| legacy || e.via != RefVia::NamespaceAlias)
            .map(|e| e.key);
        LookupError::UnknownModel {
            input: reference.to_string(),
            suggestions: suggest::closest(reference, candidates),
        }
    })
}

/// Like [`lookup_model`], without building suggestions on a miss (for callers that have
/// other places to look, such as custom providers).
pub fn find_model(reference: &str) -> Option<ModelMatch> {
    let tables = tables();
    let refs = tables.refs;
    let i = refs.binary_search_by(|e| e.key.cmp(reference)).ok()?;
    let entry = &refs[i];
    Some(ModelMatch {
        model: &tables.models[entry.model],
        via: entry.via,
        alias: (entry.via != RefVia::Canonical).then_some(entry.key),
    })
}

/// Looks an auth choice up by canonical id or legacy alias.
pub fn lookup_auth_choice(id: &str) -> Result<AuthChoiceMatch, LookupError> {
    let tables = tables();
    let ids = tables.auth_choice_ids;
    match ids.binary_search_by(|e| e.key.cmp(id)) {
        Ok(i) => {
            let entry = &ids[i];
            let provider = &tables.providers[entry.provider];
            Ok(AuthChoiceMatch {
                provider,
                choice: &provider.auth_choices[entry.choice],
                legacy_alias: entry.legacy.then_some(entry.key),
            })
        }
        Err(_) => Err(LookupError::UnknownAuthChoice {
            input: id.to_string(),
            suggestions: suggest::closest(id, ids.iter().map(|e| e.key)),
        }),
    }
}

/// A surface found by host: the endpoint it belongs to and the surface itself.
#[derive(Clone, Copy, Debug)]
pub struct HostMatch {
    /// The endpoint.
    pub endpoint: &'static Endpoint,
    /// Its surface on the host.
    pub surface: &'static SurfaceEntry,
}

/// The catalog surface of `dialect` served by `host` (case-insensitive), whose
/// capabilities a custom provider pointing at the same host inherits.
pub fn surface_for_host(host: &str, dialect: Dialect) -> Option<HostMatch> {
    let host = host.to_ascii_lowercase();
    let tables = tables();
    let hosts = tables.hosts;
    let i = hosts
        .binary_search_by(|e| (e.host, e.dialect).cmp(&(host.as_str(), dialect)))
        .ok()?;
    let entry = &hosts[i];
    let endpoint = tables.providers[entry.provider]
        .endpoints
        .get(entry.endpoint)?;
    Some(HostMatch {
        endpoint,
        surface: endpoint.surfaces.get(entry.surface)?,
    })
}

/// The first catalog surface of any dialect served by `host` (case-insensitive): which
/// provider, plan and region the host belongs to.
pub fn endpoint_for_host(host: &str) -> Option<&'static Endpoint> {
    let host = host.to_ascii_lowercase();
    let tables = tables();
    let hosts = tables.hosts;
    let start = hosts.partition_point(|e| e.host < host.as_str());
    let entry = hosts.get(start).filter(|e| e.host == host)?;
    tables.providers[entry.provider]
        .endpoints
        .get(entry.endpoint)
}

impl Endpoint {
    /// The first surface of `kind`.
    pub fn surface(&self, kind: Surface) -> Option<&'static SurfaceEntry> {
        self.surfaces.iter().find(|s| s.kind == kind)
    }

    /// The chat surface a model is called through: the first whose dialect the model can
    /// use (`dialects` empty: any).
    pub fn chat_surface(&self, dialects: &[Dialect]) -> Option<&'static SurfaceEntry> {
        self.surfaces.iter().find(|s| {
            s.kind == Surface::Chat && (dialects.is_empty() || dialects.contains(&s.dialect))
        })
    }

    /// The URL that stands for the endpoint: its first chat surface's, else its first
    /// surface's.
    pub fn base_url(&self) -> &'static str {
        self.surface(Surface::Chat)
            .or(self.surfaces.first())
            .map_or("", |s| s.base_url)
    }

    /// Whether the endpoint serves `kind` at all.
    pub fn serves(&self, kind: Surface) -> bool {
        self.surface(kind).is_some()
    }
}

impl Provider {
    /// The plan with this id.
    pub fn plan(&self, id: &str) -> Option<&'static Plan> {
        self.plans.iter().find(|p| p.id == id)
    }

    /// The region with this id.
    pub fn region(&self, id: &str) -> Option<&'static Region> {
        self.regions.iter().find(|r| r.id == id)
    }

    /// The endpoint serving `plan` in `region`.
    pub fn endpoint(&self, plan: &str, region: &str) -> Option<&'static Endpoint> {
        self.endpoints
            .iter()
            .find(|e| e.plan == plan && e.region == region)
    }

    /// Where to switch when a plan does not (reliably) serve `model`: the first auth choice
    /// in `region` (any region when `None`) whose plan is not `other_than` and serves the
    /// model as available in the choice's region.
    pub fn auth_choice_serving(
        &self,
        model: &Model,
        region: Option<&str>,
        other_than: Option<&str>,
    ) -> Option<&'static AuthChoice> {
        self.auth_choices.iter().find(|c| {
            region.is_none_or(|r| c.region == r)
                && other_than.is_none_or(|p| c.plan != p)
                && model.availability_on(c.plan).is_some_and(|a| {
                    a.status == AvailabilityStatus::Available
                        && (a.regions.is_empty() || a.regions.contains(&c.region))
                })
        })
    }

    /// The models of this provider.
    pub fn models(&self) -> impl Iterator<Item = &'static Model> + use<> {
        let id = self.id;
        models().iter().filter(move |m| m.provider == id)
    }
}

impl AuthChoiceMatch {
    /// The endpoint this choice selects.
    pub fn endpoint(&self) -> Option<&'static Endpoint> {
        self.provider.endpoint(self.choice.plan, self.choice.region)
    }
}

impl Model {
    /// Whether `plan` serves this model (`None` when the plan is unknown).
    pub fn availability_on(&self, plan: &str) -> Option<&'static PlanAvailability> {
        self.availability.iter().find(|a| a.plan == plan)
    }
}
