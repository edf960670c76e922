//! Onboarding's files under attack and under load: links planted at temporary names, two
//! onboardings at once, a key that will not be the one used, files holding secrets that
//! others can read, long file names, and a write that cannot happen (nothing half-done).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::support::{Run, config_dir, stderr, stdout};

const KEY: &str = "sk-0123456789abcdefWXYZ";
const OTHER_KEY: &str = "sk-fedcba9876543210OTHR";
const CODING_KEY: &str = "sk-sp-0123456789abcdefCODE";

/// `onboard ARGS --api-key-stdin`.
fn onboard_args<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["onboard"];
    all.extend_from_slice(args);
    all.push("--api-key-stdin");
    all
}

fn onboard(home: &Path, args: &[&str], env: &[(&str, &str)], key: &str) -> std::process::Output {
    Run {
        cwd: home,
        args: &onboard_args(args),
        home,
        env,
        stdin: Some(key),
    }
    .output()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// In a shared config folder, links planted at `config.toml.tmp-<pid>` and
/// `.env.tmp-<pid>` made the old writer put the key into a file of the planter's choosing.
#[cfg(unix)]
#[test]
fn onboarding_never_writes_through_links_planted_at_temporary_names() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    write(&dir.join("config.toml"), "# mine\n");
    let victim = home.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let created = home.path().join("created-through-a-link");
    let args = onboard_args(&["--auth-choice", "qwen-standard-api-key"]);
    let run = Run {
        cwd: home.path(),
        args: &args,
        home: home.path(),
        env: &[],
        stdin: Some(KEY),
    };
    let mut command = run.command();
    crate::support::plant_links_at_child_pid(
        &mut command,
        &[
            (dir.join(".env.tmp-"), victim.clone()),
            (dir.join("config.toml.tmp-"), created.clone()),
        ],
    );
    let out = run.output_of(command);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(!created.exists(), "no file was created through a link");
    assert_eq!(
        std::fs::read_to_string(dir.join(".env")).unwrap(),
        format!("QWEN_API_KEY={KEY}\n")
    );
    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(
        config.contains("authChoice = \"qwen-standard-api-key\""),
        "{config}"
    );
    let left: Vec<_> = names(&dir)
        .into_iter()
        .filter(|n| !n.contains(".tmp-"))
        .collect();
    assert_eq!(
        left,
        [".env", ".provcat.lock", "config.schema.json", "config.toml"]
    );
}

/// While another onboarding holds the config folder's lock, onboarding says it waits and
/// writes nothing; once the lock is free it plans from what is then on disk.
#[test]
fn a_second_onboarding_waits_for_the_lock() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    write(&dir.join("config.toml"), "# mine\n");
    let held = provcat::lock::lock_folder(&dir, Duration::ZERO, &mut |_: &Path| {}).unwrap();

    let args = onboard_args(&["--auth-choice", "qwen-api-key"]);
    let run = Run {
        cwd: home.path(),
        args: &args,
        home: home.path(),
        env: &[],
        stdin: None,
    };
    let mut child = run.command().spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(CODING_KEY.as_bytes()).unwrap();
    drop(stdin);
    let mut errors = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    errors.read_line(&mut line).unwrap();
    assert!(
        line.starts_with("waiting for another provcat onboarding to finish (it holds ")
            && line.contains(".provcat.lock"),
        "{line}"
    );
    // It is waiting: nothing is written yet.
    assert!(!dir.join(".env").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("config.toml")).unwrap(),
        "# mine\n"
    );
    // What the holder writes meanwhile is what the waiter plans from.
    std::fs::write(
        dir.join("config.toml"),
        "# mine\n[agents.defaults.model]\nprimary = \"qwen/glm-5\"\n",
    )
    .unwrap();
    drop(held);
    let mut rest = String::new();
    errors.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{line}{rest}");
    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(
        config.contains("primary = \"qwen/glm-5\""),
        "kept: {config}"
    );
    assert!(config.contains("authChoice = \"qwen-api-key\""), "{config}");
    assert_eq!(
        std::fs::read_to_string(dir.join(".env")).unwrap(),
        format!("ALIBABA_CODING_PLAN_API_KEY={CODING_KEY}\n")
    );
}

/// Two onboardings at once: whichever finishes last, its auth choice and its key are the
/// ones stored together (each plan's key in its own variable, both kept).
#[test]
fn concurrent_onboardings_leave_a_consistent_pair() {
    for _ in 0..3 {
        let home = tempfile::tempdir().unwrap();
        let dir = config_dir(home.path());
        let children: Vec<_> = [("qwen-standard-api-key", KEY), ("qwen-api-key", CODING_KEY)]
            .into_iter()
            .map(|(choice, key)| {
                let args = onboard_args(&["--auth-choice", choice]);
                let run = Run {
                    cwd: home.path(),
                    args: &args,
                    home: home.path(),
                    env: &[],
                    stdin: None,
                };
                let mut child = run.command().spawn().unwrap();
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(key.as_bytes())
                    .unwrap();
                child
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
        }
        let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
        let dotenv = std::fs::read_to_string(dir.join(".env")).unwrap();
        let (var, pair) = if config.contains("authChoice = \"qwen-standard-api-key\"") {
            ("QWEN_API_KEY", KEY)
        } else {
            assert!(config.contains("authChoice = \"qwen-api-key\""), "{config}");
            ("ALIBABA_CODING_PLAN_API_KEY", CODING_KEY)
        };
        let pair_line = format!("{var}={pair}");
        assert!(dotenv.lines().any(|l| l == pair_line), "{config}\n{dotenv}");
        // The onboardings ran one after the other: the first one's key is kept beside.
        assert_eq!(dotenv.lines().count(), 2, "{dotenv}");
    }
}

/// A key earlier in the precedence keeps winning over the key written: onboarding says
/// which one, and how to use the new key, in text and in `--json`.
#[test]
fn onboarding_says_which_key_will_still_be_used() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    let choice = ["--auth-choice", "qwen-standard-api-key"];
    let out = onboard(home.path(), &choice, &[("QWEN_API_KEY", OTHER_KEY)], KEY);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: the key sk-…OTHR from environment variable QWEN_API_KEY comes first and will still be used, not the key written; to use the new key, unset QWEN_API_KEY"),
        "{err}"
    );
    assert!(!err.contains("fedcba9876543210"), "masked: {err}");

    let mut json_args = choice.to_vec();
    json_args.push("--json");
    let out = onboard(
        home.path(),
        &json_args,
        &[("DASHSCOPE_API_KEY", OTHER_KEY)],
        KEY,
    );
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["key_in_use"]["masked"], "sk-…OTHR");
    assert_eq!(json["key_in_use"]["source"]["var"], "DASHSCOPE_API_KEY");
    assert!(
        json["warnings"]
            .to_string()
            .contains("unset DASHSCOPE_API_KEY"),
        "{json}"
    );

    // The same key in the environment, or only the .env: nothing to say.
    let out = onboard(home.path(), &json_args, &[("QWEN_API_KEY", KEY)], KEY);
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["key_in_use"], Value::Null, "{json}");
    let out = onboard(home.path(), &json_args, &[], KEY);
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["key_in_use"], Value::Null, "{json}");

    let config = dir.join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace(
            "authChoice = \"qwen-standard-api-key\"",
            &format!("authChoice = \"qwen-standard-api-key\"\napiKey = \"{OTHER_KEY}\""),
        ),
    )
    .unwrap();
    let out = onboard(home.path(), &choice, &[], KEY);
    assert!(
        stderr(&out).contains(&format!(
            "from `models.providers.qwen.apiKey` in {} comes first and will still be used, not the key written; to use the new key, remove `apiKey` from `models.providers.qwen` in {}",
            config.display(),
            config.display()
        )),
        "{}",
        stderr(&out)
    );

    std::fs::write(
        &config,
        format!("[env]\nMODELSTUDIO_API_KEY = \"{OTHER_KEY}\"\n"),
    )
    .unwrap();
    let out = onboard(home.path(), &choice, &[], KEY);
    assert!(
        stderr(&out).contains(&format!(
            "to use the new key, remove `MODELSTUDIO_API_KEY` from the `env` table of {}",
            config.display()
        )),
        "{}",
        stderr(&out)
    );
}

/// A config holding a key and a `.env` that others can read are warned about when read,
/// and written `0600` by onboarding, which says it tightened them.
#[cfg(unix)]
#[test]
fn files_holding_secrets_are_tightened_or_warned_about() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    let config = dir.join("config.toml");
    let dotenv = dir.join(".env");
    write(
        &config,
        &format!(
            "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\napiKey = \"{KEY}\"\n"
        ),
    );
    write(&dotenv, "OTHER=1\n");
    set_mode(&config, 0o644);
    set_mode(&dotenv, 0o640);
    let explain = Run {
        cwd: home.path(),
        args: &["explain"],
        home: home.path(),
        env: &[],
        stdin: None,
    }
    .output();
    assert!(explain.status.success(), "{}", stderr(&explain));
    let err = stderr(&explain);
    for (path, mode) in [(&config, "0644"), (&dotenv, "0640")] {
        let p = path.display();
        assert!(
            err.contains(&format!(
                "{p} holds secrets and other users can read it (mode {mode}); run `chmod 600 {p}`"
            )),
            "{err}"
        );
    }
    assert!(!err.contains("0123456789abcdef"), "{err}");

    let out = onboard(
        home.path(),
        &["--auth-choice", "qwen-api-key"],
        &[],
        CODING_KEY,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!((mode(&config), mode(&dotenv)), (0o600, 0o600));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{} is readable by other users (mode 0644); onboarding writes it with mode 0600",
            config.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{} is readable by other users (mode 0640); onboarding writes",
            dotenv.display()
        )),
        "{err}"
    );

    // Now private: nothing more to say about permissions.
    let again = onboard(
        home.path(),
        &["--auth-choice", "qwen-api-key"],
        &[],
        CODING_KEY,
    );
    assert!(
        !stderr(&again).contains("other users"),
        "{}",
        stderr(&again)
    );

    // A file onboarding does not rewrite is warned about instead.
    set_mode(&dotenv, 0o604);
    let same = onboard(
        home.path(),
        &["--auth-choice", "qwen-api-key"],
        &[],
        CODING_KEY,
    );
    assert!(
        stderr(&same).contains(&format!(
            "{} holds secrets and other users can read it (mode 0604)",
            dotenv.display()
        )),
        "{}",
        stderr(&same)
    );
    assert_eq!(mode(&dotenv), 0o604, "left as it is");

    // A config without secrets may be readable.
    let plain = tempfile::tempdir().unwrap();
    let plain_config = config_dir(plain.path()).join("config.toml");
    write(
        &plain_config,
        "[agents.defaults.model]\nprimary = \"qwen/glm-5\"\n",
    );
    set_mode(&plain_config, 0o644);
    let explain = Run {
        cwd: plain.path(),
        args: &["explain"],
        home: plain.path(),
        env: &[("QWEN_API_KEY", KEY)],
        stdin: None,
    }
    .output();
    assert!(
        !stderr(&explain).contains("other users"),
        "{}",
        stderr(&explain)
    );
}

/// A config name near the 255-byte limit is written (the old temporary name,
/// `<name>.tmp-<pid>`, was too long, after the .env had been written); one over the limit
/// fails naming the path, with nothing written.
#[test]
fn long_config_names_work_or_fail_before_anything_is_written() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("cfg");
    std::fs::create_dir(&dir).unwrap();
    let long = dir.join(format!("{}.toml", "c".repeat(245)));
    let long_arg = long.to_str().unwrap().to_string();
    let out = onboard(
        home.path(),
        &[
            "--config",
            &long_arg,
            "--auth-choice",
            "qwen-standard-api-key",
        ],
        &[],
        KEY,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&long)
            .unwrap()
            .contains("authChoice")
    );
    assert_eq!(names(&dir).len(), 4, "{:?}", names(&dir));

    let other = home.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let too_long = other.join(format!("{}.toml", "c".repeat(300)));
    let out = onboard(
        home.path(),
        &[
            "--config",
            too_long.to_str().unwrap(),
            "--auth-choice",
            "qwen-standard-api-key",
        ],
        &[],
        KEY,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(&"c".repeat(300)), "{}", stderr(&out));
    assert!(names(&other).is_empty(), "{:?}", names(&other));
}

/// Every file is prepared before any is renamed into place: a config that cannot be
/// written leaves the `.env` as it was, and the error names the path.
#[test]
fn a_write_that_cannot_happen_changes_nothing() {
    use provcat::onboard::{FileChange, Plan, apply};
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::create_dir(&config).unwrap();
    std::fs::write(config.join("inside"), "x").unwrap();
    let change = |path: PathBuf, after: &str| FileChange {
        path,
        changed: true,
        after: after.to_string(),
        mode: 0o600,
        mode_before: None,
    };
    let plan = Plan {
        auth_choice: "qwen-standard-api-key",
        legacy_id: None,
        config: change(config.clone(), "[models.providers.qwen]\n"),
        dotenv: Some(change(dir.path().join(".env"), "QWEN_API_KEY=sk-x\n")),
        key_var: Some("QWEN_API_KEY"),
        key: None,
        default_model_set: None,
        json_snippet: None,
        schema: change(dir.path().join("config.schema.json"), "{}\n"),
        key_in_use: None,
        warnings: Vec::new(),
    };
    let err = apply(&plan).unwrap_err();
    assert!(err.written.is_empty());
    assert_eq!(
        err.to_string(),
        format!(
            "{} is a folder; give a file name; nothing was changed",
            config.display()
        )
    );
    assert_eq!(
        names(dir.path()),
        ["config.toml"],
        "no .env, no schema, no temporary file"
    );
}
