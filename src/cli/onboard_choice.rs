//! Choosing an auth choice when `provcat onboard` is run without `--auth-choice`: on a
//! terminal, a menu of providers, then of the provider's plans, then of the plan's regions,
//! each item with a one-line description from the catalog (plan and region names, billing,
//! key prefix, endpoint); off a terminal, an error listing every auth choice with its plan
//! and region names. Ctrl-C or Esc (or `q`) at any menu cancels with exit code 130, writing
//! nothing (onboarding writes only at the end) and giving the terminal its cursor back.

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
    // The menus hide the cursor, and on Ctrl-C raise SIGINT themselves: for as long as
    // they are shown, SIGINT gives the cursor back before ending the process.
    let _interrupt = MenuInterrupt::install();
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
        .map_err(|e| {
            // The menu hides the cursor and gives it back only when it returns a choice.
            let _ = term.show_cursor();
            match e {
                dialoguer::Error::IO(io) if io.kind() == std::io::ErrorKind::Interrupted => {
                    cancelled()
                }
                e => Failure::runtime(format!("cannot read the choice: {e}")),
            }
        })?;
    picked.ok_or_else(cancelled)
}

/// Ctrl-C or Esc at a menu: exit 130, nothing written.
fn cancelled() -> Failure {
    Failure::interrupted("onboarding cancelled; nothing was written")
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

/// While alive, SIGINT ends the process as Ctrl-C at a menu should: the cursor shown
/// again, "cancelled" said, exit code 130. Dropped, SIGINT does what it did before (so
/// Ctrl-C at the key prompt still stops `onboard` at once).
struct MenuInterrupt {
    #[cfg(unix)]
    previous: libc::sighandler_t,
}

impl MenuInterrupt {
    fn install() -> MenuInterrupt {
        #[cfg(unix)]
        {
            let handler = on_menu_interrupt as extern "C" fn(libc::c_int);
            // SAFETY: the handler only calls async-signal-safe functions (write, _exit).
            let previous = unsafe { libc::signal(libc::SIGINT, handler as libc::sighandler_t) };
            MenuInterrupt { previous }
        }
        #[cfg(not(unix))]
        MenuInterrupt {}
    }
}

impl Drop for MenuInterrupt {
    fn drop(&mut self) {
        #[cfg(unix)]
        if self.previous != libc::SIG_ERR {
            // SAFETY: restores the disposition `install` replaced.
            unsafe { libc::signal(libc::SIGINT, self.previous) };
        }
    }
}

/// SIGINT at a menu: nothing has been written yet, so say so and leave.
#[cfg(unix)]
extern "C" fn on_menu_interrupt(_: libc::c_int) {
    const SAID: &[u8] = b"\x1b[?25h\nerror: onboarding cancelled; nothing was written\n";
    // SAFETY: write(2) and _exit(2) are async-signal-safe; SAID is a static buffer.
    unsafe {
        libc::write(2, SAID.as_ptr().cast(), SAID.len());
        libc::_exit(130);
    }
}
