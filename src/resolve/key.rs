//! Finding the API key. The precedence, documented here once:
//!
//! 1. the explicit flag (`--api-key-stdin`);
//! 2. `apiKey` of the provider's entry in the config file;
//! 3. the provider's env vars, in catalog order (`QWEN_API_KEY`, `MODELSTUDIO_API_KEY`,
//!    `DASHSCOPE_API_KEY`), from the process environment;
//! 4. the same variables in the config file's `env` table;
//! 5. the same variables in the `.env` file beside the config file.
//!
//! The first layer that has a non-empty value wins.

use serde::Serialize;

use crate::catalog::Plan;
use crate::config::{Env, LoadedConfig};
use crate::secret::{ApiKey, FoundKey, KeySource};

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
            config.file.env.get(var).map(String::as_str),
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

/// A warning when `key` does not have the shape `plan`'s keys have: an `sk-sp-` key is a
/// Coding Plan key, and a Coding Plan needs one.
pub fn key_shape_warning(plan: &Plan, key: &ApiKey) -> Option<String> {
    let coding_key = key.starts_with("sk-sp-");
    let plan_wants_coding = plan.key_prefix.starts_with("sk-sp-");
    if coding_key && !plan_wants_coding {
        Some(format!(
            "the key {} starts with `sk-sp-`, the shape of a Coding Plan key, but the {} expects `{}…` keys; keys are bound to their plan and region",
            key.masked(),
            plan.name,
            plan.key_prefix
        ))
    } else if !key.starts_with(plan.key_prefix) {
        Some(format!(
            "the key {} does not start with `{}`, the shape of {} keys; keys are bound to their plan and region",
            key.masked(),
            plan.key_prefix,
            plan.name
        ))
    } else {
        None
    }
}
