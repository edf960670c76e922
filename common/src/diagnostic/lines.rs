//! Lines of a file's text, indexed once, so that turning a byte offset into a line and a
//! column, or cutting out the lines a diagnostic points at, costs the same whatever the
//! file's size and however many diagnostics point into it.
//!
//! [`LineIndex`] holds where each line starts (a binary search finds the line of an
//! offset) and, for text that is not ASCII, how many characters come before each block of
//! [`BLOCK`] bytes (so a column is counted over at most one block, even on a line of a
//! megabyte). [`excerpt`] cuts the text a diagnostic shows: the whole lines its span
//! covers, or a stretch around the span when a line is too long to show whole.

use std::borrow::Cow;
use std::ops::Range;

/// Bytes per block of the character count (see the module docs).
const BLOCK: usize = 4096;

/// A line longer than this (in bytes) is not shown whole: only [`AROUND`] bytes either
/// side of the span's start are. The renderer trims such a line to the terminal width
/// anyway, but only after reading all of it, once per diagnostic on that line.
pub const LONG_LINE: usize = 1024;

/// Bytes of context shown before the span on a long line, and at most this many bytes of
/// the span plus this many after it.
pub const AROUND: usize = 80;

/// Where the lines of one text start, and its character counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// The byte offset of each line's first byte; the first is 0.
    starts: Vec<usize>,
    /// Characters before each block of [`BLOCK`] bytes; empty when the text is ASCII.
    chars_before_block: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text` (one pass over its bytes).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let chars_before_block = if text.is_ascii() {
            Vec::new()
        } else {
            let mut counts = Vec::with_capacity(bytes.len() / BLOCK + 1);
            let mut before = 0;
            for block in bytes.chunks(BLOCK) {
                counts.push(before);
                before += char_starts(block);
            }
            counts.push(before);
            counts
        };
        LineIndex {
            starts,
            chars_before_block,
        }
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// The bytes of 0-based `line` in `text`, with its trailing `\n` if it has one.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts.get(line).copied().unwrap_or(text.len());
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        start..end
    }

    /// 1-based line and column (in characters) of byte `offset` in `text`, the text this
    /// index was built from. An offset past the end or inside a character counts as the
    /// nearest character boundary before it.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_range(text, line).start;
        (
            line + 1,
            self.chars_before(text, offset) - self.chars_before(text, start) + 1,
        )
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.chars_before_block.is_empty() {
            return offset;
        }
        let block = offset / BLOCK;
        let counted = self.chars_before_block.get(block).copied().unwrap_or(0);
        counted + char_starts(&text.as_bytes()[block * BLOCK..offset])
    }
}

/// The number of characters that start in `bytes` (the bytes that are not UTF-8
/// continuation bytes).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// The largest character boundary of `text` at or before `i` (`i` ≤ `text.len()`).
pub fn floor_char_boundary(text: &str, i: usize) -> usize {
    (0..=i)
        .rev()
        .find(|&j| text.is_char_boundary(j))
        .unwrap_or(0)
}

/// The smallest character boundary of `text` at or after `i` (`i` ≤ `text.len()`).
pub fn ceil_char_boundary(text: &str, i: usize) -> usize {
    (i..text.len())
        .find(|&j| text.is_char_boundary(j))
        .unwrap_or(text.len())
}

/// The text a diagnostic shows and where it sits in its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt<'a> {
    /// The lines shown (whole lines, or a stretch of one long line).
    pub source: Cow<'a, str>,
    /// The 1-based line number of the first line of `source`.
    pub first_line: usize,
    /// The span, relative to `source`.
    pub span: Range<usize>,
    /// 1-based line and column of the span in the file, when `source` is a stretch cut
    /// out of a long line (so the renderer, which counts columns in `source`, cannot
    /// compute them).
    pub cut: Option<(usize, usize)>,
}

/// What a diagnostic at `span` (inside `text`, on character boundaries) shows: the lines
/// from the span's first to its last, or — when either of those lines is longer than
/// [`LONG_LINE`] — a stretch of the first line around the span's start, marked `...`
/// where it was cut, with the span clipped to it. Either way the excerpt's size does not
/// depend on the file's, except through a span that covers many lines.
pub fn excerpt<'a>(text: &'a str, index: &LineIndex, span: Range<usize>) -> Excerpt<'a> {
    // Like the renderer, count the end of a text that ends with a newline as the end of
    // its last line, not as the start of an empty line after it.
    let line_of = |offset: usize| {
        let at_end = offset == text.len() && text.ends_with('\n');
        index.line_of(if at_end { offset - 1 } else { offset })
    };
    let first = line_of(span.start);
    let last = line_of(span.end);
    let lines = index.line_range(text, first);
    let long = |r: &Range<usize>| r.len() > LONG_LINE;
    if !long(&lines) && !long(&index.line_range(text, last)) {
        let window = lines.start..index.line_range(text, last).end;
        return Excerpt {
            source: Cow::Borrowed(&text[window.clone()]),
            first_line: first + 1,
            span: span.start - window.start..span.end - window.start,
            cut: None,
        };
    }
    let content_end = if text[..lines.end].ends_with('\n') {
        lines.end - 1
    } else {
        lines.end
    };
    let from = floor_char_boundary(text, span.start.saturating_sub(AROUND).max(lines.start));
    let shown_end = span
        .end
        .min(content_end)
        .min(span.start + AROUND)
        .max(span.start);
    let shown_end = ceil_char_boundary(text, shown_end);
    // (At least to the span's end: a span at the end of a text that ends with a newline
    // starts after its last line's content.)
    let to = ceil_char_boundary(text, (shown_end + AROUND).min(content_end)).max(shown_end);
    let column = index.chars_before(text, span.start) - index.chars_before(text, lines.start) + 1;
    let mut source = String::with_capacity(to - from + 6);
    if from > lines.start {
        source.push_str("...");
    }
    let shift = source.len();
    source.push_str(&text[from..to]);
    if to < content_end {
        source.push_str("...");
    }
    Excerpt {
        source: Cow::Owned(source),
        first_line: first + 1,
        span: span.start - from + shift..shown_end - from + shift,
        cut: Some((first + 1, column)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The obvious way, for comparison.
    fn naive(text: &str, offset: usize) -> (usize, usize) {
        let offset = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .take_while(|&i| i <= offset)
            .last()
            .unwrap_or(0);
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[start..].chars().count() + 1)
    }

    #[test]
    fn line_and_column_agree_with_counting_from_the_start() {
        let long = format!("é{}ü\nx", "a".repeat(BLOCK * 2 + 3));
        for text in [
            "",
            "\n",
            "a = 1\nnamé = \"x\"\n",
            "a\r\nb\n\n€ = 1",
            long.as_str(),
        ] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.line_col(text, offset),
                    naive(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn boundaries_round_down_and_up() {
        let text = "a€b";
        let floors: Vec<usize> = (0..=5).map(|i| floor_char_boundary(text, i)).collect();
        assert_eq!(floors, [0, 1, 1, 1, 4, 5]);
        let ceils: Vec<usize> = (0..=5).map(|i| ceil_char_boundary(text, i)).collect();
        assert_eq!(ceils, [0, 1, 4, 4, 4, 5]);
    }

    #[test]
    fn lines_include_their_newline() {
        let text = "ab\ncd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_range(text, 0), 0..3);
        assert_eq!(index.line_range(text, 1), 3..6);
        assert_eq!(index.line_range(text, 2), 6..6);
        assert_eq!(index.line_range(text, 7), 6..6);
        assert_eq!(index.line_of(2), 0);
        assert_eq!(index.line_of(3), 1);
        assert_eq!(index.line_of(6), 2);
    }

    #[test]
    fn a_short_span_gets_its_whole_lines() {
        let text = "a = 1\nkind = \"chatt\"\nb = [\n  1,\n]\nc = 3\n";
        let index = LineIndex::new(text);
        let at = text.find("\"chatt").unwrap();
        let e = excerpt(text, &index, at..at + 7);
        assert_eq!(e.source, "kind = \"chatt\"\n");
        assert_eq!((e.first_line, e.span.clone(), e.cut), (2, 7..14, None));
        let at = text.find('[').unwrap();
        let e = excerpt(text, &index, at..text.find(']').unwrap() + 1);
        assert_eq!(e.source, "b = [\n  1,\n]\n");
        assert_eq!((e.first_line, e.span), (3, 4..12));
    }

    #[test]
    fn a_line_is_long_past_the_limit() {
        for (len, cut) in [(LONG_LINE, false), (LONG_LINE + 1, true)] {
            // `len` bytes with the newline.
            let text = format!("{}\n", "x".repeat(len - 1));
            let e = excerpt(&text, &LineIndex::new(&text), 500..501);
            assert_eq!(e.cut.is_some(), cut, "{len}");
        }
    }

    #[test]
    fn a_cut_falls_between_characters() {
        // Three-byte characters: most offsets are inside one.
        let line = "€".repeat(LONG_LINE);
        for start in [900, 903, 906] {
            let text = format!("{line}\n");
            let e = excerpt(&text, &LineIndex::new(&text), start..start);
            let shown = e.source.trim_start_matches("...").trim_end_matches("...");
            assert!(shown.chars().all(|c| c == '€'), "{start}: {}", e.source);
            assert!(shown.len() >= 2 * AROUND, "{start}: {}", e.source);
            assert_eq!(e.cut, Some((1, start / 3 + 1)));
            assert_eq!(e.span.start, 3 + AROUND / 3 * 3 + 3);
        }
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let pad = "x, ".repeat(LONG_LINE);
        let text = format!("a = 1\nb = [{pad}\"é\", {pad}]\n");
        let index = LineIndex::new(&text);
        let at = text.find('"').unwrap();
        let e = excerpt(&text, &index, at..at + 4);
        assert_eq!(&e.source[e.span.clone()], "\"é\"");
        assert!(e.source.starts_with("...") && e.source.ends_with("..."));
        assert!(
            e.source.len() <= 2 * AROUND + 4 + 6 + 3,
            "{}",
            e.source.len()
        );
        assert_eq!(e.first_line, 2);
        assert_eq!(e.cut, Some((2, at - 6 + 1)));
        // A span running past the end of the line is clipped to what is shown.
        let e = excerpt(&text, &index, at..text.len());
        assert_eq!(e.span.len(), AROUND);
        // At the end of the text, after the last newline: the end of the last line.
        let e = excerpt(&text, &index, text.len()..text.len());
        assert!(e.source.ends_with(", ]\n"), "{}", e.source);
        assert_eq!(e.span, e.source.len()..e.source.len());
        assert!(e.source.starts_with("...") && !e.source.ends_with("..."));
        assert_eq!(e.cut, Some((2, text.len() - 6)));
        // At the line's newline: clipped to the end of what is shown.
        let e = excerpt(&text, &index, text.len() - 1..text.len());
        assert!(e.source.ends_with(", ]"), "{}", e.source);
        assert_eq!(e.span, e.source.len()..e.source.len());
        // A span from a short line into a long one shows the short line only.
        let e = excerpt(&text, &index, 2..10);
        assert_eq!(e.source, "a = 1");
        assert_eq!((e.span, e.cut), (2..5, Some((1, 3))));
        // At the line's start nothing is cut off before the span.
        let e = excerpt(&text, &index, 6..7);
        assert!(e.source.starts_with("b = ["), "{}", e.source);
        assert_eq!(e.cut, Some((2, 1)));
    }
}
