//! Redaction: no key reaches anything provcat prints, logs or serializes.
//!
//! What counts as a secret:
//!
//! - every value a [`Redactor`] has learnt: the config's `apiKey`s, header values and
//!   `env` table values, every `.env` value, the values of the key variables in the
//!   process environment, and a key given on stdin (values shorter than 8 characters are
//!   too common to scrub from text, and are masked where they sit instead);
//! - key-shaped tokens: a token starting with a key prefix of the catalog (the plans'
//!   `key_prefix`: `sk-`, `sk-sp-`; the longest that fits wins) followed by at least 8
//!   key characters;
//! - URL credentials (`https://user:password@host`) and the values of query parameters
//!   named like secrets (`?api_key=…`, `token`, `secret`, `password`, …) in any URL;
//! - in diagnostics and quoted files only (where a pasted key is the likely explanation
//!   of a long random token): any token holding a run of 20 or more letters and digits
//!   with at least two of each;
//! - in quoted files only: the value after every name that mentions a key, token, secret,
//!   password, authorization, cookie or credential (`apiKey = "…"`, `"x-api-key": "…"`,
//!   `Authorization = "Bearer …"`, `QWEN_API_KEY=…`), every value of a `.env` file, and
//!   whatever spans the caller names (the config's `apiKey`, `headers` and `env` values).
//!
//! One format, two renderings. A masked secret keeps its known prefix and, only when at
//! least 8 characters stay hidden, a tail of its last 4 characters (when those are
//! letters or digits): [`mask_key`] writes the hidden part as one ellipsis
//! (`sk-…WXYZ`, `…`), which is what messages, `explain`, `--json` and [`crate::secret::ApiKey`]
//! show. A file quoted in a diagnostic must keep its byte offsets, or the spans pointing
//! into it would move, and its character counts, or the columns would, so
//! [`Redactor::mask_in_place`] writes the same visible parts with every hidden character
//! replaced by one of the same UTF-8 length (`*` for ASCII; newlines kept, so line
//! numbers hold): `sk-**************WXYZ`. Both decide what stays visible with the same
//! function.

mod find;

use std::fmt;
use std::ops::Range;
use std::sync::LazyLock;

use crate::common::Report;

/// How many characters of a long secret stay visible at its end.
pub const TAIL: usize = 4;
/// How many characters must stay hidden before a tail is shown.
pub const MIN_HIDDEN: usize = 8;
/// The shortest value a [`Redactor`] scrubs wherever it appears.
pub const MIN_KNOWN: usize = 8;

static PREFIXES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut prefixes: Vec<&'static str> = crate::catalog::providers()
        .iter()
        .flat_map(|p| p.plans.iter().filter_map(|plan| plan.key_prefix))
        .filter(|p| !p.is_empty())
        .collect();
    prefixes.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    prefixes.dedup();
    prefixes
});

/// The key prefixes of every plan of the catalog, longest first.
pub fn key_prefixes() -> &'static [&'static str] {
    &PREFIXES
}

/// The parts of `value` that a masked form shows: its known prefix, and its tail when
/// long enough (both empty or not; never overlapping).
fn visible(value: &str) -> (&str, &str) {
    let prefix = key_prefixes()
        .iter()
        .find(|p| value.starts_with(**p))
        .copied()
        .unwrap_or("");
    let body = &value[prefix.len()..];
    let count = body.chars().count();
    if count >= MIN_HIDDEN + TAIL {
        let start = body
            .char_indices()
            .nth(count - TAIL)
            .map_or(body.len(), |(i, _)| i);
        let tail = &body[start..];
        if tail.chars().all(|c| c.is_ascii_alphanumeric()) {
            return (prefix, tail);
        }
    }
    (prefix, "")
}

/// `value` masked: its known key prefix, `…`, and its last 4 characters when at least 8
/// stay hidden (`sk-…WXYZ`, `sk-sp-…`, `…`). The one masked form of a key in messages.
pub fn mask_key(value: &str) -> String {
    let (prefix, tail) = visible(value);
    format!("{prefix}…{tail}")
}

/// The mask of a hidden character: as many bytes as it (so byte offsets hold) and one
/// character (so columns hold): `*` for ASCII, `×`, `∗` or `🔒` for longer ones; a line
/// break stays (so line numbers hold).
fn mask_char(c: char) -> char {
    match c.len_utf8() {
        _ if c == '\n' || c == '\r' => c,
        1 => '*',
        2 => '×',
        3 => '∗',
        _ => '🔒',
    }
}

/// Whether `value` is masked already: past any characters a secret may show at its ends
/// (`user:`, a prefix, a 4-character tail), only mask characters.
fn already_masked(value: &str) -> bool {
    let masks = value
        .chars()
        .filter(|c| matches!(c, '*' | '×' | '∗' | '🔒'))
        .count();
    let others = value.chars().filter(|c| c.is_alphanumeric()).count();
    masks >= MIN_HIDDEN && others <= masks / 2
}

/// Appends `value` masked in place: what [`visible`] keeps, and a [`mask_char`] for each
/// other character.
fn push_masked(out: &mut String, value: &str) {
    let (prefix, tail) = visible(value);
    out.push_str(prefix);
    out.extend(
        value[prefix.len()..value.len() - tail.len()]
            .chars()
            .map(mask_char),
    );
    out.push_str(tail);
}

/// The secrets known at run time, and the masking of any text against them and against
/// the patterns of a key (see the module doc).
#[derive(Clone, Default)]
pub struct Redactor {
    /// Longest first, so that a secret containing another is replaced whole.
    known: Vec<String>,
}

/// Shows how many secrets are known, never which.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} known secrets)", self.known.len())
    }
}

impl Redactor {
    /// A redactor that knows no value yet (it still masks key-shaped text).
    pub fn new() -> Self {
        Redactor::default()
    }

    /// Remembers `value` (trimmed) as a secret, unless it is shorter than [`MIN_KNOWN`].
    pub fn learn(&mut self, value: &str) {
        let value = value.trim();
        if value.chars().count() < MIN_KNOWN || self.known.iter().any(|k| k == value) {
            return;
        }
        self.known.push(value.to_string());
        self.known.sort_by_key(|k| std::cmp::Reverse(k.len()));
    }

    /// Remembers the secrets in `url` (a configured base URL): its credentials (the whole
    /// `user:password`, and each part) and its secret-named query values, so that they are
    /// scrubbed even where a server echoes them out of their URL.
    pub fn learn_url(&mut self, url: &str) {
        let mut ranges = Vec::new();
        find::url_secrets(url, &mut ranges);
        for range in ranges {
            let secret = &url[range];
            self.learn(secret);
            secret.split(':').for_each(|part| self.learn(part));
        }
    }

    /// Remembers every secret `other` knows.
    pub fn learn_from(&mut self, other: &Redactor) {
        for value in &other.known {
            self.learn(value);
        }
    }

    /// How many secrets are known.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    /// Whether no secret is known.
    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// `text` with every known secret, key-shaped token and URL credential replaced by its
    /// masked form: for any line provcat prints.
    pub fn scrub(&self, text: &str) -> String {
        self.replace(text, find::ranges(text, &self.known, find::Scope::Output))
    }

    /// [`Redactor::scrub`], and long random-looking tokens masked too: for the text of a
    /// diagnostic, which may echo a config value holding a pasted key.
    pub fn scrub_diagnostic(&self, text: &str) -> String {
        self.replace(
            text,
            find::ranges(text, &self.known, find::Scope::Diagnostic),
        )
    }

    /// Passes the message, label and help of every diagnostic of `report` through
    /// [`Redactor::scrub_diagnostic`]: the one redaction step of a report, before it is
    /// rendered or serialized.
    pub fn redact_report(&self, report: &mut Report) {
        report.map_text(|text| self.scrub_diagnostic(text));
    }

    /// `text` (a config file) with every secret masked byte for byte (see the module doc),
    /// and the values at `spans` too (byte ranges of values known to be secret, such as
    /// the config's `apiKey`; quotes around them are kept).
    pub fn mask_in_place(&self, text: &str, spans: &[Range<usize>]) -> String {
        let mut ranges = find::ranges(text, &self.known, find::Scope::File);
        ranges.extend(spans.iter().filter_map(|s| find::unquoted(text, s.clone())));
        self.mask(text, ranges)
    }

    /// `text` (a `.env` file) masked as [`Redactor::mask_in_place`] does, and every value
    /// in it too, whatever its name: a line `NAME=value` keeps `NAME=`; a line without `=`
    /// (a pasted key, `export NAME value`) keeps only a leading `export` and a name
    /// followed by more text.
    pub fn mask_dotenv(&self, text: &str) -> String {
        let mut ranges = find::ranges(text, &self.known, find::Scope::File);
        ranges.extend(find::dotenv_values(text));
        self.mask(text, ranges)
    }

    fn mask(&self, text: &str, ranges: Vec<Range<usize>>) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for range in find::merge(ranges) {
            out.push_str(&text[at..range.start]);
            push_masked(&mut out, &text[range.clone()]);
            at = range.end;
        }
        out.push_str(&text[at..]);
        out
    }

    fn replace(&self, text: &str, ranges: Vec<Range<usize>>) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for range in find::merge(ranges) {
            out.push_str(&text[at..range.start]);
            let found = &text[range.clone()];
            // Text masked in place already (a quoted config line) keeps its length, so the
            // marks under it stay aligned.
            if already_masked(found) {
                out.push_str(found);
            } else {
                out.push_str(&mask_key(found));
            }
            at = range.end;
        }
        out.push_str(&text[at..]);
        out
    }
}

#[cfg(test)]
mod tests;
