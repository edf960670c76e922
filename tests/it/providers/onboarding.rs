//! `onboard` with every auth choice of every provider: the config and `.env` it writes,
//! the default model (one the choice's plan and region serve, reached without a warning),
//! `explain` showing the endpoint URL and dialect the catalog gives the choice, and the
//! advice a key of another plan's shape draws, worded from the catalog.

use provcat::catalog::AvailabilityStatus;
use serde_json::Value;

use super::{Choice, every_auth_choice};
use crate::support::{Run, config_dir, stderr, stdout};

fn onboard(home: &std::path::Path, id: &str, key: &str) -> std::process::Output {
    crate::support::onboard(home, id, key, &[])
}

fn explain(home: &std::path::Path) -> Value {
    let out = Run {
        cwd: home,
        args: &["explain", "--json"],
        home,
        env: &[],
        stdin: None,
    }
    .output();
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn onboarding_each_auth_choice_writes_its_config_key_and_a_default_it_serves() {
    every_auth_choice(|c: &Choice| {
        let id = c.choice.id;
        let home = tempfile::tempdir().unwrap();
        let key = c.key();
        let out = onboard(home.path(), id, &key);
        assert!(out.status.success(), "{id}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("warning"),
            "{id}: a key of the plan's shape draws no warning: {}",
            stderr(&out)
        );
        let dir = config_dir(home.path());
        let default = c.choice.default_model;
        assert_eq!(
            std::fs::read_to_string(dir.join("config.toml")).unwrap(),
            format!(
                "#:schema ./config.schema.json\n[models.providers.{}]\nauthChoice = \"{id}\"\n\n[agents.defaults.model]\nprimary = \"{default}\"\n",
                c.provider.id
            ),
            "{id}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join(".env")).unwrap(),
            format!("{}={key}\n", c.key_var()),
            "{id}"
        );

        // The default is served by the choice's plan, in its region (catalog facts)…
        let model = c.default_model();
        let on_plan = model
            .availability_on(c.plan.id)
            .unwrap_or_else(|| panic!("{id}: {default} does not list plan {}", c.plan.id));
        assert_eq!(
            on_plan.status,
            AvailabilityStatus::Available,
            "{id}: {default}"
        );
        assert!(
            on_plan.regions.is_empty() || on_plan.regions.contains(&c.choice.region),
            "{id}: {default} is not served in {}",
            c.choice.region
        );

        // …and resolving it goes where the catalog says, without a warning.
        let surface = c.surface(model);
        let target = explain(home.path());
        assert_eq!(target["canonical_ref"], default, "{id}");
        assert_eq!(target["auth"]["choice"]["id"], id, "{id}");
        assert_eq!(target["base_url"], surface.base_url, "{id}");
        assert_eq!(target["dialect"], surface.dialect.as_str(), "{id}");
        assert_eq!(target["warnings"], serde_json::json!([]), "{id}");
        assert_eq!(target["key"]["found"]["source"]["var"], c.key_var(), "{id}");

        // The text form names the same endpoint and dialect.
        let out = Run {
            cwd: home.path(),
            args: &["explain"],
            home: home.path(),
            env: &[],
            stdin: None,
        }
        .output();
        let text = stdout(&out);
        assert!(text.contains(surface.base_url), "{id}: {text}");
        assert!(
            text.contains(&format!("dialect          {}", surface.dialect)),
            "{id}: {text}"
        );
    });
}

#[test]
fn a_key_of_another_plans_shape_gets_the_advice_naming_the_plans() {
    let mut advised = 0;
    every_auth_choice(|c: &Choice| {
        for other in c.provider.plans {
            let Some(prefix) = other.key_prefix else {
                continue;
            };
            // The plan its key's shape says: the longest prefix that fits, as provcat reads it.
            let key = format!("{prefix}0123456789abcdefWXYZ");
            let key_plan = c
                .provider
                .plans
                .iter()
                .filter(|p| p.key_prefix.is_some_and(|k| key.starts_with(k)))
                .max_by_key(|p| p.key_prefix.map_or(0, str::len));
            if key_plan.is_some_and(|p| p.id == c.plan.id)
                || key_plan.is_some_and(|p| p.id != other.id)
            {
                continue;
            }
            let home = tempfile::tempdir().unwrap();
            let out = onboard(home.path(), c.choice.id, &key);
            assert!(out.status.success(), "{}: {}", c.choice.id, stderr(&out));
            let err = stderr(&out);
            let id = c.choice.id;
            assert!(
                err.contains(&format!(
                    "starts with `{prefix}`, the shape of {} keys, but the {} expects",
                    other.name, c.plan.name
                )),
                "{id} with a {} key: {err}",
                other.id
            );
            assert!(
                err.contains("keys are bound to their plan and region"),
                "{id}: {err}"
            );
            // Where the key's plan has an auth choice in the same region, it is named.
            match c
                .provider
                .auth_choices
                .iter()
                .find(|a| a.plan == other.id && a.region == c.choice.region)
            {
                Some(a) => assert!(
                    err.contains(&format!("`provcat onboard --auth-choice {}`", a.id)),
                    "{id}: {err}"
                ),
                None => assert!(
                    !err.contains("provcat onboard --auth-choice"),
                    "{id}: {err}"
                ),
            }
            advised += 1;
        }
        // A plan with a prefix: a key of no known shape is told the shape expected.
        if let Some(prefix) = c.plan.key_prefix {
            let home = tempfile::tempdir().unwrap();
            let out = onboard(home.path(), c.choice.id, "zz0123456789abcdefWXYZ");
            let err = stderr(&out);
            assert!(
                err.contains(&format!(
                    "does not start with `{prefix}`, the shape of {} keys; keys are bound to their plan and region",
                    c.plan.name
                )),
                "{}: {err}",
                c.choice.id
            );
        }
    });
    assert!(
        advised >= 6,
        "the multi-plan providers were advised ({advised})"
    );
}
