//! `provcat models list` and `provcat models show`.

use std::collections::BTreeMap;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use provcat::catalog::{self, AvailabilityStatus, Lifecycle, Model, ModelKind, RefVia, VideoSpec};
use serde::Serialize;

use provcat::config::LoadedConfig;

use super::context::Context;
use super::output::{print_json, print_stdout, print_table, table, thousands};
use super::{Failure, Outcome};

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// List models, one row each (or a JSON array with --json).
    List(ListArgs),
    /// Show one model, found by canonical ref or any alias.
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this provider's models (canonical id or namespace alias).
    #[arg(long, value_name = "PROVIDER")]
    provider: Option<String>,
    /// Only models of this kind.
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
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

/// A model as `--json` prints it.
#[derive(Serialize)]
struct ModelJson<'a> {
    #[serde(rename = "ref")]
    canonical_ref: &'a str,
    provider: &'a str,
    id: &'a str,
    name: &'a str,
    kind: ModelKind,
    family: Option<&'a str>,
    input: &'a [catalog::Modality],
    context_window: Option<u32>,
    max_output_tokens: Option<u32>,
    reasoning: bool,
    thinking_by_default: bool,
    notes: Option<&'a str>,
    aliases: &'a [&'a str],
    lifecycle: &'a Lifecycle,
    availability: BTreeMap<&'a str, AvailabilityJson<'a>>,
    video: Option<&'a VideoSpec>,
    /// Why provcat cannot call the model (listed only), or null when it can.
    not_callable: Option<&'a str>,
    /// Which configured default this model is (`model` / `videoGenerationModel`), if any.
    configured_default: Option<&'static str>,
}

#[derive(Serialize)]
struct AvailabilityJson<'a> {
    status: AvailabilityStatus,
    reason: Option<&'a str>,
}

/// `models show --json`: the model plus how the typed ref reached it.
#[derive(Serialize)]
struct ShownJson<'a> {
    #[serde(flatten)]
    model: ModelJson<'a>,
    /// The alias that was typed, or null for the canonical ref.
    alias: Option<&'a str>,
    via: RefVia,
}

fn to_json<'a>(m: &'a Model, view: &ConfigView) -> ModelJson<'a> {
    ModelJson {
        configured_default: view.default_of(m),
        canonical_ref: m.canonical_ref,
        provider: m.provider,
        id: m.id,
        name: m.name,
        kind: m.kind,
        family: m.family,
        input: m.input,
        context_window: m.context_window,
        max_output_tokens: m.max_output_tokens,
        reasoning: m.reasoning,
        thinking_by_default: m.thinking_by_default,
        notes: m.notes,
        aliases: m.aliases,
        lifecycle: &m.lifecycle,
        availability: m
            .availability
            .iter()
            .map(|a| {
                (
                    a.plan,
                    AvailabilityJson {
                        status: a.status,
                        reason: a.reason,
                    },
                )
            })
            .collect(),
        video: m.video.as_ref(),
        not_callable: m.not_callable,
    }
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
        ModelsCommand::List(args) => list(args, &view),
        ModelsCommand::Show(args) => show(args, &view),
    }
}

fn list(args: ListArgs, view: &ConfigView) -> Outcome {
    let provider = match &args.provider {
        Some(id) => Some(catalog::provider(id).ok_or_else(|| {
            let ids: Vec<&str> = catalog::providers().iter().map(|p| p.id).collect();
            Failure::input(format!(
                "unknown provider `{id}`; known providers: {}",
                ids.join(", ")
            ))
        })?),
        None => None,
    };
    let models: Vec<&Model> = catalog::models()
        .iter()
        .filter(|m| provider.is_none_or(|p| m.provider == p.id))
        .filter(|m| args.kind.is_none_or(|k| m.kind == k.kind()))
        .collect();
    if args.json {
        return print_json(&models.iter().map(|m| to_json(m, view)).collect::<Vec<_>>());
    }
    let mut t = table([
        "REF",
        "KIND",
        "INPUT",
        "CONTEXT",
        "MAX OUTPUT",
        "REASONING",
        "PLANS",
        "NOTES",
    ]);
    let mut marked = false;
    for m in &models {
        let mark = if view.default_of(m).is_some() {
            marked = true;
            " *"
        } else {
            ""
        };
        t.add_row([
            format!("{}{mark}", m.canonical_ref),
            m.kind.to_string(),
            join(m.input.iter().map(|i| i.as_str())),
            m.context_window
                .map(thousands)
                .unwrap_or_else(|| "-".into()),
            m.max_output_tokens
                .map(thousands)
                .unwrap_or_else(|| "-".into()),
            if m.reasoning { "yes" } else { "no" }.to_string(),
            plans_summary(m),
            m.notes.unwrap_or_default().to_string(),
        ]);
    }
    print_table(&t)?;
    if marked && let Some(path) = &view.path {
        print_stdout(&format!("\n* the configured default ({path})\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `standard, coding (may be rejected)`: the plans that serve the model.
fn plans_summary(m: &Model) -> String {
    join(m.availability.iter().filter_map(|a| match a.status {
        AvailabilityStatus::Available => Some(a.plan.to_string()),
        AvailabilityStatus::MayBeRejected => Some(format!("{} (may be rejected)", a.plan)),
        AvailabilityStatus::Unavailable => None,
    }))
}

fn join<S: AsRef<str>>(items: impl Iterator<Item = S>) -> String {
    items
        .map(|s| s.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn show(args: ShowArgs, view: &ConfigView) -> Outcome {
    let found =
        catalog::lookup_model(&args.reference).map_err(|e| Failure::input(e.to_string()))?;
    let m = found.model;
    if args.json {
        return print_json(&ShownJson {
            model: to_json(m, view),
            alias: found.alias,
            via: found.via,
        });
    }
    let mut out = String::new();
    let mut line = |key: &str, value: String| out.push_str(&format!("{key:<18} {value}\n"));
    line("ref", m.canonical_ref.to_string());
    if let Some(alias) = found.alias {
        line("typed alias", format!("{alias} ({})", found.via));
    }
    line("name", m.name.to_string());
    line("kind", m.kind.to_string());
    if let Some(family) = m.family {
        line("family", family.to_string());
    }
    line("input", join(m.input.iter().map(|i| i.as_str())));
    if let Some(c) = m.context_window {
        line("context window", format!("{} tokens", thousands(c)));
    }
    if let Some(o) = m.max_output_tokens {
        line("max output", format!("{} tokens", thousands(o)));
    }
    if m.kind == ModelKind::Chat {
        let thinking = if m.thinking_by_default {
            " (thinks by default)"
        } else {
            ""
        };
        line(
            "reasoning",
            format!("{}{thinking}", if m.reasoning { "yes" } else { "no" }),
        );
    }
    if let Some(notes) = m.notes {
        line("notes", notes.to_string());
    }
    if !m.aliases.is_empty() {
        line("aliases", m.aliases.join(", "));
    }
    if let Some(which) = view.default_of(m) {
        line(
            "default",
            format!("yes: agents.defaults.{which}.primary in the config"),
        );
    }
    if let Some(plan) = view.plan_for(m)
        && let Some(a) = m.availability_on(plan)
    {
        line("on your plan", format!("{plan}: {}", a.status));
    }
    if let Some(reason) = m.not_callable {
        line("callable", format!("no (listed only): {reason}"));
    }
    line("lifecycle", m.lifecycle.status.to_string());
    if let Some(r) = m.lifecycle.replacement {
        line("replacement", r.to_string());
    }
    for a in m.availability {
        let reason = a.reason.map(|r| format!(": {r}")).unwrap_or_default();
        line(&format!("plan {}", a.plan), format!("{}{reason}", a.status));
    }
    if let Some(v) = &m.video {
        line("video mode", v.mode.to_string());
        let r = &v.media;
        line("media field", r.field.to_string());
        let items = match r.max_items {
            Some(max) if max == r.min_items => format!("exactly {max}"),
            Some(max) => format!("{} to {max}", r.min_items),
            None => format!("at least {}", r.min_items),
        };
        line("media items", items);
        if let Some(n) = r.max_images {
            line("max images", n.to_string());
        }
        if let Some(n) = r.max_videos {
            line("max videos", n.to_string());
        }
        if r.remote_urls_only {
            line("media sources", "remote http(s) URLs only".to_string());
        }
        if !v.resolutions.is_empty() {
            line("resolutions", v.resolutions.join(", "));
        }
        if !v.ratios.is_empty() {
            line("ratios", v.ratios.join(", "));
        }
    }
    print_stdout(&out)
}
