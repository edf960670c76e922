//! provcat: a declarative LLM provider catalog, compiled into Rust tables.
//!
//! - [`catalog`]: the built-in providers, plans, regions, endpoints, auth choices and
//!   models, generated at build time from the TOML under `catalog/`, with lookups by ref,
//!   alias, auth choice id and host.
//! - [`config`]: the user's config file (TOML or JSON), its schema, the `.env` beside it.
//! - [`resolve`]: a ref + the config + the environment → a [`resolve::Target`]: endpoint,
//!   capabilities and key, each with the reason it is what it is.
//! - [`client`]: requests to a resolved target (SSE streaming, retries, errors, advice),
//!   whatever its dialect.
//! - [`dialect`]: one module per wire dialect, owning everything about its protocol.
//! - [`video`]: video requests checked against the catalog's media rules.
//! - [`cost`]: the cost of a call, from the catalog's prices (tiers, cache, reasoning) and
//!   the usage the server reported.
//! - [`secret`]: API keys that cannot be printed.
//! - [`onboard`]: what `provcat onboard` changes, computed before anything is written.
//! - [`atomic`]: files written whole through exclusive temporary files, and checked
//!   beforehand; [`lock`]: the config folder's lock held while onboarding.
//! - [`export`]: the catalog in LiteLLM's, models.dev's, catwalk's and OpenClaw's formats.
//! - [`warning`]: things that work but deserve a word, typed.
//! - [`redact`]: masking secrets in any text provcat prints; [`escape`]: escaping control
//!   characters in human-readable output.
//! - [`common`] (`provcat-common`): the catalog vocabulary, diagnostics and the span parser
//!   shared with the compiler.
//! - `compiler` (`provcat-compiler`, feature `compiler`): the compiler behind `build.rs`,
//!   `provcat catalog check` and run-time overlays ([`catalog::overlay`]).
//! - `import` (`provcat-import`, feature `cli`): `provcat import models-dev`, the
//!   models.dev catalog as a provcat catalog folder.
//!
//! Features: `cli` (default) builds the `provcat` binary and implies `compiler`. A program
//! embedding the runtime depends on `provcat` with `default-features = false`: tables,
//! config, resolution and client, without the command line's crates or the compiler.

pub mod atomic;
pub mod catalog;
pub mod client;
pub mod config;
pub mod cost;
pub mod dialect;
pub mod escape;
pub mod export;
pub mod lock;
pub mod onboard;
pub mod redact;
pub mod resolve;
pub mod secret;
pub mod video;
pub mod warning;

pub use provcat_common as common;
#[cfg(feature = "compiler")]
pub use provcat_compiler as compiler;
#[cfg(feature = "compiler")]
pub mod generated;
#[cfg(feature = "serve")]
pub mod serve;
#[cfg(feature = "cli")]
pub use provcat_import as import;
