//! The Anthropic Messages stream: named SSE events into common events.
//!
//! | event | what it gives |
//! |---|---|
//! | `message_start` | the model; usage (input and cache counts, a placeholder output count) |
//! | `content_block_start` | a block's opening text, if any (usually empty) |
//! | `content_block_delta` | `text_delta` → answer text, `thinking_delta` → reasoning; `signature_delta` and `input_json_delta` carry nothing to show |
//! | `message_delta` | the stop reason; the cumulative usage, which updates `message_start`'s |
//! | `message_stop` | the end of the stream |
//! | `error` | the error (after HTTP 200): the answer ends with it, the text so far kept |
//! | `ping`, `content_block_stop`, others | nothing |
//!
//! The name is the SSE `event:` field, else the data's `type`. Only the events that carry
//! something are parsed, each into borrowed fields; a malformed one is skipped with a
//! warning. A stream that ends before `message_stop` is truncated.

use std::borrow::Cow;

use serde::Deserialize;

use crate::client::ClientError;
use crate::client::events::{ChatOutcome, Event, Sink};
use crate::client::sse::SseEvent;

use super::anthropic::{Block, RawUsage, finish_reason};
use super::{Errors, Step};

/// One event's data, borrowed from its text.
#[derive(Deserialize)]
struct Frame<'a> {
    #[serde(borrow, rename = "type", default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    delta: Option<Delta<'a>>,
    #[serde(borrow, default)]
    message: Option<Start<'a>>,
    #[serde(default)]
    usage: Option<RawUsage>,
    #[serde(borrow, default)]
    content_block: Option<Block<'a>>,
}

/// `content_block_delta`'s and `message_delta`'s `delta`.
#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow, rename = "type", default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    thinking: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    stop_reason: Option<Cow<'a, str>>,
}

/// `message_start`'s `message`.
#[derive(Deserialize)]
struct Start<'a> {
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(default)]
    usage: Option<RawUsage>,
}

/// The stream decoder: the usage so far, and how errors are classified.
#[derive(Debug)]
pub struct Stream {
    errors: Errors,
    usage: RawUsage,
}

impl Stream {
    /// A decoder whose `error` events are classified by `errors`.
    pub fn new(errors: Errors) -> Stream {
        Stream {
            errors,
            usage: RawUsage::default(),
        }
    }

    /// Takes one SSE event.
    pub fn event(
        &mut self,
        event: SseEvent<'_>,
        outcome: &mut ChatOutcome,
        sink: &mut dyn Sink,
    ) -> Result<Step, ClientError> {
        match event.name {
            "content_block_delta"
            | "message_start"
            | "message_delta"
            | "content_block_start"
            | "error"
            | "" => {}
            "message_stop" => return Ok(Step::Done),
            // `ping`, `content_block_stop`, and whatever a later API version adds.
            _ => return Ok(Step::More),
        }
        let frame: Frame<'_> = match serde_json::from_str(event.data) {
            Ok(frame) => frame,
            Err(e) => {
                let shown: String = event.data.chars().take(80).collect();
                let warning = format!("skipped a malformed stream frame ({e}): {shown}");
                outcome.apply(Event::Warning(warning), sink)?;
                return Ok(Step::More);
            }
        };
        let name = match event.name {
            "" => frame.kind.as_deref().unwrap_or_default(),
            name => name,
        };
        match name {
            "content_block_delta" => {
                if let Some(delta) = &frame.delta {
                    match delta.kind.as_deref() {
                        Some("text_delta") => {
                            if let Some(text) = &delta.text {
                                outcome.apply(Event::Text(text), sink)?;
                            }
                        }
                        Some("thinking_delta") => {
                            if let Some(text) = &delta.thinking {
                                outcome.apply(Event::Reasoning(text), sink)?;
                            }
                        }
                        _ => {}
                    }
                }
            }
            "content_block_start" => {
                if let Some(block) = &frame.content_block {
                    block.apply(outcome, sink)?;
                }
            }
            "message_start" => {
                if let Some(start) = &frame.message {
                    if let Some(model) = &start.model {
                        outcome.apply(Event::Model(model), sink)?;
                    }
                    if let Some(usage) = start.usage {
                        self.usage.update(usage);
                    }
                }
            }
            "message_delta" => {
                if let Some(reason) = frame.delta.as_ref().and_then(|d| d.stop_reason.as_ref()) {
                    outcome.apply(Event::Finish(finish_reason(reason)), sink)?;
                }
                if let Some(usage) = frame.usage {
                    self.usage.update(usage);
                    outcome.apply(Event::Usage(Box::new(self.usage.usage())), sink)?;
                }
            }
            "error" => {
                return outcome
                    .apply(
                        Event::Error(Box::new(self.errors.error(None, event.data))),
                        sink,
                    )
                    .map(|()| Step::Done);
            }
            "message_stop" => return Ok(Step::Done),
            _ => {}
        }
        Ok(Step::More)
    }

    /// The body ended before `message_stop`: the answer is truncated.
    pub fn end(&mut self, _outcome: &mut ChatOutcome) -> Result<(), ClientError> {
        Err(ClientError::Truncated {
            missing: "no message_stop",
        })
    }
}
