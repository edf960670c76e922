//! provcat: a declarative LLM provider catalog, compiled into Rust tables.
//!
//! - [`catalog`]: the built-in providers, plans, regions, endpoints, auth choices and
//!   models, generated at build time from the TOML under `catalog/`, with lookups by ref,
//!   alias, auth choice id and host.
//! - [`provcat_compiler`] (re-exported as [`compiler`]): the compiler behind `build.rs`
//!   and `provcat catalog check`.

pub mod catalog;

pub use provcat_compiler as compiler;
