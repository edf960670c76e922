//! How `video generate` and `video status --wait` react to a poll that failed: the delay
//! before the next poll (doubling from the poll interval, at most a minute) — the one the
//! retry line announces is the one slept — and when to give up on polls that cannot
//! connect at all. `--timeout` is the overall wait for a task that is running; a host that
//! cannot be reached (DNS, refused, no route) is given up on after [`UNREACHABLE_WINDOW`]
//! of consecutive connection failures instead, since no answer will come: the window
//! starts with the first poll (or retry of one) that cannot connect, and its end cuts a
//! poll still trying. [`follow`] is the polling loop.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use provcat::client::{Client, ClientError, TaskStatus};
use provcat::resolve::Target;

use super::progress::Progress;

/// How long polls may fail to connect, one after another, before giving up.
pub const UNREACHABLE_WINDOW: Duration = Duration::from_secs(30);

/// The longest wait between two polls after failures.
pub const MAX_DELAY: Duration = Duration::from_secs(60);

/// What to do after a failed poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Wait this long, then poll again.
    Retry(Duration),
    /// Stop: polls have not connected for this long.
    GiveUp(Duration),
}

/// The state of polling between two polls.
#[derive(Debug)]
pub struct Backoff {
    poll: Duration,
    window: Duration,
    delay: Duration,
    /// When the first of the current run of polls that could not connect started.
    unreachable_since: Option<Instant>,
}

impl Backoff {
    /// Polling every `poll`, giving up after `window` without a connection.
    pub fn new(poll: Duration, window: Duration) -> Backoff {
        Backoff {
            poll,
            window,
            delay: poll,
            unreachable_since: None,
        }
    }

    /// When the current run of polls that could not connect began, if one is going on.
    pub fn unreachable_since(&self) -> Option<Instant> {
        self.unreachable_since
    }

    /// The wait after a poll that answered.
    pub fn answered(&mut self) -> Duration {
        self.delay = self.poll;
        self.unreachable_since = None;
        self.poll
    }

    /// After a poll that started at `started` and failed at `now` (`connect`: it could
    /// not connect at all): the wait before the next poll, doubled from the last one, or
    /// giving up once polls have not connected for the window. The wait never reaches
    /// past the window's end, so the last poll is made at its end.
    pub fn failed(&mut self, connect: bool, started: Instant, now: Instant) -> Next {
        self.delay = (self.delay * 2).min(MAX_DELAY);
        if !connect {
            self.unreachable_since = None;
            return Next::Retry(self.delay);
        }
        let since = *self.unreachable_since.get_or_insert(started);
        let unreachable = now.saturating_duration_since(since);
        if unreachable >= self.window {
            return Next::GiveUp(unreachable);
        }
        Next::Retry(self.delay.min(self.window - unreachable))
    }
}

/// How a task is followed.
#[derive(Clone, Copy, Debug)]
pub struct Pace {
    /// Between polls that answer.
    pub poll: Duration,
    /// How long polls may fail to connect before giving up.
    pub unreachable: Duration,
    /// The overall wait (`--timeout`).
    pub timeout: Duration,
    /// When waiting began.
    pub started: Instant,
}

/// How waiting on a task ended, short of an error.
pub enum Waited {
    /// The task reached a final state.
    Ended(TaskStatus),
    /// `--timeout` ran out first.
    TimedOut,
    /// `--timeout` ran out during a poll, which was cut.
    Cut,
    /// No poll could connect for the unreachable window: the last error (when one was
    /// kept), and how long.
    Unreachable(Option<ClientError>, Duration),
}

/// Polls task `task_id` until it ends, reporting progress, backing off after failures
/// and giving up when polls have not connected for the window (the caller bounds the whole
/// by `--timeout`).
pub async fn follow(
    client: &Client,
    target: &Target,
    task_id: &str,
    pace: Pace,
    progress: &Progress,
) -> Result<Waited, ClientError> {
    let mut backoff = Backoff::new(pace.poll, pace.unreachable);
    // The last connection failure of the current run without one.
    let mut unreachable: Option<ClientError> = None;
    loop {
        let asked = Instant::now();
        // A poll's own retries count too: the first of them that cannot
        // connect starts the window, which then cuts the poll at its end.
        let seen: Mutex<Option<ClientError>> = Mutex::new(None);
        let mut note = |e: &ClientError, delay: Duration| {
            super::video::retry_note(e, delay);
            if e.unreachable_url().is_some()
                && let Ok(mut seen) = seen.lock()
            {
                *seen = Some(e.clone());
            }
        };
        let poll = client.video_task(target, task_id, &mut note);
        let window_end = async {
            loop {
                let seen_now = seen.lock().is_ok_and(|s| s.is_some());
                let since = backoff.unreachable_since().or(seen_now.then_some(asked));
                match since {
                    Some(since) => {
                        let end = since + pace.unreachable;
                        tokio::time::sleep_until(end.into()).await;
                        return since;
                    }
                    None => tokio::time::sleep(Duration::from_millis(100)).await,
                }
            }
        };
        let answer = tokio::select! {
            answer = poll => answer,
            since = window_end => {
                let last = seen
                    .lock()
                    .ok()
                    .and_then(|mut s| s.take())
                    .or(unreachable.take());
                return Ok(Waited::Unreachable(last, since.elapsed()));
            }
        };
        let delay = match answer {
            Ok(status) if status.is_final() => return Ok(Waited::Ended(status)),
            Ok(status) => {
                progress.update(&status.status, pace.started.elapsed());
                unreachable = None;
                backoff.answered()
            }
            // A poll changes nothing: any transient failure, a stalled
            // answer included, is worth another try — unless the host has
            // not been reachable for the whole window.
            Err(e) if e.is_retryable() || matches!(e, ClientError::IdleTimeout(_)) => {
                let connect = e.unreachable_url().is_some();
                match backoff.failed(connect, asked, Instant::now()) {
                    Next::GiveUp(after) => return Ok(Waited::Unreachable(Some(e), after)),
                    Next::Retry(delay) => {
                        // The delay announced is the one slept.
                        progress.note(&format!(
                            "poll failed ({e}); retrying in {:.1}s",
                            delay.as_secs_f64()
                        ));
                        unreachable = connect.then_some(e);
                        delay
                    }
                }
            }
            Err(e) => return Err(e),
        };
        if pace.started.elapsed() + delay > pace.timeout {
            return Ok(Waited::TimedOut);
        }
        tokio::time::sleep(delay).await;
    }
}

/// `--unreachable-window`, in seconds (at most an hour).
pub fn window(secs: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| *d <= Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn the_default_window_is_thirty_seconds() {
        assert_eq!(UNREACHABLE_WINDOW, S(30));
        assert_eq!(window(30.0), Some(S(30)));
        assert_eq!(window(-1.0), None);
        assert_eq!(window(4000.0), None);
    }

    #[test]
    fn failures_double_the_wait_up_to_a_minute_and_an_answer_resets_it() {
        let mut b = Backoff::new(S(5), UNREACHABLE_WINDOW);
        let t = Instant::now();
        let waits: Vec<Next> = (0..6).map(|_| b.failed(false, t, t)).collect();
        assert_eq!(
            waits,
            [10, 20, 40, 60, 60, 60].map(|s| Next::Retry(S(s))).to_vec()
        );
        assert_eq!(b.answered(), S(5));
        assert_eq!(b.failed(false, t, t), Next::Retry(S(10)));
    }

    #[test]
    fn polls_that_cannot_connect_give_up_at_the_window_s_end() {
        let mut b = Backoff::new(S(5), S(30));
        let t0 = Instant::now();
        // The first failing poll started at t0 and failed 1 s later.
        assert_eq!(b.failed(true, t0, t0 + S(1)), Next::Retry(S(10)));
        assert_eq!(b.failed(true, t0 + S(11), t0 + S(12)), Next::Retry(S(18)));
        assert_eq!(b.failed(true, t0 + S(30), t0 + S(31)), Next::GiveUp(S(31)));
    }

    #[test]
    fn an_answer_or_another_failure_restarts_the_window() {
        let mut b = Backoff::new(S(5), S(30));
        let t0 = Instant::now();
        assert_eq!(b.failed(true, t0, t0 + S(1)), Next::Retry(S(10)));
        // A 5xx: the host is reachable.
        assert_eq!(b.failed(false, t0 + S(11), t0 + S(12)), Next::Retry(S(20)));
        assert_eq!(b.failed(true, t0 + S(32), t0 + S(33)), Next::Retry(S(29)));
        b.answered();
        assert_eq!(b.failed(true, t0 + S(61), t0 + S(62)), Next::Retry(S(10)));
    }
}
