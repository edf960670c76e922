//! Files holding secrets that other users can read: the config when it holds an `apiKey`,
//! headers or an `env` table, and the `.env` beside it. Loading warns about each (provcat
//! does not change a file it only reads); `provcat onboard` writes both `0o600`.

use std::path::Path;

use super::{ConfigFile, LoadedConfig};
use crate::atomic::open_to_others;
use crate::warning::Warning;

/// Whether the config file holds anything secret: an `apiKey`, a header (`Authorization`,
/// `api-key`, …) or an `env` value.
pub fn holds_secret(file: &ConfigFile) -> bool {
    !file.env.vars.is_empty()
        || file.serve.token.is_some()
        || file
            .models
            .providers
            .values()
            .any(|p| p.api_key.is_some() || !p.headers.is_empty())
}

/// The warning for a file holding secrets whose permission bits `mode` let others in.
pub fn readable_warning(path: &Path, mode: u32) -> Warning {
    Warning::SecretsReadable {
        path: path.to_path_buf(),
        mode,
    }
}

/// A warning for the config and for the `.env` when it holds secrets that others can read.
pub(super) fn warnings(config: &LoadedConfig) -> Vec<Warning> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ConfigLocation, ConfigOrigin, ProviderConfig, load};

    #[test]
    fn secrets_are_keys_headers_and_env_values() {
        let mut file = ConfigFile::default();
        assert!(!holds_secret(&file));
        file.models
            .providers
            .insert("qwen".into(), ProviderConfig::default());
        assert!(!holds_secret(&file), "an entry without secrets");
        let entry = file.models.providers.get_mut("qwen").unwrap();
        entry.api_key = Some("sk-x".into());
        assert!(holds_secret(&file));
        let entry = file.models.providers.get_mut("qwen").unwrap();
        entry.api_key = None;
        entry.headers.insert("api-key".into(), "x".into());
        assert!(holds_secret(&file));
        let mut file = ConfigFile::default();
        file.env.vars.insert("QWEN_API_KEY".into(), "sk-x".into());
        assert!(holds_secret(&file));
    }

    #[cfg(unix)]
    #[test]
    fn only_files_holding_secrets_that_others_can_read_are_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let set = |p: &Path, mode: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
        };
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        let dotenv = dir.path().join(".env");
        let loaded = || {
            load(ConfigLocation {
                path: config.clone(),
                origin: ConfigOrigin::Flag,
            })
            .unwrap()
        };
        assert!(warnings(&loaded()).is_empty(), "nothing there");
        std::fs::write(&config, "[env]\nQWEN_API_KEY = \"sk-x\"\n").unwrap();
        std::fs::write(&dotenv, "").unwrap();
        set(&config, 0o600);
        set(&dotenv, 0o644);
        assert!(warnings(&loaded()).is_empty(), "private, and an empty .env");
        std::fs::write(&dotenv, "A=1\n").unwrap();
        set(&config, 0o640);
        assert_eq!(
            warnings(&loaded()),
            [
                readable_warning(&config, 0o640),
                readable_warning(&dotenv, 0o644)
            ]
        );
        assert_eq!(loaded().warnings, warnings(&loaded()), "loading warns");
        std::fs::write(&config, "# nothing secret\n").unwrap();
        assert_eq!(warnings(&loaded()), [readable_warning(&dotenv, 0o644)]);
        assert_eq!(
            readable_warning(Path::new("/c/.env"), 0o604).to_string(),
            "/c/.env holds secrets and other users can read it (mode 0604); run `chmod 600 /c/.env`"
        );
    }
}
