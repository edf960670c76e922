//! `provcat explain` as text: the resolved target line by line, or, when resolution
//! failed, what could be told, each missing part with the command that fixes it, and the
//! auth choices a provider without one could use.

use provcat::catalog::RefVia;
use provcat::config::LoadedConfig;
use provcat::resolve::{BaseUrlSource, Candidate, CapabilitySource, Partial, RefSource, Target};

use super::Missing;

/// The text of a resolved target.
pub(super) fn render(config: &LoadedConfig, t: &Target) -> String {
    let mut out = String::new();
    let mut line = |key: &str, value: String| out.push_str(&format!("{key:<16} {value}\n"));
    line("config", config.describe());
    line(".env", config.describe_dotenv());
    line(
        "ref",
        format!("{} (from {})", t.typed_ref, ref_from(&t.ref_source)),
    );
    match (&t.alias, t.via) {
        (Some(alias), Some(via)) => {
            let what = match via {
                RefVia::NamespaceAlias => "a legacy namespace alias",
                RefVia::Alias => "a ref alias",
                RefVia::Canonical => "the canonical ref",
            };
            line(
                "canonical ref",
                format!("{} (`{alias}` is {what})", t.canonical_ref),
            )
        }
        _ => line("canonical ref", t.canonical_ref.clone()),
    }
    let provider = match (t.custom, t.provider) {
        (false, Some(p)) => format!("{} ({})", p.id, p.name),
        (true, Some(p)) => format!(
            "{} (custom provider on a host of `{}`, whose key variables and model facts it uses)",
            t.provider_id, p.id
        ),
        (_, None) => format!("{} (custom provider)", t.provider_id),
    };
    line("provider", provider);
    if let Some(entry) = &t.config_entry {
        line("config entry", format!("models.providers.{entry}"));
    }
    let wire = if t.wire_id != t.model_id {
        format!("; sent as `{}`", t.wire_id)
    } else {
        String::new()
    };
    line("model", format!("{} ({}{wire})", t.model_id, t.kind));
    if t.custom {
        line(
            "model facts",
            match t.facts_from {
                Some(r) => format!("those of {r} (the same id on the catalog host)"),
                None => "none: the catalog does not know this model".to_string(),
            },
        );
    }
    if let Some(auth) = &t.auth {
        let legacy = auth
            .legacy_id
            .as_ref()
            .map(|l| format!(" (written as the legacy id `{l}`)"))
            .unwrap_or_default();
        line("auth choice", format!("{}{legacy}", auth.choice.id));
    }
    if let Some(plan) = t.plan {
        line("plan", format!("{} ({})", plan.name, plan.id));
    }
    if let Some(region) = t.region {
        line("region", format!("{} ({})", region.name, region.id));
    }
    let url_from = match &t.base_url_source {
        BaseUrlSource::AuthChoice { id } => format!("the endpoint of auth choice {id}"),
        BaseUrlSource::Host { host } => format!("the catalog endpoint on {host}"),
        BaseUrlSource::Config { key } => format!("`{key}` in the config"),
        BaseUrlSource::Derived { key } => {
            format!("`{key}` in the config, as the catalog relates the chat and video URLs")
        }
    };
    line("dialect", t.dialect.to_string());
    line("base URL", format!("{} (from {url_from})", t.base_url));
    if let Some(rate) = t.polls_per_second {
        line("task polls", format!("at most {rate} per second"));
    }
    let c = &t.capabilities;
    let mut capability = |name: &str, value: String, source: &CapabilitySource| {
        line(name, format!("{value:<16} {source}"));
    };
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    capability(
        "streaming usage",
        yes_no(c.streaming_usage.value),
        &c.streaming_usage.source,
    );
    capability(
        "developer role",
        yes_no(c.developer_role.value),
        &c.developer_role.source,
    );
    capability(
        "thinking",
        c.thinking_format.value.to_string(),
        &c.thinking_format.source,
    );
    capability(
        "thinking stream",
        if c.thinking_needs_stream.value {
            "streams only"
        } else {
            "any"
        }
        .to_string(),
        &c.thinking_needs_stream.source,
    );
    capability(
        "max tokens",
        c.max_tokens_field.value.to_string(),
        &c.max_tokens_field.source,
    );
    if !t.headers.is_empty() {
        line(
            "headers",
            t.headers.keys().cloned().collect::<Vec<_>>().join(", "),
        );
    }
    match &t.key.found {
        Some(found) => line(
            "key",
            format!("{} from {}", found.key.masked(), found.source),
        ),
        None => line("key", "none found".to_string()),
    }
    line("key lookup", t.key.searched.join(" > "));
    out
}

/// Where a ref came from, in words.
fn ref_from(source: &RefSource) -> String {
    match source {
        RefSource::Argument => "the command line".to_string(),
        RefSource::Config { key } => format!("`{key}` in the config"),
        RefSource::ProviderDefault { provider } => {
            format!("the default of provider `{provider}`, which the config sets up")
        }
        RefSource::BuiltinDefault => "the catalog's default".to_string(),
    }
}

/// The missing parts, each with the command that fixes it.
pub(super) fn render_missing(missing: &[Missing]) -> String {
    missing
        .iter()
        .map(|m| format!("{:<16} missing: {}; {}\n", m.what, m.message, m.fix))
        .collect()
}

/// The text of what a failed resolution could tell.
pub(super) fn render_partial(
    config: &LoadedConfig,
    p: &Partial,
    candidates: &[Candidate],
    missing: &[Missing],
) -> String {
    let mut out = String::new();
    let mut line = |key: &str, value: String| out.push_str(&format!("{key:<16} {value}\n"));
    line("config", config.describe());
    line(".env", config.describe_dotenv());
    if let (Some(r), Some(source)) = (&p.typed_ref, &p.ref_source) {
        line("ref", format!("{r} (from {})", ref_from(source)));
    }
    if let Some(r) = &p.canonical_ref {
        line("canonical ref", r.clone());
    }
    if let (Some(id), Some(name)) = (&p.provider_id, &p.provider_name) {
        line("provider", format!("{id} ({name})"));
    }
    if let (Some(id), Some(kind)) = (&p.model_id, p.kind) {
        line("model", format!("{id} ({kind})"));
    }
    if let Some(key) = &p.key {
        match &key.found {
            Some(found) => line(
                "key",
                format!("{} from {}", found.key.masked(), found.source),
            ),
            None => line("key", "none found".to_string()),
        }
        line("key lookup", key.searched.join(" > "));
    }
    out.push_str(&render_missing(missing));
    if !candidates.is_empty() {
        out.push_str("\nauth choices (plan, region: endpoint):\n");
        for c in candidates {
            let (plan, region) = p.provider.map_or((c.choice.plan, c.choice.region), |pr| {
                (
                    pr.plan(c.choice.plan).map_or(c.choice.plan, |x| x.name),
                    pr.region(c.choice.region)
                        .map_or(c.choice.region, |x| x.name),
                )
            });
            let what = match &c.outcome {
                Ok(t) => {
                    let model = if Some(&t.canonical_ref) != p.canonical_ref.as_ref() {
                        format!("; default model {}", t.canonical_ref)
                    } else {
                        String::new()
                    };
                    let c = t.capabilities.values();
                    format!(
                        "{} ({}){model}\n  {:<28} streaming usage {}, developer role {}, thinking {}{}, max tokens as {}",
                        t.base_url,
                        t.dialect,
                        "",
                        yes_no(c.streaming_usage),
                        yes_no(c.developer_role),
                        c.thinking_format,
                        if c.thinking_needs_stream {
                            " (streams only)"
                        } else {
                            ""
                        },
                        c.max_tokens_field
                    )
                }
                Err(why) => format!("cannot serve this: {why}"),
            };
            out.push_str(&format!("  {:<28} {plan}, {region}: {what}\n", c.choice.id));
        }
    }
    out
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
