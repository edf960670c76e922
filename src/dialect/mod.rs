//! Wire dialects: one module per protocol, each owning everything about it — the request
//! URL below the base URL, the auth headers, the body shaped from the surface's
//! capabilities and the model's facts, the stream decoder turning SSE events into the
//! common [`Event`](crate::client::events::Event)s, the non-streaming parser, and the
//! classification of the dialect's own error codes. Nothing outside these modules names a
//! protocol detail; everything here dispatches on [`Target::dialect`] with one `match`.
//!
//! - `openai-completions`: [`openai`];
//! - `anthropic-messages`: [`anthropic`] (its stream in `anthropic_stream`);
//! - `dashscope-video`, the asynchronous video task API: [`dashscope_video`].
//!
//! Errors are classified in one order for every dialect ([`Errors`]): the provider's
//! `[[errors]]` rules (of [`Target::provider`]), then the dialect's codes, then the status.

pub mod anthropic;
mod anthropic_stream;
pub mod dashscope_video;
pub mod openai;

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::catalog::{Dialect, ErrorRule, Modality};
use crate::client::error::{ErrorBody, classify};
use crate::client::events::{ChatOutcome, Sink};
use crate::client::sse::SseEvent;
use crate::client::video::TaskStatus;
use crate::client::{ApiError, ChatRequest, ClientError};
use crate::resolve::Target;
use crate::secret::ApiKey;
use crate::video::VideoRequest;

/// What one SSE event meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Keep reading.
    More,
    /// The dialect's end of stream (`[DONE]`, `message_stop`).
    Done,
}

/// How a target's errors are classified: its dialect and its provider's rules.
#[derive(Clone, Copy, Debug)]
pub struct Errors {
    /// The dialect, whose own codes come second.
    pub dialect: Dialect,
    /// The provider's `[[errors]]` rules, which come first.
    pub rules: &'static [ErrorRule],
}

impl Errors {
    /// The classification in force for `target`.
    pub fn of(target: &Target) -> Errors {
        Errors {
            dialect: target.dialect,
            rules: target.provider.map_or(&[], |p| p.errors),
        }
    }

    /// The error an error body (answered with `status`, `None` inside a stream) reports.
    pub fn error(&self, status: Option<u16>, body: &str) -> ApiError {
        let fields = ErrorBody::read(body);
        let own = match self.dialect {
            Dialect::OpenAiCompletions => {
                openai::classify(fields.code.as_deref(), fields.kind.as_deref())
            }
            Dialect::AnthropicMessages => {
                anthropic::classify(fields.kind.as_deref(), &fields.message)
            }
            Dialect::DashscopeVideo => dashscope_video::classify(fields.code.as_deref()),
        };
        let code = fields.code.or(fields.kind);
        let kind = classify(self.rules, own, status, code.as_deref(), &fields.message);
        ApiError {
            status,
            code,
            message: fields.message,
            request_id: fields.request_id,
            kind,
            retry_after: None,
        }
    }
}

/// The chat request URL of `target`: its base URL and the dialect's path.
pub fn chat_url(target: &Target) -> Result<String, ClientError> {
    let base = target.base_url.trim_end_matches('/');
    match target.dialect {
        Dialect::OpenAiCompletions => Ok(format!("{base}{}", openai::PATH)),
        Dialect::AnthropicMessages => Ok(format!("{base}{}", anthropic::PATH)),
        Dialect::DashscopeVideo => Err(not_chat(target)),
    }
}

fn not_chat(target: &Target) -> ClientError {
    ClientError::Invalid(format!(
        "{} speaks `{}`, which is not a chat dialect",
        target.base_url, target.dialect
    ))
}

/// Adds the headers that carry `key` as `dialect` wants it (Bearer, or `x-api-key` with
/// the API version).
pub fn add_auth(
    dialect: Dialect,
    key: &ApiKey,
    headers: &mut HeaderMap,
) -> Result<(), ClientError> {
    let unusable = || {
        ClientError::Invalid(format!(
            "the key {} contains characters HTTP headers cannot carry",
            key.masked()
        ))
    };
    match dialect {
        Dialect::OpenAiCompletions | Dialect::DashscopeVideo => {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
                .map_err(|_| unusable())?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        Dialect::AnthropicMessages => {
            let mut value = HeaderValue::from_str(key.expose()).map_err(|_| unusable())?;
            value.set_sensitive(true);
            headers.remove(AUTHORIZATION);
            headers.insert(HeaderName::from_static(anthropic::KEY_HEADER), value);
            headers.insert(
                HeaderName::from_static(anthropic::VERSION_HEADER),
                HeaderValue::from_static(anthropic::VERSION),
            );
        }
    }
    Ok(())
}

/// The wire body of `request` for `target`, or why it cannot be sent (checked before any
/// request: images for a model without image input, thinking for a model that does not
/// reason, and each dialect's own rules).
pub fn chat_body(target: &Target, request: &ChatRequest) -> Result<Value, ClientError> {
    if request.has_images()
        && let Some(model) = target.model
        && !model.input.contains(&Modality::Image)
    {
        return Err(ClientError::Invalid(format!(
            "{} takes {} input, not images; pick a model whose input includes images (`provcat models list`)",
            model.canonical_ref,
            model
                .input
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    check_effort(target, request)?;
    check_max_tokens(target, request)?;
    match target.dialect {
        Dialect::OpenAiCompletions => openai::body(target, request),
        Dialect::AnthropicMessages => anthropic::body(target, request),
        Dialect::DashscopeVideo => Err(not_chat(target)),
    }
}

/// The effort levels of `target`'s model, from its catalog `reasoning_controls` (empty for
/// a model the catalog does not know or gives no levels).
pub fn effort_levels(target: &Target) -> &'static [&'static str] {
    target
        .model
        .and_then(|m| m.reasoning_controls.as_ref())
        .map_or(&[], |c| c.effort_levels)
}

/// Checks `--effort` against the model's catalog effort levels (before any request, for
/// every dialect): an unknown level is refused with the closest levels, a model without
/// levels with a plain statement of that.
fn check_effort(target: &Target, request: &ChatRequest) -> Result<(), ClientError> {
    let Some(level) = request.effort.as_deref() else {
        return Ok(());
    };
    let levels = effort_levels(target);
    if levels.is_empty() {
        let why = match target.model {
            Some(_) => "the catalog lists no effort levels for it",
            None => "the catalog does not know this model, so it knows no effort levels",
        };
        return Err(ClientError::Invalid(format!(
            "{} takes no --effort: {why}; drop --effort (`provcat models show {}` lists its reasoning controls)",
            target.canonical_ref, target.canonical_ref
        )));
    }
    if levels.contains(&level) {
        return Ok(());
    }
    let hint = provcat_common::suggest::did_you_mean(&provcat_common::suggest::closest(
        level,
        levels.iter().copied(),
    ))
    .map(|d| format!("{d} "))
    .unwrap_or_default();
    Err(ClientError::Invalid(format!(
        "`{}` is not an effort level of {}; {hint}(its levels: {})",
        crate::escape::one_line(level),
        target.canonical_ref,
        levels.join(", ")
    )))
}

/// Checks `--max-tokens` against the model's catalog output limit (before any request):
/// 0 asks for nothing, and more than the limit is refused by the host after the request
/// was paid for or silently cut; both are refused here, with the limit.
fn check_max_tokens(target: &Target, request: &ChatRequest) -> Result<(), ClientError> {
    let Some(asked) = request.max_tokens else {
        return Ok(());
    };
    let limit = target.model.and_then(|m| m.max_output_tokens);
    let within = limit.map_or(String::new(), |l| format!(" up to {l}, its output limit"));
    if asked == 0 {
        return Err(ClientError::Invalid(format!(
            "--max-tokens 0 asks for no answer; give 1{within}"
        )));
    }
    match limit {
        Some(limit) if asked > limit => Err(ClientError::Invalid(format!(
            "--max-tokens {asked} is above the output limit of {}: {limit} tokens (the catalog's \
             max_output_tokens); give at most {limit}, or leave it out",
            target.canonical_ref
        ))),
        _ => Ok(()),
    }
}

/// Refuses `--thinking` for a model the catalog says does not reason (each dialect asks
/// after its own, more specific, refusals).
fn refuse_thinking_without_reasoning(
    target: &Target,
    request: &ChatRequest,
) -> Result<(), ClientError> {
    if request.thinking && target.model.is_some_and(|m| !m.reasoning) {
        return Err(ClientError::Invalid(format!(
            "{} does not reason; --thinking needs a reasoning model",
            target.canonical_ref
        )));
    }
    Ok(())
}

/// A stream decoder of the target's dialect.
#[derive(Debug)]
pub enum StreamDecoder {
    /// `openai-completions`.
    OpenAi(openai::Stream),
    /// `anthropic-messages`.
    Anthropic(anthropic_stream::Stream),
}

impl StreamDecoder {
    /// The decoder for `errors.dialect`.
    pub fn new(errors: Errors) -> Result<StreamDecoder, ClientError> {
        match errors.dialect {
            Dialect::OpenAiCompletions => Ok(StreamDecoder::OpenAi(openai::Stream::new(errors))),
            Dialect::AnthropicMessages => Ok(StreamDecoder::Anthropic(
                anthropic_stream::Stream::new(errors),
            )),
            Dialect::DashscopeVideo => Err(ClientError::Invalid(
                "the video task API does not stream".to_string(),
            )),
        }
    }

    /// Takes one SSE event into `outcome`, passing text to `sink`.
    pub fn event(
        &mut self,
        event: SseEvent<'_>,
        outcome: &mut ChatOutcome,
        sink: &mut dyn Sink,
    ) -> Result<Step, ClientError> {
        match self {
            StreamDecoder::OpenAi(s) => s.event(event.data, outcome, sink),
            StreamDecoder::Anthropic(s) => s.event(event, outcome, sink),
        }
    }

    /// The body ended before [`Step::Done`]: whether what came is a whole answer.
    pub fn end(&mut self, outcome: &mut ChatOutcome) -> Result<(), ClientError> {
        match self {
            StreamDecoder::OpenAi(s) => s.end(outcome),
            StreamDecoder::Anthropic(s) => s.end(outcome),
        }
    }
}

/// Reads a whole (non-streaming) answer `text` into `outcome`.
pub fn read_answer(
    errors: Errors,
    text: &str,
    outcome: &mut ChatOutcome,
    sink: &mut dyn Sink,
) -> Result<(), ClientError> {
    match errors.dialect {
        Dialect::OpenAiCompletions => openai::answer(text, errors, outcome, sink),
        Dialect::AnthropicMessages => anthropic::answer(text, errors, outcome, sink),
        Dialect::DashscopeVideo => Err(ClientError::Invalid(
            "the video task API has no chat answers".to_string(),
        )),
    }
}

/// One request of a video task API.
#[derive(Clone, Debug)]
pub struct TaskCall {
    /// The method.
    pub method: Method,
    /// The URL.
    pub url: String,
    /// The JSON body, if any.
    pub body: Option<Value>,
    /// Headers the dialect adds.
    pub headers: &'static [(&'static str, &'static str)],
}

fn not_video(target: &Target) -> ClientError {
    ClientError::Invalid(format!(
        "{} speaks `{}`, not a video task API",
        target.base_url, target.dialect
    ))
}

/// The request creating a video task for `request` (validated against the model's media
/// rules beforehand).
pub fn video_create(target: &Target, request: &VideoRequest) -> Result<TaskCall, ClientError> {
    match target.dialect {
        Dialect::DashscopeVideo => dashscope_video::create(target, request),
        _ => Err(not_video(target)),
    }
}

/// The request polling task `id` (a checked path segment).
pub fn video_poll(target: &Target, id: &str) -> Result<TaskCall, ClientError> {
    match target.dialect {
        Dialect::DashscopeVideo => Ok(dashscope_video::poll(target, id)),
        _ => Err(not_video(target)),
    }
}

/// The request cancelling task `id` (a checked path segment).
pub fn video_cancel(target: &Target, id: &str) -> Result<TaskCall, ClientError> {
    match target.dialect {
        Dialect::DashscopeVideo => Ok(dashscope_video::cancel(target, id)),
        _ => Err(not_video(target)),
    }
}

/// The id of the task a create answered.
pub fn video_created(target: &Target, json: &Value) -> Result<String, ClientError> {
    match target.dialect {
        Dialect::DashscopeVideo => dashscope_video::created(json),
        _ => Err(not_video(target)),
    }
}

/// The state of task `id` a poll answered.
pub fn video_status(target: &Target, id: &str, json: &Value) -> Result<TaskStatus, ClientError> {
    match target.dialect {
        Dialect::DashscopeVideo => Ok(dashscope_video::status(id, json)),
        _ => Err(not_video(target)),
    }
}

/// The first `max` elements of a JSON array; the rest are skipped without being kept, so
/// what is parsed stays small whatever the server sends.
pub(crate) fn first<'de, T, D>(d: D, max: usize) -> Result<Vec<T>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    use serde::de::{IgnoredAny, SeqAccess, Visitor};

    struct First<T> {
        max: usize,
        kept: std::marker::PhantomData<T>,
    }
    impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for First<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut kept = Vec::new();
            while kept.len() < self.max {
                match seq.next_element()? {
                    Some(item) => kept.push(item),
                    None => return Ok(kept),
                }
            }
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(kept)
        }
    }
    d.deserialize_seq(First {
        max,
        kept: std::marker::PhantomData,
    })
}
