//! The shape of provcat's generated JSON Schemas, tuned for editors (Taplo / Even Better
//! TOML) and shared by the catalog files' schemas and the config file's.
//!
//! schemars writes a documented enum as `oneOf` constants and forbids unknown keys with an
//! object-level `additionalProperties: false`. Taplo reports the first as "not valid under
//! any of the schemas listed in the 'oneOf' keyword" (no allowed values), and places the
//! second on every key and value of the table (one unknown key, dozens of messages).
//! [`for_editors`] rewrites both:
//!
//! - an enum becomes a plain `enum` (the allowed values appear in the message), its
//!   values' descriptions kept as `x-taplo.docs.enumValues` (Taplo's hover and completion
//!   docs) and `markdownEnumDescriptions` (VS Code's JSON support);
//! - `additionalProperties: false` becomes `additionalProperties: {"not": …}`, which fails
//!   on the unknown key's own value: one message, on that key's line. [`UNKNOWN_KEY`] is in
//!   the message, and [`crate::validate`] turns the error back into an "unknown key"
//!   diagnostic with a "did you mean".
//!
//! The result is still draft-07 with every subschema inlined, and accepts and rejects
//! exactly what it did before.

use serde_json::{Map, Value, json};

/// What an unknown key's message says, in the `not` schema that rejects it.
pub const UNKNOWN_KEY: &str = "unknown key: the schema does not define this key here";

/// Rewrites `schema` (as schemars generated it) in place; see the module docs.
pub fn for_editors(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            map.values_mut().for_each(for_editors);
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.insert(
                    "additionalProperties".to_string(),
                    json!({ "not": { "description": UNKNOWN_KEY } }),
                );
            }
            for keyword in ["oneOf", "anyOf"] {
                if let Some(rewritten) = plain_enum(map, keyword) {
                    map.remove(keyword);
                    map.extend(rewritten);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(for_editors),
        _ => {}
    }
}

/// The keywords replacing `map[keyword]` when its branches are all string constants
/// (with descriptions), or already-plain enums of strings plus at most a `null` branch
/// (schemars' optional enum).
fn plain_enum(map: &Map<String, Value>, keyword: &str) -> Option<Map<String, Value>> {
    let branches = map.get(keyword)?.as_array()?;
    let mut values: Vec<Value> = Vec::new();
    let mut docs: Vec<Value> = Vec::new();
    let mut nullable = false;
    let mut inner_description = None;
    for branch in branches {
        let branch = branch.as_object()?;
        if let Some(value) = branch.get("const") {
            value.as_str()?;
            values.push(value.clone());
            docs.push(branch.get("description").cloned().unwrap_or(Value::Null));
        } else if branch.get("type").and_then(Value::as_str) == Some("null") && branch.len() == 1 {
            nullable = true;
        } else if let Some(inner) = branch.get("enum").and_then(Value::as_array) {
            // A branch rewritten already (an optional enum's inner `oneOf`), but not the
            // free-string branch of a list of suggestions.
            if branch.get("type").and_then(Value::as_str) != Some("string")
                || inner.iter().any(|v| !v.is_string())
                || branches.len() > 2
            {
                return None;
            }
            values.extend(inner.iter().cloned());
            inner_description = branch.get("description").cloned();
            let inner_docs = branch
                .get("x-taplo")
                .and_then(|t| t.pointer("/docs/enumValues"))
                .and_then(Value::as_array);
            match inner_docs {
                Some(d) => docs.extend(d.iter().cloned()),
                None => docs.extend(inner.iter().map(|_| Value::Null)),
            }
        } else {
            return None;
        }
    }
    if values.is_empty() {
        return None;
    }
    let mut out = Map::new();
    if let (None, Some(description)) = (map.get("description"), inner_description) {
        out.insert("description".into(), description);
    }
    if nullable {
        values.push(Value::Null);
        out.insert("type".into(), json!(["string", "null"]));
    } else {
        out.insert("type".into(), json!("string"));
    }
    out.insert("enum".into(), Value::Array(values));
    if docs.iter().any(|d| !d.is_null()) {
        let texts: Vec<Value> = docs
            .iter()
            .map(|d| Value::String(d.as_str().unwrap_or_default().to_string()))
            .collect();
        out.insert(
            "x-taplo".into(),
            json!({ "docs": { "enumValues": texts.clone() } }),
        );
        out.insert("markdownEnumDescriptions".into(), Value::Array(texts));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_enums_become_plain_enums_with_their_docs() {
        let mut schema = json!({
            "description": "The kind.",
            "oneOf": [
                { "type": "string", "const": "chat", "description": "A chat model." },
                { "type": "string", "const": "video", "description": "A video model." }
            ]
        });
        for_editors(&mut schema);
        assert_eq!(
            schema,
            json!({
                "description": "The kind.",
                "type": "string",
                "enum": ["chat", "video"],
                "x-taplo": { "docs": { "enumValues": ["A chat model.", "A video model."] } },
                "markdownEnumDescriptions": ["A chat model.", "A video model."]
            })
        );
    }

    #[test]
    fn an_optional_enum_takes_null_and_suggestions_stay_free() {
        let mut optional = json!({
            "anyOf": [
                { "oneOf": [{ "type": "string", "const": "a" }, { "type": "string", "const": "b" }] },
                { "type": "null" }
            ]
        });
        for_editors(&mut optional);
        assert_eq!(
            optional,
            json!({ "type": ["string", "null"], "enum": ["a", "b", null] })
        );
        let suggestions = json!({
            "anyOf": [{ "type": "string", "enum": ["a"] }, { "type": "string" }]
        });
        let mut rewritten = suggestions.clone();
        for_editors(&mut rewritten);
        assert_eq!(rewritten, suggestions);
    }

    #[test]
    fn unknown_keys_are_rejected_at_their_own_value() {
        let mut schema = json!({
            "type": "object",
            "properties": { "a": { "type": "integer" } },
            "additionalProperties": false
        });
        for_editors(&mut schema);
        assert_eq!(
            schema["additionalProperties"],
            json!({ "not": { "description": UNKNOWN_KEY } })
        );
    }
}
