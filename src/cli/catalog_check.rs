//! `provcat catalog check [DIR]`: the compiler behind `cargo build`, run on a folder.
//! Also the `catalog` command group itself.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use provcat::compiler::{self, Diagnostic, Report, Rule};
use provcat::escape;
use serde::Serialize;

use super::json_error::{DiagnosticJson, ErrorJson, diagnostics};
use super::output::{print_json, print_stdout};
use super::{Outcome, say};

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Check a catalog folder with the same compiler and diagnostics as `cargo build`.
    /// Exits 0 when it is clean, 2 when it is not.
    ///
    /// Only regular `.toml` files are read, each up to 1 MiB. A link to a file inside the
    /// folder is followed; a link to a folder, a link out of the folder, a named pipe, a
    /// socket or a device is reported (exit 2), never opened.
    Check(CheckArgs),
    /// Render the Markdown page of each provider (as committed under `docs/providers/`).
    Docs(super::catalog_docs::DocsArgs),
    /// Regenerate every committed generated file of a checkout from its `catalog/`: the
    /// JSON Schemas under `schemas/` and the pages under `docs/providers/`. Prints each
    /// file as written, unchanged or removed; `--check` writes nothing and exits 1 when
    /// any is out of date.
    Generate(super::catalog_generate::GenerateArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The catalog folder (one sub-folder per provider).
    #[arg(default_value = "catalog", value_name = "DIR")]
    dir: PathBuf,
    /// Print the result as JSON on stdout (diagnostics with file, line and column).
    #[arg(long)]
    json: bool,
}

/// `catalog check --json`: the counts and every problem; a broken catalog adds `error`,
/// the shape of every command's failure.
#[derive(Serialize)]
struct CheckJson {
    ok: bool,
    providers: usize,
    models: usize,
    refs: usize,
    diagnostics: Vec<DiagnosticJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

pub fn run(command: CatalogCommand) -> Outcome {
    match command {
        CatalogCommand::Check(args) => check(args),
        CatalogCommand::Docs(args) => super::catalog_docs::run(args),
        CatalogCommand::Generate(args) => super::catalog_generate::run(args),
    }
}

fn check(args: CheckArgs) -> Outcome {
    let result = match missing_folder(&args.dir, "check") {
        Some(report) => Err(report),
        None => compiler::compile_dir(&args.dir),
    };
    match (result, args.json) {
        (Ok(c), false) => print_stdout(&format!(
            "{}: ok ({} provider{}, {} models, {} refs)\n",
            args.dir.display(),
            c.providers.len(),
            if c.providers.len() == 1 { "" } else { "s" },
            c.models.len(),
            c.refs.len()
        )),
        (Ok(c), true) => print_json(&CheckJson {
            ok: true,
            providers: c.providers.len(),
            models: c.models.len(),
            refs: c.refs.len(),
            diagnostics: Vec::new(),
            error: None,
        }),
        (Err(report), false) => Ok(print_report(&report)),
        (Err(report), true) => {
            print_json(&CheckJson {
                ok: false,
                providers: 0,
                models: 0,
                refs: 0,
                diagnostics: diagnostics(&report),
                error: Some(ErrorJson::of_report(&report, 2)),
            })?;
            Ok(ExitCode::from(2))
        }
    }
}

/// When `dir` does not exist (a `catalog` command run outside a checkout, say): a report
/// saying so plainly and naming what to pass to `provcat catalog <command>`. Other
/// problems with the folder (a file, unreadable) are the compiler's to report.
pub fn missing_folder(dir: &Path, command: &str) -> Option<Report> {
    let missing =
        matches!(std::fs::metadata(dir), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
    if !missing {
        return None;
    }
    let shown = dir.display().to_string();
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut report = Report::default();
    report.push(
        Diagnostic::new(
            Rule::Io,
            format!(
                "no catalog folder found at `{shown}` ({})",
                absolute.display()
            ),
        )
        .help(if command == "generate" {
            "run this in a provcat checkout (the folder holding `catalog/`), or pass the checkout's root: `provcat catalog generate ROOT`".to_string()
        } else {
            format!(
                "run this in a provcat checkout (the folder holding `catalog/`), or pass the catalog folder: `provcat catalog {command} DIR`"
            )
        }),
    );
    Some(report)
}

/// Prints a broken catalog's diagnostics on stderr (coloured on a terminal) and returns
/// exit code 2.
pub fn print_report(report: &Report) -> ExitCode {
    let styled = say::colour_on_stderr();
    let text = say::report(report).render(styled);
    // The renderer's own colours are kept; anything else a file could inject is escaped.
    let text = if styled {
        escape::controls_keeping_style(&text)
    } else {
        escape::controls(&text)
    };
    std::eprint!("{text}");
    ExitCode::from(2)
}
