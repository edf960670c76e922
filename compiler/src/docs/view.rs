//! What a provider page shows, computed from the compiled catalog: the values the
//! template lays out, already grouped, ordered and worded.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compiled::{Catalog, Model};
use crate::docs::{HEADER_MARKER, REGENERATE, words};
use crate::source::{Endpoint, ProviderFile, SurfaceSpec};
use crate::vocab::{
    AvailabilityStatus, Billing, Dialect, LifecycleStatus, ModelKind, RefVia, Surface,
};

/// Everything the provider page template reads.
#[derive(Debug, Serialize)]
pub struct ProviderView {
    /// The `@generated` comment line.
    header: String,
    id: String,
    name: String,
    namespace_aliases: Vec<String>,
    /// The chat dialects the provider's endpoints speak, in catalog order, in words.
    api: String,
    /// The first env var tried, then the others in order.
    auth_env_first: String,
    auth_env_rest: Vec<String>,
    default_model: String,
    api_keys_url: String,
    docs_url: String,
    plans: Vec<PlanView>,
    endpoints: Vec<EndpointRow>,
    /// Chat surfaces beyond each endpoint's first, in another dialect.
    extra_surfaces: Vec<ExtraSurface>,
    legacy_choices: Vec<LegacyChoice>,
    /// Base URLs whose host reports usage in streams.
    streaming_usage_urls: Vec<String>,
    chat_models: Vec<ChatRow>,
    /// What each chat model can do, and its dates.
    capabilities: Vec<CapabilityRow>,
    /// Price rows: each priced model's base prices, then one row per context tier.
    prices: Vec<PriceRow>,
    /// Chat models without a stated price.
    unpriced: Vec<String>,
    /// Names of the plans billed by subscription (their calls are not priced per token).
    subscription_plans: Vec<String>,
    /// `(plan name, variables)` of plans whose keys have their own variables.
    plan_key_env: Vec<PlanKeyEnv>,
    video_models: Vec<VideoRow>,
    /// Native base URLs of the endpoints that serve video, with plan and region names.
    video_hosts: Vec<VideoHost>,
    /// True when some video model only takes remote media URLs.
    any_remote_only: bool,
}

#[derive(Debug, Serialize)]
struct ExtraSurface {
    plan: String,
    region: String,
    api_label: &'static str,
    url: String,
}

#[derive(Debug, Serialize)]
struct PlanView {
    name: String,
    billing: &'static str,
    key_prefix: Option<String>,
    surfaces: String,
    /// `(region name, base URL)` of this plan's endpoints.
    endpoints: Vec<RegionUrl>,
    /// Onboarding commands, one per auth choice of the plan.
    choices: Vec<RegionChoice>,
    /// Models this plan does not simply serve, grouped by status and reason.
    exceptions: Vec<Exception>,
}

#[derive(Debug, Serialize)]
struct RegionUrl {
    region: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct RegionChoice {
    region: String,
    id: String,
}

#[derive(Debug, Serialize)]
struct Exception {
    status: String,
    refs: Vec<String>,
    reason: String,
}

#[derive(Debug, Serialize)]
struct EndpointRow {
    plan: String,
    region: String,
    auth_choices: Vec<String>,
    legacy: Vec<String>,
    base_url: String,
}

#[derive(Debug, Serialize)]
struct LegacyChoice {
    legacy: String,
    canonical: String,
}

#[derive(Debug, Serialize)]
struct ChatRow {
    reference: String,
    input: String,
    context: String,
    max_output: String,
    notes: String,
}

#[derive(Debug, Serialize)]
struct CapabilityRow {
    reference: String,
    reasoning: String,
    tools: &'static str,
    structured_output: &'static str,
    attachments: &'static str,
    open_weights: &'static str,
    released: String,
    knowledge: String,
}

#[derive(Debug, Serialize)]
struct PriceRow {
    reference: String,
    /// The prompts the row's prices apply to: `any`, `up to 256,000 tokens` or
    /// `over 256,000 tokens`.
    tier: String,
    input: String,
    output: String,
    cache_read: String,
    cache_write: String,
    reasoning: String,
}

#[derive(Debug, Serialize)]
struct PlanKeyEnv {
    plan: String,
    vars: Vec<String>,
}

#[derive(Debug, Serialize)]
struct VideoRow {
    reference: String,
    aliases: Vec<String>,
    mode: &'static str,
    input: String,
    media: String,
    parameters: String,
}

#[derive(Debug, Serialize)]
struct VideoHost {
    plan: String,
    region: String,
    url: String,
}

impl ProviderView {
    /// The view of provider `id`, or `None` when the catalog has no such provider.
    pub fn build(catalog: &Catalog, id: &str) -> Option<ProviderView> {
        let p = catalog.providers.iter().find(|p| p.id == id)?;
        let models = models_of(catalog, &p.id);
        let mut auth_env = p.auth_env.iter().cloned();
        Some(ProviderView {
            header: format!(
                "<!-- {HEADER_MARKER} from the catalog (`catalog/{id}/`); do not edit. Regenerate with `{REGENERATE}`. -->"
            ),
            id: p.id.clone(),
            name: p.name.clone(),
            namespace_aliases: p.namespace_aliases.clone(),
            api: if let Some(reason) = &p.not_callable {
                format!("none provcat can call (listed only): {reason}")
            } else {
                let mut dialects: Vec<Dialect> = Vec::new();
                for s in p.endpoints.iter().flat_map(chat_surfaces) {
                    if !dialects.contains(&s.dialect) {
                        dialects.push(s.dialect);
                    }
                }
                dialects
                    .into_iter()
                    .map(|d| format!("{} (`{d}`)", words::api_label(d)))
                    .collect::<Vec<_>>()
                    .join("; ")
            },
            auth_env_first: auth_env.next().unwrap_or_default(),
            auth_env_rest: auth_env.collect(),
            default_model: p.default_model.clone(),
            api_keys_url: p.links.api_keys.clone(),
            docs_url: p.links.docs.clone(),
            plans: plans(p, &models),
            endpoints: endpoint_rows(p),
            extra_surfaces: p
                .endpoints
                .iter()
                .flat_map(|e| {
                    chat_surfaces(e).skip(1).map(move |s| ExtraSurface {
                        plan: plan_name(p, &e.plan),
                        region: region_name(p, &e.region),
                        api_label: words::api_label(s.dialect),
                        url: s.base_url.clone(),
                    })
                })
                .collect(),
            legacy_choices: p
                .auth_choices
                .iter()
                .flat_map(|c| {
                    c.legacy_aliases.iter().map(|l| LegacyChoice {
                        legacy: l.clone(),
                        canonical: c.id.clone(),
                    })
                })
                .collect(),
            streaming_usage_urls: p
                .endpoints
                .iter()
                .flat_map(chat_surfaces)
                .filter(|s| s.capabilities.unwrap_or_default().streaming_usage)
                .map(|s| s.base_url.clone())
                .collect(),
            chat_models: models
                .iter()
                .filter(|m| m.source.kind == ModelKind::Chat)
                .map(|m| chat_row(m, &p.default_model))
                .collect(),
            capabilities: models
                .iter()
                .filter(|m| m.source.kind == ModelKind::Chat)
                .map(|m| capability_row(m))
                .collect(),
            prices: models.iter().flat_map(|m| price_rows(m)).collect(),
            unpriced: models
                .iter()
                .filter(|m| m.source.kind == ModelKind::Chat && m.source.cost.is_none())
                .map(|m| m.canonical_ref.clone())
                .collect(),
            subscription_plans: p
                .plans
                .iter()
                .filter(|plan| plan.billing == Billing::Subscription)
                .map(|plan| plan.name.clone())
                .collect(),
            plan_key_env: p
                .plans
                .iter()
                .filter(|plan| !plan.key_env.is_empty())
                .map(|plan| PlanKeyEnv {
                    plan: plan.name.clone(),
                    vars: plan.key_env.clone(),
                })
                .collect(),
            video_models: {
                let aliases = aliases_by_ref(catalog, &p.id);
                models
                    .iter()
                    .filter(|m| m.source.kind == ModelKind::Video)
                    .map(|m| video_row(m, &aliases))
                    .collect()
            },
            video_hosts: p
                .endpoints
                .iter()
                .flat_map(|e| {
                    e.surfaces
                        .iter()
                        .filter(|s| s.kind == Surface::Video)
                        .map(move |s| VideoHost {
                            plan: plan_name(p, &e.plan),
                            region: region_name(p, &e.region),
                            url: s.base_url.clone(),
                        })
                })
                .collect(),
            any_remote_only: models.iter().any(|m| {
                m.source
                    .video
                    .as_ref()
                    .is_some_and(|v| v.media.remote_urls_only)
            }),
        })
    }
}

/// An endpoint's chat surfaces, in catalog order.
fn chat_surfaces(e: &Endpoint) -> impl Iterator<Item = &SurfaceSpec> {
    e.surfaces.iter().filter(|s| s.kind == Surface::Chat)
}

/// The URL that stands for an endpoint: its first chat surface's, else its first surface's.
fn main_url(e: &Endpoint) -> String {
    chat_surfaces(e)
        .next()
        .or(e.surfaces.first())
        .map(|s| s.base_url.clone())
        .unwrap_or_default()
}

/// The provider's models: the default model first, then by canonical ref.
fn models_of<'a>(catalog: &'a Catalog, provider: &str) -> Vec<&'a Model> {
    let default = catalog.provider(provider).map(|p| p.default_model.as_str());
    let mut models: Vec<&Model> = catalog
        .models
        .iter()
        .filter(|m| m.provider == provider)
        .collect();
    models.sort_by_key(|m| (Some(m.canonical_ref.as_str()) != default, &m.canonical_ref));
    models
}

fn plan_name(p: &ProviderFile, id: &str) -> String {
    p.plans
        .iter()
        .find(|plan| plan.id == id)
        .map_or_else(|| id.to_string(), |plan| plan.name.clone())
}

fn region_name(p: &ProviderFile, id: &str) -> String {
    p.regions
        .iter()
        .find(|r| r.id == id)
        .map_or_else(|| id.to_string(), |r| r.name.clone())
}

fn plans(p: &ProviderFile, models: &[&Model]) -> Vec<PlanView> {
    p.plans
        .iter()
        .map(|plan| {
            let endpoints: Vec<_> = p.endpoints.iter().filter(|e| e.plan == plan.id).collect();
            let mut surfaces: Vec<Surface> = endpoints
                .iter()
                .flat_map(|e| e.surfaces.iter().map(|s| s.kind))
                .collect();
            surfaces.sort();
            surfaces.dedup();
            PlanView {
                name: plan.name.clone(),
                billing: plan.billing.as_str(),
                key_prefix: plan.key_prefix.clone(),
                surfaces: words::join(surfaces.iter().map(|s| words::surface(*s))),
                endpoints: endpoints
                    .iter()
                    .map(|e| RegionUrl {
                        region: region_name(p, &e.region),
                        url: main_url(e),
                    })
                    .collect(),
                choices: p
                    .auth_choices
                    .iter()
                    .filter(|c| c.plan == plan.id)
                    .map(|c| RegionChoice {
                        region: region_name(p, &c.region),
                        id: c.id.clone(),
                    })
                    .collect(),
                exceptions: exceptions(p, &plan.id, models),
            }
        })
        .collect()
}

/// Models a plan does not simply serve (or serves in some regions only), grouped by
/// (status, regions, reason) in model order.
fn exceptions(p: &ProviderFile, plan: &str, models: &[&Model]) -> Vec<Exception> {
    let mut out: Vec<(AvailabilityStatus, Exception)> = Vec::new();
    for m in models {
        let Some(a) = m.source.availability.get(plan) else {
            continue;
        };
        if a.status == AvailabilityStatus::Available && a.regions.is_empty() {
            continue;
        }
        let mut status = words::availability(a.status).to_string();
        if !a.regions.is_empty() && a.status != AvailabilityStatus::Unavailable {
            let names = words::join(a.regions.iter().map(|r| region_name(p, r)));
            status = format!("{status} only in {names}");
        }
        let reason = a.reason.clone().unwrap_or_default();
        match out
            .iter_mut()
            .find(|(s, e)| *s == a.status && e.status == status && e.reason == reason)
        {
            Some((_, e)) => e.refs.push(m.canonical_ref.clone()),
            None => out.push((
                a.status,
                Exception {
                    status,
                    refs: vec![m.canonical_ref.clone()],
                    reason,
                },
            )),
        }
    }
    out.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.status.cmp(&y.status)));
    out.into_iter().map(|(_, e)| e).collect()
}

fn endpoint_rows(p: &ProviderFile) -> Vec<EndpointRow> {
    p.endpoints
        .iter()
        .map(|e| {
            let choices: Vec<_> = p
                .auth_choices
                .iter()
                .filter(|c| c.plan == e.plan && c.region == e.region)
                .collect();
            EndpointRow {
                plan: plan_name(p, &e.plan),
                region: region_name(p, &e.region),
                auth_choices: choices.iter().map(|c| c.id.clone()).collect(),
                legacy: choices
                    .iter()
                    .flat_map(|c| c.legacy_aliases.iter().cloned())
                    .collect(),
                base_url: main_url(e),
            }
        })
        .collect()
}

fn chat_row(m: &Model, default_model: &str) -> ChatRow {
    let s = &m.source;
    let mut notes: Vec<String> = s.notes.iter().map(|n| words::cell(n)).collect();
    if m.canonical_ref == default_model && !notes.iter().any(|n| n.contains("Default model")) {
        notes.insert(0, "Default model".to_string());
    }
    if s.lifecycle.status != LifecycleStatus::Active {
        let mut note = words::lifecycle(s.lifecycle.status).to_string();
        if let Some(r) = &s.lifecycle.replacement {
            note.push_str(&format!(": use `{r}`"));
        }
        notes.push(note);
    }
    ChatRow {
        reference: m.canonical_ref.clone(),
        input: words::join(s.input.iter().map(|i| i.as_str())),
        context: s
            .context_window
            .map_or_else(|| "—".into(), words::thousands),
        max_output: s
            .max_output_tokens
            .map_or_else(|| "—".into(), words::thousands),
        notes: notes.join("; "),
    }
}

fn yes_no(fact: Option<bool>) -> &'static str {
    match fact {
        Some(true) => "yes",
        Some(false) => "no",
        None => "—",
    }
}

fn capability_row(m: &Model) -> CapabilityRow {
    let s = &m.source;
    let reasoning = match (s.reasoning, &s.reasoning_controls) {
        (false, _) => "no".to_string(),
        (true, Some(c)) if c.toggle => "yes (on/off per request)".to_string(),
        (true, Some(c)) if !c.effort_levels.is_empty() => {
            format!("yes (effort {})", c.effort_levels.join("/"))
        }
        (true, _) => "yes".to_string(),
    };
    CapabilityRow {
        reference: m.canonical_ref.clone(),
        reasoning,
        tools: yes_no(s.tool_call),
        structured_output: yes_no(s.structured_output),
        attachments: yes_no(s.attachment),
        open_weights: yes_no(s.open_weights),
        released: s.release_date.clone().unwrap_or_else(|| "—".into()),
        knowledge: s.knowledge.clone().unwrap_or_else(|| "—".into()),
    }
}

/// The base prices of a priced model, then one row per context tier.
fn price_rows(m: &Model) -> Vec<PriceRow> {
    let Some(c) = &m.source.cost else {
        return Vec::new();
    };
    let usd = |p: Option<f64>| p.map_or_else(|| "—".to_string(), words::usd);
    let mut rows = vec![PriceRow {
        reference: m.canonical_ref.clone(),
        tier: c.tiers.first().map_or_else(
            || "any".to_string(),
            |t| format!("up to {} tokens", words::thousands(t.above)),
        ),
        input: usd(c.input),
        output: usd(c.output),
        cache_read: usd(c.cache_read),
        cache_write: usd(c.cache_write),
        reasoning: usd(c.reasoning),
    }];
    for t in &c.tiers {
        let or_base = |tier: Option<f64>, base: Option<f64>| usd(tier.or(base));
        rows.push(PriceRow {
            reference: m.canonical_ref.clone(),
            tier: format!("over {} tokens", words::thousands(t.above)),
            input: or_base(t.input, c.input),
            output: or_base(t.output, c.output),
            cache_read: or_base(t.cache_read, c.cache_read),
            cache_write: or_base(t.cache_write, c.cache_write),
            reasoning: or_base(t.reasoning, c.reasoning),
        });
    }
    rows
}

/// The ref aliases (not namespace aliases) of the provider's models, by canonical ref,
/// in one pass over the ref table.
fn aliases_by_ref<'a>(catalog: &'a Catalog, provider: &str) -> BTreeMap<&'a str, Vec<String>> {
    let mut out: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in catalog.refs.iter().filter(|r| r.via == RefVia::Alias) {
        if let Some(m) = catalog
            .models
            .get(r.model)
            .filter(|m| m.provider == provider)
        {
            out.entry(m.canonical_ref.as_str())
                .or_default()
                .push(r.key.clone());
        }
    }
    out
}

fn video_row(m: &Model, aliases: &BTreeMap<&str, Vec<String>>) -> VideoRow {
    let s = &m.source;
    VideoRow {
        reference: m.canonical_ref.clone(),
        aliases: aliases
            .get(m.canonical_ref.as_str())
            .cloned()
            .unwrap_or_default(),
        mode: s.video.as_ref().map_or("—", |v| words::video_mode(v.mode)),
        input: words::join(s.input.iter().map(|i| i.as_str())),
        media: s
            .video
            .as_ref()
            .map_or_else(|| "—".into(), |v| words::media(&v.media)),
        parameters: s
            .video
            .as_ref()
            .map_or_else(|| "—".into(), words::video_parameters),
    }
}
