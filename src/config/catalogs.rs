//! The config's `catalogs` key: catalog folders to load over the built-in catalog. It is
//! read at start-up, before the rest of the config (which is checked against the catalog
//! those folders make), and only for it: a config that cannot be read or parsed yields no
//! folders here, and the full load reports why.
//!
//! Paths are resolved relative to the config file's folder; `~` and `~/…` are the home
//! folder. A listed folder that does not exist, or is not a folder, is a diagnostic located
//! at its entry in the config.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{ConfigLocation, Format, parse};
use crate::common::tree::push_token;
use crate::common::{Diagnostic, Report, Rule};

/// The config key.
pub const KEY: &str = "catalogs";

/// One entry of `catalogs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedCatalog {
    /// As written in the config.
    pub written: String,
    /// Resolved against the config's folder and the home folder.
    pub path: PathBuf,
    /// Where it is written.
    pub span: Option<Range<usize>>,
}

/// The `catalogs` of a config file.
#[derive(Clone, Debug)]
pub struct ListedCatalogs {
    /// The config file.
    pub file: PathBuf,
    /// Its text (for diagnostics).
    pub text: Arc<str>,
    /// The folders, in order.
    pub entries: Vec<ListedCatalog>,
}

impl ListedCatalogs {
    /// A located error for each folder that does not exist or is not a folder.
    pub fn check(&self) -> Result<(), Report> {
        let shown = self.file.display().to_string();
        let mut report = Report::default();
        report.add_source(&shown, self.text.clone());
        for e in &self.entries {
            let problem = match std::fs::metadata(&e.path) {
                Ok(m) if m.is_dir() => continue,
                Ok(_) => "is not a folder".to_string(),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                    "does not exist".to_string()
                }
                Err(err) => format!("cannot be read: {err}"),
            };
            report.push(
                Diagnostic::new(
                    Rule::Io,
                    format!(
                        "the catalog folder `{}` listed in `{KEY}` {problem}",
                        e.path.display()
                    ),
                )
                .at(&shown, e.span.clone())
                .label("listed here")
                .help(format!(
                    "point it at a folder that holds one sub-folder per provider, or remove it from `{KEY}` (relative paths start at {})",
                    self.file.parent().map_or_else(|| ".".into(), |p| p.display().to_string())
                )),
            );
        }
        if report.is_empty() {
            Ok(())
        } else {
            Err(report)
        }
    }
}

/// The `catalogs` of the config at `location`: `None` when the file is missing, cannot be
/// read or parsed, or has no such list (the full load reports a broken file).
pub fn listed(location: &ConfigLocation) -> Option<ListedCatalogs> {
    let text = std::fs::read_to_string(&location.path).ok()?;
    let shown = location.path.display().to_string();
    let (value, index) = parse::parse(&text, Format::of(&location.path), &shown).ok()?;
    let list = value.get(KEY)?.as_array()?;
    let folder = location.path.parent().unwrap_or(Path::new(""));
    let entries = list
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let written = v.as_str()?;
            Some(ListedCatalog {
                written: written.to_string(),
                path: resolve(written, folder),
                span: index.value_span(&push_token(&format!("/{KEY}"), &i.to_string())),
            })
        })
        .collect();
    Some(ListedCatalogs {
        file: location.path.clone(),
        text: Arc::from(text),
        entries,
    })
}

/// `written` resolved: `~` and `~/…` under the home folder, relative paths under `folder`.
pub fn resolve(written: &str, folder: &Path) -> PathBuf {
    let home = || dirs::home_dir().unwrap_or_default();
    if written == "~" {
        return home();
    }
    if let Some(rest) = written.strip_prefix("~/") {
        return home().join(rest);
    }
    let path = Path::new(written);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        folder.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_against_the_config_folder_and_home() {
        let folder = Path::new("/etc/provcat");
        assert_eq!(resolve("mine", folder), Path::new("/etc/provcat/mine"));
        assert_eq!(resolve("../x", folder), Path::new("/etc/provcat/../x"));
        assert_eq!(resolve("/abs/x", folder), Path::new("/abs/x"));
        if let Some(home) = dirs::home_dir() {
            assert_eq!(resolve("~/cat", folder), home.join("cat"));
            assert_eq!(resolve("~", folder), home);
        }
        // `~user` is not expanded: it is a relative name like any other.
        assert_eq!(resolve("~x", folder), Path::new("/etc/provcat/~x"));
    }
}
