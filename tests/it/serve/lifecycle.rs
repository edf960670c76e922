//! The gateway's life in process: stopping drains open streams (or cuts them at the
//! deadline), and a reload that finds a broken config keeps the old one.

use std::time::Duration;

use provcat::serve::{Drained, Limits};
use provcat_emulator::Fault;
use serde_json::json;

use super::{Gateway, Setup};

fn ask() -> serde_json::Value {
    json!({"model": "gpt/gpt-4.1", "stream": true, "messages": [{"role": "user", "content": "hello world"}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_lets_an_open_stream_finish_and_accepts_no_more() {
    let gateway = Gateway::start().await;
    let addr = gateway.addr;
    gateway.emulator.push_fault(Fault::Stall {
        after_chunks: 1,
        for_ms: 500,
    });
    let mut open = gateway.post("/v1/chat/completions", &ask()).await;
    assert!(open.chunk().await.unwrap().is_some());
    let stopped = tokio::spawn(gateway.stop());
    let mut rest = Vec::new();
    while let Some(chunk) = open.chunk().await.unwrap() {
        rest.extend_from_slice(&chunk);
    }
    assert!(
        String::from_utf8(rest)
            .unwrap()
            .ends_with("data: [DONE]\n\n")
    );
    assert_eq!(stopped.await.unwrap(), Drained::All);
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still accepting"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drain_deadline_cuts_what_is_still_open() {
    let gateway = Gateway::start_with(Setup {
        limits: Limits {
            drain_deadline: Duration::from_millis(200),
            ..Limits::default()
        },
        ..Setup::default()
    })
    .await;
    gateway.emulator.push_fault(Fault::Stall {
        after_chunks: 1,
        for_ms: 30_000,
    });
    let mut open = gateway.post("/v1/chat/completions", &ask()).await;
    assert!(open.chunk().await.unwrap().is_some());
    assert_eq!(gateway.stop().await, Drained::Cut);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_that_finds_a_broken_config_keeps_serving_the_old_one() {
    let gateway = Gateway::start().await;
    let config = super::support_config(&gateway);
    let good = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, "[models.providers.gpt\nbroken").unwrap();
    let report = gateway.state.reload().unwrap_err();
    assert!(!report.is_empty());
    let ok = gateway
        .post(
            "/v1/chat/completions",
            &json!({"model": "gpt/gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(ok.status(), 200, "the old config still serves");
    assert_eq!(
        gateway
            .metric("provcat_config_reloads_total{result=\"error\"}")
            .await,
        1.0
    );
    std::fs::write(
        &config,
        good.replace("[models.providers.gpt]", "[models.providers.renamed]"),
    )
    .unwrap();
    gateway.state.reload().unwrap();
    let gone = gateway
        .post(
            "/v1/chat/completions",
            &json!({"model": "gpt/gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(gone.status(), 404, "the new config serves");
}
