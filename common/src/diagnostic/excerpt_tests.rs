//! Rendering from excerpts gives what rendering from the whole file gave: the same text
//! for every span of a few tricky texts, and for a cut long line the same place and
//! gutter, with the span marked in the stretch shown.

use std::ops::Range;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Report, Rule, lines};

/// How a diagnostic rendered before excerpts: the renderer given the whole file.
fn render_whole_file(text: &str, span: Range<usize>, label: Option<&str>) -> String {
    let mut annotation = AnnotationKind::Primary.span(span);
    if let Some(label) = label {
        annotation = annotation.label(label);
    }
    let group = Group::with_title(Level::ERROR.primary_title("bad").id("io"))
        .element(Snippet::source(text).path("f.toml").annotation(annotation))
        .element(Level::HELP.message("fix it"));
    Renderer::plain().render(&[group])
}

fn render_excerpt(text: &str, span: Range<usize>, label: Option<&str>) -> String {
    let mut report = Report::default();
    report.add_source("f.toml", Arc::from(text));
    let mut d = Diagnostic::new(Rule::Io, "bad")
        .at("f.toml", Some(span))
        .help("fix it");
    d.label = label.map(str::to_string);
    report.push(d);
    let mut out = report.render_diagnostics(false);
    out.truncate(out.len() - 2);
    out
}

#[test]
fn excerpts_render_exactly_like_the_whole_file() {
    let texts = [
        "a = 1\nkind = \"chatt\"\n\tb = [\n  1,\r\n  \"é€\",\n]\n\nlast = 3",
        "x\n",
        "x\n\n",
        "é\r\n",
        "",
        "one line without a newline",
        "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11 = x\n12\n",
    ];
    for text in texts {
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &start in &bounds {
            for &end in bounds.iter().filter(|&&end| end >= start) {
                for label in [None, Some("here")] {
                    // Given the whole file, the renderer sizes the line-number gutter
                    // for the line before an empty span at the start of a line
                    // (`10| 10`); an excerpt gets it right, as for a one-character
                    // span there.
                    let widened = start == end
                        && text[..start].ends_with('\n')
                        && text[start..].starts_with("10");
                    let whole_span = if widened {
                        start..start + 1
                    } else {
                        start..end
                    };
                    assert_eq!(
                        render_excerpt(text, start..end, label),
                        render_whole_file(text, whole_span, label),
                        "{text:?} at {start}..{end}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_long_line_shows_the_span_with_its_true_place() {
    let pad = "k = 1, ".repeat(400);
    let text = format!("{}\nt = {{ {pad}bad = 2, {pad}}}\n", "\n".repeat(10));
    let at = text.find("bad").unwrap();
    let out = render_excerpt(&text, at..at + 3, Some("here"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "error[io]: bad",
            &format!("  --> f.toml:12:{}", at - 11 + 1),
            "   |"
        ]
    );
    // The line is cut around the span, which the caret marks.
    assert!(
        lines[3].starts_with("12 | ...") && lines[3].len() < 200,
        "{out}"
    );
    let caret = lines[4].find('^').unwrap_or(0);
    assert_eq!(&lines[3][caret..caret + 3], "bad", "{out}");
    assert_eq!(&lines[4][caret..], "^^^ here", "{out}");
    assert_eq!(lines[5..], ["   |", "   = help: fix it"]);
}

#[test]
fn a_cut_line_is_placed_and_indented_as_the_whole_file_would_be() {
    let long = format!("x = [{}\"é\", {}]", "1, ".repeat(400), "2, ".repeat(400));
    let text = format!("{}{long}\n", "a = 1\n".repeat(9));
    let e = text.find('é').unwrap_or(0);
    // (Not an empty span at the line's start: see `excerpts_render_exactly_like_…`.)
    let starts = [
        55,
        60,
        e - 1,
        e,
        e + 2,
        e + 3,
        text.len() - 2,
        text.len() - 1,
    ];
    for start in starts.into_iter().chain([text.len()]) {
        let near = lines::ceil_char_boundary(&text, (start + 3).min(text.len()));
        for end in [start, near, text.len()] {
            let cut = render_excerpt(&text, start..end, Some("here"));
            let whole = render_whole_file(&text, start..end, Some("here"));
            let (cut, whole): (Vec<&str>, Vec<&str>) =
                (cut.lines().collect(), whole.lines().collect());
            assert_eq!(cut[..3], whole[..3], "{start}..{end}");
            assert_eq!(
                cut[cut.len() - 2..],
                whole[whole.len() - 2..],
                "{start}..{end}"
            );
        }
    }
}
