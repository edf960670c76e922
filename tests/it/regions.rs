//! Availability by region: a plan that serves a model in some regions only refuses it in
//! the others, naming an auth choice that serves it (the `acme` overlay fixture).

use crate::support::{Run, config_dir, fixture, json_of, stderr};

fn explain(choice: &str, reference: &str) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    let dir = config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!("[models.providers.acme]\nauthChoice = \"{choice}\"\n"),
    )
    .unwrap();
    let overlay = fixture("overlays/acme").display().to_string();
    Run {
        cwd: home.path(),
        args: &["--catalog", &overlay, "explain", reference, "--json"],
        home: home.path(),
        env: &[("ACME_API_KEY", "acme-key-0123456789")],
        stdin: None,
    }
    .output()
}

#[test]
fn a_model_outside_its_regions_is_unavailable_with_an_auth_choice_that_serves_it() {
    let out = explain("acme-paygo-east", "acme/beta");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error[invalid-value]: acme/beta is unavailable in East on the Pay-as-you-go plan"
        ),
        "{err}"
    );
    assert!(
        err.contains("this auth choice selects that region"),
        "{err}"
    );
    assert!(
        err.contains(
            "the Pay-as-you-go plan serves it in West only; an auth choice that serves it: `provcat onboard --auth-choice acme-paygo-west` (Pay-as-you-go plan, West)"
        ),
        "{err}"
    );
}

#[test]
fn a_model_in_its_region_resolves() {
    let out = explain("acme-paygo-west", "acme/beta");
    assert!(out.status.success(), "{}", stderr(&out));
    let target = json_of(&out);
    assert_eq!(target["region"]["id"], "west");
    assert_eq!(target["base_url"], "https://west.acme.example/v1");
    // A model without regions is served in every region of the plan.
    assert!(explain("acme-paygo-east", "acme/alpha").status.success());
}

#[test]
fn an_unavailable_plan_names_a_plan_that_serves_it_in_the_same_region_only() {
    let out = explain("acme-team-east", "acme/beta");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("acme/beta is not available on the Team plan"),
        "{err}"
    );
    // The pay-as-you-go plan serves it, but not in East: no switch in the same region.
    assert!(!err.contains("--auth-choice acme-paygo-east"), "{err}");
}
