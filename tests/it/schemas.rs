//! The committed JSON Schemas under `schemas/` are in sync with the source model, and
//! every committed catalog file validates against them and points its editor at them.

use std::path::Path;

use provcat::compiler::schema::{FileKind, committed_schemas};
use serde_json::Value;

use crate::support::root;

#[test]
fn committed_schemas_are_in_sync() {
    crate::generated::assert_in_sync("schemas/catalog/");
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
    let errors: Vec<(String, String)> = validator
        .iter_errors(&bad)
        .map(|e| (e.instance_path().to_string(), e.to_string()))
        .collect();
    assert!(
        errors
            .iter()
            .any(|(at, e)| at == "/extra" && e.contains("unknown key")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(at, e)| at == "/kind" && e.contains("chatt") && e.contains("\"chat\"")),
        "the allowed values are in the message: {errors:?}"
    );
}

/// One unknown key is one error (at the key's value), however many keys its table has;
/// two unknown keys are two errors, and an enum is a plain `enum`.
#[test]
fn one_unknown_key_is_one_error() {
    let validator = jsonschema::draft7::new(&FileKind::Model.schema()).unwrap();
    let text = std::fs::read_to_string(root().join("catalog/qwen/models/glm-5.toml")).unwrap();
    let mut model: Value = toml::from_str(&text).unwrap();
    assert!(validator.is_valid(&model));
    model["frobnicate"] = Value::from(true);
    let errors: Vec<String> = validator
        .iter_errors(&model)
        .map(|e| e.instance_path().to_string())
        .collect();
    assert_eq!(errors, ["/frobnicate"]);
    model["availability"]["coding"]["zork"] = Value::from(1);
    let mut errors: Vec<String> = validator
        .iter_errors(&model)
        .map(|e| e.instance_path().to_string())
        .collect();
    errors.sort();
    assert_eq!(errors, ["/availability/coding/zork", "/frobnicate"]);
    let schema = FileKind::Model.schema();
    assert_eq!(
        schema["properties"]["kind"]["enum"],
        serde_json::json!(["chat", "video"])
    );
    assert!(!schema.to_string().contains("\"oneOf\""), "no oneOf left");
}

/// The committed config schema lists the catalog's refs: adding a model makes it stale
/// until `cargo run -- catalog generate` runs (the walkthrough test shows it).
#[test]
fn committed_config_schema_is_in_sync() {
    crate::generated::assert_in_sync("schemas/config.schema.json");
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

/// The committed config schema checks refs of catalog providers (`if` the ref starts with
/// `qwen/`, `then` it is one of qwen's refs) and leaves custom providers' refs free.
#[test]
fn config_schema_checks_catalog_refs_and_leaves_custom_refs_free() {
    let text = std::fs::read_to_string(root().join("schemas/config.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let config = |chat: &str, video: &str| {
        serde_json::json!({ "agents": { "defaults": {
            "model": { "primary": chat },
            "videoGenerationModel": { "primary": video }
        } } })
    };
    let errors = |value: &Value| -> Vec<String> {
        validator
            .iter_errors(value)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    };
    for (chat, video) in [
        ("qwen/qwen3.5-plus", "qwen/wan2.6-t2v"),
        ("myproxy/x", "alibaba/wan2.6-t2v"),
        ("modelstudio/glm-5", "modelstudio/wan2.6-t2v"),
        ("openrouter/anthropic/claude-sonnet-4.5", "qwen/wan2.7-r2v"),
    ] {
        assert_eq!(
            errors(&config(chat, video)),
            Vec::<String>::new(),
            "{chat} {video}"
        );
    }
    let bad = errors(&config("qwen/qwen3.5-plsu", "qwen/qwen3.5-plus"));
    assert_eq!(bad.len(), 2, "{bad:#?}");
    assert!(
        bad[0].starts_with(
            "/agents/defaults/model/primary: \"qwen/qwen3.5-plsu\" is not one of \"qwen/MiniMax-M2.5\""
        ),
        "the message lists qwen's chat refs: {bad:#?}"
    );
    assert!(
        bad[1].starts_with(
            "/agents/defaults/videoGenerationModel/primary: \"qwen/qwen3.5-plus\" is not one of"
        ),
        "a chat ref is not a video ref: {bad:#?}"
    );
    // A legacy namespace is checked as well.
    assert_eq!(
        errors(&config("modelstudio/glm-55", "qwen/wan2.6-t2v")).len(),
        1
    );
}
