//! Which providers an export covers, and their targets: one per endpoint, i.e. per
//! region × plan, with the models that plan serves in that region.

use crate::catalog::{
    AvailabilityStatus, Endpoint, Model, ModelKind, Plan, Provider, Region, Surface, SurfaceEntry,
    Tables,
};

use super::ExportError;
use super::notes::Notes;

/// The providers to export, sorted by id, with the tables they come from.
#[derive(Debug)]
pub struct Selection {
    /// The catalog.
    pub tables: &'static Tables,
    /// The providers, sorted by id.
    pub providers: Vec<&'static Provider>,
}

/// Resolves `names` (provider ids or namespace aliases; every provider when empty).
pub fn select(tables: &'static Tables, names: &[String]) -> Result<Selection, ExportError> {
    let mut providers: Vec<&'static Provider> = if names.is_empty() {
        tables.providers.iter().collect()
    } else {
        let mut chosen = Vec::new();
        for name in names {
            let found = tables
                .providers
                .iter()
                .find(|p| p.id == name || p.namespace_aliases.contains(&name.as_str()));
            match found {
                Some(p) => chosen.push(p),
                None => {
                    let candidates = tables.providers.iter().flat_map(|p| {
                        std::iter::once(p.id).chain(p.namespace_aliases.iter().copied())
                    });
                    return Err(ExportError::UnknownProvider {
                        input: name.clone(),
                        suggestions: provcat_common::suggest::closest(name, candidates),
                    });
                }
            }
        }
        chosen
    };
    providers.sort_by_key(|p| p.id);
    providers.dedup_by_key(|p| p.id);
    Ok(Selection { tables, providers })
}

impl Selection {
    /// The models of `provider`, sorted by ref.
    pub fn models_of(&self, provider: &Provider) -> impl Iterator<Item = &'static Model> + use<> {
        let id = provider.id;
        self.tables.models.iter().filter(move |m| m.provider == id)
    }

    /// Every model of the selected providers, sorted by ref.
    pub fn models(&self) -> impl Iterator<Item = &'static Model> + '_ {
        self.providers.iter().flat_map(|p| self.models_of(p))
    }

    /// Notes the selected providers that have no endpoint, so no target: `format` writes
    /// providers per region × plan and cannot list them.
    pub fn note_untargeted(&self, notes: &mut super::Notes, format: &str) {
        for p in self.providers.iter().filter(|p| p.endpoints.is_empty()) {
            let why = p
                .not_callable
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            notes.add(
                p.id,
                "provider",
                format!(
                    "left out: it has no endpoint{why}, and {format} lists providers by endpoint"
                ),
            );
        }
    }

    /// Every target of the selected providers: providers by id, then endpoints in catalog
    /// order.
    pub fn targets(&self) -> Vec<Target> {
        self.providers
            .iter()
            .flat_map(|&provider| {
                provider.endpoints.iter().filter_map(move |endpoint| {
                    Some(Target {
                        provider,
                        endpoint,
                        plan: provider.plan(endpoint.plan)?,
                        region: provider.region(endpoint.region)?,
                        only: provider.endpoints.len() == 1,
                    })
                })
            })
            .collect()
    }
}

/// One region × plan of a provider: what one models.dev, catwalk or OpenClaw provider is.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// The provider.
    pub provider: &'static Provider,
    /// Its endpoint for the plan and region.
    pub endpoint: &'static Endpoint,
    /// The plan.
    pub plan: &'static Plan,
    /// The region.
    pub region: &'static Region,
    /// The provider has this one endpoint only.
    pub only: bool,
}

impl Target {
    /// The chat surface, if the endpoint serves chat.
    pub fn chat(&self) -> Option<&'static SurfaceEntry> {
        self.endpoint.surface(Surface::Chat)
    }

    /// The key variables, the plan's first, without repeats.
    pub fn env(&self) -> Vec<&'static str> {
        let mut env: Vec<&'static str> = Vec::new();
        for v in self.plan.key_env.iter().chain(self.provider.auth_env) {
            if !env.contains(v) {
                env.push(v);
            }
        }
        env
    }

    /// Whether the plan serves `model` in this region (available, or listed but possibly
    /// rejected).
    pub fn serves(&self, model: &Model) -> bool {
        model.availability_on(self.plan.id).is_some_and(|a| {
            a.status != AvailabilityStatus::Unavailable
                && (a.regions.is_empty() || a.regions.contains(&self.region.id))
        })
    }

    /// The chat models this target serves through its chat surface, sorted by ref.
    pub fn chat_models<'a>(
        &'a self,
        selection: &'a Selection,
    ) -> impl Iterator<Item = &'static Model> + 'a {
        let surface = self.chat();
        selection.models_of(self.provider).filter(move |m| {
            m.kind == ModelKind::Chat
                && self.serves(m)
                && surface.is_some_and(|s| m.dialects.is_empty() || m.dialects.contains(&s.dialect))
        })
    }

    /// The video models this target serves, sorted by ref.
    pub fn video_models<'a>(
        &'a self,
        selection: &'a Selection,
    ) -> impl Iterator<Item = &'static Model> + 'a {
        selection
            .models_of(self.provider)
            .filter(move |m| m.kind == ModelKind::Video && self.serves(m))
    }

    /// The target's chat surface and what `format` calls its dialect (`map`), or `None`
    /// with a note saying why the target `id` is left out: no chat surface, or a dialect
    /// the format has no counterpart of.
    pub fn chat_in<T>(
        &self,
        id: &str,
        format: &str,
        notes: &mut Notes,
        map: impl FnOnce(&'static SurfaceEntry) -> Option<T>,
    ) -> Option<(&'static SurfaceEntry, T)> {
        let Some(surface) = self.chat() else {
            notes.add(
                id,
                "endpoint",
                format!("left out: it serves no chat surface, and {format} lists chat providers"),
            );
            return None;
        };
        let Some(mapped) = map(surface) else {
            notes.add(
                id,
                "endpoint",
                format!(
                    "left out: {format} has no counterpart of the `{}` dialect",
                    surface.dialect
                ),
            );
            return None;
        };
        Some((surface, mapped))
    }

    /// Notes that the target's video models are left out of `format`, and `why`.
    pub fn note_video_left_out(&self, selection: &Selection, notes: &mut Notes, why: &str) {
        for video in self.video_models(selection) {
            notes.add(
                video.canonical_ref,
                "model",
                format!("video model left out: {why}"),
            );
        }
    }

    /// The reason a model on this target may be rejected, when it may.
    pub fn may_reject(&self, model: &Model) -> Option<&'static str> {
        model
            .availability_on(self.plan.id)
            .filter(|a| a.status == AvailabilityStatus::MayBeRejected)
            .map(|a| a.reason.unwrap_or("the plan may reject it"))
    }
}
