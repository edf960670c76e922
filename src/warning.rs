//! Things that work but deserve a word, as a typed enum: callers pick warnings by kind
//! (`video` leaves key-shape warnings to its own refusal), never by matching text.
//!
//! Each warning prints as one sentence (`Display`) and serializes as
//! `{"kind": "…", "message": "…"}` plus its fields, so `--json` readers can do both.

use std::fmt;

use serde::Serialize;

use crate::catalog::LifecycleStatus;

/// A warning from loading the config, resolving a ref or planning an onboarding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// `models.providers.<id>` uses a legacy provider id.
    LegacyProviderId {
        /// The id as written.
        id: String,
        /// The canonical provider id.
        canonical: String,
    },
    /// An auth choice is written with its legacy id.
    LegacyAuthChoice {
        /// The id as written.
        legacy: String,
        /// The canonical id.
        canonical: String,
    },
    /// The model is not active (preview, deprecated, retired).
    Lifecycle {
        /// The canonical ref.
        model: String,
        /// Its status.
        status: LifecycleStatus,
        /// The ref to use instead.
        replacement: Option<String>,
    },
    /// The plan lists the model but its API can reject it.
    MayBeRejected {
        /// The canonical ref.
        model: String,
        /// The plan's display name.
        plan: String,
        /// The catalog's reason.
        reason: Option<String>,
        /// Where to switch instead.
        switch_to: Option<SwitchTo>,
    },
    /// The key does not have the shape of the plan's keys.
    KeyShape(KeyShape),
    /// No key was found anywhere.
    NoKey {
        /// Every place looked, in order.
        searched: Vec<String>,
    },
    /// The config holds the key itself (`apiKey`).
    ApiKeyInConfig {
        /// The config entry (`models.providers.<id>`).
        entry: String,
    },
    /// The base URL is plain http to another machine: no key is sent to it.
    PlainHttp {
        /// The URL.
        url: String,
    },
    /// A file holding secrets can be read by other users.
    SecretsReadable {
        /// The file.
        path: std::path::PathBuf,
        /// Its permission bits.
        mode: u32,
    },
}

/// An auth choice to switch to, with its plan's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SwitchTo {
    /// The auth choice id.
    pub auth_choice: String,
    /// The plan's display name.
    pub plan: String,
}

/// A key whose shape does not fit the plan it is used with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyShape {
    /// The key, masked.
    pub masked: String,
    /// The display name of the plan in use.
    pub plan: String,
    /// The prefix that plan's keys start with.
    pub expected_prefix: Option<String>,
    /// The plan whose keys this key looks like (longest matching prefix), if another.
    pub key_plan: Option<String>,
    /// That plan's prefix.
    pub key_prefix: Option<String>,
    /// The auth choice of the key's plan in the same region.
    pub switch_to: Option<String>,
    /// That auth choice's region (display name).
    pub switch_to_region: Option<String>,
}

impl Warning {
    /// The kind, as serialized (`key-shape`, `no-key`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Warning::LegacyProviderId { .. } => "legacy-provider-id",
            Warning::LegacyAuthChoice { .. } => "legacy-auth-choice",
            Warning::Lifecycle { .. } => "lifecycle",
            Warning::MayBeRejected { .. } => "may-be-rejected",
            Warning::KeyShape(_) => "key-shape",
            Warning::NoKey { .. } => "no-key",
            Warning::ApiKeyInConfig { .. } => "api-key-in-config",
            Warning::PlainHttp { .. } => "plain-http",
            Warning::SecretsReadable { .. } => "secrets-readable",
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::LegacyProviderId { id, canonical } => write!(
                f,
                "`models.providers.{id}` uses the legacy provider id `{id}`; the canonical id is `{canonical}`"
            ),
            Warning::LegacyAuthChoice { legacy, canonical } => write!(
                f,
                "auth choice `{legacy}` is a legacy id; the canonical id is `{canonical}`"
            ),
            Warning::Lifecycle {
                model,
                status,
                replacement,
            } => {
                write!(f, "{model} is {status}")?;
                match replacement {
                    Some(r) => write!(f, "; use {r} instead"),
                    None => Ok(()),
                }
            }
            Warning::MayBeRejected {
                model,
                plan,
                reason,
                switch_to,
            } => {
                write!(f, "{model} may be rejected on the {plan}:")?;
                if let Some(reason) = reason {
                    write!(f, " {reason}")?;
                }
                match switch_to {
                    Some(s) => write!(
                        f,
                        " Switch to a {} auth choice in the same region: `provcat onboard --auth-choice {}`.",
                        s.plan, s.auth_choice
                    ),
                    None => Ok(()),
                }
            }
            Warning::KeyShape(k) => {
                match (&k.key_plan, &k.key_prefix) {
                    (Some(key_plan), Some(key_prefix)) => write!(
                        f,
                        "the key {} starts with `{key_prefix}`, the shape of {key_plan} keys, but the {} expects {} keys",
                        k.masked,
                        k.plan,
                        expected(&k.expected_prefix)
                    )?,
                    _ => write!(
                        f,
                        "the key {} does not start with `{}`, the shape of {} keys",
                        k.masked,
                        k.expected_prefix.as_deref().unwrap_or_default(),
                        k.plan
                    )?,
                }
                f.write_str("; keys are bound to their plan and region")?;
                match &k.switch_to {
                    Some(id) => {
                        let plan = k.key_plan.as_deref().unwrap_or("that plan's");
                        let region = k
                            .switch_to_region
                            .as_deref()
                            .map(|r| format!(", {r}"))
                            .unwrap_or_default();
                        write!(
                            f,
                            ". This looks like a {plan} key: use the auth choice `{id}` ({plan}{region}), `provcat onboard --auth-choice {id}`"
                        )
                    }
                    None => Ok(()),
                }
            }
            Warning::NoKey { searched } => {
                write!(f, "no API key found; looked in {}", searched.join(", "))
            }
            Warning::ApiKeyInConfig { entry } => write!(
                f,
                "the config holds an API key (`{entry}.apiKey`); prefer the provider's environment variable or the .env file beside the config"
            ),
            Warning::PlainHttp { url } => {
                write!(f, "{url} uses plain http; no key will be sent to it")
            }
            Warning::SecretsReadable { path, mode } => write!(
                f,
                "{} holds secrets and other users can read it (mode {mode:04o}); run `chmod 600 {}`",
                path.display(),
                path.display()
            ),
        }
    }
}

fn expected(prefix: &Option<String>) -> String {
    match prefix {
        Some(p) => format!("`{p}…`"),
        None => "other".to_string(),
    }
}

impl Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Warning", 2)?;
        s.serialize_field("kind", self.kind())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_shape_names_both_plans_and_the_choice() {
        let w = Warning::KeyShape(KeyShape {
            masked: "sk-sp-…abcd".into(),
            plan: "Standard (pay-as-you-go)".into(),
            expected_prefix: Some("sk-".into()),
            key_plan: Some("Coding Plan (subscription)".into()),
            key_prefix: Some("sk-sp-".into()),
            switch_to: Some("qwen-api-key".into()),
            switch_to_region: Some("Global (Intl)".into()),
        });
        assert_eq!(
            w.to_string(),
            "the key sk-sp-…abcd starts with `sk-sp-`, the shape of Coding Plan (subscription) keys, but the Standard (pay-as-you-go) expects `sk-…` keys; keys are bound to their plan and region. This looks like a Coding Plan (subscription) key: use the auth choice `qwen-api-key` (Coding Plan (subscription), Global (Intl)), `provcat onboard --auth-choice qwen-api-key`"
        );
        assert_eq!(
            serde_json::to_value(&w).unwrap()["kind"],
            serde_json::json!("key-shape")
        );
    }
}
