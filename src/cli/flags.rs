//! Flags shared by several commands, defined once and flattened where they act, so their
//! names, defaults and help are the same everywhere:
//!
//! - [`ConfigFlags`] (`--config`, `--catalog`, `-v`) on the commands that read the config
//!   (and with it the config's `catalogs`); [`CatalogFlags`] (`--catalog`, `-v`) on those
//!   that only use the catalog (`schema`). Both are also accepted before the subcommand
//!   (`provcat --config X chat …`), where [`ConfigFlags::merge`] joins them with the
//!   subcommand's own; commands where they would do nothing do not list them.
//! - [`RequestFlags`] (`--connect-timeout`, `--idle-timeout`, `--retries`) on every command
//!   that sends requests to a provider for an answer (`chat`, `serve`); [`RetryFlag`] alone
//!   for commands with their own notion of waiting.
//! - [`QuietFlag`] (`-q/--quiet`) on the commands that print progress or retry lines.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args};
use provcat::client::ClientOptions;

/// `--catalog DIR…` and `-v`: for commands that use the catalog.
#[derive(Debug, Default, Clone, Args)]
pub struct CatalogFlags {
    /// Say more on stderr: which config and .env files were read, which catalog folders
    /// were loaded and which of their files are shadowed or override built-in ones.
    #[arg(short, long, action = ArgAction::Count)]
    pub verbose: u8,
    /// A catalog folder to load over the built-in catalog (repeatable; after the config's
    /// `catalogs`): its providers and models are compiled with the built-in ones under the
    /// same checks. A built-in provider's folder extends it; a built-in model is kept
    /// unless the overlay file says `override = true`. With -v, shadowed files are listed.
    #[arg(long = "catalog", value_name = "DIR")]
    pub catalogs: Vec<PathBuf>,
}

/// `--config PATH` with [`CatalogFlags`]: for commands that read the config.
#[derive(Debug, Default, Clone, Args)]
pub struct ConfigFlags {
    /// The config file (default: $PROVCAT_CONFIG, else ~/.config/provcat/config.toml).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub catalog: CatalogFlags,
}

impl ConfigFlags {
    /// The flags given before the subcommand (`self`) joined with the subcommand's own
    /// (`later`): a `--config` given later wins, `--catalog` folders keep their order on
    /// the line, `-v` counts add up.
    pub fn merge(self, later: ConfigFlags) -> ConfigFlags {
        let mut catalogs = self.catalog.catalogs;
        catalogs.extend(later.catalog.catalogs);
        ConfigFlags {
            config: later.config.or(self.config),
            catalog: CatalogFlags {
                verbose: self.catalog.verbose.saturating_add(later.catalog.verbose),
                catalogs,
            },
        }
    }
}

impl From<CatalogFlags> for ConfigFlags {
    fn from(catalog: CatalogFlags) -> ConfigFlags {
        ConfigFlags {
            config: None,
            catalog,
        }
    }
}

/// `--retries N`.
#[derive(Debug, Clone, Args)]
pub struct RetryFlag {
    /// Retries for rate limits, server errors and failed connections, with exponential
    /// backoff (honouring Retry-After); never once an answer has started to arrive.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: usize,
}

/// The waits and retries of a command that asks a provider for an answer.
#[derive(Debug, Clone, Args)]
pub struct RequestFlags {
    /// Seconds to wait for a connection to the provider.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub connect_timeout: u64,
    /// Seconds the provider's response may stay silent before giving up.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub idle_timeout: u64,
    #[command(flatten)]
    pub retry: RetryFlag,
}

impl RequestFlags {
    /// The client options these flags set (the rest default).
    pub fn client_options(&self) -> ClientOptions {
        ClientOptions {
            connect_timeout: Duration::from_secs(self.connect_timeout),
            idle_timeout: Duration::from_secs(self.idle_timeout),
            retries: self.retry.retries,
            ..ClientOptions::default()
        }
    }
}

/// `-q/--quiet`.
#[derive(Debug, Default, Clone, Args)]
pub struct QuietFlag {
    /// Print no progress and no retry lines on stderr (warnings and errors still print).
    #[arg(short, long)]
    pub quiet: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(config: Option<&str>, verbose: u8, catalogs: &[&str]) -> ConfigFlags {
        ConfigFlags {
            config: config.map(PathBuf::from),
            catalog: CatalogFlags {
                verbose,
                catalogs: catalogs.iter().map(PathBuf::from).collect(),
            },
        }
    }

    #[test]
    fn flags_after_the_subcommand_join_those_before_it() {
        let merged = flags(Some("a.toml"), 1, &["x"]).merge(flags(None, 2, &["y"]));
        assert_eq!(merged.config, Some(PathBuf::from("a.toml")));
        assert_eq!(merged.catalog.verbose, 3);
        assert_eq!(
            merged.catalog.catalogs,
            [PathBuf::from("x"), PathBuf::from("y")]
        );
        let later = flags(Some("a.toml"), 0, &[]).merge(flags(Some("b.toml"), 0, &[]));
        assert_eq!(later.config, Some(PathBuf::from("b.toml")));
    }
}
