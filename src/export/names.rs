//! The ids and names each format knows providers by. A provider the format already has is
//! exported under the format's own id and name (models.dev's `alibaba-coding-plan-cn`,
//! catwalk's `zhipu-coding`, LiteLLM's `dashscope`), so an export can replace or sit beside
//! the format's own entry; any other gets a derived id: the provider id when it has one
//! endpoint, else `<provider>-<plan>-<region>`, and a name saying plan and region.
//!
//! The tables match a catalog provider by its id or any namespace alias, and a plan and
//! region by id, so they keep working when a provider's canonical id changes.

use super::targets::Target;

/// (provider ids, plan, region, format id, format name).
type Known = (
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const QWEN: &[&str] = &["qwen", "modelstudio", "alibaba", "dashscope"];
const MOONSHOT: &[&str] = &["moonshot", "moonshotai", "kimi"];
const ZAI: &[&str] = &["zai", "zhipuai", "zhipu"];
const MINIMAX: &[&str] = &["minimax"];

/// models.dev provider ids and names (from the models.dev snapshot's `provider.toml`s).
const MODELS_DEV: &[Known] = &[
    (QWEN, "standard", "global", "alibaba", "Alibaba"),
    (QWEN, "standard", "cn", "alibaba-cn", "Alibaba (China)"),
    (
        QWEN,
        "coding",
        "global",
        "alibaba-coding-plan",
        "Alibaba Coding Plan",
    ),
    (
        QWEN,
        "coding",
        "cn",
        "alibaba-coding-plan-cn",
        "Alibaba Coding Plan (China)",
    ),
    (
        QWEN,
        "token",
        "global",
        "alibaba-token-plan",
        "Alibaba Token Plan",
    ),
    (
        QWEN,
        "token",
        "cn",
        "alibaba-token-plan-cn",
        "Alibaba Token Plan (China)",
    ),
    (MOONSHOT, "standard", "global", "moonshotai", "Moonshot AI"),
    (
        MOONSHOT,
        "standard",
        "cn",
        "moonshotai-cn",
        "Moonshot AI (China)",
    ),
    (
        MOONSHOT,
        "coding",
        "global",
        "kimi-for-coding",
        "Kimi For Coding",
    ),
    (ZAI, "standard", "global", "zai", "Z.AI"),
    (ZAI, "standard", "cn", "zhipuai", "Zhipu AI"),
    (
        ZAI,
        "coding",
        "global",
        "zai-coding-plan",
        "Z.AI Coding Plan",
    ),
    (
        ZAI,
        "coding",
        "cn",
        "zhipuai-coding-plan",
        "Zhipu AI Coding Plan",
    ),
    (
        MINIMAX,
        "standard",
        "global",
        "minimax",
        "MiniMax (minimax.io)",
    ),
    (
        MINIMAX,
        "standard",
        "cn",
        "minimax-cn",
        "MiniMax (minimaxi.com)",
    ),
    (
        MINIMAX,
        "token",
        "global",
        "minimax-coding-plan",
        "MiniMax Token Plan (minimax.io)",
    ),
    (
        MINIMAX,
        "token",
        "cn",
        "minimax-cn-coding-plan",
        "MiniMax Token Plan (minimaxi.com)",
    ),
    (
        MINIMAX,
        "coding",
        "global",
        "minimax-coding-plan",
        "MiniMax Token Plan (minimax.io)",
    ),
    (
        MINIMAX,
        "coding",
        "cn",
        "minimax-cn-coding-plan",
        "MiniMax Token Plan (minimaxi.com)",
    ),
    (
        &["google", "gemini"],
        "standard",
        "global",
        "google",
        "Google",
    ),
];

/// catwalk provider ids and names (catwalk's `InferenceProvider` constants and configs).
const CATWALK: &[Known] = &[
    (
        QWEN,
        "standard",
        "global",
        "alibaba-singapore",
        "Alibaba (Singapore)",
    ),
    (
        QWEN,
        "standard",
        "us",
        "alibaba-us",
        "Alibaba (United States)",
    ),
    (MOONSHOT, "standard", "global", "moonshot", "Moonshot"),
    (MOONSHOT, "coding", "global", "kimi-coding", "Kimi Coding"),
    (ZAI, "standard", "global", "zai", "Z.AI"),
    (ZAI, "standard", "cn", "zhipu", "Zhipu"),
    (ZAI, "coding", "cn", "zhipu-coding", "Zhipu Coding"),
    (MINIMAX, "standard", "global", "minimax", "MiniMax"),
    (
        MINIMAX,
        "standard",
        "cn",
        "minimax-china",
        "MiniMax (China)",
    ),
    (
        &["google", "gemini"],
        "standard",
        "global",
        "gemini",
        "Google Gemini",
    ),
];

/// LiteLLM's `litellm_provider` ids, by catalog provider id or namespace alias.
const LITELLM: &[(&[&str], &str)] = &[
    (QWEN, "dashscope"),
    (MOONSHOT, "moonshot"),
    (ZAI, "zai"),
    (MINIMAX, "minimax"),
    (&["google", "gemini"], "gemini"),
    (&["openai"], "openai"),
    (&["anthropic"], "anthropic"),
    (&["deepseek"], "deepseek"),
    (&["mistral"], "mistral"),
    (&["xai"], "xai"),
    (&["groq"], "groq"),
    (&["openrouter"], "openrouter"),
];

fn is(provider: &crate::catalog::Provider, ids: &[&str]) -> bool {
    ids.contains(&provider.id) || provider.namespace_aliases.iter().any(|a| ids.contains(a))
}

fn known(table: &[Known], target: &Target) -> Option<(String, String)> {
    table
        .iter()
        .find(|(ids, plan, region, ..)| {
            is(target.provider, ids) && *plan == target.plan.id && *region == target.region.id
        })
        .map(|(.., id, name)| (id.to_string(), name.to_string()))
}

/// The id and name derived from the catalog: the provider's own for a provider with one
/// endpoint, else `<provider>-<plan>-<region>` and `<name> (<plan name>, <region name>)`.
pub fn derived(target: &Target) -> (String, String) {
    if target.only {
        (
            target.provider.id.to_string(),
            target.provider.name.to_string(),
        )
    } else {
        (
            format!(
                "{}-{}-{}",
                target.provider.id, target.plan.id, target.region.id
            ),
            format!(
                "{} ({}, {})",
                target.provider.name, target.plan.name, target.region.name
            ),
        )
    }
}

/// The models.dev id and name of a target.
pub fn models_dev(target: &Target) -> (String, String) {
    known(MODELS_DEV, target).unwrap_or_else(|| derived(target))
}

/// The catwalk id and name of a target.
pub fn catwalk(target: &Target) -> (String, String) {
    known(CATWALK, target).unwrap_or_else(|| derived(target))
}

/// LiteLLM's provider id for a catalog provider, and whether LiteLLM knows it (else the
/// catalog's id is used).
pub fn litellm(provider: &crate::catalog::Provider) -> (&'static str, bool) {
    match LITELLM.iter().find(|(ids, _)| is(provider, ids)) {
        Some((_, id)) => (id, true),
        None => (provider.id, false),
    }
}
