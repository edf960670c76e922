//! Writing a generated folder whole (the output of `provcat import` and of the folder formats
//! of `provcat export`).
//!
//! Every file goes into a fresh folder created beside the target under an unpredictable name,
//! which is then renamed into place. An earlier output at the target is moved aside first and
//! removed once the new folder is in place (moved back if the rename fails), so the target is
//! never half-written. A folder is only replaced when it is empty or holds the writer's marker
//! file: a folder the writer did not make is refused, never overwritten. Paths stay inside the
//! folder (no `..`, no root).

use std::io;
use std::path::{Path, PathBuf};

/// Who writes a folder: the marker file that says a folder is theirs, and the command named
/// in errors.
#[derive(Clone, Copy, Debug)]
pub struct FolderWriter {
    /// The marker file's name; the files written must include it.
    pub marker: &'static str,
    /// The command that writes the folder (`provcat import`).
    pub command: &'static str,
}

/// A failure writing a generated folder; each names its path.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The target exists, is not empty and was not written by this command.
    #[error(
        "{} exists and was not written by `{command}` (no {marker} in it); remove it or choose another --out",
        .path.display()
    )]
    NotOurs {
        /// The target.
        path: PathBuf,
        /// The marker file it lacks.
        marker: &'static str,
        /// The command that would have written it.
        command: &'static str,
    },
    /// The target is a file.
    #[error("{} is a file; --out names a folder here", .0.display())]
    IsAFile(PathBuf),
    /// The target's parent folder does not exist.
    #[error("the folder {} does not exist; create it first", .0.display())]
    NoParent(PathBuf),
    /// A file's path would leave the folder (an id with `..`, say).
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

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> FolderError {
    let path = path.to_path_buf();
    move |source| FolderError::Io {
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

/// `relative` when it stays inside a folder: no `..`, no root, no empty parts.
pub fn inside(relative: &str) -> Result<&str, FolderError> {
    let ok = !relative.is_empty()
        && relative
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\\'));
    if ok {
        Ok(relative)
    } else {
        Err(FolderError::Escapes(relative.to_string()))
    }
}

impl FolderWriter {
    /// Checks that `target` may be written (before any work is done): its parent exists, and
    /// it is missing, empty or an earlier output of this writer.
    pub fn check_target(&self, target: &Path) -> Result<(), FolderError> {
        let parent = parent_of(target);
        if !parent.is_dir() {
            return Err(FolderError::NoParent(parent));
        }
        match std::fs::symlink_metadata(target) {
            Err(_) => Ok(()),
            Ok(m) if m.is_dir() => {
                let mut entries = std::fs::read_dir(target).map_err(io_error("read", target))?;
                if entries.next().is_none() || target.join(self.marker).is_file() {
                    Ok(())
                } else {
                    Err(FolderError::NotOurs {
                        path: target.to_path_buf(),
                        marker: self.marker,
                        command: self.command,
                    })
                }
            }
            Ok(_) => Err(FolderError::IsAFile(target.to_path_buf())),
        }
    }

    /// Writes `files` (relative path with `/`, text) as the folder `target`, replacing an
    /// earlier output of this writer whole.
    pub fn write(&self, target: &Path, files: &[(String, String)]) -> Result<(), FolderError> {
        self.check_target(target)?;
        let parent = parent_of(target);
        let scratch = tempfile::Builder::new()
            .prefix(".provcat-output-")
            .tempdir_in(&parent)
            .map_err(io_error("create a temporary folder in", &parent))?;
        // A folder with the default permissions (the scratch folder itself is private).
        let fresh = scratch.path().join("new");
        std::fs::create_dir(&fresh).map_err(io_error("create", &fresh))?;
        for (relative, text) in files {
            let path = fresh.join(inside(relative)?);
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
                // Put the earlier output back; the scratch folder (and the new files) go.
                let _ = std::fs::rename(&previous, target);
            }
            return Err(io_error("rename the new folder to", target)(e));
        }
        // Dropping the scratch folder removes the earlier output moved into it.
        scratch
            .close()
            .map_err(io_error("remove the earlier output from", &parent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRITER: FolderWriter = FolderWriter {
        marker: ".made-here",
        command: "provcat test",
    };

    fn files(text: &str) -> Vec<(String, String)> {
        vec![
            (WRITER.marker.to_string(), "m\n".to_string()),
            ("p/models/a/b.toml".to_string(), text.to_string()),
        ]
    }

    #[test]
    fn replaces_an_earlier_output_whole_and_leaves_no_scratch() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        WRITER.write(&out, &files("one")).unwrap();
        std::fs::write(out.join("stale.toml"), "x").unwrap();
        WRITER.write(&out, &files("two")).unwrap();
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
    fn refuses_folders_it_did_not_write_files_and_missing_parents() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("mine");
        std::fs::create_dir(&mine).unwrap();
        std::fs::write(mine.join("notes.txt"), "keep me").unwrap();
        let err = WRITER.write(&mine, &files("x")).unwrap_err();
        assert!(matches!(err, FolderError::NotOurs { .. }), "{err}");
        assert!(err.to_string().contains("not written by `provcat test`"));
        assert_eq!(
            std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
            "keep me"
        );
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        assert!(matches!(
            WRITER.write(&file, &files("x")),
            Err(FolderError::IsAFile(_))
        ));
        let orphan = dir.path().join("no/such/out");
        assert!(matches!(
            WRITER.check_target(&orphan),
            Err(FolderError::NoParent(_))
        ));
        // An empty folder is fine.
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        WRITER.write(&empty, &files("x")).unwrap();
    }

    #[test]
    fn a_bare_name_is_written_in_the_current_folder() {
        // `--out out` has the empty path as its parent: the current folder is meant.
        assert_eq!(parent_of(Path::new("out")), Path::new("."));
        assert_eq!(parent_of(Path::new("a/out")), Path::new("a"));
        assert_eq!(parent_of(Path::new("/")), Path::new("."));
    }

    #[test]
    fn paths_that_leave_the_folder_are_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        for bad in ["../x.toml", "/etc/x", "a//b", "a/./b", "a\\b", ""] {
            let mut all = files("x");
            all.push((bad.to_string(), "y".to_string()));
            let err = WRITER.write(&out, &all).unwrap_err();
            assert!(matches!(err, FolderError::Escapes(_)), "{bad}: {err}");
            assert!(!out.exists(), "{bad}");
        }
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(names.is_empty(), "no scratch folder left");
    }
}
