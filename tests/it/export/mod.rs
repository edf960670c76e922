//! `provcat export`: every format against a validator of its own rules (`rules_json.rs`,
//! `rules_openclaw.rs`, `models_dev_rules.rs`), validators that catch broken output, golden files for the
//! built-in catalog and the export fixture (`tests/fixtures/export/catalog`), determinism,
//! `--check`, bad input, and the models.dev round trip (`round_trip.rs`).

mod models_dev_rules;
mod round_trip;
mod rules_json;
mod rules_openclaw;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::support::{assert_stderr_has, fixture, provcat, stderr, stdout};

/// Runs `provcat [--catalog <export fixture>] export --format F args…`.
fn export(with_fixture: bool, format: &str, args: &[&str]) -> Output {
    let catalog = fixture("export/catalog");
    let mut all = Vec::new();
    if with_fixture {
        all.extend(["--catalog", catalog.to_str().unwrap()]);
    }
    all.extend(["export", "--format", format]);
    all.extend_from_slice(args);
    provcat(Path::new("."), &all)
}

/// Exports into `<dir>/<name>` and returns the path.
fn export_to(dir: &Path, name: &str, with_fixture: bool, format: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut all = vec!["--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let output = export(with_fixture, format, &all);
    assert!(output.status.success(), "{}", stderr(&output));
    out
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every file of a folder export, as `== path ==` + text, sorted (the marker left out).
fn folder_text(dir: &Path) -> String {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.sort();
    files
        .iter()
        .filter(|(p, _)| p != ".provcat-export")
        .map(|(p, t)| format!("== {p} ==\n{t}"))
        .collect()
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

fn catwalk_problems(dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let file = json_file(&path);
            names.push(file["name"].as_str().unwrap_or_default().to_string());
            problems.extend(
                rules_json::catwalk(&file)
                    .into_iter()
                    .map(|p| format!("{}: {p}", path.display())),
            );
        }
    }
    let n = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), n, "every catwalk provider has a distinct name");
    problems
}

#[test]
fn every_format_passes_its_validator_for_the_builtin_catalog_and_the_fixture() {
    for with_fixture in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let litellm = export_to(dir.path(), "litellm.json", with_fixture, "litellm", &[]);
        assert_eq!(
            rules_json::litellm(&json_file(&litellm)),
            Vec::<String>::new()
        );
        let openclaw = export_to(dir.path(), "openclaw.json", with_fixture, "openclaw", &[]);
        assert_eq!(
            rules_openclaw::openclaw(&json_file(&openclaw)),
            Vec::<String>::new()
        );
        let catwalk = export_to(dir.path(), "catwalk", with_fixture, "catwalk", &[]);
        assert_eq!(catwalk_problems(&catwalk), Vec::<String>::new());
        let models_dev = export_to(dir.path(), "models-dev", with_fixture, "models-dev", &[]);
        assert_eq!(
            models_dev_rules::validate(&models_dev),
            Vec::<String>::new()
        );
    }
}

#[test]
fn the_validators_catch_broken_output() {
    let dir = tempfile::tempdir().unwrap();
    // LiteLLM: a per-million price pasted as per token, an unknown key, max_tokens off.
    let mut map = json_file(&export_to(dir.path(), "l.json", true, "litellm", &[]));
    map["acme/chat-1"]["input_cost_per_token"] = 3.0.into();
    map["acme/chat-1"]["tiered_pricing"][1]["output_cost_per_token"] = 7.2.into();
    map["acme/chat-2"]["cost_per_million"] = 1.into();
    map["acme/think-1"]["max_tokens"] = 1.into();
    map["acme/clip-1"]["mode"] = "video".into();
    let problems = rules_json::litellm(&map);
    for expected in [
        "acme/chat-1.input_cost_per_token = 3.0",
        "tiered_pricing[1].output_cost_per_token = 7.2",
        "acme/chat-2.cost_per_million: not a property",
        "acme/think-1: max_tokens differs",
        "acme/clip-1.mode",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{expected} not caught: {problems:#?}"
        );
    }
    // catwalk: an old-style type, a default model it does not have, effort levels on a
    // model that always thinks, a missing required field.
    let catwalk = export_to(dir.path(), "c", true, "catwalk", &[]);
    let mut file = json_file(&catwalk.join("acme-standard-global.json"));
    file["type"] = "openai-compat".into();
    file["default_small_model_id"] = "nope".into();
    let think = file["models"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|m| m["id"] == "think-1")
        .unwrap();
    think["reasoning"]["effort_levels"] = serde_json::json!([{"value": "high", "display": "High"}]);
    think.as_object_mut().unwrap().remove("context_window");
    let problems = rules_json::catwalk(&file);
    for expected in [
        "provider.type",
        "default_small_model_id",
        "effort_levels: set for a model whose thinking is `always`",
        "`context_window` is missing",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{expected} not caught: {problems:#?}"
        );
    }
    // OpenClaw: a video input, an API key reference with a bad variable, an unknown api.
    let mut config = json_file(&export_to(dir.path(), "o.json", true, "openclaw", &[]));
    let provider = &mut config["models"]["providers"]["acme-standard-cn"];
    provider["api"] = "openai-chat".into();
    provider["apiKey"]["id"] = "acme_key".into();
    provider["models"][0]["input"] = serde_json::json!(["text", "video"]);
    provider["models"][0]["temperature"] = true.into();
    let problems = rules_openclaw::openclaw(&config);
    for expected in [
        ".api: `openai-chat`",
        ".apiKey: not an env secret reference",
        ".input",
        ".temperature: not a field",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{expected} not caught: {problems:#?}"
        );
    }
    // models.dev: a missing date, a family it does not have, reasoning without options, a
    // per-token price, a provider api it forbids.
    let families = models_dev_rules::families();
    let md = export_to(dir.path(), "m", true, "models-dev", &[]);
    let chat =
        std::fs::read_to_string(md.join("providers/acme-standard-cn/models/chat-1.toml")).unwrap();
    let broken = chat
        .replace("release_date = \"2026-02-16\"\n", "")
        .replace("family = \"qwen\"", "family = \"acme-chat\"")
        .replace("input = 0.4\n", "input = 0.0000004\n");
    let broken = broken[..broken.find("[[reasoning_options]]").unwrap()].to_string()
        + &broken[broken.find("[cost]").unwrap()..];
    let mut problems = Vec::new();
    models_dev_rules::model(&broken, "chat-1", &families, &mut problems);
    models_dev_rules::provider(
        "name = \"A\"\nenv = [\"K\"]\nnpm = \"@ai-sdk/groq\"\napi = \"https://x\"\ndoc = \"d\"\n",
        "p",
        &mut problems,
    );
    for expected in [
        "`release_date`",
        "family `acme-chat`",
        "Must set reasoning_options",
        "per-token price",
        "'api' is required",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{expected} not caught: {problems:#?}"
        );
    }
}

#[test]
fn golden_files_of_the_fixture_catalog() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["litellm", "openclaw"] {
        let output = export(true, format, &["--provider", "acme"]);
        assert!(output.status.success(), "{}", stderr(&output));
        insta::assert_snapshot!(format!("export_fixture_{format}"), stdout(&output));
        insta::assert_snapshot!(format!("export_fixture_{format}_notes"), stderr(&output));
    }
    for format in ["catwalk", "models-dev"] {
        let out = dir.path().join(format);
        let output = export(
            true,
            format,
            &["--provider", "acme", "--out", out.to_str().unwrap()],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        insta::assert_snapshot!(format!("export_fixture_{format}"), folder_text(&out));
        let notes = stderr(&output).replace(out.to_str().unwrap(), "OUT");
        insta::assert_snapshot!(format!("export_fixture_{format}_notes"), notes);
    }
}

#[test]
fn golden_files_of_the_builtin_catalog() {
    // The seed provider: every plan and region of it, small enough to review.
    let dir = tempfile::tempdir().unwrap();
    for format in ["litellm", "openclaw"] {
        let output = export(false, format, &["--provider", "qwen"]);
        assert!(output.status.success(), "{}", stderr(&output));
        insta::assert_snapshot!(format!("export_builtin_{format}"), stdout(&output));
    }
    let out = dir.path().join("catwalk");
    export_to(
        dir.path(),
        "catwalk",
        false,
        "catwalk",
        &["--provider", "qwen"],
    );
    insta::assert_snapshot!("export_builtin_catwalk", folder_text(&out));
}

#[test]
fn exports_are_deterministic_whatever_the_provider_order() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["litellm", "openclaw", "catwalk", "models-dev"] {
        let a = export_to(
            dir.path(),
            &format!("{format}-a"),
            true,
            format,
            &["--provider", "qwen", "--provider", "acme"],
        );
        let b = export_to(
            dir.path(),
            &format!("{format}-b"),
            true,
            format,
            &[
                "--provider",
                "acme-legacy",
                "--provider",
                "modelstudio",
                "--provider",
                "acme",
            ],
        );
        let read = |p: &Path| {
            if p.is_dir() {
                folder_text(p)
            } else {
                std::fs::read_to_string(p).unwrap()
            }
        };
        assert_eq!(read(&a), read(&b), "{format}");
    }
    // stdout is the file, byte for byte.
    let file = export_to(dir.path(), "l.json", true, "litellm", &[]);
    assert_eq!(
        stdout(&export(true, "litellm", &[])),
        std::fs::read_to_string(file).unwrap()
    );
}

#[test]
fn check_passes_on_identical_output_and_fails_with_a_diff_on_drift() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["litellm", "catwalk", "models-dev", "openclaw"] {
        let out = export_to(dir.path(), format, true, format, &[]);
        let path = out.to_str().unwrap();
        let ok = export(true, format, &["--out", path, "--check"]);
        assert!(ok.status.success(), "{format}: {}", stderr(&ok));
        assert_stderr_has(&ok, "is up to date");
        // Drift: a changed price, then (folders) a stale file.
        let changed = if out.is_dir() {
            first_file(&out)
        } else {
            out.clone()
        };
        let text = std::fs::read_to_string(&changed).unwrap();
        std::fs::write(&changed, format!("{text}# drift\n")).unwrap();
        let drift = export(true, format, &["--out", path, "--check"]);
        assert_eq!(drift.status.code(), Some(1), "{format}: {}", stderr(&drift));
        assert_stderr_has(&drift, "differs from the catalog's");
        assert_stderr_has(&drift, "lines differ (- on disk, + the catalog's export)");
        if out.is_dir() {
            std::fs::write(&changed, &text).unwrap();
            std::fs::write(out.join("stale.json"), "{}").unwrap();
            let stale = export(true, format, &["--out", path, "--check"]);
            assert_eq!(stale.status.code(), Some(1));
            assert_stderr_has(&stale, "stale.json: not in the catalog's export");
        }
        // --check never writes.
        assert!(std::fs::read_to_string(&changed).is_ok());
    }
    let missing = export(
        true,
        "litellm",
        &[
            "--out",
            dir.path().join("none.json").to_str().unwrap(),
            "--check",
        ],
    );
    assert_eq!(missing.status.code(), Some(1));
    assert_stderr_has(&missing, "does not exist");
}

fn first_file(dir: &Path) -> PathBuf {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.sort();
    let (rel, _) = files
        .into_iter()
        .find(|(p, _)| p != ".provcat-export")
        .unwrap();
    dir.join(rel)
}

#[test]
fn bad_input_gets_a_clear_error_and_nothing_is_written() {
    let unknown = export(true, "litellm", &["--provider", "acmee"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert_stderr_has(&unknown, "unknown provider `acmee`; did you mean `acme`");
    let dir = tempfile::tempdir().unwrap();
    for (format, name) in [
        ("litellm", "no/such/f.json"),
        ("models-dev", "no/such/tree"),
    ] {
        let out = dir.path().join(name);
        let output = export(true, format, &["--out", out.to_str().unwrap()]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{format}: {}",
            stderr(&output)
        );
        assert_stderr_has(&output, "does not exist; create it first");
        assert!(!dir.path().join("no").exists());
    }
    let folder = export(true, "catwalk", &[]);
    assert_eq!(folder.status.code(), Some(2));
    assert_stderr_has(
        &folder,
        "--format catwalk writes a folder of files; give the folder to create with --out DIR",
    );
    // A folder provcat did not write is not replaced.
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("keep.txt"), "keep").unwrap();
    let refused = export(true, "models-dev", &["--out", mine.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert_stderr_has(&refused, "was not written by `provcat export`");
    assert_eq!(
        std::fs::read_to_string(mine.join("keep.txt")).unwrap(),
        "keep"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["mine"], "no temporary file or folder is left");
}

#[test]
fn the_json_report_lists_every_note() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.json");
    let output = export(
        true,
        "openclaw",
        &["--out", out.to_str().unwrap(), "--json"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report = crate::support::json_of(&output);
    assert_eq!(report["format"], "openclaw");
    let notes = report["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["subject"] == "acme/clip-1" && n["field"] == "model"),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n["subject"] == "acme/chat-1" && n["field"] == "cost.tiers"),
        "{notes:#?}"
    );
}

/// The models.dev ids in `src/export/names.toml` agree with the import's mapping
/// (`import/models-dev.toml`): a family member exports under the models.dev id it was
/// imported from.
#[test]
fn the_models_dev_names_agree_with_the_import_mapping() {
    let names: toml::Table = toml::from_str(
        &std::fs::read_to_string(crate::support::root().join("src/export/names.toml")).unwrap(),
    )
    .unwrap();
    let entries = names["models_dev"].as_array().unwrap();
    let mapping = provcat::import::Mapping::builtin().unwrap();
    let mut checked = 0;
    for (family, f) in &mapping.families {
        for member in &f.members {
            let found = entries.iter().find(|e| {
                e["providers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p.as_str() == Some(family.as_str()))
                    && e["plan"].as_str() == Some(member.plan.as_str())
                    && e["region"].as_str() == Some(member.region.as_str())
            });
            let id = found.and_then(|e| e["id"].as_str());
            assert_eq!(
                id,
                Some(member.models_dev.as_str()),
                "{family} {} {}",
                member.plan,
                member.region
            );
            checked += 1;
        }
    }
    assert!(checked >= 16, "{checked}");
}
