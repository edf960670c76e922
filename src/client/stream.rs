//! Reading an answer: SSE chunks (parsed by [`super::sse`]) or one JSON body, into a
//! [`ChatOutcome`] that always holds what arrived so far, so a failure mid-stream keeps
//! the partial answer.
//!
//! DashScope's stream quirks are handled here: `usage: null` on every chunk but the last,
//! a usage chunk with `choices: []`, `reasoning_content` deltas with `content: null`,
//! comments and keep-alives, `[DONE]`, and an `error` frame after HTTP 200. A stream that
//! ends without `[DONE]` and without a `finish_reason` is [`ClientError::Truncated`].

use std::borrow::Cow;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::{ApiError, ClientError};
use super::sse::SseParser;

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
    /// Things that went oddly but not wrong (a malformed frame skipped, no `[DONE]`).
    #[serde(skip)]
    pub warnings: Vec<String>,
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

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    choices: Vec<Choice<'a>>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<Value>,
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
            outcome
                .warnings
                .push(format!("skipped a malformed stream frame ({e}): {shown}"));
            return Ok(Step::More);
        }
    };
    if chunk.error.is_some() {
        return Err(ClientError::Api {
            error: ApiError::parse(None, data),
            attempts: 1,
        });
    }
    apply_chunk(chunk, outcome, sink);
    Ok(Step::More)
}

fn apply_chunk(chunk: Chunk<'_>, outcome: &mut ChatOutcome, sink: &mut dyn Sink) {
    if let Some(model) = chunk.model
        && outcome.model != model
    {
        outcome.model = model.into_owned();
    }
    for choice in chunk.choices {
        if let Some(delta) = choice.delta.or(choice.message) {
            if let Some(text) = delta.reasoning_content.filter(|t| !t.is_empty()) {
                sink.reasoning(&text);
                if outcome.keep_text {
                    outcome.reasoning.push_str(&text);
                }
            }
            if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
                sink.content(&text);
                outcome.content_chars += text.chars().count();
                if outcome.keep_text {
                    outcome.content.push_str(&text);
                }
            }
        }
        if let Some(reason) = choice.finish_reason {
            outcome.finish_reason = Some(reason.into_owned());
        }
    }
    if let Some(usage) = chunk.usage {
        outcome.usage = Some(usage);
    }
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
            let data = event.map_err(|e| ClientError::Protocol(e.to_string()))?;
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
    outcome
        .warnings
        .push("the stream ended without [DONE] after its finish_reason".to_string());
    Ok(())
}

/// Reads a non-streaming JSON answer into `outcome`.
pub async fn read_json(
    response: reqwest::Response,
    idle: Duration,
    outcome: &mut ChatOutcome,
    sink: &mut dyn Sink,
) -> Result<(), ClientError> {
    let bytes = tokio::time::timeout(idle, response.bytes())
        .await
        .map_err(|_| ClientError::IdleTimeout(idle))?
        .map_err(|e| ClientError::Network(format!("the response broke: {e}")))?;
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
    apply_chunk(chunk, outcome, sink);
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
}
