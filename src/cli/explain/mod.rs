//! `provcat explain [REF | -m REF]`: the whole resolution trace, from config files to key
//! source.
//!
//! It always prints what it could resolve, on stdout: when resolution fails (a fresh
//! install has no auth choice), the ref, provider and model it got to, the key lookup, each
//! auth choice the provider could use with its endpoint, and what is missing with the
//! command that fixes it; the problems themselves go to stderr as located diagnostics.
//! `--json` keeps one shape either way: every field of a resolved target (`null` where it
//! could not be told), `ok`, `missing`, `candidates`, `problems` and `error` (the
//! failure in every command's shape, `null` when nothing is missing). The exit code is 2
//! when something a request needs is missing (an auth choice, a key) or the ref does not
//! resolve. A config with problems is resolved with what remains of it (its problems shown
//! instead of the resolution's, which mostly repeat them); exit code 2.

mod render;

use std::process::ExitCode;

use clap::Args;
use provcat::compiler::Report;
use provcat::config::{ConfigLocation, LoadedConfig};
use provcat::resolve::{self, Candidate, Request, Target, partial::TARGET_FIELDS};
use serde::Serialize;
use serde_json::{Map, Value};

use super::context::{Context, read_key_from_stdin};
use super::json_error::ErrorJson;
use super::output::{print_json, print_stdout};
use super::{Outcome, say};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The model ref to resolve (default: the config's default model); same as -m.
    #[arg(value_name = "REF", conflicts_with = "model")]
    reference: Option<String>,
    /// The model ref to resolve, as `chat` and `video` take it.
    #[arg(short = 'm', long = "model", value_name = "REF")]
    model: Option<String>,
    /// Read an API key from stdin, as the highest-precedence key source.
    #[arg(long)]
    api_key_stdin: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
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

/// Something a request needs that is not there, and the command that fixes it.
#[derive(Debug, Serialize)]
pub struct Missing {
    /// `auth choice` or `key`.
    what: &'static str,
    /// What is missing, in words.
    message: String,
    /// The command (or setting) that fixes it.
    fix: String,
}

/// An auth choice a provider without one could use, for `--json`.
#[derive(Serialize)]
struct CandidateJson<'a> {
    auth_choice: &'static str,
    plan: &'static str,
    region: &'static str,
    canonical_ref: Option<&'a str>,
    base_url: Option<&'a str>,
    dialect: Option<String>,
    capabilities: Option<&'a provcat::resolve::ExplainedCapabilities>,
    problem: Option<&'a str>,
}

/// A problem of a failed resolution (or of a config that does not load), for `--json`.
#[derive(Serialize)]
pub struct ProblemJson {
    rule: &'static str,
    message: String,
    location: Option<String>,
    help: Option<String>,
}

pub fn run(args: ExplainArgs, context: &Context) -> Outcome {
    // A config with problems still says what it can: the rest of it is resolved with.
    let (config, config_problems) = context.load_config_keeping_rest()?;
    let api_key = if args.api_key_stdin {
        Some(read_key_from_stdin()?)
    } else {
        None
    };
    let request = Request {
        reference: args.model.as_deref().or(args.reference.as_deref()),
        kind: None,
        api_key,
    };
    match (
        resolve::resolve(&request, &config, &context.env),
        config_problems,
    ) {
        (Ok(target), problems) => resolved(&args, &config, &target, problems.as_ref()),
        // The config's own problems are the ones to fix first: a resolution failing on what
        // remains of it mostly repeats them, so they are what is shown.
        (Err(report), problems) => unresolved(
            &args,
            &config,
            &request,
            context,
            &report,
            problems.as_ref(),
        ),
    }
}

/// A resolved target: printed whole; a missing key, or problems of the config (resolved
/// with what remains of it, the problems on stderr), make the exit code 2.
fn resolved(
    args: &ExplainArgs,
    config: &LoadedConfig,
    target: &Target,
    problems: Option<&Report>,
) -> Outcome {
    let missing: Vec<Missing> = target
        .key
        .found
        .is_none()
        .then(|| missing_key(target.auth.as_ref().map(|a| a.choice.id), &target.key_env))
        .into_iter()
        .collect();
    let code = if missing.is_empty() && problems.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    };
    if let Some(problems) = problems {
        eprint!("{}", say::report(problems).render_diagnostics(false));
    }
    if args.json {
        let mut object = match serde_json::to_value(target) {
            Ok(Value::Object(o)) => o,
            _ => Map::new(),
        };
        add_common(&mut object, config, &missing, &[], problems);
        print_json(&object)?;
        return Ok(code);
    }
    for w in &target.warnings {
        eprintln!("warning: {w}");
    }
    let mut text = render::render(config, target);
    text.push_str(&render::render_missing(&missing));
    print_stdout(&text)?;
    Ok(code)
}

/// A failed resolution: what could be told, the candidates of a provider without an auth
/// choice, what is missing; the problems on stderr (or in `problems`): the config's when it
/// has any, else the resolution's. Exit code 2.
fn unresolved(
    args: &ExplainArgs,
    config: &LoadedConfig,
    request: &Request<'_>,
    context: &Context,
    report: &Report,
    config_problems: Option<&Report>,
) -> Outcome {
    let shown = config_problems.unwrap_or(report);
    let partial = resolve::partial(request, config, &context.env);
    let lacks_choice = resolve::lacks_auth_choice(report);
    let candidates = match (partial.provider, lacks_choice) {
        (Some(provider), true) => resolve::candidates(
            provider,
            partial.config_entry.as_deref(),
            request,
            config,
            &context.env,
        ),
        _ => Vec::new(),
    };
    let mut missing = Vec::new();
    if lacks_choice {
        missing.push(missing_choice(&candidates));
    }
    if partial.key.as_ref().is_some_and(|k| k.found.is_none()) {
        let only = only_working(&candidates);
        missing.push(missing_key(only, &partial.key_env));
    }
    eprint!("{}", say::report(shown).render_diagnostics(false));
    if args.json {
        let mut object = Map::new();
        for field in TARGET_FIELDS {
            object.insert(field.to_string(), Value::Null);
        }
        if let Ok(Value::Object(known)) = serde_json::to_value(&partial) {
            for (k, v) in known {
                if object.contains_key(&k) && !v.is_null() {
                    object.insert(k, v);
                }
            }
        }
        // The config's own warnings (legacy ids, readable secrets); the rest need a target.
        object.insert("warnings".to_string(), to_value(&config.warnings));
        add_common(&mut object, config, &missing, &candidates, Some(shown));
        print_json(&object)?;
        return Ok(ExitCode::from(2));
    }
    print_stdout(&render::render_partial(
        config,
        &partial,
        &candidates,
        &missing,
    ))?;
    Ok(ExitCode::from(2))
}

/// The auth choice, when only one of the candidates works.
fn only_working(candidates: &[Candidate]) -> Option<&'static str> {
    let mut working = candidates.iter().filter(|c| c.outcome.is_ok());
    match (working.next(), working.next()) {
        (Some(c), None) => Some(c.choice.id),
        _ => None,
    }
}

fn missing_choice(candidates: &[Candidate]) -> Missing {
    let fix = match only_working(candidates) {
        Some(id) => format!("run `provcat onboard --auth-choice {id}`"),
        None => {
            let ids: Vec<&str> = candidates
                .iter()
                .filter(|c| c.outcome.is_ok())
                .map(|c| c.choice.id)
                .collect();
            format!(
                "run `provcat onboard --auth-choice <id>` with one of {} (listed below with their endpoints), or `provcat onboard` on a terminal to choose",
                ids.join(", ")
            )
        }
    };
    Missing {
        what: "auth choice",
        message: "no auth choice selects the plan, region and endpoint".to_string(),
        fix,
    }
}

fn missing_key(choice: Option<&str>, vars: &[String]) -> Missing {
    let set = match vars.first() {
        Some(var) => format!("set {var} in the environment or the .env beside the config"),
        None => "set the provider's key variable".to_string(),
    };
    let fix = match choice {
        Some(id) => format!("run `provcat onboard --auth-choice {id}`, or {set}"),
        None => set,
    };
    Missing {
        what: "key",
        message: "no API key was found".to_string(),
        fix,
    }
}

/// The fields every `explain --json` has, resolved or not.
fn add_common(
    object: &mut Map<String, Value>,
    config: &LoadedConfig,
    missing: &[Missing],
    candidates: &[Candidate],
    report: Option<&Report>,
) {
    let config_json = ConfigJson {
        location: &config.location,
        exists: config.exists,
        dotenv: DotEnvJson {
            path: &config.dotenv.path,
            exists: config.dotenv.exists,
        },
    };
    let candidates: Vec<CandidateJson> = candidates.iter().map(candidate_json).collect();
    let problems = report.map(problems_json).unwrap_or_default();
    let mut put = |k: &str, v: Value| {
        object.insert(k.to_string(), v);
    };
    put("ok", Value::Bool(report.is_none() && missing.is_empty()));
    put("config", to_value(&config_json));
    put("missing", to_value(missing));
    put("candidates", to_value(&candidates));
    put("problems", to_value(&problems));
    put("error", to_value(&error_json(missing, report)));
}

/// The failure in the shape every command's `--json` uses (`null` when nothing is
/// missing): the located problems first, else the first missing piece with its fix.
fn error_json(missing: &[Missing], report: Option<&Report>) -> Option<ErrorJson> {
    if let Some(report) = report {
        return Some(ErrorJson::of_report(report, 2));
    }
    missing.first().map(|m| {
        let code = format!("missing-{}", m.what.replace(' ', "-"));
        ErrorJson::new(code, m.message.clone(), 2).with_help(Some(m.fix.clone()))
    })
}

fn to_value<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn candidate_json(c: &Candidate) -> CandidateJson<'_> {
    let target = c.outcome.as_ref().ok();
    CandidateJson {
        auth_choice: c.choice.id,
        plan: c.choice.plan,
        region: c.choice.region,
        canonical_ref: target.map(|t| t.canonical_ref.as_str()),
        base_url: target.map(|t| t.base_url.as_str()),
        dialect: target.map(|t| t.dialect.to_string()),
        capabilities: target.map(|t| &t.capabilities),
        problem: c.outcome.as_ref().err().map(String::as_str),
    }
}

/// The located diagnostics of `report`, redacted, for `--json`.
pub fn problems_json(report: &Report) -> Vec<ProblemJson> {
    let report = say::report(report);
    report
        .diagnostics()
        .into_iter()
        .map(|d| ProblemJson {
            rule: d.rule.code(),
            message: d.message.clone(),
            location: report.location(d),
            help: d.help.clone(),
        })
        .collect()
}
