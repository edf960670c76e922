//! `provcat config path|show|check`: where the files are, what they hold with every secret
//! masked, and whether both are valid (exit 0) or not (exit 2, located diagnostics).

use serde_json::Value;

use super::{CODING_KEY, write};
use crate::support::{config_dir, provcat_in, stderr, stdout};

const API_KEY: &str = "sk-sp-SECRETSECRET1234abcd";
const HEADER: &str = "hdrsecretvalue99999";
const ENV_VALUE: &str = "envsecretvalue77777";

fn home_with_secrets() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    write(
        &dir.join("config.toml"),
        &format!(
            "# mine\n[models.providers.qwen]\nauthChoice = \"qwen-api-key\" # coding\napiKey = \"{API_KEY}\"\nheaders = {{ X-Team = \"{HEADER}\" }}\n\n[env]\nFOO_TOKEN = \"{ENV_VALUE}\"\n"
        ),
    );
    write(
        &dir.join(".env"),
        &format!("ALIBABA_CODING_PLAN_API_KEY={CODING_KEY}\n"),
    );
    home
}

fn assert_no_secret(text: &str) {
    for secret in [
        API_KEY,
        HEADER,
        ENV_VALUE,
        CODING_KEY,
        "SECRETSECRET",
        "0123456789",
    ] {
        assert!(!text.contains(secret), "`{secret}` shown:\n{text}");
    }
}

#[test]
fn config_path_names_the_files_and_whether_they_exist() {
    let home = tempfile::tempdir().unwrap();
    let out = provcat_in(home.path(), &["config", "path"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let dir = config_dir(home.path());
    assert!(
        text.contains(&format!(
            "config           {} (chosen by the platform config dir; not found)",
            dir.join("config.toml").display()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("{} (not found)", dir.join(".env").display())),
        "{text}"
    );

    let elsewhere = home.path().join("x/other.toml");
    write(&elsewhere, "");
    let out = provcat_in(
        home.path(),
        &["config", "path", "--json"],
        &[("PROVCAT_CONFIG", elsewhere.to_str().unwrap())],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["origin"], "env-var");
    assert_eq!(json["exists"], true);
    assert_eq!(json["path"], elsewhere.to_str().unwrap());
    assert_eq!(json["dotenv"]["exists"], false);
    assert_eq!(
        json["dotenv"]["path"],
        home.path().join("x/.env").to_str().unwrap()
    );
}

#[test]
fn config_show_masks_every_secret_in_text_and_json() {
    let home = home_with_secrets();
    let out = provcat_in(home.path(), &["config", "show"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_no_secret(&text);
    assert_no_secret(&stderr(&out));
    assert!(
        text.contains("authChoice = \"qwen-api-key\" # coding"),
        "{text}"
    );
    assert!(text.contains("apiKey = \"sk-sp-"), "{text}");
    assert!(
        text.contains("ALIBABA_CODING_PLAN_API_KEY=sk-sp-…WXYZ"),
        "{text}"
    );

    let out = provcat_in(home.path(), &["config", "show", "--json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_no_secret(&stdout(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let qwen = &json["values"]["models"]["providers"]["qwen"];
    assert_eq!(qwen["authChoice"], "qwen-api-key");
    assert_eq!(qwen["apiKey"], "sk-sp-…abcd");
    assert_eq!(qwen["headers"]["X-Team"], "…9999");
    assert_eq!(
        json["dotenv"]["vars"]["ALIBABA_CODING_PLAN_API_KEY"],
        "sk-sp-…WXYZ"
    );
}

#[test]
fn config_check_exits_0_when_both_files_are_valid() {
    let home = home_with_secrets();
    let out = provcat_in(home.path(), &["config", "check"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(": valid"), "{}", stdout(&out));
    assert_no_secret(&stderr(&out));
    let out = provcat_in(home.path(), &["config", "check", "--json"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["problems"], serde_json::json!([]));
    // A fresh install (no files) is valid too: nothing to resolve, nothing wrong.
    let fresh = tempfile::tempdir().unwrap();
    let out = provcat_in(fresh.path(), &["config", "check"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn config_check_exits_2_with_located_diagnostics_for_a_bad_config_or_dotenv() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    write(
        &dir.join("config.toml"),
        "[models.providers.qwen]\nauthChoise = \"qwen-api-key\"\n",
    );
    let out = provcat_in(home.path(), &["config", "check"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error[unknown-key]"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("config.toml:2:1"), "{}", stderr(&out));
    assert!(stderr(&out).contains("did you mean `authChoice`"));
    let out = provcat_in(home.path(), &["config", "check", "--json"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["problems"][0]["rule"], "unknown-key");

    write(&dir.join("config.toml"), "");
    write(&dir.join(".env"), &format!("export {CODING_KEY}\n"));
    let out = provcat_in(home.path(), &["config", "check"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(".env:1"), "{}", stderr(&out));
    assert_no_secret(&stderr(&out));
}

#[test]
fn config_check_with_a_config_flag_naming_nothing_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("nope.toml");
    let out = provcat_in(
        home.path(),
        &["--config", missing.to_str().unwrap(), "config", "check"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the file does not exist"),
        "{}",
        stderr(&out)
    );
}
