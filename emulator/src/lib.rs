//! A loopback emulator of LLM provider APIs for provcat's tests and benchmarks: DashScope /
//! Model Studio (OpenAI-compatible chat on a Standard and a Coding Plan path, the native Wan
//! video task API), an Anthropic Messages surface and a generic OpenAI Chat Completions
//! surface (OpenAI and OpenRouter behaviours), all raw HTTP/1.1 on `127.0.0.1`.
//!
//! [`Emulator::start`] binds `127.0.0.1:0` and serves, on a background thread with its own
//! tokio runtime, every surface at its default place; [`Emulator::start_with`] takes an
//! [`EmulatorConfig`] that moves paths, key prefixes and model tables (see *Profiles*).
//!
//! | surface | served at (defaults) | base URL for clients | keys |
//! |---|---|---|---|
//! | DashScope Standard chat | `POST /compatible-mode/v1/chat/completions` | [`Emulator::standard_base_url`] | `Authorization: Bearer sk-…` |
//! | DashScope Coding Plan chat | `POST /v1/chat/completions` | [`Emulator::coding_base_url`] | `Authorization: Bearer sk-sp-…` |
//! | Wan video tasks, files | `{root}/api/v1/…`, `GET {root}/files/{id}.mp4` | [`Emulator::native_base_url`] | Standard keys |
//! | Anthropic Messages | `POST {root}/anthropic/v1/messages` | [`Emulator::anthropic_base_url`] (the client appends `/v1/messages`) | `x-api-key: sk-ant-…` |
//! | OpenAI Chat Completions | `POST {root}/openai/v1/chat/completions` | [`Emulator::openai_base_url`] (the client appends `/chat/completions`) | `Authorization: Bearer sk-proj-…` |
//!
//! `{root}` is [`Profile::native_root`], `""` by default. On every surface a key containing
//! `bad` is refused as a wrong key. Anything else gets 404: in Anthropic shape
//! (`not_found_error`) under the Anthropic base path, in OpenAI shape under the OpenAI base
//! path, else DashScope's flat `NotFound`. Every request is recorded ([`Emulator::requests`],
//! with the [`Surface`] it reached). Every response carries a request id header:
//! `x-request-id` (DashScope, OpenAI) or `request-id` (Anthropic).
//!
//! # Profiles
//!
//! [`Profile`] holds the DashScope-style layout: the Standard and Coding base paths, the
//! native root, the Standard and Coding key prefixes and the chat models. A key's plan is
//! decided by the longest of the two prefixes it starts with; a key starting with neither
//! is an incorrect key everywhere (401). A "twin" provider — DashScope in every respect but
//! its names — is a profile such as `/twin-mode/v1`, `/twin/v1`, root `/twin-native`, keys
//! `tk-` / `tk-cp-`: it answers exactly as the default does for `sk-` / `sk-sp-`, with the
//! same error bodies and codes (they are the server's wire facts). [`SurfaceConfig`] moves
//! the Anthropic or OpenAI surface (its path below the root), sets its key prefix and its
//! models. A bad configuration is refused by [`Emulator::try_start_with`] ([`ConfigError`]).
//!
//! # Models
//!
//! Defaults, every table replaceable through the config: DashScope [`CHAT_MODELS`];
//! Anthropic [`anthropic_models`]: `claude-sonnet-4-5` (reasoning, images),
//! `claude-haiku-4-5` (images); OpenAI [`openai_models`]: `gpt-5` (reasoning, images),
//! `gpt-4.1` (images), `o4-mini` (reasoning, images), `anthropic/claude-sonnet-4.5`
//! (reasoning, images), `deepseek/deepseek-r1:free` (reasoning). Ids are matched exactly and
//! may hold `/` and `:`.
//!
//! # DashScope chat
//!
//! Faithful to DashScope's wire facts: the same auth rules, error shapes (envelope, flat and
//! plain-string), thinking rules and stream quirks (`usage: null` on every chunk but the
//! last, `"choices": []` on the usage chunk, `reasoning_content` before `content`, an SSE
//! comment early in every stream, and one frame per stream split inside a multi-byte
//! character across two TCP writes — the latter on every surface). Requests are checked in
//! this order: auth, queued [`Fault`], body shape, model, `developer` role, image parts,
//! thinking rules; then the answer set by [`Emulator::set_answer`].
//!
//! # Anthropic Messages
//!
//! Checked in this order (every refusal is `{"type": "error", "error": {"type",
//! "message"}, "request_id": "req_…"}`):
//!
//! | rule | status, `error.type`, message |
//! |---|---|
//! | `x-api-key` missing or empty (a Bearer `Authorization` alone does not count) | 401 `authentication_error` "x-api-key header is required" |
//! | key without the surface's prefix, or containing `bad` | 401 `authentication_error` "invalid x-api-key" |
//! | `anthropic-version` missing | 400 `invalid_request_error` "anthropic-version: header is required" |
//! | `anthropic-version` not `2023-06-01` (or `2023-01-01`) | 400 `invalid_request_error` |
//! | then a queued [`Fault`] is taken | |
//! | body not an object; `model` missing; `max_tokens` missing or < 1; `messages` missing, not a list or empty | 400 `invalid_request_error`, e.g. "max_tokens: Field required" |
//! | unknown model | 404 `not_found_error` "model: {id}" |
//! | `system` not a string or a list of text blocks | 400 |
//! | a message with role `system` | 400 "messages: Unexpected role \"system\". The Messages API accepts a top-level \`system\` parameter, …" |
//! | another role than `user`/`assistant`; first not `user`; two same roles in a row | 400 |
//! | content neither a string nor a list of blocks; empty content (except a final assistant message) | 400 |
//! | a block other than `text` (with a string `text`), `image` (`source` `{type: "base64", media_type: image/jpeg\|png\|gif\|webp, data}` or `{type: "url", url: "http(s)://…"}`), or — in assistant messages — `thinking` / `redacted_thinking` | 400 |
//! | an image for a model without images | 400 |
//! | `thinking` not `{type: "disabled"}` or `{type: "enabled", budget_tokens}`; enabled on a model without reasoning; `budget_tokens` < 1024; `budget_tokens` ≥ `max_tokens` | 400 |
//! | `temperature` not a number in [0, 1], or set at all while thinking is enabled | 400 |
//! | `stop_sequences` not a list of strings; `stream` not a boolean | 400 |
//!
//! The answer ([`Answer`]) thinks when `thinking` is enabled: reasoning is cut to
//! `budget_tokens` pieces. The content is cut before the first `stop_sequences` match
//! (`stop_reason: "stop_sequence"`, `stop_sequence` set); then reasoning and content
//! together are cut to `max_tokens` pieces, reasoning first (`stop_reason: "max_tokens"` if
//! anything was cut); else `stop_reason: "end_turn"`. Non-streaming: `{"id": "msg_…", "type":
//! "message", "role": "assistant", "model", "content": [{"type": "thinking", "thinking",
//! "signature"}, {"type": "text", "text"}], "stop_reason", "stop_sequence", "usage":
//! {"input_tokens", "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
//! "output_tokens"}}` (the thinking block only when there is reasoning; the text block
//! always). Streaming (`Content-Type: text/event-stream; charset=utf-8`), named events whose
//! `data` has a `type` equal to the name, no `[DONE]`:
//!
//! 1. `message_start` (`message` with empty `content`, `stop_reason: null`, `usage` with
//!    `input_tokens`, both cache counts 0 and `output_tokens: 1`, a placeholder);
//! 2. `ping`;
//! 3. with reasoning: `content_block_start` (index 0, `{"type": "thinking", "thinking": "",
//!    "signature": ""}`), one `content_block_delta` `thinking_delta` per reasoning piece, a
//!    `signature_delta` (an opaque `sig_…`), `content_block_stop`;
//! 4. `content_block_start` (index 1 after a thinking block, else 0, `{"type": "text", "text":
//!    ""}`), one `text_delta` per content piece, `content_block_stop`;
//! 5. `message_delta` (`delta.stop_reason`, `delta.stop_sequence`, `usage.output_tokens`:
//!    the cumulative total, which replaces the placeholder);
//! 6. `message_stop`.
//!
//! A `ping` also follows the answer pieces numbered 1, 33, 65, … (counting thinking and text
//! deltas together), before any block change that follows the same piece.
//!
//! # OpenAI Chat Completions (generic)
//!
//! Checked in this order (refusals are `{"error": {"message", "type", "param", "code"}}`,
//! `type` `invalid_request_error` unless said otherwise):
//!
//! | rule | status, `code` (`param`), message |
//! |---|---|
//! | no Bearer key | 401, code null, "You didn't provide an API key. …" |
//! | key without the surface's prefix, or containing `bad` | 401 `invalid_api_key` "Incorrect API key provided." |
//! | then a queued [`Fault`] is taken | |
//! | body not an object; `model` missing | 400, code null |
//! | `messages` missing, not an array, empty | 400 `missing_required_parameter` / `invalid_type` / `empty_array` (`messages`) |
//! | unknown model | 404 `model_not_found` "The model \`{id}\` does not exist or you do not have access to it." |
//! | a role other than `system`, `developer`, `user`, `assistant`, `tool`, `function` | 400 `invalid_value` (`messages[i].role`) |
//! | an `image_url` part for a model without images | 400, code null, "Invalid content type. image_url is only supported by certain models." |
//! | `stream` not a boolean; `stream_options` without `stream: true` | 400 (`stream`, `stream_options`) |
//! | reasoning model with `max_tokens` | 400 `unsupported_parameter` (`max_tokens`) "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead." |
//! | `max_tokens` / `max_completion_tokens` not an integer ≥ 1 | 400 `invalid_type` / `integer_below_min_value` |
//! | `temperature` not a number in [0, 2]; on a reasoning model, anything but 1 | 400 `invalid_value`; `unsupported_value` (`temperature`) "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported." |
//! | `reasoning_effort` on a model without reasoning | 400 `unsupported_parameter` (`reasoning_effort`) |
//! | `reasoning_effort` not `minimal`, `low`, `medium` or `high` | 400 `invalid_value` (`reasoning_effort`) |
//! | `stop` not a string or a list of at most 4 strings | 400 `invalid_value` (`stop`) |
//!
//! `developer` is accepted everywhere; OpenRouter's `reasoning` object and other unknown
//! fields are ignored; `reasoning_effort` changes nothing in the answer. A reasoning model
//! always reasons (whether or not `reasoning_effort` is given) and returns its reasoning
//! text as `reasoning` (`delta.reasoning` when streaming, `message.reasoning` otherwise);
//! other models never reason. The content is cut at the first `stop` match; then reasoning
//! and content together are cut to `max_completion_tokens` (else `max_tokens`) pieces,
//! reasoning first: `finish_reason` is `length` if anything was cut, else `stop`.
//!
//! Streaming (`Content-Type: text/event-stream; charset=utf-8`): the comment
//! `: OPENROUTER PROCESSING` (clients must skip SSE comments); a role chunk (`delta:
//! {"role": "assistant", "content": "", "refusal": null}`); one chunk per reasoning piece
//! (`delta: {"content": "", "reasoning": piece}`); one per content piece (`delta:
//! {"content": piece}`, plus `"reasoning": null` on reasoning models); a stop chunk (`delta:
//! {}`, `finish_reason`); with `stream_options.include_usage` a usage chunk (`"choices":
//! []`); `data: [DONE]`. Chunks are `chat.completion.chunk` objects with `id: "chatcmpl-…"`,
//! `system_fingerprint`, and — only with `include_usage` — `usage` (null but on the usage
//! chunk). Usage is `{"prompt_tokens", "completion_tokens", "total_tokens",
//! "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details":
//! {"reasoning_tokens"}}`, on non-streaming answers always.
//!
//! # Token counts (deterministic, every surface)
//!
//! - prompt tokens = (number of `char`s of prompt text) / 4 + 1 (integer division),
//!   counting string contents and the `text` of `text` parts or blocks of every message, and
//!   on the Anthropic surface the top-level `system` text too; nothing else (images, roles,
//!   names) counts;
//! - the answer is cut into pieces of `chunk_chars` characters (4 for [`Answer::Echo`]), one
//!   stream chunk (or delta event) each; [`Answer::Repeat`] has `chunks` pieces;
//! - reasoning tokens = number of reasoning pieces (0 when the request does not think);
//! - output tokens = number of content pieces + reasoning tokens (reasoning counts as
//!   output, as on the real APIs); the limits above cut pieces, so they cut these counts;
//! - total = prompt + output; cached and cache-creation counts are always 0.
//!
//! Names: DashScope and OpenAI `prompt_tokens`, `completion_tokens`, `total_tokens`,
//! `completion_tokens_details.reasoning_tokens` (DashScope: only when thinking); Anthropic
//! `input_tokens`, `output_tokens`. A non-streaming answer has the same counts as the stream
//! of the same request would.
//!
//! # Faults
//!
//! [`Emulator::push_fault`] queues [`Fault`]s, taken in order by the chat, messages and video
//! task requests that pass auth; the [`Fault`] docs give each fault's shape on each surface.
//! Besides provider errors and broken streams there are hostile-server faults for client
//! hardening, alike on every surface: a redirect ([`Fault::Redirect`]), a body of any size
//! generated as it is written, with or without `Content-Length` ([`Fault::HugeBody`]), and
//! no answer at all on an open connection ([`Fault::NoAnswer`]).
//!
//! # Wan video tasks (native API, under [`Emulator::native_base_url`])
//!
//! `POST {root}/api/v1/services/aigc/video-generation/video-synthesis` creates a task
//! (Standard key, `X-DashScope-Async: enable`, a body valid for one of [`VIDEO_MODELS`]);
//! `GET {root}/api/v1/tasks/{id}` polls it, advancing it one step per poll along the
//! [`VideoScript`] in force when it was created; `POST {root}/api/v1/tasks/{id}/cancel`
//! cancels it while `PENDING`; `GET {root}/files/{id}.mp4` serves the video of a `SUCCEEDED`
//! task (its `video_url` includes the root), or a redirect instead when the script's
//! [`VideoScript::file_redirect`] is set. At most 20 polls and cancels are served per
//! sliding second. Checks, faults and errors: see the `video`, `media` and `tasks` modules.

mod answer;
mod anthropic;
mod anthropic_stream;
mod chat;
mod clock;
mod errors;
mod faults;
mod files;
mod hostile;
mod http;
mod media;
mod models;
mod openai;
mod openai_stream;
mod profile;
mod server;
mod stream;
mod tasks;
mod video;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

pub use answer::Answer;
pub use faults::Fault;
pub use media::{Parameters, VIDEO_MODELS, parameters_of};
pub use models::{
    CHAT_MODELS, KnownModel, Plan, SurfaceModel, anthropic_models, chat_models, openai_models,
};
pub use profile::{ConfigError, EmulatorConfig, Profile, StartError, Surface, SurfaceConfig};
pub use tasks::{VideoEnd, VideoScript, VideoTask};

/// A running emulator; dropping it stops the server thread.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts with the default configuration (DashScope's layout, the Anthropic and OpenAI
    /// surfaces at their default paths) on 127.0.0.1 with an OS-chosen port, on a background
    /// thread with its own tokio runtime (callable from plain `#[test]` fns and from inside
    /// another runtime).
    ///
    /// # Panics
    ///
    /// If the loopback socket or the runtime cannot be set up: test support has no way on
    /// without its server. [`Emulator::try_start`] returns the error instead.
    pub fn start() -> Emulator {
        Emulator::start_with(EmulatorConfig::default())
    }

    /// Like [`Emulator::start`], returning setup errors.
    pub fn try_start() -> std::io::Result<Emulator> {
        Emulator::try_start_with(EmulatorConfig::default()).map_err(|err| match err {
            StartError::Io(err) => err,
            StartError::Config(err) => std::io::Error::new(std::io::ErrorKind::InvalidInput, err),
        })
    }

    /// Starts with this configuration.
    ///
    /// # Panics
    ///
    /// If the configuration is invalid or the server cannot be set up (the message says
    /// which); [`Emulator::try_start_with`] returns the error instead.
    pub fn start_with(config: EmulatorConfig) -> Emulator {
        match Emulator::try_start_with(config) {
            Ok(emulator) => emulator,
            Err(err) => panic!("cannot start the provider emulator: {err}"),
        }
    }

    /// Like [`Emulator::start_with`], returning the error.
    pub fn try_start_with(config: EmulatorConfig) -> Result<Emulator, StartError> {
        let shared = Arc::new(Shared {
            config: profile::check(config)?,
            state: Mutex::default(),
        });
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

    /// The configuration in force.
    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.config.public
    }

    /// `http://127.0.0.1:PORT/compatible-mode/v1` by default: the Standard (pay-as-you-go)
    /// host's OpenAI-compatible base ([`Profile::standard_base`]).
    pub fn standard_base_url(&self) -> String {
        self.url(&self.config().profile.standard_base)
    }

    /// `http://127.0.0.1:PORT/v1` by default: the Coding Plan host's base
    /// ([`Profile::coding_base`]).
    pub fn coding_base_url(&self) -> String {
        self.url(&self.config().profile.coding_base)
    }

    /// `http://127.0.0.1:PORT` by default: the native API root (video tasks and files;
    /// [`Profile::native_root`]).
    pub fn native_base_url(&self) -> String {
        self.url(&self.config().profile.native_root)
    }

    /// `http://127.0.0.1:PORT/anthropic` by default: the Anthropic Messages base URL, as a
    /// provider documents it (clients append `/v1/messages`).
    pub fn anthropic_base_url(&self) -> String {
        self.url(&self.shared.config.routes.anthropic_base)
    }

    /// `http://127.0.0.1:PORT/openai/v1` by default: the OpenAI Chat Completions base URL
    /// (clients append `/chat/completions`).
    pub fn openai_base_url(&self) -> String {
        self.url(&self.shared.config.routes.openai_base)
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Every request received so far, in order (faulted ones included).
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// Queues a fault: each chat request, messages request, video create, task poll and task
    /// cancel that passes auth (on the Anthropic surface also the `anthropic-version` check;
    /// for polls and cancels the rate window) takes the next one (FIFO); with the queue
    /// empty, requests behave normally. Video files and unrouted requests take none (a
    /// file answers a redirect through [`VideoScript::file_redirect`]).
    pub fn push_fault(&self, fault: Fault) {
        self.shared.lock().faults.push_back(fault);
    }

    /// Sets how answers look from now on, on every surface (default: [`Answer::Echo`]).
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
    /// The surface the request reached.
    pub surface: Surface,
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

/// `prefix` + the hex digits of a request id (`req_…`, `msg_…`, `chatcmpl-…` on the
/// Anthropic and OpenAI surfaces).
fn prefixed(prefix: &str, request_id: &str) -> String {
    let digits: String = request_id.chars().filter(|c| *c != '-').collect();
    format!("{prefix}{digits}")
}

/// State shared between the handle and the server.
struct Shared {
    /// The checked configuration (never changes).
    config: profile::Config,
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

    /// A fresh request id, `00000000-0000-4000-8000-` + 12 hex digits of a counter (see
    /// [`prefixed`] for the Anthropic and OpenAI forms).
    fn request_id(&self) -> String {
        let mut state = self.lock();
        state.next_id += 1;
        format!("00000000-0000-4000-8000-{:012x}", state.next_id)
    }

    /// Pops the next fault.
    fn pop_fault(&self) -> Option<Fault> {
        self.lock().faults.pop_front()
    }

    /// Pops the next fault and reads the answer setting, under one lock.
    fn fault_and_answer(&self) -> (Option<Fault>, Answer) {
        let mut state = self.lock();
        (state.faults.pop_front(), state.answer.clone())
    }
}
