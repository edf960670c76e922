//! Ids and times of answers: `chatcmpl-…` and `msg_…`, unique within the process (a
//! start-time stamp and a counter), and the Unix time of `created`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static NEXT: AtomicU64 = AtomicU64::new(0);

fn stamp() -> u64 {
    static STAMP: OnceLock<u64> = OnceLock::new();
    *STAMP.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    })
}

fn unique() -> String {
    format!("{:x}{:08x}", stamp(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A Chat Completions id.
pub fn completion() -> String {
    format!("chatcmpl-{}", unique())
}

/// A Messages id.
pub fn message() -> String {
    format!("msg_{}", unique())
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
