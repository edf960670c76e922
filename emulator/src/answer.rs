//! What an answer says ([`Answer`]): its reasoning and content pieces, how `max_tokens`-style
//! limits, reasoning budgets and stop sequences cut them, and its token counts (the formula
//! is documented on the crate).

use serde_json::{Value, json};

/// How answers look (see [`crate::Emulator::set_answer`]).
#[derive(Clone, Debug, Default)]
pub enum Answer {
    /// Content = `"echo: "` + the last user message's text (text parts joined with `"\n"`);
    /// reasoning (for thinking streams) = `"thinking about: "` + the same; pieces of 4 chars.
    #[default]
    Echo,
    /// This exact content (and optional reasoning, sent only when the request thinks),
    /// streamed in pieces of `chunk_chars` characters (0 means 4).
    Text {
        content: String,
        reasoning: Option<String>,
        chunk_chars: usize,
    },
    /// A long stream for benchmarks: `chunks` content chunks each carrying `piece`, written
    /// as fast as the socket takes them (frames are batched into 16 KiB writes) without
    /// building the whole body in memory. Never sends reasoning; stop sequences do not
    /// apply to it.
    Repeat { piece: String, chunks: usize },
}

/// The pieces of one answer, one stream chunk each.
pub(crate) struct Script {
    /// The request thinks: reasoning comes first and deltas carry `reasoning_content`.
    pub thinking: bool,
    pub reasoning: Vec<String>,
    pub content: Content,
    /// The characters of prompt text counted so far (see [`Script::prompt_tokens`]).
    pub prompt_chars: usize,
    /// The piece size in characters.
    chunk: usize,
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
        let mut chunk = DEFAULT_CHUNK_CHARS;
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
                if *chunk_chars != 0 {
                    chunk = *chunk_chars;
                }
                let reasoning = reasoning.as_deref().map(|r| split(r, chunk));
                (
                    reasoning.unwrap_or_default(),
                    Content::Pieces(split(content, chunk)),
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
            prompt_chars,
            chunk,
        }
    }

    /// `prompt_chars / 4 + 1`.
    pub fn prompt_tokens(&self) -> u64 {
        (self.prompt_chars / 4 + 1) as u64
    }

    /// Reasoning pieces.
    pub fn reasoning_tokens(&self) -> u64 {
        self.reasoning.len() as u64
    }

    /// Reasoning and content pieces.
    pub fn output_tokens(&self) -> u64 {
        (self.reasoning.len() + self.content.len()) as u64
    }

    /// Keeps at most `budget` reasoning pieces.
    pub fn limit_reasoning(&mut self, budget: u64) {
        self.reasoning.truncate(clamp(budget));
    }

    /// Keeps at most `max` pieces in all, reasoning first; `true` when something was cut.
    pub fn limit(&mut self, max: u64) -> bool {
        let max = clamp(max);
        let before = self.reasoning.len() + self.content.len();
        self.reasoning.truncate(max);
        let room = max - self.reasoning.len();
        match &mut self.content {
            Content::Pieces(pieces) => pieces.truncate(room),
            Content::Repeat { chunks, .. } => *chunks = (*chunks).min(room),
        }
        self.reasoning.len() + self.content.len() < before
    }

    /// Cuts the content before the earliest occurrence of any of `sequences` (the first
    /// listed wins a tie) and re-splits it; returns the sequence that matched. Reasoning is
    /// not searched; [`Content::Repeat`] is left alone.
    pub fn cut_at_stop(&mut self, sequences: &[String]) -> Option<String> {
        let Content::Pieces(pieces) = &self.content else {
            return None;
        };
        let text = pieces.concat();
        let (at, sequence) = sequences
            .iter()
            .filter(|s| !s.is_empty())
            .filter_map(|s| text.find(s.as_str()).map(|at| (at, s)))
            .min_by_key(|(at, _)| *at)?;
        self.content = Content::Pieces(split(&text[..at], self.chunk));
        Some(sequence.clone())
    }

    /// The DashScope `usage` object: see the crate docs for the formula.
    pub fn usage(&self) -> Value {
        let reasoning = self.reasoning.len() as u64;
        let completion = self.content.len() as u64 + reasoning;
        let prompt_tokens = self.prompt_tokens();
        let mut usage = json!({
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": prompt_tokens + completion,
            "prompt_tokens_details": {"cached_tokens": 0},
        });
        if self.thinking {
            usage["completion_tokens_details"] = json!({"reasoning_tokens": reasoning});
        }
        usage
    }
}

/// A token count as a length (saturating on 32-bit targets).
fn clamp(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
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

/// The text of a message content: a string, or its `text` parts (OpenAI) or blocks
/// (Anthropic) joined with `"\n"`.
pub(crate) fn text_of(content: Option<&Value>) -> String {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Answer, Content, Script};

    fn script(answer: &Answer, thinking: bool) -> Script {
        Script::new(
            answer,
            &[json!({"role": "user", "content": "hello"})],
            thinking,
        )
    }

    #[test]
    fn the_earliest_stop_sequence_wins_then_the_first_listed() {
        let mut s = script(&Answer::Echo, false);
        let stops = [": h".to_owned(), ": ".to_owned(), "llo".to_owned()];
        assert_eq!(s.cut_at_stop(&stops).as_deref(), Some(": h"));
        assert!(matches!(&s.content, Content::Pieces(p) if p.concat() == "echo"));
        let mut s = script(&Answer::Echo, false);
        assert_eq!(s.cut_at_stop(&["".to_owned(), "zz".to_owned()]), None);
        assert_eq!(s.output_tokens(), 3);
    }

    #[test]
    fn limits_cut_reasoning_first_and_repeat_answers_too() {
        let mut s = script(&Answer::Echo, true);
        // 6 reasoning pieces, 3 content pieces.
        assert!(!s.limit(9));
        assert!(s.limit(7));
        assert_eq!((s.reasoning_tokens(), s.output_tokens()), (6, 7));
        assert!(s.limit(4));
        assert_eq!((s.reasoning_tokens(), s.output_tokens()), (4, 4));
        s.limit_reasoning(1);
        assert_eq!(s.reasoning.concat(), "thin");

        let repeat = Answer::Repeat {
            piece: "ab".into(),
            chunks: 10,
        };
        let mut s = script(&repeat, true);
        assert!(s.limit(3));
        assert_eq!(s.content.joined(), "ababab");
        assert_eq!(s.cut_at_stop(&["b".to_owned()]), None);
    }
}
