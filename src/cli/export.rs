//! `provcat export --format litellm|models-dev|catwalk|openclaw [--provider P]… [--out PATH]
//! [--check] [--json]`: the catalog in use (built-in, or with `--catalog` overlays) in
//! another tool's format, by [`provcat::export`]. What the format cannot express is listed
//! on stderr (grouped; every note in the `--json` report).
//!
//! `--out` is a file for `litellm` and `openclaw` (stdout without it) and a folder to create
//! for `models-dev` and `catwalk` (required); its parent folder must exist. `--check`
//! writes nothing: it compares the export with what is at `--out` and exits 1 with a diff
//! summary when they differ (for downstream CI).
//!
//! Exit codes: 0 written (or up to date), 1 drift found by `--check` or a failed write,
//! 2 bad input (unknown provider, unusable `--out`, a missing `--out`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use provcat::export::write::{self, WriteError};
use provcat::export::{self, Export, ExportError, Format};
use serde::Serialize;

use super::json_error::ErrorJson;
use super::output::{print_json, print_stdout};
use super::{Failure, Outcome};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format: LiteLLM's model_prices_and_context_window.json, a models.dev providers/
    /// tree, catwalk provider files, or an OpenClaw models.providers block.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: FormatArg,
    /// Only this provider (id or namespace alias); repeatable; default: every provider.
    #[arg(long = "provider", value_name = "ID")]
    providers: Vec<String>,
    /// Where to write: a file for litellm and openclaw (default: stdout), the folder to
    /// create for models-dev and catwalk (required). Its parent folder must exist.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Write nothing; compare with what is at --out and exit 1 with a diff summary when
    /// they differ.
    #[arg(long, requires = "out")]
    check: bool,
    /// Print a JSON report on stdout: format, output, files written and every note of what
    /// the format cannot express (needs --out).
    #[arg(long, requires = "out")]
    json: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Litellm,
    ModelsDev,
    Catwalk,
    Openclaw,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Litellm => Format::Litellm,
            FormatArg::ModelsDev => Format::ModelsDev,
            FormatArg::Catwalk => Format::Catwalk,
            FormatArg::Openclaw => Format::Openclaw,
        }
    }
}

#[derive(Serialize)]
struct Report<'a> {
    format: &'static str,
    out: String,
    check: bool,
    /// `--check`: whether the output is up to date.
    #[serde(skip_serializing_if = "Option::is_none")]
    up_to_date: Option<bool>,
    files: Vec<&'a str>,
    notes: &'a export::Notes,
    /// `--check` found drift (exit 1): the shape of every command's failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

pub fn run(args: ExportArgs) -> Outcome {
    let format = Format::from(args.format);
    if format.is_folder() && args.out.is_none() {
        return Err(Failure::input(format!(
            "--format {format} writes a folder of files; give the folder to create with --out DIR"
        )));
    }
    let export = export::export(format, provcat::catalog::tables(), &args.providers).map_err(
        |e| match e {
            ExportError::UnknownProvider { .. } => Failure::input(e.to_string()),
            ExportError::Clash { .. } => Failure::input(e.to_string()),
        },
    )?;
    print_notes(format, &export);
    let Some(out) = args.out else {
        let text = export.files.first().map_or("", |(_, t)| t.as_str());
        return print_stdout(text);
    };
    let mut up_to_date = None;
    if args.check {
        let drift = write::check(&out, format.is_folder(), &export.files).map_err(write_failure)?;
        if drift.is_empty() {
            eprintln!("{} is up to date with the catalog", out.display());
        } else {
            eprintln!(
                "{} differs from the catalog's {format} export:",
                out.display()
            );
            for line in &drift {
                eprintln!("{line}");
            }
            eprintln!("run the same command without --check to update it");
        }
        up_to_date = Some(drift.is_empty());
    } else {
        if format.is_folder() {
            let marker = format!("written by `provcat export --format {format}`\n");
            write::write_folder(&out, &export.files, &marker).map_err(write_failure)?;
        } else {
            let text = export.files.first().map_or("", |(_, t)| t.as_str());
            write::write_file(&out, text).map_err(write_failure)?;
        }
        eprintln!("wrote {} ({} files)", out.display(), export.files.len());
    }
    if args.json {
        print_json(&Report {
            format: format.as_str(),
            out: out.display().to_string(),
            check: args.check,
            up_to_date,
            files: export.files.iter().map(|(p, _)| p.as_str()).collect(),
            notes: &export.notes,
            error: (up_to_date == Some(false)).then(|| {
                ErrorJson::new(
                    "drift",
                    format!(
                        "{} differs from the catalog's {format} export",
                        out.display()
                    ),
                    1,
                )
                .with_help(Some(
                    "run the same command without --check to update it".to_string(),
                ))
            }),
        })?;
    }
    Ok(if up_to_date == Some(false) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_notes(format: Format, export: &Export) {
    if export.notes.is_empty() {
        return;
    }
    eprintln!(
        "note: {} facts the {format} format cannot express as the catalog has them:",
        export.notes.all().len()
    );
    for line in export.notes.summary() {
        eprintln!("  - {line}");
    }
}

fn write_failure(e: WriteError) -> Failure {
    use provcat::atomic::FileError;
    use provcat::common::folder::FolderError;
    match &e {
        WriteError::Io { .. }
        | WriteError::File(FileError::Io { .. })
        | WriteError::Folder(FolderError::Io { .. }) => Failure::runtime(e.to_string()),
        _ => Failure::input(e.to_string()),
    }
}
