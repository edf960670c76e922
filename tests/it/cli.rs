//! The command line: JSON shapes, tables, exit codes and suggestions.

use serde_json::Value;

use crate::support::{fixture, provcat, root, stderr, stdout};

fn json(args: &[&str]) -> Value {
    let out = provcat(&root(), args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn models_list_json_has_every_model_with_the_documented_fields() {
    let models = json(&["models", "list", "--json"]);
    let models = models.as_array().unwrap();
    assert_eq!(models.len(), provcat::catalog::models().len());
    for key in [
        "ref",
        "provider",
        "id",
        "name",
        "kind",
        "input",
        "context_window",
        "max_output_tokens",
        "reasoning",
        "aliases",
        "availability",
    ] {
        assert!(models.iter().all(|m| m.get(key).is_some()), "missing {key}");
    }
    let glm = models.iter().find(|m| m["ref"] == "qwen/glm-5").unwrap();
    assert_eq!(glm["context_window"], 202_752);
    assert_eq!(glm["max_output_tokens"], 16_384);
    assert_eq!(glm["availability"]["coding"]["status"], "available");
    assert_eq!(glm["aliases"], serde_json::json!(["modelstudio/glm-5"]));
}

#[test]
fn models_list_filters_by_kind_and_provider_alias() {
    let video = json(&[
        "models",
        "list",
        "--kind",
        "video",
        "--provider",
        "modelstudio",
        "--json",
    ]);
    let refs: Vec<&str> = video
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        refs,
        [
            "qwen/wan2.6-i2v",
            "qwen/wan2.6-r2v",
            "qwen/wan2.6-r2v-flash",
            "qwen/wan2.6-t2v",
            "qwen/wan2.7-r2v"
        ]
    );

    let out = provcat(&root(), &["models", "list", "--provider", "qwne"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown provider `qwne`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn models_list_table() {
    let out = provcat(&root(), &["models", "list"]);
    assert!(out.status.success());
    insta::assert_snapshot!("models_list_table", stdout(&out));
}

#[test]
fn models_show_resolves_aliases_and_reports_them() {
    let shown = json(&["models", "show", "alibaba/wan2.6-t2v", "--json"]);
    assert_eq!(shown["ref"], "qwen/wan2.6-t2v");
    assert_eq!(shown["alias"], "alibaba/wan2.6-t2v");
    assert_eq!(shown["via"], "alias");
    let canonical = json(&["models", "show", "qwen/qwen3.5-plus", "--json"]);
    assert_eq!(canonical["alias"], Value::Null);
    assert_eq!(canonical["via"], "canonical");

    let out = provcat(&root(), &["models", "show", "modelstudio/qwen3.6-plus"]);
    insta::assert_snapshot!("models_show_legacy_ref", stdout(&out));
}

#[test]
fn unknown_refs_exit_2_with_a_suggestion() {
    let out = provcat(&root(), &["models", "show", "qwen/glm5"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).starts_with("error: unknown model ref `qwen/glm5`; did you mean `qwen/glm-5`"),
        "{}",
        stderr(&out)
    );
    // Legacy spellings are suggested only to someone who typed one.
    let bare = stderr(&provcat(&root(), &["models", "show", "qwen3.5-plus"]));
    assert!(
        bare.contains("`qwen/qwen3.5-plus`") && !bare.contains("modelstudio/"),
        "{bare}"
    );
    let legacy = stderr(&provcat(&root(), &["models", "show", "modelstudio/glm5"]));
    assert!(legacy.contains("`modelstudio/glm-5`"), "{legacy}");
}

#[test]
fn auth_choices_json() {
    let choices = json(&["auth-choices", "--json"]);
    let choices = choices.as_array().unwrap();
    assert_eq!(choices.len(), provcat::catalog::auth_choices().count());
    let cn = choices
        .iter()
        .find(|c| c["id"] == "qwen-api-key-cn")
        .unwrap();
    assert_eq!(cn["plan"], "coding");
    assert_eq!(cn["region"], "cn");
    assert_eq!(cn["base_url"], "https://coding.dashscope.aliyuncs.com/v1");
    assert_eq!(
        cn["legacy_aliases"],
        serde_json::json!(["modelstudio-api-key-cn"])
    );
}

#[test]
fn endpoints_json() {
    let endpoints = json(&["endpoints", "--json"]);
    let intl = endpoints
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["provider"] == "qwen" && e["plan"] == "standard" && e["region"] == "global")
        .unwrap();
    let surfaces = intl["surfaces"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = surfaces
        .iter()
        .map(|s| (s["kind"].as_str().unwrap(), s["dialect"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("chat", "openai-completions"), ("video", "dashscope-video")]
    );
    assert_eq!(
        surfaces[0]["base_url"],
        "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
    );
    assert_eq!(
        surfaces[1]["base_url"],
        "https://dashscope-intl.aliyuncs.com"
    );
    assert_eq!(surfaces[1]["polls_per_second"], 20);
    assert_eq!(surfaces[0]["capabilities"]["streaming_usage"], true);
}

#[test]
fn catalog_check_passes_on_the_committed_catalog() {
    let out = provcat(&root(), &["catalog", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let catalog = provcat::compiler::compile_dir(&root().join("catalog")).unwrap();
    assert_eq!(
        stdout(&out),
        format!(
            "catalog: ok ({} providers, {} models, {} refs)\n",
            catalog.providers.len(),
            catalog.models.len(),
            catalog.refs.len()
        )
    );
    assert_eq!(catalog.providers.len(), 12);
}

#[test]
fn catalog_check_json_lists_located_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&fixture("base"), dir.path());
    crate::support::copy_tree(&fixture("broken/several-mistakes"), dir.path());
    let out = provcat(dir.path(), &["catalog", "check", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["ok"], false);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 5);
    assert_eq!(diagnostics[0]["rule"], "output-exceeds-context");
    assert_eq!(
        diagnostics[0]["location"],
        "catalog/acme/models/chat-1.toml:6:21"
    );
    let dangling = diagnostics
        .iter()
        .find(|d| d["rule"] == "dangling-reference")
        .unwrap();
    assert_eq!(
        dangling["location"],
        "catalog/acme/models/chat-1.toml:12:15"
    );
    assert_eq!(dangling["help"], "did you mean `coding`?");
}

#[test]
fn catalog_check_on_a_missing_folder_says_what_to_pass() {
    let out = provcat(&root(), &["catalog", "check", "no-such-dir"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no catalog folder found at `no-such-dir` (") && err.contains("no-such-dir)"),
        "{err}"
    );
    assert!(err.contains("`provcat catalog check DIR`"), "{err}");
}

/// Outside a checkout (no `./catalog`), `catalog check` and `catalog docs` say plainly
/// that no catalog folder was found, where they looked and what to pass; no "e.g.
/// `catalog`" that names the folder that is not there.
#[test]
fn catalog_commands_outside_a_checkout_say_no_catalog_folder_was_found() {
    let dir = tempfile::tempdir().unwrap();
    for (args, command) in [
        (&["catalog", "check"][..], "check"),
        (&["catalog", "docs"][..], "docs"),
        (&["catalog", "check", "--json"][..], "check"),
    ] {
        let out = provcat(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let text = format!("{}{}", stdout(&out), stderr(&out));
        let absolute = dir.path().canonicalize().unwrap().join("catalog");
        assert!(
            text.contains("no catalog folder found at `catalog`"),
            "{args:?}: {text}"
        );
        assert!(
            text.contains(&absolute.display().to_string())
                || text.contains(&dir.path().join("catalog").display().to_string()),
            "{args:?} names the path it looked at: {text}"
        );
        assert!(
            text.contains(&format!("`provcat catalog {command} DIR`")),
            "{args:?}: {text}"
        );
        assert!(!text.contains("e.g. `catalog`"), "{args:?}: {text}");
    }
}

#[test]
fn schema_write_reproduces_the_committed_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("schemas");
    let out = provcat(&root(), &["schema", "--write", target.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for kind in ["provider", "model"] {
        let path = format!("catalog/{kind}.schema.json");
        let written = std::fs::read_to_string(target.join(&path)).unwrap();
        let committed = std::fs::read_to_string(root().join("schemas").join(&path)).unwrap();
        let stale = "is out of date: run `cargo run -- catalog generate` and commit the result";
        assert!(written == committed, "schemas/{path} {stale}");
        let printed = provcat(&root(), &["schema", kind]);
        assert!(stdout(&printed) == committed, "schemas/{path} {stale}");
    }
}

/// The README's "Adding a model" example, dropped into a copy of the catalog as
/// `catalog/qwen/models/<id>.toml`, compiles and is found by its ref.
#[test]
fn the_readme_example_model_compiles() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme.split("## Adding a model").nth(1).unwrap();
    let example = section
        .split("```toml\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let id = example
        .lines()
        .find_map(|l| l.strip_prefix("id = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&root().join("catalog"), &dir.path().join("catalog"));
    std::fs::write(
        dir.path().join(format!("catalog/qwen/models/{id}.toml")),
        example,
    )
    .unwrap();
    let out = provcat(dir.path(), &["catalog", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let catalog = provcat::compiler::compile_dir(&dir.path().join("catalog")).unwrap();
    let model = catalog.model(&format!("modelstudio/{id}")).unwrap();
    assert_eq!(model.canonical_ref, format!("qwen/{id}"));
}
