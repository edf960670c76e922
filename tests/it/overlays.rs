//! Catalog overlays (`--catalog DIR` and the config's `catalogs`): a new provider, a model
//! added to a built-in provider, a built-in model shadowed (and listed with `-v`) or
//! overridden with `override = true`, a built-in provider extended with a plan, clashes
//! located in both files, config-listed folders, missing folders; and every command seeing
//! the merged catalog.

use std::path::Path;

use provcat_emulator::Emulator;
use serde_json::Value;

use crate::support::{Run, config_dir, emulator_home, fixture, json_of, stderr, stdout};

const KEY: &str = "sk-test0123456789abcdWXYZ";

/// A chat model file for `qwen` (both built-in plans listed), with `extra` lines.
fn qwen_model(id: &str, extra: &str) -> String {
    format!(
        "id = \"{id}\"\nname = \"{id} (overlay)\"\nkind = \"chat\"\ninput = [\"text\"]\ncontext_window = 131_072\nmax_output_tokens = 8_192\n{extra}\n[availability.standard]\nstatus = \"available\"\n\n[availability.coding]\nstatus = \"available\"\n\n[availability.token]\nstatus = \"available\"\n"
    )
}

/// An overlay folder holding `files` (relative path, text).
fn overlay(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (relative, text) in files {
        let path = dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn arg(path: &Path) -> String {
    path.display().to_string()
}

/// Runs provcat in a fresh home with `--catalog` for each of `catalogs` before `args`.
fn run(catalogs: &[&Path], args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    run_in(home.path(), catalogs, args, &[])
}

fn run_in(
    home: &Path,
    catalogs: &[&Path],
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut all: Vec<String> = Vec::new();
    for c in catalogs {
        all.extend(["--catalog".to_string(), arg(c)]);
    }
    all.extend(args.iter().map(|a| a.to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    Run {
        cwd: home,
        args: &all,
        home,
        env,
        stdin: None,
    }
    .output()
}

fn write_config(home: &Path, text: &str) {
    let dir = config_dir(home);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

#[test]
fn an_overlay_adds_a_provider_that_every_command_sees() {
    let acme = fixture("overlays/acme");
    let out = run(
        &[&acme],
        &["models", "list", "--provider", "acme", "--json"],
    );
    let refs: Vec<Value> = json_of(&out).as_array().unwrap().clone();
    assert_eq!(refs.len(), 2);
    assert_eq!(refs[0]["ref"], "acme/alpha");
    // The flag is global: after the subcommand too.
    let out = run(&[], &["auth-choices", "--catalog", &arg(&acme)]);
    assert!(stdout(&out).contains("acme-paygo-west"), "{}", stdout(&out));
    // Onboarding an overlay auth choice writes the plan's own key variable.
    let home = tempfile::tempdir().unwrap();
    let out = Run {
        cwd: home.path(),
        args: &[
            "--catalog",
            &arg(&acme),
            "onboard",
            "--auth-choice",
            "acme-paygo-east",
            "--api-key-stdin",
        ],
        home: home.path(),
        env: &[],
        stdin: Some("acme-key-0123456789"),
    }
    .output();
    assert!(out.status.success(), "{}", stderr(&out));
    let dotenv = std::fs::read_to_string(config_dir(home.path()).join(".env")).unwrap();
    assert_eq!(dotenv, "ACME_PAYGO_ACCESS=acme-key-0123456789\n");
    let target = json_of(&run_in(home.path(), &[&acme], &["explain", "--json"], &[]));
    assert_eq!(target["canonical_ref"], "acme/alpha");
    assert_eq!(target["key"]["found"]["source"]["var"], "ACME_PAYGO_ACCESS");
    // Without the overlay the config names an auth choice that does not exist.
    let out = run_in(home.path(), &[], &["explain"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn an_overlay_adds_a_model_to_a_builtin_provider() {
    let dir = overlay(&[("qwen/models/qwen-extra.toml", &qwen_model("qwen-extra", ""))]);
    let shown = json_of(&run(
        &[dir.path()],
        &["models", "show", "modelstudio/qwen-extra", "--json"],
    ));
    assert_eq!(shown["ref"], "qwen/qwen-extra");
    assert_eq!(shown["via"], "namespace-alias");
    // The built-in models are all still there.
    let all = json_of(&run(&[dir.path()], &["models", "list", "--json"]));
    assert_eq!(
        all.as_array().unwrap().len(),
        provcat::catalog::models().len() + 1
    );
}

#[test]
fn a_builtin_model_keeps_its_facts_and_the_shadowed_file_is_listed_with_v() {
    let dir = overlay(&[("qwen/models/glm-5.toml", &qwen_model("glm-5", ""))]);
    let out = run(
        &[dir.path()],
        &["-v", "models", "show", "qwen/glm-5", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_of(&out)["context_window"], 202_752);
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "catalog: {}/qwen/models/glm-5.toml: shadowed by <built-in catalog>/qwen/models/glm-5.toml, whose facts are used (add `override = true` to use this file's)",
            dir.path().display()
        )),
        "{err}"
    );
    // Without -v nothing is said.
    let quiet = run(&[dir.path()], &["models", "show", "qwen/glm-5"]);
    assert_eq!(stderr(&quiet), "");
}

#[test]
fn an_override_marker_takes_the_overlay_facts() {
    let dir = overlay(&[(
        "qwen/models/glm-5.toml",
        &qwen_model("glm-5", "override = true"),
    )]);
    let out = run(
        &[dir.path()],
        &["-v", "models", "show", "qwen/glm-5", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = json_of(&out);
    assert_eq!(shown["context_window"], 131_072);
    assert_eq!(shown["name"], "glm-5 (overlay)");
    // The built-in aliases of the model still lead to it.
    assert_eq!(shown["aliases"], serde_json::json!(["modelstudio/glm-5"]));
    assert!(stderr(&out).contains("overrides <built-in catalog>/qwen/models/glm-5.toml"));
}

#[test]
fn an_override_with_nothing_below_is_a_located_error() {
    let dir = overlay(&[(
        "qwen/models/qwen-new.toml",
        &qwen_model("qwen-new", "override = true"),
    )]);
    let out = run(&[dir.path()], &["models", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error[override]: `override = true`, but no catalog below this one has `qwen/qwen-new`"
        ),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "--> {}/qwen/models/qwen-new.toml:7:1",
            dir.path().display()
        )),
        "{err}"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn clashes_between_overlays_are_located_in_both_files() {
    let model = qwen_model("qwen-extra", "");
    let a = overlay(&[("qwen/models/qwen-extra.toml", &model)]);
    let b = overlay(&[("qwen/models/qwen-extra.toml", &model)]);
    let out = run(&[a.path(), b.path()], &["models", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("error[duplicate-id]: duplicate model id `qwen-extra`"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}/qwen/models/qwen-extra.toml:1:6",
            b.path().display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}/qwen/models/qwen-extra.toml:1:6",
            a.path().display()
        )),
        "{err}"
    );
    assert!(err.contains("first defined here"), "{err}");

    // A new provider whose auth choice id is a built-in one: both places shown.
    let acme = std::fs::read_to_string(fixture("overlays/acme/acme/provider.toml")).unwrap();
    let clash = overlay(&[(
        "acme/provider.toml",
        &acme.replace("\"acme-team-east\"", "\"qwen-api-key\""),
    )]);
    let out = run(&[clash.path()], &["models", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("duplicate auth choice id `qwen-api-key`"),
        "{err}"
    );
    assert!(
        err.contains("<built-in catalog>/qwen/provider.toml"),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}/acme/provider.toml", clash.path().display())),
        "{err}"
    );
}

#[test]
fn an_overlay_extends_a_builtin_provider_with_a_plan() {
    let extend = fixture("overlays/extend");
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        "[models.providers.qwen]\nauthChoice = \"qwen-batch-plan-api-key\"\n",
    );
    let env = [("QWEN_BATCH_PLAN_API_KEY", "sk-batch0123456789WXYZ")];
    let out = run_in(
        home.path(),
        &[&extend],
        &["-v", "explain", "qwen/glm-5", "--json"],
        &env,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let target = json_of(&out);
    assert_eq!(target["plan"]["id"], "batch");
    assert_eq!(target["base_url"], "https://batch.qwen-overlay.example/v1");
    assert_eq!(
        target["key"]["found"]["source"]["var"],
        "QWEN_BATCH_PLAN_API_KEY"
    );
    let err = stderr(&out);
    assert!(err.contains("extends `qwen` of <built-in catalog>/qwen/provider.toml, adding plans `batch`, endpoints `batch/global`, auth choices `qwen-batch-plan-api-key`"), "{err}");
    assert!(
        err.contains("its availability on `batch` is taken"),
        "{err}"
    );
    // The built-in facts of glm-5 are kept; the provider's name too.
    let shown = json_of(&run(
        &[&extend],
        &["models", "show", "qwen/glm-5", "--json"],
    ));
    assert_eq!(shown["context_window"], 202_752);
    assert_eq!(shown["availability"]["batch"]["status"], "available");
    // A built-in model the Batch Plan does not list is refused, with a way out.
    let out = run_in(
        home.path(),
        &[&extend],
        &["explain", "qwen/qwen3.5-plus"],
        &env,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("qwen/qwen3.5-plus is not listed on the Batch Plan (subscription)"),
        "{}",
        stderr(&out)
    );
    // The overlay's own model, only on the new plan.
    let out = run_in(
        home.path(),
        &[&extend],
        &["explain", "qwen/qwen-batch-only"],
        &env,
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn config_listed_folders_are_loaded_relative_to_the_config() {
    let home = tempfile::tempdir().unwrap();
    write_config(
        home.path(),
        "catalogs = [\"mine\"]\n\n[models.providers.acme]\nauthChoice = \"acme-paygo-west\"\n\n[agents.defaults.model]\nprimary = \"acme/beta\"\n",
    );
    crate::support::copy_tree(
        &fixture("overlays/acme"),
        &config_dir(home.path()).join("mine"),
    );
    let env = [("ACME_API_KEY", "acme-key-0123456789")];
    let out = run_in(home.path(), &[], &["-v", "explain", "--json"], &env);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_of(&out)["canonical_ref"], "acme/beta");
    assert!(
        stderr(&out).contains("(loaded over the built-in catalog, listed in `catalogs` in "),
        "{}",
        stderr(&out)
    );
    // A folder given with --catalog comes after them: the same provider again clashes.
    let again = run_in(
        home.path(),
        &[&fixture("overlays/acme")],
        &["models", "list"],
        &env,
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("duplicate provider id `acme`"),
        "{}",
        stderr(&again)
    );
    // Commands that do not use the catalog do not read the list.
    let out = run_in(home.path(), &[], &["schema", "model"], &env);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn missing_folders_are_named() {
    let out = run(&[Path::new("no-such-catalog")], &["models", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("`no-such-catalog` is not a catalog folder"),
        "{err}"
    );
    assert!(err.contains("it does not exist"), "{err}");

    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), "# mine\ncatalogs = [\"~/gone\", \"ok\"]\n");
    std::fs::create_dir_all(config_dir(home.path()).join("ok")).unwrap();
    let out = run_in(home.path(), &[], &["models", "list"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "error[io]: the catalog folder `{}` listed in `catalogs` does not exist",
            home.path().join("gone").display()
        )),
        "{err}"
    );
    assert!(err.contains("config.toml:2:13"), "{err}");
    assert!(!err.contains("`ok`"), "{err}");
    // A file where a folder is expected.
    let file = tempfile::NamedTempFile::new().unwrap();
    let out = run(&[file.path()], &["models", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("it is a file"), "{}", stderr(&out));
}

#[test]
fn chat_and_video_use_the_merged_catalog() {
    let emulator = Emulator::start();
    // Chat: an overlay provider, reached through a base URL on the emulator.
    let acme = std::fs::read_to_string(fixture("overlays/acme/acme/provider.toml"))
        .unwrap()
        .replace("\"acme/alpha\"", "\"acme/glm-5\"");
    let glm = "id = \"glm-5\"\nname = \"GLM-5 at Acme\"\nkind = \"chat\"\ninput = [\"text\"]\ncontext_window = 131_072\nmax_output_tokens = 8_192\n\n[availability.paygo]\nstatus = \"available\"\n\n[availability.team]\nstatus = \"available\"\n";
    // Video: the built-in model overridden with another wire id.
    let wan = std::fs::read_to_string(root_file("catalog/qwen/models/wan2.6-t2v.toml"))
        .unwrap()
        .replace(
            "id = \"wan2.6-t2v\"\n",
            "id = \"wan2.6-t2v\"\noverride = true\nwire_id = \"wan-overlay\"\n",
        );
    let dir = overlay(&[
        ("acme/provider.toml", &acme),
        ("acme/models/glm-5.toml", glm),
        ("qwen/models/wan2.6-t2v.toml", &wan),
    ]);
    let home = emulator_home(
        &emulator,
        "qwen-standard-api-key",
        &format!(
            "\n[models.providers.acme]\nauthChoice = \"acme-paygo-east\"\nbaseUrl = \"{}\"\n",
            emulator.standard_base_url()
        ),
    );
    let env = [("QWEN_API_KEY", KEY), ("ACME_API_KEY", KEY)];
    let out = run_in(
        home.path(),
        &[dir.path()],
        &["chat", "-m", "acme/glm-5", "hi"],
        &env,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "echo: hi\n");
    run_in(
        home.path(),
        &[dir.path()],
        &[
            "video",
            "generate",
            "-m",
            "alibaba/wan2.6-t2v",
            "--prompt",
            "a fox",
            "--no-wait",
        ],
        &env,
    );
    let models: Vec<String> = emulator
        .requests()
        .iter()
        .map(|r| r.body["model"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(models, ["glm-5", "wan-overlay"]);
}

fn root_file(relative: &str) -> std::path::PathBuf {
    crate::support::root().join(relative)
}
