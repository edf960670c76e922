//! Every shipped provider, driven by the catalog: [`every_auth_choice`] iterates
//! `provcat::catalog::providers()` so a provider added later is covered without a new test,
//! and each test asserts that every shipped provider was reached.
//!
//! - [`onboarding`]: `onboard` with each auth choice (config, `.env`, the default model its
//!   plan and region serve), `explain` (endpoint URL and dialect), key-prefix advice;
//! - [`round_trip`]: a chat round trip against the loopback emulator for every auth choice,
//!   with its dialect's rules asserted on the wire;
//! - [`rules`]: the named per-provider rules (reasoning models' output cap, wire ids sent
//!   verbatim, Gemini's OpenAI surface, Anthropic Messages, region and plan hosts);
//! - [`effort`]: `chat --effort LEVEL`.

mod effort;
mod onboarding;
mod round_trip;
mod rules;

use std::collections::BTreeSet;

use provcat::catalog::{self, AuthChoice, Dialect, Model, Plan, Provider, SurfaceEntry};
use provcat_emulator::{Emulator, EmulatorConfig, SurfaceConfig, SurfaceModel};

/// The providers every table-driven test must reach: all of the built-in catalog's.
pub fn shipped() -> BTreeSet<&'static str> {
    catalog::providers().iter().map(|p| p.id).collect()
}

/// One auth choice with what it selects.
pub struct Choice {
    pub provider: &'static Provider,
    pub choice: &'static AuthChoice,
    pub plan: &'static Plan,
}

impl Choice {
    /// The auth choice's default model.
    pub fn default_model(&self) -> &'static Model {
        catalog::lookup_model(self.choice.default_model)
            .unwrap_or_else(|e| panic!("{}: {e}", self.choice.id))
            .model
    }

    /// The chat surface `model` is called through on this choice's endpoint.
    pub fn surface(&self, model: &Model) -> &'static SurfaceEntry {
        self.provider
            .endpoint(self.choice.plan, self.choice.region)
            .and_then(|e| e.chat_surface(model.dialects))
            .unwrap_or_else(|| panic!("{}: no chat surface for {}", self.choice.id, model.id))
    }

    /// A key of this choice's plan's shape (its prefix, else one no plan claims).
    pub fn key(&self) -> String {
        format!("{}0123456789abcdefWXYZ", self.key_prefix())
    }

    /// The prefix of [`Choice::key`].
    pub fn key_prefix(&self) -> &'static str {
        self.plan.key_prefix.unwrap_or("k")
    }

    /// The variable `onboard` writes the key to: the first the plan reads.
    pub fn key_var(&self) -> String {
        provcat::resolve::key_vars(self.provider, Some(self.plan))
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{}: no key variable", self.choice.id))
    }

    /// An emulator whose Anthropic and OpenAI surfaces serve this provider's chat models
    /// by wire id, with the facts the catalog gives them, to keys of this choice's shape.
    pub fn emulator(&self) -> Emulator {
        let models: Vec<SurfaceModel> = self
            .provider
            .models()
            .filter(|m| m.kind == catalog::ModelKind::Chat)
            .map(|m| {
                SurfaceModel::new(
                    m.wire_id,
                    m.reasoning,
                    m.input.contains(&catalog::Modality::Image),
                )
            })
            .collect();
        let mut config = EmulatorConfig::dashscope();
        config.anthropic = SurfaceConfig {
            key_prefix: self.key_prefix().to_string(),
            models: models.clone(),
            ..SurfaceConfig::anthropic()
        };
        config.openai = SurfaceConfig {
            key_prefix: self.key_prefix().to_string(),
            models,
            ..SurfaceConfig::openai()
        };
        Emulator::start_with(config)
    }
}

/// The auth choice `id` (canonical) of the built-in catalog.
pub fn choice(id: &str) -> Choice {
    let found = catalog::lookup_auth_choice(id).unwrap_or_else(|e| panic!("{id}: {e}"));
    let plan = found.provider.plan(found.choice.plan).unwrap();
    Choice {
        provider: found.provider,
        choice: found.choice,
        plan,
    }
}

/// A home whose config keeps `c`'s auth choice and points its provider at `emulator`'s
/// surface of `dialect`.
pub fn home_on(c: &Choice, emulator: &Emulator, dialect: Dialect) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let dir = crate::support::config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[models.providers.{}]\nauthChoice = \"{}\"\nbaseUrl = \"{}\"\n",
            c.provider.id,
            c.choice.id,
            base_url(emulator, dialect)
        ),
    )
    .unwrap();
    home
}

/// An auth choice pointed at its own emulator: the usual set-up of a provider test.
pub struct OnEmulator {
    pub choice: Choice,
    pub emulator: Emulator,
    pub home: tempfile::TempDir,
}

/// The auth choice `id` with its emulator and a home whose config points it at the
/// emulator's `dialect` surface.
pub fn on_emulator(id: &str, dialect: Dialect) -> OnEmulator {
    let choice = choice(id);
    let emulator = choice.emulator();
    let home = home_on(&choice, &emulator, dialect);
    OnEmulator {
        choice,
        emulator,
        home,
    }
}

impl OnEmulator {
    /// `provcat chat ARGS` in this home, with the choice's key.
    pub fn chat(&self, args: &[&str]) -> std::process::Output {
        chat(&self.choice, self.home.path(), args)
    }
}

/// `provcat chat ARGS` in `home` with `c`'s key in its variable.
pub fn chat(c: &Choice, home: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["chat"];
    all.extend_from_slice(args);
    let (var, key) = (c.key_var(), c.key());
    crate::support::Run {
        cwd: home,
        args: &all,
        home,
        env: &[(var.as_str(), key.as_str())],
        stdin: None,
    }
    .output()
}

/// The emulator's base URL for `dialect`.
pub fn base_url(emulator: &Emulator, dialect: Dialect) -> String {
    match dialect {
        Dialect::OpenAiCompletions => emulator.openai_base_url(),
        Dialect::AnthropicMessages => emulator.anthropic_base_url(),
        other => panic!("{other} is not a chat dialect"),
    }
}

/// Every auth choice of every shipped provider, in catalog order; fails unless every
/// shipped provider had at least one.
pub fn every_auth_choice(mut check: impl FnMut(&Choice)) {
    let mut reached = BTreeSet::new();
    for provider in catalog::providers() {
        for choice in provider.auth_choices {
            let plan = provider
                .plan(choice.plan)
                .unwrap_or_else(|| panic!("{}: no plan {}", choice.id, choice.plan));
            check(&Choice {
                provider,
                choice,
                plan,
            });
            reached.insert(provider.id);
        }
    }
    assert_eq!(reached, shipped(), "every shipped provider is covered");
}
