//! `base_model`: a provider's model file inherits the fields of a model-only file under
//! `models/<lab>/<id>.toml`, deep-merged (the provider's values win, tables merge key by
//! key), then `base_model_omit` removes dot-paths (`limit.input`) from the result. A base
//! model may itself name a base model; a cycle, a base that does not exist and a broken
//! base file are located problems (the model cannot be imported without its base).

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::snapshot::{FileProblem, Parsed, Snapshot};

/// A model file merged with its base models.
#[derive(Debug)]
pub struct Merged {
    /// The merged fields (without `base_model` and `base_model_omit`).
    pub value: Map<String, Value>,
    /// The files the fields came from: the model file first, then each base in turn.
    pub origins: Vec<Arc<Result<Parsed, FileProblem>>>,
    /// The base model chain, nearest first (empty without `base_model`).
    pub bases: Vec<String>,
}

/// A base model problem: where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeProblem {
    /// The file that names the bad base, or the broken base file.
    pub file: String,
    /// The position of `base_model` (or of the parse error), when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
}

impl Merged {
    /// The file, line and column of the merged field at `pointer`: the first origin that
    /// has it (the model file wins, as in the merge).
    pub fn locate(&self, pointer: &str, key: bool) -> (String, Option<(usize, usize)>) {
        let mut first = None;
        for origin in self.origins.iter() {
            let Ok(parsed) = origin.as_ref() else {
                continue;
            };
            first.get_or_insert_with(|| parsed.file.clone());
            if parsed.value.pointer(pointer).is_some() {
                return (parsed.file.clone(), parsed.position(pointer, key));
            }
        }
        (first.unwrap_or_default(), None)
    }
}

/// Merges `model` (an `Arc` so it can be an origin) with its bases from `snapshot`.
pub fn merge(
    model: Arc<Result<Parsed, FileProblem>>,
    snapshot: &mut Snapshot,
) -> Result<Merged, MergeProblem> {
    let mut origins = vec![model];
    let mut bases = Vec::new();
    // Follow the chain of bases, nearest first.
    loop {
        let last = origins
            .last()
            .cloned()
            .unwrap_or_else(|| Arc::new(Err(blank())));
        let parsed = match last.as_ref() {
            Ok(p) => p,
            Err(problem) => {
                return Err(MergeProblem {
                    file: problem.file.clone(),
                    position: problem.position,
                    message: problem.message.clone(),
                });
            }
        };
        let Some(base) = parsed.value.get("base_model") else {
            break;
        };
        let at = parsed.position("/base_model", false);
        let problem = |message: String| MergeProblem {
            file: parsed.file.clone(),
            position: at,
            message,
        };
        let Some(name) = base.as_str() else {
            return Err(problem("`base_model` is not a string".to_string()));
        };
        if bases.iter().any(|b| b == name) {
            let mut chain = bases.clone();
            chain.push(name.to_string());
            return Err(problem(format!(
                "base models form a cycle: {}",
                chain.join(" -> ")
            )));
        }
        let found = snapshot.base(name);
        if let Err(p) = found.as_ref()
            && p.position.is_none()
            && p.message.starts_with("cannot read")
        {
            return Err(problem(format!(
                "base model `{name}` does not exist (no `models/{name}.toml`)"
            )));
        }
        bases.push(name.to_string());
        origins.push(found);
    }
    // Merge from the farthest base to the model file.
    let mut value = Map::new();
    for origin in origins.iter().rev() {
        let Ok(parsed) = origin.as_ref() else {
            continue;
        };
        let Some(fields) = parsed.value.as_object() else {
            continue;
        };
        let mut fields = fields.clone();
        fields.remove("base_model");
        let omit = fields.remove("base_model_omit");
        deep_merge(&mut value, fields);
        if let Some(omit) = omit {
            let Some(paths) = omit.as_array() else {
                return Err(MergeProblem {
                    file: parsed.file.clone(),
                    position: parsed.position("/base_model_omit", false),
                    message: "`base_model_omit` is not a list of dot-paths".to_string(),
                });
            };
            for (i, path) in paths.iter().enumerate() {
                match path.as_str() {
                    Some(path) => remove_path(&mut value, path),
                    None => {
                        return Err(MergeProblem {
                            file: parsed.file.clone(),
                            position: parsed.position(&format!("/base_model_omit/{i}"), false),
                            message: "a `base_model_omit` entry is not a string".to_string(),
                        });
                    }
                }
            }
        }
    }
    Ok(Merged {
        value,
        origins,
        bases,
    })
}

fn blank() -> FileProblem {
    FileProblem {
        file: String::new(),
        position: None,
        message: "no file".to_string(),
    }
}

/// Merges `over` into `into`: tables merge key by key, anything else replaces.
pub fn deep_merge(into: &mut Map<String, Value>, over: Map<String, Value>) {
    for (key, value) in over {
        match (into.get_mut(&key), value) {
            (Some(Value::Object(existing)), Value::Object(table)) => deep_merge(existing, table),
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// Removes the dot-path `path` (`limit.input`) from `value`, if it is there.
pub fn remove_path(value: &mut Map<String, Value>, path: &str) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut table = value;
    for part in parts {
        match table.get_mut(part) {
            Some(Value::Object(next)) => table = next,
            _ => return,
        }
    }
    table.remove(last);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn snapshot_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Snapshot) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("providers")).unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let snapshot = Snapshot::read(dir.path(), None, &mut |_, _| {}).unwrap();
        (dir, snapshot)
    }

    fn model(
        snapshot: &Snapshot,
        root: &std::path::Path,
        text: &str,
    ) -> Arc<Result<Parsed, FileProblem>> {
        let _ = snapshot;
        std::fs::write(root.join("m.toml"), text).unwrap();
        Arc::new(crate::snapshot::read_file(root, "m.toml"))
    }

    #[test]
    fn deep_merge_then_omit() {
        let (dir, mut s) = snapshot_with(&[(
            "models/lab/base.toml",
            "name = \"Base\"\nreasoning = true\n[limit]\ncontext = 1000\ninput = 900\noutput = 100\n",
        )]);
        let m = model(
            &s,
            dir.path(),
            "base_model = \"lab/base\"\nbase_model_omit = [\"limit.input\", \"no.such\"]\nname = \"Mine\"\n[limit]\ncontext = 2000\noutput = 200\n",
        );
        let merged = merge(m, &mut s).unwrap();
        assert_eq!(
            Value::Object(merged.value.clone()),
            json!({"name": "Mine", "reasoning": true, "limit": {"context": 2000, "output": 200}})
        );
        assert_eq!(merged.bases, ["lab/base"]);
        // The model file wins the location; inherited fields point into the base.
        assert_eq!(merged.locate("/name", true).0, "m.toml");
        assert_eq!(
            merged.locate("/reasoning", true),
            ("models/lab/base.toml".to_string(), Some((2, 1)))
        );
    }

    #[test]
    fn missing_bases_cycles_and_broken_bases_are_located() {
        let (dir, mut s) = snapshot_with(&[
            (
                "models/lab/a.toml",
                "base_model = \"lab/b\"\nname = \"A\"\n",
            ),
            (
                "models/lab/b.toml",
                "base_model = \"lab/a\"\nname = \"B\"\n",
            ),
            ("models/lab/broken.toml", "name = \n"),
        ]);
        let err = merge(
            model(&s, dir.path(), "name = \"x\"\nbase_model = \"lab/none\"\n"),
            &mut s,
        )
        .unwrap_err();
        assert_eq!((err.file.as_str(), err.position), ("m.toml", Some((2, 14))));
        assert!(err.message.contains("does not exist"), "{err:?}");
        let err = merge(model(&s, dir.path(), "base_model = \"lab/a\"\n"), &mut s).unwrap_err();
        assert_eq!(
            err.message,
            "base models form a cycle: lab/a -> lab/b -> lab/a"
        );
        assert_eq!(err.file, "models/lab/b.toml");
        let err = merge(
            model(&s, dir.path(), "base_model = \"lab/broken\"\n"),
            &mut s,
        )
        .unwrap_err();
        assert_eq!(err.file, "models/lab/broken.toml");
        assert!(err.message.starts_with("invalid TOML"), "{err:?}");
    }
}
