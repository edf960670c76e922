//! The import report: every problem found in the snapshot, every models.dev field provcat
//! does not keep, every fact family members disagree on, and everything provcat cannot
//! call — each naming the models.dev provider id and model id. `--report FILE` writes it
//! as JSON; the counts go to stderr.

use std::collections::BTreeMap;

use serde::Serialize;

/// What kind of entry a report line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Bad input: a file that cannot be read or parsed, an unknown field, a value of the
    /// wrong type, a missing or cyclic base model. The field (or the model) is left out.
    Error,
    /// Upstream data that provcat's checks reject (output above context, a reasoning price
    /// on a model that does not reason, …), handled by the rule in `action`.
    Inconsistency,
    /// Family members that list one model with different facts; the first member's are
    /// kept.
    Difference,
    /// A provider or model provcat cannot call: imported for listing only.
    NotCallable,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 4] = [
        Kind::Error,
        Kind::Inconsistency,
        Kind::Difference,
        Kind::NotCallable,
    ];

    /// How the kind is counted on stderr.
    pub fn counted(self, n: usize) -> String {
        let (one, many) = match self {
            Kind::Error => ("error in the snapshot", "errors in the snapshot"),
            Kind::Inconsistency => ("upstream inconsistency", "upstream inconsistencies"),
            Kind::Difference => (
                "difference between family members",
                "differences between family members",
            ),
            Kind::NotCallable => (
                "provider or model not callable",
                "providers or models not callable",
            ),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// One entry of the report.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Entry {
    /// What it is.
    pub kind: Kind,
    /// The models.dev provider id.
    pub provider: String,
    /// The models.dev model id; null for the provider itself.
    pub model: Option<String>,
    /// The file, relative to the snapshot (`providers/alibaba/models/qwen-max.toml`).
    pub file: Option<String>,
    /// 1-based line in `file`, when known.
    pub line: Option<usize>,
    /// 1-based column in `file`, when known.
    pub column: Option<usize>,
    /// The models.dev field (`limit.output`), when one is concerned.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What the import did about it (`skipped the model`, `clamped to the context window`).
    pub action: String,
}

/// A models.dev field provcat does not keep, with every model that had it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// The field (`interleaved`, `cost.context_over_200k`).
    pub field: String,
    /// Why provcat does not keep it.
    pub reason: String,
    /// How many models had it.
    pub count: usize,
    /// `<models.dev provider>/<model id>` of each, sorted.
    pub models: Vec<String>,
}

/// What one models.dev provider became.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProviderLine {
    /// The models.dev provider id.
    pub models_dev: String,
    /// The provcat provider it was written as.
    pub provider: String,
    /// Its plan.
    pub plan: String,
    /// Its region.
    pub region: String,
    /// Whether provcat can call it.
    pub callable: bool,
    /// Model files read.
    pub models_read: usize,
    /// Models written (skipped ones are not).
    pub models_written: usize,
}

/// Totals.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// models.dev providers read.
    pub providers_read: usize,
    /// Model files read.
    pub models_read: usize,
    /// provcat providers written.
    pub providers_written: usize,
    /// provcat model files written.
    pub models_written: usize,
    /// Models left out (see the entries whose action says so).
    pub models_skipped: usize,
    /// Entries per kind.
    pub entries: BTreeMap<Kind, usize>,
    /// Distinct dropped fields.
    pub dropped_fields: usize,
}

/// The whole report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Totals.
    pub summary: Summary,
    /// What each models.dev provider became, by models.dev id.
    pub providers: Vec<ProviderLine>,
    /// Problems, differences and what cannot be called, sorted by provider, model, file,
    /// line.
    pub entries: Vec<Entry>,
    /// Fields provcat does not keep, sorted by field.
    pub dropped: Vec<Dropped>,
    #[serde(skip)]
    dropped_by_field: BTreeMap<String, (String, Vec<String>)>,
}

impl Report {
    /// Adds an entry.
    pub fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    /// Records that `provider/model` had `field`, which provcat does not keep.
    pub fn drop_field(&mut self, field: &str, reason: &str, provider: &str, model: &str) {
        self.dropped_by_field
            .entry(field.to_string())
            .or_insert_with(|| (reason.to_string(), Vec::new()))
            .1
            .push(format!("{provider}/{model}"));
    }

    /// Sorts everything and computes the totals; call once, at the end.
    pub fn finish(&mut self) {
        self.entries.sort();
        self.entries.dedup();
        self.providers
            .sort_by(|a, b| a.models_dev.cmp(&b.models_dev));
        self.dropped = std::mem::take(&mut self.dropped_by_field)
            .into_iter()
            .map(|(field, (reason, mut models))| {
                models.sort();
                models.dedup();
                Dropped {
                    field,
                    reason,
                    count: models.len(),
                    models,
                }
            })
            .collect();
        self.summary.entries = Kind::ALL
            .iter()
            .map(|k| (*k, self.entries.iter().filter(|e| e.kind == *k).count()))
            .collect();
        self.summary.dropped_fields = self.dropped.len();
    }

    /// The number of entries of `kind`.
    pub fn count(&self, kind: Kind) -> usize {
        self.entries.iter().filter(|e| e.kind == kind).count()
    }

    /// The counts as lines for stderr.
    pub fn counts(&self) -> Vec<String> {
        let s = &self.summary;
        let mut lines = vec![format!(
            "imported {} models of {} models.dev providers as {} providers ({} model files read, {} skipped)",
            s.models_written,
            s.providers_read,
            s.providers_written,
            s.models_read,
            s.models_skipped
        )];
        lines.extend(Kind::ALL.iter().map(|k| k.counted(self.count(*k))));
        lines.push(format!(
            "{} models.dev fields provcat does not keep",
            self.dropped.len()
        ));
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: Kind, provider: &str) -> Entry {
        Entry {
            kind,
            provider: provider.into(),
            model: Some("m".into()),
            file: None,
            line: None,
            column: None,
            field: None,
            message: "x".into(),
            action: "y".into(),
        }
    }

    #[test]
    fn finishing_sorts_groups_and_counts() {
        let mut r = Report::default();
        r.push(entry(Kind::Inconsistency, "b"));
        r.push(entry(Kind::Error, "a"));
        r.push(entry(Kind::Error, "a"));
        r.drop_field("interleaved", "no such fact", "p", "z");
        r.drop_field("interleaved", "no such fact", "p", "a");
        r.finish();
        assert_eq!(r.entries.len(), 2);
        assert_eq!(r.entries[0].kind, Kind::Error);
        assert_eq!(r.dropped[0].models, ["p/a", "p/z"]);
        assert_eq!(r.summary.entries[&Kind::Error], 1);
        assert_eq!(r.summary.entries[&Kind::Difference], 0);
        assert!(r.counts()[1].starts_with("1 error in the snapshot"));
    }
}
