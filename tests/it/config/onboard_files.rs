//! What `provcat onboard` writes besides the auth choice: a `#:schema` line first in a TOML
//! config and a current `config.schema.json` beside it, `"$schema"` in a JSON config's
//! snippet, and the comment at the end of the line it rewrites.

use super::{CODING_KEY, KEY, onboard, write};
use crate::support::{config_dir, provcat_in, stderr, stdout};

fn schema_config(home: &std::path::Path) -> String {
    let out = provcat_in(home, &["schema", "config"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn a_new_config_starts_with_a_schema_line_and_the_schema_is_kept_beside_it() {
    let home = tempfile::tempdir().unwrap();
    let out = onboard(home.path(), "qwen-standard-api-key", KEY, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = config_dir(home.path());
    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(
        config.starts_with("#:schema ./config.schema.json\n"),
        "{config}"
    );
    let schema = std::fs::read_to_string(dir.join("config.schema.json")).unwrap();
    assert_eq!(schema, schema_config(home.path()));
    assert!(
        stdout(&out).contains("schema           wrote"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_stale_schema_is_refreshed_and_a_current_one_left_alone() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    write(&dir.join("config.schema.json"), "{}\n");
    let out = onboard(home.path(), "qwen-standard-api-key", KEY, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = dir.join("config.schema.json");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        schema_config(home.path())
    );
    let again = onboard(home.path(), "qwen-standard-api-key", KEY, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("schema           unchanged"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn an_existing_config_gets_the_schema_line_unless_it_has_its_own() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    let original = "# mine\n[env]\nOTHER = \"1\"\n";
    write(&dir.join("config.toml"), original);
    let out = onboard(home.path(), "qwen-api-key", CODING_KEY, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(
        config.starts_with(&format!("#:schema ./config.schema.json\n{original}")),
        "{config}"
    );

    let own = "#:schema /my/schemas/provcat.json\n[env]\nOTHER = \"1\"\n";
    write(&dir.join("config.toml"), own);
    let out = onboard(home.path(), "qwen-api-key", CODING_KEY, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(config.starts_with(own), "{config}");
    assert_eq!(config.matches("#:schema").count(), 1, "{config}");
}

#[test]
fn the_comment_at_the_end_of_the_rewritten_line_is_kept() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    write(
        &dir.join("config.toml"),
        "#:schema ./config.schema.json\n[models.providers.qwen]\nauthChoice = \"qwen-api-key\"  # my Coding Plan, for now\n",
    );
    let out = onboard(home.path(), "qwen-standard-api-key", KEY, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(
        config.contains("authChoice = \"qwen-standard-api-key\"  # my Coding Plan, for now\n"),
        "{config}"
    );
}

#[test]
fn no_write_writes_no_schema_either() {
    let home = tempfile::tempdir().unwrap();
    let out = onboard(home.path(), "qwen-api-key", CODING_KEY, &["--no-write"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("schema           would write"));
    assert!(!config_dir(home.path()).exists());
}

#[test]
fn a_json_config_snippet_carries_the_schema_and_the_schema_is_written_beside_it() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("config.json");
    write(&path, "{ \"env\": { \"OTHER\": \"1\" } }\n");
    let config = ["--config", path.to_str().unwrap()];
    let out = onboard(home.path(), "qwen-api-key", CODING_KEY, &config);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\"$schema\": \"./config.schema.json\""),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(home.path().join("config.schema.json")).unwrap(),
        schema_config(home.path())
    );
}
