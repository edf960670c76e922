//! `provcat man`: manual pages (roff) generated from the clap definitions, so they cover
//! every command there is. The main page on stdout describes every command and its
//! options; `--dir` writes one page per command instead (`provcat-models-list.1`, …).
//! Each page ends with the EXIT STATUS, ENVIRONMENT and FILES sections of
//! [`super::man_sections`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use super::man_sections::{self, Page};
use super::output::{print_stdout, write_atomically};
use super::{Failure, Outcome};

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `provcat.1` and a page for every command (`provcat-models-list.1`, …) into
    /// DIR instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn run(args: ManArgs, command: clap::Command) -> Outcome {
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let source = format!(
        "provcat {}",
        command.get_version().unwrap_or(env!("CARGO_PKG_VERSION"))
    );
    match args.dir {
        Some(dir) => {
            let written = write_pages(&command, &source, &dir, &mut Vec::new())?;
            eprintln!("wrote {written} manual pages to {}", dir.display());
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let page = main_page(&command, &source)
                .map_err(|e| Failure::runtime(format!("cannot render the manual page: {e}")))?;
            print_stdout(&page)
        }
    }
}

/// The page of `command` (at `path`, the subcommand names from the top) and, recursively,
/// of each of its subcommands, each written atomically (missing folders are created).
fn write_pages(
    command: &clap::Command,
    source: &str,
    dir: &Path,
    path: &mut Vec<String>,
) -> Result<usize, Failure> {
    let man = Man::new(command.clone()).source(source);
    let page = command_page(&man, Page::of(path))
        .map_err(|e| Failure::runtime(format!("cannot render the manual page: {e}")))?;
    write_atomically(&dir.join(man.get_filename()), page.as_bytes())?;
    let mut written = 1;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        path.push(sub.get_name().to_string());
        let result = write_pages(sub, source, dir, path);
        path.pop();
        written += result?;
    }
    Ok(written)
}

/// A command's page as clap_mangen renders it, with [`man_sections`] before its VERSION
/// section (at the end when it has none).
fn command_page(man: &Man, page: Page<'_>) -> std::io::Result<String> {
    let mut rendered = Vec::new();
    man.render(&mut rendered)?;
    let rendered = String::from_utf8_lossy(&rendered).into_owned();
    let mut extra = Vec::new();
    man_sections::sections(page).to_writer(&mut extra)?;
    let extra = String::from_utf8_lossy(&extra);
    let at = rendered
        .find("\n.SH VERSION")
        .map_or(rendered.len(), |i| i + 1);
    Ok(format!("{}{extra}{}", &rendered[..at], &rendered[at..]))
}

/// The top-level page followed by a COMMANDS section: each command's usage, description
/// and options, depth first.
fn main_page(command: &clap::Command, source: &str) -> std::io::Result<String> {
    let man = Man::new(command.clone()).source(source);
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        describe(sub, &mut roff);
    }
    roff.to_writer(&mut out)?;
    man_sections::sections(Page::main()).to_writer(&mut out)?;
    man.render_version_section(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn describe(command: &clap::Command, roff: &mut Roff) {
    let usage = command
        .clone()
        .render_usage()
        .to_string()
        .trim_start_matches("Usage: ")
        .to_string();
    roff.control("TP", []).text([bold(usage)]);
    let about = command
        .get_long_about()
        .or(command.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    roff.text([roman(about)]);
    for arg in command
        .get_arguments()
        .filter(|a| !a.is_hide_set() && a.get_id() != "help")
    {
        let values = arg
            .get_value_names()
            .map(|names| {
                names
                    .iter()
                    .map(|n| format!("<{n}>"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|_| arg.get_action().takes_values())
            .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
        let name = match arg.get_long() {
            Some(long) if arg.get_action().takes_values() => format!("--{long} {values}"),
            Some(long) => format!("--{long}"),
            None => values,
        };
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        roff.control("RS", [])
            .control("TP", [])
            .text([italic(name)])
            .text([roman(help)])
            .control("RE", []);
    }
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        describe(sub, roff);
    }
}
