//! Auth rules per host.

use provcat_emulator::Emulator;
use serde_json::json;

use crate::{CODING, STANDARD, assert_envelope, assert_flat, post, streaming};

#[test]
fn missing_empty_or_bad_keys_get_invalid_api_key() {
    let emulator = Emulator::start();
    let body = streaming("glm-5", "hi");
    for (path, key) in [
        (STANDARD, None),
        (STANDARD, Some("")),
        (STANDARD, Some("sk-bad-key")),
        (CODING, None),
        (CODING, Some("sk-sp-bad")),
    ] {
        let reply = post(&emulator, path, key, &body);
        assert_envelope(
            &reply,
            401,
            "invalid_api_key",
            "Incorrect API key provided.",
        );
    }
}

#[test]
fn keys_are_bound_to_their_plan() {
    let emulator = Emulator::start();
    let body = streaming("glm-5", "hi");
    let reply = post(&emulator, STANDARD, Some("sk-sp-abc"), &body);
    assert_flat(&reply, 403, "InvalidApiKey", "invalid api-key");
    let reply = post(&emulator, CODING, Some("sk-abc"), &body);
    assert_envelope(
        &reply,
        401,
        "invalid_api_key",
        "invalid access token or token expired",
    );
    assert_eq!(
        post(&emulator, CODING, Some("sk-sp-abc"), &body).status,
        200
    );
    assert_eq!(post(&emulator, STANDARD, Some("sk-abc"), &body).status, 200);
}

#[test]
fn auth_comes_before_the_body_checks() {
    let emulator = Emulator::start();
    let reply = post(&emulator, STANDARD, None, &json!("not an object"));
    assert_eq!(reply.status, 401);
}
