//! `Debug` of every library type that can hold a secret shows none of it: the loaded
//! config and its file, provider entries, the `.env`, the environment, the resolved
//! target, and an onboarding plan with its file changes.

use std::collections::BTreeMap;

use provcat::catalog;
use provcat::config::{self, ConfigLocation, ConfigOrigin, Env, ProviderConfig};
use provcat::onboard;
use provcat::resolve::{self, Request};
use provcat::secret::ApiKey;

use crate::support::config_dir;

/// One distinct secret per place it is kept.
const API_KEY: &str = "sk-apikey0123456789ABCD";
const BEARER: &str = "Bearer bearer0123456789ABCD";
const HEADER: &str = "header0123456789ABCD";
const ENV_TABLE: &str = "sk-envtable0123456789ABCD";
const DOTENV: &str = "sk-dotenv0123456789ABCD";
const DOTENV_OTHER: &str = "other0123456789ABCD";
const PROCESS: &str = "sk-process0123456789ABCD";
const STDIN: &str = "sk-stdin0123456789ABCD";
const URL_PASSWORD: &str = "urlpass0123456789ABCD";

#[track_caller]
fn assert_hidden(what: &str, debug: &str) {
    for secret in [
        API_KEY,
        BEARER,
        HEADER,
        ENV_TABLE,
        DOTENV,
        DOTENV_OTHER,
        PROCESS,
        STDIN,
        URL_PASSWORD,
    ] {
        assert!(
            !debug.contains(&secret[secret.len() - 12..secret.len() - 4]),
            "the Debug of {what} shows {secret}:\n{debug}"
        );
    }
}

#[test]
fn debug_never_shows_a_secret() {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\napiKey = \"{API_KEY}\"\n\n[models.providers.qwen.headers]\nAuthorization = \"{BEARER}\"\nx-api-key = \"{HEADER}\"\n\n[env]\nQWEN_API_KEY = \"{ENV_TABLE}\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join(".env"),
        format!("QWEN_API_KEY={DOTENV}\nOTHER={DOTENV_OTHER}\n"),
    )
    .unwrap();
    let loaded = config::load(ConfigLocation {
        path: dir.join("config.toml"),
        origin: ConfigOrigin::Flag,
    })
    .unwrap();
    assert_hidden("LoadedConfig", &format!("{loaded:?}"));
    assert_hidden("LoadedConfig", &format!("{loaded:#?}"));
    // Debug is for debugging: the structure and the masked values stay visible.
    let shown = format!("{loaded:?}");
    assert!(shown.starts_with("LoadedConfig {"), "{shown}");
    assert!(
        shown.contains("authChoice") || shown.contains("auth_choice"),
        "{shown}"
    );
    assert!(shown.contains("config.toml"), "{shown}");
    assert_hidden("ConfigFile", &format!("{:#?}", loaded.file));
    assert_hidden("DotEnv", &format!("{:?}", loaded.dotenv));
    // The names stay visible: Debug is for debugging.
    assert!(format!("{:?}", loaded.dotenv).contains("OTHER"));

    let env = Env::from_pairs([("QWEN_API_KEY", PROCESS)]);
    assert_hidden("Env", &format!("{env:?}"));
    assert!(format!("{env:?}").contains("QWEN_API_KEY"));

    let target = resolve::resolve(
        &Request {
            reference: Some("qwen/glm-5"),
            kind: None,
            api_key: Some(ApiKey::new(STDIN)),
        },
        &loaded,
        &env,
    )
    .unwrap();
    assert_hidden("Target", &format!("{target:#?}"));
    assert!(format!("{target:?}").contains("x-api-key"));

    let choice = catalog::lookup_auth_choice("qwen-api-key").unwrap();
    let plan = onboard::plan(
        &loaded,
        choice,
        Some(&ApiKey::new(STDIN)),
        &provcat::config::Env::default(),
    );
    assert!(
        plan.dotenv
            .as_ref()
            .is_some_and(|d| d.after.contains(STDIN))
    );
    assert_hidden("Plan", &format!("{plan:#?}"));

    let entry = ProviderConfig {
        auth_choice: Some(API_KEY.to_string()),
        base_url: Some(format!(
            "https://me:{URL_PASSWORD}@h.example/v1?api_key={HEADER}"
        )),
        api_key: Some(API_KEY.to_string()),
        headers: BTreeMap::from([("Authorization".to_string(), BEARER.to_string())]),
        ..ProviderConfig::default()
    };
    assert_hidden("ProviderConfig", &format!("{entry:?}"));
    assert!(format!("{entry:?}").contains("h.example"));
}
