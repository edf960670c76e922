//! Round trip: import(models.dev fixture subset) → export(models-dev) reproduces the fields
//! models.dev has for the subset, for each provider whose facts the import keeps as they
//! are (providers outside a family, and the first member of the Alibaba family, whose facts
//! win over the other members'), minus what the import reports it cannot keep (a thinking
//! budget without both bounds). The import is compiled on its own (the Alibaba family is
//! the `qwen` provider, which cannot be laid over the built-in one) and exported through
//! the library.

use std::path::Path;

use provcat::export::{self, Format};
use toml::{Table, Value};

use crate::import::import_fixture;
use crate::support::fixture;

/// The model fields compared (every field the importer maps).
const FIELDS: &[&str] = &[
    "name",
    "family",
    "release_date",
    "last_updated",
    "attachment",
    "reasoning",
    "temperature",
    "knowledge",
    "tool_call",
    "structured_output",
    "open_weights",
    "status",
    "limit",
    "modalities",
    "cost",
    "reasoning_options",
];

/// models.dev provider ids compared (`302ai` is not: its model's output limit above its
/// context window is corrected by the import, and reported).
const PROVIDERS: &[&str] = &["alibaba", "anthropic", "groq"];

fn read(path: &Path) -> Table {
    toml::from_str(
        &std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A models.dev provider model, with its `base_model` merged under it (one level of
/// tables merged, as models.dev does) and the fields the import cannot keep removed.
fn expected(snapshot: &Path, file: &Path) -> Table {
    let mut model = read(file);
    if let Some(base) = model
        .remove("base_model")
        .and_then(|b| b.as_str().map(str::to_string))
    {
        let mut merged = read(&snapshot.join("models").join(format!("{base}.toml")));
        for (k, v) in model {
            match (merged.get_mut(&k), v) {
                (Some(Value::Table(old)), Value::Table(new)) => old.extend(new),
                (_, v) => {
                    merged.insert(k, v);
                }
            }
        }
        model = merged;
    }
    if let Some(Value::Array(options)) = model.get_mut("reasoning_options") {
        // provcat keeps a thinking budget only with both bounds (the import reports it).
        options.retain(|o| {
            o.get("type").and_then(Value::as_str) != Some("budget_tokens")
                || (o.get("min").is_some() && o.get("max").is_some())
        });
    }
    normalise(model)
}

/// Only the compared fields, integers as floats (`15` and `15.0` are the same price).
fn normalise(model: Table) -> Table {
    fn num(v: Value) -> Value {
        match v {
            Value::Integer(i) => Value::Float(i as f64),
            Value::Table(t) => Value::Table(t.into_iter().map(|(k, v)| (k, num(v))).collect()),
            Value::Array(a) => Value::Array(a.into_iter().map(num).collect()),
            v => v,
        }
    }
    model
        .into_iter()
        .filter(|(k, _)| FIELDS.contains(&k.as_str()))
        .map(|(k, v)| (k, num(v)))
        .collect()
}

#[test]
fn import_then_export_reproduces_the_models_dev_fields_of_the_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let (imported, _) = import_fixture(dir.path(), &[]);
    let catalog =
        provcat::compiler::compile_dir(&imported).unwrap_or_else(|r| panic!("{}", r.render(false)));
    let tables = Box::leak(Box::new(provcat::catalog::overlay::tables(&catalog)));
    let exported = export::export(Format::ModelsDev, tables, &[]).unwrap();
    let out = dir.path().join("exported");
    export::write::write_folder(&out, &exported.files, "test").unwrap();
    assert_eq!(
        super::models_dev_rules::validate(&out),
        Vec::<String>::new()
    );

    let snapshot = fixture("models-dev");
    let mut compared = 0;
    for provider in PROVIDERS {
        let models = snapshot.join("providers").join(provider).join("models");
        let mut files = Vec::new();
        super::collect(&models, &models, &mut files);
        for (relative, _) in files {
            let source = expected(&snapshot, &models.join(&relative));
            if source["limit"]
                .get("context")
                .and_then(Value::as_float)
                .unwrap_or(0.0)
                == 0.0
            {
                continue; // not imported: no context window (a transcription model)
            }
            let written = out
                .join("providers")
                .join(provider)
                .join("models")
                .join(&relative);
            let written = normalise(read(&written));
            for field in FIELDS {
                assert_eq!(
                    written.get(*field),
                    source.get(*field),
                    "{provider}/{relative}: `{field}`"
                );
            }
            compared += 1;
        }
        let provider_toml = read(&out.join("providers").join(provider).join("provider.toml"));
        let source = read(
            &snapshot
                .join("providers")
                .join(provider)
                .join("provider.toml"),
        );
        for field in ["name", "doc"] {
            if *provider != "alibaba" {
                assert_eq!(
                    provider_toml.get(field),
                    source.get(field),
                    "{provider}: `{field}`"
                );
            }
        }
        assert_eq!(
            provider_toml.get("name"),
            source.get("name"),
            "{provider}: name"
        );
        for var in source["env"].as_array().unwrap() {
            assert!(
                provider_toml["env"].as_array().unwrap().contains(var),
                "{provider}: env {var:?}"
            );
        }
    }
    assert!(compared >= 6, "compared {compared} models");
}
