//! A loopback DashScope / Model Studio emulator for provcat's tests and benchmarks.
//!
//! [`Emulator::start`] binds `127.0.0.1:0` and serves, on a background thread with its own
//! tokio runtime, the OpenAI-compatible chat endpoint of a Standard host
//! (`/compatible-mode/v1/chat/completions`) and of a Coding Plan host
//! (`/v1/chat/completions`), faithful to `shared/reference/dashscope-wire.md`: the same
//! auth rules, error shapes (envelope, flat and plain-string), thinking rules and stream
//! quirks (`usage: null` on every chunk but the last, `"choices": []` on the usage chunk,
//! `reasoning_content` before `content`, an SSE comment early in every stream, and one frame
//! per stream split inside a multi-byte character across two TCP writes).
//!
//! Requests are checked in this order: auth, queued [`Fault`], body shape, model, `developer`
//! role, image parts, thinking rules; then the answer set by [`Emulator::set_answer`].
//!
//! # Token counts (deterministic)
//!
//! - `prompt_tokens` = (number of `char`s in the text of all messages) / 4 + 1 (integer
//!   division), counting string contents and the `text` of `text` parts, nothing else;
//! - the answer is cut into pieces of `chunk_chars` characters (4 for [`Answer::Echo`]), one
//!   stream chunk each; [`Answer::Repeat`] has `chunks` pieces;
//! - `reasoning_tokens` = number of reasoning pieces (0 when the request does not think);
//! - `completion_tokens` = number of content pieces + `reasoning_tokens` (reasoning counts as
//!   output, as on the real API);
//! - `total_tokens` = `prompt_tokens` + `completion_tokens`; `cached_tokens` is always 0.
//!
//! A non-streaming answer has the same counts as the stream of the same request would.
//!
//! # Wan video tasks (native API, under [`Emulator::native_base_url`])
//!
//! `POST /api/v1/services/aigc/video-generation/video-synthesis` creates a task (Standard
//! key, `X-DashScope-Async: enable`, a body valid for one of [`VIDEO_MODELS`]);
//! `GET /api/v1/tasks/{id}` polls it, advancing it one step per poll along the
//! [`VideoScript`] in force when it was created; `POST /api/v1/tasks/{id}/cancel` cancels it
//! while `PENDING`; `GET /files/{id}.mp4` serves the video of a `SUCCEEDED` task. At most 20
//! polls and cancels are served per sliding second. Checks, faults and errors: see the
//! `video`, `media` and `tasks` modules.

mod answer;
mod chat;
mod clock;
mod errors;
mod faults;
mod files;
mod http;
mod media;
mod models;
mod server;
mod stream;
mod tasks;
mod video;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

pub use media::VIDEO_MODELS;
pub use models::{CHAT_MODELS, KnownModel, Plan, chat_models};

/// A running emulator; dropping it stops the server thread.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts on 127.0.0.1 with an OS-chosen port, on a background thread with its own tokio
    /// runtime (callable from plain `#[test]` fns and from inside another runtime).
    ///
    /// # Panics
    ///
    /// If the loopback socket or the runtime cannot be set up: test support has no way on
    /// without its server. [`Emulator::try_start`] returns the error instead.
    pub fn start() -> Emulator {
        match Emulator::try_start() {
            Ok(emulator) => emulator,
            Err(err) => panic!("cannot start the DashScope emulator on 127.0.0.1: {err}"),
        }
    }

    /// Like [`Emulator::start`], returning setup errors.
    pub fn try_start() -> std::io::Result<Emulator> {
        let shared = Arc::new(Shared::default());
        let (addr, stop, thread) = server::spawn(Arc::clone(&shared))?;
        Ok(Emulator {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/compatible-mode/v1`: a Standard (pay-as-you-go) host's
    /// OpenAI-compatible base.
    pub fn standard_base_url(&self) -> String {
        format!("{}/compatible-mode/v1", self.native_base_url())
    }

    /// `http://127.0.0.1:PORT/v1`: a Coding Plan host's base.
    pub fn coding_base_url(&self) -> String {
        format!("{}/v1", self.native_base_url())
    }

    /// `http://127.0.0.1:PORT`: the native API root (video tasks and files).
    pub fn native_base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in order (faulted ones included).
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// Queues a fault: each chat request, video create, task poll and task cancel that passes
    /// auth (and, for polls and cancels, the rate window) takes the next one (FIFO); with the
    /// queue empty, requests behave normally. Video files take none.
    pub fn push_fault(&self, fault: Fault) {
        self.shared.lock().faults.push_back(fault);
    }

    /// Sets how answers look from now on (default: [`Answer::Echo`]).
    pub fn set_answer(&self, answer: Answer) {
        self.shared.lock().answer = answer;
    }

    /// Sets how video tasks created from now on progress and what they yield (tasks already
    /// created keep their script).
    pub fn set_video_script(&self, script: VideoScript) {
        self.shared.lock().video.script = script;
    }

    /// Every video task created so far, in creation order, with its current status.
    pub fn video_tasks(&self) -> Vec<VideoTask> {
        self.shared.lock().video.list()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The server may already be gone; nothing to do then.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `GET`, `POST`, …
    pub method: String,
    /// The request target as sent, query included.
    pub path: String,
    /// Headers in the order received, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON; `Null` when empty or not JSON.
    pub body: serde_json::Value,
}

impl Recorded {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How answers look.
#[derive(Clone, Debug, Default)]
pub enum Answer {
    /// Content = `"echo: "` + the last user message's text (text parts joined with `"\n"`);
    /// reasoning (for thinking streams) = `"thinking about: "` + the same; pieces of 4 chars.
    #[default]
    Echo,
    /// This exact content (and optional reasoning, sent only when the request thinks),
    /// streamed in pieces of `chunk_chars` characters (0 means 4).
    Text {
        content: String,
        reasoning: Option<String>,
        chunk_chars: usize,
    },
    /// A long stream for benchmarks: `chunks` content chunks each carrying `piece`, written
    /// as fast as the socket takes them (frames are batched into 16 KiB writes) without
    /// building the whole body in memory. Never sends reasoning.
    Repeat { piece: String, chunks: usize },
}

/// A fault the next chat request suffers (see [`Emulator::push_fault`]).
///
/// `after_chunks` counts answer pieces (reasoning and content chunks, not the role, stop or
/// usage chunks); a count past the last piece applies right after the last piece.
///
/// A stream fault popped by a request that then fails validation is used up. On a
/// non-streaming request the stream faults act as follows: `ResetMidStream` sends the
/// headers and half of the body, then resets; `Stall` waits `for_ms` before answering;
/// `MalformedFrame` answers 200 with the body `{not json`; `ErrorFrame` answers 400
/// `data_inspection_failed` (what the real API does without streaming); `MissingDone` has no
/// effect. `Redirect`, `HugeBody` and `NoAnswer` (hostile servers) answer instead of the
/// request, streaming or not.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Read the request, then close without answering (RST: `SO_LINGER` 0).
    ResetBeforeHeaders,
    /// 200 and some frames, then reset the connection (no terminating chunk).
    ResetMidStream { after_chunks: usize },
    /// 200 and some frames, then nothing for `for_ms`, then the rest as usual.
    Stall { after_chunks: usize, for_ms: u64 },
    /// A `data: {not json` frame after some frames, then the rest as usual.
    MalformedFrame { after_chunks: usize },
    /// After some frames a `data_inspection_failed` error frame, then the end of the body
    /// (no stop chunk, no usage, no `[DONE]`).
    ErrorFrame { after_chunks: usize },
    /// Every content chunk, then the end of the body without the stop chunk, the usage
    /// chunk and `[DONE]`.
    MissingDone,
    /// 429 `limit_requests` envelope, with `Retry-After` when `Some`.
    RateLimit { retry_after_secs: Option<u64> },
    /// 500 flat `InternalError`.
    ServerError,
    /// 429 `insufficient_quota` envelope.
    Quota,
    /// 400 flat `Arrearage`.
    Arrearage,
    /// 405 `{"error": "Coding Plan is currently only available for Coding Agents"}`.
    CodingAgentsOnly,
    /// Any status with this body, verbatim (`Content-Type: application/json`).
    Status { status: u16, body: String },
    /// A redirect: `status` (301, 302, 303, 307 or 308) with `Location: location` and the
    /// body `{}`.
    Redirect { status: u16, location: String },
    /// 200 `application/json` with a body of exactly `bytes` bytes, `{"pad":"xx…x"}` (valid
    /// JSON from 10 bytes up; shorter, a prefix of it), generated as it is written, never
    /// built whole. With `chunked` it goes without `Content-Length`, so a client only
    /// learns its size by reading it.
    HugeBody { bytes: u64, chunked: bool },
    /// Read the request, then answer nothing, keeping the connection open until the
    /// emulator stops.
    NoAnswer,
}

/// How a video task progresses and what it yields (see [`Emulator::set_video_script`]).
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

/// State shared between the handle and the server.
#[derive(Default)]
struct Shared {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    faults: VecDeque<Fault>,
    answer: Answer,
    next_id: u64,
    video: tasks::Board,
}

impl Shared {
    /// Locks the state; a panic elsewhere while holding it cannot leave it inconsistent
    /// (every update is a single push/pop/assignment), so poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A fresh request id, `00000000-0000-4000-8000-` + 12 hex digits of a counter.
    fn request_id(&self) -> String {
        let mut state = self.lock();
        state.next_id += 1;
        format!("00000000-0000-4000-8000-{:012x}", state.next_id)
    }
}
