//! Choosing an auth choice when `provcat onboard` is run without `--auth-choice`: on a
//! terminal, a menu of providers, then of the provider's plans, then of the plan's regions,
//! each item with a one-line description from the catalog (plan and region names, billing,
//! key prefix, endpoint); off a terminal, an error listing every auth choice with its plan
//! and region names. Ctrl-C at any menu stops the process (nothing is written: onboarding
//! writes only at the end); Esc or `q` cancels with exit code 130, writing nothing.

use std::io::IsTerminal;

use dialoguer::Select;
use dialoguer::console::Term;
use dialoguer::theme::SimpleTheme;
use provcat::catalog::{self, AuthChoice, Billing, Provider};

use super::Failure;

/// The auth choice picked on the terminal, or the error listing the choices when stdin or
/// stderr is not a terminal.
pub fn choose() -> Result<&'static AuthChoice, Failure> {
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(Failure::input(format!(
            "no --auth-choice, and no terminal to choose one on; pass --auth-choice ID with one of:\n{}  (`provcat auth-choices` lists them with their endpoints)",
            listing()
        )));
    }
    let term = Term::stderr();
    let providers: Vec<&'static Provider> = catalog::providers()
        .iter()
        .filter(|p| !p.auth_choices.is_empty())
        .collect();
    let provider = pick(
        &term,
        "Provider",
        providers.iter().map(|p| describe_provider(p)).collect(),
    )?;
    let provider = providers[provider];
    let plans: Vec<_> = provider
        .plans
        .iter()
        .filter(|plan| provider.auth_choices.iter().any(|c| c.plan == plan.id))
        .collect();
    let plan = plans[pick(
        &term,
        &format!("Plan of {}", provider.name),
        plans.iter().map(|p| describe_plan(provider, p)).collect(),
    )?];
    let choices: Vec<&'static AuthChoice> = provider
        .auth_choices
        .iter()
        .filter(|c| c.plan == plan.id)
        .collect();
    let choice = choices[pick(
        &term,
        &format!("Region of the {}", plan.name),
        choices
            .iter()
            .map(|c| describe_region(provider, c))
            .collect(),
    )?];
    Ok(choice)
}

/// Every auth choice, one a line: `  id  Provider: Plan, Region`.
pub fn listing() -> String {
    let mut out = String::new();
    for p in catalog::providers() {
        for c in p.auth_choices {
            out.push_str(&format!(
                "  {:<30} {}: {}, {}\n",
                c.id,
                p.name,
                p.plan(c.plan).map_or(c.plan, |x| x.name),
                p.region(c.region).map_or(c.region, |x| x.name)
            ));
        }
    }
    out
}

/// The index picked among `items`; a single item is taken without asking (and said).
fn pick(term: &Term, prompt: &str, items: Vec<String>) -> Result<usize, Failure> {
    if items.is_empty() {
        return Err(Failure::input(format!(
            "{prompt}: the catalog offers nothing to choose; see `provcat auth-choices`"
        )));
    }
    if items.len() == 1 {
        let _ = term.write_line(&format!("{prompt}: {}", items[0]));
        return Ok(0);
    }
    let theme = SimpleTheme;
    let picked = Select::with_theme(&theme)
        .with_prompt(prompt)
        .items(&items)
        .default(0)
        .interact_on_opt(term)
        .map_err(|e| Failure::runtime(format!("cannot read the choice: {e}")))?;
    picked.ok_or_else(|| Failure::interrupted("onboarding cancelled; nothing was written"))
}

fn describe_provider(p: &Provider) -> String {
    let plans: Vec<&str> = p
        .plans
        .iter()
        .filter(|plan| p.auth_choices.iter().any(|c| c.plan == plan.id))
        .map(|plan| plan.name)
        .collect();
    format!("{} ({}) — {}", p.name, p.id, plans.join("; "))
}

fn describe_plan(p: &Provider, plan: &catalog::Plan) -> String {
    let billing = match plan.billing {
        Billing::PayAsYouGo => "billed per token",
        Billing::Subscription => "a subscription",
    };
    let regions: Vec<&str> = p
        .auth_choices
        .iter()
        .filter(|c| c.plan == plan.id)
        .map(|c| p.region(c.region).map_or(c.region, |r| r.name))
        .collect();
    let prefix = plan
        .key_prefix
        .map(|k| format!(", keys start with `{k}`"))
        .unwrap_or_default();
    format!(
        "{} — {billing}{prefix}; in {}",
        plan.name,
        regions.join(", ")
    )
}

fn describe_region(p: &Provider, c: &AuthChoice) -> String {
    let region = p.region(c.region).map_or(c.region, |r| r.name);
    let url = p
        .endpoint(c.plan, c.region)
        .map(|e| format!(" — {}", e.base_url()))
        .unwrap_or_default();
    format!("{region}{url} (auth choice {})", c.id)
}
