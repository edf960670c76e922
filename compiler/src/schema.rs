//! JSON Schemas of the catalog files: generated from the source model, and used to
//! validate each file before it is deserialized.
//!
//! The schemas are draft-07 with every subschema inlined, the dialect Taplo (the engine
//! of the Even Better TOML editor extension) understands. Validation errors are turned
//! into located diagnostics by [`validate_with`] (shared with the user config's schema, in
//! `provcat-common`).

use std::sync::LazyLock;

use jsonschema::Validator;
use schemars::generate::SchemaSettings;
use serde_json::Value;

pub use provcat_common::validate::validate_with;

use crate::diagnostic::{Diagnostic, Rule};
use crate::source::{CatalogFile, ModelFile, ProviderFile};
use crate::tree::SpanIndex;

/// The kinds of catalog file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// `catalog.toml`
    Catalog,
    /// `<provider>/provider.toml`
    Provider,
    /// `<provider>/models/<id>.toml`
    Model,
}

impl FileKind {
    /// The schema's path under `schemas/`, as committed.
    pub const fn schema_path(self) -> &'static str {
        match self {
            FileKind::Catalog => "catalog/catalog.schema.json",
            FileKind::Provider => "catalog/provider.schema.json",
            FileKind::Model => "catalog/model.schema.json",
        }
    }

    /// The JSON Schema of this kind of file.
    pub fn schema(self) -> Value {
        let generator = SchemaSettings::draft07()
            .with(|s| s.inline_subschemas = true)
            .into_generator();
        let schema = match self {
            FileKind::Catalog => generator.into_root_schema_for::<CatalogFile>(),
            FileKind::Provider => generator.into_root_schema_for::<ProviderFile>(),
            FileKind::Model => generator.into_root_schema_for::<ModelFile>(),
        };
        let mut value = schema.to_value();
        provcat_common::schema_form::for_editors(&mut value);
        if let Some(root) = value.as_object_mut() {
            root.insert(
                "$comment".to_string(),
                Value::String(format!(
                    "@generated from the provcat-compiler source model; do not edit. Regenerate with `{}` ({}).",
                    crate::REGENERATE,
                    self.schema_path()
                )),
            );
        }
        value
    }

    fn validator(self) -> Option<&'static Validator> {
        static CATALOG: LazyLock<Option<Validator>> =
            LazyLock::new(|| jsonschema::draft7::new(FileKind::Catalog.cached_schema()).ok());
        static PROVIDER: LazyLock<Option<Validator>> =
            LazyLock::new(|| jsonschema::draft7::new(FileKind::Provider.cached_schema()).ok());
        static MODEL: LazyLock<Option<Validator>> =
            LazyLock::new(|| jsonschema::draft7::new(FileKind::Model.cached_schema()).ok());
        match self {
            FileKind::Catalog => CATALOG.as_ref(),
            FileKind::Provider => PROVIDER.as_ref(),
            FileKind::Model => MODEL.as_ref(),
        }
    }
}

impl FileKind {
    /// [`FileKind::schema`], generated once per process: validating a file needs the schema
    /// beside the validator (for "did you mean"), and generating it costs more than
    /// validating a model file.
    fn cached_schema(self) -> &'static Value {
        static CATALOG: LazyLock<Value> = LazyLock::new(|| FileKind::Catalog.schema());
        static PROVIDER: LazyLock<Value> = LazyLock::new(|| FileKind::Provider.schema());
        static MODEL: LazyLock<Value> = LazyLock::new(|| FileKind::Model.schema());
        match self {
            FileKind::Catalog => &CATALOG,
            FileKind::Provider => &PROVIDER,
            FileKind::Model => &MODEL,
        }
    }
}

/// Every committed schema: its path under `schemas/` and its text (pretty JSON plus a
/// trailing newline).
pub fn committed_schemas() -> Vec<(&'static str, String)> {
    [FileKind::Catalog, FileKind::Provider, FileKind::Model]
        .into_iter()
        .map(|kind| (kind.schema_path(), to_pretty(&kind.schema())))
        .collect()
}

/// Pretty-prints a schema the way committed schema files are written.
pub fn to_pretty(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// `value` without what fails the schema of `kind`, when the rest passes (see
/// [`provcat_common::prune`]).
pub fn prune(kind: FileKind, value: &Value) -> Option<provcat_common::prune::Pruned> {
    provcat_common::prune::prune(kind.validator()?, value)
}

/// Validates `value` (parsed from `file`) against the schema of `kind`.
pub fn validate(kind: FileKind, value: &Value, index: &SpanIndex, file: &str) -> Vec<Diagnostic> {
    let Some(validator) = kind.validator() else {
        return vec![Diagnostic::new(
            Rule::InvalidValue,
            format!(
                "internal error: the {} schema does not compile",
                kind.schema_path()
            ),
        )];
    };
    validate_with(validator, kind.cached_schema(), value, index, file)
}
