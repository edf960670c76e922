//! `provcat explain [REF]`: the whole resolution trace, from config files to key source.

use std::process::ExitCode;

use clap::Args;
use provcat::catalog::RefVia;
use provcat::config::{ConfigLocation, LoadedConfig};
use provcat::resolve::{self, BaseUrlSource, Capability, RefSource, Request, Target};
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
        RefSource::BuiltinDefault => "the built-in default".to_string(),
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
    let provider = match t.provider {
        Some(p) => format!("{} ({})", p.id, p.name),
        None => format!("{} (custom provider)", t.provider_id),
    };
    line("provider", provider);
    if let Some(entry) = &t.config_entry {
        line("config entry", format!("models.providers.{entry}"));
    }
    line("model", format!("{} ({})", t.model_id, t.kind));
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
        BaseUrlSource::Config { key } => format!("`{key}` in the config"),
    };
    line("base URL", format!("{} (from {url_from})", t.base_url));
    if let Some(native) = &t.native_base_url {
        line("native API", native.clone());
    }
    let mut capability = |name: &str, c: &Capability| {
        line(
            name,
            format!("{:<4} {}", if c.value { "yes" } else { "no" }, c.source),
        );
    };
    capability("streaming usage", &t.capabilities.streaming_usage);
    capability("developer role", &t.capabilities.developer_role);
    capability("thinking flags", &t.capabilities.thinking_flags);
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
