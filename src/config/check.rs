//! Checks of a schema-valid config against the catalog: provider ids, auth choices, model
//! refs and base URLs. Each problem is located at the value that caused it.
//!
//! A base URL ([`parse_base_url`]) must be an absolute http(s) URL with a host, and carry
//! no credentials (`user:password@`), query (`?…`) or fragment (`#…`): requests append
//! `/chat/completions` to the text as written, so a query would end up inside the path,
//! and a key in a URL travels in logs and error messages. A refused URL is shown through
//! [`shown_url`], which masks its credentials and query values.

use crate::catalog::{self, LookupError, ModelKind};
use crate::common::tree::push_token;
use crate::common::{Diagnostic, Rule, suggest};

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
            let key_env = catalog::provider(id)
                .and_then(|p| p.auth_env.first().map(|v| v.to_string()))
                .unwrap_or_else(|| crate::resolve::custom_key_env(id));
            problems.push(
                config.diagnostic_at(
                    Diagnostic::new(
                        Rule::InvalidValue,
                        format!("`{}` is not a usable base URL", shown_url(url)),
                    )
                    .label(why.to_string())
                    .help(why.help(&key_env)),
                    &push_token(&pointer, "baseUrl"),
                    false,
                ),
            );
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

/// Why a base URL cannot be used. The messages never quote the URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    /// Not a URL at all.
    #[error("not a URL: {0}")]
    NotUrl(url::ParseError),
    /// Not http or https (the scheme is named only when it looks like one).
    #[error("{}", match .0 { Some(s) => format!("the scheme is `{s}`; only http and https are allowed"), None => "the scheme is not http or https".to_string() })]
    Scheme(Option<String>),
    /// No host after `scheme://`.
    #[error("the URL has no host right after `{0}://`")]
    NoHost(&'static str),
    /// `user:password@` before the host.
    #[error("the URL carries credentials (`user:password@`)")]
    Credentials,
    /// A query string.
    #[error(
        "the URL has a query string (`?…`), and `/chat/completions` would be appended after it"
    )]
    Query,
    /// A fragment.
    #[error("the URL has a fragment (`#…`)")]
    Fragment,
}

impl BaseUrlError {
    /// What to do, naming `key_env`, the variable the provider's key is read from.
    pub fn help(&self, key_env: &str) -> String {
        match self {
            BaseUrlError::Credentials => format!(
                "remove `user:password@`: put the key in {key_env} (or the .env beside the config) and other secrets in the provider's `headers`, not in the URL"
            ),
            BaseUrlError::Query => format!(
                "remove the query: put a key in {key_env} (or the .env beside the config) and other parameters in the provider's `headers`, not in the URL"
            ),
            BaseUrlError::Fragment => "remove the `#…` part".to_string(),
            BaseUrlError::NotUrl(_) | BaseUrlError::Scheme(_) | BaseUrlError::NoHost(_) => {
                "write an absolute http(s) URL, such as `https://api.example.com/v1` (`provcat endpoints` lists the catalog's)".to_string()
            }
        }
    }
}

/// Checks that `url` is an absolute http(s) URL with a host and nothing that would carry
/// a secret or break the paths appended to it; says why not.
pub fn parse_base_url(url: &str) -> Result<url::Url, BaseUrlError> {
    let parsed = url::Url::parse(url).map_err(BaseUrlError::NotUrl)?;
    let scheme: &'static str = match parsed.scheme() {
        "http" => "http",
        "https" => "https",
        other => {
            // A pasted key can parse as a scheme (`sk-abc123:…`): name only short words.
            let word = other.len() <= 8 && other.chars().all(|c| c.is_ascii_alphabetic());
            return Err(BaseUrlError::Scheme(word.then(|| other.to_string())));
        }
    };
    // The URL parser repairs `https:///v1` (host `v1`) and `https:host/v1`; the text as
    // written is what requests use, so it must spell the host out after `scheme://`.
    let authority = url
        .split_once("://")
        .map(|(_, rest)| rest)
        .filter(|rest| !rest.is_empty() && !rest.starts_with(['/', '\\']));
    if authority.is_none() || parsed.host_str().is_none_or(str::is_empty) {
        return Err(BaseUrlError::NoHost(scheme));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(BaseUrlError::Credentials);
    }
    if parsed.query().is_some() {
        return Err(BaseUrlError::Query);
    }
    if parsed.fragment().is_some() {
        return Err(BaseUrlError::Fragment);
    }
    Ok(parsed)
}

/// `url` as it may be shown: credentials (`user:password@`) become `…@`, query values
/// `…`, a fragment `#…`. Works on the text, so also on what does not parse as a URL.
pub fn shown_url(url: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    // Everything up to the last `@` before the query: a password may hold a `/`, and
    // masking a path with an `@` in it too costs nothing in an error message.
    let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
    let mut shown = url[..authority_start].to_string();
    let rest = match rest[..path_end].rfind('@') {
        Some(at) => {
            shown.push('…');
            &rest[at..]
        }
        None => rest,
    };
    let (before_fragment, fragment) = match rest.find('#') {
        Some(hash) => (&rest[..hash], Some(())),
        None => (rest, None),
    };
    match before_fragment.split_once('?') {
        Some((path, query)) => {
            shown.push_str(path);
            shown.push('?');
            let masked: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((name, _)) => format!("{name}=…"),
                    None if pair.is_empty() => String::new(),
                    None => "…".to_string(),
                })
                .collect();
            shown.push_str(&masked.join("&"));
        }
        None => shown.push_str(before_fragment),
    }
    if fragment.is_some() {
        shown.push_str("#…");
    }
    shown
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_with_secrets_or_a_query_are_refused() {
        assert!(parse_base_url("https://llm.example/some/path/v1").is_ok());
        assert!(parse_base_url("http://127.0.0.1:8080/v1/").is_ok());
        let refused = |u| parse_base_url(u).unwrap_err();
        assert_eq!(
            refused("https://u:p@h.example/v1"),
            BaseUrlError::Credentials
        );
        assert_eq!(
            refused("https://sk-abc@h.example/v1"),
            BaseUrlError::Credentials
        );
        assert_eq!(
            refused("https://:p@h.example/v1"),
            BaseUrlError::Credentials
        );
        assert_eq!(
            refused("https://h.example/v1?api_key=k"),
            BaseUrlError::Query
        );
        assert_eq!(refused("https://h.example/v1?"), BaseUrlError::Query);
        assert_eq!(refused("https://h.example/v1#x"), BaseUrlError::Fragment);
        assert_eq!(
            refused("ftp://h.example/v1"),
            BaseUrlError::Scheme(Some("ftp".into()))
        );
        assert_eq!(refused("sk-abcdef0123456789:x"), BaseUrlError::Scheme(None));
        // Only a short word is named as a scheme.
        assert_eq!(refused("sk-1:x"), BaseUrlError::Scheme(None));
        assert_eq!(refused("abcdefghij:x"), BaseUrlError::Scheme(None));
        assert_eq!(refused("https:///v1"), BaseUrlError::NoHost("https"));
        assert!(matches!(refused("v1"), BaseUrlError::NotUrl(_)));
        for e in [BaseUrlError::Credentials, BaseUrlError::Query] {
            assert!(e.help("QWEN_API_KEY").contains("QWEN_API_KEY"), "{e}");
        }
    }

    #[test]
    fn shown_urls_hide_credentials_and_query_values() {
        assert_eq!(
            shown_url(
                "https://user:sk-secret0123456789@h.example:8443/v1?api_key=sk-k&x=1&flag#frag"
            ),
            "https://…@h.example:8443/v1?api_key=…&x=…&…#…"
        );
        assert_eq!(shown_url("user:pw@h.example/v1"), "…@h.example/v1");
        assert_eq!(shown_url("https://a@b@h.example"), "https://…@h.example");
        assert_eq!(
            shown_url("https://u:pa/ss@h.example/v1"),
            "https://…@h.example/v1"
        );
        assert_eq!(shown_url("https://h.example/p@th?q=1"), "https://…@th?q=…");
        assert_eq!(shown_url("https://h.example/v1"), "https://h.example/v1");
        assert_eq!(shown_url("https://h.example/v1?"), "https://h.example/v1?");
        assert_eq!(shown_url("https://h/v1?a=1&&b"), "https://h/v1?a=…&&…");
        assert_eq!(shown_url("not a url"), "not a url");
    }
}
