//! `provcat chat` against the loopback emulator, one module per area: the DashScope-style
//! surface (streams, thinking, images, roles, usage), its errors and faults, the
//! Anthropic Messages dialect, the generic OpenAI surface, and a built-in provider behind
//! a proxy.

mod anthropic;
mod errors;
mod input;
mod openai;
mod proxy;
mod streams;

use std::path::Path;

use provcat_emulator::Emulator;

use crate::support::{Run, emulator_home};

pub const KEY: &str = "sk-test0123456789abcdWXYZ";
pub const CODING_KEY: &str = "sk-sp-test0123456789WXYZ";

/// Native-host capabilities: the emulator listens on 127.0.0.1, which the catalog does not
/// know, so the config states what a DashScope host supports.
const NATIVE: &str = "compat = { supportsUsageInStreaming = true, supportsDeveloperRole = false, supportsThinkingFlags = true }";

/// A home whose config points the qwen provider at the emulator with `auth_choice` and
/// native capabilities, plus a custom provider `native` (streaming usage declared) and a
/// custom provider `generic` (nothing declared) on the same emulator.
pub fn home_for(emulator: &Emulator, auth_choice: &str) -> tempfile::TempDir {
    let base = emulator.standard_base_url();
    emulator_home(
        emulator,
        auth_choice,
        &format!(
            "{NATIVE}\n\n[models.providers.native]\napi = \"openai-completions\"\nbaseUrl = \"{base}\"\ncompat = {{ supportsUsageInStreaming = true, supportsThinkingFlags = true }}\n\n[models.providers.generic]\napi = \"openai-completions\"\nbaseUrl = \"{base}\"\n"
        ),
    )
}

pub fn chat(home: &Path, key: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["chat"];
    all.extend_from_slice(args);
    Run {
        cwd: home,
        args: &all,
        home,
        env: &[
            ("QWEN_API_KEY", key),
            ("NATIVE_API_KEY", key),
            ("GENERIC_API_KEY", key),
        ],
        stdin: None,
    }
    .output()
}
