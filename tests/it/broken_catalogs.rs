//! The corpus of broken catalogs under `tests/fixtures/broken/`: each case is the valid
//! catalog `tests/fixtures/base/` with the files in `<case>/catalog/` laid over it, and an
//! `expect` file naming the rules it must break. `provcat catalog check` must reject each
//! with exit code 2 and rustc-style diagnostics, pinned by snapshots.

use std::path::Path;

use provcat::compiler;

use crate::support::{copy_tree, fixture, provcat, stderr, stdout};

fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture("broken"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Builds the case's catalog in `dir/catalog`.
fn lay_out(case: &str, dir: &Path) {
    copy_tree(&fixture("base"), dir);
    copy_tree(&fixture(&format!("broken/{case}")), dir);
    std::fs::remove_file(dir.join("expect")).unwrap();
}

#[test]
fn the_base_catalog_is_valid() {
    let out = provcat(&fixture("base"), &["catalog", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "catalog: ok (1 provider, 2 models, 5 refs)\n");
}

#[test]
fn there_are_at_least_25_cases() {
    assert!(
        cases().len() >= 25,
        "only {} broken catalogs",
        cases().len()
    );
}

#[test]
fn every_broken_catalog_is_rejected_with_located_diagnostics() {
    for case in cases() {
        let dir = tempfile::tempdir().unwrap();
        lay_out(&case, dir.path());
        let out = provcat(dir.path(), &["catalog", "check"]);
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{case}: {text}");
        assert_eq!(stdout(&out), "", "{case}");

        let expected = std::fs::read_to_string(fixture(&format!("broken/{case}/expect"))).unwrap();
        for rule in expected.lines().filter(|l| !l.is_empty()) {
            assert!(
                text.contains(&format!("error[{rule}]")),
                "{case}: no error[{rule}] in\n{text}"
            );
        }
        // Every diagnostic names its file; all but whole-file ones give line and column.
        assert!(
            text.contains(" --> catalog/") || text.contains("--> catalog/"),
            "{case}: no location in\n{text}"
        );

        // `cargo build` prints the compiler library's rendering; it is the same text.
        let report =
            compiler::compile_dir(&dir.path().join("catalog")).expect_err("the case is broken");
        let build_text = report.render(false).replace(
            &format!("{}/", dir.path().join("catalog").display()),
            "catalog/",
        );
        assert_eq!(
            build_text, text,
            "{case}: build.rs and catalog check differ"
        );

        insta::assert_snapshot!(case.as_str(), text);
    }
}

#[test]
fn several_mistakes_are_all_reported_sorted_by_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    lay_out("several-mistakes", dir.path());
    let text = stderr(&provcat(dir.path(), &["catalog", "check"]));
    let locations: Vec<(String, usize)> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .map(|loc| {
            let mut parts = loc.rsplitn(3, ':');
            let _col = parts.next();
            let line = parts.next().unwrap().parse().unwrap();
            (parts.next().unwrap().to_string(), line)
        })
        .collect();
    assert_eq!(locations.len(), 5, "{text}");
    let mut sorted = locations.clone();
    sorted.sort();
    assert_eq!(locations, sorted, "{text}");
    assert!(
        text.ends_with("the catalog has 5 errors; nothing was generated\n"),
        "{text}"
    );
}

/// Issue 14: an unknown key (or a wrong type) stopped its file at the schema and hid the
/// file's other problems. Now the file is checked with the keys that are known, and every
/// problem comes out in one pass.
#[test]
fn an_unknown_key_does_not_hide_the_files_other_problems() {
    let dir = tempfile::tempdir().unwrap();
    lay_out("unknown-key-keeps-going", dir.path());
    let out = provcat(dir.path(), &["catalog", "check"]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let rules: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("error["))
        .map(|l| l.split(']').next().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "output-exceeds-context",
            "inconsistent-flags",
            "wrong-type",
            "unknown-key",
            "availability",
            "availability",
            "dangling-reference",
        ],
        "{text}"
    );
    assert!(
        text.ends_with("the catalog has 7 errors; nothing was generated\n"),
        "{text}"
    );
    // What the schema reports is not reported again by the checks: the typo'd key is not
    // also "missing", the removed value not also "needed".
    let dir = tempfile::tempdir().unwrap();
    lay_out("unknown-key", dir.path());
    let text = stderr(&provcat(dir.path(), &["catalog", "check"]));
    assert!(!text.contains("needs `context_window`"), "{text}");
}
