//! `provcat onboard [--auth-choice ID]`: store the choice and the key, set the default
//! model, keep the config's schema beside it.
//!
//! Without `--auth-choice`, [`super::onboard_choice`] asks on a terminal (or lists the
//! choices off one). The config is read and checked first (before asking for a key; the
//! hidden key prompt names the provider's key page); then, unless
//! `--no-write`, the config folder is locked ([`provcat::lock`], waiting up to
//! [`LOCK_WAIT`] for another onboarding), the config and `.env` are read again, and the
//! changes are planned and written under the lock.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use provcat::catalog;
use provcat::config::{self, LoadedConfig};
use provcat::lock::{self, FolderLock};
use provcat::onboard::{self, Plan};
use provcat::secret::ApiKey;
use serde::Serialize;

use super::context::{Context, read_key_from_stdin};
use super::output::{print_json, print_stdout};
use super::{Failure, Outcome};

/// How long onboarding waits for another one holding the config folder's lock.
const LOCK_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Args)]
pub struct OnboardArgs {
    /// The auth choice: the plan and region, e.g. `qwen-standard-api-key` (Qwen Standard,
    /// pay-as-you-go, Global) or `qwen-api-key-cn` (Qwen Coding Plan, China); `provcat
    /// auth-choices` lists every one with its plan, region and endpoint (legacy
    /// `modelstudio-*` ids work too). Without it, a terminal asks for the provider, plan and
    /// region.
    #[arg(long, value_name = "ID")]
    auth_choice: Option<String>,
    /// Read the API key from stdin instead of prompting (keys never go on the command line).
    #[arg(long, conflicts_with = "skip_key")]
    api_key_stdin: bool,
    /// Do not ask for a key or write the .env (the key is already in the environment).
    #[arg(long)]
    skip_key: bool,
    /// Print what would be written, and write nothing.
    #[arg(long)]
    no_write: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct OnboardJson<'a> {
    #[serde(flatten)]
    plan: &'a Plan,
    written: bool,
}

pub fn run(args: OnboardArgs, context: &Context) -> Outcome {
    let mut config = context.config_to_write()?;
    let id = match &args.auth_choice {
        Some(id) => id.clone(),
        None => super::onboard_choice::choose()?.id.to_string(),
    };
    let choice = catalog::lookup_auth_choice(&id).map_err(|e| {
        Failure::input(format!(
            "{e}\n  the auth choices are:\n{}",
            super::onboard_choice::listing()
        ))
    })?;
    let key = if args.skip_key {
        None
    } else {
        Some(read_key(&args, &choice)?)
    };
    // Held until the files are written: what is planned is what is on disk.
    let _lock = if args.no_write {
        None
    } else {
        let lock = lock_config_folder(&config)?;
        config = config::load(config.location.clone()).map_err(|r| Failure::report(&r))?;
        Some(lock)
    };
    let plan = onboard::plan(&config, choice, key.as_ref(), &context.env);
    let changes = plan.config.changed
        || plan.schema.changed
        || plan.dotenv.as_ref().is_some_and(|d| d.changed);
    let write = !args.no_write && changes;
    if write {
        onboard::apply(&plan).map_err(|e| Failure::runtime(e.to_string()))?;
    }
    if args.json {
        return print_json(&OnboardJson {
            plan: &plan,
            written: write,
        });
    }
    for w in &plan.warnings {
        eprintln!("warning: {w}");
    }
    print_stdout(&report(&plan, &choice, args.no_write))?;
    Ok(ExitCode::SUCCESS)
}

/// Creates the config folder (`0o700`) if needed and locks it, saying so when another
/// onboarding holds the lock.
fn lock_config_folder(config: &LoadedConfig) -> Result<FolderLock, Failure> {
    let folder = onboard::folder_of(&config.location.path);
    provcat::atomic::create_private_dir(folder).map_err(|e| Failure::runtime(e.to_string()))?;
    let mut on_wait = |path: &std::path::Path| {
        eprintln!(
            "waiting for another provcat onboarding to finish (it holds {})…",
            path.display()
        );
    };
    lock::lock_folder(folder, LOCK_WAIT, &mut on_wait).map_err(|e| Failure::runtime(e.to_string()))
}

/// The key from stdin, or from a hidden prompt on a terminal that says where to get one
/// (the provider's key page in the catalog).
fn read_key(args: &OnboardArgs, choice: &catalog::AuthChoiceMatch) -> Result<ApiKey, Failure> {
    let key = if args.api_key_stdin {
        read_key_from_stdin()?
    } else if std::io::stdin().is_terminal() {
        let provider = choice.provider;
        let plan = provider
            .plan(choice.choice.plan)
            .map_or(choice.choice.plan, |p| p.name);
        let prompt = format!(
            "API key for the {} {plan} (get one at {}; input hidden): ",
            provider.name, provider.links.api_keys
        );
        let text = rpassword::prompt_password(prompt)
            .map_err(|e| Failure::runtime(format!("cannot read the key: {e}")))?;
        let key = ApiKey::new(&text);
        super::say::learn_value(key.expose());
        key
    } else {
        return Err(Failure::input(
            "no key: stdin is not a terminal; pipe the key with --api-key-stdin, or pass --skip-key when the key is already in the environment",
        ));
    };
    if key.is_empty() {
        return Err(Failure::input("the key is empty"));
    }
    if key
        .expose()
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\'' || c == '"')
    {
        return Err(Failure::input(
            "the key contains spaces, quotes or control characters; paste the key alone",
        ));
    }
    Ok(key)
}

fn report(plan: &Plan, choice: &catalog::AuthChoiceMatch, dry_run: bool) -> String {
    let mut out = String::new();
    let provider = choice.provider;
    let endpoint = choice.endpoint();
    out.push_str(&format!(
        "auth choice      {}{}\n",
        plan.auth_choice,
        plan.legacy_id
            .map(|l| format!(" (given as the legacy id `{l}`)"))
            .unwrap_or_default()
    ));
    if let (Some(p), Some(r)) = (
        provider.plan(choice.choice.plan),
        provider.region(choice.choice.region),
    ) {
        out.push_str(&format!("plan, region     {}, {}\n", p.name, r.name));
    }
    if let Some(e) = endpoint {
        out.push_str(&format!("endpoint         {}\n", e.base_url()));
    }
    let verb = |changed: bool| match (changed, dry_run) {
        (false, _) => "unchanged",
        (true, true) => "would write",
        (true, false) => "wrote",
    };
    out.push_str(&format!(
        "config           {} {}\n",
        verb(plan.config.changed),
        plan.config.path.display()
    ));
    out.push_str(&format!(
        "schema           {} {}\n",
        verb(plan.schema.changed),
        plan.schema.path.display()
    ));
    if let Some(model) = plan.default_model_set {
        out.push_str(&format!("default model    {model}\n"));
    }
    if let (Some(d), Some(var), Some(key)) = (&plan.dotenv, plan.key_var, &plan.key) {
        out.push_str(&format!(
            "key              {} {var}={} in {}\n",
            verb(d.changed),
            key.masked(),
            d.path.display()
        ));
    }
    if let Some(snippet) = &plan.json_snippet {
        out.push_str(&format!(
            "\n{} is JSON and is not rewritten; merge this into it:\n{snippet}\n",
            plan.config.path.display()
        ));
    }
    if dry_run && plan.config.changed {
        out.push_str(&format!(
            "\n--- {} would be (keys masked):\n{}",
            plan.config.path.display(),
            provcat::redact::Redactor::new().mask_in_place(&plan.config.after, &[])
        ));
    }
    out
}
