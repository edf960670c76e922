//! `provcat config path|show|check`: where the config and `.env` are, what they hold
//! (every secret masked), and whether both are valid — without resolving a model ref.
//!
//! `path` only locates (the files need not exist or parse); `show` and `check` read and
//! check both files as every command does, so `check` exits 0 when both are valid and 2
//! with the located diagnostics otherwise.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use provcat::config::{self, ConfigLocation, ConfigOrigin, LoadedConfig};
use provcat::redact::mask_key;
use serde::Serialize;
use serde_json::Value;

use super::context::Context;
use super::explain::{ProblemJson, problems_json};
use super::flags::ConfigFlags;
use super::json_error::ErrorJson;
use super::output::{print_json, print_stdout};
use super::{Failure, Outcome, say};

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// The config file and `.env` that would be used, why, and whether each exists.
    Path(JsonArg),
    /// The config and the `.env`, every secret (keys, header values, env values) masked.
    Show(JsonArg),
    /// Check the config and the `.env` (no model ref needed): exit 0 when both are valid,
    /// 2 with located diagnostics otherwise.
    Check(JsonArg),
}

impl ConfigCommand {
    /// `--config`, `--catalog` and `-v` as given after the subcommand.
    pub fn globals(&self) -> &ConfigFlags {
        match self {
            ConfigCommand::Path(a) | ConfigCommand::Show(a) | ConfigCommand::Check(a) => &a.globals,
        }
    }
}

#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    globals: ConfigFlags,
}

#[derive(Serialize)]
struct FileJson<'a> {
    path: &'a Path,
    exists: bool,
}

#[derive(Serialize)]
struct PathJson<'a> {
    #[serde(flatten)]
    location: &'a ConfigLocation,
    exists: bool,
    dotenv: FileJson<'a>,
    schema: FileJson<'a>,
}

pub fn run(command: ConfigCommand, context: &Context) -> Outcome {
    match command {
        ConfigCommand::Path(a) => path(a.json, context),
        ConfigCommand::Show(a) => show(a.json, context),
        ConfigCommand::Check(a) => check(a.json, context),
    }
}

fn path(json: bool, context: &Context) -> Outcome {
    let location = config::locate(context.config_flag.as_deref(), &context.env)
        .map_err(|r| Failure::report(&r))?;
    let dotenv = config::dotenv::path_beside(&location.path);
    let schema = location.path.with_file_name(config::SCHEMA_PATH);
    let out = PathJson {
        location: &location,
        exists: location.path.is_file(),
        dotenv: FileJson {
            exists: dotenv.is_file(),
            path: &dotenv,
        },
        schema: FileJson {
            exists: schema.is_file(),
            path: &schema,
        },
    };
    if json {
        return print_json(&out);
    }
    let state = |exists: bool| if exists { "exists" } else { "not found" };
    print_stdout(&format!(
        "config           {} (chosen by {}; {})\n.env             {} ({})\nschema           {} ({})\n",
        location.path.display(),
        location.origin,
        state(out.exists),
        dotenv.display(),
        state(out.dotenv.exists),
        schema.display(),
        state(out.schema.exists),
    ))
}

#[derive(Serialize)]
struct ShowJson<'a> {
    #[serde(flatten)]
    location: &'a ConfigLocation,
    exists: bool,
    /// The config's values, every secret masked.
    values: Value,
    dotenv: DotEnvJson<'a>,
}

#[derive(Serialize)]
struct DotEnvJson<'a> {
    path: &'a Path,
    exists: bool,
    /// Each variable with its value masked.
    vars: std::collections::BTreeMap<&'a str, String>,
}

fn show(json: bool, context: &Context) -> Outcome {
    let config = context.load_config()?;
    let vars = config
        .dotenv
        .vars
        .iter()
        .map(|(k, v)| (k.as_str(), mask_key(v)))
        .collect();
    if json {
        let mut values = serde_json::to_value(&config.file).unwrap_or(Value::Null);
        mask_strings(&mut values, &config);
        return print_json(&ShowJson {
            location: &config.location,
            exists: config.exists,
            values,
            dotenv: DotEnvJson {
                path: &config.dotenv.path,
                exists: config.dotenv.exists,
                vars,
            },
        });
    }
    let mut out = format!("# {}\n", config.describe());
    out.push_str(config.masked_text());
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!("\n# {}\n", config.describe_dotenv()));
    for (name, value) in &vars {
        out.push_str(&format!("{name}={value}\n"));
    }
    print_stdout(&out)
}

/// Every string of `value` with the config's secrets masked (the JSON printer scrubs
/// again on the way out).
fn mask_strings(value: &mut Value, config: &LoadedConfig) {
    match value {
        Value::String(s) => *s = config.secrets.scrub(s),
        Value::Array(items) => items.iter_mut().for_each(|v| mask_strings(v, config)),
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), v) {
                    ("apiKey", Value::String(s)) => *s = mask_key(s),
                    // Header values and `env` variables (beside `shellEnv`, an object).
                    ("headers" | "env", Value::Object(m)) => m.values_mut().for_each(|h| match h {
                        Value::String(s) => *s = mask_key(s),
                        other => mask_strings(other, config),
                    }),
                    (_, v) => mask_strings(v, config),
                }
            }
        }
        _ => {}
    }
}

#[derive(Serialize)]
struct CheckJson<'a> {
    ok: bool,
    config: FileJson<'a>,
    dotenv: FileJson<'a>,
    warnings: Vec<String>,
    problems: Vec<ProblemJson>,
    /// The failure in every command's shape (`null` when both files are valid).
    error: Option<ErrorJson>,
}

fn check(json: bool, context: &Context) -> Outcome {
    let location = config::locate(context.config_flag.as_deref(), &context.env)
        .map_err(|r| Failure::report(&r))?;
    if location.origin == ConfigOrigin::Flag && !location.path.exists() {
        // The same error as every other command's for a `--config` that names nothing.
        context.load_config()?;
    }
    let dotenv = config::dotenv::path_beside(&location.path);
    let config = match config::load(location.clone()) {
        Ok(config) => config,
        Err(report) => {
            eprint!("{}", say::report(&report).render_diagnostics(false));
            if json {
                print_json(&CheckJson {
                    ok: false,
                    config: FileJson {
                        path: &location.path,
                        exists: location.path.is_file(),
                    },
                    dotenv: FileJson {
                        exists: dotenv.is_file(),
                        path: &dotenv,
                    },
                    warnings: Vec::new(),
                    problems: problems_json(&report),
                    error: Some(ErrorJson::of_report(&report, 2)),
                })?;
            }
            return Ok(ExitCode::from(2));
        }
    };
    say::learn(&config.secrets);
    let warnings: Vec<String> = config.warnings.iter().map(ToString::to_string).collect();
    if json {
        return print_json(&CheckJson {
            ok: true,
            config: FileJson {
                path: &config.location.path,
                exists: config.exists,
            },
            dotenv: FileJson {
                path: &config.dotenv.path,
                exists: config.dotenv.exists,
            },
            warnings,
            problems: Vec::new(),
            error: None,
        });
    }
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    print_stdout(&format!(
        "config           {}: valid\n.env             {}: valid\n",
        config.describe(),
        config.describe_dotenv()
    ))
}
