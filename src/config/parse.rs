//! Config text → a JSON value with the span of every value, in either format.
//!
//! TOML goes through the catalog compiler's span-keeping parser. JSON goes through
//! `jsonc-parser` in its lenient mode, so the JSON5-style example of the Qwen page
//! (`{ agents: { defaults: { model: { primary: "qwen/qwen3.5-plus" } } } }`, unquoted keys,
//! trailing commas, comments) works as written. Both feed the same schema validation.
//! A key given twice in one object is an error in both formats (JSON parsers would
//! silently keep the last).

use std::path::Path;

use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions};
use serde_json::{Map, Number, Value};

use crate::common::tree::{self, Located, SpanIndex, push_token};
use crate::common::{Diagnostic, Rule};

/// The format of a config file, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `config.toml` (and any extension other than `.json`).
    Toml,
    /// `config.json` (JSON, comments and trailing commas allowed).
    Json,
}

impl Format {
    /// `.json` files are JSON; everything else is TOML.
    pub fn of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Toml,
        }
    }
}

/// Parses `text` (from `file`) into a value and its spans, or a syntax diagnostic.
pub fn parse(
    text: &str,
    format: Format,
    file: &str,
) -> Result<(Value, SpanIndex), Box<Diagnostic>> {
    match format {
        Format::Toml => tree::parse(text).map_err(|e| {
            Box::new(
                Diagnostic::new(Rule::TomlSyntax, "invalid TOML")
                    .at(file, e.span())
                    .label(e.message().trim().to_string())
                    .help("fix the syntax; see https://toml.io/en/v1.0.0"),
            )
        }),
        Format::Json => parse_json(text, file),
    }
}

fn parse_json(text: &str, file: &str) -> Result<(Value, SpanIndex), Box<Diagnostic>> {
    let syntax = |span: std::ops::Range<usize>, label: String| {
        Box::new(
            Diagnostic::new(Rule::JsonSyntax, "invalid JSON")
                .at(file, Some(span))
                .label(label)
                .help("fix the syntax (comments and trailing commas are allowed)"),
        )
    };
    // JSON5-style leniency (comments, unquoted keys, trailing commas), but a missing
    // comma is a mistake worth reporting.
    let options = ParseOptions {
        allow_missing_commas: false,
        ..ParseOptions::default()
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
            let r = e.range();
            syntax(r.start..r.end.max(r.start), e.kind().to_string())
        })?;
    let Some(root) = parsed.value else {
        // An empty file is an empty config.
        return Ok((Value::Object(Map::new()), SpanIndex::default()));
    };
    let mut index = SpanIndex::default();
    index.insert(
        String::new(),
        Located {
            key: None,
            value: range(root_range(&root)),
        },
    );
    let value = convert(&root, "", &mut index, text, file)?;
    Ok((value, index))
}

fn root_range(value: &ast::Value<'_>) -> jsonc_parser::common::Range {
    match value {
        ast::Value::StringLit(v) => v.range,
        ast::Value::NumberLit(v) => v.range,
        ast::Value::BooleanLit(v) => v.range,
        ast::Value::Object(v) => v.range,
        ast::Value::Array(v) => v.range,
        ast::Value::NullKeyword(v) => v.range,
    }
}

fn range(r: jsonc_parser::common::Range) -> std::ops::Range<usize> {
    r.start..r.end
}

fn convert(
    value: &ast::Value<'_>,
    pointer: &str,
    index: &mut SpanIndex,
    text: &str,
    file: &str,
) -> Result<Value, Box<Diagnostic>> {
    Ok(match value {
        ast::Value::StringLit(s) => Value::String(s.value.to_string()),
        ast::Value::NumberLit(n) => number(n.value),
        ast::Value::BooleanLit(b) => Value::Bool(b.value),
        ast::Value::NullKeyword(_) => Value::Null,
        ast::Value::Array(items) => Value::Array(
            items
                .elements
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let child = push_token(pointer, &i.to_string());
                    index.insert(
                        child.clone(),
                        Located {
                            key: None,
                            value: range(root_range(item)),
                        },
                    );
                    convert(item, &child, index, text, file)
                })
                .collect::<Result<_, _>>()?,
        ),
        ast::Value::Object(object) => {
            let mut map = Map::new();
            for prop in &object.properties {
                let (name, key_range) = match &prop.name {
                    ast::ObjectPropName::String(s) => (s.value.to_string(), s.range),
                    ast::ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                };
                let child = push_token(pointer, &name);
                if map.contains_key(&name) {
                    let first = index.key_span(&child);
                    return Err(duplicate(&name, range(key_range), first, text, file));
                }
                index.insert(
                    child.clone(),
                    Located {
                        key: Some(range(key_range)),
                        value: range(root_range(&prop.value)),
                    },
                );
                let converted = convert(&prop.value, &child, index, text, file)?;
                map.insert(name, converted);
            }
            Value::Object(map)
        }
    })
}

/// A key given a second time at `at` (first at `first`).
fn duplicate(
    name: &str,
    at: std::ops::Range<usize>,
    first: Option<std::ops::Range<usize>>,
    text: &str,
    file: &str,
) -> Box<Diagnostic> {
    let line = first.map(|f| crate::common::diagnostic::line_col(text, f.start).0);
    Box::new(
        Diagnostic::new(Rule::DuplicateId, format!("duplicate key `{name}`"))
            .at(file, Some(at))
            .label(match line {
                Some(line) => format!("already set on line {line}"),
                None => "already set above".to_string(),
            })
            .help("keep one of them: a JSON parser would silently use the last"),
    )
}

/// A JSON number as written; one that does not fit keeps its digits as a string, so the
/// schema reports a wrong type instead of the value silently changing.
fn number(text: &str) -> Value {
    if let Ok(n) = text.parse::<i64>() {
        return Value::Number(n.into());
    }
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or_else(|| Value::String(text.to_string()), Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_example_parses_as_written() {
        let text = "{\n  agents: {\n    defaults: {\n      model: { primary: \"qwen/qwen3.5-plus\" },\n    },\n  },\n}\n";
        let (value, index) = parse(text, Format::Json, "config.json").unwrap();
        assert_eq!(
            value["agents"]["defaults"]["model"]["primary"],
            "qwen/qwen3.5-plus"
        );
        let at = index.locate("/agents/defaults/model/primary").unwrap();
        assert_eq!(&text[at.key.clone().unwrap()], "primary");
        assert_eq!(&text[at.value.clone()], "\"qwen/qwen3.5-plus\"");
    }

    #[test]
    fn a_duplicate_json_key_is_located_at_its_second_use() {
        let text = "{\n  \"env\": { \"A\": \"1\" },\n  env: { \"B\": \"2\" }\n}";
        let d = parse(text, Format::Json, "c.json").unwrap_err();
        assert_eq!(d.rule, Rule::DuplicateId);
        assert_eq!(&text[d.span.clone().unwrap()], "env");
        assert_eq!(d.span.clone().unwrap().start, text.rfind("env").unwrap());
        assert_eq!(d.label.as_deref(), Some("already set on line 2"));
        // Nested objects too; the same name in different objects is fine.
        let nested = r#"{"a": {"x": 1, "x": 2}}"#;
        assert_eq!(
            parse(nested, Format::Json, "c.json").unwrap_err().rule,
            Rule::DuplicateId
        );
        assert!(parse(r#"{"a": {"x": 1}, "b": {"x": 1}}"#, Format::Json, "c.json").is_ok());
    }

    #[test]
    fn json_syntax_errors_are_located() {
        let text = "{ \"env\": { \"A\": } }";
        let d = parse(text, Format::Json, "c.json").unwrap_err();
        assert_eq!(d.rule, Rule::JsonSyntax);
        assert!(d.span.clone().unwrap().start >= 16, "{d:?}");
    }
}
