//! The catalog the import writes, before it is rendered as TOML: providers with their
//! plans, regions, endpoints and auth choices, and their models with availability.

use std::collections::BTreeMap;

use provcat_compiler::vocab::{AvailabilityStatus, Capabilities, Dialect};

use crate::convert::Facts;
use crate::mapping::{PlanSpec, RegionSpec};

/// A provider to write.
#[derive(Clone, Debug)]
pub struct Provider {
    /// provcat id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Namespace aliases.
    pub namespace_aliases: Vec<String>,
    /// Key variables.
    pub auth_env: Vec<String>,
    /// Default chat model id (without the provider).
    pub default_model: String,
    /// Where keys are managed.
    pub api_keys: String,
    /// Documentation.
    pub docs: String,
    /// Plans with their own key variables.
    pub plans: Vec<(PlanSpec, Vec<String>)>,
    /// Regions.
    pub regions: Vec<RegionSpec>,
    /// Endpoints.
    pub endpoints: Vec<Endpoint>,
    /// Auth choices.
    pub auth_choices: Vec<AuthChoice>,
    /// Why provcat cannot call it.
    pub not_callable: Option<String>,
    /// The models.dev provider ids it was made from.
    pub sources: Vec<String>,
    /// Models by id.
    pub models: BTreeMap<String, Model>,
}

/// One (plan, region) endpoint.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// Plan id.
    pub plan: String,
    /// Region id.
    pub region: String,
    /// Chat surfaces, first the provider's own.
    pub surfaces: Vec<Surface>,
}

/// A chat surface.
#[derive(Clone, Debug, PartialEq)]
pub struct Surface {
    /// Dialect.
    pub dialect: Dialect,
    /// Base URL.
    pub base_url: String,
    /// Capabilities from the mapping's host table.
    pub capabilities: Option<Capabilities>,
}

/// An auth choice.
#[derive(Clone, Debug)]
pub struct AuthChoice {
    /// Id.
    pub id: String,
    /// Plan id.
    pub plan: String,
    /// Region id.
    pub region: String,
    /// Legacy ids.
    pub legacy: Vec<String>,
    /// Its own default model id, when its plan does not serve the provider's in its region.
    pub default_model: Option<String>,
}

/// A model to write.
#[derive(Clone, Debug)]
pub struct Model {
    /// Its facts.
    pub facts: Facts,
    /// The chat dialects it needs (empty: the endpoint's first).
    pub dialects: Vec<Dialect>,
    /// Why provcat cannot call it, when its provider can be called.
    pub not_callable: Option<String>,
    /// Per plan id.
    pub availability: BTreeMap<String, Availability>,
    /// The models.dev files it was made from (`providers/alibaba/models/qwen-max.toml`).
    pub sources: Vec<String>,
}

/// Whether one plan serves a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Availability {
    /// Status.
    pub status: AvailabilityStatus,
    /// Why, when not available.
    pub reason: Option<String>,
    /// Regions (empty: all of the plan's).
    pub regions: Vec<String>,
}
