//! Unit tests of the diagnostic model: positions, text rewriting, span checks, rendering.

use super::*;

#[test]
fn line_and_column_count_characters() {
    let text = "a = 1\nnamé = \"x\"\n";
    let offset = text.find('"').unwrap();
    assert_eq!(line_col(text, offset), (2, 8));
    assert_eq!(line_col(text, 0), (1, 1));
}

#[test]
fn map_text_rewrites_message_label_and_help_only() {
    let mut report = Report::default();
    report.add_source("c.toml", Arc::from("k = \"SECRET\"\n"));
    report.push(
        Diagnostic::new(Rule::InvalidValue, "`SECRET` is wrong")
            .at("c.toml", Some(4..12))
            .label("SECRET here")
            .help("not SECRET"),
    );
    report.map_text(|t| t.replace("SECRET", "***"));
    let d = report.diagnostics()[0].clone();
    assert_eq!(d.message, "`***` is wrong");
    assert_eq!(d.label.as_deref(), Some("*** here"));
    assert_eq!(d.help.as_deref(), Some("not ***"));
    assert_eq!((d.file.as_deref(), d.span), (Some("c.toml"), Some(4..12)));
}

#[test]
fn span_problems_name_each_bad_location() {
    let mut report = Report::default();
    assert!(report.is_empty());
    report.add_source("f", Arc::from("aé\nb"));
    // (start, end, file): valid ones first, then one broken way each.
    let spans = [
        (0, 5, "f"),
        (1, 3, "f"),
        (5, 5, "f"),
        (3, 1, "f"),
        (0, 6, "f"),
        (2, 3, "f"),
        (1, 2, "f"),
        (0, 1, "g"),
    ];
    for (start, end, file) in spans {
        report.push(Diagnostic::new(Rule::Io, "x").at(file, Some(start..end)));
    }
    report.push(Diagnostic::new(Rule::Io, "no span").at("g", None));
    assert!(!report.is_empty());
    assert_eq!(
        report.span_problems(),
        [
            "[io] x: span 3..1 in Some(\"f\") (5 bytes)",
            "[io] x: span 0..6 in Some(\"f\") (5 bytes)",
            "[io] x: span 2..3 in Some(\"f\") (5 bytes)",
            "[io] x: span 1..2 in Some(\"f\") (5 bytes)",
            "[io] x: span 0..1 in Some(\"g\") (0 bytes)",
        ]
    );
    assert_eq!(report.line_of("f", 3), Some(1));
    assert_eq!(report.line_of("f", 4), Some(2));
    assert_eq!(report.line_of("g", 0), None);
}

#[test]
fn renders_like_rustc() {
    let mut report = Report::default();
    report.add_source("cat/m.toml", Arc::from("id = \"m\"\nkind = \"chatt\"\n"));
    report.push(
        Diagnostic::new(Rule::InvalidValue, "`chatt` is not a model kind")
            .at("cat/m.toml", Some(16..23))
            .label("expected one of `chat`, `video`")
            .help("did you mean `chat`?"),
    );
    let out = report.render(false);
    assert!(
        out.starts_with("error[invalid-value]: `chatt` is not a model kind\n"),
        "{out}"
    );
    assert!(out.contains("--> cat/m.toml:2:8"), "{out}");
    assert!(out.contains("2 | kind = \"chatt\""), "{out}");
    assert!(out.contains("= help: did you mean `chat`?"), "{out}");
    assert!(
        out.ends_with("the catalog has 1 error; nothing was generated\n"),
        "{out}"
    );
}
