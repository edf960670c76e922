//! The closed vocabularies of the catalog — the enums a catalog file may use — and the
//! capability set of a chat surface.
//!
//! They are shared by the source model (deserialized from TOML, described in the
//! JSON Schemas) and by the runtime tables of the `provcat` crate, so a value has one
//! spelling everywhere: in TOML, in `--json` output and in generated Rust.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in catalog files and JSON output.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The Rust path of this value, for generated code.
            pub const fn rust_path(self) -> &'static str {
                match self { $($name::$variant => concat!(stringify!($name), "::", stringify!($variant))),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// A wire dialect: how requests and answers of one API surface are shaped. Each has one
    /// module in the runtime that owns everything about it.
    Dialect {
        /// OpenAI-compatible chat completions: `POST {base_url}/chat/completions`, Bearer
        /// auth, SSE `data:` frames ending with `[DONE]`.
        OpenAiCompletions = "openai-completions",
        /// Anthropic Messages: `POST {base_url}/v1/messages`, `x-api-key` auth, named SSE
        /// events ending with `message_stop`.
        AnthropicMessages = "anthropic-messages",
        /// DashScope's asynchronous video tasks: create under
        /// `{base_url}/api/v1/services/aigc/video-generation/video-synthesis`, poll
        /// `{base_url}/api/v1/tasks/{id}`.
        DashscopeVideo = "dashscope-video",
    }
}

impl Dialect {
    /// The surface this dialect serves.
    pub const fn surface(self) -> Surface {
        match self {
            Dialect::OpenAiCompletions | Dialect::AnthropicMessages => Surface::Chat,
            Dialect::DashscopeVideo => Surface::Video,
        }
    }

    /// The dialects that serve `surface`, in declaration order.
    pub fn serving(surface: Surface) -> impl Iterator<Item = Dialect> {
        Dialect::ALL
            .iter()
            .copied()
            .filter(move |d| d.surface() == surface)
    }
}

vocabulary! {
    /// How a chat surface switches a model's thinking (reasoning) on and off.
    ThinkingFormat {
        /// No switch: the model thinks or not as it was built.
        None = "none",
        /// Top-level `enable_thinking: true|false`, with an optional `thinking_budget`.
        EnableThinking = "enable-thinking",
        /// `thinking: {"type": "enabled" | "disabled"}`.
        ThinkingType = "thinking-type",
        /// `reasoning_effort: "<level>"`.
        ReasoningEffort = "reasoning-effort",
        /// `reasoning: {"effort": "<level>"}` or `{"max_tokens": N}`.
        ReasoningObject = "reasoning-object",
    }
}

vocabulary! {
    /// The request field that caps the output tokens.
    MaxTokensField {
        /// `max_tokens`.
        MaxTokens = "max_tokens",
        /// `max_completion_tokens` (required by reasoning models on some hosts).
        MaxCompletionTokens = "max_completion_tokens",
    }
}

vocabulary! {
    /// What kind of refusal a provider's error is, whatever its wire shape. Dialects map
    /// their own codes and statuses to these; providers map their extra codes and
    /// messages with `[[errors]]` rules.
    ErrorKind {
        /// The key was refused (bad, wrong region, or wrong plan for this host).
        BadKey = "bad-key",
        /// The plan does not (yet) serve this model.
        NotOnPlan = "not-on-plan",
        /// The model does not exist (or the key cannot see it).
        UnknownModel = "unknown-model",
        /// Too many requests for now; retrying later helps.
        RateLimit = "rate-limit",
        /// The service is overloaded for now; retrying later helps.
        Overloaded = "overloaded",
        /// The quota is used up; retrying does not help.
        Quota = "quota",
        /// The account cannot pay (arrears, no credit); retrying does not help.
        Billing = "billing",
        /// Content moderation refused the input or the output.
        Moderation = "moderation",
        /// The plan refuses this kind of use (e.g. only coding tools may use it).
        PlanRestricted = "plan-restricted",
        /// Another problem with the request.
        BadRequest = "bad-request",
        /// The server failed; retrying may help.
        Server = "server",
    }
}

impl ErrorKind {
    /// Whether waiting and sending the same request again can succeed.
    pub const fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::RateLimit | ErrorKind::Overloaded | ErrorKind::Server
        )
    }
}

vocabulary! {
    /// How a plan is billed.
    Billing {
        /// Billed per token or per second of output.
        PayAsYouGo = "pay-as-you-go",
        /// A subscription with a fixed quota.
        Subscription = "subscription",
    }
}

vocabulary! {
    /// An API surface an endpoint serves.
    Surface {
        /// Chat: a conversation in, an answer (streamed or not) out.
        Chat = "chat",
        /// Video generation through asynchronous tasks.
        Video = "video",
    }
}

vocabulary! {
    /// A kind of input a model accepts.
    Modality {
        /// Plain text.
        Text = "text",
        /// Images, as URLs or inline data.
        Image = "image",
        /// Video clips, as URLs.
        Video = "video",
        /// Audio clips.
        Audio = "audio",
        /// PDF documents.
        Pdf = "pdf",
    }
}

vocabulary! {
    /// What a model produces.
    ModelKind {
        /// A chat-completion model.
        Chat = "chat",
        /// A video-generation model driven by asynchronous tasks.
        Video = "video",
    }
}

vocabulary! {
    /// Where a model is in its life.
    LifecycleStatus {
        /// Generally available.
        Active = "active",
        /// An early test release; may change or disappear without notice.
        Alpha = "alpha",
        /// A test release; may change without notice.
        Beta = "beta",
        /// Available for testing; may change without notice.
        Preview = "preview",
        /// Still served, but scheduled for removal: use `replacement`.
        Deprecated = "deprecated",
        /// No longer served: requests fail; use `replacement`.
        Retired = "retired",
    }
}

vocabulary! {
    /// The stream field that carries a model's reasoning text.
    ReasoningField {
        /// `delta.reasoning_content` (DashScope, DeepSeek, Moonshot, Z.ai).
        ReasoningContent = "reasoning_content",
        /// `delta.reasoning` (OpenRouter, Groq, some vLLM builds).
        Reasoning = "reasoning",
        /// Thinking content blocks (Anthropic Messages).
        Thinking = "thinking",
    }
}

vocabulary! {
    /// Whether a plan serves a model.
    AvailabilityStatus {
        /// The plan serves the model.
        Available = "available",
        /// The model is listed, but the plan's API can reject it; `reason` says what to do.
        MayBeRejected = "may-be-rejected",
        /// The plan does not serve the model; `reason` says why.
        Unavailable = "unavailable",
    }
}

vocabulary! {
    /// The generation mode of a video model.
    VideoMode {
        /// Text to video: a prompt, no reference media.
        T2v = "t2v",
        /// Image to video: one first-frame image.
        I2v = "i2v",
        /// Reference to video: reference images and/or videos of characters.
        R2v = "r2v",
    }
}

vocabulary! {
    /// Where a video request carries its reference media.
    MediaField {
        /// No reference media.
        None = "none",
        /// `input.img_url`: a single image URL.
        ImgUrl = "img_url",
        /// `input.reference_urls`: a list of image or video URLs.
        ReferenceUrls = "reference_urls",
        /// `input.media`: a list of `{type, url}` objects (`reference_image`, `reference_video`).
        Media = "media",
    }
}

vocabulary! {
    /// How a typed model ref reached its model.
    RefVia {
        /// The canonical `<provider>/<id>` ref.
        Canonical = "canonical",
        /// The model's id under a namespace alias of its provider (`modelstudio/<id>`).
        NamespaceAlias = "namespace-alias",
        /// A ref alias declared by the model or the provider (`alibaba/wan2.6-t2v`).
        Alias = "alias",
    }
}

/// Capabilities of a chat surface's host. Each defaults to what a generic OpenAI-compatible
/// host does.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Capabilities {
    /// Streams report token usage when asked with `stream_options.include_usage`
    /// (default false).
    #[serde(default)]
    pub streaming_usage: bool,
    /// The `developer` message role is accepted; when false it is sent as `system`
    /// (default true).
    #[serde(default = "yes")]
    pub developer_role: bool,
    /// How thinking is switched on and off (default `none`).
    #[serde(default = "no_thinking_format")]
    pub thinking_format: ThinkingFormat,
    /// Thinking may only be switched on in streams: a non-streaming call to a model that
    /// thinks by default must switch it off (default false).
    #[serde(default)]
    pub thinking_needs_stream: bool,
    /// The field that caps output tokens (default `max_tokens`).
    #[serde(default = "max_tokens_field")]
    pub max_tokens_field: MaxTokensField,
}

impl Capabilities {
    /// What a host the catalog knows nothing about is assumed to support: the OpenAI wire
    /// protocol as OpenAI documents it, and nothing provider-specific.
    pub const GENERIC: Capabilities = Capabilities {
        streaming_usage: false,
        developer_role: true,
        thinking_format: ThinkingFormat::None,
        thinking_needs_stream: false,
        max_tokens_field: MaxTokensField::MaxTokens,
    };
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities::GENERIC
    }
}

fn yes() -> bool {
    true
}

fn no_thinking_format() -> ThinkingFormat {
    ThinkingFormat::None
}

fn max_tokens_field() -> MaxTokensField {
    MaxTokensField::MaxTokens
}
