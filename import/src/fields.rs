//! Reading a models.dev model (merged with its bases) field by field, as
//! `packages/core/src/schema.ts` defines it. A field of the wrong type or a field the
//! schema does not define is a located problem and is left out; the rest of the model is
//! still read. Fields provcat has no place for are read too, so they can be reported as
//! dropped.

use serde_json::{Map, Value};

use crate::report::Kind;

/// A problem with one field, at a JSON pointer of the merged model.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    /// Error or inconsistency.
    pub kind: Kind,
    /// Where (`/limit/output`).
    pub pointer: String,
    /// The models.dev field (`limit.output`).
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// What the import did.
    pub action: String,
    /// Located at the value (a wrong value) rather than at the key (an unknown field).
    pub at_value: bool,
}

/// A reasoning option (`reasoning_options`).
#[derive(Clone, Debug, PartialEq)]
pub enum ReasoningOption {
    /// `{ type = "toggle" }`.
    Toggle,
    /// `{ type = "effort", values = […] }`; `None` is the `null` value.
    Effort(Vec<Option<String>>),
    /// `{ type = "budget_tokens", min?, max? }`.
    Budget {
        /// Smallest budget (`-1` upstream means "dynamic").
        min: Option<f64>,
        /// Largest budget.
        max: Option<f64>,
    },
}

/// Prices of `cost` or of one tier.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prices {
    /// `input`.
    pub input: Option<f64>,
    /// `output`.
    pub output: Option<f64>,
    /// `reasoning`.
    pub reasoning: Option<f64>,
    /// `cache_read`.
    pub cache_read: Option<f64>,
    /// `cache_write`.
    pub cache_write: Option<f64>,
    /// `input_audio`.
    pub input_audio: Option<f64>,
    /// `output_audio`.
    pub output_audio: Option<f64>,
}

/// A context tier of `cost.tiers`.
#[derive(Clone, Debug, PartialEq)]
pub struct Tier {
    /// The tier's `tier.size`.
    pub size: Option<f64>,
    /// Its prices.
    pub prices: Prices,
    /// Its index in `cost.tiers`.
    pub index: usize,
}

/// The `provider` table: how this model is called when not like its provider.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallOverride {
    /// `provider.npm`.
    pub npm: Option<String>,
    /// `provider.api`.
    pub api: Option<String>,
    /// `provider.shape`.
    pub shape: Option<String>,
}

/// A models.dev model, as far as it could be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Upstream {
    /// `name`.
    pub name: Option<String>,
    /// `family`.
    pub family: Option<String>,
    /// `attachment`.
    pub attachment: Option<bool>,
    /// `reasoning`.
    pub reasoning: Option<bool>,
    /// `reasoning_options`.
    pub reasoning_options: Option<Vec<ReasoningOption>>,
    /// `tool_call`.
    pub tool_call: Option<bool>,
    /// `interleaved`: `Some(None)` for `true`, `Some(Some(field))` for `{ field }`.
    pub interleaved: Option<Option<String>>,
    /// `structured_output`.
    pub structured_output: Option<bool>,
    /// `temperature`.
    pub temperature: Option<bool>,
    /// `knowledge`.
    pub knowledge: Option<String>,
    /// `release_date`.
    pub release_date: Option<String>,
    /// `last_updated`.
    pub last_updated: Option<String>,
    /// `modalities.input`.
    pub input: Option<Vec<String>>,
    /// `modalities.output`.
    pub output: Option<Vec<String>>,
    /// `open_weights`.
    pub open_weights: Option<bool>,
    /// `limit.context`.
    pub context: Option<f64>,
    /// `limit.input`.
    pub input_limit: Option<f64>,
    /// `limit.output`.
    pub output_limit: Option<f64>,
    /// `status`.
    pub status: Option<String>,
    /// `cost` (base prices).
    pub cost: Option<Prices>,
    /// `cost.tiers`.
    pub tiers: Vec<Tier>,
    /// `cost.context_over_200k`.
    pub over_200k: Option<Prices>,
    /// `provider`.
    pub call: CallOverride,
    /// Fields read that provcat does not keep (dot-paths), in reading order.
    pub dropped: Vec<&'static str>,
}

/// Reads `value` (a merged model) into an [`Upstream`]; problems go to `issues`.
pub fn read(value: &Map<String, Value>, issues: &mut Vec<Issue>) -> Upstream {
    let mut u = Upstream::default();
    let mut r = Reader { issues };
    let top = "";
    u.name = r.string(value, top, "name");
    u.family = r.string(value, top, "family");
    u.attachment = r.bool(value, top, "attachment");
    u.reasoning = r.bool(value, top, "reasoning");
    u.tool_call = r.bool(value, top, "tool_call");
    u.structured_output = r.bool(value, top, "structured_output");
    u.temperature = r.bool(value, top, "temperature");
    u.knowledge = r.string(value, top, "knowledge");
    u.release_date = r.string(value, top, "release_date");
    u.last_updated = r.string(value, top, "last_updated");
    u.open_weights = r.bool(value, top, "open_weights");
    u.status = r.string(value, top, "status");
    if let Some(m) = r.table(value, top, "modalities") {
        u.input = r.strings(m, "modalities", "input");
        u.output = r.strings(m, "modalities", "output");
        r.unknown(m, "modalities", &["input", "output"]);
    }
    if let Some(l) = r.table(value, top, "limit") {
        u.context = r.number(l, "limit", "context");
        u.input_limit = r.number(l, "limit", "input");
        u.output_limit = r.number(l, "limit", "output");
        r.unknown(l, "limit", &["context", "input", "output"]);
    }
    if let Some(c) = r.table(value, top, "cost") {
        u.cost = Some(r.prices(c, "cost"));
        if let Some(over) = r.table(c, "cost", "context_over_200k") {
            u.over_200k = Some(r.prices(over, "cost.context_over_200k"));
            r.unknown(over, "cost.context_over_200k", PRICES);
        }
        if let Some(tiers) = r.array(c, "cost", "tiers") {
            for (i, t) in tiers.iter().enumerate() {
                let field = format!("cost.tiers.{i}");
                let Some(t) = r.object(t, &field, "a table") else {
                    continue;
                };
                let size = r.table(t, &field, "tier").and_then(|tier| {
                    let kind = r.string(tier, &format!("{field}.tier"), "type");
                    if kind.as_deref().is_some_and(|k| k != "context") {
                        r.wrong(&format!("{field}.tier.type"), "`context`");
                    }
                    r.unknown(tier, &format!("{field}.tier"), &["type", "size"]);
                    r.number(tier, &format!("{field}.tier"), "size")
                });
                u.tiers.push(Tier {
                    size,
                    prices: r.prices(t, &field),
                    index: i,
                });
                let known: Vec<&str> = PRICES.iter().copied().chain(["tier"]).collect();
                r.unknown(t, &field, &known);
            }
        }
        let known: Vec<&str> = PRICES
            .iter()
            .copied()
            .chain(["tiers", "context_over_200k"])
            .collect();
        r.unknown(c, "cost", &known);
    }
    if let Some(options) = r.array(value, top, "reasoning_options") {
        let mut read = Vec::new();
        for (i, o) in options.iter().enumerate() {
            let field = format!("reasoning_options.{i}");
            if let Some(o) = r.object(o, &field, "a table") {
                read.extend(r.reasoning_option(o, &field));
            }
        }
        u.reasoning_options = Some(read);
    }
    match value.get("interleaved") {
        None => {}
        Some(Value::Bool(true)) => u.interleaved = Some(None),
        Some(Value::Object(t)) => {
            u.interleaved = r.string(t, "interleaved", "field").map(Some);
            r.unknown(t, "interleaved", &["field"]);
        }
        Some(_) => r.wrong("interleaved", "`true` or a table with `field`"),
    }
    if let Some(p) = r.table(value, top, "provider") {
        u.call.npm = r.string(p, "provider", "npm");
        u.call.api = r.string(p, "provider", "api");
        u.call.shape = r.string(p, "provider", "shape");
        for (key, dropped) in [("body", "provider.body"), ("headers", "provider.headers")] {
            if r.table(p, "provider", key).is_some() {
                u.dropped.push(dropped);
            }
        }
        r.unknown(p, "provider", &["npm", "api", "shape", "body", "headers"]);
    }
    for (key, dropped) in [
        ("experimental", "experimental"),
        ("license", "license"),
        ("links", "links"),
        ("weights", "weights"),
        ("benchmarks", "benchmarks"),
    ] {
        if value.contains_key(key) {
            u.dropped.push(dropped);
        }
    }
    r.unknown(value, top, TOP);
    u
}

/// The keys of a price table.
const PRICES: &[&str] = &[
    "input",
    "output",
    "reasoning",
    "cache_read",
    "cache_write",
    "input_audio",
    "output_audio",
];

/// Every top-level field of a provider model, merged with its base (`schema.ts`).
const TOP: &[&str] = &[
    "id",
    "name",
    "family",
    "attachment",
    "reasoning",
    "reasoning_options",
    "tool_call",
    "interleaved",
    "structured_output",
    "temperature",
    "knowledge",
    "release_date",
    "last_updated",
    "modalities",
    "open_weights",
    "limit",
    "status",
    "experimental",
    "provider",
    "cost",
    "license",
    "links",
    "weights",
    "benchmarks",
];

/// The JSON pointer of a dot-path field.
pub fn pointer(field: &str) -> String {
    field
        .split('.')
        .filter(|p| !p.is_empty())
        .fold(String::new(), |acc, part| {
            provcat_compiler::tree::push_token(&acc, part)
        })
}

fn join(table: &str, key: &str) -> String {
    if table.is_empty() {
        key.to_string()
    } else {
        format!("{table}.{key}")
    }
}

struct Reader<'i> {
    issues: &'i mut Vec<Issue>,
}

impl Reader<'_> {
    fn error(&mut self, field: &str, message: String) {
        self.push(field, message, false);
    }

    fn wrong(&mut self, field: &str, expected: &str) {
        self.push(field, format!("`{field}` is not {expected}"), true);
    }

    fn push(&mut self, field: &str, message: String, at_value: bool) {
        self.issues.push(Issue {
            kind: Kind::Error,
            pointer: pointer(field),
            field: field.to_string(),
            message,
            action: "left out this field".to_string(),
            at_value,
        });
    }

    fn string(&mut self, t: &Map<String, Value>, table: &str, key: &str) -> Option<String> {
        match t.get(key)? {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.wrong(&join(table, key), "a string");
                None
            }
        }
    }

    fn bool(&mut self, t: &Map<String, Value>, table: &str, key: &str) -> Option<bool> {
        match t.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.wrong(&join(table, key), "a boolean");
                None
            }
        }
    }

    fn number(&mut self, t: &Map<String, Value>, table: &str, key: &str) -> Option<f64> {
        match t.get(key)?.as_f64() {
            Some(n) => Some(n),
            None => {
                self.wrong(&join(table, key), "a number");
                None
            }
        }
    }

    fn strings(&mut self, t: &Map<String, Value>, table: &str, key: &str) -> Option<Vec<String>> {
        let items = self.array(t, table, key)?;
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(s) => out.push(s.to_string()),
                None => self.wrong(&format!("{}.{i}", join(table, key)), "a string"),
            }
        }
        Some(out)
    }

    fn array<'v>(
        &mut self,
        t: &'v Map<String, Value>,
        table: &str,
        key: &str,
    ) -> Option<&'v Vec<Value>> {
        match t.get(key)? {
            Value::Array(items) => Some(items),
            _ => {
                self.wrong(&join(table, key), "a list");
                None
            }
        }
    }

    fn table<'v>(
        &mut self,
        t: &'v Map<String, Value>,
        table: &str,
        key: &str,
    ) -> Option<&'v Map<String, Value>> {
        let value = t.get(key)?;
        self.object(value, &join(table, key), "a table")
    }

    fn object<'v>(
        &mut self,
        value: &'v Value,
        field: &str,
        what: &str,
    ) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(o) => Some(o),
            _ => {
                self.wrong(field, what);
                None
            }
        }
    }

    fn prices(&mut self, t: &Map<String, Value>, table: &str) -> Prices {
        Prices {
            input: self.number(t, table, "input"),
            output: self.number(t, table, "output"),
            reasoning: self.number(t, table, "reasoning"),
            cache_read: self.number(t, table, "cache_read"),
            cache_write: self.number(t, table, "cache_write"),
            input_audio: self.number(t, table, "input_audio"),
            output_audio: self.number(t, table, "output_audio"),
        }
    }

    fn reasoning_option(&mut self, o: &Map<String, Value>, field: &str) -> Option<ReasoningOption> {
        let kind = self.string(o, field, "type");
        let option = match kind.as_deref() {
            Some("toggle") => {
                self.unknown(o, field, &["type"]);
                ReasoningOption::Toggle
            }
            Some("effort") => {
                let values = self.array(o, field, "values").cloned().unwrap_or_default();
                let mut levels = Vec::new();
                for (i, v) in values.iter().enumerate() {
                    match v {
                        Value::Null => levels.push(None),
                        Value::String(s) if s == "null" => levels.push(None),
                        Value::String(s) => levels.push(Some(s.clone())),
                        _ => self.wrong(&format!("{field}.values.{i}"), "an effort level"),
                    }
                }
                self.unknown(o, field, &["type", "values"]);
                ReasoningOption::Effort(levels)
            }
            Some("budget_tokens") => {
                let option = ReasoningOption::Budget {
                    min: self.number(o, field, "min"),
                    max: self.number(o, field, "max"),
                };
                self.unknown(o, field, &["type", "min", "max"]);
                option
            }
            Some(other) => {
                self.error(
                    &format!("{field}.type"),
                    format!("unknown reasoning option type `{other}` (expected `toggle`, `effort` or `budget_tokens`)"),
                );
                return None;
            }
            None => {
                self.error(field, format!("`{field}` has no `type`"));
                return None;
            }
        };
        Some(option)
    }

    /// Reports every key of `t` not in `known`, with the closest known key.
    fn unknown(&mut self, t: &Map<String, Value>, table: &str, known: &[&str]) {
        for key in t.keys().filter(|k| !known.contains(&k.as_str())) {
            let close = provcat_compiler::suggest::closest(key, known.iter().copied());
            let hint = close
                .first()
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            let where_ = if table.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in `{table}`")
            };
            self.error(
                &join(table, key),
                format!("unknown field `{key}` {where_}{hint}: not in models.dev's schema"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read_json(v: Value) -> (Upstream, Vec<Issue>) {
        let mut issues = Vec::new();
        let u = read(v.as_object().unwrap(), &mut issues);
        (u, issues)
    }

    #[test]
    fn every_field_is_read() {
        let (u, issues) = read_json(json!({
            "name": "M", "family": "f", "attachment": true, "reasoning": true, "tool_call": true,
            "structured_output": false, "temperature": true, "knowledge": "2024-04",
            "release_date": "2025-01-01", "last_updated": "2025-02-01", "open_weights": false,
            "status": "deprecated", "interleaved": {"field": "reasoning_content"},
            "modalities": {"input": ["text", "pdf"], "output": ["text"]},
            "limit": {"context": 1000, "input": 900, "output": 100},
            "cost": {"input": 1, "output": 2.5, "cache_read": 0.1,
                     "tiers": [{"input": 2, "tier": {"type": "context", "size": 500}}],
                     "context_over_200k": {"input": 3, "output": 4}},
            "reasoning_options": [{"type": "toggle"}, {"type": "effort", "values": ["low", null, "null"]},
                                  {"type": "budget_tokens", "min": -1}],
            "provider": {"npm": "@ai-sdk/anthropic", "api": "https://x/v1", "body": {}},
            "benchmarks": [], "experimental": {}
        }));
        assert_eq!(issues, []);
        assert_eq!(u.context, Some(1000.0));
        assert_eq!(u.cost.as_ref().unwrap().output, Some(2.5));
        assert_eq!(u.tiers[0].size, Some(500.0));
        assert_eq!(u.over_200k.as_ref().unwrap().output, Some(4.0));
        assert_eq!(u.interleaved, Some(Some("reasoning_content".into())));
        assert_eq!(
            u.reasoning_options.unwrap(),
            [
                ReasoningOption::Toggle,
                ReasoningOption::Effort(vec![Some("low".into()), None, None]),
                ReasoningOption::Budget {
                    min: Some(-1.0),
                    max: None
                },
            ]
        );
        assert_eq!(u.call.npm.as_deref(), Some("@ai-sdk/anthropic"));
        assert_eq!(u.dropped, ["provider.body", "experimental", "benchmarks"]);
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_issues_and_left_out() {
        let (u, issues) = read_json(json!({
            "name": 3, "reasonin": true, "limit": {"context": "big", "output": 10},
            "cost": {"input": 1, "cache_input": 0.5}
        }));
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            ["name", "limit.context", "cost.cache_input", "reasonin"]
        );
        assert!(
            issues[3].message.contains("did you mean `reasoning`"),
            "{issues:?}"
        );
        assert_eq!(issues[2].pointer, "/cost/cache_input");
        assert_eq!(
            (u.name, u.context, u.output_limit),
            (None, None, Some(10.0))
        );
        assert!(issues.iter().all(|i| i.kind == Kind::Error));
    }
}
