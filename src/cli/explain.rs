//! `provcat explain [REF]`: the whole resolution trace, from config files to key source.

use std::process::ExitCode;

use clap::Args;
use provcat::catalog::RefVia;
use provcat::config::{ConfigLocation, LoadedConfig};
use provcat::resolve::{self, BaseUrlSource, CapabilitySource, RefSource, Request, Target};
use serde::Serialize;

use super::context::{Context, read_key_from_stdin};
use super::output::{print_json, print_stdout};
use super::{Failure, Outcome};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The model ref to resolve (default: the config's default model).
    #[arg(value_name = "REF")]
    reference: Option<String>,
    /// Read an API key from stdin, as the highest-precedence key source.
    #[arg(long)]
    api_key_stdin: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// `explain --json`.
#[derive(Serialize)]
struct ExplainJson<'a> {
    config: ConfigJson<'a>,
    #[serde(flatten)]
    target: &'a Target,
}

#[derive(Serialize)]
struct ConfigJson<'a> {
    #[serde(flatten)]
    location: &'a ConfigLocation,
    exists: bool,
    dotenv: DotEnvJson<'a>,
}

#[derive(Serialize)]
struct DotEnvJson<'a> {
    path: &'a std::path::Path,
    exists: bool,
}

pub fn run(args: ExplainArgs, context: &Context) -> Outcome {
    let config = context.load_config()?;
    let api_key = if args.api_key_stdin {
        Some(read_key_from_stdin()?)
    } else {
        None
    };
    let request = Request {
        reference: args.reference.as_deref(),
        kind: None,
        api_key,
    };
    let target =
        resolve::resolve(&request, &config, &context.env).map_err(|r| Failure::report(&r))?;
    if args.json {
        return print_json(&ExplainJson {
            config: ConfigJson {
                location: &config.location,
                exists: config.exists,
                dotenv: DotEnvJson {
                    path: &config.dotenv.path,
                    exists: config.dotenv.exists,
                },
            },
            target: &target,
        });
    }
    for w in &target.warnings {
        eprintln!("warning: {w}");
    }
    print_stdout(&render(&config, &target))?;
    Ok(ExitCode::SUCCESS)
}

fn render(config: &LoadedConfig, t: &Target) -> String {
    let mut out = String::new();
    let mut line = |key: &str, value: String| out.push_str(&format!("{key:<16} {value}\n"));
    line("config", config.describe());
    line(".env", config.describe_dotenv());
    let from = match &t.ref_source {
        RefSource::Argument => "the command line".to_string(),
        RefSource::Config { key } => format!("`{key}` in the config"),
        RefSource::ProviderDefault { provider } => {
            format!("the default of provider `{provider}`, which the config sets up")
        }
        RefSource::BuiltinDefault => "the catalog's default".to_string(),
    };
    line("ref", format!("{} (from {from})", t.typed_ref));
    match (&t.alias, t.via) {
        (Some(alias), Some(via)) => {
            let what = match via {
                RefVia::NamespaceAlias => "a legacy namespace alias",
                RefVia::Alias => "a ref alias",
                RefVia::Canonical => "the canonical ref",
            };
            line(
                "canonical ref",
                format!("{} (`{alias}` is {what})", t.canonical_ref),
            )
        }
        _ => line("canonical ref", t.canonical_ref.clone()),
    }
    let provider = match (t.custom, t.provider) {
        (false, Some(p)) => format!("{} ({})", p.id, p.name),
        (true, Some(p)) => format!(
            "{} (custom provider on a host of `{}`, whose key variables and model facts it uses)",
            t.provider_id, p.id
        ),
        (_, None) => format!("{} (custom provider)", t.provider_id),
    };
    line("provider", provider);
    if let Some(entry) = &t.config_entry {
        line("config entry", format!("models.providers.{entry}"));
    }
    let wire = if t.wire_id != t.model_id {
        format!("; sent as `{}`", t.wire_id)
    } else {
        String::new()
    };
    line("model", format!("{} ({}{wire})", t.model_id, t.kind));
    if t.custom {
        line(
            "model facts",
            match t.facts_from {
                Some(r) => format!("those of {r} (the same id on the catalog host)"),
                None => "none: the catalog does not know this model".to_string(),
            },
        );
    }
    if let Some(auth) = &t.auth {
        let legacy = auth
            .legacy_id
            .as_ref()
            .map(|l| format!(" (written as the legacy id `{l}`)"))
            .unwrap_or_default();
        line("auth choice", format!("{}{legacy}", auth.choice.id));
    }
    if let Some(plan) = t.plan {
        line("plan", format!("{} ({})", plan.name, plan.id));
    }
    if let Some(region) = t.region {
        line("region", format!("{} ({})", region.name, region.id));
    }
    let url_from = match &t.base_url_source {
        BaseUrlSource::AuthChoice { id } => format!("the endpoint of auth choice {id}"),
        BaseUrlSource::Host { host } => format!("the catalog endpoint on {host}"),
        BaseUrlSource::Config { key } => format!("`{key}` in the config"),
        BaseUrlSource::Derived { key } => {
            format!("`{key}` in the config, as the catalog relates the chat and video URLs")
        }
    };
    line("dialect", t.dialect.to_string());
    line("base URL", format!("{} (from {url_from})", t.base_url));
    if let Some(rate) = t.polls_per_second {
        line("task polls", format!("at most {rate} per second"));
    }
    let c = &t.capabilities;
    let mut capability = |name: &str, value: String, source: &CapabilitySource| {
        line(name, format!("{value:<16} {source}"));
    };
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    capability(
        "streaming usage",
        yes_no(c.streaming_usage.value),
        &c.streaming_usage.source,
    );
    capability(
        "developer role",
        yes_no(c.developer_role.value),
        &c.developer_role.source,
    );
    capability(
        "thinking",
        c.thinking_format.value.to_string(),
        &c.thinking_format.source,
    );
    capability(
        "thinking stream",
        if c.thinking_needs_stream.value {
            "streams only"
        } else {
            "any"
        }
        .to_string(),
        &c.thinking_needs_stream.source,
    );
    capability(
        "max tokens",
        c.max_tokens_field.value.to_string(),
        &c.max_tokens_field.source,
    );
    if !t.headers.is_empty() {
        line(
            "headers",
            t.headers.keys().cloned().collect::<Vec<_>>().join(", "),
        );
    }
    match &t.key.found {
        Some(found) => line(
            "key",
            format!("{} from {}", found.key.masked(), found.source),
        ),
        None => line("key", "none found".to_string()),
    }
    line("key lookup", t.key.searched.join(" > "));
    out
}
