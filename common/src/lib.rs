//! provcat-common: what provcat's compiler (at build time) and its runtime (reading the
//! user's config) both need, and nothing else:
//!
//! - [`vocab`]: the closed vocabularies of the catalog (dialects, surfaces, kinds, error
//!   kinds, capabilities), one spelling everywhere;
//! - [`diagnostic`]: located problems and their rustc-style rendering;
//! - [`tree`]: TOML parsed into JSON values with the span of every value;
//! - [`validate`]: JSON Schema errors as located diagnostics;
//! - [`prune`]: what can still be checked in a file that failed its schema;
//! - [`schema_form`]: the editor-friendly shape of the generated JSON Schemas;
//! - [`suggest`]: "did you mean";
//! - [`folder`]: generated folders (an import, an export) written whole, never over a
//!   folder their command did not write.

pub mod diagnostic;
pub mod folder;
pub mod prune;
pub mod schema_form;
pub mod suggest;
pub mod tree;
pub mod validate;
pub mod vocab;

pub use diagnostic::{Diagnostic, Related, Report, Rule};

/// The command that regenerates every committed generated file (the schemas and the
/// provider pages) from `catalog/`; generated files and drift tests name it.
pub const REGENERATE: &str = "cargo run -- catalog generate";
