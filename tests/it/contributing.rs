//! CONTRIBUTING.md's walkthrough, step by step: the model file it shows is added to a copy
//! of the catalog, `provcat catalog check` prints what it says, the compiler library
//! finds the model, and the mistakes it shows are reported as it shows them.

use std::path::Path;

use provcat::compiler::{self, docs};

use crate::support::{copy_tree, provcat, root, stderr, stdout};

/// The fenced block that follows `<!-- walkthrough: NAME -->` in CONTRIBUTING.md.
fn block(name: &str) -> String {
    let text = std::fs::read_to_string(root().join("CONTRIBUTING.md")).unwrap();
    let after = text
        .split(&format!("<!-- walkthrough: {name} -->\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no `{name}` step in CONTRIBUTING.md"));
    let body = after.split_once('\n').unwrap().1;
    body.split("```\n").next().unwrap().to_string()
}

const MODEL_FILE: &str = "catalog/qwen/models/example-chat.toml";

/// A temporary folder holding a copy of `catalog/` plus the walkthrough's model file.
fn catalog_with_the_new_model() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("catalog"), &dir.path().join("catalog"));
    std::fs::write(dir.path().join(MODEL_FILE), block("model file")).unwrap();
    dir
}

fn check(dir: &Path) -> std::process::Output {
    provcat(dir, &["catalog", "check"])
}

#[test]
fn adding_a_model_is_one_file() {
    let dir = catalog_with_the_new_model();
    let out = check(dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), block("check output"));

    let catalog = compiler::compile_dir(&dir.path().join("catalog"))
        .unwrap_or_else(|r| panic!("{}", r.render(false)));
    let model = catalog.model("qwen/example-chat").expect("the new model");
    assert_eq!(model.source.context_window, Some(131_072));
    assert_eq!(model.source.max_output_tokens, Some(8_192));
    assert!(std::ptr::eq(
        catalog.model("modelstudio/example-chat").unwrap(),
        model
    ));
    // Its row appears on the provider page, nothing else needed.
    let page = docs::page(&catalog, "qwen").unwrap();
    assert!(
        page.text.contains(
            "| `qwen/example-chat` | text, image | 131,072 | 8,192 | Example from CONTRIBUTING.md |"
        ),
        "{}",
        page.text
    );
    assert!(page.text.contains(
        "- **May be rejected**: `qwen/example-chat`.\n  Coding Plan availability lags behind; use a Standard auth choice and key."
    ));
}

#[test]
fn the_mistakes_shown_are_reported_as_shown() {
    let dir = catalog_with_the_new_model();
    let file = dir.path().join(MODEL_FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    let broken = text
        .replace("kind = \"chat\"", "kind = \"chatt\"")
        .replace("context_window =", "context_windw =");
    assert_ne!(broken, text);
    std::fs::write(&file, broken).unwrap();
    let out = check(dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), block("check errors"));
    // `cargo build` runs the same compiler and prints the same rendering.
    let report = compiler::compile_dir(&dir.path().join("catalog")).unwrap_err();
    let prefix = format!("{}/", dir.path().join("catalog").display());
    assert_eq!(
        report.render(false).replace(&prefix, "catalog/"),
        stderr(&out)
    );
}
