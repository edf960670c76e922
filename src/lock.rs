//! An exclusive lock on a config folder, held by `provcat onboard` from reading the config
//! and the `.env` until both are written, so that two onboardings never leave the auth
//! choice of one with the key of the other.
//!
//! The lock is the file [`LOCK_FILE`] in the folder (the `.env` is per folder, so the lock
//! is too), locked with the operating system's advisory file lock: it is released when the
//! [`FolderLock`] is dropped or the process ends, so it never goes stale. The file is kept
//! between runs (removing a lock file races with the next holder); it is opened without
//! following a symbolic link, so a link planted in a shared folder is refused.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file's name, in the config folder.
pub const LOCK_FILE: &str = ".provcat.lock";

/// How often a busy lock is tried again.
const RETRY: Duration = Duration::from_millis(50);

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct FolderLock {
    _file: File,
    path: PathBuf,
}

impl FolderLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Why a folder could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process held the lock for the whole wait.
    #[error(
        "another provcat still holds {} after {:.1}s; try again when it has finished",
        .path.display(),
        .waited.as_secs_f64()
    )]
    Busy {
        /// The lock file.
        path: PathBuf,
        /// How long this process waited.
        waited: Duration,
    },
    /// The lock file is a symbolic link or not a regular file.
    #[error("{} is not provcat's lock file (a symbolic link or a special file); remove it", .path.display())]
    NotAFile {
        /// The lock file.
        path: PathBuf,
    },
    /// The lock file cannot be opened or locked.
    #[error("cannot {action} the lock file {}: {source}", .path.display())]
    Io {
        /// `open` or `lock`.
        action: &'static str,
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Locks `folder` (which must exist), waiting up to `wait` while another process holds the
/// lock; `on_wait` hears the lock file's path once, when waiting starts.
pub fn lock_folder(
    folder: &Path,
    wait: Duration,
    on_wait: &mut dyn FnMut(&Path),
) -> Result<FolderLock, LockError> {
    let path = folder.join(LOCK_FILE);
    let file = open(&path)?;
    let started = Instant::now();
    let mut waiting = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(FolderLock { _file: file, path }),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(source)) => {
                return Err(LockError::Io {
                    action: "lock",
                    path,
                    source,
                });
            }
        }
        if !waiting {
            on_wait(&path);
            waiting = true;
        }
        let waited = started.elapsed();
        if waited >= wait {
            return Err(LockError::Busy { path, waited });
        }
        std::thread::sleep(RETRY);
    }
}

/// Opens (creating, `0o600`) the lock file, refusing a symbolic link or a special file.
fn open(path: &Path) -> Result<File, LockError> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let not_a_file = || LockError::NotAFile {
        path: path.to_path_buf(),
    };
    let file = options.open(path).map_err(|source| {
        #[cfg(unix)]
        if source.raw_os_error() == Some(libc::ELOOP) {
            return not_a_file();
        }
        LockError::Io {
            action: "open",
            path: path.to_path_buf(),
            source,
        }
    })?;
    match file.metadata() {
        Ok(meta) if meta.is_file() => Ok(file),
        Ok(_) => Err(not_a_file()),
        Err(source) => Err(LockError::Io {
            action: "open",
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never(_: &Path) {
        panic!("no wait expected");
    }

    #[test]
    fn a_second_holder_waits_then_gives_up_naming_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock_folder(dir.path(), Duration::ZERO, &mut never).unwrap();
        assert_eq!(held.path(), dir.path().join(LOCK_FILE));
        let mut told = Vec::new();
        let err = lock_folder(dir.path(), Duration::from_millis(120), &mut |p: &Path| {
            told.push(p.to_path_buf())
        })
        .unwrap_err();
        assert_eq!(told, [dir.path().join(LOCK_FILE)], "told once");
        let LockError::Busy { path, waited } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(*path, dir.path().join(LOCK_FILE));
        assert!(*waited >= Duration::from_millis(120), "{waited:?}");
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "another provcat still holds {} after 0.",
                path.display()
            )),
            "{text}"
        );
        drop(held);
        let again = lock_folder(dir.path(), Duration::ZERO, &mut never).unwrap();
        drop(again);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "the lock file stays, alone");
    }

    #[test]
    fn a_waiting_holder_gets_the_lock_when_it_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock_folder(dir.path(), Duration::ZERO, &mut never).unwrap();
        let (waiting_tx, waiting_rx) = std::sync::mpsc::channel();
        let folder = dir.path().to_path_buf();
        let waiter = std::thread::spawn(move || {
            lock_folder(&folder, Duration::from_secs(20), &mut |_: &Path| {
                waiting_tx.send(()).unwrap()
            })
            .map(|lock| lock.path().to_path_buf())
        });
        // Generous, yet short of the 20 s the waiter would wait: a waiter that never says
        // it waits fails here, not after its whole wait.
        waiting_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the second holder says it waits");
        drop(held);
        let got = waiter.join().unwrap().unwrap();
        assert_eq!(got, dir.path().join(LOCK_FILE));
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_or_special_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&elsewhere, dir.path().join(LOCK_FILE)).unwrap();
        let err = lock_folder(dir.path(), Duration::ZERO, &mut never).unwrap_err();
        assert!(
            matches!(&err, LockError::NotAFile { path } if *path == dir.path().join(LOCK_FILE))
        );
        assert!(err.to_string().contains("remove it"), "{err}");
        assert!(!elsewhere.exists(), "nothing created through the link");

        let fifo_dir = tempfile::tempdir().unwrap();
        let fifo = std::ffi::CString::new(
            fifo_dir
                .path()
                .join(LOCK_FILE)
                .into_os_string()
                .into_encoded_bytes(),
        )
        .unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let err = lock_folder(fifo_dir.path(), Duration::ZERO, &mut never).unwrap_err();
        assert!(matches!(err, LockError::NotAFile { .. }), "{err:?}");
    }

    #[test]
    fn a_lock_file_that_cannot_be_opened_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(LOCK_FILE)).unwrap();
        let err = lock_folder(dir.path(), Duration::ZERO, &mut never).unwrap_err();
        assert!(
            matches!(&err, LockError::Io { action: "open", path, .. } if *path == dir.path().join(LOCK_FILE)),
            "{err:?}"
        );
        assert!(
            err.to_string().starts_with("cannot open the lock file "),
            "{err}"
        );
        let missing = dir.path().join("missing");
        assert!(matches!(
            lock_folder(&missing, Duration::ZERO, &mut never),
            Err(LockError::Io { action: "open", .. })
        ));
    }
}
