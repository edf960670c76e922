//! The user's config end to end, through the binary with a temporary `HOME` and an
//! explicit environment, one module per area: onboarding (every auth choice, idempotence,
//! comments, modes, the hidden prompt), key precedence, and resolution (custom providers,
//! base URLs, plan availability, where the config is found, the config's view in
//! `models`, `explain`).

mod explain;
mod keys;
mod onboard_choice;
mod onboard_files;
mod onboard_keys;
mod onboarding;
mod plan_slots;
mod resolution;
mod subcommand;

use std::path::Path;

use serde_json::Value;

use crate::support::{provcat_in, stderr, stdout};

pub const KEY: &str = "sk-0123456789abcdefWXYZ";
pub const CODING_KEY: &str = "sk-sp-0123456789abcdefWXYZ";

pub use crate::support::onboard;

/// `explain --json` of a ref that resolves: exit 0, or 2 when the only thing missing is the
/// key (the target is complete then, and `missing` says so).
pub fn explain_json(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Value {
    let mut all = vec!["explain", "--json"];
    all.extend_from_slice(args);
    let out = provcat_in(home, &all, env);
    let target: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let only_the_key = target["problems"] == serde_json::json!([])
        && target["missing"]
            .as_array()
            .is_some_and(|m| m.len() == 1 && m[0]["what"] == "key");
    match out.status.code() {
        Some(0) => assert_eq!(target["ok"], true),
        Some(2) => assert!(only_the_key, "{target}\n{}", stderr(&out)),
        _ => panic!("{}", stderr(&out)),
    }
    target
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}
