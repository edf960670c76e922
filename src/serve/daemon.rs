//! A daemon's concerns: the login shell's environment imported once at start-up
//! (`env.shellEnv`), and the unit files that run `provcat serve` under systemd or launchd
//! ([`unit`](super::unit)). Reload on `SIGHUP` is [`super::State::reload`]; the drain on
//! `SIGTERM` is [`super::listen`].
//!
//! **The import.** An init system starts a daemon without the user's login environment, so
//! keys exported in `~/.profile` are missing. With `env.shellEnv.enabled`, provcat runs the
//! login shell (`$SHELL`, else `/bin/sh`) as `$SHELL -l -c 'env -0'` once, with stdin
//! closed, its stderr dropped, killed at the timeout (default 15 s), and takes the
//! variables the process does not already set. It reports the names it took, never the
//! values.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;

use crate::config::Env;

/// The import's timeout when the config gives none.
pub const SHELL_ENV_TIMEOUT: Duration = Duration::from_secs(15);
/// The most output read from the shell.
const MAX_SHELL_OUTPUT: usize = 4 * 1024 * 1024;

/// Why the import failed (the server starts anyway, with what it had).
#[derive(Debug, thiserror::Error)]
pub enum ShellEnvError {
    /// The shell could not be started.
    #[error("cannot run the login shell {shell}: {source}")]
    Spawn {
        /// The shell.
        shell: String,
        /// Why.
        source: std::io::Error,
    },
    /// It did not finish in time (it was killed).
    #[error("the login shell {shell} did not print its environment within {} ms (raise env.shellEnv.timeoutMs)", .timeout.as_millis())]
    Timeout {
        /// The shell.
        shell: String,
        /// The timeout.
        timeout: Duration,
    },
    /// It failed.
    #[error("the login shell {shell} failed ({status}); check it starts without a terminal")]
    Failed {
        /// The shell.
        shell: String,
        /// Its exit status.
        status: std::process::ExitStatus,
    },
    /// It printed more than provcat reads.
    #[error("the login shell printed over {MAX_SHELL_OUTPUT} bytes of environment")]
    TooLarge,
}

/// Runs the login shell of `env` and returns `env` with the variables it did not set, and
/// their names.
pub async fn import_login_shell(
    env: &Env,
    timeout: Duration,
) -> Result<(Env, Vec<String>), ShellEnvError> {
    let shell = env.get("SHELL").unwrap_or("/bin/sh").to_string();
    let mut command = tokio::process::Command::new(&shell);
    command
        .args(["-l", "-c", "env -0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let child = command.spawn().map_err(|source| ShellEnvError::Spawn {
        shell: shell.clone(),
        source,
    })?;
    let output = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .map_err(|_| ShellEnvError::Timeout {
            shell: shell.clone(),
            timeout,
        })?
        .map_err(|source| ShellEnvError::Spawn {
            shell: shell.clone(),
            source,
        })?;
    if !output.status.success() {
        return Err(ShellEnvError::Failed {
            shell,
            status: output.status,
        });
    }
    if output.stdout.len() > MAX_SHELL_OUTPUT {
        return Err(ShellEnvError::TooLarge);
    }
    Ok(env.with_missing(parse_env0(&output.stdout)))
}

/// `NAME=value` records separated by NUL; records that are not UTF-8 or have no name are
/// skipped.
fn parse_env0(bytes: &[u8]) -> BTreeMap<String, String> {
    bytes
        .split(|b| *b == 0)
        .filter_map(|record| {
            let record = std::str::from_utf8(record).ok()?;
            let (name, value) = record.split_once('=')?;
            let valid =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            valid.then(|| (name.to_string(), value.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env0_records_are_read_and_odd_ones_skipped() {
        let parsed = parse_env0(b"A=1\0B=x=y\0\0=nameless\0BAD NAME=1\0MULTI=a\nb\0\xff=1\0");
        assert_eq!(
            parsed.into_iter().collect::<Vec<_>>(),
            [
                ("A".to_string(), "1".to_string()),
                ("B".into(), "x=y".into()),
                ("MULTI".into(), "a\nb".into())
            ]
        );
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_shell_adds_only_what_is_missing_and_a_slow_one_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        let shell = dir.path().join("fake-shell");
        std::fs::write(
            &shell,
            "#!/bin/sh\nprintf 'FROM_SHELL=yes\\0KEPT=shell\\0'\n",
        )
        .unwrap();
        let slow = dir.path().join("slow-shell");
        std::fs::write(&slow, "#!/bin/sh\nsleep 30\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        for f in [&shell, &slow] {
            std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let env = Env::from_pairs([("SHELL", shell.to_str().unwrap()), ("KEPT", "process")]);
        let (env, taken) = import_login_shell(&env, Duration::from_secs(10))
            .await
            .unwrap();
        assert_eq!(taken, ["FROM_SHELL"]);
        assert_eq!(env.get("FROM_SHELL"), Some("yes"));
        assert_eq!(env.get("KEPT"), Some("process"), "never overridden");
        let env = Env::from_pairs([("SHELL", slow.to_str().unwrap())]);
        let err = import_login_shell(&env, Duration::from_millis(200))
            .await
            .unwrap_err();
        assert!(matches!(err, ShellEnvError::Timeout { .. }), "{err}");
    }
}
