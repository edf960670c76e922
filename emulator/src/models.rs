//! The chat models the emulator knows, per plan (from `catalog/qwen/models/*.toml` and the
//! wire facts: the Coding Plan rejects `qwen3.6-plus`).

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

/// The model with this id, whatever the plan.
pub(crate) fn find(id: &str) -> Option<&'static KnownModel> {
    CHAT_MODELS.iter().find(|m| m.id == id)
}
