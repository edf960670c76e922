//! API keys: a type that cannot be printed, and where a key came from.
//!
//! [`ApiKey`] wraps the key in a [`secrecy::SecretString`]; its `Debug`, `Display` and
//! `Serialize` show only the masked form (`sk-…abcd`, the one format of
//! [`crate::redact::mask_key`]). The only way to the real text is [`ApiKey::expose`],
//! which the HTTP client calls to build its `Authorization` header. Masking any other
//! text (messages, quoted files) is [`crate::redact`]'s work.

use std::fmt;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

/// An API key. Printing it in any way shows the masked form.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps `key`, trimming surrounding whitespace (a pasted newline is never part of it).
    pub fn new(key: &str) -> Self {
        ApiKey(SecretString::from(key.trim()))
    }

    /// The key itself. Only for the request that sends it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the key is empty (after trimming).
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// Whether the key starts with `prefix` (used to check its shape against a plan).
    pub fn starts_with(&self, prefix: &str) -> bool {
        self.expose().starts_with(prefix)
    }

    /// The masked form, [`crate::redact::mask_key`]: the key's catalog prefix (`sk-`,
    /// `sk-sp-`), an ellipsis, and the last four characters only when at least eight stay
    /// hidden (`sk-…WXYZ`, `sk-…`).
    pub fn masked(&self) -> String {
        crate::redact::mask_key(self.expose())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({})", self.masked())
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Serializes as the masked form: JSON output can carry a key's identity, never the key.
impl Serialize for ApiKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.masked())
    }
}

impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

/// Where a key was found, in precedence order (the first layer that has one wins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "layer", rename_all = "kebab-case")]
pub enum KeySource {
    /// Given on the command line (`--api-key-stdin`).
    Flag,
    /// `apiKey` of the provider's entry in the config file.
    ConfigApiKey {
        /// The config file.
        file: PathBuf,
        /// The provider entry (`models.providers.<id>`).
        provider: String,
    },
    /// An environment variable of the process.
    Env {
        /// The variable.
        var: String,
    },
    /// The config file's `env` table.
    ConfigEnv {
        /// The config file.
        file: PathBuf,
        /// The variable.
        var: String,
    },
    /// The `.env` file beside the config file.
    DotEnv {
        /// The `.env` file.
        file: PathBuf,
        /// The variable.
        var: String,
    },
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Flag => f.write_str("the command line"),
            KeySource::ConfigApiKey { file, provider } => write!(
                f,
                "`models.providers.{provider}.apiKey` in {}",
                file.display()
            ),
            KeySource::Env { var } => write!(f, "environment variable {var}"),
            KeySource::ConfigEnv { file, var } => {
                write!(f, "`env.{var}` in {}", file.display())
            }
            KeySource::DotEnv { file, var } => write!(f, "{var} in {}", file.display()),
        }
    }
}

/// A key and where it came from.
#[derive(Clone, Debug, Serialize)]
pub struct FoundKey {
    /// The key (serialized masked).
    #[serde(rename = "masked")]
    pub key: ApiKey,
    /// Where it was found.
    pub source: KeySource,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_key() {
        let key = ApiKey::new("sk-0123456789abcdefCANARY\n");
        assert_eq!(key.masked(), "sk-…NARY");
        assert_eq!(format!("{key}"), "sk-…NARY");
        assert_eq!(format!("{key:?}"), "ApiKey(sk-…NARY)");
        assert!(!format!("{key:#?}").contains("0123456789"));
        assert_eq!(key.expose(), "sk-0123456789abcdefCANARY");
    }

    #[test]
    fn serializes_masked_and_compares_the_keys_themselves() {
        let key = ApiKey::new(" sk-0123456789abcdefCANARY ");
        assert_eq!(serde_json::to_string(&key).unwrap(), "\"sk-…NARY\"");
        let found = FoundKey {
            key: key.clone(),
            source: KeySource::Flag,
        };
        assert_eq!(
            serde_json::to_value(&found).unwrap(),
            serde_json::json!({"masked": "sk-…NARY", "source": {"layer": "flag"}})
        );
        assert!(key == ApiKey::new("sk-0123456789abcdefCANARY"));
        assert!(key != ApiKey::new("sk-0123456789abcdefCANARZ"));
        assert!(ApiKey::new(" \n").is_empty());
        assert!(!ApiKey::new("x").is_empty());
        assert!(ApiKey::new("sk-sp-abc").starts_with("sk-sp-"));
        assert!(!ApiKey::new("sk-abc").starts_with("sk-sp-"));
    }

    #[test]
    fn says_where_a_key_was_found() {
        let file = PathBuf::from("/c/config.toml");
        let shown = [
            (KeySource::Flag, "the command line"),
            (
                KeySource::ConfigApiKey {
                    file: file.clone(),
                    provider: "qwen".into(),
                },
                "`models.providers.qwen.apiKey` in /c/config.toml",
            ),
            (
                KeySource::Env {
                    var: "QWEN_API_KEY".into(),
                },
                "environment variable QWEN_API_KEY",
            ),
            (
                KeySource::ConfigEnv {
                    file,
                    var: "QWEN_API_KEY".into(),
                },
                "`env.QWEN_API_KEY` in /c/config.toml",
            ),
            (
                KeySource::DotEnv {
                    file: PathBuf::from("/c/.env"),
                    var: "QWEN_API_KEY".into(),
                },
                "QWEN_API_KEY in /c/.env",
            ),
        ];
        for (source, text) in shown {
            assert_eq!(source.to_string(), text);
        }
    }

    #[test]
    fn masks_coding_plan_and_short_keys() {
        assert_eq!(ApiKey::new("sk-sp-0123456789abcd").masked(), "sk-sp-…abcd");
        assert_eq!(ApiKey::new("sk-short").masked(), "sk-…");
        assert_eq!(ApiKey::new("abc").masked(), "…");
    }
}
