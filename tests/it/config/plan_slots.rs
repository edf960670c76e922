//! One key slot per plan: onboarding the Standard plan, then the Coding Plan, keeps both
//! keys in the `.env` (each in its plan's variable), and each plan's requests carry its own
//! key to the emulator's Standard or Coding path.

use provcat_emulator::Emulator;

use super::{CODING_KEY, KEY, onboard};
use crate::support::{Run, config_dir, emulator_home, stderr};

/// Points the config's `baseUrl` at the emulator path of the plan onboarded last (the
/// catalog endpoints are not reachable from a test).
fn point_at(home: &std::path::Path, from: &str, to: &str) {
    let path = config_dir(home).join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

/// The bearer key of the last request the emulator got.
fn last_key(emulator: &Emulator, home: &std::path::Path) -> String {
    let out = Run {
        cwd: home,
        args: &["chat", "--no-stream", "hi"],
        home,
        env: &[],
        stdin: None,
    }
    .output();
    assert!(out.status.success(), "{}", stderr(&out));
    let requests = emulator.requests();
    let last = requests.last().unwrap();
    last.header("authorization").unwrap().to_string()
}

#[test]
fn each_plan_keeps_its_key_and_its_requests_use_it() {
    let emulator = Emulator::start();
    let standard = emulator.standard_base_url();
    let coding = emulator.coding_base_url();
    let home = emulator_home(&emulator, "qwen-standard-api-key", "");
    let out = onboard(home.path(), "qwen-standard-api-key", KEY, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(last_key(&emulator, home.path()), format!("Bearer {KEY}"));

    let out = onboard(home.path(), "qwen-api-key", CODING_KEY, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("replacing"), "{}", stderr(&out));
    let dotenv = std::fs::read_to_string(config_dir(home.path()).join(".env")).unwrap();
    assert_eq!(
        dotenv,
        format!("QWEN_API_KEY={KEY}\nALIBABA_CODING_PLAN_API_KEY={CODING_KEY}\n")
    );
    point_at(home.path(), &standard, &coding);
    assert_eq!(
        last_key(&emulator, home.path()),
        format!("Bearer {CODING_KEY}")
    );

    let out = crate::support::provcat_in(
        home.path(),
        &[
            "onboard",
            "--auth-choice",
            "qwen-standard-api-key",
            "--skip-key",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    point_at(home.path(), &coding, &standard);
    assert_eq!(last_key(&emulator, home.path()), format!("Bearer {KEY}"));
}
