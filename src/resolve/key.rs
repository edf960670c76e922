//! Finding the API key. The precedence, documented here once:
//!
//! 1. the explicit flag (`--api-key-stdin`);
//! 2. `apiKey` of the provider's entry in the config file;
//! 3. the key variables, from the process environment: first the plan's own (`key_env` of
//!    the plan the auth choice selects, e.g. `ALIBABA_CODING_PLAN_API_KEY` for the Coding
//!    Plan, so keys of several plans can live side by side), then the provider's in
//!    catalog order (`QWEN_API_KEY`, `MODELSTUDIO_API_KEY`, `DASHSCOPE_API_KEY`); see
//!    [`super::key_vars`];
//! 4. the same variables in the config file's `env` table;
//! 5. the same variables in the `.env` file beside the config file.
//!
//! The first layer that has a non-empty value wins.

use serde::Serialize;

use crate::catalog::{Plan, Provider};
use crate::config::{Env, LoadedConfig};
use crate::secret::{ApiKey, FoundKey, KeySource};
use crate::warning::{KeyShape, Warning};

/// The outcome of a key lookup: the key, if any, and every place that was looked at, in
/// order (for `explain` and for "no key" errors).
#[derive(Clone, Debug, Serialize)]
pub struct KeyLookup {
    /// The key found, with its source.
    pub found: Option<FoundKey>,
    /// Every place looked, in precedence order.
    pub searched: Vec<String>,
}

/// Looks for the key of the provider whose config entry is `entry` (its key in
/// `models.providers`, if it has one) and whose env vars are `vars`.
pub fn find_key(
    flag: Option<&ApiKey>,
    entry: Option<(&str, Option<&str>)>,
    vars: &[String],
    env: &Env,
    config: &LoadedConfig,
) -> KeyLookup {
    let file = &config.location.path;
    let mut searched = Vec::new();
    let mut found = None;
    let mut offer = |place: String, value: Option<&str>, source: &dyn Fn() -> KeySource| {
        searched.push(place);
        if found.is_none()
            && let Some(value) = value.map(str::trim).filter(|v| !v.is_empty())
        {
            found = Some(FoundKey {
                key: ApiKey::new(value),
                source: source(),
            });
        }
    };
    if let Some(key) = flag {
        offer("--api-key-stdin".into(), Some(key.expose()), &|| {
            KeySource::Flag
        });
    }
    if let Some((provider, api_key)) = entry {
        offer(
            format!("models.providers.{provider}.apiKey"),
            api_key,
            &|| KeySource::ConfigApiKey {
                file: file.clone(),
                provider: provider.to_string(),
            },
        );
    }
    for var in vars {
        offer(format!("${var}"), env.get(var), &|| KeySource::Env {
            var: var.clone(),
        });
    }
    for var in vars {
        offer(
            format!("env.{var} in the config"),
            config.file.env.vars.get(var).map(String::as_str),
            &|| KeySource::ConfigEnv {
                file: file.clone(),
                var: var.clone(),
            },
        );
    }
    let dotenv = &config.dotenv;
    for var in vars {
        offer(
            format!("{var} in {}", dotenv.path.display()),
            dotenv.vars.get(var).map(String::as_str),
            &|| KeySource::DotEnv {
                file: dotenv.path.clone(),
                var: var.clone(),
            },
        );
    }
    KeyLookup { found, searched }
}

/// The plan whose keys `key` looks like: the plan with the longest key prefix that the
/// key starts with (`sk-sp-…` is a Coding Plan key even though it also starts with `sk-`).
pub fn plan_of_key(provider: &Provider, key: &ApiKey) -> Option<&'static Plan> {
    provider
        .plans
        .iter()
        .filter(|p| p.key_prefix.is_some_and(|prefix| key.starts_with(prefix)))
        .max_by_key(|p| p.key_prefix.map_or(0, str::len))
}

/// A warning when `key` does not have the shape of `plan`'s keys, naming the plan it looks
/// like and that plan's auth choice in `region`.
pub fn key_shape_warning(
    provider: &Provider,
    plan: &Plan,
    region: Option<&str>,
    key: &ApiKey,
) -> Option<Warning> {
    let key_plan = plan_of_key(provider, key);
    if key_plan.is_some_and(|k| k.id == plan.id) {
        return None;
    }
    if key_plan.is_none() && plan.key_prefix.is_none() {
        return None;
    }
    let switch_choice = key_plan.and_then(|k| {
        provider
            .auth_choices
            .iter()
            .find(|c| c.plan == k.id && region.is_none_or(|r| c.region == r))
    });
    let switch_to = switch_choice.map(|c| c.id.to_string());
    let switch_to_region = switch_choice
        .and_then(|c| provider.region(c.region))
        .map(|r| r.name.to_string());
    Some(Warning::KeyShape(KeyShape {
        masked: key.masked(),
        plan: plan.name.to_string(),
        expected_prefix: plan.key_prefix.map(str::to_string),
        key_plan: key_plan.map(|k| k.name.to_string()),
        key_prefix: key_plan.and_then(|k| k.key_prefix).map(str::to_string),
        switch_to,
        switch_to_region,
    }))
}
