//! The closed vocabularies of the catalog: the enums a catalog file may use.
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
    /// The wire protocol a provider speaks for chat.
    ApiKind {
        /// OpenAI-compatible `POST {base_url}/chat/completions`.
        OpenAiCompletions = "openai-completions",
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
        /// OpenAI-compatible chat completions under `base_url`.
        Chat = "chat",
        /// The provider's native asynchronous video-generation API under `native_base_url`.
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
        /// Available for testing; may change without notice.
        Preview = "preview",
        /// Still served, but scheduled for removal: use `replacement`.
        Deprecated = "deprecated",
        /// No longer served: requests fail; use `replacement`.
        Retired = "retired",
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
