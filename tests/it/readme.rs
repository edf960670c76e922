//! The README agrees with the binary: its command table is one table with a row for every
//! command, the JSON fields it lists (`{a, b, …}`) are the ones `--json` prints, and what
//! it says about onboarding with a JSON config is what happens.

use std::collections::BTreeSet;

use provcat_emulator::Emulator;
use serde_json::Value;

use crate::support::{
    Run, config_dir, emulator_home, json_of, onboard, provcat, root, stderr, stdout,
};

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The names in the first `{…}` after `anchors`, each found after the one before (line
/// breaks read as spaces).
fn documented(readme: &str, anchors: &[&str]) -> BTreeSet<String> {
    let readme = readme.replace('\n', " ");
    let mut at = 0;
    for anchor in anchors {
        at += readme[at..]
            .find(anchor)
            .unwrap_or_else(|| panic!("no `{anchor}` in the README"))
            + anchor.len();
    }
    let open = at + readme[at..].find('{').unwrap() + 1;
    let close = open + readme[open..].find('}').unwrap();
    readme[open..close]
        .split(',')
        .map(|name| name.trim().to_string())
        .collect()
}

/// The keys of a JSON object.
#[track_caller]
fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect()
}

#[test]
fn the_command_table_is_one_table_with_every_command() {
    let readme = readme();
    // The README still opens with the two set-up commands.
    let opening: Vec<&str> = readme.lines().skip(2).take(4).collect();
    assert_eq!(opening[0], "```sh", "{opening:?}");
    assert!(opening[1].starts_with("cargo run --release -- models list"));
    assert!(opening[2].starts_with("cargo test"));

    let section = &readme[readme.find("## The command line").unwrap()..];
    let section = &section[..section[3..].find("\n## ").unwrap()];
    let lines: Vec<&str> = section.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == "| command | what it does |")
        .expect("the command table");
    let table: Vec<&str> = lines[start..]
        .iter()
        .take_while(|l| l.starts_with('|'))
        .copied()
        .collect();
    let rows_anywhere = lines
        .iter()
        .filter(|l| l.starts_with("| `provcat "))
        .count();
    assert_eq!(
        rows_anywhere,
        table.len() - 2,
        "the command table is cut in two:\n{section}"
    );

    let help = provcat(&root(), &["--help"]);
    let help = stdout(&help);
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() > 10, "{help}");
    for command in commands {
        let row = format!("| `provcat {command}");
        assert!(
            table.iter().any(|l| l.starts_with(&row)),
            "no row for `provcat {command}` in the README's command table"
        );
    }
}

#[test]
fn the_models_json_fields_are_the_readme_s() {
    let readme = readme();
    let home = tempfile::tempdir().unwrap();
    let out = provcat(home.path(), &["models", "list", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let models = json_of(&out);
    let models = models.as_array().unwrap();
    let object = documented(&readme, &["`models list --json` gives an array of objects"]);
    let cost = documented(&readme, &["`cost` is `null` or"]);
    let tier = documented(&readme, &["`cost` is `null` or", "each tier"]);
    let controls = documented(&readme, &["`reasoning_controls` is `null` or"]);
    let lifecycle = documented(&readme, &["`lifecycle` is"]);
    let availability = documented(&readme, &["`availability` maps each plan to"]);
    let (mut tiers, mut controlled) = (0, 0);
    for m in models {
        assert_eq!(keys(m), object, "{}", m["ref"]);
        if !m["cost"].is_null() {
            assert_eq!(keys(&m["cost"]), cost, "{}", m["ref"]);
            for t in m["cost"]["tiers"].as_array().unwrap() {
                assert_eq!(keys(t), tier, "{}", m["ref"]);
                tiers += 1;
            }
        }
        if !m["reasoning_controls"].is_null() {
            assert_eq!(keys(&m["reasoning_controls"]), controls, "{}", m["ref"]);
            controlled += 1;
        }
        assert_eq!(keys(&m["lifecycle"]), lifecycle, "{}", m["ref"]);
        for plan in m["availability"].as_object().unwrap().values() {
            assert_eq!(keys(plan), availability, "{}", m["ref"]);
        }
    }
    assert!(
        tiers > 0 && controlled > 0,
        "the catalog has tiers and controls"
    );

    let show = provcat(
        home.path(),
        &["models", "show", "qwen/qwen3.5-plus", "--json"],
    );
    let added: BTreeSet<String> = keys(&json_of(&show)).difference(&object).cloned().collect();
    assert_eq!(added, documented(&readme, &["`models show --json` adds"]));
}

#[test]
fn the_chat_and_video_json_fields_are_the_readme_s() {
    let readme = readme();
    let emulator = Emulator::start();
    let home = emulator_home(&emulator, "qwen-standard-api-key", "");
    let run = |args: &[&str]| {
        Run {
            cwd: home.path(),
            args,
            home: home.path(),
            env: &[("QWEN_API_KEY", "sk-readme0123456789abcd")],
            stdin: None,
        }
        .output()
    };

    let out = run(&["chat", "-m", "qwen/qwen3.5-plus", "--json", "hello"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let chat = json_of(&out);
    assert_eq!(
        keys(&chat),
        documented(&readme, &["| `provcat chat", "`--json` prints"])
    );
    assert_eq!(
        keys(&chat["cost"]),
        documented(&readme, &["**What a call cost.**", "carries `cost:"])
    );
    for field in ["prompt_tokens", "completion_tokens", "total_tokens"] {
        assert!(chat["usage"][field].is_u64(), "{chat}");
    }

    let target = home.path().join("fox.mp4");
    let out = run(&[
        "video",
        "generate",
        "--poll-interval",
        "0.05",
        "--prompt",
        "a fox",
        "--json",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut video = keys(&json_of(&out));
    assert!(video.remove("output"), "`output` after --output");
    assert_eq!(video, documented(&readme, &["## Video", "`--json` prints"]));
}

#[test]
fn onboarding_a_json_config_leaves_it_and_prints_what_to_merge() {
    let readme = readme();
    let section = &readme[readme.find("**Onboarding with a JSON config.**").unwrap()..];
    assert!(section.contains("`json_snippet`"), "{section}");

    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    let text =
        "// mine\n{ agents: { defaults: { model: { primary: \"qwen/qwen3.5-plus\" } } }, }\n";
    std::fs::write(dir.join("config.json"), text).unwrap();
    let out = onboard(
        home.path(),
        "qwen-standard-api-key",
        "sk-readmejson0123456789abcd\n",
        &["--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("config.json")).unwrap(),
        text
    );
    let report = json_of(&out);
    let snippet: Value = serde_json::from_str(report["json_snippet"].as_str().unwrap()).unwrap();
    assert_eq!(
        snippet["models"]["providers"]["qwen"]["authChoice"],
        "qwen-standard-api-key"
    );
    assert!(
        snippet.get("agents").is_none(),
        "the config has a default: {snippet}"
    );
    let dotenv = std::fs::read_to_string(dir.join(".env")).unwrap();
    assert!(dotenv.contains("QWEN_API_KEY="), "the key went to the .env");
}
