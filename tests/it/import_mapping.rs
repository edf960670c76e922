//! The import mapping (`import/models-dev.toml`) agrees with the built-in catalog, so that
//! an import used as an overlay extends the built-in providers instead of clashing: a family
//! named after a built-in provider uses its plan, region and auth choice ids (the models.dev
//! spellings as legacy ids), and every plan the built-in provider has.

use std::collections::BTreeSet;

use provcat::catalog;

fn mapping() -> toml::Table {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/import/models-dev.toml");
    let text = std::fs::read_to_string(path).unwrap();
    text.parse().unwrap()
}

fn ids(array: Option<&toml::Value>) -> BTreeSet<String> {
    array
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("id").and_then(toml::Value::as_str).map(String::from))
        .collect()
}

#[test]
fn families_named_after_builtin_providers_use_their_ids() {
    let mapping = mapping();
    let families = mapping["families"].as_table().unwrap();
    let mut checked = 0;
    for (id, family) in families {
        if let Some(owner) = catalog::providers()
            .iter()
            .find(|p| p.namespace_aliases.contains(&id.as_str()))
        {
            panic!(
                "family `{id}` is a namespace alias of the built-in `{}`: name the family `{}` \
                 so that the import extends it",
                owner.id, owner.id
            );
        }
        let Some(provider) = catalog::provider(id) else {
            continue;
        };
        checked += 1;
        let builtin_plans: BTreeSet<String> =
            provider.plans.iter().map(|p| p.id.to_string()).collect();
        assert_eq!(
            ids(family.get("plans")),
            builtin_plans,
            "family `{id}`: the plans of the built-in provider (an overlay model must say its \
             availability on each)"
        );
        for member in family["members"].as_array().unwrap() {
            let get = |k: &str| member.get(k).and_then(toml::Value::as_str).unwrap_or("");
            let choice = catalog::lookup_auth_choice(get("auth_choice"))
                .unwrap_or_else(|e| panic!("family `{id}`, member {}: {e}", get("models_dev")));
            assert_eq!(
                choice.legacy_alias,
                None,
                "{}: use the canonical id",
                get("auth_choice")
            );
            assert_eq!(
                (choice.provider.id, choice.choice.plan, choice.choice.region),
                (id.as_str(), get("plan"), get("region")),
                "family `{id}`, member {}",
                get("models_dev")
            );
        }
    }
    assert!(
        checked >= 4,
        "the qwen, moonshot, zai and minimax families: {checked}"
    );
}
