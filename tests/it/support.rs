//! Helpers shared by the integration tests: running the binary, fixture paths.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/…`
pub fn fixture(relative: &str) -> PathBuf {
    root().join("tests/fixtures").join(relative)
}

/// Runs the `provcat` binary with `args` in `cwd`, with a clean, explicit environment.
pub fn provcat(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_provcat"))
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("the provcat binary runs")
}

/// Stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

/// Stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Stdout parsed as JSON (failing with the text when it is not).
#[track_caller]
pub fn json_of(output: &Output) -> serde_json::Value {
    let text = stdout(output);
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{e}: {text}\nstderr: {}", stderr(output)))
}

/// Fails, showing the whole of stderr, unless it contains `text`.
#[track_caller]
pub fn assert_stderr_has(output: &Output, text: &str) {
    let err = stderr(output);
    assert!(err.contains(text), "no `{text}` in stderr:\n{err}");
}

/// Copies the tree at `from` into `to`, overwriting files that exist.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A run of the binary with an explicit environment: `HOME` (and nothing else from the
/// test process but `PATH`), extra variables, and optional stdin.
pub struct Run<'a> {
    /// Working directory.
    pub cwd: &'a Path,
    /// Arguments.
    pub args: &'a [&'a str],
    /// `HOME` for the child (its config dir is `HOME/.config/provcat`).
    pub home: &'a Path,
    /// Extra environment variables.
    pub env: &'a [(&'a str, &'a str)],
    /// Text written to stdin (stdin is empty otherwise).
    pub stdin: Option<&'a str>,
}

impl Run<'_> {
    /// The command, with every stream piped, not started yet.
    pub fn command(&self) -> Command {
        use std::process::Stdio;
        let mut command = Command::new(env!("CARGO_BIN_EXE_provcat"));
        command
            .args(self.args)
            .current_dir(self.cwd)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home)
            .envs(self.env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs it and waits for it.
    pub fn output(&self) -> Output {
        self.output_of(self.command())
    }

    /// Runs `command` (made by [`Run::command`], perhaps changed), writing the stdin.
    pub fn output_of(&self, mut command: Command) -> Output {
        use std::io::Write;
        let mut child = command.spawn().expect("the provcat binary runs");
        let mut stdin = child.stdin.take().expect("stdin is piped");
        if let Some(text) = self.stdin {
            // A command that fails before reading stdin closes it: not an error here.
            match stdin.write_all(text.as_bytes()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                result => result.unwrap(),
            }
        }
        drop(stdin);
        child
            .wait_with_output()
            .expect("the provcat binary finishes")
    }
}

/// Runs `provcat args` with `HOME=home` and `env`, stdin empty.
/// `provcat onboard --auth-choice ID --api-key-stdin [EXTRA…]` in `home`, the key on stdin.
pub fn onboard(home: &Path, id: &str, key: &str, extra: &[&str]) -> Output {
    let mut args = vec!["onboard", "--auth-choice", id, "--api-key-stdin"];
    args.extend_from_slice(extra);
    Run {
        cwd: home,
        args: &args,
        home,
        env: &[],
        stdin: Some(key),
    }
    .output()
}

pub fn provcat_in(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Run {
        cwd: home,
        args,
        home,
        env,
        stdin: None,
    }
    .output()
}

/// The default config dir under a test `HOME`.
pub fn config_dir(home: &Path) -> PathBuf {
    home.join(".config/provcat")
}

/// A temporary `HOME` whose config points the `qwen` provider at `emulator` with
/// `auth_choice` (its Standard or Coding path by the choice's plan), followed by `extra`
/// TOML (more keys of the qwen entry first, then other tables).
pub fn emulator_home(
    emulator: &provcat_emulator::Emulator,
    auth_choice: &str,
    extra: &str,
) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let base = if auth_choice.contains("standard") {
        emulator.standard_base_url()
    } else {
        emulator.coding_base_url()
    };
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[models.providers.qwen]\nauthChoice = \"{auth_choice}\"\nbaseUrl = \"{base}\"\n{extra}"
        ),
    )
    .unwrap();
    home
}

/// Makes the child of `command`, before it runs provcat, plant a symbolic link at
/// `<prefix><its pid>` for each `(prefix, target)`: the names provcat's old writer used for
/// its temporary files (`<file>.tmp-<pid>`), which it opened following links.
#[cfg(unix)]
pub fn plant_links_at_child_pid(command: &mut Command, links: &[(PathBuf, PathBuf)]) {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::process::CommandExt;

    let links: Vec<(Vec<u8>, CString)> = links
        .iter()
        .map(|(prefix, target)| {
            let target = CString::new(target.as_os_str().as_bytes()).unwrap();
            (prefix.as_os_str().as_bytes().to_vec(), target)
        })
        .collect();
    // SAFETY: the closure runs in the child between fork and exec; it allocates nothing,
    // only reads memory made before the fork, fills stack buffers, and calls `getpid` and
    // `symlink`, which are async-signal-safe.
    unsafe {
        command.pre_exec(move || {
            let mut pid = libc::getpid() as u32;
            let mut digits = [0u8; 10];
            let mut count = 0;
            loop {
                digits[count] = b'0' + (pid % 10) as u8;
                count += 1;
                pid /= 10;
                if pid == 0 {
                    break;
                }
            }
            for (prefix, target) in &links {
                let mut path = [0u8; 4096];
                if prefix.len() + count >= path.len() {
                    return Err(std::io::Error::from_raw_os_error(libc::ENAMETOOLONG));
                }
                path[..prefix.len()].copy_from_slice(prefix);
                for i in 0..count {
                    path[prefix.len() + i] = digits[count - 1 - i];
                }
                if libc::symlink(target.as_ptr(), path.as_ptr().cast()) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
}
