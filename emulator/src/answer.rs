//! What an answer says: its reasoning and content pieces, and its token counts (the formula
//! is documented on the crate).

use serde_json::{Value, json};

use crate::Answer;

/// The pieces of one answer, one stream chunk each.
pub(crate) struct Script {
    /// The request thinks: reasoning comes first and deltas carry `reasoning_content`.
    pub thinking: bool,
    pub reasoning: Vec<String>,
    pub content: Content,
    pub prompt_tokens: u64,
}

/// The content pieces.
pub(crate) enum Content {
    Pieces(Vec<String>),
    /// `chunks` times the same piece, never materialised.
    Repeat {
        piece: String,
        chunks: usize,
    },
}

impl Content {
    pub fn len(&self) -> usize {
        match self {
            Content::Pieces(pieces) => pieces.len(),
            Content::Repeat { chunks, .. } => *chunks,
        }
    }

    /// The whole content (for non-streaming answers).
    pub fn joined(&self) -> String {
        match self {
            Content::Pieces(pieces) => pieces.concat(),
            Content::Repeat { piece, chunks } => piece.repeat(*chunks),
        }
    }
}

/// The piece size of [`Answer::Echo`] (and of a `chunk_chars` of 0).
const DEFAULT_CHUNK_CHARS: usize = 4;

impl Script {
    /// The script answering `messages` (an array, checked by the caller).
    pub fn new(answer: &Answer, messages: &[Value], thinking: bool) -> Script {
        let (reasoning, content) = match answer {
            Answer::Echo => {
                let text = last_user_text(messages);
                let reasoning = format!("thinking about: {text}");
                let content = format!("echo: {text}");
                (
                    split(&reasoning, DEFAULT_CHUNK_CHARS),
                    Content::Pieces(split(&content, DEFAULT_CHUNK_CHARS)),
                )
            }
            Answer::Text {
                content,
                reasoning,
                chunk_chars,
            } => {
                let size = if *chunk_chars == 0 {
                    DEFAULT_CHUNK_CHARS
                } else {
                    *chunk_chars
                };
                let reasoning = reasoning.as_deref().map(|r| split(r, size));
                (
                    reasoning.unwrap_or_default(),
                    Content::Pieces(split(content, size)),
                )
            }
            Answer::Repeat { piece, chunks } => (
                Vec::new(),
                Content::Repeat {
                    piece: piece.clone(),
                    chunks: *chunks,
                },
            ),
        };
        let prompt_chars: usize = messages
            .iter()
            .map(|m| text_of(m.get("content")).chars().count())
            .sum();
        Script {
            thinking,
            reasoning: if thinking { reasoning } else { Vec::new() },
            content,
            prompt_tokens: (prompt_chars / 4 + 1) as u64,
        }
    }

    /// The `usage` object: see the crate docs for the formula.
    pub fn usage(&self) -> Value {
        let reasoning = self.reasoning.len() as u64;
        let completion = self.content.len() as u64 + reasoning;
        let mut usage = json!({
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
            "prompt_tokens_details": {"cached_tokens": 0},
        });
        if self.thinking {
            usage["completion_tokens_details"] = json!({"reasoning_tokens": reasoning});
        }
        usage
    }
}

/// The text of the last `user` message (empty if none).
fn last_user_text(messages: &[Value]) -> String {
    messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .map(|m| text_of(m.get("content")))
        .unwrap_or_default()
}

/// The text of a message content: a string, or its `text` parts joined with `"\n"`.
fn text_of(content: Option<&Value>) -> String {
    match content {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// Cuts `text` into pieces of `size` characters (the last may be shorter).
fn split(text: &str, size: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}
