//! Capabilities of a target and why each has its value: the catalog endpoint serving the
//! base URL's host, else a generic OpenAI-compatible host; explicit `compat` settings in
//! the config win over both.

use serde::Serialize;

use crate::catalog::{self, Capabilities};
use crate::config::Compat;

/// Where one capability's value came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum CapabilitySource {
    /// The catalog endpoint on the same host.
    Host {
        /// The host.
        host: String,
        /// `provider plan/region` of the endpoint.
        endpoint: String,
    },
    /// Nothing known about the host: the generic OpenAI-compatible default.
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
            CapabilitySource::Generic { host } => write!(
                f,
                "host {host} is not in the catalog: generic OpenAI-compatible default"
            ),
            CapabilitySource::Config { key } => write!(f, "`{key}` in the config"),
        }
    }
}

/// One capability: its value and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Capability {
    /// The value.
    pub value: bool,
    /// Why.
    pub source: CapabilitySource,
}

/// Every capability with its reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExplainedCapabilities {
    /// Streams report usage with `stream_options.include_usage`.
    pub streaming_usage: Capability,
    /// The `developer` role is accepted.
    pub developer_role: Capability,
    /// `enable_thinking` / `thinking_budget` are accepted.
    pub thinking_flags: Capability,
}

impl ExplainedCapabilities {
    /// The plain values.
    pub fn values(&self) -> Capabilities {
        Capabilities {
            streaming_usage: self.streaming_usage.value,
            developer_role: self.developer_role.value,
            thinking_flags: self.thinking_flags.value,
        }
    }
}

/// What a host not in the catalog is assumed to support: the OpenAI wire protocol as
/// OpenAI documents it, and nothing provider-specific.
const GENERIC: Capabilities = Capabilities {
    streaming_usage: false,
    developer_role: true,
    thinking_flags: false,
};

/// The capabilities of `host`, overridden by `compat` (found under config key `prefix`).
pub fn explain(host: &str, compat: &Compat, prefix: &str) -> ExplainedCapabilities {
    let (base, source) = match catalog::endpoint_for_host(host) {
        Some(e) => (
            e.capabilities,
            CapabilitySource::Host {
                host: host.to_string(),
                endpoint: format!("{} {}/{}", e.provider, e.plan, e.region),
            },
        ),
        None => (
            GENERIC,
            CapabilitySource::Generic {
                host: host.to_string(),
            },
        ),
    };
    let pick = |value: bool, explicit: Option<bool>, key: &str| match explicit {
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
    };
    ExplainedCapabilities {
        streaming_usage: pick(
            base.streaming_usage,
            compat.supports_usage_in_streaming,
            "supportsUsageInStreaming",
        ),
        developer_role: pick(
            base.developer_role,
            compat.supports_developer_role,
            "supportsDeveloperRole",
        ),
        thinking_flags: pick(
            base.thinking_flags,
            compat.supports_thinking_flags,
            "supportsThinkingFlags",
        ),
    }
}
