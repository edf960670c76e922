//! `provcat catalog docs [DIR]`: the Markdown page of each provider, rendered from a
//! catalog folder by the compiler library; `--write` regenerates `docs/providers/`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use provcat::compiler::{self, docs};
use serde::Serialize;

use super::catalog_check::print_report;
use super::output::{print_json, print_stdout, write_atomically};
use super::{Failure, Outcome};

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// The catalog folder (one sub-folder per provider).
    #[arg(default_value = "catalog", value_name = "DIR")]
    dir: PathBuf,
    /// Only this provider (id or namespace alias); default: every provider.
    #[arg(long, value_name = "ID")]
    provider: Option<String>,
    /// Write `<provider>.md` pages under OUT (default `docs/providers`) instead of
    /// printing; removes generated pages of providers that no longer exist.
    #[arg(long, value_name = "OUT", num_args = 0..=1, default_missing_value = docs::DOCS_DIR)]
    write: Option<PathBuf>,
    /// Print JSON: the pages (`[{provider, file, text}]`), or with --write the files
    /// written and removed (`{written, removed}`).
    #[arg(long)]
    json: bool,
}

/// One page, as `--json` prints it.
#[derive(Serialize)]
struct PageJson<'a> {
    provider: &'a str,
    file: &'a str,
    text: &'a str,
}

pub fn run(args: DocsArgs) -> Outcome {
    if let Some(report) = super::catalog_check::missing_folder(&args.dir, "docs") {
        return Ok(print_report(&report));
    }
    let catalog = match compiler::compile_dir(&args.dir) {
        Ok(catalog) => catalog,
        Err(report) if args.json => return Err(Failure::report(&report)),
        Err(report) => return Ok(print_report(&report)),
    };
    let pages = match &args.provider {
        Some(id) => vec![docs::page(&catalog, id).map_err(docs_failure)?],
        None => docs::pages(&catalog).map_err(docs_failure)?,
    };
    match args.write {
        Some(out) => {
            let mut written = Vec::new();
            for page in &pages {
                let target = out.join(&page.file_name);
                write_atomically(&target, page.text.as_bytes())?;
                eprintln!("wrote {}", target.display());
                written.push(target);
            }
            let removed = if args.provider.is_none() {
                remove_stale(&out, &pages)?
            } else {
                Vec::new()
            };
            if args.json {
                return print_json(&serde_json::json!({ "written": written, "removed": removed }));
            }
            Ok(ExitCode::SUCCESS)
        }
        None if args.json => {
            let pages: Vec<PageJson> = pages
                .iter()
                .map(|p| PageJson {
                    provider: &p.provider,
                    file: &p.file_name,
                    text: &p.text,
                })
                .collect();
            print_json(&pages)
        }
        None => {
            let text: Vec<&str> = pages.iter().map(|p| p.text.as_str()).collect();
            print_stdout(&text.join("\n"))
        }
    }
}

fn docs_failure(e: docs::DocsError) -> Failure {
    match e {
        docs::DocsError::UnknownProvider { .. } => Failure::input(e.to_string()),
        docs::DocsError::Template(_) => Failure::runtime(e.to_string()),
    }
}

/// Removes generated pages in `out` that no provider rendered (a provider was removed
/// or renamed), and returns them. Hand-written files are left alone.
fn remove_stale(out: &Path, pages: &[docs::Page]) -> Result<Vec<PathBuf>, Failure> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(out) else {
        return Ok(removed);
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".md") || pages.iter().any(|p| p.file_name == name) {
            continue;
        }
        let path = entry.path();
        let generated = std::fs::read_to_string(&path).is_ok_and(|t| {
            t.lines()
                .next()
                .is_some_and(|l| l.contains(docs::HEADER_MARKER))
        });
        if generated {
            std::fs::remove_file(&path)
                .map_err(|e| Failure::runtime(format!("cannot remove {}: {e}", path.display())))?;
            eprintln!("removed {}", path.display());
            removed.push(path);
        }
    }
    Ok(removed)
}
