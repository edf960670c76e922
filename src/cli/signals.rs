//! Stopping on Ctrl-C (SIGINT) or SIGTERM alike: the work in progress is dropped — so a
//! download's temporary file is removed — and the command says what was left undone,
//! exiting 130 for SIGINT and 143 for SIGTERM (128 + the signal number, as a shell does).
//!
//! The handlers are installed once, before the work starts, and stay installed: a signal
//! that arrives between two steps is still seen by the next one.

use std::future::Future;

/// Which signal stopped the work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM.
    Terminate,
}

impl Stop {
    /// The exit code: 130 or 143.
    pub fn exit_code(self) -> u8 {
        match self {
            Stop::Interrupt => 130,
            Stop::Terminate => 143,
        }
    }
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stop::Interrupt => "interrupted (Ctrl-C)",
            Stop::Terminate => "terminated (SIGTERM)",
        })
    }
}

/// The installed handlers.
pub struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    /// Installs the handlers; from now on SIGINT and SIGTERM no longer end the process
    /// by themselves. Needs `runtime`'s signal driver.
    pub fn install(runtime: &tokio::runtime::Runtime) -> std::io::Result<Signals> {
        let _entered = runtime.enter();
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Waits for the next SIGINT or SIGTERM.
    async fn next(&mut self) -> Stop {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Stop::Interrupt,
                _ = self.terminate.recv() => Stop::Terminate,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Stop::Interrupt
        }
    }

    /// Runs `work` unless a signal comes first; then `work` is dropped and the signal is
    /// returned.
    pub async fn or_stop<F: Future>(&mut self, work: F) -> Result<F::Output, Stop> {
        tokio::select! {
            output = work => Ok(output),
            stop = self.next() => Err(stop),
        }
    }
}
