//! Writing an export, and comparing one with what is on disk (`--check`).
//!
//! A single-file export goes through [`crate::atomic`] (a temporary file beside the target,
//! then a rename). A folder export is written whole into a fresh folder created beside the
//! target, then renamed into place; an earlier export there (it holds [`MARKER`]) is moved
//! aside first and removed once the new folder is in place, so the target is never
//! half-written, and a folder provcat did not write is never replaced. The parent folder
//! must exist in both cases.

use std::io;
use std::path::{Path, PathBuf};

use crate::atomic::{self, FileError, Mode};

/// The file marking a folder written by `provcat export`; ignored by `--check`.
pub const MARKER: &str = ".provcat-export";

/// A failure writing or reading an export; each names its path.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Writing a single file failed (see [`FileError`]).
    #[error(transparent)]
    File(#[from] FileError),
    /// The folder's parent does not exist.
    #[error("the folder {} does not exist; create it first", .0.display())]
    NoParent(PathBuf),
    /// The target folder exists and was not written by an export.
    #[error("{} exists and was not written by `provcat export` (no {MARKER} in it); remove it or choose another --out", .0.display())]
    NotAnExport(PathBuf),
    /// The target is a file where a folder was expected.
    #[error("{} is a file; this format writes a folder", .0.display())]
    IsAFile(PathBuf),
    /// An export path would leave the folder (a model id with `..`, say).
    #[error("refusing to write {0}: the path leaves the output folder")]
    Escapes(String),
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

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |source| WriteError::Io {
        action,
        path,
        source,
    }
}

fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
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
    let parent = parent_of(target);
    if !parent.is_dir() {
        return Err(WriteError::NoParent(parent));
    }
    match std::fs::symlink_metadata(target) {
        Err(_) => Ok(()),
        Ok(m) if m.is_dir() => {
            let mut entries = std::fs::read_dir(target).map_err(io_error("read", target))?;
            if entries.next().is_none() || target.join(MARKER).is_file() {
                Ok(())
            } else {
                Err(WriteError::NotAnExport(target.to_path_buf()))
            }
        }
        Ok(_) => Err(WriteError::IsAFile(target.to_path_buf())),
    }
}

/// A relative path that stays inside the folder: no `..`, no root, no empty parts.
fn safe(relative: &str) -> Result<&str, WriteError> {
    let ok = !relative.is_empty()
        && relative
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\\'));
    if ok {
        Ok(relative)
    } else {
        Err(WriteError::Escapes(relative.to_string()))
    }
}

/// Writes `files` (relative path, text) as the folder `target`, replacing an earlier export
/// whole. `marker` is the marker file's text.
pub fn write_folder(
    target: &Path,
    files: &[(String, String)],
    marker: &str,
) -> Result<(), WriteError> {
    check_folder_target(target)?;
    let parent = parent_of(target);
    let scratch = tempfile::Builder::new()
        .prefix(".provcat-export-")
        .tempdir_in(&parent)
        .map_err(io_error("create a temporary folder in", &parent))?;
    let fresh = scratch.path().join("new");
    std::fs::create_dir(&fresh).map_err(io_error("create", &fresh))?;
    std::fs::write(fresh.join(MARKER), marker).map_err(io_error("write", &fresh.join(MARKER)))?;
    for (relative, text) in files {
        let path = fresh.join(safe(relative)?);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_error("create", dir))?;
        }
        std::fs::write(&path, text).map_err(io_error("write", &path))?;
    }
    let previous = scratch.path().join("previous");
    let had_previous = target.exists();
    if had_previous {
        std::fs::rename(target, &previous).map_err(io_error("move aside", target))?;
    }
    if let Err(e) = std::fs::rename(&fresh, target) {
        if had_previous {
            // Put the earlier export back; the scratch folder (and the new files) go.
            let _ = std::fs::rename(&previous, target);
        }
        return Err(io_error("rename the new folder to", target)(e));
    }
    // Dropping the scratch folder removes the earlier export moved into it.
    scratch
        .close()
        .map_err(io_error("remove the earlier export from", &parent))
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
        let path = target.join(safe(relative)?);
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
            Err(WriteError::NotAnExport(_))
        ));
        assert_eq!(
            std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
            "keep"
        );
        let orphan = dir.path().join("no/such/out");
        assert!(matches!(
            write_folder(&orphan, &files("x"), "m"),
            Err(WriteError::NoParent(_))
        ));
        let out = dir.path().join("out");
        let bad = vec![("../evil.toml".to_string(), String::new())];
        assert!(matches!(
            write_folder(&out, &bad, "m"),
            Err(WriteError::Escapes(_))
        ));
        assert!(!dir.path().join("evil.toml").exists() && !out.exists());
    }
}
