//! The user's config: where it lives, how it is read, and what it may say.
//!
//! Location, first match wins: `--config PATH`, then `$PROVCAT_CONFIG`, then the
//! platform config dir (`~/.config/provcat/config.toml` on Linux; `config.json` there
//! when only that exists). A missing file is an empty config. The file is parsed with
//! spans, validated against [`config_schema`] (so unknown keys get a "did you mean"),
//! deserialized into [`ConfigFile`] and checked against the catalog; every problem is a
//! located diagnostic. The `.env` beside it is read too; either one holding secrets that
//! other users can read gets a warning ([`exposure`]). Its `catalogs` list is read first, on
//! its own ([`catalogs`]): the folders it names change the catalog the rest is checked
//! against.

pub mod catalogs;
mod check;
pub mod dotenv;
pub mod env;
pub mod exposure;
mod file;
pub mod parse;
mod schema;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

pub use check::{BaseUrlError, is_loopback, parse_base_url, shown_url};
pub use dotenv::DotEnv;
pub use env::Env;
pub use file::{
    AgentDefaults, Agents, Compat, ConfigFile, EnvConfig, ModelChoice, Models, ProviderConfig,
    ServeConfig, ShellEnv, VideoModelChoice,
};
pub use parse::Format;
pub use schema::{SCHEMA_PATH, config_schema, config_schema_for};

use crate::common::tree::SpanIndex;
use crate::common::{Diagnostic, Report, Rule, validate};
use crate::redact::Redactor;
use crate::warning::Warning;

/// How the config file was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfigOrigin {
    /// `--config PATH`.
    Flag,
    /// `$PROVCAT_CONFIG`.
    EnvVar,
    /// The platform config dir.
    Default,
}

impl std::fmt::Display for ConfigOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ConfigOrigin::Flag => "--config",
            ConfigOrigin::EnvVar => env::PROVCAT_CONFIG,
            ConfigOrigin::Default => "the platform config dir",
        })
    }
}

/// Where the config file is, and why there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConfigLocation {
    /// The file (it may not exist yet).
    pub path: PathBuf,
    /// How it was chosen.
    pub origin: ConfigOrigin,
}

/// Chooses the config file: `flag`, else `$PROVCAT_CONFIG`, else the platform default.
pub fn locate(flag: Option<&Path>, env: &Env) -> Result<ConfigLocation, Report> {
    if let Some(path) = flag {
        return Ok(ConfigLocation {
            path: path.to_path_buf(),
            origin: ConfigOrigin::Flag,
        });
    }
    if let Some(path) = env.get(env::PROVCAT_CONFIG) {
        return Ok(ConfigLocation {
            path: PathBuf::from(path),
            origin: ConfigOrigin::EnvVar,
        });
    }
    let Some(dir) = dirs::config_dir() else {
        let mut report = Report::default();
        report.push(
            Diagnostic::new(
                Rule::Io,
                "cannot tell where the config dir is (no home directory)",
            )
            .help(format!("set {} or pass --config PATH", env::PROVCAT_CONFIG)),
        );
        return Err(report);
    };
    let dir = dir.join("provcat");
    let toml = dir.join("config.toml");
    let json = dir.join("config.json");
    let path = if !toml.exists() && json.exists() {
        json
    } else {
        toml
    };
    Ok(ConfigLocation {
        path,
        origin: ConfigOrigin::Default,
    })
}

/// A config file read and checked, with the `.env` beside it. Its `Debug` shows no
/// value that may be secret (the text, `apiKey`s, headers, `env` and `.env` values).
#[derive(Clone)]
pub struct LoadedConfig {
    /// Where it is.
    pub location: ConfigLocation,
    /// Whether the file exists (a missing one reads as empty).
    pub exists: bool,
    /// Its format.
    pub format: Format,
    /// What it says.
    pub file: ConfigFile,
    /// Its text (diagnostics quote it masked, see [`LoadedConfig::report`]).
    pub text: Arc<str>,
    /// Where each value is in `text`.
    pub index: SpanIndex,
    /// The `.env` beside it.
    pub dotenv: DotEnv,
    /// Things that work but deserve a word (legacy ids).
    pub warnings: Vec<Warning>,
    /// The secrets it holds (`apiKey`s, header values, `env` and `.env` values), to be
    /// kept out of every message.
    pub secrets: Redactor,
    /// `text` with every secret masked in place, as diagnostics quote it.
    masked_text: Arc<str>,
}

impl std::fmt::Debug for LoadedConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedConfig")
            .field("location", &self.location)
            .field("exists", &self.exists)
            .field("format", &self.format)
            .field("file", &self.file)
            .field("text", &format_args!("<{} bytes>", self.text.len()))
            .field("dotenv", &self.dotenv)
            .field("warnings", &self.warnings)
            .field("secrets", &self.secrets)
            .finish_non_exhaustive()
    }
}

impl LoadedConfig {
    /// The file as displayed in diagnostics.
    pub fn display_path(&self) -> String {
        self.location.path.display().to_string()
    }

    /// `path (chosen by …; read)`: which file this is and why, for `explain` and `-v`.
    pub fn describe(&self) -> String {
        format!(
            "{} (chosen by {}; {})",
            self.location.path.display(),
            self.location.origin,
            if self.exists {
                "read"
            } else {
                "not found, empty"
            }
        )
    }

    /// The file's text with every secret masked in place (`apiKey`s, header values, `env`
    /// and `.env` values, key-shaped tokens): what `provcat config show` prints.
    pub fn masked_text(&self) -> &str {
        &self.masked_text
    }

    /// `path (read)` of the `.env` beside the config.
    pub fn describe_dotenv(&self) -> String {
        format!(
            "{} ({})",
            self.dotenv.path.display(),
            if self.dotenv.exists {
                "read"
            } else {
                "not found"
            }
        )
    }

    /// A diagnostic located at the value (or, with `key`, the key) at `pointer`.
    pub fn diagnostic_at(&self, diagnostic: Diagnostic, pointer: &str, key: bool) -> Diagnostic {
        let span = if key {
            self.index.key_span(pointer)
        } else {
            self.index.value_span(pointer)
        };
        let span = span.filter(|_| self.exists);
        diagnostic.at(&self.display_path(), span)
    }

    /// A report of `diagnostics`, able to show the lines they point at (with every
    /// secret masked), their text redacted by [`Redactor::redact_report`].
    pub fn report(&self, diagnostics: impl IntoIterator<Item = Diagnostic>) -> Report {
        let mut report = Report::default();
        report.add_source(&self.display_path(), self.masked_text.clone());
        diagnostics.into_iter().for_each(|d| report.push(d));
        self.secrets.redact_report(&mut report);
        report
    }

    /// The provider entry for `provider` (a catalog id): under its id or under one of its
    /// namespace aliases (`modelstudio`), with the key it was found under.
    pub fn provider_entry(&self, ids: &[&str]) -> Option<(&str, &ProviderConfig)> {
        ids.iter().find_map(|id| {
            self.file
                .models
                .providers
                .get_key_value(*id)
                .map(|(k, v)| (k.as_str(), v))
        })
    }
}

/// Reads and checks the config at `location` and the `.env` beside it. A missing config
/// file is an empty config; every problem is reported at once.
pub fn load(location: ConfigLocation) -> Result<LoadedConfig, Report> {
    load_keeping_rest(location).map_err(|failed| failed.0)
}

/// A config that did not load: its problems, and what can still be read of it (boxed: a
/// `Result`'s error stays small).
pub type Unloaded = Box<(Report, Option<LoadedConfig>)>;

/// Loads the config like [`load`]; when it has problems, what can still be read comes
/// with the report: the file without what failed its schema, already checked (the
/// problems are all in the report). `explain` resolves with it to show what it can.
pub fn load_keeping_rest(location: ConfigLocation) -> Result<LoadedConfig, Unloaded> {
    let shown = location.path.display().to_string();
    let format = Format::of(&location.path);
    let (exists, text) = match std::fs::read_to_string(&location.path) {
        Ok(text) => (true, text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (false, String::new()),
        Err(e) => {
            let help = match e.kind() {
                std::io::ErrorKind::InvalidData => "save it as UTF-8 text",
                std::io::ErrorKind::IsADirectory => {
                    "the config is a file, not a folder; point --config (or $PROVCAT_CONFIG) at one"
                }
                _ => "fix its permissions, or point --config elsewhere",
            };
            let mut report = Report::default();
            report.push(
                Diagnostic::new(
                    Rule::Io,
                    format!("cannot read the config file {shown}: {e}"),
                )
                .help(help),
            );
            return Err(Box::new((report, None)));
        }
    };
    let text: Arc<str> = Arc::from(text);
    // The `.env` is read first so that its values are known secrets in every message
    // about the config; its own problems are reported after the config's.
    let dotenv = dotenv::read(&dotenv::path_beside(&location.path));
    let mut secrets = Redactor::new();
    if let Ok(d) = &dotenv {
        d.vars.values().for_each(|v| secrets.learn(v));
    }
    let report_of = |secrets: &Redactor, masked: &str, d: Vec<Diagnostic>| {
        let mut report = Report::default();
        report.add_source(&shown, Arc::from(masked));
        d.into_iter().for_each(|d| report.push(d));
        secrets.redact_report(&mut report);
        report
    };
    let fail = |secrets: &Redactor, masked: &str, d: Vec<Diagnostic>| {
        Err(Box::new((report_of(secrets, masked, d), None)))
    };
    let (value, index) = match parse::parse(&text, format, &shown) {
        Ok(parsed) => parsed,
        Err(d) => {
            let masked = secrets.mask_in_place(&text, &[]);
            return fail(&secrets, &masked, vec![*d]);
        }
    };
    let spans = secret_values(&value, &index, &mut secrets);
    let masked = secrets.mask_in_place(&text, &spans);
    let Some((validator, schema)) = schema::validator() else {
        let d = Diagnostic::new(
            Rule::InvalidValue,
            "internal error: the config schema does not compile",
        );
        return fail(&secrets, &masked, vec![d]);
    };
    let problems = validate::validate_with(validator, schema, &value, &index, &shown);
    // A config that fails its schema is still checked against the catalog without what
    // failed (an unknown key, an invalid optional value): a typo in one key must not hide
    // a bad model ref in another. The checks' diagnostics that only repeat a schema error
    // are dropped; nothing is returned but the problems.
    if !problems.is_empty() {
        let mut problems = problems;
        let pruned = crate::common::prune::prune(validator, &value);
        let file = pruned
            .as_ref()
            .and_then(|p| serde_json::from_value::<ConfigFile>(p.value.clone()).ok());
        if let (Some(pruned), Some(file), Ok(dotenv)) = (&pruned, file, &dotenv) {
            let mut loaded = LoadedConfig {
                location,
                exists,
                format,
                file,
                text,
                index: index.clone(),
                dotenv: dotenv.clone(),
                warnings: Vec::new(),
                secrets: secrets.clone(),
                masked_text: Arc::from(masked.as_str()),
            };
            problems.extend(
                check::check(&mut loaded)
                    .into_iter()
                    .filter(|d| !pruned.repeats(d, &index)),
            );
            learn_flagged(&mut loaded, &problems);
            let report = report_of(&secrets, &masked, problems);
            return Err(Box::new((report, Some(loaded))));
        }
        return fail(&secrets, &masked, problems);
    }
    let file: ConfigFile = match serde_json::from_value(value) {
        Ok(file) => file,
        Err(e) => {
            let d = Diagnostic::new(Rule::InvalidValue, format!("the config does not fit: {e}"))
                .at(&shown, Some(0..0))
                .help("this is a gap between the config schema and provcat; please report it");
            return fail(&secrets, &masked, vec![d]);
        }
    };
    let dotenv = dotenv.map_err(|report| Box::new((report, None)))?;
    let mut loaded = LoadedConfig {
        location,
        exists,
        format,
        file,
        text,
        index,
        dotenv,
        warnings: Vec::new(),
        secrets,
        masked_text: Arc::from(masked),
    };
    let problems = check::check(&mut loaded);
    loaded.warnings.extend(exposure::warnings(&loaded));
    if problems.is_empty() {
        Ok(loaded)
    } else {
        learn_flagged(&mut loaded, &problems);
        Err(Box::new((loaded.report(problems), Some(loaded))))
    }
}

/// Learns as secrets the values `problems` point at that look like keys (long random
/// tokens: a key pasted where a model ref goes): the rest of a config with problems is
/// still used (by `explain`), which prints such values outside any diagnostic.
fn learn_flagged(loaded: &mut LoadedConfig, problems: &[Diagnostic]) {
    let shown = loaded.display_path();
    for d in problems {
        let (Some(file), Some(span)) = (&d.file, &d.span) else {
            continue;
        };
        let Some(value) = loaded.text.get(span.clone()).map(|v| v.trim_matches('"')) else {
            continue;
        };
        if *file == shown && !value.is_empty() && loaded.secrets.scrub_diagnostic(value) != value {
            loaded.secrets.learn(value);
        }
    }
}

/// Learns the values of the config that are secrets whatever they look like (every
/// `apiKey`, every header value, every `env` value) and returns their spans; learns the
/// credentials and secret query values of every `baseUrl` too.
fn secret_values(
    value: &serde_json::Value,
    index: &SpanIndex,
    secrets: &mut Redactor,
) -> Vec<std::ops::Range<usize>> {
    use crate::common::tree::push_token;
    let mut found: Vec<(String, &serde_json::Value)> = Vec::new();
    if let Some(providers) = value
        .pointer("/models/providers")
        .and_then(|p| p.as_object())
    {
        for (id, entry) in providers {
            let at = push_token("/models/providers", id);
            if let Some(url) = entry.get("baseUrl").and_then(|u| u.as_str()) {
                secrets.learn_url(url);
            }
            if let Some(key) = entry.get("apiKey") {
                found.push((push_token(&at, "apiKey"), key));
            }
            if let Some(headers) = entry.get("headers").and_then(|h| h.as_object()) {
                let at = push_token(&at, "headers");
                found.extend(headers.iter().map(|(k, v)| (push_token(&at, k), v)));
            }
        }
    }
    if let Some(env) = value.get("env").and_then(|e| e.as_object()) {
        found.extend(env.iter().map(|(k, v)| (push_token("/env", k), v)));
    }
    if let Some(token) = value.pointer("/serve/token") {
        found.push(("/serve/token".to_string(), token));
    }
    found
        .into_iter()
        .filter_map(|(pointer, value)| {
            match value {
                serde_json::Value::String(s) => secrets.learn(s),
                serde_json::Value::Number(n) => secrets.learn(&n.to_string()),
                _ => return None,
            }
            index.value_span(&pointer)
        })
        .collect()
}
