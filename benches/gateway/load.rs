//! The load: sequential requests for latency, 64 concurrent clients for throughput, long
//! streams for CPU per chunk, and many streams held open for memory.

use std::time::{Duration, Instant};

use serde_json::json;

use super::proc::{Child, cpu_seconds, resident_bytes};

/// Where requests go.
pub struct Target {
    pub name: String,
    url: String,
    key: String,
    model: String,
}

impl Target {
    /// The emulator itself.
    pub fn direct(url: &str, key: &str) -> Target {
        Target {
            name: "direct (emulator)".into(),
            url: url.into(),
            key: key.into(),
            model: "gpt-4.1".into(),
        }
    }

    /// A gateway process.
    pub fn gateway(name: &str, child: &Child, model: &str) -> Target {
        Target {
            name: name.into(),
            url: format!("http://{}/v1/chat/completions", child.addr),
            key: child.key.clone(),
            model: model.into(),
        }
    }

    fn request(&self, client: &reqwest::Client, stream: bool) -> reqwest::RequestBuilder {
        client.post(&self.url).bearer_auth(&self.key).json(&json!({
            "model": self.model,
            "stream": stream,
            "messages": [{"role": "user", "content": "hello world"}],
        }))
    }
}

async fn one(target: &Target, client: &reqwest::Client) -> bool {
    match target.request(client, false).send().await {
        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
        _ => false,
    }
}

/// p50 and p99 of `n` sequential non-streaming requests (after a warm-up).
pub async fn latency(target: &Target, n: usize) -> (Duration, Duration) {
    let client = reqwest::Client::new();
    for _ in 0..50 {
        assert!(
            one(target, &client).await,
            "{} does not answer",
            target.name
        );
    }
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        assert!(one(target, &client).await, "{} failed", target.name);
        times.push(start.elapsed());
    }
    times.sort();
    (times[n / 2], times[(n * 99 / 100).min(n - 1)])
}

/// Requests per second answered to `clients` concurrent clients over `time`.
pub async fn throughput(target: &Target, clients: usize, time: Duration) -> f64 {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + time;
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let client = client.clone();
        let target = Target {
            name: target.name.clone(),
            url: target.url.clone(),
            key: target.key.clone(),
            model: target.model.clone(),
        };
        tasks.push(tokio::spawn(async move {
            let mut done = 0u64;
            while Instant::now() < deadline {
                if one(&target, &client).await {
                    done += 1;
                }
            }
            done
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap_or(0);
    }
    total as f64 / time.as_secs_f64()
}

/// The gateway's CPU seconds per chunk it relayed over five streams of `chunks` chunks,
/// and the chunks it relayed per stream (counted as `data: ` frames).
pub async fn stream_cpu(target: &Target, pid: u32, chunks: usize) -> (f64, usize) {
    let client = reqwest::Client::new();
    let before = cpu_seconds(pid);
    let mut frames = 0;
    for _ in 0..5 {
        let response = target
            .request(&client, true)
            .send()
            .await
            .expect("a stream");
        assert!(response.status().is_success(), "{}", target.name);
        let body = response.bytes().await.expect("the whole stream");
        let relayed = body.windows(6).filter(|w| w == b"data: ").count();
        if relayed < chunks {
            let tail = String::from_utf8_lossy(&body[body.len().saturating_sub(300)..]);
            eprintln!(
                "{}: {relayed} of {chunks} chunks relayed; the stream ended with: {tail}",
                target.name
            );
        }
        frames += relayed;
    }
    (
        (cpu_seconds(pid) - before) / frames.max(1) as f64,
        frames / 5,
    )
}

/// The gateway's resident set before, and with `n` streams open (each has received its
/// first chunk; the upstream stalls).
pub async fn open_streams(target: &Target, pid: u32, n: usize) -> (u64, u64) {
    let before = resident_bytes(pid);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("a client");
    let (opened, mut ready) = tokio::sync::mpsc::channel::<bool>(n);
    let (release, released) = tokio::sync::watch::channel(false);
    for _ in 0..n {
        let request = target.request(&client, true);
        let opened = opened.clone();
        let mut released = released.clone();
        tokio::spawn(async move {
            let Ok(mut response) = request.send().await else {
                let _ = opened.send(false).await;
                return;
            };
            let first = response.chunk().await.ok().flatten().is_some();
            let _ = opened.send(first).await;
            let _ = released.wait_for(|r| *r).await;
            drop(response);
        });
    }
    let mut open = 0;
    for _ in 0..n {
        if let Ok(Some(true)) = tokio::time::timeout(Duration::from_secs(120), ready.recv()).await {
            open += 1;
        }
    }
    assert_eq!(
        open, n,
        "{}: only {open} of {n} streams opened",
        target.name
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let during = resident_bytes(pid);
    let _ = release.send(true);
    tokio::time::sleep(Duration::from_millis(500)).await;
    (before, during)
}
