//! Where the key comes from: the documented precedence, and the env vars in catalog
//! order.

use serde_json::Value;

use super::{explain_json, write};
use crate::support::{Run, config_dir, stderr, stdout};

/// Each layer of the key precedence wins over every layer below it.
#[test]
fn key_precedence_is_flag_config_env_config_env_table_then_dotenv() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    let layers = [
        ("flag", "sk-flag-0000000000000001"),
        ("config-api-key", "sk-apikey-000000000000002"),
        ("env", "sk-env-00000000000000003"),
        ("config-env", "sk-table-0000000000000004"),
        ("dot-env", "sk-dotenv-000000000000005"),
    ];
    // Start with every layer present, then remove the winner one at a time.
    for skip in 0..layers.len() {
        let present = |layer: &str| layers[skip..].iter().any(|(l, _)| *l == layer);
        let mut config =
            String::from("[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\n");
        if present("config-api-key") {
            config.push_str(&format!("apiKey = \"{}\"\n", layers[1].1));
        }
        if present("config-env") {
            config.push_str(&format!("\n[env]\nQWEN_API_KEY = \"{}\"\n", layers[3].1));
        }
        write(&dir.join("config.toml"), &config);
        write(
            &dir.join(".env"),
            &format!("QWEN_API_KEY={}\n", layers[4].1),
        );
        let env: Vec<(&str, &str)> = if present("env") {
            vec![("DASHSCOPE_API_KEY", layers[2].1)]
        } else {
            vec![]
        };
        let mut args = vec!["explain", "--json"];
        if present("flag") {
            args.push("--api-key-stdin");
        }
        let out = Run {
            cwd: home.path(),
            args: &args,
            home: home.path(),
            env: &env,
            stdin: Some(layers[0].1),
        }
        .output();
        assert!(out.status.success(), "{}", stderr(&out));
        let target: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let (layer, key) = layers[skip];
        assert_eq!(
            target["key"]["found"]["source"]["layer"], layer,
            "with layers {skip}.."
        );
        let tail = &key[key.len() - 4..];
        assert!(
            target["key"]["found"]["masked"]
                .as_str()
                .unwrap()
                .ends_with(tail),
            "{layer}"
        );
    }
}

#[test]
fn env_vars_are_tried_in_catalog_order() {
    let home = tempfile::tempdir().unwrap();
    write(
        &config_dir(home.path()).join("config.toml"),
        "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\n",
    );
    let all = [
        ("QWEN_API_KEY", "sk-qwen-000000000000001"),
        ("MODELSTUDIO_API_KEY", "sk-ms-00000000000000002"),
        ("DASHSCOPE_API_KEY", "sk-ds-00000000000000003"),
    ];
    for first in 0..all.len() {
        let target = explain_json(home.path(), &[], &all[first..]);
        assert_eq!(target["key"]["found"]["source"]["var"], all[first].0);
    }
}
