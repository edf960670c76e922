//! The twin's catalog side: the fixture is the qwen catalog renamed, and listings,
//! onboarding and explain print the same.

use std::path::{Path, PathBuf};

use super::{CODING_KEY, KEY, Scenario, fixture_dir, twin_file};
use crate::support::root;

fn files_under(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, &format!("{prefix}{name}/"), out);
        } else {
            out.push((format!("{prefix}{name}"), path));
        }
    }
}

#[test]
fn the_twin_fixture_is_the_qwen_catalog_renamed() {
    let mut qwen = Vec::new();
    files_under(&root().join("catalog/qwen"), "", &mut qwen);
    let mut nimbus = Vec::new();
    files_under(&fixture_dir().join("nimbus"), "", &mut nimbus);
    qwen.sort();
    nimbus.sort();
    let names = |files: &[(String, PathBuf)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&nimbus), names(&qwen), "the same files");
    for ((relative, q), (_, n)) in qwen.iter().zip(&nimbus) {
        let expected = twin_file(&std::fs::read_to_string(q).unwrap());
        let actual = std::fs::read_to_string(n).unwrap();
        assert!(
            expected == actual,
            "tests/fixtures/twin/nimbus/{relative} is not catalog/qwen/{relative} renamed; \
             regenerate it with the renaming in tests/it/twin.rs"
        );
    }
}

/// One scenario run twice: against `qwen` and, renamed, against the twin.
#[test]
fn listings_are_the_same() {
    for args in [
        &["models", "list", "--provider", "qwen", "--json"][..],
        &["models", "list", "--provider", "qwen"],
        &["models", "show", "modelstudio/glm-5", "--json"],
        &["models", "show", "alibaba/wan2.7-r2v"],
    ] {
        Scenario {
            config: None,
            env: &[],
            args,
            stdin: None,
        }
        .assert_same();
    }
}

#[test]
fn onboarding_is_the_same_for_every_auth_choice_and_key_shape() {
    let ids = [
        "qwen-standard-api-key-cn",
        "qwen-standard-api-key",
        "qwen-api-key-cn",
        "qwen-api-key",
        "modelstudio-standard-api-key-cn",
        "modelstudio-api-key",
    ];
    for id in ids {
        for key in [KEY, CODING_KEY] {
            for json in [true, false] {
                let mut args = vec!["onboard", "--auth-choice", id, "--api-key-stdin"];
                if json {
                    args.push("--json");
                }
                Scenario {
                    config: Some("[agents.defaults.model]\nprimary = \"qwen/glm-5\"\n"),
                    env: &[],
                    args: &args,
                    stdin: Some(key),
                }
                .assert_same();
            }
        }
    }
}

#[test]
fn explain_is_the_same_for_every_plan_region_and_ref() {
    let choices = [
        "qwen-standard-api-key-cn",
        "qwen-api-key",
        "modelstudio-api-key-cn",
    ];
    let refs = [
        None,
        Some("qwen/glm-5"),
        Some("modelstudio/qwen3.6-plus"),
        Some("alibaba/wan2.6-t2v"),
        Some("qwen/wan2.7-r2v"),
        Some("qwen/glm5"),
    ];
    for choice in choices {
        let config = format!("[models.providers.qwen]\nauthChoice = \"{choice}\"\n");
        for reference in refs {
            for key in [KEY, CODING_KEY] {
                for json in [true, false] {
                    let mut args = vec!["explain"];
                    args.extend(reference);
                    if json {
                        args.push("--json");
                    }
                    Scenario {
                        config: Some(&config),
                        env: &[("DASHSCOPE_API_KEY", key)],
                        args: &args,
                        stdin: None,
                    }
                    .assert_same();
                }
            }
        }
    }
    // A proxy the catalog does not know, in front of each plan.
    for choice in ["qwen-standard-api-key", "qwen-api-key-cn"] {
        let config = format!(
            "[models.providers.modelstudio]\nauthChoice = \"{choice}\"\nbaseUrl = \"https://proxy.corp.example/compatible-mode/v1\"\n"
        );
        Scenario {
            config: Some(&config),
            env: &[("QWEN_API_KEY", KEY)],
            args: &["explain", "alibaba/wan2.6-i2v", "--json"],
            stdin: None,
        }
        .assert_same();
    }
}
