//! What to do about an error, knowing the resolved target — worded from catalog data
//! only: which key source was used and that keys are bound to region and plan (the plan a
//! key belongs to by its prefix, longest prefix winning: [`crate::resolve::plan_of_key`]),
//! which auth choice to switch to ([`crate::catalog::Provider::auth_choice_serving`]),
//! where quota and billing are seen (the provider's console link, else its key page), and
//! which models of the target's own provider are close to an unknown one.

use crate::catalog::{self, AuthChoice, Plan, Provider};
use crate::common::suggest;
use crate::resolve::{BaseUrlSource, Target};

use super::error::{ClientError, ErrorKind, Oversized};

/// Advice for `error` against `target`, if there is any to give.
pub fn advice(error: &ClientError, target: &Target) -> Option<String> {
    let ClientError::Api { error, attempts } = error else {
        return match error {
            ClientError::Connect { .. }
            | ClientError::Network(_)
            | ClientError::ConnectTimeout { .. } => Some(format!(
                // The URL that failed (a video task's is on the native host, not the chat
                // base URL).
                "check the connection to {} (a proxy, a firewall, or a wrong baseUrl)",
                error.unreachable_url().unwrap_or(&target.base_url)
            )),
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
            ClientError::TooLarge { .. } | ClientError::Protocol(_) => Some(format!(
                "check that {} is the provider's API, spoken as `{}` (a proxy in front of it may be misbehaving)",
                target.base_url, target.dialect
            )),
            _ => None,
        };
    };
    let advice = match error.kind {
        ErrorKind::BadKey => bad_key(target),
        ErrorKind::NotOnPlan => {
            let plan = target.plan.map_or("plan", |p| p.name);
            let reason = target
                .model
                .zip(target.plan)
                .and_then(|(m, p)| m.availability_on(p.id))
                .and_then(|a| a.reason)
                .map(str::to_string)
                .unwrap_or_else(|| {
                    format!("The {plan} does not serve this model, or not yet.")
                });
            match switch_choice(target) {
                Some((choice, better)) => format!(
                    "{reason} Switch to a {} auth choice: `provcat onboard --auth-choice {}`.",
                    better.name, choice.id
                ),
                None => format!("{reason} See `provcat auth-choices` for the plans that serve it."),
            }
        }
        ErrorKind::UnknownModel => unknown_model(target),
        ErrorKind::RateLimit => format!(
            "rate limited after {attempts} attempt(s); rate limits usually recover within a minute — try again shortly"
        ),
        ErrorKind::Overloaded => format!(
            "the service was overloaded after {attempts} attempt(s); this is the provider's load, not your request — try again in a little while"
        ),
        ErrorKind::Quota | ErrorKind::Billing => format!(
            "this does not recover by retrying: check the account's quota and billing{}",
            target
                .provider
                .map(|p| format!(" ({})", account_link(p)))
                .unwrap_or_default()
        ),
        ErrorKind::Moderation => "the provider's content moderation refused the input or the output; rephrase the request".to_string(),
        ErrorKind::PlanRestricted => match (target.plan, switch_choice(target)) {
            (Some(plan), Some((choice, better))) => format!(
                "the {} refuses this kind of use; for other uses onboard a {} auth choice: `provcat onboard --auth-choice {}`",
                plan.name, better.name, choice.id
            ),
            _ => format!(
                "{} does not let this key make this request (its plan, region or permissions){}",
                provider_name(target),
                target
                    .provider
                    .map(|p| format!("; check the account at {}", account_link(p)))
                    .unwrap_or_default()
            ),
        },
        ErrorKind::Server => format!("the server failed {attempts} time(s); try again later"),
        ErrorKind::BadRequest => return None,
    };
    Some(advice)
}

/// The refused key, where it came from, and — when its prefix says it belongs to another
/// plan of the provider — which auth choice it needs.
fn bad_key(target: &Target) -> String {
    let key = target.key.found.as_ref();
    let key_text = key
        .map(|k| format!("the key {} from {}", k.key.masked(), k.source))
        .unwrap_or_else(|| "the key".to_string());
    let mut text = format!(
        "{key_text} was refused by {}. Keys are bound to a region and a plan: a key for another region or plan is refused.",
        target.base_url
    );
    if let (Some(k), Some(plan), Some(provider)) = (key, target.plan, target.provider)
        && !target.custom
        && let Some(key_plan) = crate::resolve::plan_of_key(provider, &k.key)
        && key_plan.id != plan.id
    {
        let longer = key_plan.key_prefix.map_or(0, str::len) > plan.key_prefix.map_or(0, str::len);
        if longer {
            text.push_str(&format!(
                " `{}` keys are {} keys: onboard a {} auth choice ({}), or use a {} key here.",
                key_plan.key_prefix.unwrap_or_default(),
                key_plan.name,
                key_plan.name,
                choices_of(provider, key_plan),
                plan.name
            ));
        } else {
            text.push_str(&format!(
                " This is a {} host, which takes `{}` keys: onboard a {} auth choice ({}) for this key, or use your {} key.",
                plan.name,
                plan.key_prefix.unwrap_or_default(),
                key_plan.name,
                choices_of(provider, key_plan),
                plan.name
            ));
        }
    }
    text
}

/// The models of the target's provider closest to the unknown one, as the user would
/// type them (under a custom provider's own name for a custom provider); never a model
/// of another provider.
fn unknown_model(target: &Target) -> String {
    let Some(provider) = target.provider else {
        return format!(
            "check the model id against {}'s model list",
            provider_name(target)
        );
    };
    let ids = provider
        .models()
        .map(|m| m.id)
        .filter(|id| *id != target.model_id);
    let close: Vec<String> = suggest::closest(&target.model_id, ids)
        .into_iter()
        .filter_map(|id| {
            catalog::models()
                .iter()
                .find(|m| m.provider == provider.id && m.id == id)
        })
        .map(|m| {
            if target.custom {
                format!("{}/{}", target.provider_id, m.id)
            } else {
                m.canonical_ref.to_string()
            }
        })
        .collect();
    let close: Vec<&str> = close.iter().map(String::as_str).collect();
    let list = format!("`provcat models list --provider {}`", provider.id);
    suggest::did_you_mean(&close)
        .map(|d| format!("{d} ({list} shows them all)"))
        .unwrap_or_else(|| format!("see {list}"))
}

/// The provider as the user knows it.
fn provider_name(target: &Target) -> &str {
    if target.custom {
        &target.provider_id
    } else {
        &target.provider_name
    }
}

/// Where the account's quota and billing are seen: the console, else the key page.
fn account_link(provider: &Provider) -> &'static str {
    provider.links.console.unwrap_or(provider.links.api_keys)
}

/// The config key that sets the target's base URL (`models.providers.<id>.baseUrl`).
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

/// The auth choice of another plan, in the target's region, that serves the model as
/// available, with its plan.
fn switch_choice(target: &Target) -> Option<(&'static AuthChoice, &'static Plan)> {
    let (provider, model) = target.provider.zip(target.model)?;
    let choice = provider.auth_choice_serving(
        model,
        target.region.map(|r| r.id),
        target.plan.map(|p| p.id),
    )?;
    Some((choice, provider.plan(choice.plan)?))
}

fn choices_of(provider: &Provider, plan: &Plan) -> String {
    provider
        .auth_choices
        .iter()
        .filter(|c| c.plan == plan.id)
        .map(|c| format!("`{}`", c.id))
        .collect::<Vec<_>>()
        .join(" or ")
}
