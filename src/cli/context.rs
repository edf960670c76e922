//! What every command may need besides its own arguments: the global flags, the process
//! environment (read once), the user's config, loaded on demand, and a key piped on stdin.

use std::io::Read;
use std::path::PathBuf;

use provcat::compiler::Report;
use provcat::config::{self, ConfigOrigin, Env, LoadedConfig};
use provcat::secret::ApiKey;

use super::Failure;

/// Global flags and the environment.
pub struct Context {
    /// `--config PATH`.
    pub config_flag: Option<PathBuf>,
    /// `-v` count.
    pub verbose: u8,
    /// The process environment.
    pub env: Env,
}

impl Context {
    /// Locates, reads and checks the config and its `.env`; with `-v`, says which files
    /// were read. A broken config is an input failure (exit 2) with located diagnostics, and
    /// so is a `--config` naming a file that does not exist (a typo would otherwise read as
    /// an empty config); only `onboard`, which creates it, uses [`Context::config_to_write`].
    pub fn load_config(&self) -> Result<LoadedConfig, Failure> {
        let loaded = self.config_to_write()?;
        Self::named_file_exists(loaded)
    }

    /// The config like [`Context::load_config`], but a config with problems still gives
    /// what can be read of it, with the problems (`explain` shows what it can resolve);
    /// only a config of which nothing can be read is a failure.
    pub fn load_config_keeping_rest(&self) -> Result<(LoadedConfig, Option<Report>), Failure> {
        let location = config::locate(self.config_flag.as_deref(), &self.env)
            .map_err(|r| Failure::report(&r))?;
        let (loaded, problems) = match config::load_keeping_rest(location) {
            Ok(loaded) => (loaded, None),
            Err(failed) => match *failed {
                (report, Some(rest)) => (rest, Some(report)),
                (report, None) => return Err(Failure::report(&report)),
            },
        };
        self.read(&loaded);
        Ok((Self::named_file_exists(loaded)?, problems))
    }

    /// `loaded`, unless it is a `--config` naming a file that does not exist.
    fn named_file_exists(loaded: LoadedConfig) -> Result<LoadedConfig, Failure> {
        if !loaded.exists && loaded.location.origin == ConfigOrigin::Flag {
            return Err(Failure::input(format!(
                "--config {}: the file does not exist; check the path, or run `provcat onboard --config {}` to create it",
                loaded.location.path.display(),
                loaded.location.path.display()
            )));
        }
        Ok(loaded)
    }

    /// The config like [`Context::load_config`], but a missing file (wherever it was
    /// chosen) is an empty config to be written.
    pub fn config_to_write(&self) -> Result<LoadedConfig, Failure> {
        let location = config::locate(self.config_flag.as_deref(), &self.env)
            .map_err(|r| Failure::report(&r))?;
        let loaded = config::load(location).map_err(|r| Failure::report(&r))?;
        self.read(&loaded);
        Ok(loaded)
    }

    /// What every loaded config goes through: its secrets learnt for redaction, and with
    /// `-v` the files read said.
    fn read(&self, loaded: &LoadedConfig) {
        super::say::learn(&loaded.secrets);
        if self.verbose > 0 {
            eprintln!("config: {}", loaded.describe());
            eprintln!(".env: {}", loaded.describe_dotenv());
        }
    }

    /// The config for commands that only decorate their output with it (`models`): a
    /// broken config is a warning there, not a failure.
    pub fn optional_config(&self) -> Option<LoadedConfig> {
        match self.load_config() {
            Ok(c) => Some(c),
            Err(f) => {
                eprintln!("warning: ignoring the config: {}", f.message.trim_end());
                None
            }
        }
    }
}

/// Reads a key from stdin (one line, or everything piped).
pub fn read_key_from_stdin() -> Result<ApiKey, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::runtime(format!("cannot read the key from stdin: {e}")))?;
    let key = ApiKey::new(&text);
    super::say::learn_value(key.expose());
    if key.is_empty() {
        return Err(Failure::input(
            "--api-key-stdin was given but stdin was empty",
        ));
    }
    Ok(key)
}
