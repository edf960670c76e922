//! `provcat auth-choices` and `provcat endpoints`. On a terminal their tables fit its
//! width: the least wanted columns are left out (and named), ids and URLs stay whole.

use clap::Args;
use provcat::catalog::{self, Endpoint};
use serde::Serialize;

use super::Outcome;
use super::output::{Fit, print_fitted_table, print_json, table};

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
                base_url: p.endpoint(c.plan, c.region).map(|e| e.base_url()),
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
    // Legacy aliases and the base URL are left out first; plans and regions wrap, ids never.
    let fit = Fit {
        drop_order: &[4, 3],
        whole: &[0],
    };
    print_fitted_table(t, fit)?.print_note("`--json` has every field")
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
        "SURFACE",
        "CAPABILITIES",
    ]);
    for e in rows {
        for s in e.surfaces {
            let c = &s.capabilities;
            let caps: Vec<String> = match s.kind {
                catalog::Surface::Chat => [
                    c.streaming_usage.then(|| "streaming-usage".to_string()),
                    c.developer_role.then(|| "developer-role".to_string()),
                    (c.thinking_format != catalog::ThinkingFormat::None)
                        .then(|| format!("thinking: {}", c.thinking_format)),
                    c.thinking_needs_stream
                        .then(|| "thinking-in-streams-only".to_string()),
                    (c.max_tokens_field != catalog::MaxTokensField::MaxTokens)
                        .then(|| c.max_tokens_field.to_string()),
                ]
                .into_iter()
                .flatten()
                .collect(),
                catalog::Surface::Video => s
                    .polls_per_second
                    .map(|r| format!("{r} polls/s"))
                    .into_iter()
                    .collect(),
            };
            t.add_row([
                e.provider.to_string(),
                e.plan.to_string(),
                e.region.to_string(),
                s.base_url.to_string(),
                format!("{} ({})", s.kind, s.dialect),
                caps.join(", "),
            ]);
        }
    }
    // Capabilities, surface, region and plan are left out first; URLs never wrap.
    let fit = Fit {
        drop_order: &[5, 4, 2, 1],
        whole: &[0, 3],
    };
    print_fitted_table(t, fit)?.print_note("`--json` has every field")
}
