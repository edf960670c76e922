//! provcat-import: `provcat import models-dev` — the models.dev catalog as provcat
//! catalog TOML.
//!
//! The pipeline:
//!
//! 1. [`snapshot`]: read `providers/<id>/provider.toml` and every model file (base models
//!    under `models/` on demand), each parsed with spans;
//! 2. [`merge`]: resolve `base_model` (deep merge, then `base_model_omit`);
//! 3. [`fields`]: read each model field by field against models.dev's schema;
//! 4. [`route`] and [`convert`]: how it is called, and its facts by documented rules;
//! 5. [`assemble`]: families collapse into one provider with plans × regions (the
//!    [`mapping`] file says which), every other provider keeps its id;
//! 6. [`render`]: TOML with `#:schema` lines, checked by provcat-compiler in memory;
//! 7. [`folder`]: written as a whole, replacing an earlier import.
//!
//! Problems never stop the import: each becomes a [`report::Entry`] naming the models.dev
//! provider and model, and the catalog written always compiles. The same snapshot and
//! mapping always give the same bytes.

pub mod assemble;
pub mod convert;
pub mod differences;
pub mod fields;
pub mod folder;
pub mod mapping;
pub mod member;
pub mod merge;
pub mod output;
pub mod render;
pub mod report;
pub mod route;
pub mod snapshot;
pub mod toml_out;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use provcat_compiler::SourceFile;

pub use mapping::Mapping;
pub use report::Report;

/// What to import, and where.
#[derive(Clone, Debug)]
pub struct Options {
    /// The models.dev checkout (the folder holding `providers/` and `models/`).
    pub snapshot: PathBuf,
    /// The folder to write.
    pub out: PathBuf,
    /// Only these providers (models.dev ids, or a family's provcat id for all its members);
    /// empty: all.
    pub providers: Vec<String>,
    /// The mapping.
    pub mapping: Mapping,
}

/// Where the import is, for a progress indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Reading provider folders: `done` of `total`.
    Reading {
        /// Folders read.
        done: usize,
        /// Folders to read.
        total: usize,
    },
    /// Converting the models read.
    Converting,
    /// Checking the catalog with provcat's compiler.
    Checking,
    /// Writing the folder.
    Writing,
}

/// A failure that left nothing written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The snapshot folder cannot be read.
    #[error(transparent)]
    Snapshot(#[from] snapshot::SnapshotError),
    /// `--provider` names no provider of the snapshot or family of the mapping.
    #[error("no provider `{id}` in the snapshot{}", .suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownProvider {
        /// The id given.
        id: String,
        /// The closest id there is.
        suggestion: Option<String>,
    },
    /// The output folder cannot be written.
    #[error(transparent)]
    Folder(#[from] folder::FolderError),
    /// The catalog the import built does not compile: a bug of the import, reported with
    /// the compiler's diagnostics.
    #[error("the imported catalog does not compile (a bug of the import; please report it):\n{}", .0.render(false))]
    Invalid(Box<provcat_compiler::Report>),
}

/// Imports the snapshot into `options.out`; returns the report (already finished).
pub fn import(options: &Options, progress: &mut dyn FnMut(Step)) -> Result<Report, ImportError> {
    folder::check_target(&options.out)?;
    let keep = selection(options)?;
    let keep_fn = |id: &str| keep.as_ref().is_none_or(|k| k.contains(id));
    let mut snapshot =
        snapshot::Snapshot::read(&options.snapshot, Some(&keep_fn), &mut |done, total| {
            progress(Step::Reading { done, total })
        })?;
    progress(Step::Converting);
    let mut report = Report::default();
    let sources = std::mem::take(&mut snapshot.providers);
    report.summary.providers_read = sources.len();
    report.summary.models_read = sources.iter().map(|s| s.models.len()).sum();
    let mut members = Vec::new();
    for source in sources {
        if let Some(m) = member::read(source, &mut snapshot, &options.mapping, &mut report) {
            members.push(m);
        }
    }
    let providers = assemble::assemble(members, &options.mapping, &mut report);
    report.summary.providers_written = providers.len();
    report.summary.models_written = providers.iter().map(|p| p.models.len()).sum();
    report.summary.models_skipped = report.summary.models_read
        - report
            .providers
            .iter()
            .map(|p| p.models_written)
            .sum::<usize>();
    let license = std::fs::read_to_string(options.snapshot.join("LICENSE")).ok();
    let files = render::files(&providers, license.as_deref());
    progress(Step::Checking);
    check(&options.out, &files)?;
    progress(Step::Writing);
    folder::write(&options.out, &files)?;
    report.finish();
    Ok(report)
}

/// The models.dev ids to read, when `--provider` narrows them.
fn selection(options: &Options) -> Result<Option<BTreeSet<String>>, ImportError> {
    if options.providers.is_empty() {
        return Ok(None);
    }
    let dir = options.snapshot.join("providers");
    let present: BTreeSet<String> = std::fs::read_dir(&dir)
        .map_err(|_| snapshot::SnapshotError::NotASnapshot(options.snapshot.clone()))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut keep = BTreeSet::new();
    for id in &options.providers {
        if let Some(family) = options.mapping.families.get(id) {
            keep.extend(family.members.iter().map(|m| m.models_dev.clone()));
        } else if present.contains(id) {
            keep.insert(id.clone());
        } else {
            let known = present
                .iter()
                .map(String::as_str)
                .chain(options.mapping.families.keys().map(String::as_str));
            return Err(ImportError::UnknownProvider {
                id: id.clone(),
                suggestion: provcat_compiler::suggest::closest(id, known)
                    .first()
                    .map(|s| s.to_string()),
            });
        }
    }
    Ok(Some(keep))
}

/// Compiles the catalog files in memory, as they will be written under `out`.
fn check(out: &Path, files: &[(String, String)]) -> Result<(), ImportError> {
    let root = out.to_string_lossy();
    let sources: Vec<SourceFile> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".toml"))
        .map(|(path, text)| SourceFile::new(&root, path, text.as_str()))
        .collect();
    provcat_compiler::compile(&sources)
        .map(|_| ())
        .map_err(|report| ImportError::Invalid(Box::new(report)))
}
