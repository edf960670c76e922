//! Checking what can be checked in a file that failed its schema.
//!
//! A schema error used to stop a file at the schema: an unknown key hid every problem the
//! later checks would have found with the keys that are known. [`prune`] removes what
//! failed the schema — each unknown key, and each optional key whose value has the wrong
//! type or is outside its enum — so the file can be typed and cross-checked like a valid
//! one. The schema's own diagnostics are still reported; the caller drops the later
//! checks' diagnostics that only repeat a removed value's problem ([`Pruned::repeats`]).
//!
//! Only whole keys are removed, never an array item (later items would move, and the
//! checks locate problems by position) nor a key the schema requires (its table would go
//! too, and everything that refers to it would be reported missing): when such a removal
//! would be needed, [`prune`] returns `None` and the file is left unchecked, as before.

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::tree::{SpanIndex, push_token};

/// A value with everything that failed its schema removed.
#[derive(Clone, Debug)]
pub struct Pruned {
    /// The value, valid under the schema.
    pub value: Value,
    /// Pointers of the unknown keys removed (the checks never read them).
    pub unknown: Vec<String>,
    /// Pointers of the known keys removed because their value was invalid.
    pub invalid: Vec<String>,
}

/// At most this many rounds of removing and validating again (a removal can only expose
/// a `required` error one level up, so few are ever needed).
const ROUNDS: usize = 8;

/// `value` without what fails `validator`, or `None` when the rest cannot pass.
pub fn prune(validator: &Validator, value: &Value) -> Option<Pruned> {
    let mut pruned = Pruned {
        value: value.clone(),
        unknown: Vec::new(),
        invalid: Vec::new(),
    };
    for _ in 0..ROUNDS {
        let targets: Vec<(Option<String>, bool)> = validator
            .iter_errors(&pruned.value)
            .flat_map(|error| {
                let instance = error.instance_path().as_str().to_string();
                match error.kind() {
                    ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
                        .iter()
                        .map(|key| (Some(push_token(&instance, key)), true))
                        .collect::<Vec<_>>(),
                    _ if error
                        .schema_path()
                        .as_str()
                        .ends_with("/additionalProperties/not") =>
                    {
                        vec![(Some(instance), true)]
                    }
                    ValidationErrorKind::Required { .. } => vec![(None, false)],
                    // An invalid value: removable when it is a key's whole value.
                    _ => vec![(object_key(&pruned.value, &instance), false)],
                }
            })
            .collect();
        if targets.is_empty() {
            return Some(pruned);
        }
        for (pointer, unknown) in targets {
            // A key the schema requires is missing (it was invalid and removed, or never
            // there): removing more would only cascade.
            let key = pointer?;
            if remove(&mut pruned.value, &key) {
                let list = if unknown {
                    &mut pruned.unknown
                } else {
                    &mut pruned.invalid
                };
                list.push(key);
            }
        }
    }
    None
}

impl Pruned {
    /// Whether `diagnostic`, found by a later check of the pruned value (located in the
    /// same file, spans in `index`), only repeats a schema error: it points into a value
    /// removed as invalid or quotes that key's name (`` needs `api = "…"` ``), or every
    /// name it quotes is a key an unknown key was most likely meant to be
    /// (`` a chat model needs `context_window` `` beside an unknown `context_windw`). A
    /// message that also quotes other names says something new and is kept.
    pub fn repeats(&self, diagnostic: &Diagnostic, index: &SpanIndex) -> bool {
        let last = |p: &String| {
            let name = p.rsplit('/').next().unwrap_or_default();
            name.replace("~1", "/").replace("~0", "~")
        };
        let invalid: Vec<String> = self.invalid.iter().map(last).collect();
        let unknown: Vec<String> = self.unknown.iter().map(last).collect();
        let key = |q: &str| {
            q.split([' ', '='])
                .next()
                .unwrap_or(q)
                .trim_start_matches('[')
                .to_string()
        };
        let removed = |q: &str| invalid.contains(&key(q));
        let meant = |q: &str| {
            let q = key(q);
            removed(&q)
                || unknown
                    .iter()
                    .any(|u| !crate::suggest::closest(u, [q.as_str()]).is_empty())
        };
        let quoted: Vec<&str> = diagnostic.message.split('`').skip(1).step_by(2).collect();
        // Only optional keys are removed: a message naming one is about it. An unknown
        // key's likely meanings are guesses: all the names quoted must be among them.
        if quoted.iter().any(|q| removed(q))
            || (!quoted.is_empty() && quoted.iter().all(|q| meant(q)))
        {
            return true;
        }
        let Some(at) = &diagnostic.span else {
            return false;
        };
        self.invalid.iter().any(|pointer| {
            [index.key_span(pointer), index.value_span(pointer)]
                .iter()
                .flatten()
                .any(|s| at.start < s.end.max(s.start + 1) && s.start < at.end.max(at.start + 1))
        })
    }
}

/// `pointer` when it names a key of an object (not an array item, not the root).
fn object_key(root: &Value, pointer: &str) -> Option<String> {
    let (parent, _) = pointer.rsplit_once('/')?;
    root.pointer(parent)?
        .is_object()
        .then(|| pointer.to_string())
}

/// Removes the object key at `pointer`; false when there is none.
fn remove(root: &mut Value, pointer: &str) -> bool {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return false;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    match root.pointer_mut(parent) {
        Some(Value::Object(map)) => map.remove(&key).is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn validator() -> Validator {
        jsonschema::draft7::new(&json!({
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": { "type": "string" },
                "size": { "type": "integer" },
                "tags": { "type": "array", "items": { "enum": ["a", "b"] } },
                "plans": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "required": ["status"],
                        "properties": { "status": { "enum": ["on", "off"] } },
                        "additionalProperties": false
                    }
                }
            },
            "additionalProperties": { "not": {} }
        }))
        .unwrap()
    }

    #[test]
    fn unknown_keys_and_invalid_optional_values_are_removed() {
        let value = json!({
            "id": "m", "size": "big", "extra": 1,
            "plans": { "x": { "status": "on" }, "y": { "status": "on", "why": 1 } }
        });
        let pruned = prune(&validator(), &value).unwrap();
        assert_eq!(
            pruned.value,
            json!({ "id": "m", "plans": { "x": { "status": "on" }, "y": { "status": "on" } } })
        );
        let mut unknown = pruned.unknown.clone();
        unknown.sort();
        assert_eq!(unknown, ["/extra", "/plans/y/why"]);
        assert_eq!(pruned.invalid, ["/size"]);
    }

    #[test]
    fn required_keys_array_items_and_the_root_are_never_removed() {
        assert!(prune(&validator(), &json!({ "id": 1 })).is_none());
        assert!(prune(&validator(), &json!({ "size": 1 })).is_none());
        assert!(prune(&validator(), &json!([1])).is_none());
        assert!(prune(&validator(), &json!({ "id": "m", "tags": ["a", "c"] })).is_none());
        let status = json!({ "id": "m", "plans": { "y": { "status": "onn" } } });
        assert!(prune(&validator(), &status).is_none());
        let valid = json!({ "id": "m" });
        let pruned = prune(&validator(), &valid).unwrap();
        assert_eq!(pruned.value, valid);
        assert!(pruned.unknown.is_empty() && pruned.invalid.is_empty());
    }
}

#[cfg(test)]
mod repeats {
    use super::*;
    use crate::diagnostic::Rule;

    #[test]
    fn only_messages_about_removed_keys_alone_are_repeats() {
        let (value, index) = crate::tree::parse("a = 1\nb = \"x\"\n").unwrap();
        let pruned = Pruned {
            value,
            unknown: vec!["/zzzz".into()],
            invalid: vec!["/b".into()],
        };
        let at = |span: Option<std::ops::Range<usize>>, message: &str| {
            Diagnostic::new(Rule::KindFields, message).at("f", span)
        };
        assert!(pruned.repeats(&at(None, "a chat model needs `b`"), &index));
        assert!(pruned.repeats(&at(index.value_span("/b"), "bad"), &index));
        assert!(pruned.repeats(&at(None, "thinking needs `b = true`"), &index));
        assert!(pruned.repeats(&at(None, "plans `b`, `c` are missing"), &index));
        assert!(!pruned.repeats(&at(None, "plans `zzz`, `c` are missing"), &index));
        assert!(pruned.repeats(&at(None, "a chat model needs `zzz`"), &index));
        assert!(!pruned.repeats(&at(None, "a chat model needs `context`"), &index));
        assert!(!pruned.repeats(&at(index.value_span("/a"), "`a` is wrong"), &index));
    }
}
