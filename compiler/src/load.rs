//! Reading a catalog folder into memory, and telling provider files from model files.
//!
//! The folder is walked by [`walk`], which reads only regular files (and links to regular
//! files inside the folder), within [`Limits`].

mod walk;

use std::path::Path;
use std::sync::Arc;

pub use walk::Limits;

use crate::diagnostic::{Diagnostic, Report, Rule};
use crate::schema::FileKind;

/// One catalog file, in memory.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path shown in diagnostics (`catalog/qwen/models/glm-5.toml`).
    pub path: String,
    /// The path relative to the catalog folder, with `/` separators (`qwen/models/glm-5.toml`).
    pub relative: String,
    /// The file's text.
    pub text: Arc<str>,
}

impl SourceFile {
    /// A file of the catalog at `root` (as displayed) with path `relative` inside it.
    pub fn new(root: &str, relative: &str, text: impl Into<Arc<str>>) -> Self {
        let path = if root.is_empty() || root == "." {
            relative.to_string()
        } else {
            format!("{}/{relative}", root.trim_end_matches('/'))
        };
        SourceFile {
            path,
            relative: relative.to_string(),
            text: text.into(),
        }
    }
}

/// What a file is, judged by where it sits in the catalog folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// `catalog.toml` at the top.
    Catalog,
    /// `<provider>/provider.toml`
    Provider {
        /// The folder name, which must equal the provider id.
        folder: String,
    },
    /// `<provider>/models/<stem>.toml`, where `<stem>` may span sub-folders
    /// (`openrouter/models/anthropic/claude-sonnet-4.5.toml`).
    Model {
        /// The provider folder.
        folder: String,
        /// The path under `models/` without `.toml`, which must equal the model id.
        stem: String,
    },
    /// Anything else.
    Unexpected,
}

impl Placement {
    /// Classifies a path relative to the catalog folder.
    pub fn of(relative: &str) -> Placement {
        let parts: Vec<&str> = relative.split('/').collect();
        match parts.as_slice() {
            ["catalog.toml"] => Placement::Catalog,
            [folder, "provider.toml"] => Placement::Provider {
                folder: folder.to_string(),
            },
            [folder, "models", path @ ..] if !path.is_empty() => {
                let joined = path.join("/");
                match joined.strip_suffix(".toml") {
                    Some(stem)
                        if !stem.is_empty()
                            && !stem.ends_with('/')
                            && path.iter().all(|p| !p.is_empty()) =>
                    {
                        Placement::Model {
                            folder: folder.to_string(),
                            stem: stem.to_string(),
                        }
                    }
                    _ => Placement::Unexpected,
                }
            }
            _ => Placement::Unexpected,
        }
    }

    /// The kind of file, when it is one.
    pub fn kind(&self) -> Option<FileKind> {
        match self {
            Placement::Catalog => Some(FileKind::Catalog),
            Placement::Provider { .. } => Some(FileKind::Provider),
            Placement::Model { .. } => Some(FileKind::Model),
            Placement::Unexpected => None,
        }
    }
}

/// Reads every `.toml` file under `dir` (skipping hidden entries), sorted by path, within
/// [`Limits::DEFAULT`]. Unreadable and refused entries are reported (see [`walk`]); the
/// rest is still returned.
pub fn load_dir(dir: &Path, report: &mut Report) -> Vec<SourceFile> {
    load_dir_with(dir, Limits::DEFAULT, report)
}

/// [`load_dir`] with other caps.
pub fn load_dir_with(dir: &Path, limits: Limits, report: &mut Report) -> Vec<SourceFile> {
    let root = dir.to_string_lossy().replace('\\', "/");
    if !dir.is_dir() {
        let why = match std::fs::metadata(dir) {
            Ok(_) => "it is a file".to_string(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "it does not exist".to_string(),
            Err(e) => format!("it cannot be read ({e})"),
        };
        report.push(
            Diagnostic::new(Rule::Io, format!("`{root}` is not a catalog folder"))
                .at(&root, None)
                .help(format!(
                    "{why}; pass the folder that holds one sub-folder per provider, e.g. `catalog`"
                )),
        );
        return Vec::new();
    }
    let mut walk = walk::Walk::new(dir, &root, limits, report);
    walk.folder(dir, "", 0);
    let mut files = walk.files;
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_place() {
        assert_eq!(
            Placement::of("qwen/provider.toml"),
            Placement::Provider {
                folder: "qwen".into()
            }
        );
        assert_eq!(
            Placement::of("qwen/models/glm-5.toml"),
            Placement::Model {
                folder: "qwen".into(),
                stem: "glm-5".into()
            }
        );
        assert_eq!(Placement::of("provider.toml"), Placement::Unexpected);
        assert_eq!(Placement::of("catalog.toml"), Placement::Catalog);
        assert_eq!(Placement::of("qwen/models/.toml"), Placement::Unexpected);
        assert_eq!(Placement::of("qwen/models/x.json"), Placement::Unexpected);
        assert_eq!(Placement::of("qwen/model/x.toml"), Placement::Unexpected);
        assert_eq!(
            Placement::of("openrouter/models/anthropic/claude-sonnet-4.5.toml"),
            Placement::Model {
                folder: "openrouter".into(),
                stem: "anthropic/claude-sonnet-4.5".into()
            }
        );
        assert_eq!(Placement::of("qwen/models/deep/"), Placement::Unexpected);
        assert_eq!(Placement::of("qwen/models/.toml"), Placement::Unexpected);
        assert_eq!(Placement::of("qwen/models/a/.toml"), Placement::Unexpected);
    }

    #[test]
    fn the_place_says_the_kind() {
        assert_eq!(
            Placement::of("q/provider.toml").kind(),
            Some(FileKind::Provider)
        );
        assert_eq!(
            Placement::of("q/models/m.toml").kind(),
            Some(FileKind::Model)
        );
        assert_eq!(Placement::of("q/other.toml").kind(), None);
    }

    #[test]
    fn a_path_that_is_not_a_folder_is_one_error() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let file = dir.path().join("catalog.toml");
        std::fs::write(&file, "").expect("file");
        for path in [file, dir.path().join("missing")] {
            let mut report = Report::default();
            assert!(load_dir(&path, &mut report).is_empty());
            let shown = path.to_string_lossy();
            let messages: Vec<String> = report
                .diagnostics()
                .into_iter()
                .map(|d| format!("{}: {}", report.location(d).unwrap_or_default(), d.message))
                .collect();
            assert_eq!(
                messages,
                [format!("{shown}: `{shown}` is not a catalog folder")]
            );
        }
    }

    #[test]
    fn display_paths_join_the_root() {
        assert_eq!(
            SourceFile::new("catalog/", "q/provider.toml", "").path,
            "catalog/q/provider.toml"
        );
        assert_eq!(
            SourceFile::new(".", "q/provider.toml", "").path,
            "q/provider.toml"
        );
    }
}
