//! What an emulator serves where, given at start: the paths of its surfaces, the key prefixes
//! each accepts and the model tables ([`EmulatorConfig`]); the checks on them
//! ([`ConfigError`]); the routes they make; and how a key is told Standard from Coding.

use std::collections::HashSet;

use crate::models::{CHAT_MODELS, KnownModel, Plan, SurfaceModel, anthropic_models, openai_models};

/// Everything an emulator is told at start ([`crate::Emulator::start_with`]); the default is
/// DashScope's layout, exactly what [`crate::Emulator::start`] serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmulatorConfig {
    /// The DashScope-style surfaces: OpenAI-compatible chat on a Standard and a Coding Plan
    /// path, and the native video API.
    pub profile: Profile,
    /// The Anthropic Messages surface (default [`SurfaceConfig::anthropic`]).
    pub anthropic: SurfaceConfig,
    /// The generic OpenAI Chat Completions surface (default [`SurfaceConfig::openai`]).
    pub openai: SurfaceConfig,
}

impl Default for EmulatorConfig {
    fn default() -> EmulatorConfig {
        EmulatorConfig::dashscope()
    }
}

impl EmulatorConfig {
    /// DashScope's layout with the new surfaces at their default paths.
    pub fn dashscope() -> EmulatorConfig {
        EmulatorConfig {
            profile: Profile::dashscope(),
            anthropic: SurfaceConfig::anthropic(),
            openai: SurfaceConfig::openai(),
        }
    }
}

/// The DashScope-style surfaces: where they are and which keys they take.
///
/// A key is classified by the longest of the two prefixes it starts with (so with `sk-` and
/// `sk-sp-`, `sk-sp-1` is a Coding key and `sk-1` a Standard one); a key starting with
/// neither is refused as an incorrect key everywhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The Standard host's OpenAI-compatible base path (default `/compatible-mode/v1`); chat
    /// is `POST {standard_base}/chat/completions`.
    pub standard_base: String,
    /// The Coding Plan host's base path (default `/v1`).
    pub coding_base: String,
    /// The native API root (default `""`): video tasks under `{native_root}/api/v1/…`, video
    /// files under `{native_root}/files/…`, and the Anthropic and OpenAI surfaces below it.
    pub native_root: String,
    /// Standard keys start with this (default `sk-`).
    pub standard_key_prefix: String,
    /// Coding Plan keys start with this (default `sk-sp-`).
    pub coding_key_prefix: String,
    /// The chat models of both chat paths (default [`CHAT_MODELS`]).
    pub chat_models: Vec<KnownModel>,
}

impl Default for Profile {
    fn default() -> Profile {
        Profile::dashscope()
    }
}

impl Profile {
    /// DashScope / Model Studio: `/compatible-mode/v1`, `/v1`, the native API at the root,
    /// `sk-` and `sk-sp-` keys, [`CHAT_MODELS`].
    pub fn dashscope() -> Profile {
        Profile {
            standard_base: "/compatible-mode/v1".to_owned(),
            coding_base: "/v1".to_owned(),
            native_root: String::new(),
            standard_key_prefix: "sk-".to_owned(),
            coding_key_prefix: "sk-sp-".to_owned(),
            chat_models: CHAT_MODELS.to_vec(),
        }
    }

    /// The plan a key belongs to: the longest matching prefix wins; `None` when neither
    /// prefix matches.
    pub fn plan_of(&self, key: &str) -> Option<Plan> {
        let standard = key
            .starts_with(&self.standard_key_prefix)
            .then_some(self.standard_key_prefix.len());
        let coding = key
            .starts_with(&self.coding_key_prefix)
            .then_some(self.coding_key_prefix.len());
        match (standard, coding) {
            (Some(s), Some(c)) if c > s => Some(Plan::Coding),
            (Some(_), _) => Some(Plan::Standard),
            (None, Some(_)) => Some(Plan::Coding),
            (None, None) => None,
        }
    }
}

/// A surface of another dialect (Anthropic Messages or generic OpenAI): its path below the
/// native root, its key prefix and its models.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurfaceConfig {
    /// The surface's base path below [`Profile::native_root`] (Anthropic default
    /// `/anthropic`, OpenAI default `/openai/v1`).
    pub path: String,
    /// Keys start with this (Anthropic default `sk-ant-`, OpenAI default `sk-proj-`).
    pub key_prefix: String,
    /// The models served (defaults: [`anthropic_models`], [`openai_models`]).
    pub models: Vec<SurfaceModel>,
}

impl SurfaceConfig {
    /// The Anthropic Messages surface: `/anthropic`, `sk-ant-`, [`anthropic_models`].
    pub fn anthropic() -> SurfaceConfig {
        SurfaceConfig {
            path: "/anthropic".to_owned(),
            key_prefix: "sk-ant-".to_owned(),
            models: anthropic_models(),
        }
    }

    /// The generic OpenAI surface: `/openai/v1`, `sk-proj-`, [`openai_models`].
    pub fn openai() -> SurfaceConfig {
        SurfaceConfig {
            path: "/openai/v1".to_owned(),
            key_prefix: "sk-proj-".to_owned(),
            models: openai_models(),
        }
    }

    /// The key is accepted: non-empty, with the prefix, and not containing `bad`.
    pub(crate) fn accepts(&self, key: &str) -> bool {
        !key.is_empty() && key.starts_with(&self.key_prefix) && !key.contains("bad")
    }
}

/// Which surface a request reached (see [`crate::Recorded::surface`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    /// DashScope chat on the Standard path.
    Standard,
    /// DashScope chat on the Coding Plan path.
    Coding,
    /// The native video API or a video file.
    Native,
    /// Anything under the Anthropic surface's base path.
    Anthropic,
    /// Anything under the OpenAI surface's base path.
    OpenAi,
    /// Nothing is served there (404).
    Unrouted,
}

/// A configuration the emulator cannot serve.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A path that is not of the form `/a/b`.
    #[error(
        "emulator config: `{field}` = `{value}` is not a path: it must start with `/`, not end \
         with `/`, and hold no `?`, `#` or whitespace{root}",
        root = if *.field == "profile.native_root" { " (or be empty)" } else { "" }
    )]
    BadPath { field: &'static str, value: String },
    /// Two surfaces at the same path.
    #[error(
        "emulator config: `{first}` and `{second}` both serve `POST {path}`: give each \
         surface its own path"
    )]
    SamePath {
        first: &'static str,
        second: &'static str,
        path: String,
    },
    /// Standard and Coding keys cannot be told apart.
    #[error(
        "emulator config: the Standard and Coding key prefixes are both `{0}`: make them \
         differ (the longest matching prefix decides a key's plan)"
    )]
    SameKeyPrefix(String),
    /// A model without an id.
    #[error("emulator config: `{table}` has a model with an empty id: give it one")]
    EmptyModelId { table: &'static str },
    /// Two models with one id.
    #[error("emulator config: `{table}` lists the model `{id}` twice: keep one")]
    DuplicateModel { table: &'static str, id: String },
}

/// Why an emulator did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The loopback socket or the runtime could not be set up.
    #[error("cannot serve on 127.0.0.1: {0}")]
    Io(#[from] std::io::Error),
}

/// The full paths the server routes by.
#[derive(Debug)]
pub(crate) struct Routes {
    pub standard_chat: String,
    pub coding_chat: String,
    pub video_synthesis: String,
    /// Task polls and cancels live under this (ends with `/`).
    pub tasks: String,
    /// Video files live under this, as `{task_id}.mp4` (ends with `/`).
    pub files: String,
    /// The Anthropic surface's base path.
    pub anthropic_base: String,
    pub anthropic_messages: String,
    /// The OpenAI surface's base path.
    pub openai_base: String,
    pub openai_chat: String,
}

/// A configuration that passed [`check`], with its routes.
#[derive(Debug)]
pub(crate) struct Config {
    pub public: EmulatorConfig,
    pub routes: Routes,
}

/// Checks a configuration and works out its routes.
pub(crate) fn check(config: EmulatorConfig) -> Result<Config, ConfigError> {
    let profile = &config.profile;
    for (field, value) in [
        ("profile.standard_base", &profile.standard_base),
        ("profile.coding_base", &profile.coding_base),
        ("anthropic.path", &config.anthropic.path),
        ("openai.path", &config.openai.path),
    ] {
        if !is_path(value) {
            return Err(bad_path(field, value));
        }
    }
    if !profile.native_root.is_empty() && !is_path(&profile.native_root) {
        return Err(bad_path("profile.native_root", &profile.native_root));
    }
    if profile.standard_key_prefix == profile.coding_key_prefix {
        return Err(ConfigError::SameKeyPrefix(
            profile.standard_key_prefix.clone(),
        ));
    }
    let chat_ids = profile.chat_models.iter().map(|m| m.id);
    unique_ids("profile.chat_models", chat_ids)?;
    let anthropic_ids = config.anthropic.models.iter().map(|m| m.id.as_str());
    unique_ids("anthropic.models", anthropic_ids)?;
    unique_ids(
        "openai.models",
        config.openai.models.iter().map(|m| m.id.as_str()),
    )?;

    let root = &profile.native_root;
    let anthropic_base = format!("{root}{}", config.anthropic.path);
    let openai_base = format!("{root}{}", config.openai.path);
    let routes = Routes {
        standard_chat: format!("{}/chat/completions", profile.standard_base),
        coding_chat: format!("{}/chat/completions", profile.coding_base),
        video_synthesis: format!("{root}/api/v1/services/aigc/video-generation/video-synthesis"),
        tasks: format!("{root}/api/v1/tasks/"),
        files: format!("{root}/files/"),
        anthropic_messages: format!("{anthropic_base}/v1/messages"),
        anthropic_base,
        openai_chat: format!("{openai_base}/chat/completions"),
        openai_base,
    };
    let posts = [
        ("profile.standard_base", &routes.standard_chat),
        ("profile.coding_base", &routes.coding_chat),
        ("profile.native_root", &routes.video_synthesis),
        ("anthropic.path", &routes.anthropic_messages),
        ("openai.path", &routes.openai_chat),
    ];
    for (i, (first, path)) in posts.iter().enumerate() {
        if let Some((second, _)) = posts[i + 1..].iter().find(|(_, p)| p == path) {
            return Err(ConfigError::SamePath {
                first,
                second,
                path: (*path).clone(),
            });
        }
    }
    Ok(Config {
        public: config,
        routes,
    })
}

/// `/a/b`: a leading `/`, no trailing `/`, no query, fragment or whitespace.
fn is_path(value: &str) -> bool {
    value.starts_with('/')
        && !value.ends_with('/')
        && !value.contains(['?', '#'])
        && !value.chars().any(char::is_whitespace)
}

fn bad_path(field: &'static str, value: &str) -> ConfigError {
    ConfigError::BadPath {
        field,
        value: value.to_owned(),
    }
}

/// `Err` on an empty or repeated id.
fn unique_ids<'a>(
    table: &'static str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<(), ConfigError> {
    let mut seen = HashSet::new();
    for id in ids {
        if id.is_empty() {
            return Err(ConfigError::EmptyModelId { table });
        }
        if !seen.insert(id) {
            return Err(ConfigError::DuplicateModel {
                table,
                id: id.to_owned(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{ConfigError, EmulatorConfig, Profile, check};
    use crate::models::Plan;

    #[test]
    fn the_longest_prefix_decides_the_plan() {
        let profile = Profile::dashscope();
        assert_eq!(profile.plan_of("sk-sp-1"), Some(Plan::Coding));
        assert_eq!(profile.plan_of("sk-1"), Some(Plan::Standard));
        assert_eq!(profile.plan_of("tk-1"), None);
        let reversed = Profile {
            standard_key_prefix: "ab-cd-".into(),
            coding_key_prefix: "ab-".into(),
            ..Profile::dashscope()
        };
        assert_eq!(reversed.plan_of("ab-cd-1"), Some(Plan::Standard));
        assert_eq!(reversed.plan_of("ab-1"), Some(Plan::Coding));
    }

    #[test]
    fn bad_configs_are_refused_with_the_field() {
        let mut config = EmulatorConfig::default();
        config.profile.coding_base = "v1/".into();
        let err = check(config).expect_err("a bad path");
        assert!(
            err.to_string().contains("`profile.coding_base` = `v1/`"),
            "{err}"
        );

        let mut config = EmulatorConfig::default();
        config.profile.native_root = "/".into();
        assert!(matches!(check(config), Err(ConfigError::BadPath { .. })));

        let mut config = EmulatorConfig::default();
        config.openai.path = "/v1".into();
        let err = check(config).expect_err("a clash");
        let text = err.to_string();
        assert!(
            text.contains("`profile.coding_base` and `openai.path`"),
            "{text}"
        );

        let mut config = EmulatorConfig::default();
        config.profile.coding_key_prefix = "sk-".into();
        assert!(matches!(check(config), Err(ConfigError::SameKeyPrefix(_))));

        let mut config = EmulatorConfig::default();
        let first = config.anthropic.models[0].clone();
        config.anthropic.models.push(first);
        assert!(matches!(
            check(config),
            Err(ConfigError::DuplicateModel { .. })
        ));

        assert!(check(EmulatorConfig::default()).is_ok());
    }
}
