//! One JSON shape for every failure of every command run with `--json`: an object on
//! stdout whose `error` is
//!
//! ```json
//! {"code": "unknown-ref", "message": "…", "help": "…" | null, "exit_code": 2,
//!  "diagnostics": [{"rule", "message", "location", "label", "help"}, …]}
//! ```
//!
//! `diagnostics` appears only when the failure is a report of located problems (a broken
//! config or catalog, an unknown ref). Beside `error`, a command may keep its own context:
//! `chat` what it received before the failure (`model`, `content`, `usage`, …), `video`
//! the task (`task_id`, `status`, …), `catalog check` its counts. The human-readable
//! message still goes to stderr as without `--json`.
//!
//! `code` is one of: a diagnostic rule (`unknown-ref`, `invalid-value`, …, as `catalog
//! check` names them); a request failure (`bad-key`, `quota`, `billing`, `plan-restricted`,
//! `rate-limit`, `server`, `overloaded`, `not-on-plan`, `unknown-model`, `moderation`,
//! `bad-request`, as the catalog's error kinds; `connect`, `network`, `connect-timeout`,
//! `idle-timeout`, `truncated`, `protocol`, `redirected`, `too-large`, `invalid`); a video
//! task's end (`task-failed`, `task-canceled`, `task-unknown`, `timeout`, `no-answer`); a
//! stop (`interrupted`, `terminated`); `usage` for a command line clap refused; else
//! `bad-input` (exit 2) or `failed` (exit 1).

use provcat::client::{ClientError, advice::advice};
use provcat::compiler::Report;
use provcat::resolve::Target;
use serde::Serialize;

use super::output::{exit_code, print_json};
use super::{Failure, Outcome, say};

/// The `error` object.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorJson {
    /// What kind of failure, stable for scripts (see the module docs).
    pub code: String,
    /// What went wrong.
    pub message: String,
    /// What to do about it, when provcat knows.
    pub help: Option<String>,
    /// The process's exit code.
    pub exit_code: u8,
    /// Every located problem, when the failure is a report of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<DiagnosticJson>,
}

/// One located problem of a broken catalog, config or request.
#[derive(Clone, Debug, Serialize)]
pub struct DiagnosticJson {
    /// The rule it broke (`unknown-key`, …).
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
    /// `file:line:col`, or the file alone when there is no position.
    pub location: Option<String>,
    /// What the label under the offending text says.
    pub label: Option<String>,
    /// What to do.
    pub help: Option<String>,
}

impl ErrorJson {
    /// A failure of `code` with `message` and no help.
    pub fn new(code: impl Into<String>, message: impl Into<String>, exit_code: u8) -> Self {
        ErrorJson {
            code: code.into(),
            message: message.into(),
            help: None,
            exit_code,
            diagnostics: Vec::new(),
        }
    }

    /// The same failure with `help`.
    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// A report of located problems (redacted): `code` is the first problem's rule,
    /// `message` and `help` the first problem's, `diagnostics` every problem.
    pub fn of_report(report: &Report, exit_code: u8) -> Self {
        let diagnostics = diagnostics(report);
        let (code, message, help) = match diagnostics.first() {
            Some(d) => (d.rule.to_string(), d.message.clone(), d.help.clone()),
            None => ("bad-input".to_string(), "invalid input".to_string(), None),
        };
        let message = match diagnostics.len() {
            0 | 1 => message,
            2 => format!("{message} (and 1 more problem)"),
            n => format!("{message} (and {} more problems)", n - 1),
        };
        ErrorJson {
            code,
            message,
            help,
            exit_code,
            diagnostics,
        }
    }

    /// A request that failed, with `chat`'s and `video`'s advice for `target`.
    pub fn of_client(error: &ClientError, target: &Target) -> Self {
        ErrorJson::new(client_code(error), error.to_string(), exit_code(error))
            .with_help(advice(error, target))
    }
}

/// The `code` of a request failure: the catalog's error kind for a provider's refusal,
/// else what happened to the request.
pub fn client_code(error: &ClientError) -> &'static str {
    match error {
        ClientError::Api { error, .. } => error.kind.as_str(),
        ClientError::Connect { .. } => "connect",
        ClientError::Network(_) => "network",
        ClientError::ConnectTimeout { .. } => "connect-timeout",
        ClientError::IdleTimeout(_) => "idle-timeout",
        ClientError::Truncated { .. } => "truncated",
        ClientError::Protocol(_) => "protocol",
        ClientError::Invalid(_) => "invalid",
        ClientError::Interrupted => "interrupted",
        ClientError::Redirected { .. } => "redirected",
        ClientError::TooLarge { .. } => "too-large",
    }
}

/// Every problem of `report`, redacted, in the report's order.
pub fn diagnostics(report: &Report) -> Vec<DiagnosticJson> {
    let report = say::report(report);
    report
        .diagnostics()
        .into_iter()
        .map(|d| DiagnosticJson {
            rule: d.rule.code(),
            message: d.message.clone(),
            location: report.location(d),
            label: d.label.clone(),
            help: d.help.clone(),
        })
        .collect()
}

/// `{"error": …}` alone on stdout: a failure with no other context.
#[derive(Serialize)]
struct Alone<'a> {
    error: &'a ErrorJson,
}

/// Prints `{"error": …}` for a command's failure on stdout.
pub fn print_failure(failure: &Failure) -> Outcome {
    print_json(&Alone {
        error: failure.json(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shape_is_code_message_help_exit_code() {
        let value = serde_json::to_value(Alone {
            error: &ErrorJson::new("bad-input", "no", 2).with_help(Some("do".into())),
        })
        .unwrap();
        assert_eq!(
            value,
            serde_json::json!({"error": {"code": "bad-input", "message": "no", "help": "do", "exit_code": 2}})
        );
    }
}
