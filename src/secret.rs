//! API keys: a type that cannot be printed, and where a key came from.
//!
//! [`ApiKey`] wraps the key in a [`secrecy::SecretString`]; its `Debug` and `Display`
//! show only the masked form (`sk-…abcd`). The only way to the real text is
//! [`ApiKey::expose`], which the HTTP client calls to build its `Authorization` header.

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

    /// The masked form: the longest key prefix of a catalog plan the key starts with
    /// (`sk-`, `sk-sp-`), an ellipsis and the last four characters; keys too short to hide
    /// anything show no characters at all.
    pub fn masked(&self) -> String {
        let key = self.expose();
        let prefix = key_prefixes()
            .into_iter()
            .find(|p| key.starts_with(p))
            .unwrap_or("");
        let chars: Vec<char> = key.chars().collect();
        // Show the tail only when at least 8 characters stay hidden.
        if chars.len() >= prefix.len() + 4 + 8 {
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("{prefix}…{tail}")
        } else {
            format!("{prefix}…")
        }
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

/// Every key prefix the catalog's plans declare, longest first.
fn key_prefixes() -> Vec<&'static str> {
    let mut prefixes: Vec<&'static str> = crate::catalog::providers()
        .iter()
        .flat_map(|p| p.plans.iter().filter_map(|plan| plan.key_prefix))
        .collect();
    prefixes.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    prefixes.dedup();
    prefixes
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

/// `text` (a config or `.env` file) with anything that may be a key masked, byte for
/// byte, so diagnostics can quote the file without quoting a key: the value after every
/// name that mentions a key, token, secret or password (`apiKey = "…"`,
/// `"apiKey": "…"`, `QWEN_API_KEY=…`, anywhere on a line), and every token starting with
/// a catalog plan's key prefix (`sk-…`).
/// ASCII letters and digits become `*` except the last four; lengths and offsets (and so
/// diagnostic spans) are unchanged.
pub fn redact(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let lower = text.to_ascii_lowercase();
    for name in ["key", "token", "secret", "password"] {
        let mut from = 0;
        while let Some(found) = lower[from..].find(name) {
            let after_name = from + found + name.len();
            if let Some((start, end)) = value_after(text, after_name) {
                mask(&mut bytes, start, end);
            }
            from = after_name;
        }
    }
    for prefix in key_prefixes() {
        let mut from = 0;
        while let Some(found) = text[from..].find(prefix) {
            let start = from + found + prefix.len();
            let end = text[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .map_or(text.len(), |n| start + n);
            if end - start >= 8 {
                mask(&mut bytes, start, end);
            }
            from = end.max(start);
        }
    }
    // Only ASCII bytes were replaced by ASCII bytes, so this is still UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// The byte range of the value assigned after a name ending at `at`: past the rest of the
/// name and an `=` or `:` on the same line, then (on that line or the next ones) a quoted
/// string or a bare word.
fn value_after(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = &text[at..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let sep = line.find(['=', ':'])?;
    // Only name characters and a closing quote may sit between the name and `=`/`:`.
    if !line[..sep]
        .trim_end()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-\"'".contains(c))
    {
        return None;
    }
    let value = &rest[sep + 1..];
    let trimmed = value.trim_start();
    let start = at + sep + 1 + (value.len() - trimmed.len());
    let len = match trimmed.chars().next() {
        Some(q @ ('"' | '\'')) => trimmed[1..].find(q).map_or(trimmed.len(), |n| n + 2),
        _ => trimmed
            .find(|c: char| c.is_whitespace() || ",}]#".contains(c))
            .unwrap_or(trimmed.len()),
    };
    Some((start, start + len))
}

/// `text` (a `.env` file) with every value masked, whatever its name, byte for byte:
/// a `.env` beside the config exists to hold keys.
pub fn redact_dotenv(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim_start().starts_with('#')
            && let Some(eq) = line.find('=')
        {
            mask(&mut bytes, line_start + eq + 1, line_start + line.len());
        }
        line_start += line.len();
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// Masks ASCII letters and digits in `bytes[start..end]`, keeping the last four.
fn mask(bytes: &mut [u8], start: usize, end: usize) {
    let alnum: Vec<usize> = (start..end.min(bytes.len()))
        .filter(|&i| bytes[i].is_ascii_alphanumeric())
        .collect();
    let keep = alnum.len().saturating_sub(4);
    for &i in &alnum[..keep] {
        bytes[i] = b'*';
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_keys_without_moving_anything() {
        let text = "apiKey = \"abcdefghijkl\"\nQWEN_API_KEY=sk-0123456789abcd\nprimary = \"qwen/glm-5\" # sk-zzzzzzzzzzzzWXYZ\nnamé = \"x\"\n";
        let out = redact(text);
        assert_eq!(out.len(), text.len());
        assert_eq!(
            out,
            "apiKey = \"********ijkl\"\nQWEN_API_KEY=**-**********abcd\nprimary = \"qwen/glm-5\" # sk-************WXYZ\nnamé = \"x\"\n"
        );
        assert_eq!(redact("sk-short"), "sk-short");
        // The value on the line after its name, and names that only end in "key".
        let split = "{ \"apiKey\":\n  \"MyPrivateKey0123456789\" \"baseUrl\": 1 }";
        assert!(
            !redact(split).contains("MyPrivateKey0123"),
            "{}",
            redact(split)
        );
        assert!(!redact("MY_LLM_KEY=MyPrivate0123456789 junk").contains("MyPrivate0123"));
        assert_eq!(
            redact_dotenv("# c=1\nA=abcdefgh1234 x\n"),
            "# c=1\nA=*********234 x\n"
        );
        let json =
            r#"{ "qwen": { "apiKey": "abcdefghijkl", "baseUrl": "x" }, "token":'zzzzzzzz1234' }"#;
        assert_eq!(
            redact(json),
            r#"{ "qwen": { "apiKey": "********ijkl", "baseUrl": "x" }, "token":'********1234' }"#
        );
    }

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
    fn masks_coding_plan_and_short_keys() {
        assert_eq!(ApiKey::new("sk-sp-0123456789abcd").masked(), "sk-sp-…abcd");
        assert_eq!(ApiKey::new("sk-short").masked(), "sk-…");
        assert_eq!(ApiKey::new("abc").masked(), "…");
    }
}
