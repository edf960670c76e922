//! Tidiness, checked like a test (as rust-analyzer does): every Rust file opens with a `//!`
//! doc, none is over 600 lines, and runtime code names no provider — no provider id, host,
//! key prefix or key variable of the catalog, and none of the well-known provider hosts —
//! outside the dialect modules (which own a wire protocol, named after it) and the
//! generated tables.

use std::path::{Path, PathBuf};

use provcat::catalog;

use crate::support::root;

const MAX_LINES: usize = 600;

/// Every tracked-looking Rust file of the workspace (skipping build output and the
/// separately built fuzz crate's own target).
fn rust_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root(), &mut out);
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let missing: Vec<String> = rust_files()
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            !text
                .lines()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.starts_with("//!"))
        })
        .map(|p| relative(&p))
        .collect();
    assert!(
        missing.is_empty(),
        "these files do not open with a `//!` doc saying what they hold: {missing:?}"
    );
}

#[test]
fn no_rust_file_is_over_600_lines() {
    let long: Vec<String> = rust_files()
        .into_iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(&path).ok()?.lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", relative(&path)))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these into modules named for what they hold (at most {MAX_LINES} lines): {long:?}"
    );
}

/// Text that names a provider: from the catalog (ids, namespace aliases, hosts, key
/// prefixes, key variables, auth choice ids) and the well-known hosts of big providers.
fn provider_words() -> Vec<String> {
    let mut words: Vec<String> = [
        "dashscope",
        "aliyuncs",
        "compatible-mode",
        "anthropic.com",
        "openai.com",
        "openrouter.ai",
        "googleapis.com",
    ]
    .iter()
    .map(|w| w.to_string())
    .collect();
    for p in catalog::providers() {
        words.push(format!("\"{}\"", p.id));
        words.push(format!("{}/", p.id));
        words.extend(p.namespace_aliases.iter().map(|a| a.to_string()));
        words.extend(p.auth_env.iter().map(|v| v.to_string()));
        words.extend(
            p.plans
                .iter()
                .filter_map(|plan| plan.key_prefix)
                .map(|k| format!("\"{k}")),
        );
        words.extend(p.plans.iter().map(|plan| format!("\"{}\"", plan.id)));
        words.extend(p.auth_choices.iter().map(|c| c.id.to_string()));
        for e in p.endpoints {
            for s in e.surfaces {
                if let Some(host) = s
                    .base_url
                    .split("://")
                    .nth(1)
                    .and_then(|r| r.split('/').next())
                {
                    words.push(host.to_string());
                }
            }
        }
    }
    words.retain(|w| !ORDINARY_WORDS.contains(&w.as_str()));
    words.sort();
    words.dedup();
    words
}

/// Plan ids that are also ordinary words of secrets handling (`"token"` in the list of
/// secret-looking variable names): not provider knowledge where runtime code uses them.
const ORDINARY_WORDS: &[&str] = &["\"token\""];

/// Whether `path` may name providers: a dialect module (named after its protocol) or
/// generated code.
fn may_name_providers(path: &str) -> bool {
    path.contains("/dialect/")
        || ["dashscope", "anthropic", "openai"]
            .iter()
            .any(|d| path.rsplit('/').next().is_some_and(|f| f.starts_with(d)))
}

/// Whether `path` holds only unit tests (`tests.rs`, `*_tests.rs`, included under
/// `#[cfg(test)]` by their parent module), which may use real names.
fn is_unit_test_file(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    file == "tests.rs" || file.ends_with("_tests.rs")
}

#[test]
fn runtime_code_names_no_provider() {
    let words = provider_words();
    let mut found = Vec::new();
    for path in rust_files() {
        let rel = relative(&path);
        if !rel.starts_with("src/") || may_name_providers(&rel) || is_unit_test_file(&rel) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mut in_tests = false;
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            // Unit tests may use real names; so may comments and docs, which explain.
            if code.starts_with("#[cfg(test)]") {
                in_tests = true;
            }
            if in_tests || code.starts_with("//") {
                continue;
            }
            let lower = line.to_ascii_lowercase();
            for w in &words {
                if lower.contains(&w.to_ascii_lowercase()) {
                    found.push(format!("{rel}:{}: `{w}` in {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "provider knowledge in runtime code (make it catalog data, or move it into the dialect module it belongs to):\n{}",
        found.join("\n")
    );
}

/// The display names of the catalog's providers and plans, as words (the part before a
/// parenthesis, and what the parenthesis holds): `Qwen`, `Alibaba Cloud Model Studio`,
/// `Standard`, `Coding Plan`. Matched case-sensitively: they are names, not words.
fn display_names() -> Vec<String> {
    let mut names = Vec::new();
    let mut add = |name: &str| {
        for part in name.split(['(', ')']) {
            let part = part.trim();
            // Billing words (`pay-as-you-go`, `subscription`) are not names.
            if !part.is_empty() && part.starts_with(|c: char| c.is_ascii_uppercase()) {
                names.push(part.to_string());
            }
        }
    };
    for p in catalog::providers() {
        add(p.name);
        for plan in p.plans {
            add(plan.name);
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Whether `line` uses `name` as a word: not inside an identifier (`AnthropicMessages`, a
/// dialect of the vocabulary) nor as a path segment (`Front::Anthropic`).
fn words_name(line: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    line.match_indices(name).any(|(at, _)| {
        let before = &line[..at];
        let after = &line[at + name.len()..];
        !before.ends_with(ident) && !before.ends_with("::") && !after.starts_with(ident)
    })
}

#[test]
fn runtime_code_words_nothing_with_a_provider_or_plan_name() {
    let names = display_names();
    let mut found = Vec::new();
    for path in rust_files() {
        let rel = relative(&path);
        if !rel.starts_with("src/") || may_name_providers(&rel) || is_unit_test_file(&rel) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("#[cfg(test)]") {
                break;
            }
            if code.starts_with("//") {
                continue;
            }
            // The protocol's name is not the provider's.
            let line = line.replace("OpenAI-compatible", "");
            for name in &names {
                if words_name(&line, name) {
                    found.push(format!("{rel}:{}: `{name}` in {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "messages worded with a provider's or plan's name (take it from the catalog):\n{}",
        found.join("\n")
    );
}
