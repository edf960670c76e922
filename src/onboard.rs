//! Onboarding: what `provcat onboard --auth-choice ID` changes, computed before anything
//! is written.
//!
//! The config gets the provider entry (`models.providers.<id>.authChoice`, always the
//! canonical id) and, when it has none, the default model; the `.env` beside it gets the
//! key under the provider's first env var. TOML configs are edited with `toml_edit`, so
//! the user's other content and comments stay as they were; a JSON config is left alone
//! and the snippet to add is reported instead. An [`Plan`] that changes nothing writes
//! nothing, so running onboarding twice is a no-op.

use std::path::PathBuf;

use serde::Serialize;
use toml_edit::{DocumentMut, Item, Table, value};

use crate::catalog::AuthChoiceMatch;
use crate::config::{Format, LoadedConfig};
use crate::resolve::key_shape_warning;
use crate::secret::ApiKey;

/// What onboarding will do.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    /// The canonical auth choice written.
    pub auth_choice: &'static str,
    /// The legacy id that was given, if one was.
    pub legacy_id: Option<&'static str>,
    /// The config file.
    pub config: FileChange,
    /// The `.env` file (absent when no key is written).
    pub dotenv: Option<FileChange>,
    /// The env var the key is stored under.
    pub key_var: Option<&'static str>,
    /// The key written, masked.
    pub key: Option<ApiKey>,
    /// The default model set, when the config had none.
    pub default_model_set: Option<&'static str>,
    /// A JSON snippet to add by hand (JSON configs are not rewritten).
    pub json_snippet: Option<String>,
    /// Things worth a word (key shape, legacy id).
    pub warnings: Vec<String>,
}

/// One file's change. Its `Debug` shows the size of the new content, not the content
/// (a `.env` holds the key).
#[derive(Clone, Serialize)]
pub struct FileChange {
    /// The file.
    pub path: PathBuf,
    /// Whether its content changes.
    pub changed: bool,
    /// The content after the change.
    #[serde(skip)]
    pub after: String,
    /// The permission bits it is written with.
    #[serde(skip)]
    pub mode: u32,
}

impl std::fmt::Debug for FileChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileChange")
            .field("path", &self.path)
            .field("changed", &self.changed)
            .field("after", &format_args!("<{} bytes>", self.after.len()))
            .field("mode", &format_args!("{:o}", self.mode))
            .finish()
    }
}

/// Computes the changes for `choice` (and `key`, unless onboarding without one).
pub fn plan(config: &LoadedConfig, choice: AuthChoiceMatch, key: Option<&ApiKey>) -> Plan {
    let provider = choice.provider;
    let mut warnings = Vec::new();
    if let Some(legacy) = choice.legacy_alias {
        warnings.push(format!(
            "`{legacy}` is a legacy id; using the canonical auth choice `{}`",
            choice.choice.id
        ));
    }
    if let (Some(key), Some(plan)) = (key, provider.plan(choice.choice.plan)) {
        warnings.extend(key_shape_warning(plan, key));
    }
    let entry_key = config
        .provider_entry(
            &std::iter::once(provider.id)
                .chain(provider.namespace_aliases.iter().copied())
                .collect::<Vec<_>>(),
        )
        .map_or(provider.id.to_string(), |(k, _)| k.to_string());
    let wants_default = config.file.agents.defaults.model.primary.is_none();
    let default_model_set = wants_default.then_some(provider.default_model);

    let before = if config.exists {
        config.text.to_string()
    } else {
        String::new()
    };
    let (after, json_snippet) = match config.format {
        Format::Toml => match edit_toml(&before, &entry_key, choice.choice.id, default_model_set) {
            Some(after) => (after, None),
            None => {
                warnings.push(format!(
                    "cannot edit {}: add the snippet below by hand",
                    config.display_path()
                ));
                (
                    before.clone(),
                    Some(json_snippet(
                        &entry_key,
                        choice.choice.id,
                        default_model_set,
                    )),
                )
            }
        },
        Format::Json => {
            let current = config
                .file
                .models
                .providers
                .get(&entry_key)
                .and_then(|e| e.auth_choice.as_deref());
            let snippet = (current != Some(choice.choice.id) || wants_default)
                .then(|| json_snippet(&entry_key, choice.choice.id, default_model_set));
            (before.clone(), snippet)
        }
    };
    let config_change = FileChange {
        path: config.location.path.clone(),
        changed: after != before,
        after,
        mode: crate::atomic::mode_of(&config.location.path).unwrap_or(0o600),
    };

    let key_var = provider.auth_env.first().copied();
    let dotenv = match (key, key_var) {
        (Some(key), Some(var)) => {
            let path = config.dotenv.path.clone();
            let before = std::fs::read_to_string(&path).unwrap_or_default();
            if let Some(old) = config.dotenv.vars.get(var).map(|v| ApiKey::new(v))
                && old != *key
            {
                warnings.push(format!(
                    "replacing the key {} stored as {var} in {}",
                    old.masked(),
                    path.display()
                ));
            }
            let after = set_dotenv_var(&before, var, key.expose());
            Some(FileChange {
                changed: after != before,
                path,
                after,
                mode: 0o600,
            })
        }
        _ => None,
    };
    Plan {
        auth_choice: choice.choice.id,
        legacy_id: choice.legacy_alias,
        config: config_change,
        dotenv,
        key_var: key.and(key_var),
        key: key.cloned(),
        default_model_set,
        json_snippet,
        warnings,
    }
}

/// Writes the changed files, the `.env` (the key) first so a config never names a key
/// that was not stored.
pub fn apply(plan: &Plan) -> std::io::Result<()> {
    for change in plan.dotenv.iter().chain(std::iter::once(&plan.config)) {
        if change.changed {
            crate::atomic::write_private(&change.path, change.after.as_bytes(), change.mode)?;
        }
    }
    Ok(())
}

/// `text` with `models.providers.<entry>.authChoice` and, if given, the default model set;
/// everything else is kept byte for byte.
fn edit_toml(text: &str, entry: &str, choice: &str, default_model: Option<&str>) -> Option<String> {
    let mut doc: DocumentMut = text.parse().ok()?;
    let models = implicit_table(doc.as_table_mut(), "models")?;
    let providers = implicit_table(models, "providers")?;
    let provider = table(providers, entry)?;
    if provider.get("authChoice").and_then(Item::as_str) != Some(choice) {
        provider["authChoice"] = value(choice);
    }
    if let Some(model) = default_model {
        let agents = implicit_table(doc.as_table_mut(), "agents")?;
        let defaults = implicit_table(agents, "defaults")?;
        table(defaults, "model")?["primary"] = value(model);
    }
    let out = doc.to_string();
    Some(if out.is_empty() || out.ends_with('\n') {
        out
    } else {
        out + "\n"
    })
}

/// The table at `key` of `parent`, created as an implicit table (no `[header]` of its own
/// unless it gets direct keys). An inline table (`models = { … }`) becomes a standard one
/// so it can grow; `None` if `key` holds something other than a table.
fn implicit_table<'t>(parent: &'t mut Table, key: &str) -> Option<&'t mut Table> {
    let item = parent.entry(key).or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    if let Some(inline) = item.as_inline_table() {
        *item = Item::Table(inline.clone().into_table());
    }
    item.as_table_mut()
}

fn table<'t>(parent: &'t mut Table, key: &str) -> Option<&'t mut Table> {
    let t = implicit_table(parent, key)?;
    t.set_implicit(false);
    Some(t)
}

fn json_snippet(entry: &str, choice: &str, default_model: Option<&str>) -> String {
    let mut root =
        serde_json::json!({ "models": { "providers": { entry: { "authChoice": choice } } } });
    if let Some(model) = default_model {
        root["agents"] = serde_json::json!({ "defaults": { "model": { "primary": model } } });
    }
    serde_json::to_string_pretty(&root).unwrap_or_default()
}

/// `text` (a `.env` file) with `var` set to `value`: an existing `var=` line is replaced
/// in place, otherwise a line is appended; other lines are kept as they are.
fn set_dotenv_var(text: &str, var: &str, value: &str) -> String {
    let line = format!("{var}={}", quote(value));
    let mut replaced = false;
    let mut out: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let name = l
                .trim_start()
                .trim_start_matches("export ")
                .split('=')
                .next()
                .unwrap_or("")
                .trim();
            if name == var {
                if replaced {
                    return None;
                }
                replaced = true;
                return Some(line.clone());
            }
            Some(l.to_string())
        })
        .collect();
    if !replaced {
        out.push(line);
    }
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
}

fn quote(value: &str) -> String {
    if value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        value.to_string()
    } else {
        format!("'{value}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_comments_and_other_content() {
        let text = "# my config\n[agents.defaults.model]\nprimary = \"qwen/glm-5\" # GLM\n\n[models.providers.other]\napi = \"openai-completions\"\nbaseUrl = \"https://x.example/v1\"\n";
        let out = edit_toml(text, "qwen", "qwen-api-key", None).unwrap();
        assert!(out.starts_with(text), "{out}");
        assert!(
            out.contains("[models.providers.qwen]\nauthChoice = \"qwen-api-key\"\n"),
            "{out}"
        );
        assert_eq!(edit_toml(&out, "qwen", "qwen-api-key", None).unwrap(), out);
    }

    #[test]
    fn writes_a_fresh_config_with_the_default_model() {
        let out = edit_toml(
            "",
            "qwen",
            "qwen-standard-api-key",
            Some("qwen/qwen3.5-plus"),
        )
        .unwrap();
        assert_eq!(
            out,
            "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\n\n[agents.defaults.model]\nprimary = \"qwen/qwen3.5-plus\"\n"
        );
    }

    #[test]
    fn replaces_one_dotenv_line_and_keeps_the_rest() {
        let text = "# keys\nOTHER=1\nexport QWEN_API_KEY=old\n";
        assert_eq!(
            set_dotenv_var(text, "QWEN_API_KEY", "sk-new"),
            "# keys\nOTHER=1\nQWEN_API_KEY=sk-new\n"
        );
        assert_eq!(
            set_dotenv_var("", "QWEN_API_KEY", "sk-new"),
            "QWEN_API_KEY=sk-new\n"
        );
    }
}
