//! `provcat onboard` and keys: `--skip-key` with no key anywhere warns, key-shape warnings
//! name the auth choice to switch to (with its plan and region).

use super::{CODING_KEY, onboard};
use crate::support::{assert_stderr_has, config_dir, provcat_in, stderr};

#[test]
fn skip_key_with_no_key_anywhere_warns_that_requests_will_fail() {
    let home = tempfile::tempdir().unwrap();
    let out = provcat_in(
        home.path(),
        &["onboard", "--auth-choice", "qwen-api-key", "--skip-key"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_stderr_has(&out, "no key for `qwen-api-key` is set anywhere");
    assert_stderr_has(&out, "ALIBABA_CODING_PLAN_API_KEY or QWEN_API_KEY");
    assert_stderr_has(
        &out,
        "`provcat onboard --auth-choice qwen-api-key` without --skip-key",
    );
    assert!(config_dir(home.path()).join("config.toml").exists());
    assert!(!config_dir(home.path()).join(".env").exists());
}

#[test]
fn skip_key_with_a_key_in_the_environment_or_the_dotenv_says_nothing_about_keys() {
    let home = tempfile::tempdir().unwrap();
    let out = provcat_in(
        home.path(),
        &["onboard", "--auth-choice", "qwen-api-key", "--skip-key"],
        &[("QWEN_API_KEY", CODING_KEY)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("no key"), "{}", stderr(&out));

    let home = tempfile::tempdir().unwrap();
    let stored = onboard(home.path(), "qwen-api-key", CODING_KEY, &[]);
    assert!(stored.status.success(), "{}", stderr(&stored));
    let out = provcat_in(
        home.path(),
        &["onboard", "--auth-choice", "qwen-api-key-cn", "--skip-key"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("no key"), "{}", stderr(&out));
}
