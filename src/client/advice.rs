//! What to do about an error, knowing the resolved target: which key source was used and
//! that keys are bound to region and plan, which auth choice to switch to, which catalog
//! refs are close to an unknown model.

use crate::catalog;
use crate::common::suggest;
use crate::resolve::Target;

use super::error::{ClientError, ErrorKind, Oversized};
use crate::resolve::BaseUrlSource;

/// Advice for `error` against `target`, if there is any to give.
pub fn advice(error: &ClientError, target: &Target) -> Option<String> {
    let ClientError::Api { error, attempts } = error else {
        return match error {
            ClientError::Connect(_) | ClientError::Network(_) | ClientError::ConnectTimeout(_) => {
                Some(format!(
                    "check the connection to {} (a proxy, a firewall, or a wrong baseUrl)",
                    target.base_url
                ))
            }
            ClientError::IdleTimeout(_) => {
                Some("raise --idle-timeout if the model is slow to start".to_string())
            }
            ClientError::Redirected { .. } => Some(format!(
                "if the API has moved, set `{}` to the URL it answers at now",
                base_url_key(target)
            )),
            ClientError::TooLarge {
                what: Oversized::AnswerText,
                ..
            } => Some(
                "without --json the answer streams to stdout and is not held in memory".to_string(),
            ),
            ClientError::TooLarge { .. } => Some(format!(
                "check that {} is the provider's API (a proxy in front of it may be misbehaving)",
                target.base_url
            )),
            _ => None,
        };
    };
    let key = target.key.found.as_ref();
    let key_text = key
        .map(|k| format!("the key {} from {}", k.key.masked(), k.source))
        .unwrap_or_else(|| "the key".to_string());
    let plan_id = target.plan.map(|p| p.id);
    let advice = match error.kind {
        ErrorKind::BadKey => {
            let mut text = format!(
                "{key_text} was refused by {}. Keys are bound to a region and a plan: a key for another region or plan is refused.",
                target.base_url
            );
            if let (Some(k), Some(plan), Some(provider)) = (key, target.plan, target.provider)
                && !target.custom
                && let Some(key_plan) = crate::resolve::plan_of_key(provider, &k.key)
                && key_plan.id != plan.id
            {
                let longer = key_plan.key_prefix.map_or(0, str::len)
                    > plan.key_prefix.map_or(0, str::len);
                if longer {
                    text.push_str(&format!(
                        " `{}` keys are {} keys: onboard a {} auth choice ({}), or use a {} key here.",
                        key_plan.key_prefix.unwrap_or_default(),
                        key_plan.name,
                        key_plan.name,
                        choices_of(target, key_plan.id),
                        plan.name
                    ));
                } else {
                    text.push_str(&format!(
                        " This is a {} host, which takes `{}` keys: onboard a {} auth choice ({}) for this key, or use your {} key.",
                        plan.name,
                        plan.key_prefix.unwrap_or_default(),
                        key_plan.name,
                        choices_of(target, key_plan.id),
                        plan.name
                    ));
                }
            }
            text
        }
        ErrorKind::NotOnPlan => {
            let reason = target
                .model
                .and_then(|m| plan_id.and_then(|p| m.availability_on(p)))
                .and_then(|a| a.reason)
                .unwrap_or("Coding Plan availability can lag behind the public catalog.");
            format!("{reason} Switch to a Standard auth choice: {}.", standard_in_region(target))
        }
        ErrorKind::UnknownModel => {
            // Compare model ids (a custom provider's refs have their own namespace), and
            // suggest the catalog refs of the closest.
            let ids = catalog::models().iter().map(|m| m.id);
            let close: Vec<&str> = suggest::closest(&target.model_id, ids)
                .into_iter()
                .filter_map(|id| catalog::models().iter().find(|m| m.id == id))
                .map(|m| m.canonical_ref)
                .collect();
            suggest::did_you_mean(&close)
                .map(|d| format!("{d} (`provcat models list` shows them all)"))
                .unwrap_or_else(|| "see `provcat models list`".to_string())
        }
        ErrorKind::RateLimit => format!(
            "rate limited after {attempts} attempt(s); rate limits usually recover within a minute — try again shortly"
        ),
        ErrorKind::Quota | ErrorKind::Arrearage => format!(
            "this does not recover by retrying: check the account's quota and billing{}",
            target.provider.map(|p| format!(" ({})", p.links.api_keys)).unwrap_or_default()
        ),
        ErrorKind::Moderation => "the provider's content moderation refused the input or the output; rephrase the request".to_string(),
        ErrorKind::CodingAgentsOnly => format!(
            "the Coding Plan only serves coding agents; for other uses onboard a Standard auth choice: {}",
            standard_in_region(target)
        ),
        ErrorKind::Server => format!("the server failed {attempts} time(s); try again later"),
        ErrorKind::BadRequest => return None,
    };
    Some(advice)
}

/// The config key that sets the target's base URL (`models.providers.qwen.baseUrl`).
fn base_url_key(target: &Target) -> String {
    match &target.base_url_source {
        BaseUrlSource::Config { key } | BaseUrlSource::Derived { key } => key.clone(),
        BaseUrlSource::AuthChoice { .. } | BaseUrlSource::Host { .. } => format!(
            "models.providers.{}.baseUrl",
            target
                .config_entry
                .as_deref()
                .unwrap_or(&target.provider_id)
        ),
    }
}

/// `provcat onboard --auth-choice …` for the Standard choice in the target's region.
fn standard_in_region(target: &Target) -> String {
    target
        .provider
        .zip(target.model)
        .zip(target.region)
        .and_then(|((p, m), r)| p.auth_choice_serving(m, Some(r.id), target.plan.map(|p| p.id)))
        .map(|c| format!("`provcat onboard --auth-choice {}`", c.id))
        .unwrap_or_else(|| "see `provcat auth-choices`".to_string())
}

fn choices_of(target: &Target, plan: &str) -> String {
    target
        .provider
        .map(|p| {
            p.auth_choices
                .iter()
                .filter(|c| c.plan == plan)
                .map(|c| format!("`{}`", c.id))
                .collect::<Vec<_>>()
                .join(" or ")
        })
        .unwrap_or_default()
}
