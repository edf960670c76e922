//! HTTP requests to the resolved target, in its dialect ([`crate::dialect`]): chat,
//! streamed (SSE) or not, and video tasks, over reqwest with rustls. Nothing here knows a
//! protocol: URLs, auth headers, bodies, stream decoding and error codes are the
//! dialect's; this module sends, retries, bounds what it reads and accumulates the
//! [`events`] every dialect's answer becomes.
//!
//! Two rules hold for every request, whatever the server does:
//! - **no redirect of an API call is followed** (chat, video create, poll and cancel):
//!   reqwest's own policy would strip only `Authorization` and cookies, so a configured
//!   header such as `api-key` and the prompt would follow a 307 to another host. A
//!   redirect is [`ClientError::Redirected`] instead, naming where it pointed (its origin
//!   only). Video downloads, which send no key and no configured header, follow at most
//!   [`video::MAX_DOWNLOAD_REDIRECTS`] redirects, https to https only;
//! - **every body read is capped** ([`body`]), so memory stays bounded.
//!
//! - [`request`]: the request, whatever the dialect;
//! - `send`: retries (backon) before the first byte of a body, never after; no redirects;
//! - [`body`]: the limits on what is read, and the capped readers;
//! - [`sse`]: the SSE parser (event names and data);
//! - [`events`]: the common event model and the [`ChatOutcome`] that keeps partial text;
//! - [`stream`]: reading SSE or JSON answers through the dialect's decoder;
//! - [`video`]: video tasks (create, poll, cancel, download);
//! - [`error`]: the error taxonomy, the generic error body shapes, the classification;
//! - [`advice`]: what to do about an error, given the target.

pub mod advice;
pub mod body;
pub mod error;
pub mod events;
pub mod request;
mod send;
pub mod sse;
pub mod stream;
pub mod video;

use std::time::Duration;

pub use body::Limits;
pub use error::{ApiError, ClientError, ErrorKind, Oversized};
pub use events::{ChatOutcome, Discard, Event, FinishReason, Flush, Sink, Usage};
pub use request::{ChatRequest, Message, Part, Role};
pub use video::TaskStatus;

use crate::dialect::{self, Errors, StreamDecoder};
use crate::resolve::Target;

/// Timeouts, retry bounds and body limits.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// How long to wait for a connection.
    pub connect_timeout: Duration,
    /// How long a response may stay silent (before its headers, or between reads).
    pub idle_timeout: Duration,
    /// Retries after the first attempt (rate limits, 5xx, connection failures).
    pub retries: usize,
    /// The first backoff delay.
    pub min_backoff: Duration,
    /// The largest backoff delay.
    pub max_backoff: Duration,
    /// The most time spent waiting between attempts, in all.
    pub retry_budget: Duration,
    /// The most read from a server ([`body`]); tests lower them to reach them quickly.
    pub limits: Limits,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(120),
            retries: 3,
            min_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            retry_budget: Duration::from_secs(30),
            limits: Limits::default(),
        }
    }
}

/// A client for one or more requests.
pub struct Client {
    http: reqwest::Client,
    options: ClientOptions,
}

impl Client {
    /// A client with `options` (TLS by rustls with the ring provider, platform roots),
    /// which never follows a redirect.
    pub fn new(options: ClientOptions) -> Result<Client, ClientError> {
        let http = http_client(&options, reqwest::redirect::Policy::none())?;
        Ok(Client { http, options })
    }

    /// Sends `request` to `target` and reads the answer into `outcome`, passing text to
    /// `sink` as it arrives. On error, `outcome` holds what arrived before it.
    pub async fn chat(
        &self,
        target: &Target,
        request: &ChatRequest,
        outcome: &mut ChatOutcome,
        sink: &mut (dyn Sink + Send),
        on_retry: &mut (dyn FnMut(&ClientError, Duration) + Send),
    ) -> Result<(), ClientError> {
        let body = dialect::chat_body(target, request)?;
        let Some(found) = &target.key.found else {
            return Err(ClientError::Invalid(format!(
                "no API key for `{}`: looked in {}. Run `provcat onboard --auth-choice <id>` or set {}",
                target.provider_id,
                target.key.searched.join(", "),
                target
                    .key_env
                    .first()
                    .map_or("the provider's key variable", String::as_str)
            )));
        };
        outcome.model = target.model_id.clone();
        outcome.text_limit = self.options.limits.answer_text;
        let url = dialect::chat_url(target)?;
        let errors = Errors::of(target);
        let mut decoder = StreamDecoder::new(errors)?;
        let response = send::post_json(
            &self.http,
            &self.options,
            target,
            &found.key,
            &url,
            &body,
            on_retry,
        )
        .await?;
        let idle = self.options.idle_timeout;
        let is_sse = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        let result = if request.stream && is_sse {
            stream::read_sse(response, idle, &mut decoder, outcome, sink).await
        } else {
            let limit = self.options.limits.json_body;
            stream::read_json(response, idle, limit, errors, outcome, sink).await
        };
        outcome.finish_warnings();
        result
    }
}

/// A reqwest client with `options`' connect timeout and the `redirect` policy.
fn http_client(
    options: &ClientOptions,
    redirect: reqwest::redirect::Policy,
) -> Result<reqwest::Client, ClientError> {
    // Installing twice is harmless: the first provider stays.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .user_agent(concat!("provcat/", env!("CARGO_PKG_VERSION")))
        .redirect(redirect)
        .build()
        .map_err(|e| ClientError::Network(format!("cannot set up HTTP: {e}")))
}
