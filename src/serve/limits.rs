//! The gateway's limits and its door: body size and read time, the client token.
//!
//! | limit | default | beyond it |
//! |---|---|---|
//! | request body | [`MAX_BODY`] (32 MiB: inline images) | 413 in the front's shape |
//! | reading the headers | [`HEADER_READ_TIMEOUT`] | the connection is closed (no front is known yet) |
//! | reading the body | [`BODY_READ_TIMEOUT`] | 408 in the front's shape |
//! | concurrent upstream requests | [`MAX_CONCURRENT`] | the request waits in a queue |
//! | one request, start to end | [`MAX_DURATION`] | 504, or an error event in a stream |
//! | draining on `SIGTERM` | [`DRAIN_DEADLINE`] | open requests are cut |
//!
//! **The token.** When one is set, every route but `/healthz` wants it as `Authorization:
//! Bearer …` or `x-api-key` (the two ways the OpenAI and Anthropic SDKs send their key),
//! compared in constant time. Without one (loopback only), a client's key is accepted and
//! ignored. Either way a client's credentials are never forwarded: upstream requests carry
//! only the key provcat resolved.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use subtle::ConstantTimeEq;

use crate::secret::ApiKey;

use super::error::{ErrorClass, GatewayError};

/// The largest request body read.
pub const MAX_BODY: usize = 32 * 1024 * 1024;
/// How long a client may take to send its request line and headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send its body.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Concurrent upstream requests; more wait.
pub const MAX_CONCURRENT: usize = 256;
/// The longest a request may take, streams included.
pub const MAX_DURATION: Duration = Duration::from_secs(600);
/// How long `SIGTERM` waits for requests under way.
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(30);

/// The limits in force (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest request body.
    pub max_body: usize,
    /// Time to send the headers.
    pub header_read_timeout: Duration,
    /// Time to send the body.
    pub body_read_timeout: Duration,
    /// Concurrent upstream requests.
    pub max_concurrent: usize,
    /// The longest request.
    pub max_duration: Duration,
    /// The drain deadline.
    pub drain_deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: MAX_BODY,
            header_read_timeout: HEADER_READ_TIMEOUT,
            body_read_timeout: BODY_READ_TIMEOUT,
            max_concurrent: MAX_CONCURRENT,
            max_duration: MAX_DURATION,
            drain_deadline: DRAIN_DEADLINE,
        }
    }
}

/// Reads a request body within `limits`.
pub async fn read_body(
    body: Body,
    headers: &HeaderMap,
    limits: &Limits,
) -> Result<Bytes, GatewayError> {
    let too_large = || {
        GatewayError::new(
            ErrorClass::TooLarge,
            format!(
                "the request body is over {} bytes, the most provcat serve reads; send images as https URLs",
                limits.max_body
            ),
        )
    };
    let announced = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limits.max_body as u64) {
        return Err(too_large());
    }
    let collected = tokio::time::timeout(
        limits.body_read_timeout,
        Limited::new(body, limits.max_body).collect(),
    )
    .await
    .map_err(|_| {
        GatewayError::new(
            ErrorClass::RequestTimeout,
            format!(
                "the request body did not arrive within {} s; send the whole request at once",
                limits.body_read_timeout.as_secs()
            ),
        )
    })?;
    match collected {
        Ok(body) => Ok(body.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(e) => Err(GatewayError::invalid(format!(
            "the request body broke off: {e}"
        ))),
    }
}

/// Headers the gateway reads, which must be text.
const READ_HEADERS: [&str; 4] = [
    "authorization",
    "x-api-key",
    "content-type",
    "anthropic-version",
];

/// Refuses a request whose headers provcat reads are not text.
pub fn check_headers(headers: &HeaderMap) -> Result<(), GatewayError> {
    for name in READ_HEADERS {
        for value in headers.get_all(name) {
            if value.to_str().is_err() {
                return Err(GatewayError::invalid(format!(
                    "the `{name}` header is not valid text (it holds bytes outside visible ASCII); send it as plain ASCII"
                )));
            }
        }
    }
    Ok(())
}

/// Checks the client's token, when one is required.
pub fn check_token(headers: &HeaderMap, token: Option<&ApiKey>) -> Result<(), GatewayError> {
    let Some(token) = token else {
        return Ok(());
    };
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "));
    let key = headers.get("x-api-key").map(|v| v.as_bytes());
    let expected = token.expose().as_bytes();
    let matches = |given: Option<&[u8]>| given.is_some_and(|g| bool::from(g.ct_eq(expected)));
    if matches(bearer) | matches(key) {
        return Ok(());
    }
    let message = if bearer.is_none() && key.is_none() {
        "this gateway wants its client token: send it as `Authorization: Bearer <token>` or `x-api-key: <token>`"
    } else {
        "the client token is wrong: send the token this gateway was started with (PROVCAT_SERVE_TOKEN)"
    };
    Err(GatewayError::new(ErrorClass::Authentication, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_taken_from_either_header_and_only_when_equal() {
        let token = ApiKey::new("s3cret-token");
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, v.parse().unwrap());
            }
            h
        };
        assert!(check_token(&headers(&[]), None).is_ok());
        assert!(
            check_token(
                &headers(&[("authorization", "Bearer s3cret-token")]),
                Some(&token)
            )
            .is_ok()
        );
        assert!(check_token(&headers(&[("x-api-key", "s3cret-token")]), Some(&token)).is_ok());
        for wrong in [
            vec![],
            vec![("authorization", "Bearer s3cret-toke")],
            vec![("authorization", "s3cret-token")],
            vec![("x-api-key", "s3cret-token2")],
        ] {
            let err = check_token(&headers(&wrong), Some(&token)).unwrap_err();
            assert_eq!(err.class, ErrorClass::Authentication, "{wrong:?}");
            assert!(!err.message.contains("s3cret"), "{}", err.message);
        }
    }
}
