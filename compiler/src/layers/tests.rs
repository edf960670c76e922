//! The merge rules of catalog layers, on small in-memory catalogs.

use super::*;

const PROVIDER: &str = r#"id = "base"
name = "Base"
auth_env = ["BASE_API_KEY"]
default_model = "base/m1"

[links]
api_keys = "https://base.example/keys"
docs = "https://base.example/docs"

[[plans]]
id = "paygo"
name = "Pay as you go"
billing = "pay-as-you-go"

[[regions]]
id = "global"
name = "Global"

[[endpoints]]
plan = "paygo"
region = "global"

[[endpoints.surfaces]]
kind = "chat"
dialect = "openai-completions"
base_url = "https://base.example/v1"

[[auth_choices]]
id = "base-key"
plan = "paygo"
region = "global"
"#;

/// The same provider, with one more plan (`pro`) and its endpoint and auth choice.
fn extension() -> String {
    PROVIDER.replace(
        "[[regions]]",
        "[[plans]]\nid = \"pro\"\nname = \"Pro\"\nbilling = \"subscription\"\n\n[[regions]]",
    ) + "\n[[endpoints]]\nplan = \"pro\"\nregion = \"global\"\n\n[[endpoints.surfaces]]\nkind = \"chat\"\ndialect = \"openai-completions\"\nbase_url = \"https://pro.base.example/v1\"\n\n[[auth_choices]]\nid = \"base-pro-key\"\nplan = \"pro\"\nregion = \"global\"\n"
}

fn model(id: &str, extra: &str, plans: &[&str]) -> String {
    let mut text = format!(
        "id = \"{id}\"\nname = \"M\"\nkind = \"chat\"\ninput = [\"text\"]\ncontext_window = 1000\nmax_output_tokens = 100\n{extra}\n"
    );
    for plan in plans {
        text.push_str(&format!("[availability.{plan}]\nstatus = \"available\"\n"));
    }
    text
}

fn base() -> Vec<SourceFile> {
    vec![
        SourceFile::new("below", "base/provider.toml", PROVIDER),
        SourceFile::new("below", "base/models/m1.toml", model("m1", "", &["paygo"])),
    ]
}

fn rules(report: &Report) -> Vec<&'static str> {
    report.diagnostics().iter().map(|d| d.rule.code()).collect()
}

#[test]
fn an_extension_adds_a_plan_that_lower_models_need_not_list() {
    let over = vec![
        SourceFile::new("over", "base/provider.toml", extension()),
        SourceFile::new(
            "over",
            "base/models/m2.toml",
            model("m2", "", &["paygo", "pro"]),
        ),
    ];
    let layered = compile_layers(&[base(), over]).unwrap_or_else(|r| panic!("{}", r.render(false)));
    let provider = &layered.catalog.providers[0];
    let plans: Vec<&str> = provider.plans.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(plans, ["paygo", "pro"]);
    assert_eq!(provider.auth_choices.len(), 2);
    // The base's own settings stay.
    assert_eq!(provider.name, "Base");
    assert_eq!(layered.notes.len(), 1);
    assert!(
        layered.notes[0].message.contains("adding plans `pro`"),
        "{:?}",
        layered.notes
    );
}

#[test]
fn a_model_of_the_extending_layer_must_list_the_new_plan() {
    let over = vec![
        SourceFile::new("over", "base/provider.toml", extension()),
        SourceFile::new("over", "base/models/m2.toml", model("m2", "", &["paygo"])),
    ];
    let report = compile_layers(&[base(), over]).unwrap_err();
    assert_eq!(rules(&report), ["availability"]);
    assert_eq!(
        report.diagnostics()[0].file.as_deref(),
        Some("over/base/models/m2.toml")
    );
}

#[test]
fn a_broken_extension_is_reported_once_in_its_own_file_and_not_merged() {
    let broken = extension().replace(
        "plan = \"pro\"\nregion = \"global\"\n\n[[endpoints.surfaces]]",
        "plan = \"pr0\"\nregion = \"global\"\n\n[[endpoints.surfaces]]",
    );
    let over = vec![SourceFile::new("over", "base/provider.toml", broken)];
    let report = compile_layers(&[base(), over]).unwrap_err();
    let files: Vec<Option<&str>> = report
        .diagnostics()
        .iter()
        .map(|d| d.file.as_deref())
        .collect();
    assert!(
        files.iter().all(|f| *f == Some("over/base/provider.toml")),
        "{}",
        report.render(false)
    );
    assert!(
        rules(&report).contains(&"dangling-reference"),
        "{}",
        report.render(false)
    );
}

#[test]
fn a_shadowed_model_keeps_the_lower_facts_and_takes_new_plans() {
    let over = vec![
        SourceFile::new("over", "base/provider.toml", extension()),
        SourceFile::new(
            "over",
            "base/models/m1.toml",
            model("m1", "notes = \"mine\"", &["paygo", "pro"]),
        ),
    ];
    let layered = compile_layers(&[base(), over]).unwrap_or_else(|r| panic!("{}", r.render(false)));
    let m1 = &layered.catalog.models[0].source;
    assert_eq!(m1.notes, None);
    assert!(m1.availability.contains_key("pro"));
    assert!(
        layered.notes[1]
            .message
            .starts_with("shadowed by below/base/models/m1.toml"),
        "{:?}",
        layered.notes
    );
}

#[test]
fn two_overrides_of_one_model_clash() {
    let marked = model("m1", "override = true", &["paygo"]);
    let a = vec![SourceFile::new("a", "base/models/m1.toml", marked.clone())];
    let b = vec![SourceFile::new("b", "base/models/m1.toml", marked)];
    let report = compile_layers(&[base(), a, b]).unwrap_err();
    assert_eq!(rules(&report), ["duplicate-id"], "{}", report.render(false));
    assert_eq!(
        report.diagnostics()[0].file.as_deref(),
        Some("b/base/models/m1.toml")
    );
}

#[test]
fn a_higher_catalog_file_is_shadowed() {
    let below = {
        let mut files = base();
        files.push(SourceFile::new(
            "below",
            "catalog.toml",
            "default_chat_model = \"base/m1\"\n",
        ));
        files
    };
    let over = vec![SourceFile::new(
        "over",
        "catalog.toml",
        "default_chat_model = \"base/nope\"\n",
    )];
    let layered = compile_layers(&[below, over]).unwrap_or_else(|r| panic!("{}", r.render(false)));
    assert_eq!(
        layered.catalog.settings.default_chat_model.as_deref(),
        Some("base/m1")
    );
    assert_eq!(layered.notes[0].file, "over/catalog.toml");
}
