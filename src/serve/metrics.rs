//! The counters behind `GET /metrics`, in the Prometheus text format (version 0.0.4):
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `provcat_requests_total` | counter | `front`, `status` (499: the client went away) |
//! | `provcat_requests_in_flight` | gauge | |
//! | `provcat_upstream_in_flight` | gauge | |
//! | `provcat_upstream_queued` | gauge | (waiting for a concurrency permit) |
//! | `provcat_upstream_retries_total` | counter | |
//! | `provcat_client_disconnects_total` | counter | |
//! | `provcat_tokens_total` | counter | `kind` = `prompt` or `completion` |
//! | `provcat_cost_usd_total` | counter | |
//! | `provcat_request_duration_seconds` | summary (`_sum`, `_count`) | |
//! | `provcat_time_to_first_byte_seconds` | summary (`_sum`, `_count`) | |
//! | `provcat_config_reloads_total` | counter | `result` = `ok` or `error` |

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use super::request::Front;

/// The gateway's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    /// Requests being answered.
    pub in_flight: AtomicI64,
    /// Upstream requests under way.
    pub upstream_in_flight: AtomicI64,
    /// Requests waiting for a permit.
    pub queued: AtomicI64,
    retries: AtomicU64,
    disconnects: AtomicU64,
    prompt_tokens: AtomicU64,
    completion_tokens: AtomicU64,
    /// Cost in micro-dollars (summed as integers).
    cost_micro_usd: AtomicU64,
    duration_micros: AtomicU64,
    durations: AtomicU64,
    ttfb_micros: AtomicU64,
    ttfbs: AtomicU64,
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
}

/// What one finished request adds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Observed {
    /// The status answered (499 when the client went away).
    pub status: u16,
    /// Start to end.
    pub duration: Duration,
    /// Start to the first byte of the answer.
    pub first_byte: Option<Duration>,
    /// Prompt and completion tokens.
    pub tokens: Option<(u64, u64)>,
    /// The cost in USD.
    pub cost: Option<f64>,
    /// Whether the client went away before the end.
    pub disconnected: bool,
}

impl Metrics {
    /// Counts a finished request of `front`.
    pub fn observe(&self, front: Front, o: &Observed) {
        if let Ok(mut map) = self.requests.lock() {
            *map.entry((front.as_str(), o.status)).or_default() += 1;
        }
        self.duration_micros
            .fetch_add(o.duration.as_micros() as u64, Ordering::Relaxed);
        self.durations.fetch_add(1, Ordering::Relaxed);
        if let Some(t) = o.first_byte {
            self.ttfb_micros
                .fetch_add(t.as_micros() as u64, Ordering::Relaxed);
            self.ttfbs.fetch_add(1, Ordering::Relaxed);
        }
        if let Some((p, c)) = o.tokens {
            self.prompt_tokens.fetch_add(p, Ordering::Relaxed);
            self.completion_tokens.fetch_add(c, Ordering::Relaxed);
        }
        if let Some(cost) = o.cost {
            self.cost_micro_usd
                .fetch_add((cost * 1e6).round() as u64, Ordering::Relaxed);
        }
        if o.disconnected {
            self.disconnects.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts an upstream retry.
    pub fn retried(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a config reload.
    pub fn reloaded(&self, ok: bool) {
        let counter = if ok {
            &self.reloads_ok
        } else {
            &self.reloads_failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let gauge = |a: &AtomicI64| a.load(Ordering::Relaxed);
        out.push_str("# HELP provcat_requests_total Requests answered, by front and status.\n");
        out.push_str("# TYPE provcat_requests_total counter\n");
        if let Ok(map) = self.requests.lock() {
            for ((front, status), n) in map.iter() {
                let _ = writeln!(
                    out,
                    "provcat_requests_total{{front=\"{front}\",status=\"{status}\"}} {n}"
                );
            }
        }
        let mut one = |name: &str, kind: &str, help: &str, value: String| {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
            );
        };
        one(
            "provcat_requests_in_flight",
            "gauge",
            "Requests being answered.",
            gauge(&self.in_flight).to_string(),
        );
        one(
            "provcat_upstream_in_flight",
            "gauge",
            "Upstream requests under way.",
            gauge(&self.upstream_in_flight).to_string(),
        );
        one(
            "provcat_upstream_queued",
            "gauge",
            "Requests waiting for an upstream concurrency permit.",
            gauge(&self.queued).to_string(),
        );
        one(
            "provcat_upstream_retries_total",
            "counter",
            "Upstream attempts retried before the first byte.",
            load(&self.retries).to_string(),
        );
        one(
            "provcat_client_disconnects_total",
            "counter",
            "Requests whose client went away before the end (the upstream request is cancelled).",
            load(&self.disconnects).to_string(),
        );
        one(
            "provcat_cost_usd_total",
            "counter",
            "The cost of the calls by the catalog's prices.",
            format!("{}", load(&self.cost_micro_usd) as f64 / 1e6),
        );
        let _ = write!(
            out,
            "# HELP provcat_tokens_total Tokens reported by upstreams.\n# TYPE provcat_tokens_total counter\nprovcat_tokens_total{{kind=\"prompt\"}} {}\nprovcat_tokens_total{{kind=\"completion\"}} {}\n",
            load(&self.prompt_tokens),
            load(&self.completion_tokens)
        );
        for (name, help, sum, count) in [
            (
                "provcat_request_duration_seconds",
                "Time from the request to the end of the answer.",
                &self.duration_micros,
                &self.durations,
            ),
            (
                "provcat_time_to_first_byte_seconds",
                "Time from the request to the first byte of the answer.",
                &self.ttfb_micros,
                &self.ttfbs,
            ),
        ] {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} summary\n{name}_sum {}\n{name}_count {}\n",
                load(sum) as f64 / 1e6,
                load(count)
            );
        }
        let _ = write!(
            out,
            "# HELP provcat_config_reloads_total Config reloads (SIGHUP).\n# TYPE provcat_config_reloads_total counter\nprovcat_config_reloads_total{{result=\"ok\"}} {}\nprovcat_config_reloads_total{{result=\"error\"}} {}\n",
            load(&self.reloads_ok),
            load(&self.reloads_failed)
        );
        out
    }
}
