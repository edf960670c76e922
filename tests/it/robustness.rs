//! The compiler is robust to any input (property tests, run by `cargo test`): arbitrary
//! bytes as a catalog file, and valid catalogs with random edits, never make it panic;
//! it always returns either a compiled catalog (which generates code and docs) or
//! diagnostics whose spans lie inside their files, on character boundaries.
//!
//! The same property, coverage-guided and unbounded, is the fuzz target in `fuzz/`
//! (see CONTRIBUTING.md, "Fuzzing").

use proptest::prelude::*;
use proptest::sample::select;
use provcat::compiler::{self, SourceFile, codegen, docs};

use crate::support::fixture;

/// A valid catalog folder as in-memory files.
fn load(dir: &std::path::Path) -> Vec<SourceFile> {
    let mut report = compiler::Report::default();
    let files = compiler::load::load_dir(dir, &mut report);
    assert!(report.is_empty() && !files.is_empty());
    files
        .into_iter()
        .map(|f| SourceFile::new("catalog", &f.relative, f.text))
        .collect()
}

/// The small valid base catalog of the broken-catalog corpus (three files).
fn base_files() -> Vec<SourceFile> {
    load(&fixture("base/catalog"))
}

/// Compiles `files` and checks the property; a panic inside fails the case too.
fn compiles_or_reports(files: &[SourceFile]) -> Result<(), TestCaseError> {
    match compiler::compile(files) {
        Ok(catalog) => {
            let code = codegen::generate(&catalog);
            prop_assert!(code.starts_with("// @generated"));
            let pages = docs::pages(&catalog);
            prop_assert!(pages.is_ok(), "{:?}", pages.err());
        }
        Err(report) => {
            prop_assert!(!report.is_empty());
            let problems = report.span_problems();
            prop_assert!(problems.is_empty(), "{problems:#?}");
            let known: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
            for d in report.diagnostics() {
                if let Some(file) = &d.file {
                    prop_assert!(known.contains(&file.as_str()), "{file} is not an input");
                }
                if d.span.is_some() {
                    // `file:line:col`, both 1-based.
                    let location = report.location(d).unwrap_or_default();
                    let numbers: Vec<usize> = location
                        .rsplitn(3, ':')
                        .take(2)
                        .filter_map(|n| n.parse().ok())
                        .collect();
                    prop_assert!(numbers.len() == 2 && !numbers.contains(&0), "{location}");
                }
            }
            let text = report.render(false);
            prop_assert!(text.ends_with("; nothing was generated\n"), "{text}");
        }
    }
    Ok(())
}

/// Text likely to break TOML or the catalog rules when spliced into a file.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "]]",
    "=",
    "\n",
    "{",
    "}",
    ",",
    ".",
    "#",
    "\\",
    "\"\"\"",
    "0",
    "-1",
    "1e400",
    "99999999999999999999",
    "true",
    "inf",
    "1979-05-27T07:32:00Z",
    "é",
    "😀",
    "\u{0}",
    "\r\n",
    "\t",
    "[plans]",
    "[[plans]]",
    "[video.media]",
    "[availability.x]",
    "id = \"acme\"",
    "kind = \"video\"",
    "\"acme/chat-1\"",
    "http://",
    "max_items = 0",
    "context_window = 1",
    "aliases = [\"acme/chat-1\"]",
    "[ref_aliases]",
];

/// One random edit of a text.
#[derive(Clone, Debug)]
enum Edit {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    let position = 0usize..4096;
    prop_oneof![
        (position.clone(), 1usize..64).prop_map(|(at, len)| Edit::Delete { at, len }),
        (position.clone(), select(TOKENS)).prop_map(|(at, t)| Edit::Insert {
            at,
            text: t.to_string()
        }),
        (
            position.clone(),
            proptest::collection::vec(any::<char>(), 1..8)
        )
            .prop_map(|(at, cs)| Edit::Insert {
                at,
                text: cs.into_iter().collect()
            }),
        (0usize..64).prop_map(|line| Edit::DuplicateLine { line }),
        (0usize..64, 0usize..64).prop_map(|(a, b)| Edit::SwapLines { a, b }),
    ]
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, edit: &Edit) -> String {
    match edit {
        Edit::Delete { at, len } => {
            let start = floor(text, *at % (text.len() + 1));
            let end = floor(text, start + len);
            format!("{}{}", &text[..start], &text[end..])
        }
        Edit::Insert { at, text: t } => {
            let at = floor(text, *at % (text.len() + 1));
            format!("{}{t}{}", &text[..at], &text[at..])
        }
        Edit::DuplicateLine { line } => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if !lines.is_empty() {
                let i = line % lines.len();
                lines.insert(i, lines[i]);
            }
            lines.concat()
        }
        Edit::SwapLines { a, b } => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if !lines.is_empty() {
                let n = lines.len();
                lines.swap(a % n, b % n);
            }
            lines.concat()
        }
    }
}

/// Where an arbitrary file may land: each kind of place in a catalog.
const PLACES: &[&str] = &[
    "acme/provider.toml",
    "acme/models/chat-1.toml",
    "acme/models/new-1.toml",
    "zeta/provider.toml",
    "zeta/models/z.toml",
    "acme/models/deep/x.toml",
    "stray.toml",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Arbitrary bytes (decoded lossily, as a file must be UTF-8 to be read) placed
    /// anywhere in an otherwise valid catalog.
    #[test]
    fn arbitrary_bytes_in_a_catalog(
        bytes in proptest::collection::vec(any::<u8>(), 0..1024),
        place in select(PLACES),
    ) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut files: Vec<SourceFile> =
            base_files().into_iter().filter(|f| f.relative != place).collect();
        files.push(SourceFile::new("catalog", place, text));
        compiles_or_reports(&files)?;
    }

    /// A valid catalog with one to four random edits in one or more of its files.
    #[test]
    fn mutated_valid_catalogs(
        edits in proptest::collection::vec((0usize..3, edit()), 1..5),
    ) {
        let mut files = base_files();
        for (file, e) in &edits {
            let f = &mut files[*file];
            *f = SourceFile::new("catalog", &f.relative, apply(&f.text, e));
        }
        compiles_or_reports(&files)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The real catalog (Qwen) with random edits in any of its files.
    #[test]
    fn mutated_real_catalog(
        edits in proptest::collection::vec((0usize..64, edit()), 1..4),
    ) {
        let mut files = load(&crate::support::root().join("catalog"));
        for (file, e) in &edits {
            let n = files.len();
            let f = &mut files[file % n];
            *f = SourceFile::new("catalog", &f.relative, apply(&f.text, e));
        }
        compiles_or_reports(&files)?;
    }
}

/// The generators can produce both outcomes, so the property is not vacuous.
#[test]
fn mutations_both_break_and_keep_catalogs() {
    let files = base_files();
    assert!(compiler::compile(&files).is_ok());
    let swapped = apply(&files[0].text, &Edit::Delete { at: 0, len: 4096 });
    let mut broken = files.clone();
    broken[0] = SourceFile::new("catalog", &files[0].relative, swapped);
    assert!(compiler::compile(&broken).is_err());
}

/// Found by the fuzzer: a path given twice made diagnostics of the first copy point into
/// the text of the second. The second copy is now reported and ignored.
#[test]
fn a_file_given_twice_is_reported_once_with_valid_spans() {
    let mut files = base_files();
    let model = files
        .iter()
        .find(|f| f.relative.contains("/models/"))
        .unwrap()
        .clone();
    let long = format!("{}\n# {}\n", model.text, "x".repeat(500));
    files.retain(|f| f.relative != model.relative);
    files.push(SourceFile::new(
        "catalog",
        &model.relative,
        "id = \"unterminated\n",
    ));
    files.push(SourceFile::new("catalog", &model.relative, long));
    let report = compiler::compile(&files).unwrap_err();
    assert!(
        report.span_problems().is_empty(),
        "{:?}",
        report.span_problems()
    );
    let text = report.render(false);
    assert!(text.contains("error[toml-syntax]"), "{text}");
    assert!(
        text.contains("error[layout]: this file is given more than once"),
        "{text}"
    );
}

/// Issue 13: rendering was quadratic in the problems of one file (50,000 unknown keys took
/// over a minute). All of them are rendered, each with its own line; `benches/compile.rs`
/// (`render` group) measures that the time grows linearly.
#[test]
fn fifty_thousand_unknown_keys_are_each_rendered() {
    let mut files = base_files();
    let model = files
        .iter_mut()
        .find(|f| f.relative.contains("/models/"))
        .unwrap();
    let keys: String = (0..50_000).map(|i| format!("k{i} = {i}\n")).collect();
    *model = SourceFile::new("catalog", &model.relative, format!("{keys}{}", model.text));
    let report = compiler::compile(&files).unwrap_err();
    let text = report.render(false);
    assert_eq!(text.matches("error[unknown-key]").count(), 50_000);
    assert!(
        text.contains("error[unknown-key]: unknown key `k49999` at the top level\n     --> catalog/acme/models/chat-1.toml:50000:1\n      |\n50000 | k49999 = 49999\n      | ^^^^^^ not defined by the schema\n"),
        "{}",
        &text[text.len() - 2000..]
    );
    assert!(text.ends_with("error: the catalog has 50000 errors; nothing was generated\n"));
}
