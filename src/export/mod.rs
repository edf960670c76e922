//! Exporting the catalog in the formats other tools read: LiteLLM's
//! `model_prices_and_context_window.json`, a models.dev `providers/` tree, catwalk
//! (Charm's crush) provider files and an OpenClaw `models.providers` block.
//!
//! Every exporter works from the catalog tables in use ([`crate::catalog::Tables`]: the
//! built-in catalog, or the one installed with `--catalog` overlays) and returns an
//! [`Export`]: the files to write, as text, and the [`Note`]s saying what the target format
//! cannot express — nothing is dropped silently. The output depends only on the catalog:
//! providers, models and keys are sorted, so the same catalog gives the same bytes.
//!
//! - [`targets`]: which providers are exported, and the region × plan targets of each;
//! - [`names`]: the ids and names each format knows the providers by;
//! - [`litellm`], [`models_dev`], [`catwalk`], [`openclaw`]: one format each;
//! - [`write`]: writing an export (a file atomically, a folder whole) and `--check`.

pub mod catwalk;
pub mod litellm;
pub mod models_dev;
pub mod names;
mod notes;
pub mod openclaw;
pub mod targets;
pub mod write;

pub use notes::{Note, Notes};

use crate::catalog::Tables;

/// A format provcat exports to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// LiteLLM's `model_prices_and_context_window.json` entries (one file).
    Litellm,
    /// A models.dev `providers/<id>/provider.toml` + `models/*.toml` tree (a folder).
    ModelsDev,
    /// One catwalk provider JSON per region × plan (a folder).
    Catwalk,
    /// An OpenClaw config holding `models.providers` (one file).
    Openclaw,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [
        Format::Litellm,
        Format::ModelsDev,
        Format::Catwalk,
        Format::Openclaw,
    ];

    /// The name given on the command line.
    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Litellm => "litellm",
            Format::ModelsDev => "models-dev",
            Format::Catwalk => "catwalk",
            Format::Openclaw => "openclaw",
        }
    }

    /// Whether the format is a folder of files (else a single file).
    pub const fn is_folder(self) -> bool {
        matches!(self, Format::ModelsDev | Format::Catwalk)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an exporter produced.
#[derive(Debug, Default)]
pub struct Export {
    /// The files, as (path relative to the output folder, text), sorted by path. A
    /// single-file format has one file whose path is its usual name.
    pub files: Vec<(String, String)>,
    /// What the format could not express.
    pub notes: Notes,
}

/// An export that cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// `--provider` names no provider of the catalog.
    #[error("unknown provider `{input}`{}", hint(suggestions))]
    UnknownProvider {
        /// What was given.
        input: String,
        /// The closest provider ids, best first.
        suggestions: Vec<&'static str>,
    },
    /// Two exported providers would get the same id or name.
    #[error(
        "two exported providers would both be {what} `{value}`; export them separately with --provider"
    )]
    Clash {
        /// `id` or `name`.
        what: &'static str,
        /// The shared value.
        value: String,
    },
}

fn hint(suggestions: &[&str]) -> String {
    provcat_common::suggest::did_you_mean(suggestions)
        .map(|q| format!("; {q}"))
        .unwrap_or_default()
}

/// Exports the providers named in `providers` (ids or namespace aliases; all when empty)
/// of `tables` in `format`.
pub fn export(
    format: Format,
    tables: &'static Tables,
    providers: &[String],
) -> Result<Export, ExportError> {
    let selected = targets::select(tables, providers)?;
    let mut export = match format {
        Format::Litellm => litellm::export(&selected),
        Format::ModelsDev => models_dev::export(&selected),
        Format::Catwalk => catwalk::export(&selected),
        Format::Openclaw => openclaw::export(&selected),
    }?;
    export.files.sort_by(|a, b| a.0.cmp(&b.0));
    export.notes.sort();
    Ok(export)
}

/// The shortest decimal text of `value` per million turned into per token: the decimal
/// point moved six places, so `0.4` becomes `4e-7` exactly, without binary noise.
pub(crate) fn per_token(per_million: f64) -> f64 {
    format!("{per_million}e-6")
        .parse()
        .unwrap_or(per_million / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_token_moves_the_decimal_point_without_noise() {
        assert_eq!(per_token(0.4).to_string(), "0.0000004");
        assert_eq!(per_token(2.4), 0.0000024);
        assert_eq!(per_token(15.0), 0.000015);
        assert_eq!(per_token(0.0), 0.0);
        // Plain division leaves binary noise in some of these.
        assert!(
            [0.4, 1.2, 0.07, 3.3]
                .iter()
                .all(|&x| per_token(x) == format!("{x}e-6").parse::<f64>().unwrap())
        );
    }
}
