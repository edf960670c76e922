//! The chat models the emulator knows by default: DashScope's, per plan (from
//! `catalog/qwen/models/*.toml` and the wire facts: the Coding Plan rejects `qwen3.6-plus`),
//! and those of the Anthropic and OpenAI surfaces. Every table can be replaced through
//! [`crate::EmulatorConfig`].

/// A plan, i.e. which kind of host a request reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Pay-as-you-go: `/compatible-mode/v1`.
    Standard,
    /// Coding Plan: `/v1`.
    Coding,
}

/// A chat model the emulator serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownModel {
    /// The model id sent as `model`.
    pub id: &'static str,
    /// Thinks unless the request sends `enable_thinking: false`.
    pub thinks_by_default: bool,
    /// Accepts `image_url` content parts.
    pub takes_images: bool,
    /// Served on the Coding Plan host (all are served on the Standard host).
    pub on_coding_plan: bool,
}

const fn model(id: &'static str, thinks: bool, images: bool, coding: bool) -> KnownModel {
    KnownModel {
        id,
        thinks_by_default: thinks,
        takes_images: images,
        on_coding_plan: coding,
    }
}

/// Every chat model, sorted by id.
pub const CHAT_MODELS: &[KnownModel] = &[
    model("MiniMax-M2.5", false, false, true),
    model("glm-4.7", false, false, true),
    model("glm-5", false, false, true),
    model("kimi-k2.5", false, true, true),
    model("qwen3-coder-next", false, false, true),
    model("qwen3-coder-plus", false, false, true),
    model("qwen3-max-2026-01-23", false, false, true),
    model("qwen3.5-plus", true, true, true),
    model("qwen3.6-plus", true, true, false),
];

/// The ids of the chat models a plan serves.
pub fn chat_models(plan: Plan) -> Vec<&'static str> {
    CHAT_MODELS
        .iter()
        .filter(|m| plan == Plan::Standard || m.on_coding_plan)
        .map(|m| m.id)
        .collect()
}

/// The model with this id in `table`, whatever the plan.
pub(crate) fn find<'a>(table: &'a [KnownModel], id: &str) -> Option<&'a KnownModel> {
    table.iter().find(|m| m.id == id)
}

/// A model of the Anthropic or OpenAI surface. Its id is matched exactly and may hold `/`
/// and `:` (`anthropic/claude-sonnet-4.5`, `deepseek/deepseek-r1:free`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurfaceModel {
    /// The id sent as `model`.
    pub id: String,
    /// A reasoning model: on the Anthropic surface it accepts `thinking` enabled; on the
    /// OpenAI surface it rejects `max_tokens` and takes `reasoning_effort` (see the crate
    /// docs).
    pub reasoning: bool,
    /// Accepts image content.
    pub images: bool,
}

impl SurfaceModel {
    /// A model with this id and these capabilities.
    pub fn new(id: impl Into<String>, reasoning: bool, images: bool) -> SurfaceModel {
        SurfaceModel {
            id: id.into(),
            reasoning,
            images,
        }
    }
}

/// The Anthropic surface's default models: `claude-sonnet-4-5` (reasoning, images) and
/// `claude-haiku-4-5` (images, no reasoning).
pub fn anthropic_models() -> Vec<SurfaceModel> {
    vec![
        SurfaceModel::new("claude-haiku-4-5", false, true),
        SurfaceModel::new("claude-sonnet-4-5", true, true),
    ]
}

/// The OpenAI surface's default models: `gpt-5` (reasoning, images), `gpt-4.1` (images, no
/// reasoning), `o4-mini` (reasoning, images), and the OpenRouter-style ids
/// `anthropic/claude-sonnet-4.5` (reasoning, images) and `deepseek/deepseek-r1:free`
/// (reasoning, text only).
pub fn openai_models() -> Vec<SurfaceModel> {
    vec![
        SurfaceModel::new("anthropic/claude-sonnet-4.5", true, true),
        SurfaceModel::new("deepseek/deepseek-r1:free", true, false),
        SurfaceModel::new("gpt-4.1", false, true),
        SurfaceModel::new("gpt-5", true, true),
        SurfaceModel::new("o4-mini", true, true),
    ]
}
