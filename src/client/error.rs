//! One error taxonomy for every request: what the provider said (all three DashScope error
//! body shapes), what the network did, and what provcat refused before sending anything.
//!
//! [`ApiError::parse`] reads the envelope (`{"error": {message, type, code}}`), the flat
//! native shape (`{code, message}`) and the plain-string shape (`{"error": "…"}`), and
//! [`ErrorKind`] classifies it. The actionable advice (which key source, which auth choice
//! to switch to) is added by [`super::advice`], which knows the resolved target.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::body::{MAX_ERROR_BODY, size_text};

/// What kind of refusal a provider error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The key was refused (bad, wrong region, or wrong plan for this host).
    BadKey,
    /// The Coding Plan does not (yet) serve this model.
    NotOnPlan,
    /// The model does not exist (or the key cannot see it).
    UnknownModel,
    /// Too many requests for now; retrying later helps.
    RateLimit,
    /// The quota is used up; retrying does not help.
    Quota,
    /// The account is in arrears; retrying does not help.
    Arrearage,
    /// Content moderation refused the input or the output.
    Moderation,
    /// The Coding Plan refuses use outside coding agents.
    CodingAgentsOnly,
    /// Another problem with the request.
    BadRequest,
    /// The server failed (5xx); retrying may help.
    Server,
}

impl ErrorKind {
    /// Whether waiting and sending the same request again can succeed.
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorKind::RateLimit | ErrorKind::Server)
    }
}

/// An error reported by the provider, in any of its body shapes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// HTTP status (absent for an error frame inside a stream).
    pub status: Option<u16>,
    /// The provider's code (`invalid_api_key`, `Arrearage`, …).
    pub code: Option<String>,
    /// The provider's message.
    pub message: String,
    /// The request id, for support.
    pub request_id: Option<String>,
    /// The classification.
    pub kind: ErrorKind,
    /// How long the server asked to wait (`Retry-After`).
    #[serde(skip)]
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Parses an error body (any shape; anything else keeps the raw text as the message)
    /// answered with `status`. A body over [`MAX_ERROR_BODY`] (an error frame in a stream
    /// can be that long) is not parsed as JSON, so its parsed form stays small: its start
    /// is the message.
    pub fn parse(status: Option<u16>, body: &str) -> ApiError {
        let json: Value = if body.len() <= MAX_ERROR_BODY {
            serde_json::from_str(body).unwrap_or(Value::Null)
        } else {
            Value::Null
        };
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let (code, kind_text, message) = match json.get("error") {
            Some(Value::Object(e)) => (
                text(e.get("code")),
                text(e.get("type")),
                text(e.get("message")),
            ),
            Some(Value::String(s)) => (None, None, Some(s.clone())),
            _ => (text(json.get("code")), None, text(json.get("message"))),
        };
        let message = message.unwrap_or_else(|| {
            let trimmed = body.trim();
            if trimmed.is_empty() {
                "(empty response body)".to_string()
            } else {
                trimmed.chars().take(300).collect()
            }
        });
        let code = code.or(kind_text);
        let kind = classify(status, code.as_deref(), &message);
        ApiError {
            status,
            code,
            message,
            request_id: text(json.get("request_id")),
            kind,
            retry_after: None,
        }
    }
}

/// Classifies an error from its status, code and message (codes first; messages for the
/// errors DashScope only describes in words).
fn classify(status: Option<u16>, code: Option<&str>, message: &str) -> ErrorKind {
    let code = code.unwrap_or_default();
    let lower = message.to_ascii_lowercase();
    match code {
        "invalid_api_key" | "InvalidApiKey" => return ErrorKind::BadKey,
        "insufficient_quota" | "Throttling.AllocationQuota" => return ErrorKind::Quota,
        "Arrearage" => return ErrorKind::Arrearage,
        "data_inspection_failed" | "DataInspectionFailed" => return ErrorKind::Moderation,
        "model_not_found" => return ErrorKind::UnknownModel,
        "limit_requests" | "Throttling" | "Throttling.RateQuota" => return ErrorKind::RateLimit,
        _ => {}
    }
    if lower.contains("only available for coding agents") {
        return ErrorKind::CodingAgentsOnly;
    }
    if lower.contains("is not supported") && lower.contains("model") {
        return ErrorKind::NotOnPlan;
    }
    match status {
        Some(401 | 403) => ErrorKind::BadKey,
        Some(404) if lower.contains("model") => ErrorKind::UnknownModel,
        Some(429) => ErrorKind::RateLimit,
        Some(s) if s >= 500 => ErrorKind::Server,
        _ => ErrorKind::BadRequest,
    }
}

/// Why a request failed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ClientError {
    /// The provider refused the request.
    #[error("{}{}: {}", error.status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "error in the stream".into()), error.code.as_deref().map(|c| format!(" {c}")).unwrap_or_default(), error.message)]
    Api {
        /// What the provider said.
        error: ApiError,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The connection could not be made (nothing was sent).
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The connection broke.
    #[error("network error: {0}")]
    Network(String),
    /// The connection was not established in time.
    #[error("could not connect within {0:?}")]
    ConnectTimeout(Duration),
    /// The server sent nothing for too long in the middle of a response.
    #[error("the server sent nothing for {0:?}")]
    IdleTimeout(Duration),
    /// The stream ended without `[DONE]` or a `finish_reason`.
    #[error("the stream ended early (no [DONE] and no finish_reason): the answer is truncated")]
    Truncated,
    /// The response was not what the protocol says.
    #[error("unexpected response: {0}")]
    Protocol(String),
    /// Refused before sending: the request cannot work (an image for a text-only model, …).
    #[error("{0}")]
    Invalid(String),
    /// Stopped by Ctrl-C.
    #[error("interrupted")]
    Interrupted,
    /// The server answered an API call with a redirect, which is never followed: the key,
    /// the configured headers and the request would go along to wherever it points.
    #[error("the server answered HTTP {status}, a redirect to {}; provcat does not follow redirects of API calls (the key, the configured headers and the request would go with it)", to.as_deref().unwrap_or("no usable location"))]
    Redirected {
        /// The 3xx status.
        status: u16,
        /// The origin (`scheme://host:port`) the `Location` points at: never its
        /// credentials, path or query. `None` when there is no usable `Location`.
        to: Option<String>,
    },
    /// The server sent more than provcat reads (see [`super::body`]).
    #[error("{what} is over {}, the most provcat reads; no real answer is that large, so nothing more was read", size_text(*limit))]
    TooLarge {
        /// What was too large.
        what: Oversized,
        /// The limit, in bytes.
        limit: usize,
    },
}

/// What a [`ClientError::TooLarge`] was about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oversized {
    /// A non-streaming chat answer's body.
    ChatAnswer,
    /// A video task answer's body (create, poll or cancel).
    TaskAnswer,
    /// One event of a streamed answer.
    StreamEvent,
    /// The answer text kept for `chat --json` (content and reasoning).
    AnswerText,
}

impl std::fmt::Display for Oversized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Oversized::ChatAnswer => "the chat answer",
            Oversized::TaskAnswer => "the video task answer",
            Oversized::StreamEvent => "one event of the answer stream",
            Oversized::AnswerText => "the answer text kept for `--json`",
        })
    }
}

impl ClientError {
    /// Whether sending the same request again may succeed (only asked before any byte of
    /// a response body was received).
    pub fn is_retryable(&self) -> bool {
        match self {
            ClientError::Api { error, .. } => error.kind.is_retryable(),
            ClientError::Connect(_) | ClientError::Network(_) | ClientError::ConnectTimeout(_) => {
                true
            }
            _ => false,
        }
    }

    /// Whether a failure certainly happened before the server acted: a rate limit or a
    /// connection never made. Only these are retried for requests that must not run twice
    /// (creating a paid video task).
    pub fn is_retryable_without_duplicates(&self) -> bool {
        match self {
            ClientError::Api { error, .. } => error.kind == ErrorKind::RateLimit,
            ClientError::Connect(_) | ClientError::ConnectTimeout(_) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_three_shapes() {
        let envelope = ApiError::parse(
            Some(401),
            r#"{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"},"request_id":"r1"}"#,
        );
        assert_eq!(envelope.kind, ErrorKind::BadKey);
        assert_eq!(envelope.code.as_deref(), Some("invalid_api_key"));
        assert_eq!(envelope.request_id.as_deref(), Some("r1"));

        let flat = ApiError::parse(
            Some(400),
            r#"{"code":"Arrearage","message":"Access denied, please make sure your account is in good standing.","request_id":"r2"}"#,
        );
        assert_eq!(flat.kind, ErrorKind::Arrearage);
        assert!(!flat.kind.is_retryable());

        let plain = ApiError::parse(
            Some(405),
            r#"{"error":"Coding Plan is currently only available for Coding Agents"}"#,
        );
        assert_eq!(plain.kind, ErrorKind::CodingAgentsOnly);
        assert_eq!(
            plain.message,
            "Coding Plan is currently only available for Coding Agents"
        );
    }

    #[test]
    fn classifies_by_message_and_status() {
        let not_on_plan = ApiError::parse(
            Some(400),
            r#"{"error":{"message":"model `qwen3.6-plus` is not supported.","type":"invalid_request_error","code":"invalid_parameter_error"}}"#,
        );
        assert_eq!(not_on_plan.kind, ErrorKind::NotOnPlan);
        assert_eq!(
            ApiError::parse(Some(403), r#"{"error":{"message":"invalid api-key"}}"#).kind,
            ErrorKind::BadKey
        );
        assert_eq!(
            ApiError::parse(Some(429), r#"{"error":{"code":"insufficient_quota","message":"You exceeded your current quota"}}"#).kind,
            ErrorKind::Quota
        );
        assert_eq!(
            ApiError::parse(Some(502), "<html>bad gateway</html>").kind,
            ErrorKind::Server
        );
        assert_eq!(
            ApiError::parse(Some(502), "<html>bad gateway</html>").message,
            "<html>bad gateway</html>"
        );
    }
}
