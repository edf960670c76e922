//! Walking a catalog folder without trusting it: every entry is looked at with
//! `symlink_metadata` before anything is opened, and only regular files are read.
//!
//! - A `.toml` entry that is a named pipe, a socket or a device is refused without being
//!   opened (opening a pipe waits for a writer forever; a device can be read forever).
//! - A link to a regular file is followed when the file lies inside the catalog folder
//!   (its canonical path starts with the folder's); each such target is read once, however
//!   many links lead to it. A link that leaves the folder, or that dangles, is refused.
//! - A link to a folder is never followed, so the walk cannot loop (`self -> .`) or climb
//!   out of the catalog (`up -> ..`): each such link is one error.
//! - Every file is read through a size cap ([`Limits::file_bytes`]), and the walk stops at
//!   caps on the entries it looks at, on the bytes it reads in all, and on folder depth.
//!
//! Each refusal is a located [`Rule::Io`] error naming the entry; the rest of the folder is
//! still read. Non-`.toml` entries and hidden ones (`.git`) are skipped unread, as before.

use std::collections::HashMap;
use std::fs::{File, FileType, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::SourceFile;
use crate::diagnostic::{Diagnostic, LineIndex, Report, Rule};

/// The caps of a walk. [`Limits::DEFAULT`] fits a catalog of well over 100,000 models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest file read, in bytes.
    pub file_bytes: u64,
    /// The most bytes read from all files together.
    pub total_bytes: u64,
    /// The most folder entries (files, folders, links, hidden or not) looked at.
    pub entries: usize,
    /// The deepest folder read, counted from the catalog folder (a provider's `models/`
    /// folder is at depth 2).
    pub depth: usize,
}

impl Limits {
    /// 1 MiB per file, 512 MiB in all, 250,000 entries, 32 folders deep.
    pub const DEFAULT: Limits = Limits {
        file_bytes: 1 << 20,
        total_bytes: 512 << 20,
        entries: 250_000,
        depth: 32,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A byte count as people read it: `1 MiB (1048576 bytes)`, or `100 bytes`.
fn bytes(n: u64) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB ({n} bytes)", n >> 20)
    } else {
        format!("{n} bytes")
    }
}

/// One walk over one catalog folder.
pub(super) struct Walk<'a> {
    /// The catalog folder as displayed.
    root: &'a str,
    /// The catalog folder's canonical path (links must stay under it).
    canonical_root: PathBuf,
    limits: Limits,
    report: &'a mut Report,
    /// The files read so far.
    pub(super) files: Vec<SourceFile>,
    /// Texts already read through a link, by canonical path.
    linked: HashMap<PathBuf, Arc<str>>,
    entries: usize,
    total_bytes: u64,
    /// Set when a cap on the whole walk was reached: nothing more is read.
    stopped: bool,
}

impl<'a> Walk<'a> {
    /// A walk of `dir` (displayed as `root`), which must be a folder.
    pub(super) fn new(
        dir: &Path,
        root: &'a str,
        limits: Limits,
        report: &'a mut Report,
    ) -> Walk<'a> {
        Walk {
            root,
            canonical_root: dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()),
            limits,
            report,
            files: Vec::new(),
            linked: HashMap::new(),
            entries: 0,
            total_bytes: 0,
            stopped: false,
        }
    }

    /// The path of `relative` as diagnostics show it (the catalog folder for `""`).
    fn shown(&self, relative: &str) -> String {
        if relative.is_empty() {
            return self.root.to_string();
        }
        SourceFile::new(self.root, relative, "").path
    }

    /// Reports a problem with the entry at `relative`.
    fn refuse(&mut self, relative: &str, message: String, help: &str) {
        let shown = self.shown(relative);
        self.report.push(
            Diagnostic::new(Rule::Io, message)
                .at(&shown, None)
                .help(help),
        );
    }

    /// Reads the folder `dir`, at `prefix` (`""` or `qwen/models/`) and `depth` below the
    /// catalog folder.
    pub(super) fn folder(&mut self, dir: &Path, prefix: &str, depth: usize) {
        if depth > self.limits.depth {
            self.refuse(
                prefix,
                format!(
                    "folders nest more than {} deep here; this folder was not read",
                    self.limits.depth
                ),
                "a catalog holds `<provider>/provider.toml` and `<provider>/models/…`; move the files up",
            );
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.refuse(
                    prefix,
                    format!("cannot read folder: {e}"),
                    "check the folder's permissions",
                );
                return;
            }
        };
        let mut names = Vec::new();
        for entry in entries {
            self.entries += 1;
            if self.entries > self.limits.entries {
                self.stop(format!(
                    "the catalog folder holds more than {} files and folders; stopped reading",
                    self.limits.entries
                ));
                return;
            }
            match entry {
                Ok(entry) => names.push((
                    entry.file_name().to_string_lossy().into_owned(),
                    entry.path(),
                )),
                Err(e) => self.refuse(
                    prefix,
                    format!("cannot read folder: {e}"),
                    "check the folder's permissions",
                ),
            }
        }
        names.retain(|(name, _)| !name.starts_with('.'));
        names.sort();
        for (name, path) in names {
            if self.stopped {
                return;
            }
            let relative = format!("{prefix}{name}");
            match std::fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => self.folder(&path, &format!("{relative}/"), depth + 1),
                Ok(meta) if meta.file_type().is_symlink() => self.link(&path, &relative),
                Ok(meta) if is_toml(&name) => self.file(&path, &relative, &meta),
                Ok(_) => {}
                Err(e) => self.refuse(
                    &relative,
                    format!("cannot read this entry: {e}"),
                    "check its permissions, or remove it",
                ),
            }
        }
    }

    /// Stops the walk with an error at the catalog folder.
    fn stop(&mut self, message: String) {
        self.stopped = true;
        self.refuse(
            "",
            message,
            "point the command at a catalog folder (one sub-folder per provider)",
        );
    }

    /// A link at `relative`: followed only to a regular file inside the catalog folder.
    fn link(&mut self, path: &Path, relative: &str) {
        let to = std::fs::read_link(path)
            .map(|t| format!(" `{}`", t.display()))
            .unwrap_or_default();
        let target = match std::fs::metadata(path) {
            Ok(target) => target,
            Err(e) if is_toml(relative) => {
                return self.refuse(
                    relative,
                    format!("cannot read file: the link to{to} leads nowhere ({e})"),
                    "fix the link or remove it",
                );
            }
            // A dangling link without the `.toml` name would not have been read anyway.
            Err(_) => return,
        };
        if target.is_dir() {
            return self.refuse(
                relative,
                format!("this is a link to the folder{to}; links to folders are not followed"),
                "make it a real folder inside the catalog, or remove the link",
            );
        }
        if !is_toml(relative) {
            return;
        }
        if !target.is_file() {
            return self.refuse(
                relative,
                format!(
                    "not a regular file: the link leads to{to}, {}",
                    kind(&target.file_type())
                ),
                "catalog files must be regular files; remove the link",
            );
        }
        let canonical = match std::fs::canonicalize(path) {
            Ok(canonical) if canonical.starts_with(&self.canonical_root) => canonical,
            Ok(_) | Err(_) => {
                return self.refuse(
                    relative,
                    format!("the link leads out of the catalog folder (to{to})"),
                    "copy the file into the catalog folder, or link to a file inside it",
                );
            }
        };
        if let Some(text) = self.linked.get(&canonical) {
            let file = SourceFile::new(self.root, relative, text.clone());
            self.files.push(file);
            return;
        }
        if let Some(text) = self.read(&canonical, relative, &target) {
            self.linked.insert(canonical, text.clone());
            self.files.push(SourceFile::new(self.root, relative, text));
        }
    }

    /// A `.toml` entry at `relative` that is not a folder or a link.
    fn file(&mut self, path: &Path, relative: &str, meta: &Metadata) {
        if !meta.is_file() {
            return self.refuse(
                relative,
                format!("not a regular file: this is {}", kind(&meta.file_type())),
                "catalog files must be regular files; remove it",
            );
        }
        if let Some(text) = self.read(path, relative, meta) {
            self.files.push(SourceFile::new(self.root, relative, text));
        }
    }

    /// Reads the regular file at `path` (shown as `relative`; `meta` describes it) within
    /// the caps, as UTF-8 text.
    fn read(&mut self, path: &Path, relative: &str, meta: &Metadata) -> Option<Arc<str>> {
        let cap = self.limits.file_bytes;
        if meta.len() > cap {
            let message = format!(
                "the file is {} long, more than the {} a catalog file may hold",
                bytes(meta.len()),
                bytes(cap)
            );
            self.refuse(relative, message, TOO_BIG_HELP);
            return None;
        }
        let mut buffer = Vec::new();
        let read = open(path).and_then(|file| {
            // Whatever the entry turned into since it was looked at, read no more than
            // the cap allows.
            if !file.metadata()?.is_file() {
                return Err(std::io::Error::other("it is no longer a regular file"));
            }
            file.take(cap + 1).read_to_end(&mut buffer)
        });
        if let Err(e) = read {
            self.refuse(
                relative,
                format!("cannot read file: {e}"),
                "catalog files must be readable UTF-8 text",
            );
            return None;
        }
        let size = buffer.len() as u64;
        if size > cap {
            let message = format!(
                "the file holds more than the {} a catalog file may hold",
                bytes(cap)
            );
            self.refuse(relative, message, TOO_BIG_HELP);
            return None;
        }
        self.total_bytes += size;
        if self.total_bytes > self.limits.total_bytes {
            self.stop(format!(
                "the catalog's files hold more than {} in all; stopped reading",
                bytes(self.limits.total_bytes)
            ));
            return None;
        }
        match String::from_utf8(buffer) {
            Ok(text) => Some(Arc::from(text)),
            Err(e) => {
                self.not_utf8(relative, e);
                None
            }
        }
    }

    /// Reports a file that is not UTF-8, pointing at its first bad byte: the text up to
    /// there is shown as it is, the rest with each bad sequence as `�`.
    fn not_utf8(&mut self, relative: &str, error: std::string::FromUtf8Error) {
        let at = error.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
        let (line, column) = LineIndex::new(&text).line_col(&text, at);
        let shown = self.shown(relative);
        let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
        self.report.add_source(&shown, Arc::from(text));
        self.report.push(
            Diagnostic::new(
                Rule::Io,
                format!("the file is not UTF-8 text: the byte at line {line}, column {column} is not valid UTF-8"),
            )
            .at(&shown, Some(at..end))
            .label("not UTF-8")
            .help("catalog files must be UTF-8 text; save the file as UTF-8"),
        );
    }
}

const TOO_BIG_HELP: &str =
    "a catalog file describes one provider or one model; is this the right file?";

/// Whether an entry name is a catalog file's.
fn is_toml(name: &str) -> bool {
    name.ends_with(".toml")
}

/// What a file that is not regular is, in words.
fn kind(file_type: &FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
    }
    let _ = file_type;
    "not a regular file"
}

/// Opens `path` for reading. On Unix without waiting: were it a named pipe by now (it was
/// a regular file when looked at), opening it must not block until a writer comes.
fn open(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(all(test, unix))]
mod tests;
