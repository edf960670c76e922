//! `models list`, `auth-choices` and `endpoints` on a terminal fit its width (the least
//! wanted columns left out, refs, ids and URLs kept whole, a line saying what was left
//! out), and `models list` marks the configured default; piped, every column is printed
//! whatever the terminal or `$COLUMNS`. Terminal cases run the
//! binary under util-linux `script` (a pseudo-terminal sized with `stty`) and are skipped,
//! with the reason printed, where `script` is absent.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{json_of, onboard, provcat_in, stderr, stdout};

/// Whether util-linux `script` can run a command in a pseudo-terminal here.
fn script_works() -> bool {
    let ok = Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: util-linux `script` is not available to run a pseudo-terminal");
    }
    ok
}

/// `provcat args` on a pseudo-terminal of `columns` columns, with `HOME=home` and `env`;
/// its output with the terminal's `\r\n` turned into `\n`.
fn on_terminal(home: &Path, columns: u16, args: &[&str], env: &[(&str, &str)]) -> String {
    let words: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_provcat"))
        .chain(args.iter().copied())
        .map(|w| format!("'{w}'"))
        .collect();
    let program = format!("stty rows 24 cols {columns}; exec {}", words.join(" "));
    let out = Command::new("script")
        .args(["-qec", &program, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert!(out.status.success(), "{args:?} on a terminal:\n{text}");
    text
}

/// Every ref the catalog lists (from `models list --json`).
fn refs(home: &Path) -> Vec<String> {
    let out = provcat_in(home, &["models", "list", "--json"], &[]);
    json_of(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["ref"].as_str().unwrap().to_string())
        .collect()
}

#[track_caller]
fn assert_fits(text: &str, columns: usize) {
    for line in text.lines() {
        assert!(
            line.chars().count() <= columns,
            "a line wider than {columns} columns ({}):\n{line}\n\nin:\n{text}",
            line.chars().count()
        );
    }
}

#[test]
fn models_list_fits_an_80_column_terminal_with_every_ref_whole() {
    if !script_works() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let text = on_terminal(home.path(), 80, &["models", "list"], &[]);
    assert_fits(&text, 80);
    let first_words: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for r in refs(home.path()) {
        assert!(
            first_words.contains(&r.as_str()),
            "`{r}` is not whole:\n{text}"
        );
    }
    assert!(
        text.contains("Left out to fit the terminal: NOTES, PLANS"),
        "{text}"
    );
    assert!(text.contains("`models show REF`"), "{text}");

    // A wider terminal keeps more columns.
    let wide = on_terminal(home.path(), 160, &["models", "list"], &[]);
    assert_fits(&wide, 160);
    let header = wide.lines().next().unwrap();
    assert!(
        header.contains("USD/M IN/OUT") && header.contains("INPUT"),
        "{wide}"
    );
}

/// The values of `field` in `provcat args --json` (arrays of strings flattened).
fn json_values(home: &Path, args: &[&str], field: &str) -> Vec<String> {
    let out = provcat_in(home, args, &[]);
    let mut values = Vec::new();
    for item in json_of(&out).as_array().unwrap() {
        match &item[field] {
            serde_json::Value::String(s) => values.push(s.clone()),
            other => panic!("{field} is {other}"),
        }
    }
    values
}

#[test]
fn auth_choices_and_endpoints_fit_with_ids_and_urls_whole() {
    if !script_works() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let text = on_terminal(home.path(), 80, &["auth-choices"], &[]);
    assert_fits(&text, 80);
    let first_words: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for id in json_values(home.path(), &["auth-choices", "--json"], "id") {
        assert!(
            first_words.contains(&id.as_str()),
            "`{id}` is not whole:\n{text}"
        );
    }
    assert!(
        text.contains("Left out to fit the terminal: LEGACY ALIASES"),
        "{text}"
    );

    let text = on_terminal(home.path(), 100, &["endpoints"], &[]);
    assert_fits(&text, 100);
    let out = provcat_in(home.path(), &["endpoints", "--json"], &[]);
    for endpoint in json_of(&out).as_array().unwrap() {
        for surface in endpoint["surfaces"].as_array().unwrap() {
            let url = surface["base_url"].as_str().unwrap();
            assert!(
                text.lines().any(|l| l.split_whitespace().any(|w| w == url)),
                "`{url}` is not whole:\n{text}"
            );
        }
    }
}

#[test]
fn columns_in_the_environment_wins_over_the_terminal_size() {
    if !script_works() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let text = on_terminal(
        home.path(),
        200,
        &["models", "list", "--provider", "qwen"],
        &[("COLUMNS", "60")],
    );
    assert_fits(&text, 60);
    assert!(text.contains("qwen/qwen3.5-plus"), "{text}");
}

#[test]
fn piped_output_keeps_every_column_whatever_columns_says() {
    let home = tempfile::tempdir().unwrap();
    let plain = provcat_in(home.path(), &["models", "list"], &[]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    let narrow = provcat_in(home.path(), &["models", "list"], &[("COLUMNS", "40")]);
    assert_eq!(stdout(&plain), stdout(&narrow));
    let text = stdout(&plain);
    let header: Vec<&str> = text.lines().next().unwrap().split("  ").collect();
    let header: Vec<&str> = header
        .iter()
        .map(|h| h.trim())
        .filter(|h| !h.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "REF",
            "KIND",
            "INPUT",
            "CONTEXT",
            "MAX OUTPUT",
            "REASONING",
            "TOOLS",
            "USD/M IN/OUT",
            "PLANS",
            "NOTES"
        ]
    );
    assert!(!text.contains("Left out"), "{text}");
    assert_eq!(text.lines().count(), refs(home.path()).len() + 1);
}

#[test]
fn the_default_onboard_sets_is_marked_on_a_terminal() {
    if !script_works() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let out = onboard(
        home.path(),
        "qwen-standard-api-key",
        "sk-tablewidth0123456789abcd\n",
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = provcat_in(home.path(), &["models", "list", "--json"], &[]);
    let default: Vec<String> = json_of(&listed)
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["configured_default"] == "model")
        .map(|m| m["ref"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(default.len(), 1, "onboard set one default: {default:?}");

    let text = on_terminal(home.path(), 80, &["models", "list"], &[]);
    assert_fits(&text, 80);
    let marked: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" * ") || l.ends_with(" *"))
        .collect();
    assert_eq!(marked.len(), 1, "{text}");
    assert!(
        marked[0]
            .trim_start()
            .starts_with(&format!("{} *", default[0])),
        "{text}"
    );
    assert!(text.contains("* the configured default ("), "{text}");
}
