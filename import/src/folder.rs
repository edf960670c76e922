//! Writing the output folder as a whole: every file goes into a fresh folder created beside
//! the target (under an unpredictable name), which is then renamed into place. An earlier
//! import at the target is moved aside first and removed once the new folder is in place
//! (moved back if the rename fails), so the target is never half-written. A target that
//! exists and is neither empty nor an earlier import (it lacks the marker file) is refused:
//! the import never replaces a folder it did not write.

use std::io;
use std::path::{Path, PathBuf};

use crate::render::MARKER;

/// A failure writing the output folder; each names its path.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The target exists and was not written by an import.
    #[error(
        "{} exists and was not written by `provcat import` (no {MARKER} in it); remove it or choose another --out",
        .0.display()
    )]
    NotAnImport(PathBuf),
    /// The target is a file.
    #[error("{} is a file; --out names a folder", .0.display())]
    IsAFile(PathBuf),
    /// The target's parent folder does not exist.
    #[error("the folder {} does not exist; create it first", .0.display())]
    NoParent(PathBuf),
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

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> FolderError {
    let path = path.to_path_buf();
    move |source| FolderError::Io {
        action,
        path,
        source,
    }
}

/// Checks that `target` may be written (before any work is done).
pub fn check_target(target: &Path) -> Result<(), FolderError> {
    let parent = parent_of(target);
    if !parent.is_dir() {
        return Err(FolderError::NoParent(parent));
    }
    match std::fs::symlink_metadata(target) {
        Err(_) => Ok(()),
        Ok(m) if m.is_dir() => {
            let mut entries = std::fs::read_dir(target).map_err(io_error("read", target))?;
            if entries.next().is_none() || target.join(MARKER).is_file() {
                Ok(())
            } else {
                Err(FolderError::NotAnImport(target.to_path_buf()))
            }
        }
        Ok(_) => Err(FolderError::IsAFile(target.to_path_buf())),
    }
}

fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `files` (relative path, text) as the folder `target`, replacing an earlier import.
pub fn write(target: &Path, files: &[(String, String)]) -> Result<(), FolderError> {
    check_target(target)?;
    let parent = parent_of(target);
    let scratch = tempfile::Builder::new()
        .prefix(".provcat-import-")
        .tempdir_in(&parent)
        .map_err(io_error("create a temporary folder in", &parent))?;
    // A folder with the default permissions (the scratch folder is private).
    let fresh = scratch.path().join("new");
    std::fs::create_dir(&fresh).map_err(io_error("create", &fresh))?;
    for (relative, text) in files {
        let path = fresh.join(relative);
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
            // Put the earlier import back; the scratch folder (and the new files) go.
            let _ = std::fs::rename(&previous, target);
        }
        return Err(io_error("rename the new folder to", target)(e));
    }
    // Dropping the scratch folder removes the earlier import moved into it.
    scratch
        .close()
        .map_err(io_error("remove the earlier import from", &parent))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> Vec<(String, String)> {
        vec![
            (MARKER.to_string(), "m\n".to_string()),
            ("p/models/a/b.toml".to_string(), text.to_string()),
        ]
    }

    #[test]
    fn replaces_an_earlier_import_whole_and_leaves_no_scratch() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write(&out, &files("one")).unwrap();
        std::fs::write(out.join("stale.toml"), "x").unwrap();
        write(&out, &files("two")).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("p/models/a/b.toml")).unwrap(),
            "two"
        );
        assert!(!out.join("stale.toml").exists());
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["out"]);
    }

    #[test]
    fn refuses_folders_it_did_not_write_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("mine");
        std::fs::create_dir(&mine).unwrap();
        std::fs::write(mine.join("notes.txt"), "keep me").unwrap();
        let err = write(&mine, &files("x")).unwrap_err();
        assert!(matches!(err, FolderError::NotAnImport(_)), "{err}");
        assert_eq!(
            std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
            "keep me"
        );
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        assert!(matches!(
            write(&file, &files("x")),
            Err(FolderError::IsAFile(_))
        ));
        let orphan = dir.path().join("no/such/out");
        assert!(matches!(
            check_target(&orphan),
            Err(FolderError::NoParent(_))
        ));
        // An empty folder is fine.
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        write(&empty, &files("x")).unwrap();
    }
}
