//! What every request shares: the options, the upstream client, the concurrency permits,
//! the metrics, and the config snapshot — swapped whole on reload, so a request keeps the
//! snapshot it started with (an open stream is never cut by `SIGHUP`).

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use tokio::sync::Semaphore;

use crate::client::Client;
use crate::common::Report;
use crate::config::{self, ConfigLocation, Env, LoadedConfig};
use crate::redact::Redactor;

use super::ServeOptions;
use super::metrics::Metrics;

/// The config and environment requests resolve against.
#[derive(Debug)]
pub struct Snapshot {
    /// The config file and the `.env` beside it.
    pub config: LoadedConfig,
    /// The environment: the process's, plus what the login shell import added.
    pub env: Env,
    /// Every secret to keep out of responses and logs: the config's, and the values of the
    /// environment's key variables.
    pub secrets: Redactor,
}

impl Snapshot {
    /// Loads the config at `location` with `env`.
    pub fn load(location: ConfigLocation, env: Env) -> Result<Snapshot, Report> {
        let config = config::load(location)?;
        let mut secrets = Redactor::new();
        secrets.learn_from(&config.secrets);
        for provider in crate::catalog::providers() {
            for var in provider.auth_env {
                if let Some(value) = env.get(var) {
                    secrets.learn(value);
                }
            }
        }
        for id in config.file.models.providers.keys() {
            if let Some(value) = env.get(&crate::resolve::custom_key_env(id)) {
                secrets.learn(value);
            }
        }
        Ok(Snapshot {
            config,
            env,
            secrets,
        })
    }
}

/// The gateway's shared state.
pub struct State {
    /// The options it was started with.
    pub options: ServeOptions,
    /// The upstream client (one connection pool for every request).
    pub client: Client,
    /// Permits for concurrent upstream requests; waiting for one is the queue.
    pub permits: Arc<Semaphore>,
    /// The counters of `GET /metrics`.
    pub metrics: Metrics,
    snapshot: RwLock<Arc<Snapshot>>,
    location: ConfigLocation,
}

impl State {
    /// The state for `options`, serving `snapshot` (loaded from `location`).
    pub fn new(
        options: ServeOptions,
        client: Client,
        location: ConfigLocation,
        snapshot: Snapshot,
    ) -> State {
        State {
            permits: Arc::new(Semaphore::new(options.limits.max_concurrent.max(1))),
            options,
            client,
            metrics: Metrics::default(),
            snapshot: RwLock::new(Arc::new(snapshot)),
            location,
        }
    }

    /// The snapshot in force.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The config file served.
    pub fn config_path(&self) -> &PathBuf {
        &self.location.path
    }

    /// Reads the config and its `.env` again and serves them from now on; requests under
    /// way keep the snapshot they started with. A broken config is reported and the old
    /// one kept.
    pub fn reload(&self) -> Result<(), Report> {
        let env = self.snapshot().env.clone();
        let fresh = Snapshot::load(self.location.clone(), env);
        self.metrics.reloaded(fresh.is_ok());
        let fresh = Arc::new(fresh?);
        match self.snapshot.write() {
            Ok(mut s) => *s = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }
}
