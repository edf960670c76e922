//! `provcat import models-dev` on the fixture subset (`tests/fixtures/models-dev/`, MIT):
//! the collapsed Alibaba family (plans × regions, availability per plan and region),
//! base-model merge and omit, ids with `/`, the report, a byte-identical re-import, the
//! folder passing `catalog check` and working as an overlay next to the built-in catalog.
//! Broken snapshots are in `import_bad.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::support::{fixture, provcat, provcat_in, stderr, stdout};

/// Runs the import of `snapshot` into `out` with `extra` arguments.
pub fn import(snapshot: &Path, out: &Path, extra: &[&str]) -> Output {
    let (snapshot, out) = (snapshot.to_str().unwrap(), out.to_str().unwrap());
    let mut args = vec!["import", "models-dev", snapshot, "--out", out];
    args.extend_from_slice(extra);
    provcat(Path::new("."), &args)
}

/// Imports the fixture into `<dir>/out` with a report; returns (out, report).
pub fn import_fixture(dir: &Path, extra: &[&str]) -> (PathBuf, Value) {
    let out = dir.join("out");
    let report = dir.join("report.json");
    let mut args = vec!["--report", report.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = import(&fixture("models-dev"), &out, &args);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    (out, report)
}

/// A written file, parsed.
fn toml_at(out: &Path, relative: &str) -> toml::Table {
    let text =
        std::fs::read_to_string(out.join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// Every file under `dir` (relative path → bytes).
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The report entries about one models.dev model.
fn entries<'r>(report: &'r Value, provider: &str, model: &str) -> Vec<&'r Value> {
    report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["provider"] == provider && e["model"] == model)
        .collect()
}

#[test]
fn the_fixture_subset_imports_and_passes_catalog_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = import(&fixture("models-dev"), &out, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("imported 12 models of 10 models.dev providers as 5 providers"),
        "{err}"
    );
    assert!(err.contains("upstream inconsistencies"), "{err}");
    let files: Vec<String> = tree(&out).into_keys().collect();
    for expected in [
        ".provcat-import",
        "LICENSE.models.dev",
        "_schemas/model.schema.json",
        "_schemas/provider.schema.json",
        "qwen/provider.toml",
        "qwen/models/kimi/kimi-k2.5.toml",
        "groq/models/openai/gpt-oss-120b.toml",
        "openai/provider.toml",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "no {expected} in {files:?}"
        );
    }
    // The skipped model has no file; there is no stray scratch folder beside the output.
    assert!(!files.iter().any(|f| f.contains("whisper")), "{files:?}");
    let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(beside.len(), 1);
    let check = provcat(Path::new("."), &["catalog", "check", out.to_str().unwrap()]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("ok (5 providers, 12 models"),
        "{}",
        stdout(&check)
    );
    // Every file says where it came from and points at the schemas written beside it.
    let model = std::fs::read_to_string(out.join("qwen/models/kimi/kimi-k2.5.toml")).unwrap();
    assert!(
        model.starts_with("#:schema ../../../_schemas/model.schema.json\n"),
        "{model}"
    );
    assert!(
        model.contains("providers/alibaba-cn/models/kimi/kimi-k2.5.toml"),
        "{model}"
    );
}

#[test]
fn the_alibaba_family_collapses_into_qwen_with_plans_regions_and_availability() {
    let dir = tempfile::tempdir().unwrap();
    let (out, report) = import_fixture(dir.path(), &[]);
    let p = toml_at(&out, "qwen/provider.toml");
    let ids = |key: &str| -> Vec<String> {
        p[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids("plans"), ["standard", "coding", "token"]);
    assert_eq!(ids("regions"), ["cn", "global"]);
    assert_eq!(
        p["namespace_aliases"].as_array().unwrap()[0].as_str(),
        Some("modelstudio")
    );
    let endpoints = p["endpoints"].as_array().unwrap();
    assert_eq!(endpoints.len(), 6);
    let url = |plan: &str, region: &str| {
        let e = endpoints
            .iter()
            .find(|e| e["plan"].as_str() == Some(plan) && e["region"].as_str() == Some(region))
            .unwrap();
        e["surfaces"][0]["base_url"].as_str().unwrap().to_string()
    };
    assert_eq!(
        url("coding", "cn"),
        "https://coding.dashscope.aliyuncs.com/v1"
    );
    assert_eq!(
        url("standard", "global"),
        "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
    );
    // The auth choices keep the built-in catalog's ids and legacy ids.
    let choices = p["auth_choices"].as_array().unwrap();
    let coding = choices
        .iter()
        .find(|c| c["id"].as_str() == Some("qwen-api-key"))
        .unwrap();
    assert_eq!(
        coding["legacy_aliases"][0].as_str(),
        Some("modelstudio-api-key")
    );
    assert_eq!(choices.len(), 6);
    // The Coding Plan's own key variable (models.dev's env) is read before the provider's.
    let plans = p["plans"].as_array().unwrap();
    assert_eq!(
        plans[1]["key_env"][0].as_str(),
        Some("ALIBABA_CODING_PLAN_API_KEY")
    );
    // Availability per plan and region from which members list the model.
    let availability =
        |model: &str| toml_at(&out, &format!("qwen/models/{model}.toml"))["availability"].clone();
    let long = availability("qwen-long"); // alibaba-cn only
    assert_eq!(long["standard"]["status"].as_str(), Some("available"));
    assert_eq!(
        long["standard"]["regions"].as_array().unwrap()[0].as_str(),
        Some("cn")
    );
    assert_eq!(long["coding"]["status"].as_str(), Some("unavailable"));
    assert!(
        long["coding"]["reason"]
            .as_str()
            .unwrap()
            .contains("does not list it")
    );
    let plus = availability("qwen3.6-plus"); // every member
    for plan in ["standard", "coding", "token"] {
        assert_eq!(plus[plan]["status"].as_str(), Some("available"), "{plan}");
        assert!(plus[plan].get("regions").is_none(), "{plan}: every region");
    }
    // One line per models.dev member, all written as `qwen`.
    let lines: Vec<&Value> = report["providers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["provider"] == "qwen")
        .collect();
    assert_eq!(lines.len(), 6);
    // A price that differs in China is reported, naming both values.
    let differences: Vec<&Value> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "difference")
        .collect();
    assert!(!differences.is_empty());
    assert!(
        differences
            .iter()
            .all(|e| e["model"].is_string() && e["field"].is_string())
    );
    assert!(
        differences
            .iter()
            .any(|e| e["provider"] == "alibaba-cn"
                && e["field"].as_str().unwrap().starts_with("cost.")),
        "{differences:?}"
    );
}

#[test]
fn base_models_are_merged_and_omitted_fields_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = import_fixture(dir.path(), &[]);
    // groq's file names `base_model = "openai/gpt-oss-120b"` and sets cost and output.
    let gpt = toml_at(&out, "groq/models/openai/gpt-oss-120b.toml");
    assert_eq!(gpt["name"].as_str(), Some("GPT OSS 120B")); // from the base
    assert_eq!(gpt["context_window"].as_integer(), Some(131_072)); // from the base
    assert_eq!(gpt["max_output_tokens"].as_integer(), Some(65_536)); // its own
    assert_eq!(gpt["structured_output"].as_bool(), Some(true)); // from the base
    assert_eq!(gpt["cost"]["input"].as_float(), Some(0.15));
    // The Token Plan's kimi-k2.6 omits the base's `structured_output`.
    let kimi = toml_at(&out, "qwen/models/kimi-k2.6.toml");
    assert_eq!(kimi["family"].as_str(), Some("kimi-k2"));
    assert!(kimi.get("structured_output").is_none(), "{kimi:?}");
    assert_eq!(kimi["max_output_tokens"].as_integer(), Some(16_384));
}

#[test]
fn the_report_lists_dropped_fields_inconsistencies_and_what_cannot_be_called() {
    let dir = tempfile::tempdir().unwrap();
    let (out, report) = import_fixture(dir.path(), &[]);
    // Output above context: clamped with a note, located in the models.dev file.
    let e = entries(&report, "302ai", "mistral-large-2512");
    let clamp = e.iter().find(|e| e["field"] == "limit.output").unwrap();
    assert_eq!(clamp["kind"], "inconsistency");
    assert_eq!(
        clamp["file"],
        "providers/302ai/models/mistral-large-2512.toml"
    );
    assert!(clamp["line"].as_u64().unwrap() > 0 && clamp["column"].as_u64().unwrap() > 0);
    assert!(
        clamp["message"]
            .as_str()
            .unwrap()
            .contains("262144 is above the context window 128000")
    );
    let mistral = toml_at(&out, "302ai/models/mistral-large-2512.toml");
    assert_eq!(mistral["max_output_tokens"].as_integer(), Some(128_000));
    assert!(mistral["notes"].as_str().unwrap().contains("262144"));
    // Deprecated without a replacement: kept, with a reason.
    let e = entries(&report, "anthropic", "claude-3-opus-20240229");
    assert!(
        e.iter().any(|e| e["field"] == "status"
            && e["action"].as_str().unwrap().contains("kept as deprecated"))
    );
    let opus = toml_at(&out, "anthropic/models/claude-3-opus-20240229.toml");
    assert_eq!(opus["lifecycle"]["status"].as_str(), Some("deprecated"));
    // No context window: skipped.
    let e = entries(&report, "groq", "whisper-large-v3");
    assert_eq!(e[0]["action"], "skipped the model");
    // Dropped fields name every model that had them, with the reason.
    let dropped = report["dropped"].as_array().unwrap();
    let weights = dropped.iter().find(|d| d["field"] == "weights").unwrap();
    assert!(
        weights["models"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "groq/openai/gpt-oss-120b")
    );
    assert!(weights["reason"].as_str().unwrap().contains("no place"));
    // A provider provcat cannot call is imported for listing.
    let openai: Vec<&Value> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["provider"] == "openai")
        .collect();
    assert_eq!(openai[0]["kind"], "not-callable");
    let p = toml_at(&out, "openai/provider.toml");
    assert!(
        p["not_callable"]
            .as_str()
            .unwrap()
            .contains("Responses API")
    );
    assert!(p.get("endpoints").is_none());
    // Every entry names the models.dev provider; the summary counts them.
    assert!(
        report["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["provider"].is_string())
    );
    assert_eq!(report["summary"]["models_skipped"], 1);
    assert_eq!(report["summary"]["models_written"], 12);
}

#[test]
fn re_importing_an_unchanged_snapshot_changes_no_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (out, first_report) = import_fixture(dir.path(), &[]);
    let first = tree(&out);
    let (out, second_report) = import_fixture(dir.path(), &[]);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        tree(&out).keys().collect::<Vec<_>>()
    );
    assert!(first == tree(&out), "a file changed between two imports");
    assert_eq!(first_report, second_report);
    // An earlier import is replaced whole: a stale file does not survive.
    std::fs::write(out.join("qwen/models/stale.toml"), "x").unwrap();
    import_fixture(dir.path(), &[]);
    assert!(!out.join("qwen/models/stale.toml").exists());
}

#[test]
fn a_folder_not_written_by_an_import_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep me").unwrap();
    let output = import(&fixture("models-dev"), &mine, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("was not written by `provcat import`"),
        "{}",
        stderr(&output)
    );
    assert_eq!(tree(&mine).len(), 1);
}

#[test]
fn only_the_providers_asked_for_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let (out, report) = import_fixture(dir.path(), &["--provider", "qwen", "--provider", "groq"]);
    let providers: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(['.', '_']) && !n.starts_with("LICENSE"))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(providers, ["groq", "qwen"]);
    assert_eq!(report["summary"]["providers_read"], 7);
    let output = import(
        &fixture("models-dev"),
        &dir.path().join("x"),
        &["--provider", "grok"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no provider `grok` in the snapshot (did you mean `groq`?)"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("x").exists());
}

#[test]
fn a_missing_snapshot_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = import(&dir.path().join("nowhere"), &dir.path().join("out"), &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("nowhere is not a models.dev checkout: it has no `providers/` folder"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists());
}

/// The import as an overlay next to the built-in catalog: providers that are not built in.
#[test]
fn the_import_works_as_an_overlay_next_to_the_builtin_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let providers = [
        "--provider",
        "groq",
        "--provider",
        "anthropic",
        "--provider",
        "openai",
        "--provider",
        "302ai",
    ];
    let (out, _) = import_fixture(dir.path(), &providers);
    let out = out.to_str().unwrap();
    let home = dir.path();
    let show = provcat_in(
        home,
        &[
            "--catalog",
            out,
            "models",
            "show",
            "groq/openai/gpt-oss-120b",
            "--json",
        ],
        &[],
    );
    assert!(show.status.success(), "{}", stderr(&show));
    let json: Value = serde_json::from_str(&stdout(&show)).unwrap();
    assert_eq!(json["context_window"], 131_072);
    // The built-in catalog is still there.
    let builtin = provcat_in(
        home,
        &["--catalog", out, "models", "show", "qwen/qwen3.5-plus"],
        &[],
    );
    assert!(builtin.status.success(), "{}", stderr(&builtin));
    // explain resolves an imported model through its one auth choice.
    let config = home.join("config.toml");
    std::fs::write(
        &config,
        "[models.providers.anthropic]\nauthChoice = \"anthropic-api-key\"\n\n[models.providers.openai]\nauthChoice = \"openai-api-key\"\n",
    )
    .unwrap();
    let explain = provcat_in(
        home,
        &[
            "--config",
            config.to_str().unwrap(),
            "--catalog",
            out,
            "explain",
            "anthropic/claude-sonnet-4-5",
        ],
        &[("ANTHROPIC_API_KEY", "sk-ant-test")],
    );
    assert!(explain.status.success(), "{}", stderr(&explain));
    let text = stdout(&explain);
    assert!(text.contains("https://api.anthropic.com"), "{text}");
    assert!(text.contains("anthropic-messages"), "{text}");
    // A provider the import lists only (`openai`: models.dev calls it through the Responses
    // API) but the built-in catalog curates stays callable: the built-in provider wins.
    let builtin = provcat_in(
        home,
        &[
            "--config",
            config.to_str().unwrap(),
            "--catalog",
            out,
            "explain",
            "openai/gpt-4.1-mini",
        ],
        &[("OPENAI_API_KEY", "sk-test")],
    );
    assert!(builtin.status.success(), "{}", stderr(&builtin));
    assert!(
        stdout(&builtin).contains("https://api.openai.com/v1"),
        "{}",
        stdout(&builtin)
    );
}

/// The whole fixture, `qwen` included, extends the built-in `qwen` provider.
#[test]
fn the_qwen_family_extends_the_builtin_qwen_provider_as_an_overlay() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = import_fixture(dir.path(), &[]);
    let out = out.to_str().unwrap();
    let home = dir.path();
    // A model only the import has (Alibaba's China region) is added to `qwen`.
    let show = provcat_in(
        home,
        &[
            "--catalog",
            out,
            "models",
            "show",
            "qwen/qwen-long",
            "--json",
        ],
        &[],
    );
    assert!(show.status.success(), "{}", stderr(&show));
    let json: Value = serde_json::from_str(&stdout(&show)).unwrap();
    assert_eq!(json["context_window"], 10_000_000);
    // The legacy namespace still means the provider.
    let alias = provcat_in(
        home,
        &["--catalog", out, "models", "show", "modelstudio/qwen-long"],
        &[],
    );
    assert!(alias.status.success(), "{}", stderr(&alias));
    // For a model both have, the built-in facts win ...
    let both = provcat_in(
        home,
        &[
            "--catalog",
            out,
            "models",
            "show",
            "qwen/qwen3.5-plus",
            "--json",
        ],
        &[],
    );
    let builtin = provcat_in(
        home,
        &["models", "show", "qwen/qwen3.5-plus", "--json"],
        &[],
    );
    let both: Value = serde_json::from_str(&stdout(&both)).unwrap();
    let builtin: Value = serde_json::from_str(&stdout(&builtin)).unwrap();
    // ... its availability included: the built-in catalog has the Token Plan too.
    assert_eq!(both["availability"]["token"]["status"], "unavailable");
    assert_eq!(both, builtin);
}
