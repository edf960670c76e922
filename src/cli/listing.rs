//! `provcat auth-choices` and `provcat endpoints`.

use clap::Args;
use provcat::catalog::{self, Endpoint};
use serde::Serialize;

use super::Outcome;
use super::output::{print_json, print_table, table};

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct AuthChoiceJson<'a> {
    id: &'a str,
    provider: &'a str,
    plan: &'a str,
    plan_name: &'a str,
    region: &'a str,
    region_name: &'a str,
    base_url: Option<&'a str>,
    legacy_aliases: &'a [&'a str],
}

pub fn auth_choices(flag: JsonFlag) -> Outcome {
    let rows: Vec<AuthChoiceJson> = catalog::providers()
        .iter()
        .flat_map(|p| {
            p.auth_choices.iter().map(move |c| AuthChoiceJson {
                id: c.id,
                provider: p.id,
                plan: c.plan,
                plan_name: p.plan(c.plan).map_or(c.plan, |x| x.name),
                region: c.region,
                region_name: p.region(c.region).map_or(c.region, |x| x.name),
                base_url: p.endpoint(c.plan, c.region).map(|e| e.base_url),
                legacy_aliases: c.legacy_aliases,
            })
        })
        .collect();
    if flag.json {
        return print_json(&rows);
    }
    let mut t = table([
        "AUTH CHOICE",
        "PLAN",
        "REGION",
        "BASE URL",
        "LEGACY ALIASES",
    ]);
    for r in rows {
        t.add_row([
            r.id.to_string(),
            r.plan_name.to_string(),
            r.region_name.to_string(),
            r.base_url.unwrap_or("-").to_string(),
            r.legacy_aliases.join(", "),
        ]);
    }
    print_table(&t)
}

pub fn endpoints(flag: JsonFlag) -> Outcome {
    let rows: Vec<&Endpoint> = catalog::endpoints().collect();
    if flag.json {
        return print_json(&rows);
    }
    let mut t = table([
        "PROVIDER",
        "PLAN",
        "REGION",
        "BASE URL",
        "SURFACES",
        "CAPABILITIES",
    ]);
    for e in rows {
        let c = &e.capabilities;
        let caps: Vec<&str> = [
            (c.streaming_usage, "streaming-usage"),
            (c.developer_role, "developer-role"),
            (c.thinking_flags, "thinking-flags"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        let surfaces: Vec<String> = e
            .surfaces
            .iter()
            .map(|s| match (s, e.native_base_url) {
                (catalog::Surface::Video, Some(native)) => format!("video ({native})"),
                (s, _) => s.to_string(),
            })
            .collect();
        t.add_row([
            e.provider.to_string(),
            e.plan.to_string(),
            e.region.to_string(),
            e.base_url.to_string(),
            surfaces.join(", "),
            caps.join(", "),
        ]);
    }
    print_table(&t)
}
