//! Escaping control characters in human-readable output.
//!
//! Text that reaches a terminal may come from a server (an error message, a task id, a
//! video URL), a file (a config value, a catalog file name) or an argument. Raw control
//! characters in it could set the window title, clear the screen or rewrite earlier
//! lines, so every human-readable line provcat prints passes through [`controls`] (the CLI
//! does it in one place, whether or not the output is a terminal). `--json` output needs
//! nothing: serde_json escapes controls itself.
//!
//! What is escaped: C0 controls (U+0000–U+001F) except newline and tab, DEL (U+007F), C1
//! controls (U+0080–U+009F, which some terminals obey like `ESC` sequences) and the
//! Unicode bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
//! reorder what is shown. Each becomes a visible Rust-style escape: `\x1b`, `\r`,
//! `\u{9b}`, `\u{202e}`.

use std::borrow::Cow;

/// Whether `c` is escaped by [`controls`] (newline and tab are kept).
pub fn is_escaped(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// `text` with every control character other than newline and tab escaped; borrowed
/// when there is none.
pub fn controls(text: &str) -> Cow<'_, str> {
    escape_where(text, is_escaped)
}

/// `text` on one line: [`controls`], and newlines and tabs escaped too (for values such
/// as a task id or a URL, which must not span lines).
pub fn one_line(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c == '\n' || c == '\t' || is_escaped(c))
}

/// `text` as [`controls`] leaves it, except that colour and style sequences (`ESC [ … m`,
/// SGR) are kept: for output that provcat styles itself, such as a rendered diagnostic
/// on a terminal. Any other escape sequence (a title, a screen clear, a cursor move) is
/// escaped; at worst, an SGR sequence quoted from a file changes a colour.
pub fn controls_keeping_style(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}'
            && let Some(len) = sgr_len(rest)
        {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        push_escaped(&mut out, c, is_escaped(c));
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The length of the SGR sequence `ESC [ digits-and-semicolons m` at the start of
/// `text`, if it starts with one.
fn sgr_len(text: &str) -> Option<usize> {
    let body = text.strip_prefix("\u{1b}[")?;
    let params = body
        .find(|c: char| !(c.is_ascii_digit() || c == ';'))
        .unwrap_or(body.len());
    (body[params..].starts_with('m')).then_some(2 + params + 1)
}

fn escape_where(text: &str, escaped: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        push_escaped(&mut out, c, escaped(c));
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char, escaped: bool) {
    if !escaped {
        out.push(c);
        return;
    }
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\u{0}'..='\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
        _ => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_keeps_lines() {
        let hostile = "title\u{1b}]0;pwned\u{7}clear\u{1b}[2J\r\u{9b}31m\u{202e}txt\u{7f}";
        assert_eq!(
            controls(hostile),
            "title\\x1b]0;pwned\\x07clear\\x1b[2J\\r\\u{9b}31m\\u{202e}txt\\x7f"
        );
        assert_eq!(controls("a\n\tb"), "a\n\tb");
        assert!(matches!(controls("plain é ✓"), Cow::Borrowed(_)));
        assert_eq!(one_line("a\nb\tc\u{0}"), "a\\nb\\tc\\x00");
        assert_eq!(
            controls("\u{2066}\u{2069}\u{202a}"),
            "\\u{2066}\\u{2069}\\u{202a}"
        );
        // Printable neighbours of the escaped ranges stay.
        assert_eq!(
            controls(" ~\u{a0}\u{2029}\u{206a}"),
            " ~\u{a0}\u{2029}\u{206a}"
        );
    }

    #[test]
    fn keeps_only_style_sequences() {
        let styled = "\u{1b}[1m\u{1b}[38;5;9merror\u{1b}[0m: \u{1b}]0;t\u{7}\u{1b}[2J\u{1b}[";
        assert_eq!(
            controls_keeping_style(styled),
            "\u{1b}[1m\u{1b}[38;5;9merror\u{1b}[0m: \\x1b]0;t\\x07\\x1b[2J\\x1b["
        );
        assert!(matches!(controls_keeping_style("ok"), Cow::Borrowed(_)));
        assert_eq!(sgr_len("\u{1b}[1;31mX"), Some(7));
        assert_eq!(sgr_len("\u{1b}[m"), Some(3));
        assert_eq!(sgr_len("\u{1b}[2J"), None);
        assert_eq!(sgr_len("\u{1b}]0m"), None);
        assert_eq!(controls_keeping_style("\u{9b}\r"), "\\u{9b}\\r");
    }
}
