//! `provcat catalog generate [ROOT]`: rewrites every committed generated file of a
//! checkout (the JSON Schemas under `schemas/`, the provider pages under `docs/providers/`)
//! from its `catalog/` folder, printing what it did to each; `--check` writes nothing and
//! lists what is out of date. The work is [`provcat::generated`]'s.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use provcat::generated::{self, Action, GenerateError};

use super::catalog_check::{missing_folder, print_report};
use super::output::print_stdout;
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
}

pub fn run(args: GenerateArgs) -> Outcome {
    let catalog = args.root.join("catalog");
    if let Some(report) = missing_folder(&catalog, "generate") {
        return Ok(print_report(&report));
    }
    let files = match generated::generate(&args.root) {
        Ok(files) => files,
        Err(GenerateError::Catalog(report)) => return Ok(print_report(&report)),
        Err(e @ GenerateError::Docs(_)) => return Err(Failure::runtime(e.to_string())),
    };
    if args.check {
        let drifts = generated::drift(&args.root, &files);
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
    let mut text = String::new();
    for (path, action) in &done {
        text.push_str(&format!("{:<9} {path}\n", action.as_str()));
    }
    let changed = done.iter().filter(|(_, a)| *a != Action::Unchanged).count();
    text.push_str(&format!(
        "{changed} of {} generated files changed\n",
        done.len()
    ));
    print_stdout(&text)
}
