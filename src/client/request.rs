//! A chat request and its wire body, shaped by the target's capabilities (never by the
//! provider id): `developer` becomes `system` where the host rejects it,
//! `stream_options.include_usage` is asked for where the host reports streaming usage,
//! thinking flags are sent only where the host accepts them (and `enable_thinking: false`
//! on a non-streaming call to a model that thinks by default), and images are refused for
//! a model whose input has no images, before any request.

use serde_json::{Value, json};

use crate::catalog::{Modality, ThinkingFormat};
use crate::resolve::Target;

use super::ClientError;

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
    fn as_str(self) -> &'static str {
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
}

/// The JSON body for `request` against `target`, or why it cannot be sent.
pub fn body(target: &Target, request: &ChatRequest) -> Result<Value, ClientError> {
    let caps = target.capabilities.values();
    let has_images = request
        .messages
        .iter()
        .any(|m| m.parts.iter().any(|p| matches!(p, Part::Image(_))));
    if has_images
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
    // A custom provider on a catalog host borrows that provider's model facts.
    let thinks_by_default = target.model.is_some_and(|m| m.thinking_by_default);
    let switch = caps.thinking_format == ThinkingFormat::EnableThinking;
    if request.thinking {
        if !request.stream && caps.thinking_needs_stream {
            return Err(ClientError::Invalid(
                "thinking is only available when streaming; drop --no-stream or --thinking"
                    .to_string(),
            ));
        }
        if !switch {
            return Err(ClientError::Invalid(format!(
                "{} has no thinking switch ({})",
                target.base_url, target.capabilities.thinking_format.source
            )));
        }
        if target.model.is_some_and(|m| !m.reasoning) {
            return Err(ClientError::Invalid(format!(
                "{} does not reason; --thinking needs a reasoning model",
                target.canonical_ref
            )));
        }
    }

    let messages: Vec<Value> = request
        .messages
        .iter()
        .map(|m| {
            let role = match m.role {
                Role::Developer if !caps.developer_role => Role::System,
                role => role,
            };
            json!({ "role": role.as_str(), "content": content(&m.parts) })
        })
        .collect();
    let mut body = json!({
        "model": target.wire_id,
        "messages": messages,
        "stream": request.stream,
    });
    if request.stream && caps.streaming_usage {
        body["stream_options"] = json!({ "include_usage": true });
    }
    if switch {
        if request.thinking {
            body["enable_thinking"] = json!(true);
        } else if !request.stream && thinks_by_default && caps.thinking_needs_stream {
            body["enable_thinking"] = json!(false);
        }
    }
    if let Some(max) = request.max_tokens {
        body[caps.max_tokens_field.as_str()] = json!(max);
    }
    Ok(body)
}

/// A message's content: a plain string for one text part, else OpenAI content parts.
fn content(parts: &[Part]) -> Value {
    match parts {
        [Part::Text(text)] => Value::String(text.clone()),
        parts => Value::Array(
            parts
                .iter()
                .map(|p| match p {
                    Part::Text(text) => json!({ "type": "text", "text": text }),
                    Part::Image(url) => json!({ "type": "image_url", "image_url": { "url": url } }),
                })
                .collect(),
        ),
    }
}
