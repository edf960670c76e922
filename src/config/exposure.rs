//! Files holding secrets that other users can read: the config when it holds an `apiKey`,
//! headers or an `env` table, and the `.env` beside it. Loading warns about each (provcat
//! does not change a file it only reads); `provcat onboard` writes both `0o600`.

use std::path::Path;

use super::{ConfigFile, LoadedConfig};
use crate::atomic::open_to_others;

/// Whether the config file holds anything secret: an `apiKey`, a header (`Authorization`,
/// `api-key`, …) or an `env` value.
pub fn holds_secret(file: &ConfigFile) -> bool {
    !file.env.is_empty()
        || file
            .models
            .providers
            .values()
            .any(|p| p.api_key.is_some() || !p.headers.is_empty())
}

/// The warning for a file holding secrets whose permission bits `mode` let others in.
pub fn readable_warning(path: &Path, mode: u32) -> String {
    format!(
        "{} holds secrets and other users can read it (mode {mode:04o}); run `chmod 600 {}`",
        path.display(),
        path.display()
    )
}

/// A warning for the config and for the `.env` when it holds secrets that others can read.
pub(super) fn warnings(config: &LoadedConfig) -> Vec<String> {
    let config_file =
        (config.exists && holds_secret(&config.file)).then_some(config.location.path.as_path());
    let dotenv = (config.dotenv.exists && !config.dotenv.vars.is_empty())
        .then_some(config.dotenv.path.as_path());
    [config_file, dotenv]
        .into_iter()
        .flatten()
        .filter_map(|path| open_to_others(path).map(|mode| readable_warning(path, mode)))
        .collect()
}
