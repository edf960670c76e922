//! `provcat import models-dev DIR --out DIR`: the models.dev catalog as a provcat catalog
//! folder (usable with `--catalog`), by the `provcat-import` crate. Counts go to stderr,
//! the report to `--report FILE` (and stdout with `--json`), a progress bar to a terminal.
//!
//! Exit codes: 0 when the catalog was written (problems in the snapshot are reported, not
//! fatal), 2 for bad input (no such snapshot folder, an unknown `--provider`, an unusable
//! `--out`, a broken mapping file), 1 when writing failed.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use provcat_import::folder::FolderError;
use provcat_import::{ImportError, Mapping, Options, Step};

use super::output::{print_json, write_atomically};
use super::{Failure, Outcome};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a models.dev checkout (github.com/sst/models.dev) as a catalog folder. Family
    /// members (Alibaba, Moonshot, Z.AI, MiniMax plans and regions) collapse into one
    /// provider each; every other provider keeps its id. Problems in the snapshot are
    /// listed in the report; the folder written always passes `catalog check`.
    ModelsDev(ModelsDevArgs),
}

impl ImportCommand {
    /// Whether `--quiet` was given.
    pub fn quiet(&self) -> bool {
        match self {
            ImportCommand::ModelsDev(args) => args.quiet.quiet,
        }
    }
}

#[derive(Debug, Args)]
pub struct ModelsDevArgs {
    /// The models.dev checkout: the folder holding `providers/` and `models/`.
    #[arg(value_name = "DIR")]
    snapshot: PathBuf,
    /// The catalog folder to write; an earlier import there is replaced whole.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Only these providers (models.dev ids, or `qwen`, `moonshotai`, `zai`, `minimax` for a
    /// whole family); repeatable.
    #[arg(long = "provider", value_name = "ID")]
    providers: Vec<String>,
    /// Write the report (every problem, dropped field and difference) as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Use this mapping file instead of the built-in `import/models-dev.toml`.
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
    #[command(flatten)]
    quiet: super::flags::QuietFlag,
}

pub fn run(command: ImportCommand) -> Outcome {
    match command {
        ImportCommand::ModelsDev(args) => models_dev(args),
    }
}

fn models_dev(args: ModelsDevArgs) -> Outcome {
    let mapping = match &args.mapping {
        None => Mapping::builtin(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::input(format!(
                    "cannot read the mapping file {}: {e}",
                    path.display()
                ))
            })?;
            Mapping::parse(&text, &path.display().to_string())
        }
    }
    .map_err(|e| Failure::input(e.to_string()))?;
    if let Some(report) = &args.report {
        provcat::atomic::check_target(report, true).map_err(|e| Failure::input(e.to_string()))?;
    }
    let options = Options {
        snapshot: args.snapshot.clone(),
        out: args.out.clone(),
        providers: args.providers.clone(),
        mapping,
    };
    let bar = progress_bar();
    let result = provcat_import::import(&options, &mut |step| show(&bar, step));
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = result.map_err(failure)?;
    let json = serde_json::to_string_pretty(&report)
        .map_err(|e| Failure::runtime(format!("cannot encode the report: {e}")))?;
    if let Some(path) = &args.report {
        write_atomically(path, format!("{json}\n").as_bytes())?;
    }
    for line in report.counts() {
        eprintln!("{line}");
    }
    eprintln!(
        "wrote {}{}",
        args.out.display(),
        args.report
            .as_ref()
            .map(|r| format!("; report in {}", r.display()))
            .unwrap_or_default()
    );
    if args.json {
        print_json(&report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A bar on a terminal, nothing elsewhere.
fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() || super::say::quiet() {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    Some(bar)
}

fn show(bar: &Option<ProgressBar>, step: Step) {
    let Some(bar) = bar else { return };
    match step {
        Step::Reading { done, total } => {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            bar.set_message("reading providers");
        }
        Step::Converting => bar.set_message("converting"),
        Step::Checking => bar.set_message("checking the catalog"),
        Step::Writing => bar.set_message("writing"),
    }
}

fn failure(e: ImportError) -> Failure {
    match &e {
        ImportError::Folder(FolderError::Io { .. }) | ImportError::Invalid(_) => {
            Failure::runtime(e.to_string())
        }
        ImportError::Snapshot(provcat_import::snapshot::SnapshotError::Io { .. }) => {
            Failure::runtime(e.to_string())
        }
        _ => Failure::input(e.to_string()),
    }
}
