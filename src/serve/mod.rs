//! `provcat serve`: a local gateway that lets OpenAI and Anthropic clients use every model
//! of the catalog (feature `serve`).
//!
//! Two front doors over one core: [`openai`] (`POST /v1/chat/completions`) and
//! [`anthropic`] (`POST /v1/messages`) parse into the common request ([`request`]);
//! [`call`] resolves the model with [`crate::resolve`], waits for a concurrency permit,
//! calls the upstream through [`crate::client`] in the model's own dialect, and encodes the
//! common events back in the front's shape, whole or relayed as a stream ([`relay`]) — so
//! an OpenAI client can talk to an Anthropic-dialect model and the reverse.
//!
//! - [`router`]: the routes; [`listen`]: hyper's connections, the header read timeout, the
//!   drain on shutdown;
//! - [`limits`]: body size and read time, concurrency, duration, and the client token;
//! - [`error`]: one error taxonomy answered in each front's shape;
//! - [`usage`]: usage per front and the call's cost; [`models`]: `GET /v1/models`;
//! - [`record`]: one log line per request; [`metrics`]: `GET /metrics`;
//! - [`state`]: the shared state and the config snapshot swapped on reload;
//! - [`daemon`]: signals (reload, drain), the login shell's environment, unit files.
//!
//! [`Server::bind`] refuses a non-loopback address without a client token.

pub mod anthropic;
pub mod call;
pub mod daemon;
pub mod error;
mod ids;
pub mod limits;
pub mod listen;
pub mod metrics;
pub mod models;
pub mod openai;
pub mod record;
pub mod relay;
pub mod request;
pub mod router;
pub mod state;
pub mod unit;
pub mod usage;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::client::{Client, ClientError, ClientOptions};
use crate::common::Report;
use crate::config::{ConfigLocation, Env};
use crate::secret::ApiKey;

pub use limits::Limits;
pub use listen::Drained;
pub use state::{Snapshot, State};

/// The address served when none is given.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4000";

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The client token, when one is required.
    pub token: Option<ApiKey>,
    /// The limits.
    pub limits: Limits,
    /// Upstream timeouts and retries (those of `provcat chat`).
    pub client: ClientOptions,
}

/// Why the gateway cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A non-loopback address without a client token.
    #[error(
        "{0} is not a loopback address, and provcat serve does not listen beyond this machine without a client token: set {token} (or `serve.token` in the config), or listen on 127.0.0.1",
        token = crate::config::env::PROVCAT_SERVE_TOKEN
    )]
    NeedsToken(SocketAddr),
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The config is broken.
    #[error("the config has errors")]
    Config(Report),
    /// The upstream client cannot be set up.
    #[error("{0}")]
    Client(#[from] ClientError),
}

/// A bound gateway, not yet serving.
pub struct Server {
    listener: TcpListener,
    state: Arc<State>,
}

impl Server {
    /// Checks the options, loads the config at `location` with `env`, and binds.
    pub async fn bind(
        options: ServeOptions,
        location: ConfigLocation,
        env: Env,
    ) -> Result<Server, ServeError> {
        if !options.listen.ip().is_loopback() && options.token.as_ref().is_none_or(ApiKey::is_empty)
        {
            return Err(ServeError::NeedsToken(options.listen));
        }
        let snapshot = Snapshot::load(location.clone(), env).map_err(ServeError::Config)?;
        let client = Client::new(options.client.clone())?;
        let listener =
            TcpListener::bind(options.listen)
                .await
                .map_err(|source| ServeError::Bind {
                    addr: options.listen,
                    source,
                })?;
        let state = Arc::new(State::new(options, client, location, snapshot));
        Ok(Server { listener, state })
    }

    /// The address it listens on (the port chosen, for port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The shared state (for reloads and metrics).
    pub fn state(&self) -> Arc<State> {
        self.state.clone()
    }

    /// Serves until `shutdown` resolves, then drains requests under way up to the drain
    /// deadline.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Drained {
        let limits = self.state.options.limits;
        let router = router::router(self.state);
        listen::serve(self.listener, router, limits, shutdown).await
    }
}
