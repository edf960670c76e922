//! One structured log line per request, via `tracing` (target `provcat::serve`): front,
//! the model as asked, the canonical ref, provider, upstream model, status, whether it
//! streamed, time to first byte, duration, usage, cost, retries and — for a failure — the
//! error (scrubbed like every message the gateway writes). The line is written when the
//! request's [`Record`] is dropped, whatever ended it: the answer's end, an error, or the
//! client going away (status 499, the upstream request cancelled with it). The same
//! numbers go to [`super::metrics`].
//!
//! The subscriber is installed by [`init_logging`]: human-readable on stderr (coloured on
//! a terminal unless `NO_COLOR` is set), or one JSON object per line with `--log-json`.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::metrics::Observed;
use super::request::Front;
use super::state::State;

/// What is known about a request so far; logged and counted when dropped.
pub struct Record {
    state: Arc<State>,
    front: Front,
    started: Instant,
    /// The model as the client named it.
    pub model: Option<String>,
    /// The canonical ref.
    pub canonical: Option<String>,
    /// The provider id.
    pub provider: Option<String>,
    /// The model that answered, as the upstream named it.
    pub upstream_model: Option<String>,
    /// Whether the answer streams.
    pub stream: bool,
    /// The status answered; `None` until the request ends.
    pub status: Option<u16>,
    /// When the first byte of the answer was ready.
    pub first_byte: Option<Duration>,
    /// Prompt and completion tokens.
    pub tokens: Option<(u64, u64)>,
    /// The cost in USD.
    pub cost: Option<f64>,
    /// Upstream retries.
    pub retries: u32,
    /// The error, when the request failed (already scrubbed).
    pub error: Option<String>,
}

impl Record {
    /// A record of a request of `front` that starts now.
    pub fn start(state: Arc<State>, front: Front) -> Record {
        state.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
        Record {
            state,
            front,
            started: Instant::now(),
            model: None,
            canonical: None,
            provider: None,
            upstream_model: None,
            stream: false,
            status: None,
            first_byte: None,
            tokens: None,
            cost: None,
            retries: 0,
            error: None,
        }
    }

    /// Notes that the first byte of the answer is ready (once).
    pub fn first_byte(&mut self) {
        if self.first_byte.is_none() {
            self.first_byte = Some(self.started.elapsed());
        }
    }
}

impl Drop for Record {
    fn drop(&mut self) {
        let duration = self.started.elapsed();
        let disconnected = self.status.is_none();
        let status = self.status.unwrap_or(499);
        let metrics = &self.state.metrics;
        metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
        metrics.observe(
            self.front,
            &Observed {
                status,
                duration,
                first_byte: self.first_byte,
                tokens: self.tokens,
                cost: self.cost,
                disconnected,
            },
        );
        let error = if disconnected {
            Some("the client went away; the upstream request was cancelled")
        } else {
            self.error.as_deref()
        };
        tracing::info!(
            target: "provcat::serve",
            front = self.front.as_str(),
            model = %Opt(self.model.as_deref()),
            r#ref = %Opt(self.canonical.as_deref()),
            provider = %Opt(self.provider.as_deref()),
            upstream_model = %Opt(self.upstream_model.as_deref()),
            status,
            stream = self.stream,
            ttfb_ms = %Opt(self.first_byte.map(millis)),
            duration_ms = %millis(duration),
            prompt_tokens = %Opt(self.tokens.map(|t| t.0)),
            completion_tokens = %Opt(self.tokens.map(|t| t.1)),
            cost_usd = %Opt(self.cost),
            retries = self.retries,
            error = %Opt(error.map(crate::escape::controls)),
            "request"
        );
    }
}

fn millis(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// An optional value, `-` when absent.
struct Opt<T>(Option<T>);

impl<T: fmt::Display> fmt::Display for Opt<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(v) => v.fmt(f),
            None => f.write_str("-"),
        }
    }
}

/// Installs the log subscriber: JSON lines with `json`, else human-readable lines
/// (coloured when `colour`: the caller decides, from the terminal and `NO_COLOR`). A second
/// call changes nothing.
pub fn init_logging(json: bool, colour: bool) {
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.with_ansi(colour).try_init()
    };
}
