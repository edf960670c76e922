//! The last step of everything the CLI prints: secrets scrubbed, control characters
//! escaped.
//!
//! The process keeps one [`Redactor`] that learns every secret as it becomes known: the
//! values of key variables in the environment (at start), the config's `apiKey`s, header,
//! `env` and `.env` values (when the config is loaded), and a key read from stdin or a
//! prompt. Then:
//!
//! - every human-readable line (the `eprintln!` and `eprint!` of the CLI, which are the
//!   macros of `cli/mod.rs`, and [`super::output::print_stdout`]) goes through [`clean`]:
//!   [`Redactor::scrub`], then [`escape::controls`] — whether or not it goes to a
//!   terminal;
//! - every diagnostic report goes through [`report`] ([`Redactor::redact_report`]) before
//!   it is rendered or serialized;
//! - every string of `--json` output goes through [`json`] (serde_json escapes controls).
//!
//! Not cleaned: a chat answer streamed to stdout is the model's text, printed as it is
//! (only its control characters are escaped, and only on a terminal; see `chat`).

use std::sync::{LazyLock, PoisonError, RwLock};

use provcat::compiler::Report;
use provcat::config::Env;
use provcat::escape;
use provcat::redact::Redactor;

static SECRETS: LazyLock<RwLock<Redactor>> = LazyLock::new(|| RwLock::new(Redactor::new()));

/// Words in the name of an environment variable that holds a secret.
const SECRET_VAR_WORDS: &[&str] = &["KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIAL"];

fn with<T>(f: impl FnOnce(&Redactor) -> T) -> T {
    f(&SECRETS.read().unwrap_or_else(PoisonError::into_inner))
}

fn learning(f: impl FnOnce(&mut Redactor)) {
    f(&mut SECRETS.write().unwrap_or_else(PoisonError::into_inner));
}

/// Learns the values of the environment's key variables: those of every provider of the
/// catalog, and any whose name mentions a key, token, secret, password or credential.
pub fn learn_env(env: &Env) {
    let catalog_vars: Vec<&str> = provcat::catalog::providers()
        .iter()
        .flat_map(|p| p.auth_env.iter().copied())
        .collect();
    learning(|r| {
        for name in env.names() {
            let upper = name.to_ascii_uppercase();
            if catalog_vars.contains(&name) || SECRET_VAR_WORDS.iter().any(|w| upper.contains(w)) {
                r.learn(env.get(name).unwrap_or_default());
            }
        }
    });
}

/// Learns every secret `secrets` knows.
pub fn learn(secrets: &Redactor) {
    learning(|r| r.learn_from(secrets));
}

/// Learns one secret value (a key read from stdin or a prompt).
pub fn learn_value(value: &str) {
    learning(|r| r.learn(value));
}

/// `text` with secrets scrubbed and control characters (but newlines and tabs) escaped.
pub fn clean(text: &str) -> String {
    let scrubbed = with(|r| r.scrub(text));
    escape::controls(&scrubbed).into_owned()
}

/// A copy of `report` whose messages, labels and help are redacted.
pub fn report(report: &Report) -> Report {
    let mut report = report.clone();
    with(|r| r.redact_report(&mut report));
    report
}

/// `text` (JSON) with every string literal in it scrubbed, keeping the order and layout
/// (serde_json already escapes control characters).
pub fn json(text: &str) -> String {
    with(|r| scrub_json(r, text))
}

fn scrub_json(r: &Redactor, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // Outside string literals, JSON has no quotes: each `"` opens one.
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..open]);
        let from = &rest[open..];
        let mut escaped = false;
        let close = from.char_indices().skip(1).find_map(|(i, c)| {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => return Some(i + 1),
                _ => {}
            }
            None
        });
        let Some(close) = close else {
            out.push_str(from);
            return out;
        };
        let literal = &from[..close];
        match serde_json::from_str::<String>(literal) {
            Ok(value) => {
                let scrubbed = r.scrub(&value);
                if scrubbed == value {
                    out.push_str(literal);
                } else {
                    let encoded = serde_json::to_string(&scrubbed);
                    out.push_str(encoded.as_deref().unwrap_or("\"…\""));
                }
            }
            Err(_) => out.push_str(literal),
        }
        rest = &from[close..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_json_strings_in_place() {
        let mut r = Redactor::new();
        r.learn("my \"quoted\" secret\u{1b}");
        // Written by hand: serde_json's own maps would sort the keys.
        let text = r#"{
  "z": "sk-0123456789abcdefWXYZ",
  "a": ["x \\ \"y\"", "my \"quoted\" secret\u001b", 1],
  "sk-0123456789abcdefWXYZ": null
}"#;
        let out = scrub_json(&r, text);
        assert!(!out.contains("0123456789"), "{out}");
        assert!(!out.contains("quoted"), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["z"], "sk-…WXYZ");
        assert_eq!(back["a"][0], "x \\ \"y\"");
        assert_eq!(back["a"][1], "…");
        // The order of the keys is kept.
        assert!(
            out.find("\"z\"").unwrap() < out.find("\"a\"").unwrap(),
            "{out}"
        );
        assert_eq!(scrub_json(&r, "\"unterminated"), "\"unterminated");
    }
}
