//! Command-line parsing (clap) and dispatch. Commands only print: the work is done by
//! the library (`provcat::catalog`, `provcat::compiler`).
//!
//! Exit codes: 0 success, 1 a failure while doing the work (I/O), 2 bad input (an
//! unknown ref or id, a broken catalog, a usage error).

mod catalog_check;
mod catalog_docs;
mod completions;
mod listing;
mod man;
mod models;
mod output;
mod schema;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// A declarative LLM provider catalog, compiled: models, plans, regions, endpoints and
/// auth choices of LLM providers, starting with Qwen / Alibaba Cloud Model Studio.
#[derive(Debug, Parser)]
#[command(name = "provcat", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List or show the models of the built-in catalog.
    #[command(subcommand)]
    Models(models::ModelsCommand),
    /// List the auth choices used at onboarding, with the endpoint each selects.
    AuthChoices(listing::JsonFlag),
    /// List every endpoint: base URLs, surfaces and capabilities.
    Endpoints(listing::JsonFlag),
    /// Work on a catalog folder.
    #[command(subcommand)]
    Catalog(catalog_check::CatalogCommand),
    /// Print or write the JSON Schemas of the catalog files.
    Schema(schema::SchemaArgs),
    /// Print a shell completion script (covers every command).
    Completions(completions::CompletionsArgs),
    /// Print the manual page, or write one page per command with `--dir`.
    Man(man::ManArgs),
}

/// A command's failure: what to print and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// 1 for failures doing the work, 2 for bad input.
    pub code: u8,
    /// What went wrong and what to do; printed after `error: `.
    pub message: String,
}

impl Failure {
    /// Bad input: exit code 2.
    pub fn input(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    /// A failure doing the work: exit code 1.
    pub fn runtime(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

/// A command's result; `Ok` carries the exit code (0, or 2 for `catalog check` problems
/// that were already printed).
pub type Outcome = Result<ExitCode, Failure>;

/// Parses the command line, runs the command and returns its exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Models(command) => models::run(command),
        Command::AuthChoices(flag) => listing::auth_choices(flag),
        Command::Endpoints(flag) => listing::endpoints(flag),
        Command::Catalog(command) => catalog_check::run(command),
        Command::Schema(args) => schema::run(args),
        Command::Completions(args) => completions::run(args, Cli::command()),
        Command::Man(args) => man::run(args, Cli::command()),
    };
    match outcome {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
