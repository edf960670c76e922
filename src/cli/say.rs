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
//! - every string of `--json` output goes through [`JsonScrubber`] as it is written
//!   (serde_json escapes controls).
//!
//! Not cleaned: a chat answer streamed to stdout is the model's text, printed as it is
//! (only its control characters are escaped, and only on a terminal; see `chat`).
//!
//! It also keeps how the process prints: whether `--quiet` silences progress and retry
//! lines ([`progress`]), and whether stderr may be coloured ([`colour_on_stderr`]: a
//! terminal, and no `NO_COLOR`).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
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

/// Learns the values of the environment's key variables: those of every provider and plan
/// of the catalog, and any whose name mentions a key, token, secret, password or credential.
pub fn learn_env(env: &Env) {
    let catalog_vars: Vec<&str> = provcat::catalog::providers()
        .iter()
        .flat_map(|p| {
            let plan_vars = p.plans.iter().flat_map(|plan| plan.key_env.iter());
            p.auth_env.iter().chain(plan_vars).copied()
        })
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

static QUIET: AtomicBool = AtomicBool::new(false);
static NO_COLOR: AtomicBool = AtomicBool::new(false);

/// Takes `--quiet` and the environment's `NO_COLOR` (set and not empty, as no-color.org
/// defines it).
pub fn set_style(quiet: bool, env: &Env) {
    QUIET.store(quiet, Ordering::Relaxed);
    let no_color = env.get("NO_COLOR").is_some_and(|v| !v.is_empty());
    NO_COLOR.store(no_color, Ordering::Relaxed);
}

/// Whether `--quiet` was given.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Whether what goes to stderr may be coloured or dimmed: stderr is a terminal and
/// `NO_COLOR` is not set.
pub fn colour_on_stderr() -> bool {
    !NO_COLOR.load(Ordering::Relaxed) && std::io::stderr().is_terminal()
}

/// A progress or retry line on stderr (cleaned), unless `--quiet`.
pub fn progress(text: &str) {
    if !quiet() {
        eprintln!("{text}");
    }
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

/// A JSON formatter that scrubs every string as it is written: the string's fragments are
/// gathered (unescaped), scrubbed when it ends, and written escaped. Only one string is
/// held at a time, so a large answer is never copied whole.
pub struct JsonScrubber<F> {
    inner: F,
    string: Option<String>,
}

impl<F> JsonScrubber<F> {
    /// Wraps `inner` (for the layout: pretty or compact).
    pub fn new(inner: F) -> Self {
        JsonScrubber {
            inner,
            string: None,
        }
    }
}

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for JsonScrubber<F> {
    fn begin_string<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.string = Some(String::new());
        Ok(())
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        match &mut self.string {
            Some(s) => {
                s.push_str(fragment);
                Ok(())
            }
            None => self.inner.write_string_fragment(writer, fragment),
        }
    }

    fn write_char_escape<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        escape: serde_json::ser::CharEscape,
    ) -> std::io::Result<()> {
        use serde_json::ser::CharEscape;
        let Some(s) = &mut self.string else {
            return self.inner.write_char_escape(writer, escape);
        };
        s.push(match escape {
            CharEscape::Quote => '"',
            CharEscape::ReverseSolidus => '\\',
            CharEscape::Solidus => '/',
            CharEscape::Backspace => '\u{8}',
            CharEscape::FormFeed => '\u{c}',
            CharEscape::LineFeed => '\n',
            CharEscape::CarriageReturn => '\r',
            CharEscape::Tab => '\t',
            CharEscape::AsciiControl(b) => char::from(b),
        });
        Ok(())
    }

    fn end_string<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        let text = self.string.take().unwrap_or_default();
        let scrubbed = with(|r| r.scrub(&text));
        writer.write_all(b"\"")?;
        write_escaped(writer, &scrubbed)?;
        writer.write_all(b"\"")
    }

    // The layout of everything else is the inner formatter's.
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.inner.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.inner.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.inner.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.inner.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.inner.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.inner.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.inner.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.inner.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.inner.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.inner.end_object_value(w)
    }
}

/// Writes `text` as the inside of a JSON string: quotes, backslashes and control
/// characters escaped.
fn write_escaped<W: ?Sized + std::io::Write>(writer: &mut W, text: &str) -> std::io::Result<()> {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let escaped: Option<std::borrow::Cow<'static, str>> = match c {
            '"' => Some("\\\"".into()),
            '\\' => Some("\\\\".into()),
            '\n' => Some("\\n".into()),
            '\r' => Some("\\r".into()),
            '\t' => Some("\\t".into()),
            c if (c as u32) < 0x20 || c == '\u{7f}' => Some(format!("\\u{:04x}", c as u32).into()),
            _ => None,
        };
        if let Some(e) = escaped {
            writer.write_all(&text.as_bytes()[start..i])?;
            writer.write_all(e.as_bytes())?;
            start = i + c.len_utf8();
        }
    }
    writer.write_all(&text.as_bytes()[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streaming_scrubber_writes_what_serde_json_would_minus_the_secrets() {
        learn_value("my \"quoted\" secret\u{1b}");
        let value = serde_json::json!({
            "a": ["x \\ \"y\"", "my \"quoted\" secret\u{1b} and \u{7f}\u{1}", 1],
            "sk-0123456789abcdefWXYZ": null,
            "z": "sk-0123456789abcdefWXYZ",
        });
        let mut out = Vec::new();
        let formatter = JsonScrubber::new(serde_json::ser::PrettyFormatter::new());
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
        serde::Serialize::serialize(&value, &mut serializer).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.contains("quoted") && !text.contains("0123456789abcdef"),
            "{text}"
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["a"][0], "x \\ \"y\"");
        assert!(
            parsed["a"][1]
                .as_str()
                .unwrap()
                .ends_with(" and \u{7f}\u{1}")
        );
        assert_eq!(text.lines().count(), 9, "pretty layout kept: {text}");
    }
}
