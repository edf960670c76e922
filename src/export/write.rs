//! Writing an export, and comparing one with what is on disk (`--check`).
//!
//! A single-file export goes through [`crate::atomic`] (a temporary file beside the target,
//! then a rename). A folder export is written whole by [`provcat_common::folder`] (a fresh
//! folder renamed into place, an earlier export — it holds [`MARKER`] — replaced whole, a
//! folder provcat did not write never replaced). The parent folder must exist in both cases.

use std::io;
use std::path::{Path, PathBuf};

use provcat_common::folder::{self, FolderError, FolderWriter};

use crate::atomic::{self, FileError, Mode};

/// The file marking a folder written by `provcat export`; ignored by `--check`.
pub const MARKER: &str = ".provcat-export";

/// A failure writing or reading an export; each names its path.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Writing a single file failed (see [`FileError`]).
    #[error(transparent)]
    File(#[from] FileError),
    /// Writing a folder failed, or its target may not be written (see [`FolderError`]).
    #[error(transparent)]
    Folder(#[from] FolderError),
    /// A file operation failed.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// On what.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

const WRITER: FolderWriter = FolderWriter {
    marker: MARKER,
    command: "provcat export",
};

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |source| WriteError::Io {
        action,
        path,
        source,
    }
}

/// Writes `text` to the file `path` atomically; its folder must exist.
pub fn write_file(path: &Path, text: &str) -> Result<(), WriteError> {
    let mode = atomic::mode_of(path).map_or(Mode::Default, Mode::Exact);
    atomic::write(path, text.as_bytes(), mode)?;
    Ok(())
}

/// Checks that the folder `target` may be written: its parent exists, and it is missing,
/// empty or an earlier export.
pub fn check_folder_target(target: &Path) -> Result<(), WriteError> {
    Ok(WRITER.check_target(target)?)
}

/// Writes `files` (relative path, text) as the folder `target`, replacing an earlier export
/// whole. `marker` is the marker file's text.
pub fn write_folder(
    target: &Path,
    files: &[(String, String)],
    marker: &str,
) -> Result<(), WriteError> {
    let mut all = Vec::with_capacity(files.len() + 1);
    all.push((MARKER.to_string(), marker.to_string()));
    all.extend(files.iter().cloned());
    Ok(WRITER.write(target, &all)?)
}

/// How an export differs from what is on disk: one line per difference, with a few lines
/// of diff for each changed file. Empty when they are the same.
pub fn check(
    target: &Path,
    folder: bool,
    files: &[(String, String)],
) -> Result<Vec<String>, WriteError> {
    let mut drift = Vec::new();
    if !folder {
        let text = files.first().map_or("", |(_, t)| t.as_str());
        match std::fs::read_to_string(target) {
            Ok(old) => compare(&target.display().to_string(), &old, text, &mut drift),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                drift.push(format!("{} does not exist", target.display()))
            }
            Err(e) => return Err(io_error("read", target)(e)),
        }
        return Ok(drift);
    }
    if !target.is_dir() {
        drift.push(format!(
            "{} is not a folder (or does not exist)",
            target.display()
        ));
        return Ok(drift);
    }
    let mut on_disk = Vec::new();
    walk(target, "", &mut on_disk)?;
    on_disk.retain(|p| p != MARKER);
    on_disk.sort();
    for (relative, text) in files {
        let path = target.join(folder::inside(relative)?);
        match on_disk.binary_search(relative) {
            Ok(_) => {
                let old = std::fs::read_to_string(&path).map_err(io_error("read", &path))?;
                compare(relative, &old, text, &mut drift);
            }
            Err(_) => drift.push(format!("{relative}: missing (the catalog has it)")),
        }
    }
    for relative in on_disk {
        if !files.iter().any(|(p, _)| *p == relative) {
            drift.push(format!(
                "{relative}: not in the catalog's export (remove it)"
            ));
        }
    }
    Ok(drift)
}

/// How many diff lines are shown per changed file.
const DIFF_LINES: usize = 12;

fn compare(name: &str, old: &str, new: &str, drift: &mut Vec<String>) {
    if old == new {
        return;
    }
    let diff = similar::TextDiff::from_lines(old, new);
    let changes: Vec<String> = diff
        .iter_all_changes()
        .filter(|c| c.tag() != similar::ChangeTag::Equal)
        .map(|c| {
            let sign = if c.tag() == similar::ChangeTag::Delete {
                '-'
            } else {
                '+'
            };
            let line = c.old_index().or(c.new_index()).map_or(0, |i| i + 1);
            format!("  {sign} {line:>5} | {}", c.value().trim_end_matches('\n'))
        })
        .collect();
    drift.push(format!(
        "{name}: {} lines differ (- on disk, + the catalog's export)",
        changes.len()
    ));
    let shown = changes.len().min(DIFF_LINES);
    drift.extend(changes.iter().take(shown).cloned());
    if changes.len() > shown {
        drift.push(format!("  … {} more", changes.len() - shown));
    }
}

fn walk(root: &Path, prefix: &str, out: &mut Vec<String>) -> Result<(), WriteError> {
    let dir = if prefix.is_empty() {
        root.to_path_buf()
    } else {
        root.join(prefix)
    };
    for entry in std::fs::read_dir(&dir).map_err(io_error("read", &dir))? {
        let entry = entry.map_err(io_error("read", &dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if entry
            .file_type()
            .map_err(io_error("read", &entry.path()))?
            .is_dir()
        {
            walk(root, &relative, out)?;
        } else {
            out.push(relative);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> Vec<(String, String)> {
        vec![("providers/p/provider.toml".to_string(), text.to_string())]
    }

    #[test]
    fn a_folder_is_replaced_whole_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_folder(&out, &files("one\n"), "m").unwrap();
        assert!(check(&out, true, &files("one\n")).unwrap().is_empty());
        std::fs::write(out.join("stale.toml"), "x").unwrap();
        let drift = check(&out, true, &files("two\n")).unwrap();
        assert!(
            drift[0].starts_with("providers/p/provider.toml: 2 lines differ"),
            "{drift:?}"
        );
        assert!(
            drift.iter().any(|l| l.starts_with("stale.toml: not in")),
            "{drift:?}"
        );
        write_folder(&out, &files("two\n"), "m").unwrap();
        assert!(!out.join("stale.toml").exists());
        assert!(check(&out, true, &files("two\n")).unwrap().is_empty());
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["out"], "no scratch folder is left");
    }

    #[test]
    fn refuses_foreign_folders_missing_parents_and_escaping_paths() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("mine");
        std::fs::create_dir(&mine).unwrap();
        std::fs::write(mine.join("notes.txt"), "keep").unwrap();
        assert!(matches!(
            write_folder(&mine, &files("x"), "m"),
            Err(WriteError::Folder(FolderError::NotOurs { .. }))
        ));
        assert_eq!(
            std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
            "keep"
        );
        let orphan = dir.path().join("no/such/out");
        assert!(matches!(
            write_folder(&orphan, &files("x"), "m"),
            Err(WriteError::Folder(FolderError::NoParent(_)))
        ));
        let out = dir.path().join("out");
        let bad = vec![("../evil.toml".to_string(), String::new())];
        assert!(matches!(
            write_folder(&out, &bad, "m"),
            Err(WriteError::Folder(FolderError::Escapes(_)))
        ));
        assert!(!dir.path().join("evil.toml").exists() && !out.exists());
    }
}
