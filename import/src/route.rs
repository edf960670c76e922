//! How a models.dev provider or model is called: its `npm` package names the wire dialect
//! (through the mapping), its `api` the base URL. What provcat cannot call — a package it
//! does not speak, the OpenAI Responses shape, no API URL, a URL with `${…}` placeholders
//! or on plain http — gets the reason that is written as `not_callable`.

use provcat_compiler::vocab::Dialect;

use crate::mapping::Mapping;

/// Where requests go, or why they cannot.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Route {
    /// A surface provcat can call.
    Callable {
        /// The wire dialect.
        dialect: Dialect,
        /// The base URL, as provcat's dialect expects it.
        base_url: String,
    },
    /// Why provcat cannot call it, and what to do.
    NotCallable(String),
}

/// A change made to an `api` URL so provcat's dialect can use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fixed {
    /// The URL as models.dev has it.
    pub api: String,
    /// What was wrong with it.
    pub message: String,
}

/// The route for `npm` with `api` (and, for a model, `shape`), with a note when the URL
/// needed fixing. Without `api`, the package's default URL is used when `package_default`
/// (a model that names another package than its provider's is served where its provider
/// says, never at that package's default).
pub fn resolve(
    mapping: &Mapping,
    npm: Option<&str>,
    api: Option<&str>,
    shape: Option<&str>,
    package_default: bool,
) -> (Route, Option<Fixed>) {
    let not = |reason: String| (Route::NotCallable(reason), None);
    let Some(npm) = npm else {
        return not(
            "models.dev names no AI SDK package for it, so its wire dialect is unknown".to_string(),
        );
    };
    if shape == Some("responses") {
        return not("it uses the OpenAI Responses API, which provcat cannot call yet".to_string());
    }
    let package = mapping.npm.get(npm);
    // `shape = "completions"` asks for OpenAI chat completions whatever the package.
    let dialect = match (shape, package.and_then(|p| p.dialect)) {
        (Some("completions"), _) => Dialect::OpenAiCompletions,
        (_, Some(dialect)) => dialect,
        (_, None) => {
            let speaks = package
                .and_then(|p| p.speaks.clone())
                .unwrap_or_else(|| format!("`{npm}`"));
            return not(format!(
                "it speaks {speaks} (models.dev package `{npm}`), which provcat cannot call yet"
            ));
        }
    };
    let default = package
        .filter(|_| package_default)
        .and_then(|p| p.default_api.as_deref());
    let Some(api) = api.or(default) else {
        return not(format!(
            "models.dev gives no API URL for it (package `{npm}`)"
        ));
    };
    if api.contains("${") {
        return not(format!(
            "its API URL depends on your account (`{api}`): call it through a custom provider in your config, with that URL (your values filled in) as `baseUrl`"
        ));
    }
    if !api.starts_with("https://") {
        return not(format!(
            "its API URL `{api}` is not https (a local server?): call it through a custom provider in your config with that `baseUrl`"
        ));
    }
    let mut url = api.trim_end_matches('/').to_string();
    let mut fixed = None;
    if dialect == Dialect::OpenAiCompletions
        && let Some(stripped) = url.strip_suffix("/chat/completions")
    {
        url = stripped.to_string();
        fixed = Some(Fixed {
            api: api.to_string(),
            message: "the API URL includes the request path `/chat/completions`, which the dialect adds itself".to_string(),
        });
    }
    if let Some(suffix) = package
        .filter(|p| p.dialect == Some(dialect))
        .and_then(|p| p.strip_suffix.as_deref())
    {
        match url.strip_suffix(suffix) {
            Some(stripped) => url = stripped.to_string(),
            None => {
                return not(format!(
                    "its API URL `{api}` does not end in `{suffix}`, so provcat cannot tell the {dialect} path from it: call it through a custom provider in your config"
                ));
            }
        }
    }
    if provcat_compiler::check::https_host(&url).is_none() || url.contains(['?', '#', '@']) {
        return not(format!(
            "its API URL `{api}` is not a plain https URL with a host"
        ));
    }
    (
        Route::Callable {
            dialect,
            base_url: url,
        },
        fixed,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(npm: &str, api: Option<&str>, shape: Option<&str>) -> Route {
        resolve(&Mapping::builtin().unwrap(), Some(npm), api, shape, true).0
    }

    fn callable(dialect: Dialect, url: &str) -> Route {
        Route::Callable {
            dialect,
            base_url: url.to_string(),
        }
    }

    #[test]
    fn packages_urls_and_shapes() {
        use Dialect::*;
        assert_eq!(
            go(
                "@ai-sdk/openai-compatible",
                Some("https://api.x.ai/v1/"),
                None
            ),
            callable(OpenAiCompletions, "https://api.x.ai/v1")
        );
        assert_eq!(
            go(
                "@ai-sdk/anthropic",
                Some("https://api.minimax.io/anthropic/v1"),
                None
            ),
            callable(AnthropicMessages, "https://api.minimax.io/anthropic")
        );
        assert_eq!(
            go("@ai-sdk/anthropic", None, None),
            callable(AnthropicMessages, "https://api.anthropic.com")
        );
        assert_eq!(
            go("@ai-sdk/groq", None, None),
            callable(OpenAiCompletions, "https://api.groq.com/openai/v1")
        );
        assert_eq!(
            go(
                "@ai-sdk/openai",
                Some("https://h.example/v1"),
                Some("completions")
            ),
            callable(OpenAiCompletions, "https://h.example/v1")
        );
        let (route, fixed) = resolve(
            &Mapping::builtin().unwrap(),
            Some("@ai-sdk/openai-compatible"),
            Some("https://api.tbox.cn/api/llm/v1/chat/completions"),
            None,
            true,
        );
        assert_eq!(
            route,
            callable(OpenAiCompletions, "https://api.tbox.cn/api/llm/v1")
        );
        assert!(fixed.is_some());
        let reason = |r: Route| match r {
            Route::NotCallable(reason) => reason,
            other => panic!("{other:?}"),
        };
        assert!(reason(go("@ai-sdk/openai", None, None)).contains("OpenAI Responses API"));
        assert!(
            reason(go(
                "@ai-sdk/openai-compatible",
                Some("https://h/v1"),
                Some("responses")
            ))
            .contains("Responses")
        );
        assert!(reason(go("some-sdk", None, None)).contains("`some-sdk`"));
        assert!(reason(go("@ai-sdk/openai-compatible", None, None)).contains("no API URL"));
        assert!(
            reason(go(
                "@ai-sdk/openai-compatible",
                Some("https://${HOST}/v1"),
                None
            ))
            .contains("depends on your account")
        );
        assert!(
            reason(go(
                "@ai-sdk/openai-compatible",
                Some("http://127.0.0.1:1234/v1"),
                None
            ))
            .contains("not https")
        );
        assert!(
            reason(go(
                "@ai-sdk/anthropic",
                Some("https://h.example/messages"),
                None
            ))
            .contains("does not end in `/v1`")
        );
        assert!(
            reason(go(
                "@ai-sdk/openai-compatible",
                Some("https://h.example/v1?key=1"),
                None
            ))
            .contains("plain https")
        );
        assert!(
            reason(resolve(&Mapping::builtin().unwrap(), None, None, None, true).0)
                .contains("no AI SDK package")
        );
        let (route, _) = resolve(
            &Mapping::builtin().unwrap(),
            Some("@ai-sdk/anthropic"),
            None,
            None,
            false,
        );
        assert!(reason(route).contains("no API URL"));
    }
}
