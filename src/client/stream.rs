//! Reading an answer: SSE chunks (parsed by [`super::sse`]) or one JSON body, into a
//! [`ChatOutcome`] that always holds what arrived so far, so a failure mid-stream keeps
//! the partial answer.
//!
//! DashScope's stream quirks are handled here: `usage: null` on every chunk but the last,
//! a usage chunk with `choices: []`, `reasoning_content` deltas with `content: null`,
//! comments and keep-alives, `[DONE]`, and an `error` frame after HTTP 200. A stream that
//! ends without `[DONE]` and without a `finish_reason` is [`ClientError::Truncated`].
//!
//! Memory is bounded whatever the server sends (see [`super::body`]): a JSON answer is
//! read through [`read_limited`], one event is at most [`super::sse::MAX_LINE`], the text
//! kept (`keep_text`) is at most [`ChatOutcome::text_limit`], warnings are counted past
//! [`MAX_WARNINGS`], and a chunk is parsed into borrowed fields: at most
//! [`MAX_CHOICES`] choices, its `usage` only when under [`MAX_USAGE`], an `error` object
//! skipped until [`ApiError::parse`] reads it (itself bounded).

use std::borrow::Cow;
use std::time::Duration;

use serde::de::{IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::body::{MAX_ANSWER_TEXT, MAX_CHOICES, MAX_USAGE, read_limited};
use super::error::{ApiError, ClientError, Oversized};
use super::sse::{MAX_LINE, SseError, SseParser};

/// The most warnings kept; more are counted ([`ChatOutcome::finish_warnings`]).
pub const MAX_WARNINGS: usize = 10;

/// Where streamed text goes as it arrives.
pub trait Sink {
    /// A piece of reasoning.
    fn reasoning(&mut self, text: &str);
    /// A piece of the answer.
    fn content(&mut self, text: &str);
}

/// A sink that drops everything (the outcome still accumulates the text).
pub struct Discard;

impl Sink for Discard {
    fn reasoning(&mut self, _: &str) {}
    fn content(&mut self, _: &str) {}
}

/// Token usage as the server reported it.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Usage {
    /// Tokens in the prompt.
    #[serde(default)]
    pub prompt_tokens: u64,
    /// Tokens in the answer (reasoning included).
    #[serde(default)]
    pub completion_tokens: u64,
    /// Their sum.
    #[serde(default)]
    pub total_tokens: u64,
    /// Everything else the server said (`prompt_tokens_details.cached_tokens`,
    /// `completion_tokens_details.reasoning_tokens`, …).
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

/// An answer, complete or as far as it got.
#[derive(Clone, Debug, Serialize)]
pub struct ChatOutcome {
    /// The model that answered (as the server named it, else as requested).
    pub model: String,
    /// The answer text (empty unless `keep_text`).
    pub content: String,
    /// Characters of answer received (kept or not).
    #[serde(skip)]
    pub content_chars: usize,
    /// Whether to keep the text in `content` and `reasoning`. A caller that streams the
    /// text elsewhere (a terminal) turns it off, so a long answer is never held in memory.
    #[serde(skip)]
    pub keep_text: bool,
    /// The reasoning text, if the model reasoned.
    #[serde(serialize_with = "empty_as_null")]
    pub reasoning: String,
    /// Why the answer ended (`stop`, `length`, …), when the server said.
    pub finish_reason: Option<String>,
    /// Token usage, when the server reported it.
    pub usage: Option<Usage>,
    /// Things that went oddly but not wrong (a malformed frame skipped, no `[DONE]`):
    /// at most [`MAX_WARNINGS`], then a count.
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// Warnings past [`MAX_WARNINGS`], counted rather than kept.
    #[serde(skip)]
    pub suppressed_warnings: usize,
    /// The most bytes of text (content and reasoning together) kept when `keep_text`;
    /// more is [`ClientError::TooLarge`], the text so far kept. Default
    /// [`MAX_ANSWER_TEXT`]; [`super::Client::chat`] sets it from its options.
    #[serde(skip)]
    pub text_limit: usize,
}

impl ChatOutcome {
    /// Adds a warning, or counts it once [`MAX_WARNINGS`] are kept.
    pub fn warn(&mut self, warning: String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(warning);
        } else {
            self.suppressed_warnings += 1;
        }
    }

    /// Turns the count of suppressed warnings into a last warning (once).
    pub fn finish_warnings(&mut self) {
        if self.suppressed_warnings > 0 {
            self.warnings.push(format!(
                "{} more warnings like these were not shown",
                self.suppressed_warnings
            ));
            self.suppressed_warnings = 0;
        }
    }

    /// Keeps `text` (when `keep_text`) in `content` or `reasoning`, within `text_limit`.
    fn keep(&mut self, text: &str, reasoning: bool) -> Result<(), ClientError> {
        if !self.keep_text {
            return Ok(());
        }
        if self.content.len() + self.reasoning.len() + text.len() > self.text_limit {
            return Err(ClientError::TooLarge {
                what: Oversized::AnswerText,
                limit: self.text_limit,
            });
        }
        if reasoning {
            self.reasoning.push_str(text);
        } else {
            self.content.push_str(text);
        }
        Ok(())
    }
}

impl Default for ChatOutcome {
    fn default() -> Self {
        ChatOutcome {
            model: String::new(),
            content: String::new(),
            content_chars: 0,
            keep_text: true,
            reasoning: String::new(),
            finish_reason: None,
            usage: None,
            warnings: Vec::new(),
            suppressed_warnings: 0,
            text_limit: MAX_ANSWER_TEXT,
        }
    }
}

fn empty_as_null<S: serde::Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    if text.is_empty() {
        s.serialize_none()
    } else {
        s.serialize_str(text)
    }
}

/// A chat chunk or completion, borrowed from the text it was parsed from: nothing it
/// holds is larger than that text (the module docs say how).
#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "first_choices")]
    choices: Vec<Choice<'a>>,
    #[serde(borrow, default)]
    usage: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<IgnoredAny>,
}

/// The first [`MAX_CHOICES`] choices; the rest are skipped without being kept.
fn first_choices<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Vec<Choice<'a>>, D::Error> {
    struct First<'a>(std::marker::PhantomData<Choice<'a>>);
    impl<'de: 'a, 'a> Visitor<'de> for First<'a> {
        type Value = Vec<Choice<'a>>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of choices")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut choices = Vec::new();
            while choices.len() < MAX_CHOICES {
                match seq.next_element()? {
                    Some(choice) => choices.push(choice),
                    None => return Ok(choices),
                }
            }
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(choices)
        }
    }
    d.deserialize_seq(First(std::marker::PhantomData))
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(borrow, default)]
    delta: Option<Delta<'a>>,
    #[serde(borrow, default)]
    message: Option<Delta<'a>>,
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Default, Deserialize)]
struct Delta<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    reasoning_content: Option<Cow<'a, str>>,
}

/// What one SSE event meant.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Keep reading.
    More,
    /// `[DONE]`: the stream is complete.
    Done,
}

/// Applies one SSE event's data to `outcome`, passing new text to `sink`.
pub fn apply_event(
    data: &str,
    outcome: &mut ChatOutcome,
    sink: &mut dyn Sink,
) -> Result<Step, ClientError> {
    let data = data.trim();
    if data == "[DONE]" {
        return Ok(Step::Done);
    }
    if data.is_empty() {
        return Ok(Step::More);
    }
    let chunk: Chunk<'_> = match serde_json::from_str(data) {
        Ok(chunk) => chunk,
        Err(e) => {
            let shown: String = data.chars().take(80).collect();
            outcome.warn(format!("skipped a malformed stream frame ({e}): {shown}"));
            return Ok(Step::More);
        }
    };
    if chunk.error.is_some() {
        return Err(ClientError::Api {
            error: ApiError::parse(None, data),
            attempts: 1,
        });
    }
    apply_chunk(chunk, outcome, sink)?;
    Ok(Step::More)
}

/// Applies a parsed chunk; fails only when the kept text would go over its limit (what
/// fits is kept, and what arrived was passed to `sink`).
fn apply_chunk(
    chunk: Chunk<'_>,
    outcome: &mut ChatOutcome,
    sink: &mut dyn Sink,
) -> Result<(), ClientError> {
    if let Some(model) = chunk.model
        && outcome.model != model
    {
        outcome.model = model.into_owned();
    }
    for choice in chunk.choices {
        if let Some(delta) = choice.delta.or(choice.message) {
            if let Some(text) = delta.reasoning_content.filter(|t| !t.is_empty()) {
                sink.reasoning(&text);
                outcome.keep(&text, true)?;
            }
            if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
                sink.content(&text);
                outcome.content_chars += text.chars().count();
                outcome.keep(&text, false)?;
            }
        }
        if let Some(reason) = choice.finish_reason {
            outcome.finish_reason = Some(reason.into_owned());
        }
    }
    match chunk.usage.map(RawValue::get) {
        None | Some("null") => {}
        Some(raw) if raw.len() > MAX_USAGE => outcome.warn(format!(
            "skipped a usage object of {} bytes (more than {MAX_USAGE})",
            raw.len()
        )),
        Some(raw) => match serde_json::from_str(raw) {
            Ok(usage) => outcome.usage = Some(usage),
            Err(e) => outcome.warn(format!("skipped a malformed usage object ({e})")),
        },
    }
    Ok(())
}

/// Reads an SSE response to its end into `outcome`.
///
/// The idle timeout is one timer for the whole stream, re-armed only when it fires while
/// data is still flowing: arming a timer per read cost more than parsing the chunk.
pub async fn read_sse(
    mut response: reqwest::Response,
    idle: Duration,
    outcome: &mut ChatOutcome,
    sink: &mut dyn Sink,
) -> Result<(), ClientError> {
    let mut parser = SseParser::default();
    let mut last_read = tokio::time::Instant::now();
    let timer = tokio::time::sleep(idle);
    tokio::pin!(timer);
    loop {
        while let Some(event) = parser.next_event() {
            let data = event.map_err(|e| match e {
                SseError::LineTooLong | SseError::EventTooLong => ClientError::TooLarge {
                    what: Oversized::StreamEvent,
                    limit: MAX_LINE,
                },
                SseError::NotUtf8 => ClientError::Protocol(e.to_string()),
            })?;
            if apply_event(data, outcome, sink)? == Step::Done {
                return Ok(());
            }
        }
        let read = tokio::select! {
            biased;
            read = response.chunk() => read,
            () = &mut timer => {
                let deadline = last_read + idle;
                if tokio::time::Instant::now() >= deadline {
                    return Err(ClientError::IdleTimeout(idle));
                }
                timer.as_mut().reset(deadline);
                continue;
            }
        };
        last_read = tokio::time::Instant::now();
        match read.map_err(|e| ClientError::Network(format!("the stream broke: {e}")))? {
            Some(bytes) => parser.push(&bytes),
            None => break,
        }
    }
    if outcome.finish_reason.is_none() {
        return Err(ClientError::Truncated);
    }
    outcome.warn("the stream ended without [DONE] after its finish_reason".to_string());
    Ok(())
}

/// Reads a non-streaming JSON answer of at most `limit` bytes into `outcome`.
pub async fn read_json(
    mut response: reqwest::Response,
    idle: Duration,
    limit: usize,
    outcome: &mut ChatOutcome,
    sink: &mut dyn Sink,
) -> Result<(), ClientError> {
    let bytes = read_limited(&mut response, limit, idle, Oversized::ChatAnswer).await?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| ClientError::Protocol(format!("the answer is not UTF-8: {e}")))?;
    let chunk: Chunk<'_> = serde_json::from_str(text)
        .map_err(|e| ClientError::Protocol(format!("the answer is not a chat completion: {e}")))?;
    if chunk.error.is_some() {
        return Err(ClientError::Api {
            error: ApiError::parse(None, text),
            attempts: 1,
        });
    }
    apply_chunk(chunk, outcome, sink)?;
    if outcome.finish_reason.is_none() && outcome.content_chars == 0 {
        return Err(ClientError::Protocol(
            "the answer has no choices".to_string(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect(Vec<String>);

    impl Sink for Collect {
        fn reasoning(&mut self, text: &str) {
            self.0.push(format!("r:{text}"));
        }
        fn content(&mut self, text: &str) {
            self.0.push(format!("c:{text}"));
        }
    }

    #[test]
    fn follows_dashscope_chunks() {
        let frames = [
            r#"{"id":"1","model":"qwen3.5-plus","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":"think"},"finish_reason":null}],"usage":null}"#,
            r#"{"choices":[{"delta":{"content":"你好","reasoning_content":null},"finish_reason":null}],"usage":null}"#,
            r#"{"choices":[{"delta":{"content":""},"finish_reason":"stop"}],"usage":null}"#,
            r#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5,"completion_tokens_details":{"reasoning_tokens":1}}}"#,
            "[DONE]",
        ];
        let mut outcome = ChatOutcome::default();
        let mut sink = Collect::default();
        let steps: Vec<Step> = frames
            .iter()
            .map(|f| apply_event(f, &mut outcome, &mut sink).unwrap())
            .collect();
        assert_eq!(steps.last(), Some(&Step::Done));
        assert_eq!(sink.0, ["r:think", "c:你好"]);
        assert_eq!(outcome.content, "你好");
        assert_eq!(outcome.reasoning, "think");
        assert_eq!(outcome.model, "qwen3.5-plus");
        assert_eq!(outcome.finish_reason.as_deref(), Some("stop"));
        let usage = outcome.usage.unwrap();
        assert_eq!(
            (
                usage.prompt_tokens,
                usage.completion_tokens,
                usage.total_tokens
            ),
            (3, 2, 5)
        );
        assert_eq!(
            usage.details["completion_tokens_details"]["reasoning_tokens"],
            1
        );
    }

    #[test]
    fn an_error_frame_is_an_api_error_and_a_bad_frame_a_warning() {
        let mut outcome = ChatOutcome::default();
        assert_eq!(
            apply_event("{not json", &mut outcome, &mut Discard).unwrap(),
            Step::More
        );
        assert_eq!(outcome.warnings.len(), 1);
        let err = apply_event(
            r#"{"error":{"message":"Output data may contain inappropriate content.","type":"data_inspection_failed","code":"data_inspection_failed"}}"#,
            &mut outcome,
            &mut Discard,
        )
        .unwrap_err();
        assert!(
            matches!(err, ClientError::Api { ref error, .. } if error.kind == super::super::error::ErrorKind::Moderation),
            "{err:?}"
        );
    }

    #[test]
    fn the_kept_text_stops_at_its_limit_and_keeps_what_fits() {
        let mut outcome = ChatOutcome {
            text_limit: 10,
            ..ChatOutcome::default()
        };
        let frame = |text: &str| format!(r#"{{"choices":[{{"delta":{{"content":"{text}"}}}}]}}"#);
        apply_event(&frame("12345"), &mut outcome, &mut Discard).unwrap();
        apply_event(&frame("67890"), &mut outcome, &mut Discard).unwrap();
        let err = apply_event(&frame("x"), &mut outcome, &mut Discard).unwrap_err();
        assert!(
            matches!(
                err,
                ClientError::TooLarge {
                    what: Oversized::AnswerText,
                    limit: 10
                }
            ),
            "{err:?}"
        );
        assert_eq!(outcome.content, "1234567890");
        // Text that is not kept (streamed to a terminal) has no limit.
        let mut streamed = ChatOutcome {
            text_limit: 1,
            keep_text: false,
            ..ChatOutcome::default()
        };
        apply_event(&frame("12345"), &mut streamed, &mut Discard).unwrap();
        assert_eq!(streamed.content_chars, 5);
    }

    #[test]
    fn oversized_parts_of_a_chunk_are_skipped_not_kept() {
        let mut outcome = ChatOutcome::default();
        let choices: Vec<String> = (0..MAX_CHOICES + 5)
            .map(|i| format!(r#"{{"delta":{{"content":"{}"}}}}"#, i % 10))
            .collect();
        let big_usage = format!(r#"{{"prompt_tokens":1,"pad":"{}"}}"#, "x".repeat(MAX_USAGE));
        let data = format!(
            r#"{{"choices":[{}],"usage":{big_usage}}}"#,
            choices.join(",")
        );
        apply_event(&data, &mut outcome, &mut Discard).unwrap();
        assert_eq!(outcome.content.len(), MAX_CHOICES, "only the first choices");
        assert!(outcome.usage.is_none());
        assert!(
            outcome.warnings[0].contains("skipped a usage object"),
            "{:?}",
            outcome.warnings
        );
        // Choices that are not a list make the frame a warning that says what was expected.
        apply_event(r#"{"choices":1}"#, &mut outcome, &mut Discard).unwrap();
        assert!(
            outcome.warnings[1].contains("expected a list of choices"),
            "{:?}",
            outcome.warnings
        );
        // A malformed usage no longer costs the text of its chunk.
        let data = r#"{"choices":[{"delta":{"content":"ok"}}],"usage":"three"}"#;
        apply_event(data, &mut outcome, &mut Discard).unwrap();
        assert!(outcome.content.ends_with("ok"));
    }

    #[test]
    fn warnings_are_counted_past_the_tenth() {
        let mut outcome = ChatOutcome::default();
        outcome.finish_warnings();
        assert!(outcome.warnings.is_empty(), "nothing to count");
        for _ in 0..1000 {
            apply_event("{not json", &mut outcome, &mut Discard).unwrap();
        }
        assert_eq!(outcome.warnings.len(), MAX_WARNINGS);
        outcome.finish_warnings();
        assert_eq!(outcome.warnings.len(), MAX_WARNINGS + 1);
        assert_eq!(
            outcome.warnings.last().map(String::as_str),
            Some("990 more warnings like these were not shown")
        );
    }

    #[test]
    fn a_huge_error_frame_is_not_parsed_whole() {
        let pad = "x".repeat(super::super::body::MAX_ERROR_BODY);
        let data = format!(r#"{{"error":{{"message":"m","code":"c"}},"pad":"{pad}"}}"#);
        let err = apply_event(&data, &mut ChatOutcome::default(), &mut Discard).unwrap_err();
        let ClientError::Api { error, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!(error.code, None);
        assert!(error.message.starts_with(r#"{"error""#) && error.message.len() <= 300);
    }
}
