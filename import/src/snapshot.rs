//! Reading a models.dev checkout: `providers/<id>/provider.toml`, the model files under
//! `providers/<id>/models/` (ids with `/` are sub-folders; symbolic links are followed),
//! and the base models under `models/<lab>/`, read on demand. Every file is parsed with
//! spans, so a problem can be reported at its line and column; a file that cannot be read
//! (a dangling link included) or parsed becomes a located problem, and the rest is read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use provcat_compiler::diagnostic::line_col;
use provcat_compiler::tree::{self, SpanIndex};
use serde_json::Value;

/// Folders nested deeper than this under `models/` are not followed (a loop of links).
const MAX_DEPTH: usize = 16;

/// A parsed TOML file of the snapshot.
#[derive(Debug)]
pub struct Parsed {
    /// Path relative to the snapshot, with `/` (`providers/alibaba/models/qwen-max.toml`).
    pub file: String,
    /// The text.
    pub text: Arc<str>,
    /// The value, as JSON.
    pub value: Value,
    /// Spans of its values by JSON pointer.
    pub index: SpanIndex,
}

impl Parsed {
    /// The 1-based (line, column) of the value at `pointer`, or of its key when `key`.
    pub fn position(&self, pointer: &str, key: bool) -> Option<(usize, usize)> {
        let span = if key {
            self.index.key_span(pointer)
        } else {
            self.index.value_span(pointer)
        }?;
        Some(line_col(&self.text, span.start))
    }
}

/// A file that could not be read or parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem {
    /// Path relative to the snapshot.
    pub file: String,
    /// 1-based line and column, when the parser said.
    pub position: Option<(usize, usize)>,
    /// What went wrong.
    pub message: String,
}

/// One model file of a provider.
#[derive(Debug)]
pub struct ModelSource {
    /// The model id: the path under `models/` without `.toml`.
    pub id: String,
    /// The parsed file, or why it could not be.
    pub parsed: Result<Parsed, FileProblem>,
}

/// One provider folder.
#[derive(Debug)]
pub struct ProviderSource {
    /// The models.dev provider id (the folder name).
    pub id: String,
    /// `provider.toml`, parsed.
    pub parsed: Result<Parsed, FileProblem>,
    /// Its model files, sorted by id.
    pub models: Vec<ModelSource>,
    /// Files under `models/` that are not model files (no `.toml`), and folders that could
    /// not be read.
    pub strays: Vec<FileProblem>,
}

/// A models.dev checkout.
#[derive(Debug)]
pub struct Snapshot {
    root: PathBuf,
    /// The provider folders, sorted by id.
    pub providers: Vec<ProviderSource>,
    bases: HashMap<String, Arc<Result<Parsed, FileProblem>>>,
}

/// A snapshot folder that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The folder does not exist or has no `providers/` folder.
    #[error(
        "{} is not a models.dev checkout: it has no `providers/` folder (pass the folder that holds `providers/` and `models/`)",
        .0.display()
    )]
    NotASnapshot(PathBuf),
    /// `providers/` could not be listed.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Snapshot {
    /// Reads the providers of the checkout at `root`, keeping only `keep` when given (by
    /// models.dev id). `progress` is told how many provider folders there are, then each
    /// one read.
    pub fn read(
        root: &Path,
        keep: Option<&dyn Fn(&str) -> bool>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Snapshot, SnapshotError> {
        let providers_dir = root.join("providers");
        if !providers_dir.is_dir() {
            return Err(SnapshotError::NotASnapshot(root.to_path_buf()));
        }
        let entries = std::fs::read_dir(&providers_dir).map_err(|source| SnapshotError::Io {
            path: providers_dir.clone(),
            source,
        })?;
        let mut ids: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.'))
            .filter(|name| keep.is_none_or(|k| k(name)))
            .collect();
        ids.sort();
        let total = ids.len();
        let mut providers = Vec::with_capacity(total);
        for (done, id) in ids.into_iter().enumerate() {
            progress(done, total);
            providers.push(read_provider(root, id));
        }
        progress(total, total);
        Ok(Snapshot {
            root: root.to_path_buf(),
            providers,
            bases: HashMap::new(),
        })
    }

    /// The base model `name` (`openai/gpt-5`), read from `models/<name>.toml` the first
    /// time it is asked for.
    pub fn base(&mut self, name: &str) -> Arc<Result<Parsed, FileProblem>> {
        if let Some(found) = self.bases.get(name) {
            return found.clone();
        }
        let file = format!("models/{name}.toml");
        let valid = !name.is_empty()
            && name
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..");
        let parsed = if valid {
            read_file(&self.root, &file)
        } else {
            Err(FileProblem {
                file: file.clone(),
                position: None,
                message: format!("`{name}` is not a base model name (`<lab>/<model>`)"),
            })
        };
        let parsed = Arc::new(parsed);
        self.bases.insert(name.to_string(), parsed.clone());
        parsed
    }
}

fn read_provider(root: &Path, id: String) -> ProviderSource {
    let parsed = read_file(root, &format!("providers/{id}/provider.toml"));
    let mut models = Vec::new();
    let mut strays = Vec::new();
    let dir = format!("providers/{id}/models");
    if root.join(&dir).is_dir() {
        walk(root, &dir, "", 0, &mut models, &mut strays);
    }
    models.sort_by(|a, b| a.id.cmp(&b.id));
    ProviderSource {
        id,
        parsed,
        models,
        strays,
    }
}

fn walk(
    root: &Path,
    dir: &str,
    prefix: &str,
    depth: usize,
    models: &mut Vec<ModelSource>,
    strays: &mut Vec<FileProblem>,
) {
    let folder = format!("{dir}/{prefix}");
    let problem = |message: String| FileProblem {
        file: folder.trim_end_matches('/').to_string(),
        position: None,
        message,
    };
    if depth > MAX_DEPTH {
        strays.push(problem(format!(
            "folders nested more than {MAX_DEPTH} deep (a loop of links?); not followed"
        )));
        return;
    }
    let entries = match std::fs::read_dir(root.join(&folder)) {
        Ok(entries) => entries,
        Err(e) => {
            strays.push(problem(format!("cannot read folder: {e}")));
            return;
        }
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    for name in names {
        let relative = format!("{folder}{name}");
        let path = root.join(&relative);
        // `is_dir` follows links; a dangling link is not a folder and is read as a file.
        if path.is_dir() {
            walk(
                root,
                dir,
                &format!("{prefix}{name}/"),
                depth + 1,
                models,
                strays,
            );
        } else if let Some(stem) = name.strip_suffix(".toml") {
            models.push(ModelSource {
                id: format!("{prefix}{stem}"),
                parsed: read_file(root, &relative),
            });
        } else {
            strays.push(FileProblem {
                file: relative,
                position: None,
                message: "a file under `models/` without `.toml`: not a model file".to_string(),
            });
        }
    }
}

/// Reads and parses `relative` (a path under `root`).
pub fn read_file(root: &Path, relative: &str) -> Result<Parsed, FileProblem> {
    let path = root.join(relative);
    let problem = |position, message| FileProblem {
        file: relative.to_string(),
        position,
        message,
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            let dangling = std::fs::symlink_metadata(&path)
                .is_ok_and(|m| m.file_type().is_symlink())
                && std::fs::metadata(&path).is_err();
            let message = match std::fs::read_link(&path) {
                Ok(target) if dangling => format!(
                    "a symbolic link to {}, which does not exist",
                    target.display()
                ),
                _ => format!("cannot read file: {e}"),
            };
            return Err(problem(None, message));
        }
    };
    match tree::parse(&text) {
        Ok((value, index)) => Ok(Parsed {
            file: relative.to_string(),
            text: text.into(),
            value,
            index,
        }),
        Err(e) => {
            let position = e.span().map(|s| line_col(&text, s.start));
            Err(problem(
                position,
                format!("invalid TOML: {}", e.message().trim()),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn reads_providers_nested_ids_strays_and_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "providers/p/provider.toml", "name = \"P\"\n");
        write(root, "providers/p/models/a.toml", "name = \"A\"\n");
        write(root, "providers/p/models/vendor/b.toml", "name = [\n");
        write(root, "providers/p/models/vendor/c", "name = \"C\"\n");
        write(root, "models/lab/base.toml", "name = \"Base\"\n");
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            root.join("nowhere.toml"),
            root.join("providers/p/models/gone.toml"),
        )
        .unwrap();
        let mut calls = Vec::new();
        let mut snapshot = Snapshot::read(root, None, &mut |d, t| calls.push((d, t))).unwrap();
        assert_eq!(calls, [(0, 1), (1, 1)]);
        let p = &snapshot.providers[0];
        let ids: Vec<&str> = p.models.iter().map(|m| m.id.as_str()).collect();
        #[cfg(unix)]
        assert_eq!(ids, ["a", "gone", "vendor/b"]);
        let broken = p.models.iter().find(|m| m.id == "vendor/b").unwrap();
        let problem = broken.parsed.as_ref().unwrap_err();
        assert_eq!(problem.file, "providers/p/models/vendor/b.toml");
        assert!(problem.message.starts_with("invalid TOML"), "{problem:?}");
        assert!(problem.position.is_some());
        #[cfg(unix)]
        {
            let gone = p.models.iter().find(|m| m.id == "gone").unwrap();
            let message = &gone.parsed.as_ref().unwrap_err().message;
            assert!(message.contains("does not exist"), "{message}");
        }
        assert_eq!(p.strays[0].file, "providers/p/models/vendor/c");
        assert!(snapshot.base("lab/base").is_ok());
        assert!(snapshot.base("lab/none").is_err());
        assert!(snapshot.base("../etc").is_err());
    }

    #[test]
    fn a_folder_without_providers_is_not_a_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let err = Snapshot::read(dir.path(), None, &mut |_, _| {}).unwrap_err();
        assert!(err.to_string().contains("no `providers/` folder"), "{err}");
    }
}
