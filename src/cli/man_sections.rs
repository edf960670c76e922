//! The sections of the manual pages that clap does not know: EXIT STATUS (the codes every
//! command shares, and those `chat` and `video` add), ENVIRONMENT (provcat's own
//! variables and every key variable of the catalog in use, read from its providers and
//! plans, not listed by hand) and FILES (the config, the `.env` and the schema beside it).
//! The main page has all of them; a command's page has its exit codes, the variables it
//! reads, and the files when it reads the config.

use clap_mangen::roff::{Roff, bold, italic, roman};
use provcat::catalog;

/// The exit codes every command shares.
const COMMON_CODES: &[(u8, &str)] = &[
    (0, "Success."),
    (
        1,
        "The work failed: an I/O error (stdout or a file could not be written), a network failure.",
    ),
    (
        2,
        "Bad input: an unknown model ref, provider or auth choice (the message suggests the closest names), a catalog with errors, a broken config or .env, a --config naming a file that does not exist, or a usage error.",
    ),
];

/// The codes `chat` adds.
const CHAT_CODES: &[(u8, &str)] = &[
    (
        3,
        "The key or the account was refused: bad key, quota, billing, a plan or permission that refuses the use.",
    ),
    (4, "Still rate-limited after the retries."),
    (130, "Interrupted (Ctrl-C)."),
];

/// The codes `video` adds.
const VIDEO_CODES: &[(u8, &str)] = &[
    (3, "The key or billing was refused."),
    (4, "Still rate-limited after the retries."),
    (5, "The task FAILED."),
    (6, "The task was CANCELED."),
    (7, "The task is UNKNOWN (expired or unknown id)."),
    (8, "The task was still running when --timeout ran out."),
    (
        130,
        "Interrupted (Ctrl-C): the task goes on; provcat video status ID --wait resumes it.",
    ),
    (143, "Terminated (SIGTERM): the task goes on, as for 130."),
];

/// The commands that do not read the config (nor its `.env`).
const WITHOUT_CONFIG: &[&str] = &["catalog", "schema", "import", "completions", "man"];

/// The commands that look up a provider's key.
const WITH_KEYS: &[&str] = &["chat", "video", "explain", "onboard", "serve", "config"];

/// The commands that make requests to providers.
const WITH_REQUESTS: &[&str] = &["chat", "video", "serve"];

/// Which command a page describes: `None` for the main page, else the top-level command
/// (`models` for `provcat-models-list`).
#[derive(Clone, Copy)]
pub struct Page<'a> {
    command: Option<&'a str>,
}

impl<'a> Page<'a> {
    /// The main page, describing every command.
    pub fn main() -> Self {
        Page { command: None }
    }

    /// The page of the command at `path` (subcommand names from the top).
    pub fn of(path: &'a [String]) -> Self {
        Page {
            command: path.first().map(String::as_str),
        }
    }

    /// Whether a page about `command` describes something used by one of `commands`.
    fn concerns(&self, commands: &[&str]) -> bool {
        self.command.is_none_or(|c| commands.contains(&c))
    }

    fn reads_config(&self) -> bool {
        self.command.is_none_or(|c| !WITHOUT_CONFIG.contains(&c))
    }
}

/// The EXIT STATUS, ENVIRONMENT and FILES sections of `page`, as roff.
pub fn sections(page: Page<'_>) -> Roff {
    let mut roff = Roff::new();
    exit_status(page, &mut roff);
    environment(page, &mut roff);
    if page.reads_config() {
        files(&mut roff);
    }
    roff
}

fn entry(roff: &mut Roff, term: impl Into<String>, text: impl Into<String>) {
    roff.control("TP", [])
        .text([bold(term)])
        .text([roman(text)]);
}

fn exit_status(page: Page<'_>, roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in COMMON_CODES {
        entry(roff, code.to_string(), *meaning);
    }
    for (command, codes) in [("chat", CHAT_CODES), ("video", VIDEO_CODES)] {
        if page.command == Some(command) {
            roff.control("PP", [])
                .text([roman(format!("{command} also exits with:"))]);
        } else if page.command.is_none() {
            roff.control("PP", []).text([
                bold(format!("provcat {command}")),
                roman(" also exits with:"),
            ]);
        } else {
            continue;
        }
        for (code, meaning) in codes {
            entry(roff, code.to_string(), *meaning);
        }
    }
    if page.concerns(&["export"]) {
        roff.control("PP", [])
            .text([roman("export --check exits 1 when the files differ.")]);
    }
}

fn environment(page: Page<'_>, roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    if page.reads_config() {
        entry(
            roff,
            "PROVCAT_CONFIG",
            "The config file, when --config is not given (a missing file there reads as an empty config).",
        );
        entry(
            roff,
            "XDG_CONFIG_HOME, HOME",
            "Where the default config folder is: $XDG_CONFIG_HOME/provcat, else ~/.config/provcat (the platform's config folder elsewhere).",
        );
    }
    entry(roff, "NO_COLOR", "When set, nothing is coloured or dimmed.");
    if page.concerns(&["models", "auth-choices", "endpoints"]) {
        entry(
            roff,
            "COLUMNS",
            "The width tables fit on a terminal (models list, auth-choices, endpoints), instead of the terminal's own; piped output is never narrowed.",
        );
    }
    if page.concerns(WITH_REQUESTS) {
        entry(
            roff,
            "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY",
            "The proxy requests to providers go through (lower-case spellings too).",
        );
    }
    if page.concerns(&["serve"]) {
        entry(
            roff,
            "PROVCAT_SERVE_TOKEN",
            "The token clients of provcat serve must send (or serve.token in the config); required to listen beyond this machine.",
        );
        entry(
            roff,
            "SHELL",
            "The login shell provcat serve runs once to import the login environment, when env.shellEnv.enabled is set in the config.",
        );
    }
    if page.concerns(WITH_KEYS) {
        key_variables(roff);
    }
}

/// Every key variable of the catalog in use: each provider's, in the order they are tried,
/// after its plans' own.
fn key_variables(roff: &mut Roff) {
    roff.control("PP", []).text([roman(
        "The keys: the first variable set wins, in the environment, then the config's [env] table, then the .env file beside the config. A plan's own variables are tried before its provider's. A custom provider my-proxy reads MY_PROXY_API_KEY, then the variables of the provider whose host it targets.",
    )]);
    for provider in catalog::providers() {
        if provider.auth_env.is_empty() && provider.plans.iter().all(|p| p.key_env.is_empty()) {
            continue;
        }
        if !provider.auth_env.is_empty() {
            entry(
                roff,
                provider.auth_env.join(", "),
                format!(
                    "{}: {}{}.",
                    provider.id,
                    provider.name,
                    if provider.auth_env.len() > 1 {
                        ", tried in this order"
                    } else {
                        ""
                    }
                ),
            );
        }
        for plan in provider.plans.iter().filter(|p| !p.key_env.is_empty()) {
            entry(
                roff,
                plan.key_env.join(", "),
                format!(
                    "{}, {}: tried before the provider's.",
                    provider.id, plan.name
                ),
            );
        }
    }
}

fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    roff.control("TP", [])
        .text([italic("~/.config/provcat/config.toml")])
        .text([roman(
            "The config (TOML), unless --config or $PROVCAT_CONFIG names another; config.json there when only that exists. The folder is the platform's config folder ($XDG_CONFIG_HOME/provcat on Linux). provcat onboard creates it; provcat schema config prints its shape.",
        )]);
    roff.control("TP", [])
        .text([italic(".env")])
        .text([roman(
            "Beside the config: the keys provcat onboard stores (mode 0600), read after the environment and the config's [env] table.",
        )]);
    roff.control("TP", [])
        .text([italic(provcat::config::SCHEMA_PATH)])
        .text([roman(
            "Beside the config: its JSON Schema, for editors (the config's #:schema line or \"$schema\" points at it); provcat schema config prints the current one.",
        )]);
    roff.control("TP", [])
        .text([italic(provcat::lock::LOCK_FILE)])
        .text([roman(
            "In the config folder: the lock provcat onboard holds while it writes.",
        )]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_get_the_sections_of_their_command() {
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let chat = path(&["chat"]);
        let text = sections(Page::of(&chat)).to_roff();
        assert!(text.contains("EXIT STATUS") && text.contains("130"));
        assert!(text.contains("QWEN_API_KEY") && text.contains("FILES"));
        assert!(!text.contains("SIGTERM"), "video's codes on chat's page");

        let schema = path(&["schema"]);
        let text = sections(Page::of(&schema)).to_roff();
        assert!(text.contains("NO_COLOR"));
        assert!(!text.contains("FILES") && !text.contains("QWEN_API_KEY"));

        let main = sections(Page::main()).to_roff();
        for word in ["SIGTERM", "COLUMNS", "PROVCAT_SERVE_TOKEN", "FILES", "143"] {
            assert!(main.contains(word), "{word}");
        }
    }
}
