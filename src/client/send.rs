//! Sending a request with retries (backon): rate limits, 5xx and connection failures are
//! retried with exponential backoff and jitter, honouring `Retry-After`, bounded in count
//! and in total delay. A retry only ever happens before a response body is handed on —
//! this function returns as soon as a success status arrives, and the caller reads the
//! body — so an answer is never paid for or printed twice.
//!
//! **Redirects.** The client never follows one (`Policy::none`): a 3xx answer is
//! [`ClientError::Redirected`], never retried, naming the origin of its `Location` (scheme,
//! host and port: never credentials, path or query). Following it would send the key, the
//! configured headers (`api-key` and the like, which reqwest only strips for
//! `Authorization` and cookies) and the prompt wherever the server points; a provider that
//! moved is reached by setting `baseUrl` to the final URL instead.
//!
//! **Bounds.** Waiting for the status line is bounded by the idle timeout; an error body
//! is read up to [`MAX_ERROR_BODY`] and the rest dropped.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::ClientOptions;
use super::body::{MAX_ERROR_BODY, read_start};
use super::error::ClientError;
use crate::dialect::{self, Errors};
use crate::resolve::Target;
use crate::secret::ApiKey;

/// POSTs `body` as JSON to `url` for `target`, retrying what may succeed later, and
/// returns the response (body unread) once its status is a success. `on_retry` hears
/// about each retry before its delay.
pub async fn post_json(
    http: &reqwest::Client,
    options: &ClientOptions,
    target: &Target,
    key: &ApiKey,
    url: &str,
    body: &Value,
    on_retry: &mut (dyn FnMut(&ClientError, Duration) + Send),
) -> Result<reqwest::Response, ClientError> {
    let call = Call {
        method: Method::POST,
        url,
        body: Some(body),
        extra: &[],
        retry_when: ClientError::is_retryable,
    };
    send(http, options, target, key, call, on_retry).await
}

/// One request to make, with what makes a failure worth retrying.
pub struct Call<'a> {
    /// The method.
    pub method: Method,
    /// The URL.
    pub url: &'a str,
    /// A JSON body, if any.
    pub body: Option<&'a Value>,
    /// Extra headers.
    pub extra: &'a [(&'static str, &'static str)],
    /// Which failures to retry.
    pub retry_when: fn(&ClientError) -> bool,
}

/// Makes `call` for `target` with retries, as [`post_json`] does.
pub async fn send(
    http: &reqwest::Client,
    options: &ClientOptions,
    target: &Target,
    key: &ApiKey,
    call: Call<'_>,
    on_retry: &mut (dyn FnMut(&ClientError, Duration) + Send),
) -> Result<reqwest::Response, ClientError> {
    let mut headers = headers(target, key)?;
    for (name, value) in call.extra {
        headers.insert(*name, HeaderValue::from_static(value));
    }
    let errors = Errors::of(target);
    let attempts = AtomicU32::new(0);
    let attempt = || async {
        attempts.fetch_add(1, Ordering::Relaxed);
        once(http, options, &call, headers.clone(), errors).await
    };
    let backoff = ExponentialBuilder::default()
        .with_min_delay(options.min_backoff)
        .with_max_delay(options.max_backoff)
        .with_max_times(options.retries)
        .with_total_delay(Some(options.retry_budget))
        .with_jitter();
    let budget = options.retry_budget;
    // backon bounds its own delays; a `Retry-After` replaces them, so the total is kept
    // here: a wait that would go past the budget ends the retries instead.
    let mut waited = Duration::ZERO;
    let result = attempt
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(call.retry_when)
        .adjust(|e, delay| {
            let next = match (retry_after(e), delay) {
                (Some(wait), Some(_)) => Some(wait),
                (_, delay) => delay,
            }?;
            if waited + next > budget {
                return None;
            }
            waited += next;
            Some(next)
        })
        .notify(|e, delay| on_retry(e, delay))
        .await;
    match result {
        Err(ClientError::Api { error, .. }) => Err(ClientError::Api {
            error,
            attempts: attempts.load(Ordering::Relaxed),
        }),
        result => result,
    }
}

fn headers(target: &Target, key: &ApiKey) -> Result<HeaderMap, ClientError> {
    let mut headers = HeaderMap::new();
    for (name, value) in &target.headers {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            ClientError::Invalid(format!(
                "`{name}` (in the config's headers) is not a valid HTTP header name"
            ))
        })?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            ClientError::Invalid(format!(
                "the value of header `{name}` (in the config) is not valid in HTTP"
            ))
        })?;
        headers.insert(name, value);
    }
    dialect::add_auth(target.dialect, key, &mut headers)?;
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(
        ACCEPT,
        HeaderValue::from_static("application/json, text/event-stream"),
    );
    Ok(headers)
}

/// One attempt: send, wait for the status line (bounded by the idle timeout), and turn a
/// redirect into [`ClientError::Redirected`] and an error status into an API error,
/// classified by `errors`.
async fn once(
    http: &reqwest::Client,
    options: &ClientOptions,
    call: &Call<'_>,
    headers: HeaderMap,
    errors: Errors,
) -> Result<reqwest::Response, ClientError> {
    let mut builder = http.request(call.method.clone(), call.url).headers(headers);
    if let Some(body) = call.body {
        builder = builder.json(body);
    }
    let sending = builder.send();
    let response = tokio::time::timeout(options.idle_timeout, sending)
        .await
        .map_err(|_| ClientError::IdleTimeout(options.idle_timeout))?
        .map_err(|e| network(e, call.url, options))?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    if status.is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok());
        return Err(ClientError::Redirected {
            status: status.as_u16(),
            to: location.and_then(|l| origin_of(response.url(), l)),
        });
    }
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let mut response = response;
    let bytes = read_start(&mut response, MAX_ERROR_BODY, options.idle_timeout).await;
    let mut error = errors.error(Some(status.as_u16()), &String::from_utf8_lossy(&bytes));
    error.retry_after = retry_after;
    Err(ClientError::Api { error, attempts: 1 })
}

/// The origin (`scheme://host:port`) a `Location` header points at, resolved against the
/// URL that answered; `None` when it is not a URL with a host. Credentials, path and query
/// are left out: they may carry secrets.
pub(crate) fn origin_of(answered: &url::Url, location: &str) -> Option<String> {
    let next = answered.join(location).ok()?;
    match next.origin() {
        origin @ url::Origin::Tuple(..) => Some(origin.ascii_serialization()),
        url::Origin::Opaque(_) => None,
    }
}

/// A failed send to `url` as an error that names the URL (which never carries a key)
/// once, and why: refused, reset, DNS, in reqwest's chain of causes.
fn network(e: reqwest::Error, url: &str, options: &ClientOptions) -> ClientError {
    if e.is_connect() && e.is_timeout() {
        return ClientError::ConnectTimeout {
            url: url.to_string(),
            after: options.connect_timeout,
        };
    }
    let connect = e.is_connect();
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    if connect {
        ClientError::Connect {
            url: url.to_string(),
            reason: message,
        }
    } else {
        ClientError::Network(format!("{url}: {message}"))
    }
}

fn retry_after(e: &ClientError) -> Option<Duration> {
    match e {
        ClientError::Api { error, .. } => error.retry_after,
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn a_location_is_shown_by_its_origin_only() {
        let answered = url::Url::parse("https://api.example/some/v1/chat/completions").unwrap();
        let origin = |l| origin_of(&answered, l);
        assert_eq!(
            origin("https://user:sk-secret0123456789@evil.example:8443/x?api_key=k#f").as_deref(),
            Some("https://evil.example:8443")
        );
        assert_eq!(
            origin("/elsewhere?token=t").as_deref(),
            Some("https://api.example")
        );
        assert_eq!(
            origin("http://127.0.0.1:9/v1").as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert_eq!(origin("data:text/plain,hi"), None);
    }
}
