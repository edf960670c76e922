//! Editor validation, proven with real tools: the committed schemas accept every catalog
//! file and flag the broken fixtures under `tests/fixtures/editor/` (an unknown key and a
//! wrong type in each kind of file) under Taplo, the engine of the Even Better TOML
//! extension, and under a second, independent JSON Schema implementation (Python's
//! `jsonschema`, run by `.ci/validate_schemas.py`). The compiler flags the same mistakes.
//!
//! `.ci/run` installs both tools under `.ci/tools/` and sets
//! `PROVCAT_REQUIRE_EDITOR_TOOLS=1`, so in CI a missing tool fails these tests. Elsewhere
//! they are skipped (with a note on stderr) when a tool is not installed; run
//! `bash .ci/install-editor-tools` once to get them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{provcat, root, stderr, stdout};

/// A tool from `$env_var`, else `.ci/tools/<local>`, else `fallback` on PATH when
/// `probe` succeeds with it. `None` (the test is skipped) only outside CI.
fn tool(env_var: &str, local: &str, fallback: &str, probe: &[&str]) -> Option<PathBuf> {
    let found = std::env::var_os(env_var)
        .map(PathBuf::from)
        .or_else(|| Some(root().join(".ci/tools").join(local)).filter(|p| p.exists()))
        .or_else(|| {
            Command::new(fallback)
                .args(probe)
                .output()
                .ok()
                // The npm build of taplo prints its version but exits 1.
                .filter(|o| o.status.success() || !o.stdout.is_empty())
                .map(|_| PathBuf::from(fallback))
        });
    if found.is_none() {
        assert!(
            std::env::var_os("PROVCAT_REQUIRE_EDITOR_TOOLS").is_none(),
            "{fallback} is required here: run `bash .ci/install-editor-tools` or set {env_var}"
        );
        eprintln!("skipped: {fallback} is not installed (bash .ci/install-editor-tools)");
    }
    found
}

fn taplo() -> Option<PathBuf> {
    tool(
        "PROVCAT_TAPLO",
        "node_modules/.bin/taplo",
        "taplo",
        &["--version"],
    )
}

fn python() -> Option<PathBuf> {
    tool(
        "PROVCAT_SCHEMA_PYTHON",
        "venv/bin/python",
        "python3",
        &["-c", "import jsonschema"],
    )
}

fn catalog_files() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                let relative = path.strip_prefix(root()).unwrap();
                out.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("catalog"), &mut files);
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    files
}

const BROKEN_MODEL: &str = "tests/fixtures/editor/qwen/models/glm-5.toml";
const BROKEN_PROVIDER: &str = "tests/fixtures/editor/qwen/provider.toml";

fn run(program: &Path, args: &[&str], files: &[String]) -> Output {
    Command::new(program)
        .args(args)
        .args(files)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()))
}

fn all_output(out: &Output) -> String {
    format!("{}{}", stdout(out), stderr(out))
}

const TAPLO_LINT: &[&str] = &["lint", "--colors", "never", "--no-auto-config"];

#[test]
fn taplo_accepts_every_catalog_file() {
    let Some(taplo) = taplo() else { return };
    let out = run(&taplo, TAPLO_LINT, &catalog_files());
    assert!(out.status.success(), "{}", all_output(&out));
}

/// The lines of Taplo's output that start an error.
fn errors_of(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.starts_with("error: ")).collect()
}

#[test]
fn taplo_flags_an_unknown_key_and_a_wrong_type() {
    let Some(taplo) = taplo() else { return };
    for (file, expected) in [
        (
            BROKEN_MODEL,
            [
                "context_windw = 202_752\n  │ ^^^^^^^ {\"description\":\"unknown key",
                r#""16k" is not of types "integer", "null""#,
            ],
        ),
        (
            BROKEN_PROVIDER,
            [
                "homepage = \"https://qwen.ai\"\n   │            ^^^^^^^^^^^^^^^^^ {\"description\":\"unknown key",
                r#"1 is not of type "array""#,
            ],
        ),
    ] {
        let out = run(&taplo, TAPLO_LINT, &[file.to_string()]);
        let text = all_output(&out);
        assert!(!out.status.success(), "{file}: taplo accepted it\n{text}");
        for e in expected {
            let e = e.split('\n').next().unwrap_or(e);
            assert!(text.contains(e), "{file}: taplo did not say {e}\n{text}");
        }
        // Two mistakes, two messages: the unknown key is reported once, on its own line,
        // not on every key and value of its table.
        assert_eq!(errors_of(&text).len(), 2, "{file}\n{text}");
    }
}

/// Issue 14: one unknown key in a real model file was reported 35 times (once per node
/// of the table), and an invalid enum value without the allowed values.
#[test]
fn taplo_reports_one_unknown_key_once_and_lists_allowed_values() {
    let Some(taplo) = taplo() else { return };
    let dir = tempfile::tempdir().unwrap();
    let schema = root().join("schemas/catalog/model.schema.json");
    let text = std::fs::read_to_string(root().join("catalog/qwen/models/glm-5.toml")).unwrap();
    let (_, body) = text.split_once('\n').unwrap();
    let broken = format!(
        "#:schema {}\n{}",
        schema.display(),
        body.replace("kind = \"chat\"", "kind = \"chatt\"\nfrobnicate = true")
            .replacen("status = \"available\"", "status = \"availabel\"", 1)
    );
    let file = dir.path().join("glm-5.toml");
    std::fs::write(&file, broken).unwrap();
    let out = run(&taplo, TAPLO_LINT, &[file.display().to_string()]);
    let text = all_output(&out);
    assert!(!out.status.success(), "{text}");
    assert_eq!(
        errors_of(&text),
        [
            r#"error: "chatt" is not one of ["chat","video"]"#,
            r#"error: {"description":"unknown key: the schema does not define this key here"} is not allowed for true"#,
            r#"error: "availabel" is not one of ["available","may-be-rejected","unavailable"]"#,
        ],
        "{text}"
    );
    assert!(
        text.contains("frobnicate = true"),
        "located on the key's line\n{text}"
    );
}

#[test]
fn a_second_json_schema_implementation_agrees() {
    let Some(python) = python() else { return };
    let script = [".ci/validate_schemas.py".to_string()];
    let out = run(&python, &[], &[script.to_vec(), catalog_files()].concat());
    assert!(out.status.success(), "{}", all_output(&out));

    let broken = [BROKEN_MODEL.to_string(), BROKEN_PROVIDER.to_string()];
    let out = run(&python, &[], &[script.to_vec(), broken.to_vec()].concat());
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(
        lines,
        [
            format!(
                "{BROKEN_MODEL}: /context_windw: 202752 should not be valid under {{'description': 'unknown key: the schema does not define this key here'}}"
            ),
            format!("{BROKEN_MODEL}: /max_output_tokens: '16k' is not of type 'integer', 'null'"),
            format!("{BROKEN_PROVIDER}: /auth_env: 1 is not of type 'array'"),
            format!(
                "{BROKEN_PROVIDER}: /links/homepage: 'https://qwen.ai' should not be valid under {{'description': 'unknown key: the schema does not define this key here'}}"
            ),
        ]
    );
}

/// The fixture folder is laid out as a catalog; the compiler reports the same four
/// mistakes, with its own rule codes.
#[test]
fn the_compiler_flags_the_same_mistakes() {
    let out = provcat(&root(), &["catalog", "check", "tests/fixtures/editor"]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    for expected in [
        "error[unknown-key]: unknown key `context_windw` at the top level",
        "error[wrong-type]: wrong type for `max_output_tokens`",
        "error[unknown-key]: unknown key `homepage` in `links`",
        "error[wrong-type]: wrong type for `auth_env`",
    ] {
        assert!(text.contains(expected), "no `{expected}` in\n{text}");
    }
}
