//! The user's config file as written: every field optional, unknown keys rejected.
//!
//! The shape follows the Qwen / Model Studio page, so its examples work as written
//! (`agents.defaults.model.primary = "qwen/qwen3.5-plus"`). The doc comments become the
//! descriptions editors show from `schemas/config.schema.json`. Values are checked
//! against the catalog afterwards, in `config::check`.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::dotenv::masked_map;
use super::schema::{auth_choice_schema, model_ref_schema, video_ref_schema};
use crate::catalog::{Dialect, MaxTokensField, ThinkingFormat};
use crate::redact::{Redactor, mask_key};

/// The provcat config file (`~/.config/provcat/config.toml`).
#[derive(Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConfigFile {
    /// The JSON Schema this file follows (JSON configs; TOML files use a `#:schema` comment).
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Defaults for the agents that use provcat: the default chat and video models.
    #[serde(default, skip_serializing_if = "Agents::is_empty")]
    pub agents: Agents,
    /// Model providers: which auth choice, endpoint override and headers each uses, and
    /// custom OpenAI-compatible providers.
    #[serde(default, skip_serializing_if = "Models::is_empty")]
    pub models: Models,
    /// Catalog folders loaded over the built-in catalog at start-up, before those given with
    /// `--catalog` (`["~/my-catalog"]`): their providers and models are compiled with the
    /// built-in ones under the same checks, and every command sees them. Relative paths
    /// start at this file's folder; `~/` is the home folder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalogs: Vec<String>,
    /// Environment variables applied when the process does not already set them (a way to
    /// give a daemon its key). A `.env` file beside this file is read after this table.
    /// `shellEnv` is not a variable: it imports the login shell's environment.
    #[serde(default, skip_serializing_if = "EnvConfig::is_empty")]
    pub env: EnvConfig,
    /// Settings of `provcat serve`, the local gateway.
    #[serde(default, skip_serializing_if = "ServeConfig::is_empty")]
    pub serve: ServeConfig,
}

/// `env`: variables, and the opt-in import of the login shell's environment.
#[derive(Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnvConfig {
    /// At `provcat serve` start-up, run the login shell once to print its environment (with
    /// a timeout) and take the variables not already set — for a daemon started by an init
    /// system that never read `~/.profile`. Values are never logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shell_env: Option<ShellEnv>,
    /// Variables (`QWEN_API_KEY = "…"`), applied when the process does not set them.
    #[serde(flatten)]
    pub vars: BTreeMap<String, String>,
}

/// `env.shellEnv`: the login shell import.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ShellEnv {
    /// Run the import.
    #[serde(default)]
    pub enabled: bool,
    /// How long the shell may take, in milliseconds (default 15000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
}

/// `serve`: the gateway's settings.
#[derive(Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServeConfig {
    /// The client token `provcat serve` requires (`Authorization: Bearer …` or
    /// `x-api-key`); mandatory when it listens beyond loopback. `PROVCAT_SERVE_TOKEN` wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl EnvConfig {
    fn is_empty(&self) -> bool {
        self.vars.is_empty() && self.shell_env.is_none()
    }
}

impl ServeConfig {
    fn is_empty(&self) -> bool {
        self.token.is_none()
    }
}

/// Masks every variable's value.
impl fmt::Debug for EnvConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvConfig")
            .field("shell_env", &self.shell_env)
            .field("vars", &masked_map(&self.vars))
            .finish()
    }
}

/// Masks the token.
impl fmt::Debug for ServeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeConfig")
            .field("token", &self.token.as_deref().map(mask_key))
            .finish()
    }
}

/// `agents`: settings shared by every agent.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Agents {
    /// Defaults every agent starts from.
    #[serde(default, skip_serializing_if = "AgentDefaults::is_empty")]
    pub defaults: AgentDefaults,
}

/// `agents.defaults`: the default models.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AgentDefaults {
    /// The default chat model.
    #[serde(default, skip_serializing_if = "ModelChoice::is_empty")]
    pub model: ModelChoice,
    /// The default video generation model.
    #[serde(default, skip_serializing_if = "VideoModelChoice::is_empty")]
    pub video_generation_model: VideoModelChoice,
}

/// A default chat model.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ModelChoice {
    /// Model ref, `<provider>/<model>` (`qwen/qwen3.5-plus`); aliases such as
    /// `modelstudio/glm-5` work too, and so does any model id of a custom provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "model_ref_schema")]
    pub primary: Option<String>,
}

/// A default video generation model.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VideoModelChoice {
    /// Video model ref (`qwen/wan2.6-t2v`, or `alibaba/wan2.6-t2v`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "video_ref_schema")]
    pub primary: Option<String>,
}

/// `models`: provider settings.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Models {
    /// One entry per provider id: a built-in provider (`qwen`, or its legacy alias
    /// `modelstudio`) or a custom one (any other id, with `api` and `baseUrl`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub providers: BTreeMap<String, ProviderConfig>,
}

/// `models.providers.<id>`: how to reach one provider.
#[derive(Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProviderConfig {
    /// The auth choice made at onboarding (`qwen-standard-api-key`): it selects the plan,
    /// the region and so the endpoint. Legacy `modelstudio-*` ids still work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "auth_choice_schema")]
    pub auth_choice: Option<String>,
    /// A base URL that replaces the auth choice's endpoint (`https://…/v1`). Capabilities
    /// follow its host: a DashScope host keeps DashScope's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The API key. Discouraged: prefer the provider's environment variable or the `.env`
    /// file beside this config, which `provcat onboard` writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// The wire dialect of a custom provider: `openai-completions` (the default) or
    /// `anthropic-messages`. Write `baseUrl` the way the provider documents it: the dialect
    /// appends `/chat/completions` or `/v1/messages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "super::schema::chat_dialect_schema")]
    pub api: Option<Dialect>,
    /// Explicit capability overrides; they win over what the endpoint's host supports.
    #[serde(default, skip_serializing_if = "Compat::is_empty")]
    pub compat: Compat,
    /// Extra HTTP headers sent with every request to this provider.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// `compat`: capability overrides.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Compat {
    /// Whether streams report token usage when asked with `stream_options.include_usage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_usage_in_streaming: Option<bool>,
    /// Whether the `developer` message role is accepted (else it is sent as `system`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_developer_role: Option<bool>,
    /// Deprecated: `true` means `thinkingFormat = "enable-thinking"`, `false` means
    /// `"none"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_thinking_flags: Option<bool>,
    /// How thinking is switched on and off: `none`, `enable-thinking` (top-level
    /// `enable_thinking`), `thinking-type` (`thinking: {type}`), `reasoning-effort`
    /// (`reasoning_effort`) or `reasoning-object` (`reasoning: {effort}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_format: Option<ThinkingFormat>,
    /// Whether thinking may only be on in streams (a non-streaming call to a model that
    /// thinks by default then switches it off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_needs_stream: Option<bool>,
    /// The field that caps output tokens: `max_tokens` or `max_completion_tokens`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens_field: Option<MaxTokensField>,
}

/// Masks every `env` value (the providers mask their own secrets).
impl fmt::Debug for ConfigFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigFile")
            .field("schema", &self.schema)
            .field("agents", &self.agents)
            .field("models", &self.models)
            .field("catalogs", &self.catalogs)
            .field("env", &self.env)
            .field("serve", &self.serve)
            .finish()
    }
}

/// Masks the `apiKey`, the header values, credentials in the `baseUrl` and a key pasted
/// into `authChoice`.
impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redactor = Redactor::new();
        f.debug_struct("ProviderConfig")
            .field(
                "auth_choice",
                &self
                    .auth_choice
                    .as_deref()
                    .map(|c| redactor.scrub_diagnostic(c)),
            )
            .field(
                "base_url",
                &self.base_url.as_deref().map(|u| redactor.scrub(u)),
            )
            .field("api_key", &self.api_key.as_deref().map(mask_key))
            .field("api", &self.api)
            .field("compat", &self.compat)
            .field("headers", &masked_map(&self.headers))
            .finish()
    }
}

impl Agents {
    fn is_empty(&self) -> bool {
        self.defaults.is_empty()
    }
}

impl AgentDefaults {
    fn is_empty(&self) -> bool {
        self.model.is_empty() && self.video_generation_model.is_empty()
    }
}

impl ModelChoice {
    fn is_empty(&self) -> bool {
        self.primary.is_none()
    }
}

impl VideoModelChoice {
    fn is_empty(&self) -> bool {
        self.primary.is_none()
    }
}

impl Models {
    fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }
}

impl Compat {
    fn is_empty(&self) -> bool {
        *self == Compat::default()
    }
}
