//! Writing files safely, and checking beforehand that a file can be written.
//!
//! Every file provcat writes (the config and `.env` at onboarding, schemas, provider pages,
//! downloaded videos) goes through an [`AtomicFile`]: a temporary file created exclusively
//! (`O_CREAT | O_EXCL`, so a name that exists — a planted symbolic link included — is never
//! opened) under an unpredictable name in the target's folder, written, given its final
//! permissions, flushed to disk, then renamed over the target; the folder is flushed too
//! where the platform allows. A reader never sees half a file, and nothing is ever written
//! through a link someone planted. An [`AtomicFile`] dropped before it is committed removes
//! its temporary file — so a download stopped by Ctrl-C or SIGTERM leaves nothing behind.
//!
//! [`check_target`] says beforehand whether a file can be written (its folder exists and
//! takes new files, it is not a folder, an existing file is replaced only when asked), so a
//! command can refuse before doing work that costs money. Every error names its path.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// The permissions of a written file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Exactly these bits on Unix: `0o600` for files holding secrets, or an existing file's
    /// bits to keep them. The temporary file is `0o600` until it is complete.
    Exact(u32),
    /// What a new file gets by default: `0o666` less the umask.
    Default,
}

/// A file that cannot be written, or a failed file operation; always names the path.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The target is a folder (or names one, like `out/`).
    #[error("{} is a folder; give a file name", .path.display())]
    IsFolder {
        /// The target.
        path: PathBuf,
    },
    /// The target's folder does not exist.
    #[error("the folder {} does not exist; create it first", .folder.display())]
    NoFolder {
        /// The missing folder.
        folder: PathBuf,
    },
    /// The target's folder is a file.
    #[error("{} is not a folder", .folder.display())]
    NotAFolder {
        /// What should have been a folder.
        folder: PathBuf,
    },
    /// The target exists and replacing it was not asked for.
    #[error("{} already exists", .path.display())]
    Exists {
        /// The target.
        path: PathBuf,
    },
    /// An I/O operation on `path` failed.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What was being done (`write`, `create a temporary file in`, …).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// Why it failed.
        source: io::Error,
    },
}

impl FileError {
    fn io(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> FileError {
        move |source| FileError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Checks that `path` can be written: it is not a folder, its folder exists and takes new
/// files (a probe file is created and removed), and, unless `replace`, nothing is there yet.
pub fn check_target(path: &Path, replace: bool) -> Result<(), FileError> {
    if inspect(path)? && !replace {
        return Err(FileError::Exists {
            path: path.to_path_buf(),
        });
    }
    let folder = folder_of(path);
    tempfile::Builder::new()
        .prefix(".provcat-probe-")
        .tempfile_in(folder)
        .map(drop)
        .map_err(FileError::io("create files in", folder))
}

/// Whether `path` exists; an error when it is (or resolves to) a folder, when its folder is
/// missing or is not a folder, or when the name cannot be looked up (too long, no access).
fn inspect(path: &Path) -> Result<bool, FileError> {
    let is_folder = || FileError::IsFolder {
        path: path.to_path_buf(),
    };
    if path.file_name().is_none() || ends_with_separator(path) {
        return Err(is_folder());
    }
    match std::fs::symlink_metadata(path) {
        Ok(_) if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) => Err(is_folder()),
        Ok(_) => Ok(true),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            let folder = folder_of(path);
            match std::fs::metadata(folder) {
                Ok(m) if m.is_dir() => Ok(false),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Err(FileError::NoFolder {
                    folder: folder.to_path_buf(),
                }),
                // A file, or a path through a file.
                _ => Err(FileError::NotAFolder {
                    folder: folder.to_path_buf(),
                }),
            }
        }
        Err(e) => Err(FileError::io("use", path)(e)),
    }
}

fn ends_with_separator(path: &Path) -> bool {
    path.as_os_str()
        .to_string_lossy()
        .ends_with(std::path::is_separator)
}

/// The folder `path` is in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A file being written: a temporary file beside the target until [`AtomicFile::commit`].
/// Dropping it before then removes the temporary file.
pub struct AtomicFile {
    temp: NamedTempFile,
    target: PathBuf,
    mode: Mode,
}

impl AtomicFile {
    /// Starts writing `target`: checks that it is not a folder and that its folder exists,
    /// then creates the temporary file, exclusively, in that folder.
    pub fn create(target: &Path, mode: Mode) -> Result<AtomicFile, FileError> {
        inspect(target)?;
        let folder = folder_of(target);
        let prefix = temporary_prefix(target);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let bits = match mode {
                Mode::Exact(_) => 0o600,
                Mode::Default => 0o666,
            };
            builder.permissions(std::fs::Permissions::from_mode(bits));
        }
        let temp = builder
            .tempfile_in(folder)
            .map_err(FileError::io("create a temporary file in", folder))?;
        Ok(AtomicFile {
            temp,
            target: target.to_path_buf(),
            mode,
        })
    }

    /// The file this will become.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Appends `bytes`.
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<(), FileError> {
        self.temp
            .write_all(bytes)
            .map_err(FileError::io("write", &self.target))
    }

    /// Gives the temporary file its final permissions and flushes it to disk, so that only
    /// the rename is left (done again by the commits; cheap once done).
    pub fn flush(&mut self) -> Result<(), FileError> {
        #[cfg(unix)]
        if let Mode::Exact(bits) = self.mode {
            use std::os::unix::fs::PermissionsExt;
            self.temp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(bits))
                .map_err(FileError::io("set the permissions of", &self.target))?;
        }
        self.temp
            .as_file()
            .sync_all()
            .map_err(FileError::io("write", &self.target))
    }

    /// Renames the file into place, replacing whatever is there (a link is replaced, not
    /// followed).
    pub fn commit(self) -> Result<(), FileError> {
        self.finish(true)
    }

    /// Renames the file into place unless something appeared there meanwhile
    /// ([`FileError::Exists`]; the temporary file is removed).
    pub fn commit_new(self) -> Result<(), FileError> {
        self.finish(false)
    }

    fn finish(mut self, replace: bool) -> Result<(), FileError> {
        self.flush()?;
        let AtomicFile { temp, target, .. } = self;
        let persisted = if replace {
            temp.persist(&target)
        } else {
            temp.persist_noclobber(&target)
        };
        // On failure the temporary file comes back in the error and is removed with it.
        if let Err(e) = persisted {
            return Err(
                if e.error.kind() == io::ErrorKind::AlreadyExists && !replace {
                    FileError::Exists { path: target }
                } else {
                    FileError::io("replace", &target)(e.error)
                },
            );
        }
        // Makes the rename itself durable; the file is in place whatever this says.
        #[cfg(unix)]
        let _ = std::fs::File::open(folder_of(&target)).and_then(|dir| dir.sync_all());
        Ok(())
    }
}

/// `.<name>.`, the name cut to 40 bytes: temporary files say what they are for, and their
/// names stay short whatever the target's length.
fn temporary_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut end = name.len().min(40);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".{}.", &name[..end])
}

/// Writes `bytes` to `path` atomically (see the module docs).
pub fn write(path: &Path, bytes: &[u8], mode: Mode) -> Result<(), FileError> {
    let mut file = AtomicFile::create(path, mode)?;
    file.write_all(bytes)?;
    file.commit()
}

/// Like [`write`], for files holding secrets: missing parent folders are created `0o700`
/// on Unix (an existing folder keeps its permissions).
pub fn write_private(path: &Path, bytes: &[u8], mode: u32) -> Result<(), FileError> {
    create_private_dir(folder_of(path))?;
    write(path, bytes, Mode::Exact(mode))
}

/// The permission bits of `path`, when it exists (Unix), for keeping them on rewrite.
pub fn mode_of(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// The permission bits of `path` when users other than its owner may read or write it
/// (any group or other bit set); `None` when it is private or does not exist.
pub fn open_to_others(path: &Path) -> Option<u32> {
    mode_of(path).filter(|m| m & 0o077 != 0)
}

/// Creates `dir` and its missing parents, `0o700` on Unix.
pub fn create_private_dir(dir: &Path) -> Result<(), FileError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(FileError::io("create the folder", dir))
}

#[cfg(test)]
mod tests;
