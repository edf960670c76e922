//! Onboarding: what `provcat onboard --auth-choice ID` changes, computed before anything
//! is written.
//!
//! The config gets the provider entry (`models.providers.<id>.authChoice`, always the
//! canonical id) and, when it has none, the default model; the `.env` beside it gets the
//! key under the plan's own key variable when it has one (so keys of several plans live
//! side by side), else the provider's first. TOML configs are edited with `toml_edit`
//! ([`edit`]), so the user's other content and comments stay as they were, and start with
//! a `#:schema` line pointing at `config.schema.json`, which onboarding keeps beside the
//! config, current with the catalog; a JSON config is left alone and the snippet to add
//! (with `"$schema"` when it has none) is reported instead. A [`Plan`] that changes nothing
//! writes nothing, so running onboarding twice is a no-op.
//!
//! The config and `.env` are written `0o600` (a config that was readable by others is
//! tightened, and the plan says so). The plan also says when the key written will not be the one used: a
//! config `apiKey`, a process env var or the config's `env` table comes first (see
//! [`crate::resolve::key`]). [`apply`] prepares every file (written and flushed beside its
//! target) before renaming any into place, so a file that cannot be written leaves
//! nothing changed; the caller holds the folder's [`crate::lock`] across loading,
//! planning and applying.

use std::path::{Path, PathBuf};

use serde::Serialize;

mod edit;

use edit::{edit_toml, json_snippet, set_dotenv_var, with_schema_line};

use crate::atomic::{AtomicFile, FileError, Mode, mode_of};
use crate::catalog::AuthChoiceMatch;
use crate::config::exposure::{holds_secret, readable_warning};
use crate::config::{Env, Format, LoadedConfig};
use crate::resolve::{find_key, key_shape_warning, key_vars};
use crate::secret::{ApiKey, FoundKey, KeySource};

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
    /// The config's JSON Schema kept beside it (what `provcat schema config` prints), so
    /// the config's `#:schema` line (or `"$schema"`) points at a current schema.
    pub schema: FileChange,
    /// The key that will still be used instead of the one written, and where it is (a
    /// source earlier in the precedence holding another key).
    pub key_in_use: Option<FoundKey>,
    /// Things worth a word (key shape, legacy id, the key in use, loose permissions).
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
    /// Its permission bits before, when it exists (Unix).
    #[serde(skip)]
    pub mode_before: Option<u32>,
}

impl std::fmt::Debug for FileChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileChange")
            .field("path", &self.path)
            .field("changed", &self.changed)
            .field("after", &format_args!("<{} bytes>", self.after.len()))
            .field("mode", &format_args!("{:o}", self.mode))
            .field("mode_before", &self.mode_before.map(|m| format!("{m:o}")))
            .finish()
    }
}

impl FileChange {
    /// The change of `path` from `before` to `after`, written with `mode`.
    fn new(path: PathBuf, before: &str, after: String, mode: u32) -> FileChange {
        FileChange {
            changed: after != before,
            mode_before: mode_of(&path),
            path,
            after,
            mode,
        }
    }

    /// A word about its permissions: tightened when it is written, or, when it is not,
    /// readable by others while `secret`.
    fn permission_warning(&self, secret: bool) -> Option<String> {
        let loose = self.mode_before.filter(|m| m & 0o077 != 0)?;
        if self.changed {
            Some(format!(
                "{} is readable by other users (mode {loose:04o}); onboarding writes it with mode {:04o}",
                self.path.display(),
                self.mode
            ))
        } else {
            secret.then(|| readable_warning(&self.path, loose).to_string())
        }
    }
}

/// Computes the changes for `choice` (and `key`, unless onboarding without one); `env` is
/// the process environment, to tell whether the key written will be the one used.
pub fn plan(
    config: &LoadedConfig,
    choice: AuthChoiceMatch,
    key: Option<&ApiKey>,
    env: &Env,
) -> Plan {
    let provider = choice.provider;
    let mut warnings = Vec::new();
    if let Some(legacy) = choice.legacy_alias {
        warnings.push(format!(
            "`{legacy}` is a legacy id; using the canonical auth choice `{}`",
            choice.choice.id
        ));
    }
    if let (Some(key), Some(plan)) = (key, provider.plan(choice.choice.plan)) {
        warnings.extend(
            key_shape_warning(provider, plan, Some(choice.choice.region), key)
                .map(|w| w.to_string()),
        );
    }
    let entry_key = config
        .provider_entry(
            &std::iter::once(provider.id)
                .chain(provider.namespace_aliases.iter().copied())
                .collect::<Vec<_>>(),
        )
        .map_or(provider.id.to_string(), |(k, _)| k.to_string());
    let wants_default = config.file.agents.defaults.model.primary.is_none();
    let default_model_set = wants_default.then_some(choice.choice.default_model);

    let before = if config.exists {
        config.text.to_string()
    } else {
        String::new()
    };
    let schema_file = crate::config::SCHEMA_PATH;
    let json_schema_file = config.file.schema.is_none().then_some(schema_file);
    let (after, json_snippet) = match config.format {
        Format::Toml => match edit_toml(&before, &entry_key, choice.choice.id, default_model_set) {
            Some(after) => (with_schema_line(&after, schema_file), None),
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
                        None,
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
            let snippet = (current != Some(choice.choice.id) || wants_default).then(|| {
                json_snippet(
                    &entry_key,
                    choice.choice.id,
                    default_model_set,
                    json_schema_file,
                )
            });
            (before.clone(), snippet)
        }
    };
    let path = config.location.path.clone();
    // Private, keeping only the owner's bits of an existing file.
    let mode = mode_of(&path).map_or(0o600, |m| (m & 0o700) | 0o600);
    let schema = schema_beside(&path, schema_file);
    let config_change = FileChange::new(path, &before, after, mode);
    warnings.extend(config_change.permission_warning(holds_secret(&config.file)));

    // The plan's own key variable when it has one (so keys of several plans live side by
    // side), else the provider's first.
    let plan_vars = provider
        .plan(choice.choice.plan)
        .map_or(&[][..], |p| p.key_env);
    let key_var = plan_vars.first().or(provider.auth_env.first()).copied();
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
            let change = FileChange::new(path, &before, after, 0o600);
            warnings.extend(change.permission_warning(true));
            Some(change)
        }
        _ => None,
    };
    let key_in_use = match (key, key_var) {
        (Some(key), Some(var)) => {
            let vars = key_vars(provider, provider.plan(choice.choice.plan));
            key_in_use(config, &vars, &entry_key, env, var, key)
        }
        _ => None,
    };
    warnings.extend(key_in_use.as_ref().map(key_in_use_warning));
    if key.is_none() {
        let vars = key_vars(provider, provider.plan(choice.choice.plan));
        let api_key = config
            .file
            .models
            .providers
            .get(&entry_key)
            .and_then(|e| e.api_key.as_deref());
        let lookup = find_key(None, Some((&entry_key, api_key)), &vars, env, config);
        if lookup.found.is_none() {
            warnings.push(format!(
                "--skip-key, but no key for `{}` is set anywhere: requests will fail until one is; set {} in the environment or in {}, or run `provcat onboard --auth-choice {}` without --skip-key",
                choice.choice.id,
                vars.join(" or "),
                config.dotenv.path.display(),
                choice.choice.id
            ));
        }
    }
    Plan {
        auth_choice: choice.choice.id,
        legacy_id: choice.legacy_alias,
        config: config_change,
        dotenv,
        key_var: key.and(key_var),
        key: key.cloned(),
        default_model_set,
        json_snippet,
        schema,
        key_in_use,
        warnings,
    }
}

/// The change that makes `file` beside `config` the current config schema.
fn schema_beside(config: &Path, file: &str) -> FileChange {
    let path = folder_of(config).join(file);
    let before = std::fs::read_to_string(&path).unwrap_or_default();
    let mut text =
        serde_json::to_string_pretty(&crate::config::config_schema()).unwrap_or_default();
    text.push('\n');
    let mode = mode_of(&path).unwrap_or(0o644);
    FileChange::new(path, &before, text, mode)
}

/// The key a request will use once `key` is stored as `var` in the `.env`, when it is
/// another one: a source earlier in the precedence holds a different key.
fn key_in_use(
    config: &LoadedConfig,
    vars: &[String],
    entry: &str,
    env: &Env,
    var: &str,
    key: &ApiKey,
) -> Option<FoundKey> {
    let mut after = config.clone();
    after
        .dotenv
        .vars
        .insert(var.to_string(), key.expose().to_string());
    let api_key = config
        .file
        .models
        .providers
        .get(entry)
        .and_then(|e| e.api_key.as_deref());
    find_key(None, Some((entry, api_key)), vars, env, &after)
        .found
        .filter(|found| found.key != *key)
}

/// What to say when `found` will be used instead of the key written.
fn key_in_use_warning(found: &FoundKey) -> String {
    let fix = match &found.source {
        KeySource::ConfigApiKey { file, provider } => format!(
            "remove `apiKey` from `models.providers.{provider}` in {}",
            file.display()
        ),
        KeySource::Env { var } => format!("unset {var} (or set it to the new key)"),
        KeySource::ConfigEnv { file, var } => {
            format!("remove `{var}` from the `env` table of {}", file.display())
        }
        KeySource::Flag | KeySource::DotEnv { .. } => "remove it".to_string(),
    };
    format!(
        "the key {} from {} comes first and will still be used, not the key written; to use the new key, {fix}",
        found.key.masked(),
        found.source
    )
}

/// Why [`apply`] failed, and what it had already written.
#[derive(Debug, thiserror::Error)]
#[error("{error}; {}", written_note(.written))]
pub struct ApplyError {
    /// The failure.
    pub error: FileError,
    /// The files already renamed into place (none when preparing failed).
    pub written: Vec<PathBuf>,
}

fn written_note(written: &[PathBuf]) -> String {
    if written.is_empty() {
        return "nothing was changed".to_string();
    }
    let names: Vec<_> = written.iter().map(|p| p.display().to_string()).collect();
    format!("{} was already written", names.join(" and "))
}

/// Writes the changed files: each is prepared (its folder created `0o700`, the content
/// written and flushed beside it) before any is renamed into place, the `.env` (the key)
/// first so a config never names a key that was not stored, and the schema before the
/// config that points at it.
pub fn apply(plan: &Plan) -> Result<(), ApplyError> {
    let failed = |error| ApplyError {
        error,
        written: Vec::new(),
    };
    let mut prepared = Vec::new();
    let files = [&plan.schema, &plan.config];
    for change in plan.dotenv.iter().chain(files) {
        if change.changed {
            prepared.push(prepare(change).map_err(failed)?);
        }
    }
    let mut written = Vec::new();
    for file in prepared {
        let path = file.target().to_path_buf();
        file.commit().map_err(|error| ApplyError {
            error,
            written: written.clone(),
        })?;
        written.push(path);
    }
    Ok(())
}

fn prepare(change: &FileChange) -> Result<AtomicFile, FileError> {
    if let Some(folder) = change.path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::atomic::create_private_dir(folder)?;
    }
    let mut file = AtomicFile::create(&change.path, Mode::Exact(change.mode))?;
    file.write_all(change.after.as_bytes())?;
    file.flush()?;
    Ok(file)
}

/// The folder whose lock guards onboarding with the config at `config` (it holds the
/// config and the `.env`).
pub fn folder_of(config: &Path) -> &Path {
    config
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}
