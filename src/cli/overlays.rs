//! Catalog overlays at start-up: the config's `catalogs` list, then every `--catalog DIR`,
//! compiled over the built-in catalog ([`provcat::catalog::overlay`]) and installed before
//! the command runs, so every command sees the merged catalog. Without any folder nothing
//! is read or compiled: the built-in tables are used as they are.

use std::path::{Path, PathBuf};

use provcat::config::{self, Env, catalogs};

use super::{Failure, say};

/// Where the folders come from.
pub struct Sources<'a> {
    /// `--catalog DIR`, in order.
    pub flags: &'a [PathBuf],
    /// `--config PATH`, to find the config whose `catalogs` to read.
    pub config_flag: Option<&'a Path>,
    /// Whether to read the config's `catalogs` (commands that use the catalog do).
    pub from_config: bool,
    /// `-v`: say which folders were loaded and what their files did.
    pub verbose: bool,
}

/// Loads and installs the overlays `sources` name; a folder that cannot be used or a
/// catalog with errors is a rendered report (exit code 2).
pub fn install(sources: &Sources<'_>, env: &Env) -> Result<(), Failure> {
    let listed = sources
        .from_config
        .then(|| config::locate(sources.config_flag, env).ok())
        .flatten()
        .and_then(|location| catalogs::listed(&location));
    if let Some(listed) = &listed {
        listed.check().map_err(|r| Failure::report(&r))?;
    }
    let mut dirs: Vec<(PathBuf, Option<String>)> = Vec::new();
    if let Some(listed) = &listed {
        let file = listed.file.display().to_string();
        dirs.extend(listed.entries.iter().map(|e| {
            (
                e.path.clone(),
                Some(format!("`{}` in {file}", catalogs::KEY)),
            )
        }));
    }
    dirs.extend(sources.flags.iter().map(|d| (d.clone(), None)));
    if dirs.is_empty() {
        return Ok(());
    }
    let paths: Vec<&Path> = dirs.iter().map(|(p, _)| p.as_path()).collect();
    let loaded = provcat::catalog::overlay::load(&paths).map_err(|r| Failure::report(&r))?;
    provcat::catalog::install(loaded.tables);
    // The overlays' key variables are secrets too.
    say::learn_env(env);
    if sources.verbose {
        for (dir, from) in &dirs {
            let from = from
                .as_ref()
                .map(|f| format!(", listed in {f}"))
                .unwrap_or_default();
            eprintln!(
                "catalog: {} (loaded over the built-in catalog{from})",
                dir.display()
            );
        }
        for note in &loaded.notes {
            eprintln!("catalog: {note}");
        }
    }
    Ok(())
}
