//! provcat-compiler: turns the TOML catalog under `catalog/` into checked Rust tables.
//!
//! The pipeline, shared by `build.rs` and `provcat catalog check`:
//!
//! 1. [`load`]: read every `.toml` file of a catalog folder;
//! 2. [`tree`]: parse each with spans into a JSON value;
//! 3. [`schema`]: validate it against the JSON Schema generated from [`source`]; a file
//!    that fails is still checked without what failed (its unknown keys, its invalid
//!    optional values: [`provcat_common::prune`]), so one mistake does not hide the others;
//! 4. deserialize it into the typed source model;
//! 5. [`check`]: cross-check everything and build the lookup tables ([`compiled`]);
//! 6. [`codegen`]: print the tables as Rust;
//! 7. [`docs`]: render a Markdown page per provider (minijinja).
//!
//! Every problem becomes a located [`Diagnostic`]; all of them are reported at once,
//! sorted by file and line, and nothing is generated while any remain. Catalogs loaded
//! over another one (run-time overlays) are merged by [`layers`] before step 5.

pub mod check;
pub mod codegen;
pub mod compiled;
pub mod docs;
pub mod layers;
pub mod load;
pub mod schema;
pub mod source;

// The vocabulary, diagnostics, span parser and suggestions live in provcat-common, shared
// with the runtime; the compiler uses them under the same paths.
pub use provcat_common::{diagnostic, suggest, tree, vocab};

use std::collections::HashSet;
use std::path::Path;

pub use compiled::Catalog;

/// The command that regenerates every committed generated file (schemas and provider
/// pages) from `catalog/`; generated files name it in their headers.
pub const REGENERATE: &str = provcat_common::REGENERATE;
pub use diagnostic::{Diagnostic, Report, Rule};
pub use load::SourceFile;

use check::Parsed;
use layers::Parts;
use load::Placement;
use schema::FileKind;

/// Compiles in-memory catalog files. Returns the catalog, or every problem found.
pub fn compile(files: &[SourceFile]) -> Result<Catalog, Report> {
    let mut report = Report::default();
    let catalog = compile_into(files, &mut report);
    if report.is_empty() {
        Ok(catalog)
    } else {
        Err(report)
    }
}

/// Reads and compiles the catalog folder `dir`. Paths in diagnostics start with `dir`
/// as given.
pub fn compile_dir(dir: &Path) -> Result<Catalog, Report> {
    let mut report = Report::default();
    let files = load::load_dir(dir, &mut report);
    let catalog = compile_into(&files, &mut report);
    if report.is_empty() {
        Ok(catalog)
    } else {
        Err(report)
    }
}

fn compile_into(files: &[SourceFile], report: &mut Report) -> Catalog {
    let parts = parse_layer(files, &mut HashSet::new(), report);
    let (merged, _) = layers::merge(vec![parts], report);
    merged.check(report)
}

/// Parses and types every file of one catalog layer (each against its schema); `seen`
/// holds the paths of every layer read so far.
fn parse_layer(files: &[SourceFile], seen: &mut HashSet<String>, report: &mut Report) -> Parts {
    let mut parts = Parts::default();
    for file in files {
        // Diagnostics name files by path, so a path given twice (possible through
        // `compile`, or one overlay folder given twice) would point spans into the wrong
        // text.
        if !seen.insert(file.path.clone()) {
            report.push(
                Diagnostic::new(Rule::Layout, "this file is given more than once")
                    .at(&file.path, None)
                    .help("each catalog path may appear once; only the first copy was compiled"),
            );
            continue;
        }
        report.add_source(&file.path, file.text.clone());
        let placement = Placement::of(&file.relative);
        let parsed = match placement.kind() {
            Some(kind) => parse_file(file, kind, report),
            None => {
                report.push(
                    Diagnostic::new(Rule::Layout, "unexpected file in the catalog")
                        .at(&file.path, None)
                        .help("a catalog holds `catalog.toml`, `<provider>/provider.toml` and `<provider>/models/<model-id>.toml`; move or remove this file"),
                );
                continue;
            }
        };
        let unchecked = &mut parts.unchecked;
        let (parsed, pruned) = match parsed {
            Some((value, index, pruned)) => (Some((value, index)), pruned),
            None => (None, None),
        };
        // A pruned file that still does not type is left unchecked without a "gap"
        // report: its schema errors say what is wrong.
        let quiet = pruned.is_some();
        let mut typed_ok = false;
        match (placement, parsed) {
            (Placement::Catalog, Some((value, index))) => {
                if let Some(value) = typed(&value, file, quiet, report) {
                    typed_ok = true;
                    parts.settings = Some(Parsed {
                        file: file.path.clone(),
                        folder: String::new(),
                        stem: "catalog".into(),
                        index,
                        value,
                    });
                }
            }
            (Placement::Catalog, None) => {}
            (Placement::Provider { folder }, Some((value, index))) => {
                match typed(&value, file, quiet, report) {
                    Some(value) => {
                        typed_ok = true;
                        parts.providers.push(Parsed {
                            file: file.path.clone(),
                            folder,
                            stem: "provider".into(),
                            index,
                            value,
                        })
                    }
                    None => _ = unchecked.providers.insert(folder),
                }
            }
            (Placement::Model { folder, stem }, Some((value, index))) => {
                match typed(&value, file, quiet, report) {
                    Some(value) => {
                        typed_ok = true;
                        parts.models.push(Parsed {
                            file: file.path.clone(),
                            folder,
                            stem,
                            index,
                            value,
                        })
                    }
                    None => _ = unchecked.models.insert(format!("{folder}/{stem}")),
                }
            }
            (Placement::Provider { folder }, None) => _ = unchecked.providers.insert(folder),
            (Placement::Model { folder, stem }, None) => {
                _ = unchecked.models.insert(format!("{folder}/{stem}"))
            }
            (Placement::Unexpected, _) => {}
        }
        if let (true, Some((pruned, index))) = (typed_ok, pruned) {
            parts.pruned.push(layers::PrunedFile {
                file: file.path.clone(),
                index,
                pruned,
            });
        }
    }
    parts
}

/// Parses a file and validates it against its schema; problems go to `report`. A file
/// that fails its schema is still returned when removing what failed leaves a valid one
/// (with what was removed, and its spans), so the rest of it is checked too.
#[allow(clippy::type_complexity)]
fn parse_file(
    file: &SourceFile,
    kind: FileKind,
    report: &mut Report,
) -> Option<(
    serde_json::Value,
    tree::SpanIndex,
    Option<(provcat_common::prune::Pruned, tree::SpanIndex)>,
)> {
    let (value, index) = match tree::parse(&file.text) {
        Ok(parsed) => parsed,
        Err(e) => {
            report.push(
                Diagnostic::new(Rule::TomlSyntax, "invalid TOML")
                    .at(&file.path, e.span())
                    .label(e.message().trim().to_string())
                    .help("fix the syntax; see https://toml.io/en/v1.0.0"),
            );
            return None;
        }
    };
    let problems = schema::validate(kind, &value, &index, &file.path);
    if problems.is_empty() {
        return Some((value, index, None));
    }
    problems.into_iter().for_each(|d| report.push(d));
    let pruned = schema::prune(kind, &value)?;
    let checked = pruned.value.clone();
    Some((checked, index.clone(), Some((pruned, index))))
}

/// Deserializes a schema-valid value. The schema is generated from the same types, so a
/// failure here is a gap between the two and is reported, not panicked on — unless the
/// value was pruned (`quiet`): then its schema errors are reported already.
fn typed<T: serde::de::DeserializeOwned>(
    value: &serde_json::Value,
    file: &SourceFile,
    quiet: bool,
    report: &mut Report,
) -> Option<T> {
    T::deserialize(value)
        .map_err(|e| {
            if !quiet {
                report.push(
                    Diagnostic::new(
                        Rule::InvalidValue,
                        format!("the file does not fit the catalog model: {e}"),
                    )
                    .at(&file.path, Some(0..0))
                    .help("this is a gap between the schema and the compiler; please report it"),
                )
            }
        })
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROVIDER: &str = r#"id = "router"
name = "Router"
auth_env = ["ROUTER_API_KEY"]
default_model = "router/vendor/model-a"

[links]
api_keys = "https://router.example/keys"
docs = "https://router.example/docs"

[[plans]]
id = "paygo"
name = "Pay as you go"
billing = "pay-as-you-go"

[[regions]]
id = "global"
name = "Global"

[[endpoints]]
plan = "paygo"
region = "global"

[[endpoints.surfaces]]
kind = "chat"
dialect = "openai-completions"
base_url = "https://router.example/api/v1"

[[endpoints.surfaces]]
kind = "chat"
dialect = "anthropic-messages"
base_url = "https://router.example/api"

[[auth_choices]]
id = "router-api-key"
plan = "paygo"
region = "global"
"#;

    fn model(id: &str, extra: &str) -> String {
        format!(
            "id = \"{id}\"\nname = \"M\"\nkind = \"chat\"\ninput = [\"text\"]\ncontext_window = 1000\nmax_output_tokens = 100\n{extra}\n[availability.paygo]\nstatus = \"available\"\n"
        )
    }

    /// A provider marked `not_callable` needs no endpoints or auth choices, and its models
    /// need no surface; a model marked `not_callable` needs no surface of its dialect.
    #[test]
    fn providers_and_models_provcat_cannot_call_compile_without_surfaces() {
        let listed = r#"id = "302ai"
name = "Listed"
auth_env = ["302AI_API_KEY"]
default_model = "302ai/@cf/vendor/m~1"
not_callable = "speaks a dialect provcat does not know yet"

[links]
api_keys = "https://listed.example/keys"
docs = "https://listed.example/docs"

[[plans]]
id = "default"
name = "Default"
billing = "pay-as-you-go"

[[regions]]
id = "default"
name = "Default"
"#;
        let listed_model = "id = \"@cf/vendor/m~1\"\nname = \"M\"\nkind = \"chat\"\ninput = [\"text\", \"pdf\"]\ncontext_window = 1000\nmax_output_tokens = 100\n\n[availability.default]\nstatus = \"available\"\n";
        let router = PROVIDER.replace(
            "[[endpoints.surfaces]]\nkind = \"chat\"\ndialect = \"anthropic-messages\"\nbase_url = \"https://router.example/api\"\n",
            "",
        );
        assert!(!router.contains("anthropic"), "{router}");
        let files = |extra: &str| {
            vec![
                SourceFile::new("c", "302ai/provider.toml", listed),
                SourceFile::new("c", "302ai/models/@cf/vendor/m~1.toml", listed_model),
                SourceFile::new("c", "router/provider.toml", router.clone()),
                SourceFile::new(
                    "c",
                    "router/models/vendor/model-a.toml",
                    model("vendor/model-a", ""),
                ),
                SourceFile::new(
                    "c",
                    "router/models/vendor/messages-only.toml",
                    model(
                        "vendor/messages-only",
                        &format!("dialects = [\"anthropic-messages\"]\n{extra}"),
                    ),
                ),
            ]
        };
        let catalog = match compile(&files(
            "not_callable = \"served through Anthropic Messages at another URL\"",
        )) {
            Ok(c) => c,
            Err(report) => panic!("{}", report.render(false)),
        };
        let reasons: Vec<(&str, Option<&str>)> = catalog
            .models
            .iter()
            .map(|m| (m.canonical_ref.as_str(), m.not_callable.as_deref()))
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    "302ai/@cf/vendor/m~1",
                    Some("speaks a dialect provcat does not know yet")
                ),
                (
                    "router/vendor/messages-only",
                    Some("served through Anthropic Messages at another URL")
                ),
                ("router/vendor/model-a", None),
            ]
        );
        assert!(catalog.auth_choice_ids.iter().all(|e| e.provider == 1));
        let generated = codegen::generate(&catalog);
        assert!(
            generated
                .contains("not_callable: Some(\"speaks a dialect provcat does not know yet\")"),
            "{generated}"
        );
        // Without the mark, the model's dialect must be served.
        let report = compile(&files("")).unwrap_err();
        assert_eq!(
            report
                .diagnostics()
                .iter()
                .map(|d| d.rule)
                .collect::<Vec<_>>(),
            [Rule::PlanCannotServe]
        );
    }

    #[test]
    fn ids_with_slashes_and_colons_wire_ids_and_dialects_compile() {
        let files = [
            SourceFile::new(
                "c",
                "catalog.toml",
                "default_chat_model = \"router/vendor/model-a\"\n",
            ),
            SourceFile::new("c", "router/provider.toml", PROVIDER),
            SourceFile::new(
                "c",
                "router/models/vendor/model-a.toml",
                model("vendor/model-a", ""),
            ),
            SourceFile::new(
                "c",
                "router/models/vendor/model-b:free.toml",
                model(
                    "vendor/model-b:free",
                    "wire_id = \"vendor/model-b-free\"\ndialects = [\"anthropic-messages\"]",
                ),
            ),
        ];
        let catalog = match compile(&files) {
            Ok(c) => c,
            Err(report) => panic!("{}", report.render(false)),
        };
        let refs: Vec<&str> = catalog.refs.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(
            refs,
            ["router/vendor/model-a", "router/vendor/model-b:free"]
        );
        assert_eq!(catalog.models[1].wire_id(), "vendor/model-b-free");
        assert_eq!(
            catalog.settings.default_chat_model.as_deref(),
            Some("router/vendor/model-a")
        );
        // Both dialects of the host are in the host table.
        assert_eq!(catalog.hosts.len(), 2);
        let generated = codegen::generate(&catalog);
        assert!(
            generated.contains("wire_id: \"vendor/model-b-free\""),
            "{generated}"
        );
        assert!(
            generated.contains("dialects: &[Dialect::AnthropicMessages]"),
            "{generated}"
        );
        assert!(
            generated.contains("default_chat_model: Some(\"router/vendor/model-a\")"),
            "{generated}"
        );
    }
}
