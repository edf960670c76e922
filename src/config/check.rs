//! Checks of a schema-valid config against the catalog: provider ids, auth choices, model
//! refs and base URLs. Each problem is located at the value that caused it.

use crate::catalog::{self, LookupError, ModelKind};
use crate::compiler::tree::push_token;
use crate::compiler::{Diagnostic, Rule, suggest};

use super::LoadedConfig;
use crate::warning::Warning;

/// Problems found in `config` (warnings go to `config.warnings`).
pub(super) fn check(config: &mut LoadedConfig) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    for (id, entry) in &config.file.models.providers {
        let pointer = push_token("/models/providers", id);
        if id.trim().is_empty() || id.contains('/') {
            problems.push(
                config.diagnostic_at(
                    Diagnostic::new(
                        Rule::InvalidValue,
                        format!("`{id}` cannot be a provider id"),
                    )
                    .label("a provider id is the first part of a ref (`<provider>/<model>`)")
                    .help("use a non-empty id without `/`, such as `my-proxy`"),
                    &pointer,
                    true,
                ),
            );
            continue;
        }
        match catalog::provider(id) {
            Some(provider) => {
                if provider.id != *id {
                    warnings.push(Warning::LegacyProviderId {
                        id: id.clone(),
                        canonical: provider.id.to_string(),
                    });
                }
                if let Some(choice) = &entry.auth_choice {
                    let at = push_token(&pointer, "authChoice");
                    match catalog::lookup_auth_choice(choice) {
                        Ok(found) if found.provider.id != provider.id => problems.push(
                            config.diagnostic_at(
                                Diagnostic::new(
                                    Rule::DanglingReference,
                                    format!(
                                        "auth choice `{choice}` belongs to provider `{}`, not `{}`",
                                        found.provider.id, provider.id
                                    ),
                                )
                                .label("another provider's auth choice")
                                .help(format!("use one of {}", choice_list(provider.id))),
                                &at,
                                false,
                            ),
                        ),
                        Ok(found) => {
                            if let Some(legacy) = found.legacy_alias {
                                warnings.push(Warning::LegacyAuthChoice {
                                    legacy: legacy.to_string(),
                                    canonical: found.choice.id.to_string(),
                                });
                            }
                        }
                        Err(e) => problems.push(
                            config.diagnostic_at(
                                Diagnostic::new(
                                    Rule::DanglingReference,
                                    format!("unknown auth choice `{choice}`"),
                                )
                                .label("not an auth choice of the catalog")
                                .help(suggestions_or(
                                    &e,
                                    &format!("use one of {}", choice_list(provider.id)),
                                )),
                                &at,
                                false,
                            ),
                        ),
                    }
                }
            }
            None => {
                let missing: Vec<&str> = [
                    entry
                        .api
                        .is_none()
                        .then_some("`api = \"openai-completions\"`"),
                    entry.base_url.is_none().then_some("`baseUrl`"),
                ]
                .into_iter()
                .flatten()
                .collect();
                // An id that is neither built-in nor a complete custom provider, and close
                // to a built-in one, is most likely a typo of it.
                let mut typo = None;
                if !missing.is_empty() {
                    let ids: Vec<&str> = catalog::providers()
                        .iter()
                        .flat_map(|p| {
                            std::iter::once(p.id).chain(p.namespace_aliases.iter().copied())
                        })
                        .collect();
                    typo = suggest::did_you_mean(&suggest::closest(id, ids.iter().copied()));
                    problems.push(config.diagnostic_at(
                        Diagnostic::new(
                            Rule::MissingKey,
                            format!("`{id}` is not a built-in provider, and a custom provider needs {}", missing.join(" and ")),
                        )
                        .label("unknown provider id")
                        .help(typo.as_ref().map_or_else(
                            || format!("add {} to make `{id}` a custom OpenAI-compatible provider", missing.join(" and ")),
                            |t| format!("{t} To make `{id}` a custom provider instead, add {}", missing.join(" and ")),
                        )),
                        &pointer,
                        true,
                    ));
                }
                // For a typo of a built-in id, "custom provider `qwne` cannot take an auth
                // choice" would only mislead: the error above already names the fix.
                if entry.auth_choice.is_some() && typo.is_none() {
                    problems.push(config.diagnostic_at(
                        Diagnostic::new(Rule::InvalidValue, format!("custom provider `{id}` cannot take an auth choice"))
                            .label("auth choices select a built-in provider's endpoint")
                            .help("remove `authChoice`: a custom provider is reached through its `baseUrl`"),
                        &push_token(&pointer, "authChoice"),
                        true,
                    ));
                }
            }
        }
        if let Some(url) = &entry.base_url
            && let Err(why) = parse_base_url(url)
        {
            problems.push(config.diagnostic_at(
                Diagnostic::new(Rule::InvalidValue, format!("`{url}` is not a usable base URL"))
                    .label(why)
                    .help("write an absolute http(s) URL, such as `https://api.example.com/v1` (`provcat endpoints` lists the catalog's)"),
                &push_token(&pointer, "baseUrl"),
                false,
            ));
        }
    }
    let defaults = &config.file.agents.defaults;
    if let Some(reference) = &defaults.model.primary {
        let at = "/agents/defaults/model/primary";
        if let Some(d) = check_ref(config, reference, ModelKind::Chat) {
            problems.push(config.diagnostic_at(d, at, false));
        }
    }
    if let Some(reference) = &defaults.video_generation_model.primary {
        let at = "/agents/defaults/videoGenerationModel/primary";
        if let Some(d) = check_ref(config, reference, ModelKind::Video) {
            problems.push(config.diagnostic_at(d, at, false));
        }
    }
    config.warnings.extend(warnings);
    problems
}

/// Why `reference` cannot be a default model of `kind`, if it cannot.
fn check_ref(config: &LoadedConfig, reference: &str, kind: ModelKind) -> Option<Diagnostic> {
    match catalog::lookup_model(reference) {
        Ok(found) if found.model.kind != kind => {
            let (field, other) = match kind {
                ModelKind::Chat => ("agents.defaults.videoGenerationModel.primary", "video"),
                ModelKind::Video => ("agents.defaults.model.primary", "chat"),
            };
            Some(
                Diagnostic::new(
                    Rule::InvalidValue,
                    format!("`{reference}` is a {other} model, not a {kind} model"),
                )
                .label(format!("a {other} model"))
                .help(format!("set it as `{field}` instead")),
            )
        }
        Ok(_) => None,
        Err(e) => {
            let namespace = reference.split_once('/').map(|(ns, _)| ns);
            let custom = namespace.is_some_and(|ns| {
                catalog::provider(ns).is_none() && config.file.models.providers.contains_key(ns)
            });
            if custom && kind == ModelKind::Chat {
                return None;
            }
            let help = match namespace {
                // A bare model id: name the canonical refs that put a provider id before it.
                None => {
                    let prefixed: Vec<String> = catalog::providers()
                        .iter()
                        .map(|p| format!("{}/{reference}", p.id))
                        .filter(|r| catalog::lookup_model(r).is_ok_and(|f| f.model.kind == kind))
                        .collect();
                    let prefixed: Vec<&str> = prefixed.iter().map(String::as_str).collect();
                    format!(
                        "a ref is `<provider>/<model>`; {}",
                        suggest::did_you_mean(&prefixed)
                            .unwrap_or_else(|| suggestions_or(&e, "see `provcat models list`"))
                    )
                }
                Some(_) => suggestions_or(&e, "see `provcat models list`"),
            };
            Some(
                Diagnostic::new(
                    Rule::DanglingReference,
                    format!("unknown model ref `{reference}`"),
                )
                .label(format!("not a {kind} model of the catalog"))
                .help(help),
            )
        }
    }
}

/// Checks that `url` is an absolute http(s) URL with a host; says why not.
pub fn parse_base_url(url: &str) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "the scheme is `{}`; only http and https are allowed",
            parsed.scheme()
        ));
    }
    // The URL parser repairs `https:///v1` (host `v1`) and `https:host/v1`; the text as
    // written is what requests use, so it must spell the host out after `scheme://`.
    let authority = url
        .split_once("://")
        .map(|(_, rest)| rest)
        .filter(|rest| !rest.is_empty() && !rest.starts_with(['/', '\\']));
    if authority.is_none() || parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "the URL has no host right after `{}://`",
            parsed.scheme()
        ));
    }
    Ok(parsed)
}

/// Whether `url`'s host is this machine (plain http is only allowed there when a key is sent).
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn choice_list(provider: &str) -> String {
    catalog::auth_choices()
        .filter(|c| c.provider == provider)
        .map(|c| format!("`{}`", c.id))
        .collect::<Vec<_>>()
        .join(", ")
}

fn suggestions_or(error: &LookupError, otherwise: &str) -> String {
    let suggestions = match error {
        LookupError::UnknownModel { suggestions, .. }
        | LookupError::UnknownAuthChoice { suggestions, .. } => suggestions,
    };
    suggest::did_you_mean(suggestions).unwrap_or_else(|| otherwise.to_string())
}
