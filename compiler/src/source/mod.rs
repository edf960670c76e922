//! The source model: what a catalog file may say, as Rust types.
//!
//! These types are the single source of truth for the catalog format. They are
//! deserialized from the TOML files, and the JSON Schemas under `schemas/catalog/`
//! are generated from them (doc comments become the descriptions editors show).
//! Cross-references between values are checked later, in [`crate::check`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

mod facts;

pub use facts::{Budget, Cost, CostTier, ReasoningControls};

use crate::vocab::{
    AvailabilityStatus, Billing, Capabilities, Dialect, ErrorKind, LifecycleStatus, MediaField,
    Modality, ModelKind, Surface, VideoMode,
};

/// The catalog file, `catalog/catalog.toml`: settings of the whole catalog. Optional in a
/// catalog folder (an overlay may have none).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "provcat catalog")]
pub struct CatalogFile {
    /// The chat model used when neither the request nor the config names one and the config
    /// has no provider with a default of its own (`qwen/qwen3.5-plus`).
    #[serde(default)]
    pub default_chat_model: Option<String>,
    /// The video model used when neither the request nor the config names one
    /// (`qwen/wan2.6-t2v`).
    #[serde(default)]
    pub default_video_model: Option<String>,
}

/// A provider file, `catalog/<provider>/provider.toml`: the provider with its plans,
/// regions, endpoints and auth choices. Models live beside it, one file each, in
/// `catalog/<provider>/models/`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "provcat provider")]
pub struct ProviderFile {
    /// Canonical provider id, the namespace of its model refs (`qwen` in `qwen/qwen3.5-plus`).
    /// Must equal the name of the folder that holds this file. Lower case letters, digits,
    /// `-` and `.` (`302ai`, `wafer.ai`: imported providers keep their ids).
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]*$"))]
    pub id: String,
    /// Display name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Other namespaces that mean this provider: `modelstudio/<model>` resolves to `qwen/<model>`.
    #[serde(default)]
    #[schemars(inner(regex(pattern = r"^[a-z0-9][a-z0-9.-]*$")))]
    pub namespace_aliases: Vec<String>,
    /// Environment variables that may hold the API key, in the order they are tried.
    #[schemars(length(min = 1), inner(regex(pattern = r"^[A-Z0-9][A-Z0-9_]*$")))]
    pub auth_env: Vec<String>,
    /// The chat model ref used when the user names none but configures this provider,
    /// e.g. `qwen/qwen3.5-plus`.
    pub default_model: String,
    /// The video model ref used when the user names none but configures this provider
    /// (providers that serve video).
    #[serde(default)]
    pub default_video_model: Option<String>,
    /// Where users manage keys and read documentation.
    pub links: Links,
    /// Billing plans; each needs its own API key.
    #[schemars(length(min = 1))]
    pub plans: Vec<Plan>,
    /// Regions the provider serves; keys are bound to a region.
    #[schemars(length(min = 1))]
    pub regions: Vec<Region>,
    /// One endpoint per (plan, region) pair; at least one unless `not_callable`.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    /// Onboarding choices; each picks a (plan, region) and so an endpoint. At least one
    /// unless `not_callable`.
    #[serde(default)]
    pub auth_choices: Vec<AuthChoice>,
    /// Why provcat cannot call this provider (no API URL, or a wire dialect provcat does not
    /// speak yet), and what to do. Such a provider is listed with its models, but has no
    /// endpoints and no auth choices, and resolving one of its models is an error.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub not_callable: Option<String>,
    /// Old or alternative model refs that keep working, mapped to the canonical ref they
    /// mean: `"qwen/old-id" = "qwen/new-id"`. Each target must be a canonical ref.
    #[serde(default)]
    pub ref_aliases: BTreeMap<String, String>,
    /// How this provider's own error codes and messages are classified, beyond what each
    /// dialect knows; the first matching rule wins.
    #[serde(default)]
    pub errors: Vec<ErrorRule>,
}

/// A rule classifying a provider error by its code or its message.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorRule {
    /// The error code, exactly as the provider sends it (`Arrearage`,
    /// `Throttling.RateQuota`).
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub code: Option<String>,
    /// Text the message contains, compared case-insensitively ("only available for coding
    /// agents"). With `code`, both must match.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub message_contains: Option<String>,
    /// What the error means.
    pub kind: ErrorKind,
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
    /// The web console where usage, quota, billing and tasks are checked (defaults to
    /// `api_keys` in messages).
    #[serde(default)]
    #[schemars(regex(pattern = r"^https://"))]
    pub console: Option<String>,
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
    /// The prefix this plan's API keys start with (`sk-`, `sk-sp-`), when its keys have
    /// one. Where one prefix extends another, the longest match identifies the plan.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub key_prefix: Option<String>,
    /// Environment variables that hold this plan's key, tried before the provider's
    /// `auth_env` (so keys of several plans can live side by side); onboarding writes the
    /// first.
    #[serde(default)]
    #[schemars(inner(regex(pattern = r"^[A-Z0-9][A-Z0-9_]*$")))]
    pub key_env: Vec<String>,
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

/// Where one (plan, region) pair is served: one or more API surfaces.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// The plan this endpoint serves (a plan id of this provider).
    pub plan: String,
    /// The region this endpoint serves (a region id of this provider).
    pub region: String,
    /// The API surfaces, each with its dialect and base URL. For chat, the first surface
    /// whose dialect a model can use is the one requests go to.
    #[schemars(length(min = 1))]
    pub surfaces: Vec<SurfaceSpec>,
}

/// One API surface of an endpoint.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SurfaceSpec {
    /// What the surface serves.
    pub kind: Surface,
    /// The wire dialect it speaks (it must serve `kind`).
    pub dialect: Dialect,
    /// Base URL as the provider documents it; must be `https://`. The dialect appends its
    /// paths (`/chat/completions`, `/v1/messages`, `/api/v1/tasks/…`).
    pub base_url: String,
    /// What the host supports on this surface (chat surfaces). Capabilities belong to the
    /// host and dialect, so a custom provider pointing at the same host inherits them.
    #[serde(default)]
    pub capabilities: Option<Capabilities>,
    /// The most task polls per second the host allows (video surfaces).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub polls_per_second: Option<u32>,
}

/// An onboarding choice: picks a plan and a region, and so an endpoint.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthChoice {
    /// Canonical id, unique across the catalog (`qwen-standard-api-key-cn`).
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]*$"))]
    pub id: String,
    /// The plan (a plan id of this provider).
    pub plan: String,
    /// The region (a region id of this provider).
    pub region: String,
    /// Older ids that keep working and are reported as legacy (`modelstudio-…`).
    #[serde(default)]
    #[schemars(inner(regex(pattern = r"^[a-z0-9][a-z0-9.-]*$")))]
    pub legacy_aliases: Vec<String>,
    /// The chat model ref `onboard` sets for this choice, when the provider's
    /// `default_model` is not one its plan serves in its region (a subscription with model
    /// ids of its own). It must be a model of this provider that the plan serves there.
    #[serde(default)]
    pub default_model: Option<String>,
}

/// A model file, `catalog/<provider>/models/<id>.toml`: one model. An id with `/` lives in
/// sub-folders (`openrouter/models/anthropic/claude-sonnet-4.5.toml`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "provcat model")]
pub struct ModelFile {
    /// Model id (`qwen3.5-plus`, `anthropic/claude-sonnet-4.5`, `deepseek/deepseek-r1:free`,
    /// `workers-ai/@cf/qwen/qwq-32b`, `~openai/gpt-latest`): its path under `models/`
    /// without `.toml`. The canonical ref is `<provider>/<id>`. Unless `wire_id` says
    /// otherwise, it is also the id sent on the wire.
    #[schemars(regex(
        pattern = r"^[A-Za-z0-9@~][A-Za-z0-9._:@~-]*(/[A-Za-z0-9@~][A-Za-z0-9._:@~-]*)*$"
    ))]
    pub id: String,
    /// In a catalog loaded over another one (`--catalog DIR`): this file replaces the model
    /// of the same ref in the catalog below (the built-in one), facts and all. Without it,
    /// a model the catalog below already has keeps that catalog's facts, and this file is
    /// only listed as shadowed (`-v`). Anywhere else it is an error.
    #[serde(default, rename = "override")]
    pub override_below: bool,
    /// The id sent on the wire, when it differs from `id`.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub wire_id: Option<String>,
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
    /// Largest prompt in tokens, where it is less than `context_window` (chat models only).
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub input_limit: Option<u32>,
    /// What the model produces (default: `text` for chat models, `video` for video models).
    #[serde(default)]
    pub output: Vec<Modality>,
    /// Prices, in USD per million tokens.
    #[serde(default)]
    pub cost: Option<Cost>,
    /// The model can call tools (function calling).
    #[serde(default)]
    pub tool_call: Option<bool>,
    /// The model can answer in a given JSON schema (structured output).
    #[serde(default)]
    pub structured_output: Option<bool>,
    /// Requests may set `temperature`.
    #[serde(default)]
    pub temperature: Option<bool>,
    /// The model takes file attachments.
    #[serde(default)]
    pub attachment: Option<bool>,
    /// The weights are published.
    #[serde(default)]
    pub open_weights: Option<bool>,
    /// The knowledge cutoff, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(default)]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}(-\d{2})?$"))]
    pub knowledge: Option<String>,
    /// The release date, `YYYY-MM-DD` (or `YYYY-MM`).
    #[serde(default)]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}(-\d{2})?$"))]
    pub release_date: Option<String>,
    /// The date of the last update, `YYYY-MM-DD` (or `YYYY-MM`); not before `release_date`.
    #[serde(default)]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}(-\d{2})?$"))]
    pub last_updated: Option<String>,
    /// How the model's reasoning is controlled (reasoning models only).
    #[serde(default)]
    pub reasoning_controls: Option<ReasoningControls>,
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
    /// The chat dialects the model can be called with, when not every chat surface of its
    /// provider serves it (e.g. only through Anthropic Messages).
    #[serde(default)]
    pub dialects: Vec<Dialect>,
    /// Per plan (keyed by plan id): whether the plan serves this model. Every plan of the
    /// provider must be listed.
    pub availability: BTreeMap<String, Availability>,
    /// Video generation details (video models only).
    #[serde(default)]
    pub video: Option<VideoSpec>,
    /// Why provcat cannot call this model although its provider is callable (it needs a
    /// wire dialect provcat does not speak yet, or another base URL), and what to do. The
    /// model is listed; resolving it is an error.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub not_callable: Option<String>,
}

impl ModelFile {
    /// What the model produces: `output` as written, else text for a chat model and video
    /// for a video model.
    pub fn outputs(&self) -> Vec<Modality> {
        if !self.output.is_empty() {
            return self.output.clone();
        }
        match self.kind {
            ModelKind::Chat => vec![Modality::Text],
            ModelKind::Video => vec![Modality::Video],
        }
    }
}

/// Where a model is in its life.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    /// Lifecycle status.
    #[serde(default = "active")]
    pub status: LifecycleStatus,
    /// The canonical ref to use instead. A deprecated or retired model names one (with
    /// its `date`), or says why there is none (`reason`).
    #[serde(default)]
    pub replacement: Option<String>,
    /// When the model was (or will be) deprecated or retired, `YYYY-MM-DD`.
    #[serde(default)]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub date: Option<String>,
    /// Why, and what to do, when there is no replacement.
    #[serde(default)]
    #[schemars(length(min = 1))]
    pub reason: Option<String>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Lifecycle {
            status: LifecycleStatus::Active,
            replacement: None,
            date: None,
            reason: None,
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
    /// The regions (region ids of the provider) where the plan serves the model; absent:
    /// every region of the plan.
    #[serde(default)]
    pub regions: Vec<String>,
}

/// How a video model is called.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VideoSpec {
    /// Generation mode.
    pub mode: VideoMode,
    /// Rules for reference media.
    pub media: MediaRules,
    /// Accepted `parameters.size` values, `WIDTH*HEIGHT` (`1280*720`); absent: the model
    /// takes no size, and `--size` is refused before any request.
    #[serde(default)]
    #[schemars(inner(regex(pattern = r"^[1-9][0-9]*\*[1-9][0-9]*$")))]
    pub sizes: Vec<String>,
    /// Accepted `parameters.resolution` values (`720P`, `1080P`); absent: the model takes
    /// no resolution, and `--resolution` is refused before any request.
    #[serde(default)]
    #[schemars(inner(regex(pattern = r"^[1-9][0-9]*P$")))]
    pub resolutions: Vec<String>,
    /// Accepted `parameters.ratio` values (`16:9`, …); absent: the model takes no ratio,
    /// and `--ratio` is refused before any request.
    #[serde(default)]
    #[schemars(inner(regex(pattern = r"^[1-9][0-9]*:[1-9][0-9]*$")))]
    pub ratios: Vec<String>,
    /// Accepted `parameters.duration` values, in seconds, when the model takes only these
    /// (`[5, 10, 15]`); give this or `duration_range`, not both. Neither: the model takes no
    /// duration, and `--duration` is refused before any request.
    #[serde(default)]
    #[schemars(inner(range(min = 1)))]
    pub durations: Vec<u32>,
    /// Accepted `parameters.duration` values as a range of whole seconds, both ends
    /// included (`{ min = 2, max = 15 }`).
    #[serde(default)]
    pub duration_range: Option<DurationRange>,
}

/// A range of whole seconds, both ends included.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DurationRange {
    /// The shortest duration, in seconds.
    #[schemars(range(min = 1))]
    pub min: u32,
    /// The longest duration, in seconds (at least `min`).
    #[schemars(range(min = 1))]
    pub max: u32,
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
