//! The source model: what a catalog file may say, as Rust types.
//!
//! These types are the single source of truth for the catalog format. They are
//! deserialized from the TOML files, and the JSON Schemas under `schemas/catalog/`
//! are generated from them (doc comments become the descriptions editors show).
//! Cross-references between values are checked later, in [`crate::check`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::vocab::{
    ApiKind, AvailabilityStatus, Billing, LifecycleStatus, MediaField, Modality, ModelKind,
    Surface, VideoMode,
};

/// A provider file, `catalog/<provider>/provider.toml`: the provider with its plans,
/// regions, endpoints and auth choices. Models live beside it, one file each, in
/// `catalog/<provider>/models/`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "provcat provider")]
pub struct ProviderFile {
    /// Canonical provider id, the namespace of its model refs (`qwen` in `qwen/qwen3.5-plus`).
    /// Must equal the name of the folder that holds this file.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9-]*$"))]
    pub id: String,
    /// Display name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Other namespaces that mean this provider: `modelstudio/<model>` resolves to `qwen/<model>`.
    #[serde(default)]
    #[schemars(inner(regex(pattern = r"^[a-z][a-z0-9-]*$")))]
    pub namespace_aliases: Vec<String>,
    /// The wire protocol for chat.
    pub api: ApiKind,
    /// Environment variables that may hold the API key, in the order they are tried.
    #[schemars(length(min = 1), inner(regex(pattern = r"^[A-Z][A-Z0-9_]*$")))]
    pub auth_env: Vec<String>,
    /// The model ref used when the user names none, e.g. `qwen/qwen3.5-plus`.
    pub default_model: String,
    /// Where users manage keys and read documentation.
    pub links: Links,
    /// Billing plans; each needs its own API key.
    #[schemars(length(min = 1))]
    pub plans: Vec<Plan>,
    /// Regions the provider serves; keys are bound to a region.
    #[schemars(length(min = 1))]
    pub regions: Vec<Region>,
    /// One endpoint per (plan, region) pair.
    #[schemars(length(min = 1))]
    pub endpoints: Vec<Endpoint>,
    /// Onboarding choices; each picks a (plan, region) and so an endpoint.
    #[schemars(length(min = 1))]
    pub auth_choices: Vec<AuthChoice>,
    /// Old or alternative model refs that keep working, mapped to the canonical ref they
    /// mean: `"qwen/old-id" = "qwen/new-id"`. Each target must be a canonical ref.
    #[serde(default)]
    pub ref_aliases: BTreeMap<String, String>,
}

/// Links shown to users.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Links {
    /// Where API keys are created and managed.
    #[schemars(regex(pattern = r"^https://"))]
    pub api_keys: String,
    /// The provider's documentation.
    #[schemars(regex(pattern = r"^https://"))]
    pub docs: String,
}

/// A billing plan.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Plan id, unique within the provider (`standard`, `coding`).
    #[schemars(regex(pattern = r"^[a-z][a-z0-9-]*$"))]
    pub id: String,
    /// Display name, e.g. `Standard (pay-as-you-go)`.
    #[schemars(length(min = 1))]
    pub name: String,
    /// How the plan is billed.
    pub billing: Billing,
    /// The prefix this plan's API keys start with (`sk-`, `sk-sp-`). Where one prefix
    /// extends another, the longest match identifies the plan.
    #[schemars(length(min = 1))]
    pub key_prefix: String,
}

/// A region.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Region id, unique within the provider (`cn`, `global`).
    #[schemars(regex(pattern = r"^[a-z][a-z0-9-]*$"))]
    pub id: String,
    /// Display name, e.g. `China`.
    #[schemars(length(min = 1))]
    pub name: String,
}

/// Where one (plan, region) pair is served.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// The plan this endpoint serves (a plan id of this provider).
    pub plan: String,
    /// The region this endpoint serves (a region id of this provider).
    pub region: String,
    /// Base URL of the OpenAI-compatible API; must be `https://`.
    pub base_url: String,
    /// Base URL of the provider's native API (video tasks), when the endpoint serves it;
    /// must be `https://`.
    #[serde(default)]
    pub native_base_url: Option<String>,
    /// The API surfaces this endpoint serves.
    #[schemars(length(min = 1))]
    pub surfaces: Vec<Surface>,
    /// What the host supports. Capabilities belong to the host, so a custom provider
    /// pointing at the same host inherits them.
    pub capabilities: Capabilities,
}

/// Capabilities of an endpoint's host.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Capabilities {
    /// Streams report token usage when asked with `stream_options.include_usage`.
    pub streaming_usage: bool,
    /// The `developer` message role is accepted (when false it is sent as `system`).
    pub developer_role: bool,
    /// The DashScope thinking controls (`enable_thinking`, `thinking_budget`) are accepted.
    pub thinking_flags: bool,
}

/// An onboarding choice: picks a plan and a region, and so an endpoint.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthChoice {
    /// Canonical id, unique across the catalog (`qwen-standard-api-key-cn`).
    #[schemars(regex(pattern = r"^[a-z][a-z0-9-]*$"))]
    pub id: String,
    /// The plan (a plan id of this provider).
    pub plan: String,
    /// The region (a region id of this provider).
    pub region: String,
    /// Older ids that keep working and are reported as legacy (`modelstudio-…`).
    #[serde(default)]
    #[schemars(inner(regex(pattern = r"^[a-z][a-z0-9-]*$")))]
    pub legacy_aliases: Vec<String>,
}

/// A model file, `catalog/<provider>/models/<id>.toml`: one model.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "provcat model")]
pub struct ModelFile {
    /// Model id as the provider's API spells it (`qwen3.5-plus`). Must equal the file
    /// name without `.toml`; the canonical ref is `<provider>/<id>`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"))]
    pub id: String,
    /// Display name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// What the model produces.
    pub kind: ModelKind,
    /// The model line it belongs to (`qwen3.5`, `glm`, `wan2.6`).
    #[serde(default)]
    pub family: Option<String>,
    /// Input modalities the model accepts.
    #[schemars(length(min = 1))]
    pub input: Vec<Modality>,
    /// Context window in tokens (chat models only).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub context_window: Option<u32>,
    /// Largest number of output tokens per request (chat models only); at most `context_window`.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub max_output_tokens: Option<u32>,
    /// The model can produce reasoning (thinking) output.
    #[serde(default)]
    pub reasoning: bool,
    /// The model thinks unless told not to (`enable_thinking: false`); requires `reasoning`.
    #[serde(default)]
    pub thinking_by_default: bool,
    /// A short note shown in model tables.
    #[serde(default)]
    pub notes: Option<String>,
    /// Other refs that mean this model, in `<namespace>/<id>` form (`alibaba/wan2.6-t2v`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Where the model is in its life.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// Per plan (keyed by plan id): whether the plan serves this model. Every plan of the
    /// provider must be listed.
    pub availability: BTreeMap<String, Availability>,
    /// Video generation details (video models only).
    #[serde(default)]
    pub video: Option<VideoSpec>,
}

/// Where a model is in its life.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    /// Lifecycle status.
    #[serde(default = "active")]
    pub status: LifecycleStatus,
    /// The canonical ref to use instead (required when deprecated or retired).
    #[serde(default)]
    pub replacement: Option<String>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Lifecycle {
            status: LifecycleStatus::Active,
            replacement: None,
        }
    }
}

fn active() -> LifecycleStatus {
    LifecycleStatus::Active
}

/// Whether one plan serves a model.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    /// Whether the plan serves the model.
    pub status: AvailabilityStatus,
    /// Why, and what to do instead; required unless `status` is `available`.
    #[serde(default)]
    pub reason: Option<String>,
}

/// How a video model is called.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VideoSpec {
    /// Generation mode.
    pub mode: VideoMode,
    /// Rules for reference media.
    pub media: MediaRules,
    /// Accepted `parameters.resolution` values (`720P`, `1080P`), when the model takes one.
    #[serde(default)]
    pub resolutions: Vec<String>,
    /// Accepted `parameters.ratio` values (`16:9`, …), when the model takes one.
    #[serde(default)]
    pub ratios: Vec<String>,
}

/// Rules for a video model's reference media.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaRules {
    /// The request field that carries the media.
    pub field: MediaField,
    /// Fewest media items a request must carry.
    #[serde(default)]
    pub min_items: u32,
    /// Most media items a request may carry (absent: no documented limit).
    #[serde(default)]
    pub max_items: Option<u32>,
    /// Most images among the items (absent: up to `max_items`).
    #[serde(default)]
    pub max_images: Option<u32>,
    /// Most videos among the items (absent: up to `max_items`).
    #[serde(default)]
    pub max_videos: Option<u32>,
    /// Media must be remote `http(s)` URLs; local files are rejected before upload.
    #[serde(default)]
    pub remote_urls_only: bool,
}
