//! What an export format cannot express: one [`Note`] per fact left out or changed, kept
//! with the export and printed (grouped) on stderr, so nothing is dropped silently.

use serde::Serialize;

use crate::catalog::Model;

/// One fact the target format could not carry as the catalog has it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Note {
    /// The catalog field (`cost.tiers`, `reasoning_controls.budget`, `model`, …).
    pub field: String,
    /// What happened to it and why.
    pub reason: String,
    /// What it is about: a model ref, or an exported provider id.
    pub subject: String,
}

/// The notes of one export.
#[derive(Debug, Default, Serialize)]
#[serde(transparent)]
pub struct Notes(Vec<Note>);

/// How many subjects a grouped line names before it says "and N more".
const SHOWN: usize = 4;

impl Notes {
    /// Adds a note about `subject`.
    pub fn add(
        &mut self,
        subject: impl Into<String>,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) {
        self.0.push(Note {
            field: field.into(),
            reason: reason.into(),
            subject: subject.into(),
        });
    }

    /// Sorts by field, reason and subject, and drops duplicates (a model exported for
    /// several region × plan targets is noted once).
    pub fn sort(&mut self) {
        self.0.sort();
        self.0.dedup();
    }

    /// Notes each of `fields` (catalog model field names) that `model` has a value for:
    /// the format has no place for it.
    pub fn unexpressed(&mut self, model: &Model, fields: &[&str], format: &str) {
        for field in fields {
            if present(model, field) {
                self.add(
                    model.canonical_ref,
                    *field,
                    format!("{format} has no field for it"),
                );
            }
        }
    }

    /// Every note.
    pub fn all(&self) -> &[Note] {
        &self.0
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One line per (field, reason): how many subjects it concerns and the first few, e.g.
    /// `cost.tiers (3 models: a, b, c): LiteLLM …`. Expects sorted notes.
    pub fn summary(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let mut rest = self.0.as_slice();
        while let Some(first) = rest.first() {
            let n = rest
                .iter()
                .take_while(|n| n.field == first.field && n.reason == first.reason)
                .count();
            let (group, tail) = rest.split_at(n);
            let mut names: Vec<&str> = group
                .iter()
                .take(SHOWN)
                .map(|n| n.subject.as_str())
                .collect();
            let more = n.saturating_sub(SHOWN);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            names.dedup();
            lines.push(format!(
                "{} ({}{}): {}",
                first.field,
                names.join(", "),
                more,
                first.reason
            ));
            rest = tail;
        }
        lines
    }
}

/// Whether `model` has a value for the catalog field `field` (false for unknown names).
fn present(model: &Model, field: &str) -> bool {
    match field {
        "name" => true,
        "family" => model.family.is_some(),
        "input_limit" => model.input_limit.is_some(),
        "tool_call" => model.tool_call.is_some(),
        "structured_output" => model.structured_output.is_some(),
        "temperature" => model.temperature.is_some(),
        "attachment" => model.attachment.is_some(),
        "open_weights" => model.open_weights.is_some(),
        "knowledge" => model.knowledge.is_some(),
        "release_date" => model.release_date.is_some(),
        "last_updated" => model.last_updated.is_some(),
        "reasoning_controls" => model.reasoning_controls.is_some(),
        "thinking_by_default" => model.thinking_by_default,
        "notes" => model.notes.is_some(),
        "aliases" => !model.aliases.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_groups_by_field_and_reason_and_counts_the_rest() {
        let mut notes = Notes::default();
        for m in ["p/a", "p/b", "p/c", "p/d", "p/e", "p/a"] {
            notes.add(m, "cost.tiers", "no tiers");
        }
        notes.add("p/a", "name", "no names");
        notes.sort();
        assert_eq!(notes.all().len(), 6);
        assert_eq!(
            notes.summary(),
            [
                "cost.tiers (p/a, p/b, p/c, p/d and 1 more): no tiers",
                "name (p/a): no names"
            ]
        );
    }
}
