//! Every committed generated file, from one place: the catalog files' JSON Schemas
//! (`schemas/catalog/`), the config file's schema (`schemas/config.schema.json`, which lists
//! the catalog's refs and auth choices) and the provider pages (`docs/providers/`).
//!
//! [`generate`] renders them all from a checkout's `catalog/` folder; [`drift`] compares
//! them with what is committed (naming each stale file and its first differing line);
//! [`write`] brings the checkout in line, atomically, file by file. `provcat catalog
//! generate` ([`COMMAND`]) is the command line over these three, and every drift test
//! names it. A generated file added later belongs in [`generate`], nowhere else.

use std::path::{Path, PathBuf};

use crate::compiler::{self, Report, docs, schema};

/// The command that regenerates every committed generated file, as the drift tests and
/// the files' own headers name it.
pub const COMMAND: &str = compiler::REGENERATE;

/// One generated file: its path relative to the checkout's root, with `/` separators,
/// and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// `schemas/config.schema.json`, `docs/providers/qwen.md`, …
    pub path: String,
    /// The full text, as it must be committed.
    pub text: String,
}

/// Why the files could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The catalog has problems (diagnostics in the report); nothing is generated.
    #[error("the catalog has problems; nothing was generated")]
    Catalog(Report),
    /// A provider page could not be rendered.
    #[error(transparent)]
    Docs(#[from] docs::DocsError),
}

/// Renders every generated file of the checkout at `root` from its `catalog/` folder.
///
/// The config schema lists the refs of this catalog (not of the binary's built-in one), so
/// a model added to `catalog/` appears in it without rebuilding.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, GenerateError> {
    let catalog = compiler::compile_dir(&root.join("catalog")).map_err(GenerateError::Catalog)?;
    let mut files: Vec<GeneratedFile> = schema::committed_schemas()
        .into_iter()
        .map(|(path, text)| GeneratedFile {
            path: format!("schemas/{path}"),
            text,
        })
        .collect();
    let tables = crate::catalog::overlay::tables(&catalog);
    files.push(GeneratedFile {
        path: format!("schemas/{}", crate::config::SCHEMA_PATH),
        text: schema::to_pretty(&crate::config::config_schema_for(&tables)),
    });
    for page in docs::pages(&catalog)? {
        files.push(GeneratedFile {
            path: format!("{}/{}", docs::DOCS_DIR, page.file_name),
            text: page.text,
        });
    }
    Ok(files)
}

/// How a committed file differs from what [`generate`] renders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The file is not committed at all.
    Missing,
    /// The texts differ, first at `line` and `column` (1-based, in characters);
    /// `committed` and `generated` are that line (empty past the end of a file).
    Differs {
        /// The first line that differs, 1-based.
        line: usize,
        /// The first character of that line that differs, 1-based.
        column: usize,
        /// That line as committed.
        committed: String,
        /// That line as generated.
        generated: String,
    },
    /// A generated file nothing generates any more (the page of a removed provider).
    Orphan,
}

/// A committed file out of step with the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drift {
    /// The file, relative to the checkout's root.
    pub path: String,
    /// What differs.
    pub change: Change,
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = &self.path;
        match &self.change {
            Change::Missing => write!(f, "{path}: missing (it is generated)"),
            Change::Orphan => write!(f, "{path}: generated from nothing any more (to remove)"),
            Change::Differs {
                line,
                column,
                committed,
                generated,
            } => write!(
                f,
                "{path}:{line}:{column}: committed `{}`, generated `{}`",
                around(committed, *column),
                around(generated, *column)
            ),
        }
    }
}

/// The part of `line` around character `column` (1-based), cut with `…` on either side
/// when the line is long.
fn around(line: &str, column: usize) -> String {
    const BEFORE: usize = 30;
    const AFTER: usize = 50;
    let chars: Vec<char> = line.chars().collect();
    let start = column.saturating_sub(1).saturating_sub(BEFORE);
    let end = (column.saturating_sub(1) + AFTER).min(chars.len());
    let start = start.min(end);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// The committed files under `root` that differ from `files` (as [`generate`] renders
/// them), and generated pages nothing renders any more; empty when all is in step.
pub fn drift(root: &Path, files: &[GeneratedFile]) -> Vec<Drift> {
    let mut drifts: Vec<Drift> = files
        .iter()
        .filter_map(|file| {
            let change = match std::fs::read_to_string(root.join(&file.path)) {
                Err(_) => Change::Missing,
                Ok(committed) if committed == file.text => return None,
                Ok(committed) => first_difference(&committed, &file.text),
            };
            Some(Drift {
                path: file.path.clone(),
                change,
            })
        })
        .collect();
    drifts.extend(orphans(root, files).into_iter().map(|path| Drift {
        path: relative(root, &path),
        change: Change::Orphan,
    }));
    drifts
}

/// The first line where `committed` and `generated` differ.
fn first_difference(committed: &str, generated: &str) -> Change {
    let mut a = committed.split_inclusive('\n');
    let mut b = generated.split_inclusive('\n');
    let mut line = 1;
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (x, y) => {
                let clean =
                    |s: Option<&str>| s.unwrap_or_default().trim_end_matches('\n').to_string();
                let (committed, generated) = (clean(x), clean(y));
                let column = committed
                    .chars()
                    .zip(generated.chars())
                    .take_while(|(a, b)| a == b)
                    .count()
                    + 1;
                return Change::Differs {
                    line,
                    column,
                    committed,
                    generated,
                };
            }
        }
    }
}

/// Pages under `docs/providers/` that carry the generated header but that no provider
/// renders any more. Hand-written files are never listed.
fn orphans(root: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root.join(docs::DOCS_DIR)) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .filter(|path| {
            let relative = relative(root, path);
            !files.iter().any(|f| f.path == relative)
        })
        .filter(|path| {
            std::fs::read_to_string(path).is_ok_and(|t| {
                t.lines()
                    .next()
                    .is_some_and(|l| l.contains(docs::HEADER_MARKER))
            })
        })
        .collect();
    found.sort();
    found
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// What [`write`] did to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Created or rewritten.
    Written,
    /// Already in step; not touched.
    Unchanged,
    /// An orphaned generated page, removed.
    Removed,
}

impl Action {
    /// `written`, `unchanged` or `removed`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Written => "written",
            Action::Unchanged => "unchanged",
            Action::Removed => "removed",
        }
    }
}

/// Why [`write`] stopped.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A file could not be written atomically.
    #[error(transparent)]
    Write(#[from] crate::atomic::FileError),
    /// A folder could not be created, or an orphaned page removed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// `create the folder` or `remove`.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// Brings the checkout at `root` in line with `files`: each file that differs is written
/// atomically (keeping its permission bits), and orphaned generated pages are removed.
/// Returns every file with what was done to it, in order.
pub fn write(root: &Path, files: &[GeneratedFile]) -> Result<Vec<(String, Action)>, WriteError> {
    use crate::atomic::{self, Mode};
    let mut done = Vec::new();
    for file in files {
        let target = root.join(&file.path);
        if std::fs::read_to_string(&target).is_ok_and(|t| t == file.text) {
            done.push((file.path.clone(), Action::Unchanged));
            continue;
        }
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder).map_err(|source| WriteError::Io {
                action: "create the folder",
                path: folder.to_path_buf(),
                source,
            })?;
        }
        let mode = atomic::mode_of(&target).map_or(Mode::Default, Mode::Exact);
        atomic::write(&target, file.text.as_bytes(), mode)?;
        done.push((file.path.clone(), Action::Written));
    }
    for path in orphans(root, files) {
        std::fs::remove_file(&path).map_err(|source| WriteError::Io {
            action: "remove",
            path: path.clone(),
            source,
        })?;
        done.push((relative(root, &path), Action::Removed));
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::around;

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let line: String = ('a'..='z').cycle().take(200).collect();
        let chars: Vec<char> = line.chars().collect();
        // Column 101: 30 characters before it, 50 from it on, `…` on both sides.
        let cut = around(&line, 101);
        let expected: String = chars[70..150].iter().collect();
        assert_eq!(cut, format!("…{expected}…"));
        // Near the start: nothing cut before; near the end: nothing cut after.
        assert_eq!(around(&line, 5), format!("{}…", &line[..54]));
        assert_eq!(around(&line, 190), format!("…{}", &line[159..]));
        // A short line stays whole.
        assert_eq!(around("short", 3), "short");
    }
}
