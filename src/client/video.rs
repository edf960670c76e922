//! Video tasks, whatever the task API: create, poll, cancel (each request shaped by the
//! target's dialect, [`crate::dialect`]), and download the result.
//!
//! Creating a task is paid for, so it is retried only when the server certainly did not
//! act (a rate limit, or a connection never made); polls and cancels are safe to retry.
//! Their answers are read up to [`super::body::MAX_TASK_BODY`], and no redirect of theirs
//! is followed (see `client::send`).
//!
//! The download goes to an exclusive temporary file beside the target
//! ([`crate::atomic::AtomicFile`]), capped in size and checked for a video content type,
//! then renamed — never a half-written video, and nothing left behind when it stops. It
//! sends no key and no configured header (result URLs are pre-signed), from a client of
//! its own; as object storage may redirect a result URL, it follows at most
//! [`MAX_DOWNLOAD_REDIRECTS`] redirects, and only from https to https
//! ([`follows_download_redirect`]); any other redirect ends it with an error naming the
//! origin it pointed at.

use std::path::Path;
use std::time::Duration;

use reqwest::redirect::Policy;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use super::body::read_limited;
use super::error::quote;
use super::send::{Call, origin_of, send};
use super::{Client, ClientError, Oversized, http_client};
use crate::atomic::{AtomicFile, FileError, Mode};
use crate::dialect::{self, TaskCall};
use crate::resolve::Target;
use crate::video::VideoRequest;

/// The most redirects a video download follows.
pub const MAX_DOWNLOAD_REDIRECTS: usize = 5;

/// Whether a download follows a redirect to `next`, having requested `previous` (the
/// video URL first): only https to https, at most [`MAX_DOWNLOAD_REDIRECTS`] in all.
pub fn follows_download_redirect(previous: &[Url], next: &Url) -> bool {
    previous.len() <= MAX_DOWNLOAD_REDIRECTS
        && !previous.is_empty()
        && previous.iter().all(|u| u.scheme() == "https")
        && next.scheme() == "https"
}

/// The state of a task as the server reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskStatus {
    /// The task id.
    pub task_id: String,
    /// `PENDING`, `RUNNING`, `SUCCEEDED`, `FAILED`, `CANCELED` or `UNKNOWN`.
    pub status: String,
    /// The video, once `SUCCEEDED` (expires after 24 h).
    pub video_url: Option<String>,
    /// Usage, once finished (`duration`, `video_count`, …).
    pub usage: Option<Value>,
    /// Why it failed (`FAILED`).
    pub code: Option<String>,
    /// The failure message (`FAILED`).
    pub message: Option<String>,
}

impl TaskStatus {
    /// Whether the task will not change any more.
    pub fn is_final(&self) -> bool {
        !matches!(self.status.as_str(), "PENDING" | "RUNNING")
    }
}

impl Client {
    fn key<'t>(&self, target: &'t Target) -> Result<&'t crate::secret::ApiKey, ClientError> {
        target.key.found.as_ref().map(|f| &f.key).ok_or_else(|| {
            ClientError::Invalid(format!(
                "no API key for `{}`: looked in {}",
                target.provider_id,
                target.key.searched.join(", ")
            ))
        })
    }

    /// Sends one task request and reads its JSON answer.
    async fn task_request(
        &self,
        target: &Target,
        call: TaskCall,
        retry_when: fn(&ClientError) -> bool,
        on_retry: &mut (dyn FnMut(&ClientError, Duration) + Send),
    ) -> Result<Value, ClientError> {
        let key = self.key(target)?;
        let call = Call {
            method: call.method,
            url: &call.url,
            body: call.body.as_ref(),
            extra: call.headers,
            retry_when,
        };
        let mut response = send(&self.http, &self.options, target, key, call, on_retry).await?;
        let limit = self.options.limits.task_body;
        let idle = self.options.idle_timeout;
        let bytes = read_limited(&mut response, limit, idle, Oversized::TaskAnswer).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            ClientError::Protocol(format!(
                "the answer is not JSON ({e}): {}",
                quote(&String::from_utf8_lossy(&bytes))
            ))
        })
    }

    /// Creates a task for `request` (validated against the model's media rules
    /// beforehand, [`crate::video::validate`]); returns its id. Creating is paid for, so
    /// only failures that certainly happened before the server acted are retried.
    pub async fn create_video_task(
        &self,
        target: &Target,
        request: &VideoRequest,
        on_retry: &mut (dyn FnMut(&ClientError, Duration) + Send),
    ) -> Result<String, ClientError> {
        let call = dialect::video_create(target, request)?;
        let retry = ClientError::is_retryable_without_duplicates;
        let json = self.task_request(target, call, retry, on_retry).await?;
        dialect::video_created(target, &json)
    }

    /// The task's current state.
    pub async fn video_task(
        &self,
        target: &Target,
        task_id: &str,
        on_retry: &mut (dyn FnMut(&ClientError, Duration) + Send),
    ) -> Result<TaskStatus, ClientError> {
        let call = dialect::video_poll(target, task_path(task_id)?)?;
        let json = self
            .task_request(target, call, ClientError::is_retryable, on_retry)
            .await?;
        dialect::video_status(target, task_id, &json)
    }

    /// Cancels a task (task APIs only allow it while it waits to start).
    pub async fn cancel_video_task(
        &self,
        target: &Target,
        task_id: &str,
        on_retry: &mut (dyn FnMut(&ClientError, Duration) + Send),
    ) -> Result<(), ClientError> {
        let call = dialect::video_cancel(target, task_path(task_id)?)?;
        self.task_request(target, call, ClientError::is_retryable, on_retry)
            .await?;
        Ok(())
    }

    /// Downloads `url` (no key and no configured header is sent: result URLs are
    /// pre-signed) to `path`: streamed to an exclusive temporary file beside it, at most
    /// `max_bytes`, only if the server says it is a video, then renamed into place — over an
    /// existing file only when `replace`. Redirects: see the module docs. Returns the size.
    /// `progress` hears the bytes so far. Dropping the future (Ctrl-C, SIGTERM) removes the
    /// temporary file.
    pub async fn download(
        &self,
        url: &str,
        path: &Path,
        max_bytes: u64,
        replace: bool,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<u64, ClientError> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(ClientError::Protocol(format!(
                "the video URL `{url}` is not http(s)"
            )));
        }
        let idle = self.options.idle_timeout;
        let redirects = Policy::custom(|attempt| {
            if follows_download_redirect(attempt.previous(), attempt.url()) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let http = http_client(&self.options, redirects)?;
        let mut response = tokio::time::timeout(idle, http.get(url).send())
            .await
            .map_err(|_| ClientError::IdleTimeout(idle))?
            .map_err(|e| ClientError::Network(format!("cannot download the video: {e}")))?;
        let status = response.status();
        if status.is_redirection() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| origin_of(response.url(), l));
            return Err(ClientError::Protocol(format!(
                "the video download answered HTTP {status}, a redirect to {}, which is not followed: downloads follow at most {MAX_DOWNLOAD_REDIRECTS} redirects, from https to https only; nothing was written",
                to.as_deref().unwrap_or("no usable location")
            )));
        }
        if !status.is_success() {
            return Err(ClientError::Protocol(format!(
                "the video download answered HTTP {status} (result URLs expire after 24 h)"
            )));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        if !(content_type.starts_with("video/")
            || content_type.starts_with("application/octet-stream"))
        {
            return Err(ClientError::Protocol(format!(
                "the download is not a video (content type `{content_type}`); nothing was written"
            )));
        }
        let total = response.content_length();
        if let Some(len) = total.filter(|len| *len > max_bytes) {
            return Err(ClientError::Invalid(format!(
                "the video is {len} bytes, over the {max_bytes}-byte limit; nothing was written (raise --max-download-mb)"
            )));
        }
        let file_error = |e: FileError| ClientError::Invalid(e.to_string());
        // Removed when dropped unless committed: on any error below, and when this future
        // is dropped half-way (Ctrl-C, SIGTERM).
        let mut file = AtomicFile::create(path, Mode::Default).map_err(file_error)?;
        let mut written: u64 = 0;
        loop {
            let chunk = tokio::time::timeout(idle, response.chunk())
                .await
                .map_err(|_| ClientError::IdleTimeout(idle))?
                .map_err(|e| ClientError::Network(format!("the download broke: {e}")))?;
            let Some(chunk) = chunk else { break };
            written += chunk.len() as u64;
            if written > max_bytes {
                return Err(ClientError::Invalid(format!(
                    "the video is over the {max_bytes}-byte limit; nothing was written (raise --max-download-mb)"
                )));
            }
            file.write_all(&chunk).map_err(file_error)?;
            progress(written, total);
        }
        let committed = if replace {
            file.commit()
        } else {
            file.commit_new()
        };
        committed.map_err(|e| match e {
            FileError::Exists { .. } => ClientError::Invalid(format!(
                "{e}: it appeared during the download and was not replaced"
            )),
            e => file_error(e),
        })?;
        Ok(written)
    }
}

/// A task id as a URL path segment: ids are letters, digits and dashes; anything else is
/// refused rather than sent.
fn task_path(task_id: &str) -> Result<&str, ClientError> {
    let ok = !task_id.is_empty()
        && task_id.len() <= 128
        && task_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(task_id)
    } else {
        Err(ClientError::Invalid(format!(
            "`{task_id}` is not a task id (letters, digits and dashes)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(list: &[&str]) -> Vec<Url> {
        list.iter().map(|u| Url::parse(u).unwrap()).collect()
    }

    #[test]
    fn downloads_follow_only_a_few_https_redirects() {
        let next = Url::parse("https://oss.example/v.mp4?Signature=s").unwrap();
        assert!(follows_download_redirect(
            &urls(&["https://video.example/v.mp4"]),
            &next
        ));
        // From http, or to http, is never followed.
        assert!(!follows_download_redirect(
            &urls(&["http://127.0.0.1:1/v.mp4"]),
            &next
        ));
        assert!(!follows_download_redirect(
            &urls(&["https://a.example/v.mp4"]),
            &Url::parse("http://b.example/v.mp4").unwrap()
        ));
        assert!(!follows_download_redirect(
            &urls(&["https://a.example/1", "http://b.example/2"]),
            &next
        ));
        let chain: Vec<String> = (0..=MAX_DOWNLOAD_REDIRECTS)
            .map(|i| format!("https://a.example/{i}"))
            .collect();
        let chain: Vec<&str> = chain.iter().map(String::as_str).collect();
        assert!(follows_download_redirect(
            &urls(&chain[..MAX_DOWNLOAD_REDIRECTS]),
            &next
        ));
        assert!(!follows_download_redirect(&urls(&chain), &next));
        assert!(!follows_download_redirect(&[], &next));
    }
}
