//! Gateway errors in one taxonomy ([`ErrorClass`]), each answered in the shape of the front
//! the client spoke: an OpenAI client gets `{"error": {"message", "type", "param", "code"}}`,
//! an Anthropic client `{"type": "error", "error": {"type", "message"}}`, with the status
//! the official SDKs map to the matching exception (400 bad request, 401 authentication,
//! 403 permission, 404 not found, 408 timeout, 413 too large, 429 rate limit, 5xx server).
//!
//! Upstream failures are mapped from the runtime's [`ClientError`] by their kind (the same
//! classification `provcat chat` uses), with the same advice appended, and every message is
//! scrubbed of secrets before it leaves: the upstream key never reaches a client.

use std::time::Duration;

use axum::http::{self, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::catalog::ErrorKind;
use crate::client::ClientError;
use crate::client::advice::advice;
use crate::redact::Redactor;
use crate::resolve::Target;

use super::request::Front;
use super::{anthropic, openai};

/// What kind of failure, whatever the front.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// The request cannot work as sent (400).
    InvalidRequest,
    /// A credential was missing or refused: the client's token, or the upstream key (401).
    Authentication,
    /// The credential may not do this (403).
    Permission,
    /// No such model or route (404).
    NotFound,
    /// The route does not take this method (405).
    MethodNotAllowed,
    /// The client was too slow to send its request (408).
    RequestTimeout,
    /// The request body is over the limit (413).
    TooLarge,
    /// The upstream account cannot pay (402).
    Billing,
    /// Too many requests (429).
    RateLimit,
    /// The upstream server failed or answered something unusable (502).
    Upstream,
    /// The upstream is overloaded (OpenAI 503, Anthropic 529).
    Overloaded,
    /// The upstream, or the whole request, took too long (504).
    Timeout,
    /// provcat itself failed (500).
    Internal,
    /// The gateway is shutting down (503).
    Unavailable,
}

/// A failure to answer, in words a client can act on.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct GatewayError {
    /// The class, which decides the status and the error type.
    pub class: ErrorClass,
    /// What went wrong and what to do (scrubbed of secrets).
    pub message: String,
    /// How long to wait before retrying, when the upstream said.
    pub retry_after: Option<Duration>,
    /// The upstream's own status, when it answered one.
    pub upstream_status: Option<u16>,
}

impl GatewayError {
    /// An error of `class`.
    pub fn new(class: ErrorClass, message: impl Into<String>) -> GatewayError {
        GatewayError {
            class,
            message: message.into(),
            retry_after: None,
            upstream_status: None,
        }
    }

    /// A request that cannot work as sent.
    pub fn invalid(message: impl Into<String>) -> GatewayError {
        GatewayError::new(ErrorClass::InvalidRequest, message)
    }

    /// An upstream failure for `target`, with `provcat chat`'s advice, scrubbed by
    /// `secrets` (which knows the config's secrets) and of the target's key.
    pub fn upstream(error: &ClientError, target: &Target, secrets: &Redactor) -> GatewayError {
        let class = match error {
            ClientError::Api { error, .. } => match error.kind {
                ErrorKind::BadKey => ErrorClass::Authentication,
                ErrorKind::PlanRestricted => ErrorClass::Permission,
                ErrorKind::UnknownModel => ErrorClass::NotFound,
                ErrorKind::RateLimit | ErrorKind::Quota => ErrorClass::RateLimit,
                ErrorKind::Overloaded => ErrorClass::Overloaded,
                ErrorKind::Billing => ErrorClass::Billing,
                ErrorKind::Server => ErrorClass::Upstream,
                ErrorKind::NotOnPlan | ErrorKind::Moderation | ErrorKind::BadRequest => {
                    ErrorClass::InvalidRequest
                }
            },
            ClientError::Invalid(_) => ErrorClass::InvalidRequest,
            ClientError::IdleTimeout(_) | ClientError::ConnectTimeout { .. } => ErrorClass::Timeout,
            ClientError::Interrupted => ErrorClass::Unavailable,
            ClientError::Connect { .. }
            | ClientError::Network(_)
            | ClientError::Truncated { .. }
            | ClientError::Protocol(_)
            | ClientError::Redirected { .. }
            | ClientError::TooLarge { .. } => ErrorClass::Upstream,
        };
        let mut message = format!("{} ({}): {error}", target.canonical_ref, target.base_url);
        if let Some(help) = advice(error, target) {
            message.push_str("; ");
            message.push_str(&help);
        }
        let (retry_after, upstream_status) = match error {
            ClientError::Api { error, .. } => (error.retry_after, error.status),
            _ => (None, None),
        };
        GatewayError {
            class,
            message: scrub(&message, target, secrets),
            retry_after,
            upstream_status,
        }
    }

    /// The HTTP status for `front`.
    pub fn status(&self, front: Front) -> StatusCode {
        match self.class {
            ErrorClass::InvalidRequest => StatusCode::BAD_REQUEST,
            ErrorClass::Authentication => StatusCode::UNAUTHORIZED,
            ErrorClass::Permission => StatusCode::FORBIDDEN,
            ErrorClass::NotFound => StatusCode::NOT_FOUND,
            ErrorClass::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorClass::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorClass::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorClass::Billing => StatusCode::PAYMENT_REQUIRED,
            ErrorClass::RateLimit => StatusCode::TOO_MANY_REQUESTS,
            ErrorClass::Upstream => StatusCode::BAD_GATEWAY,
            ErrorClass::Overloaded => match front {
                Front::Completions => StatusCode::SERVICE_UNAVAILABLE,
                // Anthropic's own overload status.
                Front::Messages => StatusCode::from_u16(529).unwrap_or(StatusCode::BAD_GATEWAY),
            },
            ErrorClass::Timeout => StatusCode::GATEWAY_TIMEOUT,
            ErrorClass::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorClass::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The JSON body for `front`.
    pub fn body(&self, front: Front) -> serde_json::Value {
        match front {
            Front::Completions => openai::error_body(self),
            Front::Messages => anthropic::error_body(self),
        }
    }

    /// The whole response for `front`.
    pub fn response(&self, front: Front) -> Response {
        let mut response = (
            self.status(front),
            [(http::header::CONTENT_TYPE, "application/json")],
            self.body(front).to_string(),
        )
            .into_response();
        if let Some(wait) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&wait.as_secs().to_string())
        {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, value);
        }
        response
    }
}

/// `text` without the config's secrets and without `target`'s key.
pub fn scrub(text: &str, target: &Target, secrets: &Redactor) -> String {
    let mut redactor = Redactor::new();
    redactor.learn_from(secrets);
    if let Some(found) = &target.key.found {
        redactor.learn(found.key.expose());
    }
    redactor.scrub(text)
}
