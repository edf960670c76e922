//! Capabilities of a target and why each has its value: the catalog surface of the same
//! dialect on the base URL's host; else, for a built-in provider whose `baseUrl` names a
//! host the catalog does not know (a proxy), its auth choice's surface; else a generic
//! host of the dialect. Explicit `compat` settings in the config win over all three.

use serde::Serialize;

use crate::catalog::{self, Capabilities, Dialect, MaxTokensField, SurfaceEntry, ThinkingFormat};
use crate::config::Compat;

/// Where one capability's value came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum CapabilitySource {
    /// The catalog surface on the same host.
    Host {
        /// The host.
        host: String,
        /// `provider plan/region` of the endpoint.
        endpoint: String,
    },
    /// The host is not in the catalog; the built-in provider's auth choice selects the
    /// surface whose capabilities are kept (a proxy in front of the provider).
    AuthChoice {
        /// The host.
        host: String,
        /// The auth choice.
        id: String,
    },
    /// Nothing known about the host: the generic default of the dialect.
    Generic {
        /// The host.
        host: String,
    },
    /// `compat.<key>` in the config.
    Config {
        /// The config key (`models.providers.x.compat.supportsUsageInStreaming`).
        key: String,
    },
}

impl std::fmt::Display for CapabilitySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CapabilitySource::Host { host, endpoint } => {
                write!(f, "host {host} is the catalog endpoint {endpoint}")
            }
            CapabilitySource::AuthChoice { host, id } => write!(
                f,
                "host {host} is not in the catalog: kept the capabilities of auth choice `{id}`'s endpoint"
            ),
            CapabilitySource::Generic { host } => write!(
                f,
                "host {host} is not in the catalog: generic default of the dialect"
            ),
            CapabilitySource::Config { key } => write!(f, "`{key}` in the config"),
        }
    }
}

/// One capability: its value and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Capability<T> {
    /// The value.
    pub value: T,
    /// Why.
    pub source: CapabilitySource,
}

/// Every capability with its reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExplainedCapabilities {
    /// Streams report usage with `stream_options.include_usage`.
    pub streaming_usage: Capability<bool>,
    /// The `developer` role is accepted.
    pub developer_role: Capability<bool>,
    /// How thinking is switched.
    pub thinking_format: Capability<ThinkingFormat>,
    /// Thinking may only be on in streams.
    pub thinking_needs_stream: Capability<bool>,
    /// The field capping output tokens.
    pub max_tokens_field: Capability<MaxTokensField>,
}

impl ExplainedCapabilities {
    /// The plain values.
    pub fn values(&self) -> Capabilities {
        Capabilities {
            streaming_usage: self.streaming_usage.value,
            developer_role: self.developer_role.value,
            thinking_format: self.thinking_format.value,
            thinking_needs_stream: self.thinking_needs_stream.value,
            max_tokens_field: self.max_tokens_field.value,
        }
    }
}

/// The surface a built-in provider's auth choice selects, for a `baseUrl` on a host the
/// catalog does not know.
#[derive(Clone, Copy, Debug)]
pub struct Fallback<'a> {
    /// The auth choice id.
    pub auth_choice: &'a str,
    /// Its surface.
    pub surface: &'static SurfaceEntry,
}

/// The capabilities of `dialect` on `host`, overridden by `compat` (found under config key
/// `prefix`); `fallback` applies when the host is not in the catalog.
pub fn explain(
    host: &str,
    dialect: Dialect,
    fallback: Option<Fallback<'_>>,
    compat: &Compat,
    prefix: &str,
) -> ExplainedCapabilities {
    let (base, source) = match (catalog::surface_for_host(host, dialect), fallback) {
        (Some(found), _) => (
            found.surface.capabilities,
            CapabilitySource::Host {
                host: host.to_string(),
                endpoint: format!(
                    "{} {}/{}",
                    found.endpoint.provider, found.endpoint.plan, found.endpoint.region
                ),
            },
        ),
        (None, Some(f)) => (
            f.surface.capabilities,
            CapabilitySource::AuthChoice {
                host: host.to_string(),
                id: f.auth_choice.to_string(),
            },
        ),
        (None, None) => (
            Capabilities::GENERIC,
            CapabilitySource::Generic {
                host: host.to_string(),
            },
        ),
    };
    fn pick<T: Copy>(
        value: T,
        explicit: Option<T>,
        key: &str,
        prefix: &str,
        source: &CapabilitySource,
    ) -> Capability<T> {
        match explicit {
            Some(v) => Capability {
                value: v,
                source: CapabilitySource::Config {
                    key: format!("{prefix}.compat.{key}"),
                },
            },
            None => Capability {
                value,
                source: source.clone(),
            },
        }
    }
    // The deprecated boolean means the `enable_thinking` switch (or none); the explicit
    // format wins over it.
    let (format, format_key) = match (compat.thinking_format, compat.supports_thinking_flags) {
        (Some(f), _) => (Some(f), "thinkingFormat"),
        (None, Some(true)) => (
            Some(ThinkingFormat::EnableThinking),
            "supportsThinkingFlags",
        ),
        (None, Some(false)) => (Some(ThinkingFormat::None), "supportsThinkingFlags"),
        (None, None) => (None, "thinkingFormat"),
    };
    ExplainedCapabilities {
        streaming_usage: pick(
            base.streaming_usage,
            compat.supports_usage_in_streaming,
            "supportsUsageInStreaming",
            prefix,
            &source,
        ),
        developer_role: pick(
            base.developer_role,
            compat.supports_developer_role,
            "supportsDeveloperRole",
            prefix,
            &source,
        ),
        thinking_format: pick(base.thinking_format, format, format_key, prefix, &source),
        thinking_needs_stream: pick(
            base.thinking_needs_stream,
            compat.thinking_needs_stream,
            "thinkingNeedsStream",
            prefix,
            &source,
        ),
        max_tokens_field: pick(
            base.max_tokens_field,
            compat.max_tokens_field,
            "maxTokensField",
            prefix,
            &source,
        ),
    }
}
