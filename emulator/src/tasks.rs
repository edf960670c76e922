//! Video tasks: how they progress ([`VideoScript`]), the board they live on, how each poll advances them by their
//! [`VideoScript`], cancels, the task request rate window, and the poll answer's JSON.
//!
//! A task is `PENDING` when created. Poll number `k` (1-based) answers `PENDING` while
//! `k ≤ pending_polls`, `RUNNING` while `k ≤ pending_polls + running_polls`, then the end
//! (`SUCCEEDED` or `FAILED`) for good. A task's status is what its last poll said, so a
//! cancel succeeds until a poll has reported `RUNNING`. Tasks never expire.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::clock;
use crate::media::Checked;

/// How a video task progresses and what it yields (see [`crate::Emulator::set_video_script`]).
///
/// Poll `k` (1-based) answers `PENDING` while `k ≤ pending_polls`, `RUNNING` while
/// `k ≤ pending_polls + running_polls`, then the [`VideoEnd`] for good.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VideoScript {
    /// Polls answered `PENDING` before `RUNNING` (default 1).
    pub pending_polls: u32,
    /// Polls answered `RUNNING` before the end (default 1).
    pub running_polls: u32,
    /// How the task ends (default [`VideoEnd::Succeed`]).
    pub end: VideoEnd,
    /// Put the URL in `output.results[0].video_url` instead of `output.video_url`
    /// (default false).
    pub results_variant: bool,
    /// The size of the served MP4 in bytes (default 1024); streamed, never built whole.
    pub file_bytes: usize,
    /// The `Content-Type` the MP4 is served with (default `video/mp4`).
    pub content_type: String,
    /// Answer the file with this redirect (status, `Location`) instead of the MP4
    /// (default none).
    pub file_redirect: Option<(u16, String)>,
}

impl Default for VideoScript {
    fn default() -> VideoScript {
        VideoScript {
            pending_polls: 1,
            running_polls: 1,
            end: VideoEnd::Succeed,
            results_variant: false,
            file_bytes: 1024,
            content_type: "video/mp4".to_owned(),
            file_redirect: None,
        }
    }
}

/// How a video task ends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum VideoEnd {
    /// `SUCCEEDED`, with `video_url` and `usage`.
    #[default]
    Succeed,
    /// `FAILED`, with this `output.code` and `output.message`.
    Fail { code: String, message: String },
}

/// A video task as the emulator holds it.
#[derive(Clone, Debug)]
pub struct VideoTask {
    /// The task id.
    pub id: String,
    /// `PENDING`, `RUNNING`, `SUCCEEDED`, `FAILED` or `CANCELED`: what the last poll (or
    /// the cancel) said.
    pub status: String,
    /// The create request's body.
    pub body: serde_json::Value,
}

/// At most this many task requests (polls and cancels) are served per sliding second.
pub(crate) const TASK_REQUESTS_PER_SECOND: usize = 20;
const WINDOW: Duration = Duration::from_secs(1);

/// Every video task, the script for new ones, and the rate window.
#[derive(Default)]
pub(crate) struct Board {
    /// `http://127.0.0.1:PORT{native_root}`, for `video_url`.
    native: String,
    /// The port, mixed into task ids.
    port: u16,
    pub script: VideoScript,
    tasks: Vec<Task>,
    /// When the task requests served in the last second arrived (≤ 20 entries).
    recent: VecDeque<Instant>,
    created: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Pending,
    Running,
    Succeeded,
    Failed,
    Canceled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "PENDING",
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::Canceled => "CANCELED",
        }
    }

    fn is_final(self) -> bool {
        matches!(self, Status::Succeeded | Status::Failed | Status::Canceled)
    }
}

struct Task {
    id: String,
    body: Value,
    script: VideoScript,
    checked: Checked,
    status: Status,
    polls: u64,
    submit_time: String,
    scheduled_time: Option<String>,
    end_time: Option<String>,
}

/// What a cancel found.
pub(crate) enum Cancel {
    Done,
    NotPending,
    Unknown,
}

/// A served video file: its size and content type.
pub(crate) struct File {
    pub bytes: usize,
    pub content_type: String,
    /// A redirect (status, `Location`) to answer instead of the file.
    pub redirect: Option<(u16, String)>,
}

impl Board {
    /// The native API root URL (`http://127.0.0.1:PORT{root}`) and the port (set once,
    /// before the server serves).
    pub fn set_native(&mut self, native: String, port: u16) {
        self.native = native;
        self.port = port;
    }

    /// Creates a `PENDING` task under the current script; returns its id.
    pub fn create(&mut self, body: Value, checked: Checked) -> String {
        self.created += 1;
        let id = format!(
            "{:08x}-{:04x}-4000-a000-{:012x}",
            0x7a5c_0000 | u64::from(self.port),
            self.created >> 48,
            self.created & 0xffff_ffff_ffff
        );
        self.tasks.push(Task {
            id: id.clone(),
            body,
            script: self.script.clone(),
            checked,
            status: Status::Pending,
            polls: 0,
            submit_time: clock::now(),
            scheduled_time: None,
            end_time: None,
        });
        id
    }

    /// Counts a task request; `false` when 20 were already served in the last second.
    pub fn admit(&mut self, now: Instant) -> bool {
        while self
            .recent
            .front()
            .is_some_and(|&at| now.duration_since(at) >= WINDOW)
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= TASK_REQUESTS_PER_SECOND {
            return false;
        }
        self.recent.push_back(now);
        true
    }

    /// Advances the task one step and answers the poll (`UNKNOWN` for an unknown id).
    pub fn poll(&mut self, id: &str, request_id: &str) -> Value {
        let native = self.native.clone();
        let Some(task) = self.find(id) else {
            return json!({
                "request_id": request_id,
                "output": {"task_id": id, "task_status": "UNKNOWN"},
            });
        };
        task.step();
        task.answer(&native, request_id)
    }

    /// Cancels the task if it is `PENDING`.
    pub fn cancel(&mut self, id: &str) -> Cancel {
        match self.find(id) {
            None => Cancel::Unknown,
            Some(task) if task.status == Status::Pending => {
                task.status = Status::Canceled;
                task.end_time = Some(clock::now());
                Cancel::Done
            }
            Some(_) => Cancel::NotPending,
        }
    }

    /// The file of a `SUCCEEDED` task.
    pub fn file(&mut self, id: &str) -> Option<File> {
        let task = self.find(id)?;
        (task.status == Status::Succeeded).then(|| File {
            bytes: task.script.file_bytes,
            content_type: task.script.content_type.clone(),
            redirect: task.script.file_redirect.clone(),
        })
    }

    /// Every task, in creation order.
    pub fn list(&self) -> Vec<VideoTask> {
        self.tasks
            .iter()
            .map(|t| VideoTask {
                id: t.id.clone(),
                status: t.status.as_str().to_owned(),
                body: t.body.clone(),
            })
            .collect()
    }

    fn find(&mut self, id: &str) -> Option<&mut Task> {
        self.tasks.iter_mut().find(|t| t.id == id)
    }
}

impl Task {
    /// One poll's worth of progress.
    fn step(&mut self) {
        if self.status.is_final() {
            return;
        }
        self.polls += 1;
        let pending = u64::from(self.script.pending_polls);
        let running = pending + u64::from(self.script.running_polls);
        self.status = if self.polls <= pending {
            Status::Pending
        } else if self.polls <= running {
            Status::Running
        } else {
            match self.script.end {
                VideoEnd::Succeed => Status::Succeeded,
                VideoEnd::Fail { .. } => Status::Failed,
            }
        };
        if self.status != Status::Pending && self.scheduled_time.is_none() {
            self.scheduled_time = Some(clock::now());
        }
        if self.status.is_final() {
            self.end_time = Some(clock::now());
        }
    }

    /// The poll answer for the task as it stands.
    fn answer(&self, native: &str, request_id: &str) -> Value {
        let mut output = json!({
            "task_id": self.id,
            "task_status": self.status.as_str(),
            "submit_time": self.submit_time,
        });
        if let Some(at) = &self.scheduled_time {
            output["scheduled_time"] = json!(at);
        }
        if let Some(at) = &self.end_time {
            output["end_time"] = json!(at);
        }
        let mut answer = json!({"request_id": request_id});
        match (&self.status, &self.script.end) {
            (Status::Succeeded, _) => {
                let url = format!("{native}/files/{}.mp4", self.id);
                if self.script.results_variant {
                    output["results"] = json!([{"video_url": url}]);
                } else {
                    output["video_url"] = json!(url);
                }
                if let Some(prompt) = self.body.pointer("/input/prompt") {
                    output["orig_prompt"] = prompt.clone();
                }
                answer["usage"] = json!({
                    "duration": self.checked.duration,
                    "video_count": 1,
                    "SR": self.checked.sr,
                });
            }
            (Status::Failed, VideoEnd::Fail { code, message }) => {
                output["code"] = json!(code);
                output["message"] = json!(message);
            }
            _ => {}
        }
        answer["output"] = output;
        answer
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{Board, TASK_REQUESTS_PER_SECOND};

    #[test]
    fn the_window_slides() {
        let mut board = Board::default();
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        for i in 0..TASK_REQUESTS_PER_SECOND as u64 {
            assert!(board.admit(at(i * 10)));
        }
        assert!(!board.admit(at(500)));
        assert!(!board.admit(at(999)));
        // The first one left the window; throttled ones never entered it.
        assert!(board.admit(at(1000)));
        assert!(!board.admit(at(1005)));
        assert!(board.admit(at(1010)));
        assert!(board.admit(at(3000)));
    }
}
