//! The mapping file (`import/models-dev.toml`): what models.dev cannot say, as data. Its
//! format is documented in the file itself; these types read it, and [`Mapping::check`]
//! rejects a mapping whose families contradict themselves before anything is imported.

use std::collections::{BTreeMap, BTreeSet};

use provcat_compiler::vocab::{Billing, Capabilities, Dialect};
use serde::Deserialize;

/// The mapping committed with provcat, compiled into the binary.
pub const BUILTIN: &str = include_str!("../models-dev.toml");

/// The whole mapping file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// How each AI SDK package is called, by package name.
    #[serde(default)]
    pub npm: BTreeMap<String, Package>,
    /// The plan and region of a provider in no family.
    pub defaults: Defaults,
    /// Overrides for single providers in no family, by models.dev id.
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderOverride>,
    /// Capabilities of chat surfaces, by host.
    #[serde(default)]
    pub hosts: BTreeMap<String, Host>,
    /// Families of models.dev providers that collapse into one provider, by provcat id.
    #[serde(default)]
    pub families: BTreeMap<String, Family>,
}

/// How a package is called.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// The provcat dialect; absent when provcat cannot call the package.
    #[serde(default)]
    pub dialect: Option<Dialect>,
    /// What the package speaks, for the "not callable" reason.
    #[serde(default)]
    pub speaks: Option<String>,
    /// The base URL when models.dev gives none.
    #[serde(default)]
    pub default_api: Option<String>,
    /// A suffix of the AI SDK base URL that the dialect adds itself.
    #[serde(default)]
    pub strip_suffix: Option<String>,
}

/// The plan and region given to providers in no family.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// The plan.
    pub plan: PlanSpec,
    /// The region.
    pub region: RegionSpec,
}

/// Overrides for one provider in no family.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderOverride {
    /// Its plan instead of the default.
    #[serde(default)]
    pub plan: Option<PlanSpec>,
    /// Its region instead of the default.
    #[serde(default)]
    pub region: Option<RegionSpec>,
}

/// A plan as the mapping names it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PlanSpec {
    /// Plan id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// How it is billed.
    pub billing: Billing,
    /// The prefix of its keys, when known.
    #[serde(default)]
    pub key_prefix: Option<String>,
}

/// A region as the mapping names it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    /// Region id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// What a host supports.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// The capabilities written on every chat surface on the host.
    pub capabilities: Capabilities,
}

/// Links of a family provider.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Links {
    /// Where keys are managed.
    pub api_keys: String,
    /// Documentation.
    pub docs: String,
}

/// models.dev providers that are one provider in several plans and regions.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// Display name.
    pub name: String,
    /// Other namespaces that mean the provider.
    #[serde(default)]
    pub namespace_aliases: Vec<String>,
    /// The provider's key variables, in order.
    pub auth_env: Vec<String>,
    /// The default chat model's id, used when the import has it.
    #[serde(default)]
    pub default_model: Option<String>,
    /// Links; absent: the first member's models.dev `doc`.
    #[serde(default)]
    pub links: Option<Links>,
    /// Plans.
    pub plans: Vec<PlanSpec>,
    /// Regions.
    pub regions: Vec<RegionSpec>,
    /// The members, in priority order.
    #[serde(default)]
    pub members: Vec<Member>,
}

/// One models.dev provider of a family.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Its models.dev provider id.
    pub models_dev: String,
    /// The plan it is.
    pub plan: String,
    /// The region it is.
    pub region: String,
    /// The auth choice that selects it.
    pub auth_choice: String,
    /// Older ids of that auth choice.
    #[serde(default)]
    pub legacy_auth_choices: Vec<String>,
}

/// A mapping file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The file is not valid TOML or does not fit the format.
    #[error("{file}: {message}")]
    Parse {
        /// The file as named.
        file: String,
        /// What the parser said.
        message: String,
    },
    /// The families contradict themselves.
    #[error("{file}: {message}")]
    Inconsistent {
        /// The file as named.
        file: String,
        /// What is wrong and where.
        message: String,
    },
}

impl Mapping {
    /// Parses and checks a mapping file's text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Mapping, MappingError> {
        let mapping: Mapping = toml::from_str(text).map_err(|e| MappingError::Parse {
            file: file.to_string(),
            message: e.to_string().trim().to_string(),
        })?;
        mapping
            .check()
            .map_err(|message| MappingError::Inconsistent {
                file: file.to_string(),
                message,
            })?;
        Ok(mapping)
    }

    /// The committed mapping.
    pub fn builtin() -> Result<Mapping, MappingError> {
        Mapping::parse(BUILTIN, "import/models-dev.toml")
    }

    /// Every member's plan and region exist, no models.dev id is in two families, and no
    /// (plan, region) pair has two members.
    fn check(&self) -> Result<(), String> {
        let mut seen = BTreeSet::new();
        for (id, family) in &self.families {
            let mut pairs = BTreeSet::new();
            for m in &family.members {
                if !family.plans.iter().any(|p| p.id == m.plan) {
                    return Err(format!(
                        "family `{id}`: member `{}` names unknown plan `{}`",
                        m.models_dev, m.plan
                    ));
                }
                if !family.regions.iter().any(|r| r.id == m.region) {
                    return Err(format!(
                        "family `{id}`: member `{}` names unknown region `{}`",
                        m.models_dev, m.region
                    ));
                }
                if !seen.insert(m.models_dev.as_str()) {
                    return Err(format!(
                        "models.dev provider `{}` is in two families (or twice in one)",
                        m.models_dev
                    ));
                }
                if !pairs.insert((m.plan.as_str(), m.region.as_str())) {
                    return Err(format!(
                        "family `{id}`: two members for plan `{}` in region `{}`",
                        m.plan, m.region
                    ));
                }
            }
            if family.members.is_empty() {
                return Err(format!("family `{id}` has no members"));
            }
        }
        Ok(())
    }

    /// The family a models.dev provider id belongs to: (provcat id, family, member).
    pub fn family_of(&self, models_dev: &str) -> Option<(&str, &Family, &Member)> {
        self.families.iter().find_map(|(id, f)| {
            f.members
                .iter()
                .find(|m| m.models_dev == models_dev)
                .map(|m| (id.as_str(), f, m))
        })
    }

    /// The capabilities of a host's chat surfaces, when the mapping names them.
    pub fn capabilities(&self, host: &str) -> Option<Capabilities> {
        self.hosts.get(host).map(|h| h.capabilities)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_mapping_is_sound() {
        let m = Mapping::builtin().unwrap();
        let (id, family, member) = m.family_of("alibaba-coding-plan-cn").unwrap();
        assert_eq!((id, member.plan.as_str()), ("qwen", "coding"));
        assert_eq!(family.members.len(), 6);
        // Kimi Code is a member of the moonshot family (the built-in provider's plan).
        let (id, _, member) = m.family_of("kimi-for-coding").unwrap();
        assert_eq!((id, member.plan.as_str()), ("moonshot", "coding"));
        assert_eq!(
            m.npm["@ai-sdk/anthropic"].dialect,
            Some(Dialect::AnthropicMessages)
        );
    }

    #[test]
    fn contradictions_are_refused() {
        let base = "[defaults]\nplan = { id = \"d\", name = \"D\", billing = \"pay-as-you-go\" }\nregion = { id = \"d\", name = \"D\" }\n[families.f]\nname = \"F\"\nauth_env = [\"K\"]\nplans = [{ id = \"p\", name = \"P\", billing = \"subscription\" }]\nregions = [{ id = \"r\", name = \"R\" }]\n";
        let member = |id: &str, plan: &str| {
            format!(
                "[[families.f.members]]\nmodels_dev = \"{id}\"\nplan = \"{plan}\"\nregion = \"r\"\nauth_choice = \"{id}-key\"\n"
            )
        };
        assert!(Mapping::parse(&format!("{base}{}", member("a", "p")), "m").is_ok());
        let err = |text: String| Mapping::parse(&text, "m.toml").unwrap_err().to_string();
        assert!(err(format!("{base}{}", member("a", "x"))).contains("unknown plan `x`"));
        assert!(
            err(format!("{base}{}{}", member("a", "p"), member("b", "p")))
                .contains("two members for plan `p`")
        );
        assert!(err(format!("{base}colour = 1\n")).starts_with("m.toml: "));
        assert!(err(base.to_string()).contains("has no members"));
    }
}
