//! JSON Schema errors as located diagnostics: the same messages (with allowed values and a
//! "did you mean") for any schema generated the way provcat's are — the catalog files' and
//! the user config's.

use std::collections::HashSet;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Rule};
use crate::suggest;
use crate::tree::{SpanIndex, push_token};

/// Validates `value` (parsed from `file`) against `schema`, compiled as `validator`: the
/// same diagnostics for any schema generated the way the catalog schemas are (the user
/// config's, for one).
pub fn validate_with(
    validator: &Validator,
    schema: &Value,
    value: &Value,
    index: &SpanIndex,
    file: &str,
) -> Vec<Diagnostic> {
    let errors: Vec<ValidationError<'_>> = validator.iter_errors(value).collect();
    // The unknown keys of each error, with the known keys closest to each, ranked once.
    let unknown: Vec<Option<UnknownKeys<'_>>> = errors
        .iter()
        .map(|error| unknown_keys(error, schema))
        .collect();
    // A misspelt required key is one mistake: report the unknown key (with its "did you
    // mean"), not also the key it was meant to be.
    let typos: HashSet<(&str, &str)> = unknown
        .iter()
        .flatten()
        .flat_map(|u| {
            u.closest
                .iter()
                .filter_map(|closest| closest.first().map(|meant| (u.pointer.as_str(), *meant)))
        })
        .collect();
    errors
        .iter()
        .zip(&unknown)
        .filter(|(error, _)| match error.kind() {
            ValidationErrorKind::Required { property } => {
                let pointer = error.instance_path().as_str();
                let missing = property.as_str().unwrap_or_default();
                !typos.contains(&(pointer, missing))
            }
            _ => true,
        })
        .flat_map(|(error, unknown)| match unknown {
            Some(u) => unknown_key_diagnostics(u, index, file),
            None => to_diagnostics(error, schema, index, file),
        })
        .collect()
}

/// The unknown keys one validation error reports: at `pointer` (the table holding them),
/// with the keys defined there and the closest of those to each unknown key.
struct UnknownKeys<'s> {
    pointer: String,
    keys: Vec<String>,
    known: Vec<&'s str>,
    closest: Vec<Vec<&'s str>>,
}

/// The unknown keys of `error`, when it is about unknown keys: an object-level
/// `additionalProperties: false` (all of a table's unknown keys), or the per-key form
/// [`crate::schema_form::for_editors`] writes (`additionalProperties: {"not": …}`, one
/// error per key, at the key's value).
fn unknown_keys<'s>(error: &ValidationError<'_>, schema: &'s Value) -> Option<UnknownKeys<'s>> {
    let schema_path = error.schema_path().as_str();
    let instance = error.instance_path().as_str();
    let (pointer, keys, node) = match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => (
            instance.to_string(),
            unexpected.clone(),
            schema_node(schema, schema_path),
        ),
        _ => {
            let object = schema_path.strip_suffix("/additionalProperties/not")?;
            let (parent, key) = instance.rsplit_once('/')?;
            (
                parent.to_string(),
                vec![unescape(key)],
                schema.pointer(object),
            )
        }
    };
    let known: Vec<&str> = node
        .and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let closest = keys
        .iter()
        .map(|key| suggest::closest(key, known.iter().copied()))
        .collect();
    Some(UnknownKeys {
        pointer,
        keys,
        known,
        closest,
    })
}

/// One "unknown key" diagnostic per key of `unknown`, at the key.
fn unknown_key_diagnostics(
    unknown: &UnknownKeys<'_>,
    index: &SpanIndex,
    file: &str,
) -> Vec<Diagnostic> {
    let pointer = &unknown.pointer;
    let where_ = if pointer.is_empty() {
        "at the top level".to_string()
    } else {
        format!("in `{}`", display_pointer(pointer))
    };
    let known_here = format!("known keys here: {}", quote_list(&unknown.known));
    unknown
        .keys
        .iter()
        .zip(&unknown.closest)
        .map(|(key, closest)| {
            let help = suggest::did_you_mean(closest).unwrap_or_else(|| known_here.clone());
            Diagnostic::new(Rule::UnknownKey, format!("unknown key `{key}` {where_}"))
                .at(file, index.key_span(&push_token(pointer, key)))
                .label("not defined by the schema")
                .help(help)
        })
        .collect()
}

/// The diagnostics of one validation error other than unknown keys.
fn to_diagnostics(
    error: &ValidationError<'_>,
    schema: &Value,
    index: &SpanIndex,
    file: &str,
) -> Vec<Diagnostic> {
    let pointer = error.instance_path().as_str().to_string();
    let field = field_name(&pointer);
    let schema_node = schema_node(schema, error.schema_path().as_str());
    let value_span = index.value_span(&pointer);
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            let description = schema_node
                .and_then(|n| n.pointer(&push_token("/properties", property)))
                .and_then(|p| p.get("description"))
                .and_then(Value::as_str)
                .map(|d| format!(": {}", first_sentence(d)))
                .unwrap_or_default();
            let (where_, span) = if pointer.is_empty() {
                ("this file".to_string(), Some(0..0))
            } else {
                (
                    format!("`{}`", display_pointer(&pointer)),
                    index.key_span(&pointer),
                )
            };
            vec![
                Diagnostic::new(
                    Rule::MissingKey,
                    format!("missing key `{property}` in {where_}"),
                )
                .at(file, span)
                .label(format!("`{property}` is required here"))
                .help(format!("add `{property}`{description}")),
            ]
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => toml_type_name(&t.to_string()).to_string(),
                TypeKind::Multiple(ts) => ts
                    .into_iter()
                    .map(|t| toml_type_name(&t.to_string()))
                    .filter(|t| *t != "null")
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let found = json_type_name(error.instance());
            vec![
                Diagnostic::new(
                    Rule::WrongType,
                    format!("wrong type for `{field}`: expected {expected}, found {found}"),
                )
                .at(file, value_span)
                .label(format!("expected {expected}")),
            ]
        }
        ValidationErrorKind::Enum { options } => enum_diagnostic(
            error.instance(),
            options.as_array(),
            &field,
            file,
            value_span,
        ),
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. }
            if const_options(schema_node).is_some() =>
        {
            let options = const_options(schema_node);
            enum_diagnostic(error.instance(), options.as_ref(), &field, file, value_span)
        }
        // A string with suggested values (`anyOf: [{type: string, enum}, {type: string}]`)
        // given something else: say the type, not "no branch matched".
        ValidationErrorKind::AnyOf { .. }
            if string_branches(schema_node) && !error.instance().is_string() =>
        {
            let found = json_type_name(error.instance());
            vec![
                Diagnostic::new(
                    Rule::WrongType,
                    format!("wrong type for `{field}`: expected a string, found {found}"),
                )
                .at(file, value_span)
                .label("expected a string"),
            ]
        }
        _ => vec![
            Diagnostic::new(
                Rule::InvalidValue,
                format!("invalid value for `{field}`: {error}"),
            )
            .at(file, value_span)
            .label(short_reason(error.kind())),
        ],
    }
}

fn enum_diagnostic(
    instance: &Value,
    options: Option<&Vec<Value>>,
    field: &str,
    file: &str,
    span: Option<std::ops::Range<usize>>,
) -> Vec<Diagnostic> {
    let names: Vec<&str> = options
        .map(|o| o.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let shown = instance
        .as_str()
        .map_or_else(|| instance.to_string(), str::to_string);
    let help = instance
        .as_str()
        .and_then(|s| suggest::did_you_mean(&suggest::closest(s, names.iter().copied())));
    vec![
        Diagnostic::new(
            Rule::InvalidValue,
            format!("`{shown}` is not a valid `{field}`"),
        )
        .at(file, span)
        .label(format!("expected one of {}", quote_list(&names)))
        .maybe_help(help),
    ]
}

/// The `const` values of a `oneOf`/`anyOf` whose branches are all constants (how schemars
/// writes an enum whose values carry descriptions), looking through the `{type: null}`
/// branch schemars adds for an optional enum (`anyOf: [{oneOf: [const…]}, {type: null}]`).
fn const_options(node: Option<&Value>) -> Option<Vec<Value>> {
    let node = node?;
    let branches = node
        .get("oneOf")
        .or_else(|| node.get("anyOf"))?
        .as_array()?;
    let mut options = Vec::new();
    for branch in branches {
        if let Some(value) = branch.get("const") {
            options.push(value.clone());
        } else if branch.get("oneOf").is_some() || branch.get("anyOf").is_some() {
            options.extend(const_options(Some(branch))?);
        } else if branch.get("type").and_then(Value::as_str) != Some("null") {
            return None;
        }
    }
    (!options.is_empty()).then_some(options)
}

/// Whether every `anyOf` branch of `node` is a string.
fn string_branches(node: Option<&Value>) -> bool {
    node.and_then(|n| n.get("anyOf"))
        .and_then(Value::as_array)
        .is_some_and(|branches| {
            branches
                .iter()
                .all(|b| b.get("type").and_then(Value::as_str) == Some("string"))
        })
}

/// The schema node that holds the keyword at `schema_path` (the path minus its last token).
fn schema_node<'a>(schema: &'a Value, schema_path: &str) -> Option<&'a Value> {
    let parent = schema_path.rsplit_once('/').map_or("", |(p, _)| p);
    schema.pointer(parent)
}

fn field_name(pointer: &str) -> String {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    // For an array item, name the array: `input[1]`.
    match tokens.as_slice() {
        [] => "(file)".to_string(),
        [.., parent, last] if last.parse::<usize>().is_ok() => {
            format!("{}[{last}]", unescape(parent))
        }
        [.., last] => unescape(last),
    }
}

fn display_pointer(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        if token.parse::<usize>().is_ok() {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&unescape(token));
        }
    }
    out
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn first_sentence(text: &str) -> &str {
    text.split(". ")
        .next()
        .unwrap_or(text)
        .trim_end_matches('.')
}

fn toml_type_name(json: &str) -> &'static str {
    match json {
        "object" => "a table",
        "array" => "an array",
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        "null" => "null",
        _ => "another type",
    }
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "a table",
        Value::Array(_) => "an array",
        Value::String(_) => "a string",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a float",
        Value::Bool(_) => "a boolean",
        Value::Null => "nothing",
    }
}

fn short_reason(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::Pattern { pattern } => format!("must match `{pattern}`"),
        ValidationErrorKind::Minimum { limit } => format!("must be at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("must be at most {limit}"),
        ValidationErrorKind::MinItems { limit } => format!("needs at least {limit} item(s)"),
        ValidationErrorKind::MinLength { limit } => format!("needs at least {limit} character(s)"),
        _ => "not allowed by the schema".to_string(),
    }
}
