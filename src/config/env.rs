//! The environment as provcat sees it: a snapshot of the process variables, passed
//! explicitly so that tests (and embedders) never mutate the real process environment.
//!
//! Every variable provcat itself reads has its name here, once.

use std::collections::BTreeMap;

/// The config file to use, instead of the platform config dir.
pub const PROVCAT_CONFIG: &str = "PROVCAT_CONFIG";

/// The client token `provcat serve` requires (mandatory on a non-loopback address).
pub const PROVCAT_SERVE_TOKEN: &str = "PROVCAT_SERVE_TOKEN";

/// A snapshot of environment variables. Its `Debug` shows the names only: any value may
/// be a key.
#[derive(Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("names", &self.vars.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Env {
    /// The process environment (variables that are not valid UTF-8 are skipped).
    pub fn from_process() -> Env {
        Env::from_pairs(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        )
    }

    /// An environment made of exactly these variables.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Env {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The names of the variables set (with a value or not).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }

    /// This environment plus those of `pairs` whose names it does not set (with a value):
    /// an import never overrides. Returns the names taken.
    pub fn with_missing(
        &self,
        pairs: impl IntoIterator<Item = (String, String)>,
    ) -> (Env, Vec<String>) {
        let mut vars = self.vars.clone();
        let mut taken = Vec::new();
        for (name, value) in pairs {
            if self.get(&name).is_none() && !value.is_empty() {
                taken.push(name.clone());
                vars.insert(name, value);
            }
        }
        (Env { vars }, taken)
    }

    /// The value of `name`, when it is set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}
