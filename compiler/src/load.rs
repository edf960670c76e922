//! Reading a catalog folder into memory, and telling provider files from model files.

use std::path::Path;
use std::sync::Arc;

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

/// Reads every `.toml` file under `dir` (skipping hidden entries), sorted by path.
/// Unreadable files and folders are reported; the rest is still returned.
pub fn load_dir(dir: &Path, report: &mut Report) -> Vec<SourceFile> {
    let root = dir.to_string_lossy().replace('\\', "/");
    let mut files = Vec::new();
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
        return files;
    }
    walk(dir, "", &root, &mut files, report);
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    files
}

fn walk(dir: &Path, prefix: &str, root: &str, files: &mut Vec<SourceFile>, report: &mut Report) {
    let shown = |name: &str| SourceFile::new(root, &format!("{prefix}{name}"), "").path;
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            report.push(
                Diagnostic::new(Rule::Io, format!("cannot read folder: {e}")).at(&shown(""), None),
            );
            return;
        }
    };
    let mut names: Vec<(String, std::path::PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    names.sort();
    for (name, path) in names {
        if path.is_dir() {
            walk(&path, &format!("{prefix}{name}/"), root, files, report);
        } else if name.ends_with(".toml") {
            let relative = format!("{prefix}{name}");
            match std::fs::read_to_string(&path) {
                Ok(text) => files.push(SourceFile::new(root, &relative, text)),
                Err(e) => report.push(
                    Diagnostic::new(Rule::Io, format!("cannot read file: {e}"))
                        .at(&shown(&name), None)
                        .help("catalog files must be readable UTF-8 text"),
                ),
            }
        }
    }
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
