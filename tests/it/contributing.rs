//! CONTRIBUTING.md's walkthrough, step by step: the model file it shows is added to a copy
//! of the checkout (catalog, schemas, provider pages), `provcat catalog check` prints what
//! it says, the compiler library finds the model, the mistakes it shows are reported as it
//! shows them, and `provcat catalog generate` brings every generated file in line so the
//! drift tests of `cargo test` pass — and fail, naming that command, when it is skipped.

use std::path::Path;

use provcat::compiler::{self, docs};

use crate::support::{provcat, root, stderr, stdout};

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

/// A temporary checkout (copies of `catalog/`, `schemas/` and `docs/providers/`) plus the
/// walkthrough's model file.
fn catalog_with_the_new_model() -> tempfile::TempDir {
    let dir = crate::generated::checkout_copy();
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

/// The rest of the path: skipping the generate step leaves the drift tests failing (they
/// name the command and the stale files); `catalog generate` prints what the walkthrough
/// shows, and then the drift check `cargo test` runs passes on the copy.
#[test]
fn the_generate_step_makes_the_drift_tests_pass() {
    let dir = catalog_with_the_new_model();
    let out = check(dir.path());
    assert!(out.status.success(), "{}", stderr(&out));

    // Skipped: the same check as the drift tests fails, naming the command and the two
    // files the new model changes.
    let message = crate::generated::drift_message(dir.path(), "").expect("stale files");
    assert!(
        message.contains("run `cargo run -- catalog generate` and commit the result"),
        "{message}"
    );
    assert!(
        message.contains("  schemas/config.schema.json:"),
        "{message}"
    );
    assert!(message.contains("  docs/providers/qwen.md:"), "{message}");
    assert!(
        message.starts_with("2 generated file(s) out of date"),
        "{message}"
    );
    let out = provcat(dir.path(), &["catalog", "generate", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("run `cargo run -- catalog generate`"));

    // The step, as CONTRIBUTING.md shows it.
    let out = provcat(dir.path(), &["catalog", "generate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    let shown = block("generate output");
    for line in shown.lines() {
        assert!(
            printed.lines().any(|l| l == line),
            "CONTRIBUTING.md shows `{line}`, the command printed:\n{printed}"
        );
    }
    let changed: Vec<&str> = printed
        .lines()
        .filter(|l| !l.starts_with("unchanged "))
        .collect();
    assert_eq!(changed, shown.lines().collect::<Vec<_>>(), "{printed}");

    // `cargo test`'s drift check now passes, and the config schema offers the new ref.
    assert_eq!(crate::generated::drift_message(dir.path(), ""), None);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("schemas/config.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let config = serde_json::json!({ "agents": { "defaults": { "model": { "primary": "qwen/example-chat" } } } });
    assert!(validator.is_valid(&config));
}
