//! The `.env` file beside the config file: where `provcat onboard` keeps the key, and
//! the last layer of key lookup. Parsed by `dotenvy`; a line it cannot parse is an
//! error located in the file, quoted with every value masked (a line without `=` may be
//! a pasted key, so it is masked whole but for `export` and a name).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::common::{Diagnostic, Report, Rule};
use crate::redact::{Redactor, mask_key};

/// The `.env` file's variables, or nothing when it does not exist. Its `Debug` shows the
/// names with masked values.
#[derive(Clone, Default)]
pub struct DotEnv {
    /// Where it is (whether or not it exists).
    pub path: PathBuf,
    /// Whether it exists.
    pub exists: bool,
    /// Its variables, in file order of first appearance.
    pub vars: BTreeMap<String, String>,
}

impl std::fmt::Debug for DotEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DotEnv")
            .field("path", &self.path)
            .field("exists", &self.exists)
            .field("vars", &masked_map(&self.vars))
            .finish()
    }
}

/// `map` for `Debug`: its names, each with its value masked.
pub(crate) fn masked_map(map: &BTreeMap<String, String>) -> BTreeMap<&str, String> {
    map.iter().map(|(k, v)| (k.as_str(), mask_key(v))).collect()
}

/// The `.env` beside `config`.
pub fn path_beside(config: &Path) -> PathBuf {
    config.with_file_name(".env")
}

/// Reads the `.env` at `path`; a missing file is an empty one.
pub fn read(path: &Path) -> Result<DotEnv, Report> {
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(DotEnv {
                path: path.to_path_buf(),
                exists: false,
                vars: BTreeMap::new(),
            });
        }
        Err(e) => {
            let mut report = Report::default();
            report.push(
                Diagnostic::new(Rule::Io, format!("cannot read {shown}: {e}")).help(
                    if e.kind() == std::io::ErrorKind::IsADirectory {
                        "provcat reads a file of `NAME=value` lines there; move the folder away"
                    } else {
                        "fix its permissions, or remove it if it is not yours"
                    },
                ),
            );
            return Err(report);
        }
    };
    let mut vars = BTreeMap::new();
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok((k, v)) => {
                vars.entry(k).or_insert(v);
            }
            Err(e) => {
                let mut report = Report::default();
                report.add_source(&shown, Arc::from(Redactor::new().mask_dotenv(&text)));
                let (span, label) = match &e {
                    dotenvy::Error::LineParse(line, at) => {
                        let start = line_start(&text, line);
                        // An unclosed quote runs to the end of the file: point at it.
                        let quote = line.find(['"', '\'']);
                        match quote.filter(|_| *at >= line.trim_end().len()) {
                            Some(q) => (
                                start.map(|s| s + q..s + q + 1),
                                "this quote is never closed".to_string(),
                            ),
                            None => (
                                start
                                    .map(|s| (s + at).min(text.len()))
                                    .map(|s| s..(s + 1).min(text.len())),
                                "cannot parse this line".to_string(),
                            ),
                        }
                    }
                    other => (None, other.to_string()),
                };
                report.push(
                    Diagnostic::new(Rule::InvalidValue, format!("invalid line in {shown}"))
                        .at(&shown, span.or(Some(0..0)))
                        .label(label)
                        .help(
                            "each line is `NAME=value`; quote values with spaces (`NAME=\"a b\"`)",
                        ),
                );
                return Err(report);
            }
        }
    }
    Ok(DotEnv {
        path: path.to_path_buf(),
        exists: true,
        vars,
    })
}

/// Where `line` (a logical line as dotenvy reports it, from its first character) starts in
/// `text`: at the start of a line, so that an earlier line containing the same text (or a
/// comment quoting it) is not mistaken for it.
fn line_start(text: &str, line: &str) -> Option<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .find(|&s| text[s..].starts_with(line))
}
