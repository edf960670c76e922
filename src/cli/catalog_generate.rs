//! `provcat catalog generate [ROOT]`: rewrites every committed generated file of a
//! checkout (the JSON Schemas under `schemas/`, the provider pages under `docs/providers/`)
//! from its `catalog/` folder, printing what it did to each; `--check` writes nothing and
//! lists what is out of date. The work is [`provcat::generated`]'s.
//!
//! `--json` prints `{files: [{path, action}], changed}` (`action` is `written`,
//! `unchanged` or `removed`), or with `--check` `{stale: [{path, problem}], files}` plus
//! `error` (code `drift`, exit 1) when any is stale.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use provcat::compiler::Report;
use provcat::generated::{self, Action, Drift, GenerateError};
use serde::Serialize;

use super::catalog_check::{missing_folder, print_report};
use super::json_error::ErrorJson;
use super::output::{print_json, print_stdout};
use super::{Failure, Outcome};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The checkout's root: the folder holding `catalog/`, `schemas/` and `docs/providers/`.
    #[arg(default_value = ".", value_name = "ROOT")]
    root: PathBuf,
    /// Write nothing: list the generated files that are out of date (each with its first
    /// differing line) and exit 1 when there are any.
    #[arg(long)]
    check: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct FileJson<'a> {
    path: &'a str,
    action: &'static str,
}

#[derive(Serialize)]
struct WrittenJson<'a> {
    files: Vec<FileJson<'a>>,
    changed: usize,
}

#[derive(Serialize)]
struct StaleJson {
    path: String,
    problem: String,
}

#[derive(Serialize)]
struct CheckJson {
    stale: Vec<StaleJson>,
    files: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

pub fn run(args: GenerateArgs) -> Outcome {
    let catalog = args.root.join("catalog");
    if let Some(report) = missing_folder(&catalog, "generate") {
        return broken(&report, args.json);
    }
    let files = match generated::generate(&args.root) {
        Ok(files) => files,
        Err(GenerateError::Catalog(report)) => return broken(&report, args.json),
        Err(e @ GenerateError::Docs(_)) => return Err(Failure::runtime(e.to_string())),
    };
    if args.check {
        let drifts = generated::drift(&args.root, &files);
        if args.json {
            return check_json(&drifts, files.len());
        }
        if drifts.is_empty() {
            return print_stdout(&format!("{} generated files are up to date\n", files.len()));
        }
        let mut text = String::new();
        for drift in &drifts {
            text.push_str(&format!("stale: {drift}\n"));
        }
        text.push_str(&format!(
            "{} of {} generated files are out of date: run `{}` and commit the result\n",
            drifts.len(),
            files.len(),
            generated::COMMAND
        ));
        print_stdout(&text)?;
        return Ok(ExitCode::from(1));
    }
    let done = generated::write(&args.root, &files).map_err(|e| Failure::runtime(e.to_string()))?;
    let changed = done.iter().filter(|(_, a)| *a != Action::Unchanged).count();
    if args.json {
        let files = done
            .iter()
            .map(|(path, action)| FileJson {
                path,
                action: action.as_str(),
            })
            .collect();
        return print_json(&WrittenJson { files, changed });
    }
    let mut text = String::new();
    for (path, action) in &done {
        text.push_str(&format!("{:<9} {path}\n", action.as_str()));
    }
    text.push_str(&format!(
        "{changed} of {} generated files changed\n",
        done.len()
    ));
    print_stdout(&text)
}

/// `--check --json`: every stale file, and the drift as the shared error object.
fn check_json(drifts: &[Drift], files: usize) -> Outcome {
    let stale = drifts
        .iter()
        .map(|d| StaleJson {
            path: d.path.clone(),
            problem: d.to_string(),
        })
        .collect();
    let error = (!drifts.is_empty()).then(|| {
        ErrorJson::new(
            "drift",
            format!(
                "{} of {files} generated files are out of date",
                drifts.len()
            ),
            1,
        )
        .with_help(Some(format!(
            "run `{}` and commit the result",
            generated::COMMAND
        )))
    });
    let code = if error.is_some() { 1 } else { 0 };
    print_json(&CheckJson {
        stale,
        files,
        error,
    })?;
    Ok(ExitCode::from(code))
}

/// A catalog that cannot be generated from: its diagnostics (and with `--json` the shared
/// error object), exit 2.
fn broken(report: &Report, json: bool) -> Outcome {
    if json {
        return Err(Failure::report(report));
    }
    Ok(print_report(report))
}
