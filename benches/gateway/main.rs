//! The gateway benchmark: on loopback against the emulator, side by side in one run —
//! calling the emulator directly, through `provcat serve` (the release binary, a separate
//! process), and through LiteLLM's proxy when its executable is given — measuring:
//!
//! - added latency per non-streaming request (p50, p99 of sequential requests, minus the
//!   direct figures);
//! - CPU per streamed chunk (the gateway process's user + system time over a 20,000-chunk
//!   stream, from `/proc/<pid>/stat`);
//! - requests per second at 64 concurrent clients;
//! - memory per open stream (the gateway's resident set, from `/proc/<pid>/status`, before
//!   and with 1,000 streams open and stalled upstream, divided by 1,000);
//! - start-up time (spawn to the first `/healthz` answer; median of 10).
//!
//! Run it with `benches/gateway/run.sh` (which installs LiteLLM in a venv beside it), or
//! `cargo bench --bench gateway -- [--quick] [--litellm PATH]`. Linux only (procfs).

mod load;
mod proc;

use std::path::Path;
use std::time::Duration;

use provcat_emulator::{Answer, Emulator, Fault};

use load::{Target, latency, open_streams, stream_cpu, throughput};
use proc::{Child, start_litellm, start_provcat};

const KEY: &str = "sk-proj-bench0123456789WXYZ";

struct Options {
    quick: bool,
    litellm: Option<String>,
}

fn options() -> Options {
    let mut options = Options {
        quick: false,
        litellm: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--litellm" => options.litellm = args.next(),
            _ => {} // cargo bench passes `--bench`
        }
    }
    options
}

fn main() {
    let options = options();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let emulator = Emulator::start();
    let home = tempfile::tempdir().expect("a temporary folder");
    let config = write_config(&emulator, home.path());
    let (requests, seconds, streams) = if options.quick {
        (300, 2, 200)
    } else {
        (2000, 5, 1000)
    };

    println!(
        "# provcat serve benchmark ({} mode)\n",
        if options.quick { "quick" } else { "full" }
    );
    let startup = proc::startup_median(&config, 10);
    println!(
        "start-up (spawn to first /healthz answer, median of 10): provcat serve {:.1} ms",
        ms(startup)
    );

    let provcat = start_provcat(&config, KEY);
    let mut targets = vec![
        Target::direct(
            &format!("{}/chat/completions", emulator.openai_base_url()),
            KEY,
        ),
        Target::gateway("provcat serve", &provcat, "gpt/gpt-4.1"),
    ];
    let litellm = options
        .litellm
        .as_deref()
        .map(|exe| start_litellm(exe, &emulator.openai_base_url(), KEY, home.path()));
    if let Some(l) = &litellm {
        println!(
            "start-up (spawn to first answer): LiteLLM proxy {:.1} ms",
            ms(l.startup)
        );
        targets.push(Target::gateway("LiteLLM proxy", l, "gpt-4.1"));
    }

    println!("\n| | p50 | p99 | added p50 | added p99 | req/s at 64 clients |");
    println!("|---|---|---|---|---|---|");
    let mut base = None;
    for target in &targets {
        let (p50, p99) = runtime.block_on(latency(target, requests));
        let rps = runtime.block_on(throughput(target, 64, Duration::from_secs(seconds)));
        let (b50, b99) = *base.get_or_insert((p50, p99));
        println!(
            "| {} | {:.0} µs | {:.0} µs | {} | {} | {rps:.0} |",
            target.name,
            us(p50),
            us(p99),
            added(p50, b50),
            added(p99, b99),
        );
    }

    // Distinct pieces: LiteLLM aborts a stream that repeats one chunk about 100 times.
    emulator.set_answer(Answer::Text {
        content: (0..20_000).map(|i| format!("w{i:05} ")).collect(),
        reasoning: None,
        chunk_chars: 7,
    });
    println!("\n| | CPU per streamed chunk | chunks relayed per stream (of 20,000) |");
    println!("|---|---|---|");
    for (target, child) in gateways(&targets, &provcat, litellm.as_ref()) {
        let (per_chunk, relayed) = runtime.block_on(stream_cpu(target, child.pid, 20_000));
        println!(
            "| {} | {:.2} µs | {relayed} |",
            target.name,
            per_chunk * 1e6
        );
    }
    emulator.set_answer(Answer::Echo);

    println!("\n| | open streams | resident set before | with the streams open | per stream |");
    println!("|---|---|---|---|---|");
    for (target, child) in gateways(&targets, &provcat, litellm.as_ref()) {
        for _ in 0..streams {
            emulator.push_fault(Fault::Stall {
                after_chunks: 1,
                for_ms: 60_000,
            });
        }
        let (before, during) = runtime.block_on(open_streams(target, child.pid, streams));
        println!(
            "| {} | {streams} | {:.1} MiB | {:.1} MiB | {:.1} KiB |",
            target.name,
            before as f64 / 1048576.0,
            during as f64 / 1048576.0,
            during.saturating_sub(before) as f64 / 1024.0 / streams as f64
        );
    }
    drop(provcat);
    drop(litellm);
}

fn gateways<'a>(
    targets: &'a [Target],
    provcat: &'a Child,
    litellm: Option<&'a Child>,
) -> Vec<(&'a Target, &'a Child)> {
    let mut out = vec![(&targets[1], provcat)];
    if let (Some(l), Some(t)) = (litellm, targets.get(2)) {
        out.push((t, l));
    }
    out
}

fn write_config(emulator: &Emulator, home: &Path) -> std::path::PathBuf {
    let path = home.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "[models.providers.gpt]\napi = \"openai-completions\"\nbaseUrl = \"{}\"\ncompat = {{ supportsUsageInStreaming = true }}\n",
            emulator.openai_base_url()
        ),
    )
    .expect("the config is written");
    path
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn added(d: Duration, base: Duration) -> String {
    let delta = d.as_secs_f64() - base.as_secs_f64();
    format!("{:+.0} µs", delta * 1e6)
}
