//! One error taxonomy for every request: what the provider said, what the network did,
//! and what provcat refused before sending anything.
//!
//! [`ErrorBody::read`] reads an error body in any of the generic JSON shapes — the
//! envelope (`{"error": {message, type, code}}`, Anthropic's `{"type": "error", "error":
//! {…}}` included), the flat shape (`{code, message}`) and the plain string (`{"error":
//! "…"}`) — and quotes the start of anything else (an HTML page from a proxy). The kind
//! ([`ErrorKind`], the catalog's vocabulary) is decided by [`classify`]: the provider's
//! `[[errors]]` rules first, then the dialect's own codes ([`crate::dialect`]), then the
//! HTTP status. The advice (which key source, which auth choice to switch to) is added by
//! [`super::advice`], which knows the resolved target.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

pub use crate::catalog::ErrorKind;
use crate::catalog::ErrorRule;

use super::body::{MAX_ERROR_BODY, size_text};

/// The most bytes of an unreadable answer quoted in an error.
pub const MAX_QUOTE: usize = 200;

/// The fields of an error body, whatever its JSON shape.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorBody {
    /// `code` (a number is kept as its digits).
    pub code: Option<String>,
    /// `type` of the error object.
    pub kind: Option<String>,
    /// The message, or the quoted start of a body of no known shape.
    pub message: String,
    /// `request_id`, for support.
    pub request_id: Option<String>,
}

impl ErrorBody {
    /// Reads `body`. A body over [`MAX_ERROR_BODY`] (an error frame in a stream can be that
    /// long) is not parsed as JSON, so its parsed form stays small: its start is quoted.
    pub fn read(body: &str) -> ErrorBody {
        let json: Value = if body.len() <= MAX_ERROR_BODY {
            serde_json::from_str(body).unwrap_or(Value::Null)
        } else {
            Value::Null
        };
        let text = |v: Option<&Value>| match v {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let (code, kind, message) = match json.get("error") {
            Some(Value::Object(e)) => (
                text(e.get("code")),
                text(e.get("type")),
                text(e.get("message")),
            ),
            Some(Value::String(s)) => (None, None, Some(s.clone())),
            _ => (text(json.get("code")), None, text(json.get("message"))),
        };
        ErrorBody {
            code,
            kind,
            message: message.unwrap_or_else(|| quote(body)),
            request_id: text(json.get("request_id")),
        }
    }
}

/// The start of `text` for an error message: at most [`MAX_QUOTE`] bytes (cut at a
/// character boundary, `…` when cut), runs of white space as one space;
/// `(empty response body)` for nothing.
pub fn quote(text: &str) -> String {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return "(empty response body)".to_string();
    }
    let mut end = trimmed.len().min(MAX_QUOTE);
    while !trimmed.is_char_boundary(end) {
        end -= 1;
    }
    let mut out: String = trimmed[..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if end < trimmed.len() {
        out.push('…');
    }
    out
}

/// Classifies an error: `rules` (the provider's `[[errors]]`, first match wins), then
/// `dialect` (the dialect's own codes), then the HTTP status.
pub fn classify(
    rules: &[ErrorRule],
    dialect: Option<ErrorKind>,
    status: Option<u16>,
    code: Option<&str>,
    message: &str,
) -> ErrorKind {
    let lower = message.to_ascii_lowercase();
    let by_rule = rules.iter().find(|rule| {
        (rule.code.is_some() || rule.message_contains.is_some())
            && rule.code.is_none_or(|c| code == Some(c))
            && rule
                .message_contains
                .is_none_or(|m| lower.contains(&m.to_ascii_lowercase()))
    });
    if let Some(rule) = by_rule {
        return rule.kind;
    }
    if let Some(kind) = dialect {
        return kind;
    }
    match status {
        Some(401 | 403) => ErrorKind::BadKey,
        Some(402) => ErrorKind::Billing,
        Some(404) if lower.contains("model") => ErrorKind::UnknownModel,
        Some(429) => ErrorKind::RateLimit,
        Some(529) => ErrorKind::Overloaded,
        Some(s) if s >= 500 => ErrorKind::Server,
        _ => ErrorKind::BadRequest,
    }
}

/// An error reported by the provider, in any of its body shapes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// HTTP status (absent for an error inside a stream).
    pub status: Option<u16>,
    /// The provider's code, else the error's type (`invalid_api_key`, `Arrearage`,
    /// `overloaded_error`, …).
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
    #[error("cannot connect to {url}: {reason}")]
    Connect {
        /// The URL requested (never carries a key).
        url: String,
        /// Why (refused, reset, DNS).
        reason: String,
    },
    /// The connection broke.
    #[error("network error: {0}")]
    Network(String),
    /// The connection was not established in time.
    #[error("could not connect to {url} within {after:?}")]
    ConnectTimeout {
        /// The URL requested (never carries a key).
        url: String,
        /// The connect timeout.
        after: Duration,
    },
    /// The server sent nothing for too long in the middle of a response.
    #[error("the server sent nothing for {0:?}")]
    IdleTimeout(Duration),
    /// The stream ended before the dialect's end of stream.
    #[error("the stream ended early ({missing}): the answer is truncated")]
    Truncated {
        /// What never came, in the dialect's words (`no [DONE] and no finish_reason`).
        missing: &'static str,
    },
    /// The response was not what the protocol says.
    #[error("unexpected response: {0}")]
    Protocol(String),
    /// Refused before sending: the request cannot work (an image for a text-only model, …).
    #[error("{0}")]
    Invalid(String),
    /// Stopped: Ctrl-C, or (in the gateway) the client went away.
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
            ClientError::Connect { .. }
            | ClientError::Network(_)
            | ClientError::ConnectTimeout { .. } => true,
            _ => false,
        }
    }

    /// Whether a failure certainly happened before the server acted: a rate limit or a
    /// connection never made. Only these are retried for requests that must not run twice
    /// (creating a paid video task).
    pub fn is_retryable_without_duplicates(&self) -> bool {
        match self {
            ClientError::Api { error, .. } => error.kind == ErrorKind::RateLimit,
            ClientError::Connect { .. } | ClientError::ConnectTimeout { .. } => true,
            _ => false,
        }
    }
}

impl ClientError {
    /// The URL a connection to could not be made, when that is what failed.
    pub fn unreachable_url(&self) -> Option<&str> {
        match self {
            ClientError::Connect { url, .. } | ClientError::ConnectTimeout { url, .. } => Some(url),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_shape() {
        let envelope = ErrorBody::read(
            r#"{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"},"request_id":"r1"}"#,
        );
        assert_eq!(envelope.code.as_deref(), Some("invalid_api_key"));
        assert_eq!(envelope.kind.as_deref(), Some("invalid_request_error"));
        assert_eq!(envelope.request_id.as_deref(), Some("r1"));

        let flat =
            ErrorBody::read(r#"{"code":"Arrearage","message":"Access denied.","request_id":"r2"}"#);
        assert_eq!(
            (flat.code.as_deref(), flat.message.as_str()),
            (Some("Arrearage"), "Access denied.")
        );

        let plain = ErrorBody::read(r#"{"error":"only for some tools"}"#);
        assert_eq!(
            (plain.code, plain.message.as_str()),
            (None, "only for some tools")
        );

        let anthropic = ErrorBody::read(
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}"#,
        );
        assert_eq!(anthropic.kind.as_deref(), Some("overloaded_error"));
        assert_eq!(anthropic.request_id.as_deref(), Some("req_1"));

        let numeric =
            ErrorBody::read(r#"{"error":{"code":402,"message":"Insufficient credits."}}"#);
        assert_eq!(numeric.code.as_deref(), Some("402"));
    }

    #[test]
    fn an_unknown_shape_is_quoted_short_and_on_one_line() {
        assert_eq!(
            ErrorBody::read("<html>bad gateway</html>").message,
            "<html>bad gateway</html>"
        );
        assert_eq!(ErrorBody::read("  ").message, "(empty response body)");
        let page = format!("<html>\n<body>\n{}</body></html>", "é".repeat(300));
        let quoted = ErrorBody::read(&page).message;
        assert!(quoted.starts_with("<html> <body> éé"), "{quoted}");
        assert!(quoted.ends_with('…'));
        assert!(
            quoted.len() <= MAX_QUOTE + '…'.len_utf8(),
            "{}",
            quoted.len()
        );
        assert_eq!(
            ErrorBody::read(r#"{"unexpected":1}"#).message,
            r#"{"unexpected":1}"#
        );
    }

    #[test]
    fn rules_come_first_then_the_dialect_then_the_status() {
        let rules = [
            ErrorRule {
                code: Some("Arrearage"),
                message_contains: None,
                kind: ErrorKind::Billing,
            },
            ErrorRule {
                code: Some("invalid_parameter_error"),
                message_contains: Some("Is Not Supported"),
                kind: ErrorKind::NotOnPlan,
            },
        ];
        let kind =
            |dialect, status, code, message| classify(&rules, dialect, status, code, message);
        assert_eq!(
            kind(None, Some(400), Some("Arrearage"), "x"),
            ErrorKind::Billing
        );
        assert_eq!(
            kind(Some(ErrorKind::Server), Some(500), Some("Arrearage"), "x"),
            ErrorKind::Billing,
            "a provider rule wins over the dialect"
        );
        assert_eq!(
            kind(
                None,
                Some(400),
                Some("invalid_parameter_error"),
                "model `m` is not supported."
            ),
            ErrorKind::NotOnPlan,
            "code and message both match, the message case-insensitively"
        );
        assert_eq!(
            kind(None, Some(400), Some("invalid_parameter_error"), "bad role"),
            ErrorKind::BadRequest
        );
        assert_eq!(
            kind(Some(ErrorKind::Quota), Some(429), None, "x"),
            ErrorKind::Quota,
            "the dialect wins over the status"
        );
        for (status, expected) in [
            (401, ErrorKind::BadKey),
            (403, ErrorKind::BadKey),
            (402, ErrorKind::Billing),
            (429, ErrorKind::RateLimit),
            (529, ErrorKind::Overloaded),
            (502, ErrorKind::Server),
            (400, ErrorKind::BadRequest),
        ] {
            assert_eq!(kind(None, Some(status), None, "x"), expected, "{status}");
        }
        assert_eq!(
            kind(None, Some(404), None, "no such model"),
            ErrorKind::UnknownModel
        );
        assert_eq!(
            kind(None, Some(404), None, "no route"),
            ErrorKind::BadRequest
        );
        assert_eq!(kind(None, None, None, "x"), ErrorKind::BadRequest);
    }
}
