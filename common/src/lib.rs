//! provcat-common: what provcat's compiler (at build time) and its runtime (reading the
//! user's config) both need, and nothing else:
//!
//! - [`vocab`]: the closed vocabularies of the catalog (dialects, surfaces, kinds, error
//!   kinds, capabilities), one spelling everywhere;
//! - [`diagnostic`]: located problems and their rustc-style rendering;
//! - [`tree`]: TOML parsed into JSON values with the span of every value;
//! - [`validate`]: JSON Schema errors as located diagnostics;
//! - [`suggest`]: "did you mean";
//! - [`folder`]: generated folders (an import, an export) written whole, never over a
//!   folder their command did not write.

pub mod diagnostic;
pub mod folder;
pub mod suggest;
pub mod tree;
pub mod validate;
pub mod vocab;

pub use diagnostic::{Diagnostic, Related, Report, Rule};
