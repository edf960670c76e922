//! `provcat models list` and `provcat models show`: every fact of the catalog, as a table
//! or JSON ([`json`]); `list` filters and sorts by them ([`list`]), `show` prints them all
//! ([`show`]).

mod json;
mod list;
mod show;

use clap::{Args, Subcommand, ValueEnum};
use provcat::catalog::{self, Modality, Model, ModelKind};

use provcat::config::LoadedConfig;

use super::Outcome;
use super::context::Context;
use super::flags::ConfigFlags;

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// List models, one row each (or a JSON array with --json).
    ///
    /// Filters keep only the models whose catalog entry states the fact asked about: a
    /// model without a price, a context window, a release date or a tool-calling fact is
    /// left out by the filter (or sort) that needs it.
    ///
    /// On a terminal the table fits its width ($COLUMNS, else the terminal's): the least
    /// wanted columns are left out, and a line names them; piped, every column is printed.
    /// The configured default models are marked `*`.
    List {
        #[command(flatten)]
        args: ListArgs,
        #[command(flatten)]
        globals: ConfigFlags,
    },
    /// Show one model, found by canonical ref or any alias: every fact the catalog has.
    Show {
        #[command(flatten)]
        args: ShowArgs,
        #[command(flatten)]
        globals: ConfigFlags,
    },
}

impl ModelsCommand {
    /// `--config`, `--catalog` and `-v` as given after the subcommand.
    pub fn globals(&self) -> &ConfigFlags {
        match self {
            ModelsCommand::List { globals, .. } | ModelsCommand::Show { globals, .. } => globals,
        }
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this provider's models (canonical id or namespace alias).
    #[arg(long, value_name = "PROVIDER")]
    provider: Option<String>,
    /// Only models of this kind.
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// Only models that take this input (repeatable: all of them).
    #[arg(long = "input", value_enum, value_name = "MODALITY")]
    inputs: Vec<InputArg>,
    /// Only models that can reason (think).
    #[arg(long)]
    reasoning: bool,
    /// Only models the catalog says can call tools (models without that fact are left out).
    #[arg(long)]
    tools: bool,
    /// Only models with a context window of at least N tokens (`128000`, `128k`, `1m`);
    /// models without a known context window are left out.
    #[arg(long, value_name = "N", value_parser = list::parse_tokens)]
    min_context: Option<u32>,
    /// Only models whose input price is at most X US dollars per million tokens (the base
    /// price, below any context tier); models without an input price are left out.
    #[arg(long, value_name = "X", value_parser = list::parse_price)]
    max_input_cost: Option<f64>,
    /// Order of the rows: `context` (largest first), `input-cost` (cheapest first),
    /// `released` (newest first); models without the fact come last. Default: by ref.
    #[arg(long, value_enum, value_name = "KEY")]
    sort: Option<SortArg>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A model ref: `qwen/qwen3.5-plus`, or an alias such as `modelstudio/glm-5`.
    #[arg(value_name = "REF")]
    reference: String,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum KindArg {
    Chat,
    Video,
}

impl KindArg {
    fn kind(self) -> ModelKind {
        match self {
            KindArg::Chat => ModelKind::Chat,
            KindArg::Video => ModelKind::Video,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum InputArg {
    Text,
    Image,
    Video,
    Audio,
}

impl InputArg {
    fn modality(self) -> Modality {
        match self {
            InputArg::Text => Modality::Text,
            InputArg::Image => Modality::Image,
            InputArg::Video => Modality::Video,
            InputArg::Audio => Modality::Audio,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SortArg {
    Context,
    InputCost,
    Released,
}

/// What the active config says about models: its defaults and the plan in use.
#[derive(Default)]
struct ConfigView {
    chat_default: Option<&'static str>,
    video_default: Option<&'static str>,
    /// (provider id, plan id) of each configured built-in provider.
    plans: Vec<(&'static str, &'static str)>,
    path: Option<String>,
}

impl ConfigView {
    fn of(config: Option<&LoadedConfig>) -> ConfigView {
        let Some(config) = config else {
            return ConfigView::default();
        };
        let canonical = |r: &Option<String>| {
            r.as_deref()
                .and_then(|r| catalog::lookup_model(r).ok())
                .map(|m| m.model.canonical_ref)
        };
        let defaults = &config.file.agents.defaults;
        let plans = config
            .file
            .models
            .providers
            .iter()
            .filter_map(|(id, e)| {
                let provider = catalog::provider(id)?;
                let choice = catalog::lookup_auth_choice(e.auth_choice.as_deref()?).ok()?;
                Some((provider.id, choice.choice.plan))
            })
            .collect();
        ConfigView {
            chat_default: canonical(&defaults.model.primary),
            video_default: canonical(&defaults.video_generation_model.primary),
            plans,
            path: config.exists.then(|| config.display_path()),
        }
    }

    fn default_of(&self, m: &Model) -> Option<&'static str> {
        if self.chat_default == Some(m.canonical_ref) {
            Some("model")
        } else if self.video_default == Some(m.canonical_ref) {
            Some("videoGenerationModel")
        } else {
            None
        }
    }

    /// The plan the config uses for `m`'s provider.
    fn plan_for(&self, m: &Model) -> Option<&'static str> {
        self.plans
            .iter()
            .find(|(p, _)| *p == m.provider)
            .map(|(_, plan)| *plan)
    }
}

pub fn run(command: ModelsCommand, context: &Context) -> Outcome {
    let config = context.optional_config();
    let view = ConfigView::of(config.as_ref());
    match command {
        ModelsCommand::List { args, .. } => list::run(args, &view),
        ModelsCommand::Show { args, .. } => show::run(args, &view),
    }
}
