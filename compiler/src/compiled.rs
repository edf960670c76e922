//! The compiled catalog: the checked source model plus the lookup tables derived from it.
//!
//! This is what code generation turns into Rust, and what tests and tools inspect when
//! they compile a catalog folder in-process. All vectors are sorted, so the output is
//! deterministic.

use crate::source::{CatalogFile, ModelFile, ProviderFile};
use crate::vocab::{Dialect, RefVia};

/// A catalog that passed every check.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// The catalog's own settings (`catalog.toml`; empty when the folder has none).
    pub settings: CatalogFile,
    /// Providers, sorted by id.
    pub providers: Vec<ProviderFile>,
    /// Models, sorted by canonical ref.
    pub models: Vec<Model>,
    /// Every ref that names a model (canonical refs, namespace aliases, ref aliases), sorted by key.
    pub refs: Vec<RefEntry>,
    /// Every auth choice id, canonical and legacy, sorted by key.
    pub auth_choice_ids: Vec<AuthChoiceEntry>,
    /// Every (host, dialect) of an endpoint surface, sorted.
    pub hosts: Vec<HostEntry>,
}

/// A model with the provider it belongs to.
#[derive(Clone, Debug)]
pub struct Model {
    /// The provider id.
    pub provider: String,
    /// `<provider>/<id>`.
    pub canonical_ref: String,
    /// The model as written in its file.
    pub source: ModelFile,
    /// Why provcat cannot call the model: its own `not_callable`, else its provider's.
    pub not_callable: Option<String>,
}

impl Model {
    /// The id sent on the wire: `wire_id` when set, else the model id.
    pub fn wire_id(&self) -> &str {
        self.source.wire_id.as_deref().unwrap_or(&self.source.id)
    }
}

/// One key of the ref table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefEntry {
    /// The ref as a user may type it.
    pub key: String,
    /// Index into [`Catalog::models`].
    pub model: usize,
    /// Whether the key is canonical or an alias.
    pub via: RefVia,
}

/// One key of the auth choice table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthChoiceEntry {
    /// The id as a user may type it.
    pub key: String,
    /// Index into [`Catalog::providers`].
    pub provider: usize,
    /// Index into that provider's `auth_choices`.
    pub choice: usize,
    /// True for a legacy alias.
    pub legacy: bool,
}

/// One entry of the host table: capabilities belong to a host's surface of one dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostEntry {
    /// Host name, lower case, without port.
    pub host: String,
    /// The dialect of the surface on that host.
    pub dialect: Dialect,
    /// Index into [`Catalog::providers`].
    pub provider: usize,
    /// Index into that provider's `endpoints`.
    pub endpoint: usize,
    /// Index into that endpoint's `surfaces`.
    pub surface: usize,
}

impl Catalog {
    /// The model a ref names, canonical or alias.
    pub fn model(&self, reference: &str) -> Option<&Model> {
        let i = self
            .refs
            .binary_search_by(|e| e.key.as_str().cmp(reference))
            .ok()?;
        self.models.get(self.refs[i].model)
    }

    /// The provider with this id.
    pub fn provider(&self, id: &str) -> Option<&ProviderFile> {
        self.providers.iter().find(|p| p.id == id)
    }
}
