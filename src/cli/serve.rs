//! `provcat serve`: run the gateway ([`provcat::serve`]) until SIGINT or SIGTERM, then
//! drain requests under way up to `--drain-timeout`; SIGHUP reloads the config and its
//! `.env` (open streams keep the config they started with; a broken config is reported and
//! the old one kept). With `env.shellEnv.enabled` the login shell's environment is imported
//! once, before serving. Logs go to stderr, one line per request (`--log-json` for JSON
//! lines). `--print-unit systemd|launchd` prints a unit file instead of serving. Exit
//! codes: 0 stopped (drained), 1 the address could not be bound or the drain was cut, 2 bad
//! input (a broken config, a non-loopback address without a client token).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use provcat::config::{self, env::PROVCAT_SERVE_TOKEN};
use provcat::secret::ApiKey;
use provcat::serve::daemon::{SHELL_ENV_TIMEOUT, import_login_shell};
use provcat::serve::unit::{InitSystem, UnitSpec, unit};
use provcat::serve::{
    DEFAULT_LISTEN, Drained, Limits, ServeError, ServeOptions, Server, State, record,
};

use super::context::Context;
use super::flags::RequestFlags;
use super::{Failure, Outcome};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on; beyond loopback a client token is required
    /// (PROVCAT_SERVE_TOKEN).
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// Log one JSON object per request instead of human-readable lines.
    #[arg(long)]
    log_json: bool,
    /// The largest request body, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 32)]
    max_body_mb: usize,
    /// Concurrent upstream requests; more wait in a queue.
    #[arg(long, value_name = "N", default_value_t = 256)]
    max_concurrent: usize,
    /// The longest a request may take, in seconds (streams included).
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    max_duration: u64,
    /// Seconds a client may take to send its headers (its body: three times that).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    header_timeout: u64,
    /// Seconds to let requests under way finish on SIGTERM.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    drain_timeout: u64,
    #[command(flatten)]
    request: RequestFlags,
    /// Print a unit file that runs this gateway under systemd or launchd, and exit.
    #[arg(long, value_name = "INIT")]
    print_unit: Option<Init>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Init {
    Systemd,
    Launchd,
}

pub fn run(args: ServeArgs, context: &Context) -> Outcome {
    let location = config::locate(context.config_flag.as_deref(), &context.env)
        .map_err(|r| Failure::report(&r))?;
    if let Some(init) = args.print_unit {
        return print_unit(init, &args, &location.path);
    }
    record::init_logging(args.log_json, super::say::colour_on_stderr());
    // Read once for the token and the shell import; the server reads it again.
    let config = context.load_config()?;
    let token = context
        .env
        .get(PROVCAT_SERVE_TOKEN)
        .map(ApiKey::new)
        .or_else(|| config.file.serve.token.as_deref().map(ApiKey::new))
        .filter(|k| !k.is_empty());
    if let Some(token) = &token {
        super::say::learn_value(token.expose());
    }
    let options = ServeOptions {
        listen: args.listen,
        token,
        limits: Limits {
            max_body: args.max_body_mb.saturating_mul(1024 * 1024),
            header_read_timeout: Duration::from_secs(args.header_timeout.max(1)),
            body_read_timeout: Duration::from_secs(args.header_timeout.max(1) * 3),
            max_concurrent: args.max_concurrent.max(1),
            max_duration: Duration::from_secs(args.max_duration.max(1)),
            drain_deadline: Duration::from_secs(args.drain_timeout),
        },
        client: args.request.client_options(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))?;
    let shell_env = config.file.env.shell_env.filter(|s| s.enabled);
    let mut env = context.env.clone();
    runtime.block_on(async move {
        if let Some(shell_env) = shell_env {
            let timeout = shell_env
                .timeout_ms
                .map_or(SHELL_ENV_TIMEOUT, Duration::from_millis);
            match import_login_shell(&env, timeout).await {
                Ok((imported, names)) => {
                    eprintln!(
                        "provcat serve: imported {} variables from the login shell{}{}",
                        names.len(),
                        if names.is_empty() { "" } else { ": " },
                        names.join(", ")
                    );
                    env = imported;
                }
                Err(e) => eprintln!("warning: env.shellEnv: {e}; serving without it"),
            }
        }
        let server = Server::bind(options, location, env)
            .await
            .map_err(|e| match e {
                ServeError::Config(report) => Failure::report(&report),
                ServeError::NeedsToken(_) => Failure::input(e.to_string()),
                e => Failure::runtime(e.to_string()),
            })?;
        let addr = server
            .local_addr()
            .map_err(|e| Failure::runtime(format!("cannot tell the address served: {e}")))?;
        let state = server.state();
        eprintln!(
            "provcat serve: listening on http://{addr} (config {})",
            state.config_path().display()
        );
        let reloads = tokio::spawn(reload_on_sighup(state));
        let drained = server.run(stop_signal()).await;
        reloads.abort();
        match drained {
            Drained::All => {
                eprintln!("provcat serve: stopped; every request under way finished");
                Ok(ExitCode::SUCCESS)
            }
            Drained::Cut => {
                eprintln!(
                    "provcat serve: stopped; requests still under way at the drain deadline were cut"
                );
                Ok(ExitCode::from(1))
            }
        }
    })
}

fn print_unit(init: Init, args: &ServeArgs, config: &std::path::Path) -> Outcome {
    let exe = std::env::current_exe()
        .map_err(|e| Failure::runtime(format!("cannot tell where provcat is: {e}")))?;
    let config = std::path::absolute(config).unwrap_or_else(|_| config.to_path_buf());
    let listen = args.listen.to_string();
    let text = unit(
        match init {
            Init::Systemd => InitSystem::Systemd,
            Init::Launchd => InitSystem::Launchd,
        },
        &UnitSpec {
            exe: &exe,
            config: &config,
            listen: &listen,
            drain: Duration::from_secs(args.drain_timeout),
        },
    );
    super::output::print_stdout(&text)
}

/// Reloads the config on each SIGHUP.
async fn reload_on_sighup(state: std::sync::Arc<State>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hangup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hangup.recv().await.is_some() {
            match state.reload() {
                Ok(()) => eprintln!(
                    "provcat serve: reloaded {} and its .env",
                    state.config_path().display()
                ),
                Err(report) => eprint!(
                    "provcat serve: the config was not reloaded (the old one stays):\n{}",
                    super::say::report(&report).render_diagnostics(false)
                ),
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = state;
        std::future::pending::<()>().await;
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
