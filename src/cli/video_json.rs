//! What `provcat video … --json` prints: the task ([`TaskJson`]) and, for a failure, the
//! `error` object every command's failure has ([`ErrorJson`]): for a task that FAILED,
//! was CANCELED or is UNKNOWN ([`task_error`]), for a stop by a signal ([`stop_code`]), and
//! for a request that failed.

use provcat::client::TaskStatus;
use serde::Serialize;

use super::json_error::ErrorJson;
use super::signals::Stop;

/// `--json` output; a failure adds `error`, the shape of every command's failure
/// ([`ErrorJson`]).
#[derive(Serialize)]
pub struct TaskJson<'a> {
    /// The video model's ref, as resolved (`qwen/wan2.6-t2v`).
    pub model: &'a str,
    /// The task's id (empty when no task was created).
    pub task_id: &'a str,
    /// `PENDING`, `RUNNING`, `SUCCEEDED`, `FAILED`, `CANCELED`, `UNKNOWN`, or `ERROR` when
    /// the command failed before a final state was known.
    pub status: &'a str,
    /// The video, once SUCCEEDED.
    pub video_url: Option<&'a str>,
    /// What the task used, as the provider reports it.
    pub usage: Option<&'a serde_json::Value>,
    /// Where the video was saved (`--output`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<&'a std::path::Path>,
    /// The provider's code for a FAILED task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'a str>,
    /// The provider's message for a FAILED task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
    /// Why the command failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorJson>,
}

impl<'a> TaskJson<'a> {
    /// A task that ended in `error` before a final state was known (`status` "ERROR").
    pub fn error(model: &'a str, task_id: Option<&'a str>, error: ErrorJson) -> Self {
        TaskJson {
            model,
            task_id: task_id.unwrap_or(""),
            status: "ERROR",
            video_url: None,
            usage: None,
            output: None,
            code: None,
            message: None,
            error: Some(error),
        }
    }
}

/// The `error` of a task that ended without its video: FAILED, CANCELED or UNKNOWN.
pub fn task_error(status: &TaskStatus) -> Option<ErrorJson> {
    let id = &status.task_id;
    let (code, message, exit) = match status.status.as_str() {
        "SUCCEEDED" | "PENDING" | "RUNNING" => return None,
        "FAILED" => (
            "task-failed",
            format!(
                "task {id} FAILED: {}{}",
                status
                    .code
                    .as_deref()
                    .map(|c| format!("{c}: "))
                    .unwrap_or_default(),
                status.message.as_deref().unwrap_or("no reason given")
            ),
            5,
        ),
        "CANCELED" => ("task-canceled", format!("task {id} was CANCELED"), 6),
        other => (
            "task-unknown",
            format!(
                "task {id} is {other}: the id is unknown or expired (task ids expire after 24 hours)"
            ),
            7,
        ),
    };
    Some(ErrorJson::new(code, message, exit))
}

/// The `code` of a stop by a signal.
pub fn stop_code(stop: Stop) -> &'static str {
    match stop {
        Stop::Interrupt => "interrupted",
        Stop::Terminate => "terminated",
    }
}
