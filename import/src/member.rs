//! One models.dev provider, read: its `provider.toml` (name, env, npm, api, doc), how it is
//! called, and each of its models merged with its base, read field by field and converted.
//! Every problem becomes a report entry at its file and line.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::convert::{self, Facts, Outcome, dropped_reason};
use crate::fields::{self, Issue};
use crate::mapping::Mapping;
use crate::merge;
use crate::report::{Entry, Kind, Report};
use crate::route::{self, Fixed, Route};
use crate::snapshot::{FileProblem, ProviderSource, Snapshot};

/// What `provider.toml` says.
#[derive(Clone, Debug, Default)]
pub struct Info {
    /// `name`.
    pub name: Option<String>,
    /// `env`.
    pub env: Vec<String>,
    /// `npm`.
    pub npm: Option<String>,
    /// `api`.
    pub api: Option<String>,
    /// `doc`.
    pub doc: Option<String>,
}

/// A models.dev provider, read.
#[derive(Debug)]
pub struct Member {
    /// Its models.dev id.
    pub id: String,
    /// Its `provider.toml`.
    pub info: Info,
    /// How the provider itself is called.
    pub route: Route,
    /// The models that could be imported, sorted by id.
    pub models: Vec<MemberModel>,
    /// Model files read.
    pub read: usize,
}

/// One imported model of a member.
#[derive(Debug)]
pub struct MemberModel {
    /// The model id.
    pub id: String,
    /// Its facts.
    pub facts: Facts,
    /// Its file, relative to the snapshot.
    pub file: String,
}

/// A report entry for a file problem.
pub fn file_entry(
    kind: Kind,
    provider: &str,
    model: Option<&str>,
    p: &FileProblem,
    action: &str,
) -> Entry {
    Entry {
        kind,
        provider: provider.to_string(),
        model: model.map(str::to_string),
        file: Some(p.file.clone()),
        line: p.position.map(|(l, _)| l),
        column: p.position.map(|(_, c)| c),
        field: None,
        message: p.message.clone(),
        action: action.to_string(),
    }
}

/// Reads `source`; `None` (with an entry saying why) when its `provider.toml` is unusable.
pub fn read(
    source: ProviderSource,
    snapshot: &mut Snapshot,
    mapping: &Mapping,
    report: &mut Report,
) -> Option<Member> {
    let id = source.id.clone();
    for stray in &source.strays {
        report.push(file_entry(Kind::Error, &id, None, stray, "ignored"));
    }
    let read = source.models.len();
    let parsed = match source.parsed {
        Ok(parsed) => parsed,
        Err(problem) => {
            let action = format!("skipped the provider and its {read} model files");
            report.push(file_entry(Kind::Error, &id, None, &problem, &action));
            return None;
        }
    };
    let info = info(&id, &parsed, report);
    let (route, fixed) = route::resolve(
        mapping,
        info.npm.as_deref(),
        info.api.as_deref(),
        None,
        true,
    );
    if let Some(fixed) = fixed {
        report.push(fixed_entry(
            &id,
            None,
            &parsed.file,
            parsed.position("/api", false),
            &fixed,
        ));
    }
    let mut models = Vec::new();
    for model in source.models {
        let merged = match merge::merge(Arc::new(model.parsed), snapshot) {
            Ok(merged) => merged,
            Err(p) => {
                let problem = FileProblem {
                    file: p.file,
                    position: p.position,
                    message: p.message,
                };
                report.push(file_entry(
                    Kind::Error,
                    &id,
                    Some(&model.id),
                    &problem,
                    "skipped the model",
                ));
                continue;
            }
        };
        let mut issues = Vec::new();
        let upstream = fields::read(&merged.value, &mut issues);
        let own_npm = upstream.call.npm.is_none() || upstream.call.npm == info.npm;
        let (model_route, fixed) = if upstream.call == fields::CallOverride::default() {
            (route.clone(), None)
        } else {
            route::resolve(
                mapping,
                upstream.call.npm.as_deref().or(info.npm.as_deref()),
                upstream.call.api.as_deref().or(info.api.as_deref()),
                upstream.call.shape.as_deref(),
                own_npm,
            )
        };
        let (file, position) = merged.locate("/provider/api", true);
        if let Some(fixed) = fixed {
            report.push(fixed_entry(&id, Some(&model.id), &file, position, &fixed));
        }
        let mut dropped = Vec::new();
        let outcome =
            convert::convert(&model.id, &upstream, model_route, &mut issues, &mut dropped);
        for field in dropped {
            report.drop_field(field, dropped_reason(field), &id, &model.id);
        }
        for issue in issues {
            report.push(issue_entry(&id, &model.id, &merged, issue));
        }
        if let Outcome::Kept(facts) = outcome {
            let (file, _) = merged.locate("", false);
            models.push(MemberModel {
                id: model.id,
                facts: *facts,
                file,
            });
        }
    }
    Some(Member {
        id,
        info,
        route,
        models,
        read,
    })
}

fn issue_entry(provider: &str, model: &str, merged: &merge::Merged, issue: Issue) -> Entry {
    let (file, position) = merged.locate(&issue.pointer, !issue.at_value);
    Entry {
        kind: issue.kind,
        provider: provider.to_string(),
        model: Some(model.to_string()),
        file: Some(file),
        line: position.map(|(l, _)| l),
        column: position.map(|(_, c)| c),
        field: Some(issue.field),
        message: issue.message,
        action: issue.action,
    }
}

fn fixed_entry(
    provider: &str,
    model: Option<&str>,
    file: &str,
    position: Option<(usize, usize)>,
    fixed: &Fixed,
) -> Entry {
    Entry {
        kind: Kind::Inconsistency,
        provider: provider.to_string(),
        model: model.map(str::to_string),
        file: Some(file.to_string()),
        line: position.map(|(l, _)| l),
        column: position.map(|(_, c)| c),
        field: Some(
            if model.is_some() {
                "provider.api"
            } else {
                "api"
            }
            .to_string(),
        ),
        message: format!("{} (`{}`)", fixed.message, fixed.api),
        action: "removed it from the base URL".to_string(),
    }
}

/// The fields of `provider.toml`, each checked; problems become entries.
fn info(id: &str, parsed: &crate::snapshot::Parsed, report: &mut Report) -> Info {
    let empty = Map::new();
    let table = parsed.value.as_object().unwrap_or(&empty);
    let mut problem = |key: &str, message: String| {
        let position = parsed.position(&fields::pointer(key), true);
        report.push(Entry {
            kind: Kind::Error,
            provider: id.to_string(),
            model: None,
            file: Some(parsed.file.clone()),
            line: position.map(|(l, _)| l),
            column: position.map(|(_, c)| c),
            field: Some(key.to_string()),
            message,
            action: "left out this field".to_string(),
        });
    };
    let mut info = Info::default();
    for (key, value) in table {
        let text = value.as_str().map(str::to_string);
        match (key.as_str(), value) {
            ("name", Value::String(_)) => info.name = text,
            ("npm", Value::String(_)) => info.npm = text,
            ("api", Value::String(_)) => info.api = text,
            ("doc", Value::String(_)) => info.doc = text,
            ("env", Value::Array(items)) => {
                for item in items {
                    match item.as_str() {
                        Some(var) if valid_env(var) => info.env.push(var.to_string()),
                        _ => problem(
                            "env",
                            format!("`{item}` is not an environment variable name"),
                        ),
                    }
                }
            }
            // Written by models.dev's build, never by hand; the file name is the id.
            ("id" | "models", _) => {}
            ("name" | "npm" | "api" | "doc", _) => problem(key, format!("`{key}` is not a string")),
            ("env", _) => problem(key, "`env` is not a list".to_string()),
            _ => {
                let known = ["name", "env", "npm", "api", "doc"];
                let hint = provcat_compiler::suggest::closest(key, known)
                    .first()
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                problem(
                    key,
                    format!(
                        "unknown field `{key}` in provider.toml{hint}: not in models.dev's schema"
                    ),
                )
            }
        }
    }
    info
}

/// An environment variable name provcat accepts as a key variable.
pub fn valid_env(var: &str) -> bool {
    !var.is_empty()
        && var
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && !var.starts_with('_')
}
