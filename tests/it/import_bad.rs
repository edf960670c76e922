//! `provcat import models-dev` on a broken snapshot: a temporary copy of the fixture with a
//! broken TOML file, an unknown field, a value of the wrong type, a `base_model` that does
//! not exist, a cycle of base models and a dangling symbolic link. Each is an error in the
//! report at its file, line and column; the rest still imports, exit 0, and the folder
//! written passes `catalog check`.

use std::path::Path;

use serde_json::Value;

use crate::import::{import, tree};
use crate::support::{copy_tree, fixture, provcat, stderr};

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The report entry about `provider`/`model`.
fn entry<'r>(report: &'r Value, provider: &str, model: &str) -> &'r Value {
    report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["provider"] == provider && e["model"] == model)
        .unwrap_or_else(|| panic!("no entry for {provider}/{model} in {report:#}"))
}

fn at(e: &Value) -> (String, u64, u64) {
    (
        e["file"].as_str().unwrap_or_default().to_string(),
        e["line"].as_u64().unwrap_or(0),
        e["column"].as_u64().unwrap_or(0),
    )
}

#[test]
fn bad_input_is_located_in_the_report_and_the_rest_still_imports() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snapshot");
    copy_tree(&fixture("models-dev"), &snapshot);
    let groq = "providers/groq/models";
    write(
        &snapshot,
        &format!("{groq}/broken.toml"),
        "name = \"Broken\"\n[limit\ncontext = 1\n",
    );
    write(
        &snapshot,
        &format!("{groq}/typo.toml"),
        "name = \"Typo\"\nreasonin = true\n[modalities]\ninput = [\"text\"]\noutput = [\"text\"]\n[limit]\ncontext = 1000\noutput = 100\n",
    );
    write(
        &snapshot,
        &format!("{groq}/wrong-type.toml"),
        "name = \"Wrong\"\n[modalities]\ninput = [\"text\"]\noutput = [\"text\"]\n[limit]\ncontext = \"big\"\noutput = 100\n",
    );
    write(
        &snapshot,
        &format!("{groq}/orphan.toml"),
        "name = \"Orphan\"\nbase_model = \"lab/nothing\"\n",
    );
    write(
        &snapshot,
        &format!("{groq}/looped.toml"),
        "base_model = \"lab/a\"\n",
    );
    write(
        &snapshot,
        "models/lab/a.toml",
        "name = \"A\"\nbase_model = \"lab/b\"\n",
    );
    write(
        &snapshot,
        "models/lab/b.toml",
        "name = \"B\"\nbase_model = \"lab/a\"\n",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        snapshot.join("models/lab/gone.toml"),
        snapshot.join(groq).join("dangling.toml"),
    )
    .unwrap();

    let out = dir.path().join("out");
    let report_file = dir.path().join("report.json");
    let output = import(
        &snapshot,
        &out,
        &["--report", report_file.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_file).unwrap()).unwrap();

    let broken = entry(&report, "groq", "broken");
    assert_eq!(broken["kind"], "error");
    assert_eq!(
        at(broken),
        ("providers/groq/models/broken.toml".into(), 2, 7)
    );
    assert!(
        broken["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid TOML"),
        "{broken}"
    );
    assert_eq!(broken["action"], "skipped the model");

    let typo = entry(&report, "groq", "typo");
    assert_eq!(at(typo), ("providers/groq/models/typo.toml".into(), 2, 1));
    assert!(
        typo["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `reasonin`"),
        "{typo}"
    );
    assert!(
        typo["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `reasoning`"),
        "{typo}"
    );

    let wrong = entry(&report, "groq", "wrong-type");
    assert_eq!(
        at(wrong),
        ("providers/groq/models/wrong-type.toml".into(), 6, 11)
    );
    assert_eq!(wrong["field"], "limit.context");

    let orphan = entry(&report, "groq", "orphan");
    assert_eq!(
        at(orphan),
        ("providers/groq/models/orphan.toml".into(), 2, 14)
    );
    assert!(
        orphan["message"]
            .as_str()
            .unwrap()
            .contains("base model `lab/nothing` does not exist")
    );

    let looped = entry(&report, "groq", "looped");
    assert_eq!(
        looped["message"],
        "base models form a cycle: lab/a -> lab/b -> lab/a"
    );
    assert_eq!(at(looped), ("models/lab/b.toml".into(), 2, 14));

    #[cfg(unix)]
    {
        let dangling = entry(&report, "groq", "dangling");
        assert_eq!(dangling["file"], "providers/groq/models/dangling.toml");
        assert!(
            dangling["message"]
                .as_str()
                .unwrap()
                .contains("which does not exist"),
            "{dangling}"
        );
    }

    // The rest imported: the typo model keeps its other fields, the others are skipped.
    let files = tree(&out);
    assert!(files.contains_key("groq/models/typo.toml"));
    assert!(files.contains_key("groq/models/openai/gpt-oss-120b.toml"));
    assert!(files.contains_key("qwen/provider.toml"));
    for gone in ["broken", "orphan", "looped", "dangling", "wrong-type"] {
        assert!(
            !files.contains_key(&format!("groq/models/{gone}.toml")),
            "{gone}"
        );
    }
    let check = provcat(Path::new("."), &["catalog", "check", out.to_str().unwrap()]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(
        stderr(&output).contains("errors in the snapshot"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_broken_provider_file_skips_that_provider_only() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snapshot");
    copy_tree(&fixture("models-dev"), &snapshot);
    write(
        &snapshot,
        "providers/302ai/provider.toml",
        "name = \"302.AI\"\nenv = \"302AI_API_KEY\n",
    );
    let out = dir.path().join("out");
    let report_file = dir.path().join("report.json");
    let output = import(
        &snapshot,
        &out,
        &["--report", report_file.to_str().unwrap(), "--json"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let e = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["provider"] == "302ai")
        .unwrap();
    assert_eq!(at(e).0, "providers/302ai/provider.toml");
    assert_eq!(e["line"], 2);
    assert_eq!(e["action"], "skipped the provider and its 1 model files");
    assert!(!out.join("302ai").exists());
    assert!(out.join("groq/provider.toml").exists());
    // --json prints the report --report writes.
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_file).unwrap()).unwrap();
    assert_eq!(written, report);
}

#[test]
fn a_broken_mapping_file_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = dir.path().join("mapping.toml");
    std::fs::write(&mapping, "[defaults]\nplan = 3\n").unwrap();
    let out = dir.path().join("out");
    let output = import(
        &fixture("models-dev"),
        &out,
        &["--mapping", mapping.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("mapping.toml") && err.contains("line 2"),
        "{err}"
    );
    assert!(!out.exists());
}
