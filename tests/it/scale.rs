//! A large catalog with many mistakes: every one is reported in one pass, each at its
//! file and line, sorted by file and line, and `catalog check` prints exactly what the
//! library renders (the text `cargo build` shows). The catalogs come from the
//! benchmark's generator; `BENCHMARKS.md` has the 10,000-model figures.

use provcat::compiler;

use crate::support::{provcat, stderr, stdout};

#[allow(dead_code)] // `MODELS_PER_PROVIDER` is for the benchmark.
#[path = "../../benches/synthetic.rs"]
mod synthetic;

#[test]
fn the_generated_catalog_is_clean_and_spread_over_the_providers() {
    let files = synthetic::catalog(1_000, 150);
    let catalog = compiler::compile(&files).unwrap_or_else(|r| panic!("{}", r.render(false)));
    assert_eq!(catalog.models.len(), 1_000);
    assert_eq!(catalog.providers.len(), 143); // 7 models each: 142 full providers + 6
    let files = synthetic::catalog(1_000, 15);
    assert_eq!(compiler::compile(&files).unwrap().providers.len(), 15);
}

#[test]
fn every_error_of_a_large_catalog_is_reported_in_one_pass() {
    let mut files = synthetic::catalog(1_000, 15);
    let injected = synthetic::inject_errors(&mut files, 40);
    // 40 broken files, 5 of them with two mistakes; all four kinds of mistake.
    assert_eq!(injected.len(), 45);
    for rule in [
        "invalid-value",
        "wrong-type",
        "unknown-key",
        "output-exceeds-context",
    ] {
        assert!(injected.iter().any(|i| i.rule == rule), "{rule}");
    }

    let report = compiler::compile(&files).unwrap_err();
    // Exactly the mistakes put in, in file-then-line order (`injected` is sorted).
    assert_eq!(synthetic::Injected::reported(&report), injected);

    // The command line on the same catalog, written to disk, prints the same text.
    let dir = tempfile::tempdir().unwrap();
    for f in &files {
        let path = dir.path().join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &*f.text).unwrap();
    }
    let out = provcat(dir.path(), &["catalog", "check", "catalog"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), report.render(false));
    assert!(stderr(&out).ends_with("the catalog has 45 errors; nothing was generated\n"));
}
