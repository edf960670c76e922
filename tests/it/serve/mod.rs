//! `provcat serve` driven by reqwest as OpenAI and Anthropic clients against the emulator:
//! each front × each upstream dialect, streaming and not, errors in the front's shape,
//! limits, the token, metrics — in process ([`Gateway`]) — and, through the binary, logs,
//! signals and unit files.

mod anthropic_front;
mod bad_input;
#[cfg(unix)]
mod daemon;
mod lifecycle;
mod openai_front;
mod security;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use provcat::client::ClientOptions;
use provcat::config::{ConfigLocation, ConfigOrigin, Env};
use provcat::secret::ApiKey;
use provcat::serve::{Drained, Limits, ServeOptions, Server, State};
use provcat_emulator::Emulator;
use serde_json::Value;

use crate::support::config_dir;

/// The emulator's keys, as the gateway's environment holds them.
pub const QWEN_KEY: &str = "sk-test0123456789abcdWXYZ";
pub const GPT_KEY: &str = "sk-proj-test0123456789WXYZ";
pub const CLAUDE_KEY: &str = "sk-ant-test0123456789WXYZ";

/// The models of each upstream dialect: DashScope's OpenAI-compatible chat (a catalog
/// provider), the generic OpenAI surface and the Anthropic surface (custom providers).
pub const MODELS: [&str; 3] = [
    "qwen/qwen3.5-plus",
    "gpt/gpt-4.1",
    "claude/claude-haiku-4-5",
];

/// A gateway serving on 127.0.0.1 with an OS-chosen port, against its own emulator.
pub struct Gateway {
    pub addr: SocketAddr,
    pub state: Arc<State>,
    pub emulator: Emulator,
    pub home: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Drained>>,
}

/// Options for [`Gateway::start_with`].
pub struct Setup {
    pub token: Option<&'static str>,
    pub limits: Limits,
    pub env: Vec<(String, String)>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            token: None,
            limits: Limits::default(),
            env: vec![
                ("QWEN_API_KEY".into(), QWEN_KEY.into()),
                ("GPT_API_KEY".into(), GPT_KEY.into()),
                ("CLAUDE_API_KEY".into(), CLAUDE_KEY.into()),
            ],
        }
    }
}

/// The config of a test home: the catalog provider on the emulator's Standard path, and
/// custom providers on its OpenAI surface (declared as OpenAI's host is: usage in streams,
/// `reasoning_effort`, `max_completion_tokens`) and its Anthropic surface.
pub fn write_config(emulator: &Emulator, home: &std::path::Path) -> std::path::PathBuf {
    let dir = config_dir(home);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\nbaseUrl = \"{}\"\n\n[models.providers.gpt]\napi = \"openai-completions\"\nbaseUrl = \"{}\"\ncompat = {{ supportsUsageInStreaming = true, thinkingFormat = \"reasoning-effort\", maxTokensField = \"max_completion_tokens\" }}\n\n[models.providers.claude]\napi = \"anthropic-messages\"\nbaseUrl = \"{}\"\n",
            emulator.standard_base_url(),
            emulator.openai_base_url(),
            emulator.anthropic_base_url()
        ),
    )
    .unwrap();
    path
}

impl Gateway {
    pub async fn start() -> Gateway {
        Gateway::start_with(Setup::default()).await
    }

    pub async fn start_with(setup: Setup) -> Gateway {
        let emulator = Emulator::start();
        let home = tempfile::tempdir().unwrap();
        let path = write_config(&emulator, home.path());
        let options = ServeOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            token: setup.token.map(ApiKey::new),
            limits: setup.limits,
            client: ClientOptions {
                retries: 2,
                min_backoff: Duration::from_millis(1),
                max_backoff: Duration::from_millis(5),
                ..ClientOptions::default()
            },
        };
        let location = ConfigLocation {
            path,
            origin: ConfigOrigin::Flag,
        };
        let server = Server::bind(options, location, Env::from_pairs(setup.env))
            .await
            .unwrap();
        let addr = server.local_addr().unwrap();
        let state = server.state();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        Gateway {
            addr,
            state,
            emulator,
            home,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs `body` to `path` with a client key the gateway must ignore.
    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url(path))
            .header("authorization", "Bearer client-key-never-forwarded")
            .header("x-api-key", "client-key-never-forwarded")
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::get(self.url(path)).await.unwrap()
    }

    /// The value of a metric line (`name{labels}`), 0 when absent.
    pub async fn metric(&self, line: &str) -> f64 {
        let text = self.get("/metrics").await.text().await.unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(line)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or(0.0)
    }

    /// Stops accepting and drains.
    pub async fn stop(mut self) -> Drained {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.take().unwrap().await.unwrap()
    }
}

/// The config file a gateway serves.
pub fn support_config(gateway: &Gateway) -> std::path::PathBuf {
    config_dir(gateway.home.path()).join("config.toml")
}

/// Reads a whole SSE body: the `data:` payloads parsed (`[DONE]` as a string), with the
/// event names.
pub async fn sse(response: reqwest::Response) -> Vec<(Option<String>, Value)> {
    let text = response.text().await.unwrap();
    let mut out = Vec::new();
    for frame in text.split("\n\n").filter(|f| !f.trim().is_empty()) {
        let mut name = None;
        let mut data = String::new();
        for line in frame.lines() {
            if let Some(n) = line.strip_prefix("event: ") {
                name = Some(n.to_string());
            } else if let Some(d) = line.strip_prefix("data: ") {
                data.push_str(d);
            }
        }
        let value = if data == "[DONE]" {
            Value::String(data)
        } else {
            serde_json::from_str(&data).unwrap_or_else(|e| panic!("{e}: {data}"))
        };
        out.push((name, value));
    }
    out
}

/// Checks that no upstream request carried the client's credentials, and that each
/// carried the key of its own surface.
pub fn assert_no_client_key_upstream(emulator: &Emulator) {
    for request in emulator.requests() {
        for (name, value) in &request.headers {
            assert!(
                !value.contains("client-key-never-forwarded"),
                "{name} forwarded to {}",
                request.path
            );
        }
    }
}
