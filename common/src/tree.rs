//! Parsing a catalog file into a JSON value while remembering where every value came from.
//!
//! The TOML is parsed with spans (`toml::de::DeTable`), converted into a
//! `serde_json::Value` (which the JSON Schema check and the typed deserialization both
//! use), and every value's location is kept in a [`SpanIndex`] keyed by JSON pointer.
//! Schema errors and semantic errors name a pointer; the index turns it into a span.

use std::collections::HashMap;
use std::ops::Range;

use serde_json::{Map, Number, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Where one value sits in its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// The span of the key that names the value (absent for array items and the root).
    pub key: Option<Range<usize>>,
    /// The span of the value itself.
    pub value: Range<usize>,
}

/// Byte spans of every value in a file, keyed by JSON pointer (`/endpoints/0/plan`).
#[derive(Clone, Debug, Default)]
pub struct SpanIndex {
    spans: HashMap<String, Located>,
}

impl SpanIndex {
    /// The location recorded for `pointer`, or of its nearest recorded ancestor.
    pub fn locate(&self, pointer: &str) -> Option<&Located> {
        let mut p = pointer;
        loop {
            if let Some(found) = self.spans.get(p) {
                return Some(found);
            }
            let cut = p.rfind('/')?;
            p = &p[..cut];
        }
    }

    /// The span of the value at `pointer` (or of its nearest ancestor).
    pub fn value_span(&self, pointer: &str) -> Option<Range<usize>> {
        self.locate(pointer).map(|l| l.value.clone())
    }

    /// Records where the value at `pointer` sits (for parsers of other formats, such as
    /// JSON config files).
    pub fn insert(&mut self, pointer: String, located: Located) {
        self.spans.insert(pointer, located);
    }

    /// The span of the key at `pointer` if it has one, else of its value.
    pub fn key_span(&self, pointer: &str) -> Option<Range<usize>> {
        self.locate(pointer)
            .map(|l| l.key.clone().unwrap_or_else(|| l.value.clone()))
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn push_token(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// Parses TOML text into a JSON value and the spans of its values.
pub fn parse(text: &str) -> Result<(Value, SpanIndex), toml::de::Error> {
    let root = DeTable::parse(text)?;
    Ok(convert_root(&root))
}

fn convert_root(root: &Spanned<DeTable<'_>>) -> (Value, SpanIndex) {
    let mut index = SpanIndex::default();
    index.spans.insert(
        String::new(),
        Located {
            key: None,
            value: root.span(),
        },
    );
    let value = convert_table(root.get_ref(), "", &mut index);
    (value, index)
}

fn convert_table(table: &DeTable<'_>, pointer: &str, index: &mut SpanIndex) -> Value {
    let mut map = Map::new();
    for (key, value) in table {
        let child = push_token(pointer, key.get_ref());
        index.spans.insert(
            child.clone(),
            Located {
                key: Some(key.span()),
                value: value.span(),
            },
        );
        let converted = convert_value(value.get_ref(), &child, index);
        map.insert(key.get_ref().to_string(), converted);
    }
    Value::Object(map)
}

fn convert_value(value: &DeValue<'_>, pointer: &str, index: &mut SpanIndex) -> Value {
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Number(n.into()),
            // Out of i64 range: keep the digits so the schema check reports a wrong number
            // rather than the conversion silently changing it.
            Err(_) => Value::String(i.as_str().to_string()),
        },
        DeValue::Float(f) => f
            .as_str()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(f.as_str().to_string())),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let child = push_token(pointer, &i.to_string());
                    index.spans.insert(
                        child.clone(),
                        Located {
                            key: None,
                            value: item.span(),
                        },
                    );
                    convert_value(item.get_ref(), &child, index)
                })
                .collect(),
        ),
        DeValue::Table(table) => convert_table(table, pointer, index),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_key_and_value_spans_by_pointer() {
        let text = "id = \"qwen\"\n[[plans]]\nid = \"standard\"\n";
        let (value, index) = parse(text).unwrap();
        assert_eq!(value["plans"][0]["id"], "standard");
        let at = index.locate("/plans/0/id").unwrap();
        assert_eq!(&text[at.key.clone().unwrap()], "id");
        assert_eq!(&text[at.value.clone()], "\"standard\"");
        // An unknown pointer falls back to its nearest known ancestor.
        assert_eq!(
            index.value_span("/plans/0/nope"),
            index.value_span("/plans/0")
        );
    }

    #[test]
    fn escapes_pointer_tokens() {
        let text = "[ref_aliases]\n\"qwen/a~b\" = \"qwen/c\"\n";
        let (_, index) = parse(text).unwrap();
        let at = index.locate("/ref_aliases/qwen~1a~0b").unwrap();
        assert_eq!(&text[at.value.clone()], "\"qwen/c\"");
    }
}
