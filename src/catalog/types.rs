//! The types of the generated catalog tables: everything is `'static` and `Copy`-cheap,
//! built at compile time from `catalog/` and never parsed at run time.

use serde::Serialize;

pub use provcat_common::vocab::{
    AvailabilityStatus, Billing, Capabilities, Dialect, ErrorKind, LifecycleStatus, MaxTokensField,
    MediaField, Modality, ModelKind, ReasoningField, RefVia, Surface, ThinkingFormat, VideoMode,
};

pub use super::facts::{Budget, Cost, CostTier, Prices, ReasoningControls};

/// The catalog's own settings.
#[derive(Debug, Serialize)]
pub struct Settings {
    /// The chat model used when nothing else names one.
    pub default_chat_model: Option<&'static str>,
    /// The video model used when nothing else names one.
    pub default_video_model: Option<&'static str>,
}

/// A provider: its plans, regions, endpoints and auth choices.
#[derive(Debug, Serialize)]
pub struct Provider {
    /// Canonical id, the namespace of its refs (`qwen`).
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Other namespaces that mean this provider (`modelstudio`).
    pub namespace_aliases: &'static [&'static str],
    /// Env vars that may hold the key, in the order they are tried.
    pub auth_env: &'static [&'static str],
    /// Default chat model ref.
    pub default_model: &'static str,
    /// Default video model ref, for providers that serve video.
    pub default_video_model: Option<&'static str>,
    /// Key management and docs links.
    pub links: Links,
    /// Billing plans.
    pub plans: &'static [Plan],
    /// Regions.
    pub regions: &'static [Region],
    /// One endpoint per (plan, region).
    pub endpoints: &'static [Endpoint],
    /// Onboarding choices.
    pub auth_choices: &'static [AuthChoice],
    /// Why provcat cannot call this provider (it has no endpoints then), if it cannot.
    pub not_callable: Option<&'static str>,
    /// How this provider's own error codes and messages are classified.
    pub errors: &'static [ErrorRule],
}

/// A rule classifying a provider error by code and/or message.
#[derive(Debug, Serialize)]
pub struct ErrorRule {
    /// The code, exactly.
    pub code: Option<&'static str>,
    /// Text the message contains (case-insensitive).
    pub message_contains: Option<&'static str>,
    /// What the error means.
    pub kind: ErrorKind,
}

/// Links shown to users.
#[derive(Debug, Serialize)]
pub struct Links {
    /// Where keys are managed.
    pub api_keys: &'static str,
    /// Documentation.
    pub docs: &'static str,
    /// The web console (usage, billing, tasks).
    pub console: Option<&'static str>,
}

/// A billing plan.
#[derive(Debug, Serialize)]
pub struct Plan {
    /// Plan id (`standard`).
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// How it is billed.
    pub billing: Billing,
    /// The prefix its keys start with, if they have one.
    pub key_prefix: Option<&'static str>,
    /// Env vars holding this plan's key, tried before the provider's.
    pub key_env: &'static [&'static str],
}

/// A region.
#[derive(Debug, Serialize)]
pub struct Region {
    /// Region id (`cn`).
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
}

/// Where one (plan, region) pair is served: its API surfaces.
#[derive(Debug, Serialize)]
pub struct Endpoint {
    /// Provider id.
    pub provider: &'static str,
    /// Plan id.
    pub plan: &'static str,
    /// Region id.
    pub region: &'static str,
    /// Surfaces served, in catalog order.
    pub surfaces: &'static [SurfaceEntry],
}

/// One API surface of an endpoint.
#[derive(Debug, Serialize)]
pub struct SurfaceEntry {
    /// What it serves.
    pub kind: Surface,
    /// The wire dialect.
    pub dialect: Dialect,
    /// Base URL as the provider documents it.
    pub base_url: &'static str,
    /// What the host supports (chat surfaces; the generic default elsewhere).
    pub capabilities: Capabilities,
    /// The most task polls per second (video surfaces).
    pub polls_per_second: Option<u32>,
}

/// An onboarding choice.
#[derive(Debug, Serialize)]
pub struct AuthChoice {
    /// Canonical id.
    pub id: &'static str,
    /// Provider id.
    pub provider: &'static str,
    /// Plan id.
    pub plan: &'static str,
    /// Region id.
    pub region: &'static str,
    /// Legacy ids that still work.
    pub legacy_aliases: &'static [&'static str],
    /// The chat model `onboard` sets for this choice: one its plan serves in its region
    /// (the choice's own default, else the provider's).
    pub default_model: &'static str,
}

/// A model.
#[derive(Debug, Serialize)]
pub struct Model {
    /// Provider id.
    pub provider: &'static str,
    /// Model id: the part of the ref after the provider.
    pub id: &'static str,
    /// The id sent on the wire.
    pub wire_id: &'static str,
    /// `<provider>/<id>`.
    #[serde(rename = "ref")]
    pub canonical_ref: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Chat or video.
    pub kind: ModelKind,
    /// Model line.
    pub family: Option<&'static str>,
    /// Input modalities.
    pub input: &'static [Modality],
    /// Context window in tokens (chat).
    pub context_window: Option<u32>,
    /// Largest output per request (chat).
    pub max_output_tokens: Option<u32>,
    /// Largest prompt, where less than the context window.
    pub input_limit: Option<u32>,
    /// Output modalities.
    pub output: &'static [Modality],
    /// Prices in USD per million tokens.
    pub cost: Option<Cost>,
    /// Calls tools.
    pub tool_call: Option<bool>,
    /// Answers in a given JSON schema.
    pub structured_output: Option<bool>,
    /// Takes `temperature`.
    pub temperature: Option<bool>,
    /// Takes file attachments.
    pub attachment: Option<bool>,
    /// Weights are published.
    pub open_weights: Option<bool>,
    /// Knowledge cutoff.
    pub knowledge: Option<&'static str>,
    /// Release date.
    pub release_date: Option<&'static str>,
    /// Last update.
    pub last_updated: Option<&'static str>,
    /// How reasoning is controlled.
    pub reasoning_controls: Option<ReasoningControls>,
    /// Produces reasoning output.
    pub reasoning: bool,
    /// Thinks unless told not to.
    pub thinking_by_default: bool,
    /// Short note.
    pub notes: Option<&'static str>,
    /// Every other ref that names this model, sorted.
    pub aliases: &'static [&'static str],
    /// Lifecycle.
    pub lifecycle: Lifecycle,
    /// The chat dialects it can be called with (empty: any).
    pub dialects: &'static [Dialect],
    /// Why provcat cannot call it (its own reason, else its provider's), if it cannot.
    pub not_callable: Option<&'static str>,
    /// Per-plan availability, sorted by plan id.
    pub availability: &'static [PlanAvailability],
    /// Video details (video models).
    pub video: Option<VideoSpec>,
}

/// Where a model is in its life.
#[derive(Debug, Serialize)]
pub struct Lifecycle {
    /// Status.
    pub status: LifecycleStatus,
    /// Ref to use instead.
    pub replacement: Option<&'static str>,
    /// When it was or will be deprecated or retired.
    pub date: Option<&'static str>,
    /// Why, when there is no replacement.
    pub reason: Option<&'static str>,
}

/// Whether one plan serves a model.
#[derive(Debug, Serialize)]
pub struct PlanAvailability {
    /// Plan id.
    pub plan: &'static str,
    /// Status.
    pub status: AvailabilityStatus,
    /// Why, and what to do instead.
    pub reason: Option<&'static str>,
    /// Regions where the plan serves it (empty: all).
    pub regions: &'static [&'static str],
}

/// How a video model is called.
#[derive(Debug, Serialize)]
pub struct VideoSpec {
    /// Generation mode.
    pub mode: VideoMode,
    /// Reference media rules.
    pub media: MediaRules,
    /// Accepted sizes (`W*H`); empty: the model takes no size.
    pub sizes: &'static [&'static str],
    /// Accepted resolutions; empty: the model takes no resolution.
    pub resolutions: &'static [&'static str],
    /// Accepted aspect ratios; empty: the model takes no ratio.
    pub ratios: &'static [&'static str],
    /// Accepted durations in seconds, when only these are; empty: see `duration_range`.
    pub durations: &'static [u32],
    /// Accepted durations as a range of seconds, both ends included.
    pub duration_range: Option<DurationRange>,
}

/// A range of whole seconds, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DurationRange {
    /// The shortest.
    pub min: u32,
    /// The longest.
    pub max: u32,
}

impl VideoSpec {
    /// Whether the model takes a duration at all.
    pub fn takes_duration(&self) -> bool {
        !self.durations.is_empty() || self.duration_range.is_some()
    }

    /// Whether `seconds` is an accepted duration.
    pub fn accepts_duration(&self, seconds: u32) -> bool {
        self.durations.contains(&seconds)
            || self
                .duration_range
                .is_some_and(|r| (r.min..=r.max).contains(&seconds))
    }

    /// The accepted durations in words: "5, 10 or 15 seconds", "2 to 15 seconds".
    pub fn durations_text(&self) -> String {
        if let Some(r) = self.duration_range {
            return format!("{} to {} seconds", r.min, r.max);
        }
        let words: Vec<String> = self.durations.iter().map(u32::to_string).collect();
        format!("{} seconds", or_list(&words))
    }
}

/// `a`, `a or b`, `a, b or c`.
pub fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Reference media rules of a video model.
#[derive(Debug, Serialize)]
pub struct MediaRules {
    /// The request field carrying media.
    pub field: MediaField,
    /// Fewest items.
    pub min_items: u32,
    /// Most items.
    pub max_items: Option<u32>,
    /// Most images.
    pub max_images: Option<u32>,
    /// Most videos.
    pub max_videos: Option<u32>,
    /// Remote http(s) URLs only.
    pub remote_urls_only: bool,
}

/// One key of the ref table.
#[derive(Debug)]
pub struct RefEntry {
    /// The ref as typed.
    pub key: &'static str,
    /// Index into `MODELS`.
    pub model: usize,
    /// Canonical or alias.
    pub via: RefVia,
}

/// One key of the auth choice table.
#[derive(Debug)]
pub struct AuthChoiceEntry {
    /// The id as typed.
    pub key: &'static str,
    /// Index into `PROVIDERS`.
    pub provider: usize,
    /// Index into the provider's `auth_choices`.
    pub choice: usize,
    /// A legacy id.
    pub legacy: bool,
}

/// One key of the host table.
#[derive(Debug)]
pub struct HostEntry {
    /// Host name, lower case.
    pub host: &'static str,
    /// The surface's dialect.
    pub dialect: Dialect,
    /// Index into `PROVIDERS`.
    pub provider: usize,
    /// Index into the provider's `endpoints`.
    pub endpoint: usize,
    /// Index into the endpoint's `surfaces`.
    pub surface: usize,
}
