//! A chat request, whatever the dialect: the conversation (roles, text and image parts),
//! streaming, thinking, the reasoning effort and the output cap. Each dialect shapes it into its wire body
//! ([`crate::dialect`]).

/// Who speaks a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Instructions from the system.
    System,
    /// Instructions from the developer (sent as `system` where unsupported).
    Developer,
    /// The user.
    User,
    /// An earlier answer.
    Assistant,
}

impl Role {
    /// The role as chat APIs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::Developer => "developer",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One part of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Text.
    Text(String),
    /// An image: an `https://` URL or a `data:` URL.
    Image(String),
}

/// One message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Who speaks.
    pub role: Role,
    /// What is said.
    pub parts: Vec<Part>,
}

impl Message {
    /// A text-only message.
    pub fn text(role: Role, text: impl Into<String>) -> Message {
        Message {
            role,
            parts: vec![Part::Text(text.into())],
        }
    }
}

/// What to ask.
#[derive(Clone, Debug, Default)]
pub struct ChatRequest {
    /// The conversation.
    pub messages: Vec<Message>,
    /// Stream the answer (SSE).
    pub stream: bool,
    /// Ask the model to think (streaming only).
    pub thinking: bool,
    /// Cap on output tokens.
    pub max_tokens: Option<u32>,
    /// A reasoning effort level (`--effort`), one of the model's catalog `effort_levels`
    /// (checked by [`crate::dialect::chat_body`] before any request).
    pub effort: Option<String>,
}

impl ChatRequest {
    /// Whether any message carries an image.
    pub fn has_images(&self) -> bool {
        self.messages
            .iter()
            .any(|m| m.parts.iter().any(|p| matches!(p, Part::Image(_))))
    }
}
