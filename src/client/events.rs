//! The common event model every dialect's answer is turned into, and the [`ChatOutcome`]
//! that accumulates it.
//!
//! A dialect (see [`crate::dialect`]) decodes its stream or its whole answer into
//! [`Event`]s — text, reasoning, usage, the finish reason, the model's name, an error —
//! and hands each to [`ChatOutcome::apply`], which passes text to a [`Sink`] as it
//! arrives and keeps what the caller asked for. Whatever the dialect, the outcome has the
//! same shape: `usage` in `prompt_tokens` / `completion_tokens` / `total_tokens` (the
//! dialect's own numbers kept in `details`) and a [`FinishReason`] mapped to `stop`,
//! `length`, `tool_calls` or `content_filter`.
//!
//! Memory stays bounded whatever the server sends: the text kept (`keep_text`, on only
//! for `chat --json`) is at most [`ChatOutcome::text_limit`], and warnings are counted past
//! [`MAX_WARNINGS`]. An error keeps everything that arrived before it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::body::MAX_ANSWER_TEXT;
use super::error::{ApiError, ClientError, Oversized};

/// The most warnings kept; more are counted ([`ChatOutcome::finish_warnings`]).
pub const MAX_WARNINGS: usize = 10;

/// What [`Sink::flush`] returns: a future that resolves once the sink has passed on what
/// it holds, or with the error that ends the request (its reader went away).
pub type Flush<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ClientError>> + Send + 'a>>;

/// Where streamed text goes as it arrives.
pub trait Sink {
    /// A piece of reasoning.
    fn reasoning(&mut self, text: &str);
    /// A piece of the answer.
    fn content(&mut self, text: &str);
    /// Called after each read of a stream has been decoded, before the next read: a sink
    /// that relays text elsewhere (a gateway's client) waits here until its reader has
    /// room, so a slow reader slows the upstream read instead of growing a buffer, and a
    /// reader that went away ends the request. `None` (the default) is ready at once.
    fn flush(&mut self) -> Option<Flush<'_>> {
        None
    }
}

/// A sink that drops everything (the outcome still accumulates the text).
pub struct Discard;

impl Sink for Discard {
    fn reasoning(&mut self, _: &str) {}
    fn content(&mut self, _: &str) {}
}

/// Token usage in one shape for every dialect.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Usage {
    /// Tokens read: the prompt, cached or not.
    #[serde(default)]
    pub prompt_tokens: u64,
    /// Tokens written (reasoning included).
    #[serde(default)]
    pub completion_tokens: u64,
    /// Their sum.
    #[serde(default)]
    pub total_tokens: u64,
    /// Everything else the server said, in its own words
    /// (`completion_tokens_details.reasoning_tokens`, `cache_read_input_tokens`, …).
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

impl Usage {
    /// The reasoning tokens, when the server counted them apart.
    pub fn reasoning_tokens(&self) -> Option<u64> {
        self.details
            .get("completion_tokens_details")
            .and_then(|d| d.get("reasoning_tokens"))
            .and_then(Value::as_u64)
    }
}

/// Why an answer ended, in one vocabulary for every dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FinishReason {
    /// The model finished (or met a stop sequence).
    Stop,
    /// The output token limit cut it.
    Length,
    /// The model asks for tool calls.
    ToolCalls,
    /// Moderation or a refusal stopped it.
    ContentFilter,
    /// Anything else, as the server said it.
    Other(String),
}

impl FinishReason {
    /// The reason as printed (`stop`, `length`, `tool_calls`, `content_filter`, or the
    /// server's own word).
    pub fn as_str(&self) -> &str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ToolCalls => "tool_calls",
            FinishReason::ContentFilter => "content_filter",
            FinishReason::Other(other) => other,
        }
    }
}

impl std::fmt::Display for FinishReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FinishReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One thing an answer said, whatever its dialect.
#[derive(Debug)]
pub enum Event<'a> {
    /// The model that answers, as the server names it.
    Model(&'a str),
    /// A piece of reasoning.
    Reasoning(&'a str),
    /// A piece of the answer.
    Text(&'a str),
    /// Token usage so far (each replaces the last). Boxed, like the error, so the event
    /// stays small: text events, the common case, are moved once per chunk.
    Usage(Box<Usage>),
    /// Why the answer ended.
    Finish(FinishReason),
    /// Something went oddly but not wrong (a malformed frame skipped).
    Warning(String),
    /// The server reported an error: the answer ends with it.
    Error(Box<ApiError>),
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
    /// Why the answer ended, when the server said.
    pub finish_reason: Option<FinishReason>,
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
    /// Takes one event: text goes to `sink` and is kept (when `keep_text`); an
    /// [`Event::Error`] is returned as [`ClientError::Api`], as is going over the text
    /// limit — in both cases with everything before it kept.
    #[inline]
    pub fn apply(&mut self, event: Event<'_>, sink: &mut dyn Sink) -> Result<(), ClientError> {
        match event {
            Event::Model(model) => {
                if self.model != model {
                    self.model = model.to_string();
                }
            }
            Event::Reasoning(text) => {
                if !text.is_empty() {
                    sink.reasoning(text);
                    self.keep(text, true)?;
                }
            }
            Event::Text(text) => {
                if !text.is_empty() {
                    sink.content(text);
                    self.content_chars += text.chars().count();
                    self.keep(text, false)?;
                }
            }
            Event::Usage(usage) => self.usage = Some(*usage),
            Event::Finish(reason) => self.finish_reason = Some(reason),
            Event::Warning(warning) => self.warn(warning),
            Event::Error(error) => {
                return Err(ClientError::Api {
                    error: *error,
                    attempts: 1,
                });
            }
        }
        Ok(())
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_text_stops_at_its_limit_and_keeps_what_fits() {
        let mut outcome = ChatOutcome {
            text_limit: 10,
            ..ChatOutcome::default()
        };
        outcome.apply(Event::Text("12345"), &mut Discard).unwrap();
        outcome
            .apply(Event::Reasoning("67890"), &mut Discard)
            .unwrap();
        let err = outcome.apply(Event::Text("x"), &mut Discard).unwrap_err();
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
        assert_eq!(
            (outcome.content.as_str(), outcome.reasoning.as_str()),
            ("12345", "67890")
        );
        // Text that is not kept (streamed to a terminal) has no limit.
        let mut streamed = ChatOutcome {
            text_limit: 1,
            keep_text: false,
            ..ChatOutcome::default()
        };
        streamed.apply(Event::Text("12345"), &mut Discard).unwrap();
        assert_eq!(streamed.content_chars, 5);
        assert!(streamed.content.is_empty());
    }

    #[test]
    fn warnings_are_counted_past_the_tenth() {
        let mut outcome = ChatOutcome::default();
        outcome.finish_warnings();
        assert!(outcome.warnings.is_empty(), "nothing to count");
        for _ in 0..1000 {
            outcome
                .apply(Event::Warning("odd".into()), &mut Discard)
                .unwrap();
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
    fn finish_reasons_print_in_one_vocabulary() {
        let json = serde_json::to_value([
            FinishReason::Stop,
            FinishReason::Length,
            FinishReason::ToolCalls,
            FinishReason::ContentFilter,
            FinishReason::Other("pause_turn".into()),
        ])
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                "stop",
                "length",
                "tool_calls",
                "content_filter",
                "pause_turn"
            ])
        );
    }
}
