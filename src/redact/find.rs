//! Finding the byte ranges of secrets in a text (see the parent module for what counts):
//! known values, key-shaped tokens, URL credentials and secret query values, long random
//! tokens, values after secret-sounding names, and the values of a `.env` file. Every
//! range starts and ends on a character boundary.

use std::ops::Range;

use super::{MIN_HIDDEN, key_prefixes};

/// Where the text will be shown, which decides how eagerly it is masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    /// A line of output: known values, key-shaped tokens, URL secrets.
    Output,
    /// A diagnostic's text: also long random-looking tokens.
    Diagnostic,
    /// A file quoted by a diagnostic: also the values after secret-sounding names.
    File,
}

/// Names whose value is masked in a quoted file (matched case-insensitively, anywhere in
/// the name: `apiKey`, `x-api-key`, `QWEN_API_KEY`, `Authorization`, `auth_token`).
const SECRET_NAMES: &[&str] = &[
    "key",
    "token",
    "secret",
    "password",
    "passwd",
    "authorization",
    "cookie",
    "credential",
];

/// The shortest run of letters and digits taken for a pasted key (with two of each).
const KEY_RUN: usize = 20;

/// The ranges of the secrets in `text`, unsorted and possibly overlapping.
pub(super) fn ranges(text: &str, known: &[String], scope: Scope) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    for secret in known {
        found.extend(
            text.match_indices(secret.as_str())
                .map(|(i, s)| i..i + s.len()),
        );
    }
    prefixed_tokens(text, &mut found);
    url_secrets(text, &mut found);
    if scope != Scope::Output {
        key_shaped_tokens(text, &mut found);
    }
    if scope == Scope::File {
        named_values(text, &mut found);
    }
    found
}

/// `ranges` sorted, with overlapping ones joined, empty ones dropped.
pub(super) fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// The end of the run of key characters starting at `from`.
fn key_chars_end(text: &str, from: usize) -> usize {
    text[from..]
        .find(|c: char| !is_key_char(c))
        .map_or(text.len(), |n| from + n)
}

/// Every token that starts with a catalog key prefix (not in the middle of a word) and
/// goes on with at least [`MIN_HIDDEN`] key characters.
fn prefixed_tokens(text: &str, found: &mut Vec<Range<usize>>) {
    for prefix in key_prefixes() {
        for (at, _) in text.match_indices(prefix) {
            let inside_a_word = text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric());
            let end = key_chars_end(text, at + prefix.len());
            if !inside_a_word && end - (at + prefix.len()) >= MIN_HIDDEN {
                found.push(at..end);
            }
        }
    }
}

/// Every token of key characters holding a run of at least [`KEY_RUN`] letters and
/// digits with at least two of each: what a pasted key looks like, and what names, refs,
/// ids and words do not.
fn key_shaped_tokens(text: &str, found: &mut Vec<Range<usize>>) {
    let mut at = 0;
    while at < text.len() {
        let Some(start) = text[at..].find(is_key_char).map(|n| at + n) else {
            break;
        };
        let end = key_chars_end(text, start);
        if text[start..end].split(['-', '_']).any(|run| {
            let digits = run.bytes().filter(u8::is_ascii_digit).count();
            run.len() >= KEY_RUN && digits >= 2 && run.len() - digits >= 2
        }) {
            found.push(start..end);
        }
        at = end;
    }
}

/// Whether a query parameter named `name` carries a secret (`api_key`, `apiKey`, `key`,
/// `access_token`, `client_secret`, `password`, `auth`…); names such as `Signature` or
/// `OSSAccessKeyId` of a pre-signed result URL do not.
fn is_secret_param(name: &str) -> bool {
    let name: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        name.as_str(),
        "key" | "auth" | "authorization" | "pass" | "pwd" | "passwd"
    ) || ["apikey", "token", "secret", "password"]
        .iter()
        .any(|s| name.ends_with(s))
}

/// The credentials (`user:password` before `@`) of every `scheme://` URL in `text`, and
/// the value of every query parameter named like a secret (`?api_key=…`, `&token=…`),
/// in a URL or in a path a server quotes.
pub(super) fn url_secrets(text: &str, found: &mut Vec<Range<usize>>) {
    let url_end = |from: usize| {
        text[from..]
            .find(|c: char| c.is_whitespace() || "\"'`<>\\".contains(c))
            .map_or(text.len(), |n| from + n)
    };
    for (at, _) in text.match_indices("://") {
        let after = at + 3;
        let url = &text[after..url_end(after)];
        let authority = &url[..url.find(['/', '?', '#']).unwrap_or(url.len())];
        if let Some(userinfo) = authority.rfind('@') {
            found.push(after..after + userinfo);
        }
    }
    for (at, _) in text.match_indices(['?', '&']) {
        let pair = &text[at + 1..url_end(at + 1)];
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        let value = &value[..value.find(['&', '#']).unwrap_or(value.len())];
        if is_secret_param(name) && !name.contains(['?', '/']) {
            let start = at + 1 + name.len() + 1;
            found.push(start..start + value.len());
        }
    }
}

/// The value after every name mentioning a secret: past the rest of the name and an `=` or
/// `:` on the same line, then (on that line or the next ones) a quoted string or a bare
/// word.
fn named_values(text: &str, found: &mut Vec<Range<usize>>) {
    let lower = text.to_ascii_lowercase();
    for name in SECRET_NAMES {
        for (at, _) in lower.match_indices(name) {
            let after_name = at + name.len();
            let rest = &text[after_name..];
            let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
            let Some(sep) = line.find(['=', ':']) else {
                continue;
            };
            // Only name characters and a closing quote may sit between the name and `=`.
            if !line[..sep]
                .trim_end()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-\"'".contains(c))
            {
                continue;
            }
            let value = &rest[sep + 1..];
            let start = after_name + sep + 1 + (value.len() - value.trim_start().len());
            found.push(value_at(text, start, false));
        }
    }
}

/// The value starting at `start`: the inside of a quoted string (`"…"` with escapes,
/// `'…'`, `"""…"""`, `'''…'''`; an unclosed one runs to the end of its line), else a
/// bare word. In a `.env` file (`dotenv`), a quoted value may span lines (an unclosed one
/// runs to the end of the text) and a bare one runs to the end of its line.
fn value_at(text: &str, start: usize, dotenv: bool) -> Range<usize> {
    let rest = &text[start..];
    for quote in ["\"\"\"", "'''"] {
        if let Some(inner) = rest.strip_prefix(quote) {
            let len = inner.find(quote).unwrap_or(inner.len());
            return start + 3..start + 3 + len;
        }
    }
    let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
        let len = if dotenv {
            rest.find(['\n', '\r'])
        } else {
            rest.find(|c: char| c.is_whitespace() || ",}]#\"'".contains(c))
        };
        return start..start + len.unwrap_or(rest.len());
    };
    let mut escaped = false;
    for (i, c) in rest.char_indices().skip(1) {
        match c {
            '\\' if quote == '"' && !escaped => escaped = true,
            '\n' if !dotenv => return start + 1..start + i,
            c if c == quote && !escaped => return start + 1..start + i,
            _ => escaped = false,
        }
    }
    start + 1..text.len()
}

/// The part of `span` inside its quotes (the whole span when it is not quoted), when the
/// span lies inside `text` on character boundaries.
pub(super) fn unquoted(text: &str, span: Range<usize>) -> Option<Range<usize>> {
    let value = text.get(span.clone())?;
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if value.len() >= 2 * quote.len() && value.starts_with(quote) && value.ends_with(quote) {
            return Some(span.start + quote.len()..span.end - quote.len());
        }
    }
    Some(span)
}

/// Whether `word` is shaped like a variable name.
fn is_name(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// The values of a `.env` file: after the `=` of each line (a quoted value may span lines);
/// on a line without `=`, everything but a leading `export` and a name followed by more.
pub(super) fn dotenv_values(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut line_start = 0;
    // The end of the last value, which may have run past its line (a quoted value).
    let mut covered = 0;
    for line in text.split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        if start < covered || trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(eq) = body.find('=') {
            let value = &body[eq + 1..];
            let at = start + eq + 1 + (value.len() - value.trim_start().len());
            let range = value_at(text, at, true);
            covered = range.end;
            found.push(range);
            continue;
        }
        // No `=`: a pasted key, or `export NAME value`.
        let words = words(body, start);
        let mut kept = 0;
        if words.first().is_some_and(|(_, w)| *w == "export") {
            kept = 1;
        }
        if words.len() > kept + 1 && is_name(words[kept].1) {
            kept += 1;
        }
        found.extend(words[kept..].iter().map(|(at, w)| *at..*at + w.len()));
    }
    found
}

/// The words of `line` (which starts at byte `base` of its text), with their offsets.
fn words(line: &str, base: usize) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push((base + s, &line[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((base + s, &line[s..]));
    }
    words
}
