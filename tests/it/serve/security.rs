//! The door and the limits: loopback by default, a token required beyond it (and checked
//! when set), the concurrency queue, the per-request duration, and a client that goes away
//! cancelling its upstream request.

use std::time::Duration;

use provcat::client::ClientOptions;
use provcat::config::{ConfigLocation, ConfigOrigin, Env};
use provcat::secret::ApiKey;
use provcat::serve::{Limits, ServeError, ServeOptions, Server};
use provcat_emulator::Fault;
use serde_json::{Value, json};

use super::{Gateway, Setup};

fn ask(stream: bool) -> Value {
    json!({"model": "gpt/gpt-4.1", "stream": stream, "messages": [{"role": "user", "content": "hello world"}]})
}

/// Polls `metric` until it equals `want` (bounded: at most ~10 s).
async fn wait_for(gateway: &Gateway, metric: &str, want: f64) {
    for _ in 0..200 {
        if gateway.metric(metric).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{metric} never became {want}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_loopback_address_needs_a_token() {
    let home = tempfile::tempdir().unwrap();
    let options = |token: Option<&str>| ServeOptions {
        listen: "0.0.0.0:0".parse().unwrap(),
        token: token.map(ApiKey::new),
        limits: Limits::default(),
        client: ClientOptions::default(),
    };
    let location = ConfigLocation {
        path: home.path().join("config.toml"),
        origin: ConfigOrigin::Flag,
    };
    let refused = Server::bind(options(None), location.clone(), Env::default()).await;
    let Err(error @ ServeError::NeedsToken(_)) = refused else {
        panic!("started without a token");
    };
    assert!(error.to_string().contains("PROVCAT_SERVE_TOKEN"), "{error}");
    let refused = Server::bind(options(Some("")), location.clone(), Env::default()).await;
    assert!(
        matches!(refused, Err(ServeError::NeedsToken(_))),
        "an empty token is none"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_token_every_route_but_healthz_wants_it_in_either_header() {
    let gateway = Gateway::start_with(Setup {
        token: Some("tok-0123456789"),
        ..Setup::default()
    })
    .await;
    let client = reqwest::Client::new();
    let post = |headers: &[(&str, &str)], path: &str| {
        let mut request = client.post(gateway.url(path)).json(&ask(false));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        request.send()
    };
    let refused = post(&[], "/v1/chat/completions").await.unwrap();
    assert_eq!(refused.status(), 401);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["type"], "authentication_error");
    let refused = post(&[("x-api-key", "tok-wrong")], "/v1/messages")
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["error"]["type"],
        "authentication_error"
    );
    let ok = post(
        &[("authorization", "Bearer tok-0123456789")],
        "/v1/chat/completions",
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), 200);
    let ok = post(&[("x-api-key", "tok-0123456789")], "/v1/messages")
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(gateway.get("/v1/models").await.status(), 401);
    assert_eq!(gateway.get("/metrics").await.status(), 401);
    assert_eq!(gateway.get("/healthz").await.status(), 200);
    for request in gateway.emulator.requests() {
        assert!(
            request
                .headers
                .iter()
                .all(|(_, v)| !v.contains("tok-0123456789")),
            "the client token went upstream"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excess_requests_wait_in_the_queue_rather_than_being_refused() {
    let gateway = Gateway::start_with(Setup {
        limits: Limits {
            max_concurrent: 1,
            ..Limits::default()
        },
        ..Setup::default()
    })
    .await;
    // The first holds the only permit while its stream stalls.
    gateway.emulator.push_fault(Fault::Stall {
        after_chunks: 1,
        for_ms: 1500,
    });
    let first = gateway.post("/v1/chat/completions", &ask(true)).await;
    let second = {
        let url = gateway.url("/v1/chat/completions");
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(url)
                .json(&ask(false))
                .send()
                .await
                .unwrap()
        })
    };
    wait_for(&gateway, "provcat_upstream_queued", 1.0).await;
    let frames = super::sse(first).await;
    assert_eq!(frames.last().unwrap().1, "[DONE]");
    let second = second.await.unwrap();
    assert_eq!(second.status(), 200, "served once the permit was free");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_its_duration_ends_with_a_timeout_in_the_fronts_shape() {
    let gateway = Gateway::start_with(Setup {
        limits: Limits {
            max_duration: Duration::from_millis(400),
            ..Limits::default()
        },
        ..Setup::default()
    })
    .await;
    gateway.emulator.push_fault(Fault::NoAnswer);
    let response = gateway.post("/v1/messages", &ask(false)).await;
    assert_eq!(response.status(), 504);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["type"], "timeout_error", "{body}");
    gateway.emulator.push_fault(Fault::Stall {
        after_chunks: 1,
        for_ms: 5000,
    });
    let frames = super::sse(gateway.post("/v1/chat/completions", &ask(true)).await).await;
    let last = &frames.last().unwrap().1;
    assert_eq!(last["error"]["code"], "timeout", "{frames:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_goes_away_cancels_its_upstream_request() {
    let gateway = Gateway::start().await;
    gateway.emulator.push_fault(Fault::Stall {
        after_chunks: 1,
        for_ms: 30_000,
    });
    let mut response = gateway.post("/v1/chat/completions", &ask(true)).await;
    assert_eq!(response.status(), 200);
    let first = response.chunk().await.unwrap().unwrap();
    assert!(first.starts_with(b"data: "));
    assert_eq!(gateway.metric("provcat_upstream_in_flight").await, 1.0);
    drop(response);
    // Long before the stall ends, the upstream request is gone and the request logged.
    wait_for(&gateway, "provcat_upstream_in_flight", 0.0).await;
    wait_for(&gateway, "provcat_client_disconnects_total", 1.0).await;
    assert_eq!(
        gateway
            .metric("provcat_requests_total{front=\"openai-completions\",status=\"499\"}")
            .await,
        1.0
    );
}
