//! Command-line parsing (clap) and dispatch. Commands only print: the work is done by
//! the library (`provcat::catalog`, `config`, `resolve`, `client`, `video`, `compiler`).
//!
//! Exit codes: 0 success, 1 a failure while doing the work (I/O, network), 2 bad input (an
//! unknown ref or id, a broken catalog or config, a usage error); `chat` and `video` add
//! codes for refused keys, rate limits and task outcomes (see their modules).
//!
//! Everything printed is cleaned by [`say`]: in this module and every command module,
//! `eprintln!` and `eprint!` are the macros below, which scrub secrets and escape control
//! characters before writing to stderr (`std::eprintln!` is only for text provcat styles
//! itself, such as the reset of the dimmed reasoning).

/// `eprintln!`, with the line cleaned by [`say::clean`] (secrets scrubbed, control
/// characters escaped).
macro_rules! eprintln {
    () => {
        ::std::eprintln!()
    };
    ($($arg:tt)*) => {
        ::std::eprintln!("{}", $crate::cli::say::clean(&format!($($arg)*)))
    };
}

/// `eprint!`, with the text cleaned by [`say::clean`].
macro_rules! eprint {
    ($($arg:tt)*) => {
        ::std::eprint!("{}", $crate::cli::say::clean(&format!($($arg)*)))
    };
}

mod catalog_check;
mod catalog_docs;
mod chat;
mod completions;
mod config;
mod context;
mod explain;
mod export;
mod import;
mod listing;
mod man;
mod models;
mod onboard;
mod onboard_choice;
mod output;
mod overlays;
mod progress;
mod say;
mod schema;
#[cfg(feature = "serve")]
mod serve;
mod signals;
mod video;
mod video_args;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, CommandFactory, Parser, Subcommand};
use provcat::compiler::Report;
use provcat::config::Env;

use context::Context;

/// A declarative LLM provider catalog, compiled: models, plans, regions, endpoints and
/// auth choices of LLM providers, starting with Qwen / Alibaba Cloud Model Studio.
#[derive(Debug, Parser)]
#[command(name = "provcat", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The config file (default: $PROVCAT_CONFIG, else ~/.config/provcat/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Say more on stderr: which config and .env files were read, which catalog folders
    /// were loaded and which of their files are shadowed or override built-in ones.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    verbose: u8,
    /// A catalog folder to load over the built-in catalog (repeatable; after the config's
    /// `catalogs`): its providers and models are compiled with the built-in ones under the
    /// same checks. A built-in provider's folder extends it; a built-in model is kept
    /// unless the overlay file says `override = true`. With -v, shadowed files are listed.
    #[arg(long = "catalog", global = true, value_name = "DIR")]
    catalogs: Vec<PathBuf>,
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
    /// Print or write the JSON Schemas of the catalog files and the config file.
    Schema(schema::SchemaArgs),
    /// Export the catalog for LiteLLM, models.dev, catwalk (crush) or OpenClaw.
    Export(export::ExportArgs),
    /// Import another catalog as a provcat catalog folder (usable with `--catalog`).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Choose an auth choice (plan + region), store the key, and set the default model.
    Onboard(onboard::OnboardArgs),
    /// Show how a model ref resolves: config, provider, plan, endpoint, capabilities, key.
    Explain(explain::ExplainArgs),
    /// Where the config and `.env` are, what they hold (secrets masked), whether they are valid.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Ask a chat model; the answer streams to stdout.
    Chat(chat::ChatArgs),
    /// Generate Wan videos: create a task, follow it, download the result.
    #[command(subcommand)]
    Video(video::VideoCommand),
    /// Run a local gateway: OpenAI- and Anthropic-compatible endpoints for every model.
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// Print a shell completion script (covers every command).
    Completions(completions::CompletionsArgs),
    /// Print the manual page, or write one page per command with `--dir`.
    Man(man::ManArgs),
}

impl Command {
    /// Whether the command uses the catalog, and so the config's `catalogs` (`--catalog`
    /// applies to every command).
    fn sees_the_catalog(&self) -> bool {
        match self {
            Command::Models(_)
            | Command::AuthChoices(_)
            | Command::Endpoints(_)
            | Command::Onboard(_)
            | Command::Explain(_)
            | Command::Config(_)
            | Command::Chat(_)
            | Command::Video(_)
            | Command::Export(_) => true,
            #[cfg(feature = "serve")]
            Command::Serve(_) => true,
            Command::Catalog(_)
            | Command::Import(_)
            | Command::Schema(_)
            | Command::Completions(_)
            | Command::Man(_) => false,
        }
    }
}

/// A command's failure: what to print and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// 1 for failures doing the work, 2 for bad input.
    pub code: u8,
    /// What went wrong and what to do; printed after `error: ` unless `rendered`.
    pub message: String,
    /// The message is a rendered diagnostic report, printed as it is.
    pub rendered: bool,
}

impl Failure {
    /// Bad input: exit code 2.
    pub fn input(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
            rendered: false,
        }
    }

    /// Bad input described by located diagnostics: exit code 2. The report is redacted
    /// ([`say::report`]) before it is rendered.
    pub fn report(report: &Report) -> Self {
        Failure {
            code: 2,
            message: say::report(report).render_diagnostics(false),
            rendered: true,
        }
    }

    /// A failure doing the work: exit code 1.
    pub fn runtime(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
            rendered: false,
        }
    }
}

/// A command's result; `Ok` carries the exit code (0, or 2 for `catalog check` problems
/// that were already printed).
pub type Outcome = Result<ExitCode, Failure>;

/// Parses the command line, runs the command and returns its exit code.
pub fn run() -> ExitCode {
    let env = Env::from_process();
    say::learn_env(&env);
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let sources = overlays::Sources {
        flags: &cli.catalogs,
        config_flag: cli.config.as_deref(),
        from_config: cli.command.sees_the_catalog(),
        verbose: cli.verbose > 0,
    };
    if let Err(failure) = overlays::install(&sources, &env) {
        eprint!("{}", failure.message);
        return ExitCode::from(failure.code);
    }
    let context = Context {
        config_flag: cli.config,
        verbose: cli.verbose,
        env,
    };
    let outcome = match cli.command {
        Command::Models(command) => models::run(command, &context),
        Command::AuthChoices(flag) => listing::auth_choices(flag),
        Command::Endpoints(flag) => listing::endpoints(flag),
        Command::Catalog(command) => catalog_check::run(command),
        Command::Schema(args) => schema::run(args),
        Command::Export(args) => export::run(args),
        Command::Import(command) => import::run(command),
        Command::Onboard(args) => onboard::run(args, &context),
        Command::Explain(args) => explain::run(args, &context),
        Command::Config(command) => config::run(command, &context),
        Command::Chat(args) => chat::run(args, &context),
        Command::Video(command) => video::run(command, &context),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args, &context),
        Command::Completions(args) => completions::run(args, Cli::command()),
        Command::Man(args) => man::run(args, Cli::command()),
    };
    match outcome {
        Ok(code) => code,
        Err(failure) if failure.rendered => {
            eprint!("{}", failure.message);
            ExitCode::from(failure.code)
        }
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// Prints a command-line parsing error (or the help or version asked for) and returns its
/// exit code. An error quotes the arguments, so it is printed plain and cleaned like any
/// other message; help and version are provcat's own text, printed as clap styles them.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) || !e.use_stderr() {
        // Help goes to stdout; a closed pipe is not worth a panic.
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(0));
    }
    eprint!("{}", e.render());
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}
