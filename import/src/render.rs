//! The imported catalog as files: `<provider>/provider.toml` and
//! `<provider>/models/<id>.toml`, each with a `#:schema` line pointing at the schemas
//! written beside them (`_schemas/`, so the folder validates in an editor wherever it is),
//! plus those schemas, the models.dev license and a marker saying the folder is an import.

use std::fmt::Write;

use provcat_compiler::schema::{self, FileKind};
use provcat_compiler::vocab::LifecycleStatus;

use crate::output::{Model, Provider};
use crate::toml_out::{comment, float, int, key, string, strings};

/// The folder of the schemas inside the output.
pub const SCHEMAS: &str = "_schemas";

/// The marker file of an imported folder: a folder holding it may be replaced by the next
/// import.
pub const MARKER: &str = ".provcat-import";

/// Every file of the imported catalog: (path relative to the output folder, text), sorted
/// by path.
pub fn files(providers: &[Provider], license: Option<&str>) -> Vec<(String, String)> {
    let mut out = vec![
        (
            MARKER.to_string(),
            "Written by `provcat import models-dev`: the next import replaces this folder whole.\n"
                .to_string(),
        ),
        (
            format!("{SCHEMAS}/provider.schema.json"),
            schema::to_pretty(&FileKind::Provider.schema()),
        ),
        (
            format!("{SCHEMAS}/model.schema.json"),
            schema::to_pretty(&FileKind::Model.schema()),
        ),
    ];
    if let Some(license) = license {
        out.push(("LICENSE.models.dev".to_string(), license.to_string()));
    }
    for p in providers {
        out.push((format!("{}/provider.toml", p.id), provider(p)));
        for (id, m) in &p.models {
            out.push((format!("{}/models/{id}.toml", p.id), model(id, m)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

const HEADER: &str =
    "Imported by `provcat import models-dev`; edit the snapshot or the mapping and re-run it.";

fn provider(p: &Provider) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "#:schema ../{SCHEMAS}/provider.schema.json");
    o.push_str(&comment(HEADER));
    o.push_str(&comment(&format!(
        "From models.dev: {}.",
        p.sources.join(", ")
    )));
    o.push('\n');
    let _ = writeln!(o, "id = {}", string(&p.id));
    let _ = writeln!(o, "name = {}", string(&p.name));
    if !p.namespace_aliases.is_empty() {
        let _ = writeln!(o, "namespace_aliases = {}", strings(&p.namespace_aliases));
    }
    let _ = writeln!(o, "auth_env = {}", strings(&p.auth_env));
    let _ = writeln!(
        o,
        "default_model = {}",
        string(&format!("{}/{}", p.id, p.default_model))
    );
    if let Some(reason) = &p.not_callable {
        let _ = writeln!(o, "not_callable = {}", string(reason));
    }
    let _ = writeln!(
        o,
        "\n[links]\napi_keys = {}\ndocs = {}",
        string(&p.api_keys),
        string(&p.docs)
    );
    for (plan, key_env) in &p.plans {
        let _ = writeln!(
            o,
            "\n[[plans]]\nid = {}\nname = {}\nbilling = {}",
            string(&plan.id),
            string(&plan.name),
            string(plan.billing.as_str())
        );
        if let Some(prefix) = &plan.key_prefix {
            let _ = writeln!(o, "key_prefix = {}", string(prefix));
        }
        if !key_env.is_empty() {
            let _ = writeln!(o, "key_env = {}", strings(key_env));
        }
    }
    for r in &p.regions {
        let _ = writeln!(
            o,
            "\n[[regions]]\nid = {}\nname = {}",
            string(&r.id),
            string(&r.name)
        );
    }
    for e in &p.endpoints {
        let _ = writeln!(
            o,
            "\n[[endpoints]]\nplan = {}\nregion = {}",
            string(&e.plan),
            string(&e.region)
        );
        for s in &e.surfaces {
            let _ = writeln!(
                o,
                "\n[[endpoints.surfaces]]\nkind = \"chat\"\ndialect = {}\nbase_url = {}",
                string(s.dialect.as_str()),
                string(&s.base_url)
            );
            if let Some(c) = &s.capabilities {
                let _ = writeln!(
                    o,
                    "capabilities = {{ streaming_usage = {}, developer_role = {}, thinking_format = {}, thinking_needs_stream = {}, max_tokens_field = {} }}",
                    c.streaming_usage,
                    c.developer_role,
                    string(c.thinking_format.as_str()),
                    c.thinking_needs_stream,
                    string(c.max_tokens_field.as_str())
                );
            }
        }
    }
    for c in &p.auth_choices {
        let _ = writeln!(
            o,
            "\n[[auth_choices]]\nid = {}\nplan = {}\nregion = {}",
            string(&c.id),
            string(&c.plan),
            string(&c.region)
        );
        if !c.legacy.is_empty() {
            let _ = writeln!(o, "legacy_aliases = {}", strings(&c.legacy));
        }
        if let Some(model) = &c.default_model {
            let _ = writeln!(
                o,
                "default_model = {}",
                string(&format!("{}/{model}", p.id))
            );
        }
    }
    o
}

fn model(id: &str, m: &Model) -> String {
    let f = &m.facts;
    let depth = id.matches('/').count() + 2;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "#:schema {}{SCHEMAS}/model.schema.json",
        "../".repeat(depth)
    );
    o.push_str(&comment(HEADER));
    o.push_str(&comment(&format!(
        "From models.dev: {}.",
        m.sources.join(", ")
    )));
    let _ = writeln!(o, "id = {}", string(id));
    let _ = writeln!(o, "name = {}", string(&f.name));
    o.push_str("kind = \"chat\"\n");
    if let Some(family) = &f.family {
        let _ = writeln!(o, "family = {}", string(family));
    }
    let names = |ms: &[provcat_compiler::vocab::Modality]| {
        strings(&ms.iter().map(|m| m.as_str()).collect::<Vec<_>>())
    };
    let _ = writeln!(o, "input = {}", names(&f.input));
    if !f.output.is_empty() {
        let _ = writeln!(o, "output = {}", names(&f.output));
    }
    let _ = writeln!(o, "context_window = {}", int(f.context_window));
    let _ = writeln!(o, "max_output_tokens = {}", int(f.max_output_tokens));
    if let Some(n) = f.input_limit {
        let _ = writeln!(o, "input_limit = {}", int(n));
    }
    let _ = writeln!(o, "reasoning = {}", f.reasoning);
    for (k, v) in [
        ("tool_call", f.tool_call),
        ("structured_output", f.structured_output),
        ("temperature", f.temperature),
        ("attachment", f.attachment),
        ("open_weights", f.open_weights),
    ] {
        if let Some(v) = v {
            let _ = writeln!(o, "{k} = {v}");
        }
    }
    for (k, v) in [
        ("knowledge", &f.knowledge),
        ("release_date", &f.release_date),
        ("last_updated", &f.last_updated),
    ] {
        if let Some(v) = v {
            let _ = writeln!(o, "{k} = {}", string(v));
        }
    }
    if !f.notes.is_empty() {
        let _ = writeln!(o, "notes = {}", string(&f.notes.join("; ")));
    }
    if !m.dialects.is_empty() {
        let ds: Vec<&str> = m.dialects.iter().map(|d| d.as_str()).collect();
        let _ = writeln!(o, "dialects = {}", strings(&ds));
    }
    if let Some(reason) = &m.not_callable {
        let _ = writeln!(o, "not_callable = {}", string(reason));
    }
    if let Some(cost) = &f.cost {
        o.push_str("\n[cost]\n");
        prices(
            &mut o,
            &[
                ("input", cost.input),
                ("output", cost.output),
                ("cache_read", cost.cache_read),
                ("cache_write", cost.cache_write),
                ("reasoning", cost.reasoning),
                ("input_audio", cost.input_audio),
                ("output_audio", cost.output_audio),
            ],
        );
        for t in &cost.tiers {
            let _ = writeln!(o, "\n[[cost.tiers]]\nabove = {}", int(t.above));
            prices(
                &mut o,
                &[
                    ("input", t.input),
                    ("output", t.output),
                    ("cache_read", t.cache_read),
                    ("cache_write", t.cache_write),
                    ("reasoning", t.reasoning),
                ],
            );
        }
    }
    if let Some(c) = &f.controls {
        o.push_str("\n[reasoning_controls]\n");
        if c.toggle {
            o.push_str("toggle = true\n");
        }
        if !c.effort_levels.is_empty() {
            let _ = writeln!(o, "effort_levels = {}", strings(&c.effort_levels));
        }
        if let Some(b) = c.budget {
            let _ = writeln!(
                o,
                "budget = {{ min = {}, max = {} }}",
                int(b.min),
                int(b.max)
            );
        }
        if let Some(field) = c.field {
            let _ = writeln!(o, "field = {}", string(field.as_str()));
        }
    }
    let (status, reason) = &f.lifecycle;
    if *status != LifecycleStatus::Active {
        let _ = writeln!(o, "\n[lifecycle]\nstatus = {}", string(status.as_str()));
        if let Some(reason) = reason {
            let _ = writeln!(o, "reason = {}", string(reason));
        }
    }
    for (plan, a) in &m.availability {
        let _ = writeln!(
            o,
            "\n[availability.{}]\nstatus = {}",
            key(plan),
            string(a.status.as_str())
        );
        if let Some(reason) = &a.reason {
            let _ = writeln!(o, "reason = {}", string(reason));
        }
        if !a.regions.is_empty() {
            let _ = writeln!(o, "regions = {}", strings(&a.regions));
        }
    }
    o
}

fn prices(o: &mut String, items: &[(&str, Option<f64>)]) {
    for (k, v) in items {
        if let Some(v) = v {
            let _ = writeln!(o, "{k} = {}", float(*v));
        }
    }
}
