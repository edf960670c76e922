//! The committed JSON Schemas under `schemas/` are in sync with the source model, and
//! every committed catalog file validates against them and points its editor at them.

use std::path::Path;

use provcat::compiler::schema::{FileKind, committed_schemas};
use serde_json::Value;

use crate::support::root;

const REGENERATE: &str = "run `cargo run -- schema --write` and commit the result";

#[test]
fn committed_schemas_are_in_sync() {
    for (path, generated) in committed_schemas() {
        let file = root().join("schemas").join(path);
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            committed == generated,
            "schemas/{path} is out of date with the source model: {REGENERATE}"
        );
    }
}

fn catalog_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            catalog_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

fn kind_of(path: &Path) -> FileKind {
    if path.file_name().is_some_and(|n| n == "catalog.toml") {
        FileKind::Catalog
    } else if path.file_name().is_some_and(|n| n == "provider.toml") {
        FileKind::Provider
    } else {
        FileKind::Model
    }
}

#[test]
fn every_catalog_file_validates_against_its_committed_schema() {
    let mut files = Vec::new();
    catalog_files(&root().join("catalog"), &mut files);
    assert!(files.len() >= 15, "{files:?}");
    for file in files {
        let kind = kind_of(&file);
        let schema_text =
            std::fs::read_to_string(root().join("schemas").join(kind.schema_path())).unwrap();
        let schema: Value = serde_json::from_str(&schema_text).unwrap();
        let validator = jsonschema::draft7::new(&schema).unwrap();
        let instance: Value = toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

#[test]
fn every_catalog_file_starts_with_a_schema_directive_that_resolves() {
    let mut files = Vec::new();
    catalog_files(&root().join("catalog"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let target = first
            .strip_prefix("#:schema ")
            .unwrap_or_else(|| panic!("{} does not start with `#:schema`", file.display()));
        let resolved = file.parent().unwrap().join(target).canonicalize().unwrap();
        let expected = root()
            .join("schemas")
            .join(kind_of(&file).schema_path())
            .canonicalize()
            .unwrap();
        assert_eq!(resolved, expected, "{}", file.display());
    }
}

/// Every property in every schema has a description (from its doc comment), so editors
/// can explain each key.
#[test]
fn every_schema_property_is_described() {
    fn walk(node: &Value, at: &str, missing: &mut Vec<String>) {
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for (key, prop) in props {
                if prop.get("description").is_none() {
                    missing.push(format!("{at}/{key}"));
                }
                walk(prop, &format!("{at}/{key}"), missing);
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = node.get(key) {
                walk(child, &format!("{at}/{key}"), missing);
            }
        }
    }
    for (path, text) in committed_schemas() {
        let schema: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        let mut missing = Vec::new();
        walk(&schema, "", &mut missing);
        assert!(missing.is_empty(), "{path}: undescribed {missing:?}");
    }
}

#[test]
fn the_schema_rejects_what_the_compiler_rejects() {
    let schema = FileKind::Model.schema();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let bad: Value = toml::from_str(
        "id = \"m\"\nname = \"M\"\nkind = \"chatt\"\ninput = [\"text\"]\nextra = 1\n[availability]\n",
    )
    .unwrap();
    let errors: Vec<String> = validator.iter_errors(&bad).map(|e| e.to_string()).collect();
    assert!(errors.iter().any(|e| e.contains("extra")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("chatt")), "{errors:?}");
}

#[test]
fn committed_config_schema_is_in_sync() {
    let generated = provcat::compiler::schema::to_pretty(&provcat::config::config_schema());
    let committed =
        std::fs::read_to_string(root().join("schemas/config.schema.json")).unwrap_or_default();
    assert!(
        committed == generated,
        "schemas/config.schema.json is out of date with the config types: {REGENERATE}"
    );
}

#[test]
fn config_schema_offers_catalog_values_and_accepts_custom_refs() {
    let schema = provcat::config::config_schema();
    let primary = schema
        .pointer("/properties/agents/properties/defaults/properties/model/properties/primary")
        .expect("primary is described");
    let offered = primary
        .pointer("/anyOf/0/enum")
        .unwrap()
        .as_array()
        .unwrap();
    assert!(offered.contains(&Value::from("qwen/qwen3.5-plus")));
    assert!(
        !offered.contains(&Value::from("qwen/wan2.6-t2v")),
        "video refs are not chat defaults"
    );
    let video = schema
        .pointer("/properties/agents/properties/defaults/properties/videoGenerationModel/properties/primary/anyOf/0/enum")
        .unwrap()
        .as_array()
        .unwrap();
    assert!(video.contains(&Value::from("alibaba/wan2.6-t2v")));
    let choices = schema
        .pointer("/properties/models/properties/providers/additionalProperties/properties/authChoice/anyOf/0/enum")
        .unwrap()
        .as_array()
        .unwrap();
    assert_eq!(
        choices.len(),
        provcat::catalog::auth_choices().count(),
        "{choices:?}"
    );
    assert!(
        primary["description"]
            .as_str()
            .unwrap()
            .contains("custom provider"),
        "descriptions come from doc comments"
    );

    let validator = jsonschema::draft7::new(&schema).unwrap();
    let custom: Value = serde_json::json!({
        "$schema": "https://example.invalid/config.schema.json",
        "agents": { "defaults": { "model": { "primary": "myproxy/some-model" } } },
        "models": { "providers": { "myproxy": {
            "api": "openai-completions", "baseUrl": "https://llm.example.com/v1",
            "compat": { "supportsUsageInStreaming": true }, "headers": { "X-Team": "a" }
        } } },
        "env": { "QWEN_API_KEY": "sk-x" }
    });
    let errors: Vec<String> = validator
        .iter_errors(&custom)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let typo = serde_json::json!({ "agents": { "defaults": { "model": { "primry": "x" } } } });
    assert!(!validator.is_valid(&typo), "unknown keys are rejected");
}
