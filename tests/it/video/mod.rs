//! `provcat video` against the emulator, one module per area: the requests (each mode's
//! body, every refusal before any request, the plan refusal) and the tasks (lifecycle
//! with progress, resume, cancel, FAILED and UNKNOWN, downloads, the canary key, Ctrl-C).

mod network;
mod requests;
mod tasks;

use std::path::Path;

use provcat_emulator::Emulator;

use crate::support::{Run, emulator_home, json_of};

pub const KEY: &str = "sk-video0123456789WXYZ";

pub fn home_for(emulator: &Emulator, auth_choice: &str) -> tempfile::TempDir {
    emulator_home(emulator, auth_choice, "")
}

pub fn video(home: &Path, key: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["video"];
    all.extend_from_slice(args);
    Run {
        cwd: home,
        args: &all,
        home,
        env: &[("QWEN_API_KEY", key)],
        stdin: None,
    }
    .output()
}

/// The task id a `--json` run printed.
pub fn task_id_of(out: &std::process::Output) -> String {
    json_of(out)["task_id"]
        .as_str()
        .expect("a task id in the JSON")
        .to_string()
}

/// Fast polling for tests.
pub const FAST: [&str; 2] = ["--poll-interval", "0.05"];

pub fn generate(home: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["generate"];
    all.extend_from_slice(&FAST);
    all.extend_from_slice(args);
    video(home, KEY, &all)
}
