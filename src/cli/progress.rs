//! The progress shown while a video task runs and while it downloads: a spinner with the
//! status and elapsed time on a terminal, plain lines on status changes otherwise, nothing
//! with `--json` or `--quiet`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A spinner with status and elapsed time on a terminal; plain lines on status changes
/// otherwise (and nothing with --json).
pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    last: std::cell::RefCell<String>,
}

impl Progress {
    /// A spinner on a terminal, plain lines elsewhere; nothing unless `enabled` (and never
    /// with `--quiet`).
    pub fn new(enabled: bool) -> Progress {
        let enabled = enabled && !super::say::quiet();
        let terminal = enabled && std::io::stderr().is_terminal();
        let bar = terminal.then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            bar,
            plain: enabled && !terminal,
            last: std::cell::RefCell::new(String::new()),
        }
    }

    /// The task's status changed (or not).
    pub fn update(&self, status: &str, elapsed: Duration) {
        if let Some(bar) = &self.bar {
            bar.set_message(provcat::escape::one_line(status).into_owned());
        } else if self.plain && *self.last.borrow() != status {
            eprintln!("{status} after {}s", elapsed.as_secs());
            *self.last.borrow_mut() = status.to_string();
        }
    }

    /// A line above the spinner.
    pub fn note(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(super::say::clean(text)),
            None if self.plain => eprintln!("{text}"),
            None => {}
        }
    }

    /// Bytes downloaded so far, of `total` when known.
    pub fn bytes(&self, done: u64, total: Option<u64>) {
        if let Some(bar) = &self.bar {
            let total = total.map(|t| format!(" of {t}")).unwrap_or_default();
            bar.set_message(format!("downloading: {done}{total} bytes"));
        }
    }

    /// Removes the spinner.
    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
