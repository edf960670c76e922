//! Command-line parsing (clap) and dispatch. Commands only print: the work is done by
//! the library (`provcat::catalog`, `config`, `resolve`, `client`, `video`, `compiler`).
//!
//! Exit codes: 0 success, 1 a failure while doing the work (I/O, network), 2 bad input (an
//! unknown ref or id, a broken catalog or config, a usage error); `chat` and `video` add
//! codes for refused keys, rate limits and task outcomes (see their modules). With `--json`,
//! every failure is also one object on stdout ([`json_error`]).
//!
//! Flags shared by several commands are defined once ([`flags`]) and listed only on the
//! commands where they act; `--config`, `--catalog`, `-v` and `-q` are also accepted before
//! the command and joined with the command's own.
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
mod catalog_generate;
mod chat;
mod completions;
mod config;
mod context;
mod explain;
mod export;
mod flags;
mod import;
mod json_error;
mod listing;
mod man;
mod man_sections;
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
mod video_json;
mod video_poll;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use provcat::compiler::Report;
use provcat::config::Env;

use context::Context;
use flags::{CatalogFlags, ConfigFlags, QuietFlag};
use json_error::ErrorJson;

/// A declarative LLM provider catalog, compiled: models, plans, regions, endpoints and
/// auth choices of LLM providers, starting with Qwen / Alibaba Cloud Model Studio.
#[derive(Debug, Parser)]
#[command(
    name = "provcat",
    version,
    about,
    max_term_width = 100,
    after_help = "The options above may also come after the command where they act; each command's help lists those it takes."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    globals: ConfigFlags,
    #[command(flatten)]
    quiet: QuietFlag,
}

/// The commands. Those that read the config take [`ConfigFlags`], those that only use the
/// catalog [`CatalogFlags`], those that print progress or retry lines [`QuietFlag`]; the
/// others take none of them (`--config` on `provcat man` would do nothing).
#[derive(Debug, Subcommand)]
enum Command {
    /// List or show the models of the built-in catalog.
    #[command(subcommand)]
    Models(models::ModelsCommand),
    /// List the auth choices used at onboarding, with the endpoint each selects.
    AuthChoices {
        #[command(flatten)]
        args: listing::JsonFlag,
        #[command(flatten)]
        globals: ConfigFlags,
    },
    /// List every endpoint: base URLs, surfaces and capabilities.
    Endpoints {
        #[command(flatten)]
        args: listing::JsonFlag,
        #[command(flatten)]
        globals: ConfigFlags,
    },
    /// Work on a catalog folder.
    #[command(subcommand)]
    Catalog(catalog_check::CatalogCommand),
    /// Print or write the JSON Schemas of the catalog files and the config file.
    Schema {
        #[command(flatten)]
        args: schema::SchemaArgs,
        #[command(flatten)]
        globals: CatalogFlags,
    },
    /// Export the catalog for LiteLLM, models.dev, catwalk (crush) or OpenClaw.
    Export {
        #[command(flatten)]
        args: export::ExportArgs,
        #[command(flatten)]
        globals: ConfigFlags,
    },
    /// Import another catalog as a provcat catalog folder (usable with `--catalog`).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Choose an auth choice (plan + region), store the key, and set the default model.
    Onboard {
        #[command(flatten)]
        args: onboard::OnboardArgs,
        #[command(flatten)]
        globals: ConfigFlags,
    },
    /// Show how a model ref resolves: config, provider, plan, endpoint, capabilities, key.
    Explain {
        #[command(flatten)]
        args: explain::ExplainArgs,
        #[command(flatten)]
        globals: ConfigFlags,
    },
    /// Where the config and `.env` are, what they hold (secrets masked), whether they are valid.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Ask a chat model; the answer streams to stdout.
    Chat {
        #[command(flatten)]
        args: chat::ChatArgs,
        #[command(flatten)]
        globals: ConfigFlags,
    },
    /// Generate Wan videos: create a task, follow it, download the result.
    #[command(subcommand)]
    Video(video::VideoCommand),
    /// Run a local gateway: OpenAI- and Anthropic-compatible endpoints for every model.
    #[cfg(feature = "serve")]
    Serve {
        #[command(flatten)]
        args: serve::ServeArgs,
        #[command(flatten)]
        globals: ConfigFlags,
    },
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
            | Command::AuthChoices { .. }
            | Command::Endpoints { .. }
            | Command::Onboard { .. }
            | Command::Explain { .. }
            | Command::Chat { .. }
            | Command::Config(_)
            | Command::Video(_)
            | Command::Export { .. } => true,
            #[cfg(feature = "serve")]
            Command::Serve { .. } => true,
            Command::Catalog(_)
            | Command::Import(_)
            | Command::Schema { .. }
            | Command::Completions(_)
            | Command::Man(_) => false,
        }
    }

    /// The [`ConfigFlags`] given after the subcommand (none where it takes none).
    fn globals(&self) -> ConfigFlags {
        match self {
            Command::Models(command) => command.globals().clone(),
            Command::Video(command) => command.globals().clone(),
            Command::Config(command) => command.globals().clone(),
            Command::AuthChoices { globals, .. }
            | Command::Endpoints { globals, .. }
            | Command::Export { globals, .. }
            | Command::Onboard { globals, .. }
            | Command::Explain { globals, .. }
            | Command::Chat { globals, .. } => globals.clone(),
            #[cfg(feature = "serve")]
            Command::Serve { globals, .. } => globals.clone(),
            Command::Schema { globals, .. } => ConfigFlags::from(globals.clone()),
            Command::Catalog(_)
            | Command::Import(_)
            | Command::Completions(_)
            | Command::Man(_) => ConfigFlags::default(),
        }
    }

    /// Whether `--quiet` was given after the subcommand.
    fn quiet(&self) -> bool {
        match self {
            Command::Chat { args, .. } => args.quiet(),
            Command::Video(command) => command.quiet(),
            Command::Import(command) => command.quiet(),
            _ => false,
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
    /// The failure as `--json` prints it (boxed: a `Result`'s error stays small).
    json: Box<ErrorJson>,
}

impl Failure {
    /// Bad input: exit code 2.
    pub fn input(message: impl Into<String>) -> Self {
        let message = message.into();
        Failure {
            code: 2,
            json: Box::new(ErrorJson::new("bad-input", message.clone(), 2)),
            message,
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
            json: Box::new(ErrorJson::of_report(report, 2)),
        }
    }

    /// A failure doing the work: exit code 1.
    pub fn runtime(message: impl Into<String>) -> Self {
        let message = message.into();
        Failure {
            code: 1,
            json: Box::new(ErrorJson::new("failed", message.clone(), 1)),
            message,
            rendered: false,
        }
    }

    /// The user stopped the command (Ctrl-C, Esc) before it did anything: exit code 130.
    pub fn interrupted(message: impl Into<String>) -> Self {
        let message = message.into();
        Failure {
            code: 130,
            json: Box::new(ErrorJson::new("interrupted", message.clone(), 130)),
            message,
            rendered: false,
        }
    }

    /// The same failure with a more precise `code` for `--json` than `bad-input` or
    /// `failed` (see [`json_error`]).
    pub fn coded(mut self, code: &str) -> Self {
        self.json.code = code.to_string();
        self
    }

    /// The failure as `--json` prints it (`{"error": …}`).
    pub fn json(&self) -> &ErrorJson {
        &self.json
    }
}

/// A command's result; `Ok` carries the exit code (0, or 2 for `catalog check` problems
/// that were already printed).
pub type Outcome = Result<ExitCode, Failure>;

/// Parses the command line, runs the command and returns its exit code.
pub fn run() -> ExitCode {
    let env = Env::from_process();
    say::learn_env(&env);
    let matches = match Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => return usage_error(&e),
    };
    let json = wants_json(&matches);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    say::set_style(cli.quiet.quiet || cli.command.quiet(), &env);
    let globals = cli.globals.clone().merge(cli.command.globals());
    let sources = overlays::Sources {
        flags: &globals.catalog.catalogs,
        config_flag: globals.config.as_deref(),
        from_config: cli.command.sees_the_catalog(),
        verbose: globals.catalog.verbose > 0,
    };
    if let Err(failure) = overlays::install(&sources, &env) {
        return fail(&failure, json);
    }
    let context = Context {
        config_flag: globals.config,
        verbose: globals.catalog.verbose,
        env,
    };
    let outcome = match cli.command {
        Command::Models(command) => models::run(command, &context),
        Command::AuthChoices { args, .. } => listing::auth_choices(args),
        Command::Endpoints { args, .. } => listing::endpoints(args),
        Command::Catalog(command) => catalog_check::run(command),
        Command::Schema { args, .. } => schema::run(args),
        Command::Export { args, .. } => export::run(args),
        Command::Import(command) => import::run(command),
        Command::Onboard { args, .. } => onboard::run(args, &context),
        Command::Explain { args, .. } => explain::run(args, &context),
        Command::Config(command) => config::run(command, &context),
        Command::Chat { args, .. } => chat::run(args, &context),
        Command::Video(command) => video::run(command, &context),
        #[cfg(feature = "serve")]
        Command::Serve { args, .. } => serve::run(args, &context),
        Command::Completions(args) => completions::run(args, Cli::command()),
        Command::Man(args) => man::run(args, Cli::command()),
    };
    match outcome {
        Ok(code) => code,
        Err(failure) => fail(&failure, json),
    }
}

/// Whether the command that runs (the innermost subcommand) was given `--json`.
fn wants_json(matches: &clap::ArgMatches) -> bool {
    let mut m = matches;
    while let Some((_, sub)) = m.subcommand() {
        m = sub;
    }
    matches!(m.try_get_one::<bool>("json"), Ok(Some(true)))
}

/// Prints a failure on stderr (and, with `--json`, as `{"error": …}` on stdout) and returns
/// its exit code.
fn fail(failure: &Failure, json: bool) -> ExitCode {
    if failure.rendered {
        eprint!("{}", failure.message);
    } else {
        eprintln!("error: {}", failure.message);
    }
    if json {
        // Stdout may be closed; the exit code still says what happened.
        let _ = json_error::print_failure(failure);
    }
    ExitCode::from(failure.code)
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
    let code = u8::try_from(e.exit_code()).unwrap_or(2);
    // The command line could not be read, so whether it asked for JSON is judged from the
    // words before any `--`.
    let json = std::env::args()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json");
    if json {
        let rendered = e.render().to_string();
        let first = rendered.lines().next().unwrap_or_default();
        let message = first.strip_prefix("error: ").unwrap_or(first).to_string();
        let usage = rendered
            .lines()
            .find_map(|l| l.strip_prefix("Usage: "))
            .map(|u| format!("usage: {u} (see --help)"));
        let failure = Failure {
            code,
            json: Box::new(ErrorJson::new("usage", message.clone(), code).with_help(usage)),
            message,
            rendered: false,
        };
        let _ = json_error::print_failure(&failure);
    }
    ExitCode::from(code)
}
