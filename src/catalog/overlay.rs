//! Catalog overlays: folders of catalog TOML loaded at start-up, compiled as layers over
//! the built-in catalog's sources (kept in the binary) by the same compiler and checks
//! ([`provcat_compiler::layers`]: new providers and models are added, a built-in provider
//! is extended, a built-in model is shadowed unless the overlay file says `override =
//! true`), and turned into [`Tables`] of the same shape as the generated ones.
//!
//! The tables are built once per process and leaked, so every lookup keeps returning
//! `&'static` values whether the catalog was generated or loaded. Without overlays nothing
//! here runs: the built-in tables are used as they are.

use std::path::Path;

use provcat_compiler::compiled::{Catalog, Model as CompiledModel};
use provcat_compiler::layers::{Note, compile_layers};
use provcat_compiler::source::{
    Cost as SourceCost, Endpoint as SourceEndpoint, ProviderFile,
    ReasoningControls as SourceControls,
};
use provcat_compiler::{Report, SourceFile};

use super::types::*;
use super::{Tables, builtin_sources};

/// The display root of built-in files in diagnostics.
pub const BUILTIN_ROOT: &str = "<built-in catalog>";

/// A catalog loaded over the built-in one.
#[derive(Debug)]
pub struct Loaded {
    /// The merged tables, to [`super::install`].
    pub tables: &'static Tables,
    /// What the overlays' files did beyond adding (shadowed and overriding models, extended
    /// providers), in order.
    pub notes: Vec<Note>,
}

/// Compiles the built-in catalog with the catalog folders `dirs` laid over it, in order
/// (see [`provcat_compiler::layers`] for how they merge). A folder that does not exist or
/// cannot be read is a diagnostic naming it.
pub fn load(dirs: &[&Path]) -> Result<Loaded, Report> {
    let mut report = Report::default();
    let builtin: Vec<SourceFile> = builtin_sources()
        .iter()
        .map(|(relative, text)| SourceFile::new(BUILTIN_ROOT, relative, *text))
        .collect();
    let mut layers = vec![builtin];
    for dir in dirs {
        layers.push(provcat_compiler::load::load_dir(dir, &mut report));
    }
    if !report.is_empty() {
        return Err(report);
    }
    let layered = compile_layers(&layers)?;
    Ok(Loaded {
        tables: leak(tables(&layered.catalog)),
        notes: layered.notes,
    })
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn text(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn opt(s: Option<&String>) -> Option<&'static str> {
    s.map(|s| text(s))
}

fn texts(items: &[String]) -> &'static [&'static str] {
    items.iter().map(|s| text(s)).collect::<Vec<_>>().leak()
}

/// The tables of a compiled catalog, with every string and slice leaked.
pub fn tables(catalog: &Catalog) -> Tables {
    let mut aliases: Vec<Vec<&'static str>> = vec![Vec::new(); catalog.models.len()];
    for e in catalog.refs.iter().filter(|e| e.via != RefVia::Canonical) {
        aliases[e.model].push(text(&e.key));
    }
    Tables {
        settings: leak(Settings {
            default_chat_model: opt(catalog.settings.default_chat_model.as_ref()),
            default_video_model: opt(catalog.settings.default_video_model.as_ref()),
        }),
        providers: catalog
            .providers
            .iter()
            .map(provider)
            .collect::<Vec<_>>()
            .leak(),
        models: catalog
            .models
            .iter()
            .zip(aliases)
            .map(|(m, aliases)| model(m, aliases))
            .collect::<Vec<_>>()
            .leak(),
        refs: catalog
            .refs
            .iter()
            .map(|e| RefEntry {
                key: text(&e.key),
                model: e.model,
                via: e.via,
            })
            .collect::<Vec<_>>()
            .leak(),
        auth_choice_ids: catalog
            .auth_choice_ids
            .iter()
            .map(|e| AuthChoiceEntry {
                key: text(&e.key),
                provider: e.provider,
                choice: e.choice,
                legacy: e.legacy,
            })
            .collect::<Vec<_>>()
            .leak(),
        hosts: catalog
            .hosts
            .iter()
            .map(|e| HostEntry {
                host: text(&e.host),
                dialect: e.dialect,
                provider: e.provider,
                endpoint: e.endpoint,
                surface: e.surface,
            })
            .collect::<Vec<_>>()
            .leak(),
    }
}

fn provider(p: &ProviderFile) -> Provider {
    let id = text(&p.id);
    Provider {
        id,
        name: text(&p.name),
        namespace_aliases: texts(&p.namespace_aliases),
        auth_env: texts(&p.auth_env),
        default_model: text(&p.default_model),
        default_video_model: opt(p.default_video_model.as_ref()),
        links: Links {
            api_keys: text(&p.links.api_keys),
            docs: text(&p.links.docs),
            console: opt(p.links.console.as_ref()),
        },
        plans: p
            .plans
            .iter()
            .map(|plan| Plan {
                id: text(&plan.id),
                name: text(&plan.name),
                billing: plan.billing,
                key_prefix: opt(plan.key_prefix.as_ref()),
                key_env: texts(&plan.key_env),
            })
            .collect::<Vec<_>>()
            .leak(),
        regions: p
            .regions
            .iter()
            .map(|r| Region {
                id: text(&r.id),
                name: text(&r.name),
            })
            .collect::<Vec<_>>()
            .leak(),
        endpoints: p
            .endpoints
            .iter()
            .map(|e| endpoint(id, e))
            .collect::<Vec<_>>()
            .leak(),
        auth_choices: p
            .auth_choices
            .iter()
            .map(|c| AuthChoice {
                id: text(&c.id),
                provider: id,
                plan: text(&c.plan),
                region: text(&c.region),
                legacy_aliases: texts(&c.legacy_aliases),
                default_model: text(c.default_model.as_ref().unwrap_or(&p.default_model)),
            })
            .collect::<Vec<_>>()
            .leak(),
        not_callable: opt(p.not_callable.as_ref()),
        errors: p
            .errors
            .iter()
            .map(|r| ErrorRule {
                code: opt(r.code.as_ref()),
                message_contains: opt(r.message_contains.as_ref()),
                kind: r.kind,
            })
            .collect::<Vec<_>>()
            .leak(),
    }
}

fn endpoint(provider: &'static str, e: &SourceEndpoint) -> Endpoint {
    Endpoint {
        provider,
        plan: text(&e.plan),
        region: text(&e.region),
        surfaces: e
            .surfaces
            .iter()
            .map(|s| SurfaceEntry {
                kind: s.kind,
                dialect: s.dialect,
                base_url: text(&s.base_url),
                capabilities: s.capabilities.unwrap_or_default(),
                polls_per_second: s.polls_per_second,
            })
            .collect::<Vec<_>>()
            .leak(),
    }
}

fn model(compiled: &CompiledModel, aliases: Vec<&'static str>) -> Model {
    let (provider, canonical_ref, m) = (
        &compiled.provider,
        &compiled.canonical_ref,
        &compiled.source,
    );
    Model {
        provider: text(provider),
        id: text(&m.id),
        wire_id: text(m.wire_id.as_deref().unwrap_or(&m.id)),
        canonical_ref: text(canonical_ref),
        name: text(&m.name),
        kind: m.kind,
        family: opt(m.family.as_ref()),
        input: m.input.clone().leak(),
        context_window: m.context_window,
        max_output_tokens: m.max_output_tokens,
        input_limit: m.input_limit,
        output: m.outputs().leak(),
        cost: m.cost.as_ref().map(cost),
        tool_call: m.tool_call,
        structured_output: m.structured_output,
        temperature: m.temperature,
        attachment: m.attachment,
        open_weights: m.open_weights,
        knowledge: opt(m.knowledge.as_ref()),
        release_date: opt(m.release_date.as_ref()),
        last_updated: opt(m.last_updated.as_ref()),
        reasoning_controls: m.reasoning_controls.as_ref().map(controls),
        reasoning: m.reasoning,
        thinking_by_default: m.thinking_by_default,
        notes: opt(m.notes.as_ref()),
        aliases: aliases.leak(),
        lifecycle: Lifecycle {
            status: m.lifecycle.status,
            replacement: opt(m.lifecycle.replacement.as_ref()),
            date: opt(m.lifecycle.date.as_ref()),
            reason: opt(m.lifecycle.reason.as_ref()),
        },
        dialects: m.dialects.clone().leak(),
        not_callable: opt(compiled.not_callable.as_ref()),
        availability: m
            .availability
            .iter()
            .map(|(plan, a)| PlanAvailability {
                plan: text(plan),
                status: a.status,
                reason: opt(a.reason.as_ref()),
                regions: texts(&a.regions),
            })
            .collect::<Vec<_>>()
            .leak(),
        video: m.video.as_ref().map(|v| VideoSpec {
            mode: v.mode,
            media: MediaRules {
                field: v.media.field,
                min_items: v.media.min_items,
                max_items: v.media.max_items,
                max_images: v.media.max_images,
                max_videos: v.media.max_videos,
                remote_urls_only: v.media.remote_urls_only,
            },
            sizes: texts(&v.sizes),
            resolutions: texts(&v.resolutions),
            ratios: texts(&v.ratios),
            durations: v.durations.clone().leak(),
            duration_range: v.duration_range.map(|r| DurationRange {
                min: r.min,
                max: r.max,
            }),
        }),
    }
}

fn cost(c: &SourceCost) -> Cost {
    Cost {
        input: c.input,
        output: c.output,
        cache_read: c.cache_read,
        cache_write: c.cache_write,
        reasoning: c.reasoning,
        input_audio: c.input_audio,
        output_audio: c.output_audio,
        tiers: c
            .tiers
            .iter()
            .map(|t| CostTier {
                above: t.above,
                input: t.input,
                output: t.output,
                cache_read: t.cache_read,
                cache_write: t.cache_write,
                reasoning: t.reasoning,
            })
            .collect::<Vec<_>>()
            .leak(),
    }
}

fn controls(r: &SourceControls) -> ReasoningControls {
    ReasoningControls {
        toggle: r.toggle,
        effort_levels: texts(&r.effort_levels),
        default_effort: opt(r.default_effort.as_ref()),
        budget: r.budget.map(|b| Budget {
            min: b.min,
            max: b.max,
        }),
        field: r.field,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in catalog, compiled at run time from its embedded sources, gives the same
    /// tables as the generated code: the conversion loses nothing.
    #[test]
    fn loading_the_builtin_sources_reproduces_the_generated_tables() {
        let loaded = load(&[]).unwrap_or_else(|r| panic!("{}", r.render(false)));
        let builtin = &super::super::BUILTIN;
        assert_eq!(format!("{:?}", loaded.tables), format!("{:?}", builtin));
        assert!(loaded.notes.is_empty());
    }
}
