//! A long streamed answer from the loopback emulator through the client, in each chat
//! dialect (`openai-completions` as DashScope streams it, `anthropic-messages`): chunks
//! per second, the client's CPU time per chunk, and the client's peak heap, which must
//! not grow with the length of the stream.
//!
//! Run with `cargo bench --bench stream`. First, per dialect, one chunk through the SSE
//! parser and the dialect's decoder into the outcome (criterion, no HTTP). Then a report
//! pass prints, for 10,000 and 100,000 chunks, the client thread's CPU time per chunk
//! (`CLOCK_THREAD_CPUTIME_ID`: the emulator runs on its own thread, so its work is not
//! counted) and the peak heap the client allocated during the stream (a counting global
//! allocator, reset before each run; the emulator's thread is excluded). Then criterion
//! measures throughput.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group};
use provcat::catalog::Dialect;
use provcat::client::{ChatOutcome, ChatRequest, Client, ClientOptions, Message, Role, Sink};
use provcat::config::{self, ConfigLocation, ConfigOrigin, Env};
use provcat::dialect::{Errors, StreamDecoder};
use provcat::resolve::{self, Request, Target};
use provcat_emulator::{Answer, Emulator};

/// Counts the heap allocated by threads that opt in (the client's), and its peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn counted() -> bool {
    COUNTED.try_with(Cell::get).unwrap_or(false)
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters move.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counted() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        // SAFETY: same layout, as the caller guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counted() {
            LIVE.fetch_sub(
                layout.size().min(LIVE.load(Ordering::Relaxed)),
                Ordering::Relaxed,
            );
        }
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Counts chunks, keeps nothing (like a terminal).
struct CountingSink(usize);

impl Sink for CountingSink {
    fn reasoning(&mut self, _: &str) {}
    fn content(&mut self, text: &str) {
        self.0 += 1;
        black_box(text);
    }
}

fn thread_cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

struct Setup {
    name: &'static str,
    emulator: Emulator,
    target: Target,
    client: Client,
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

/// The DashScope-style OpenAI surface (`qwen/glm-5`) or the Anthropic surface (a custom
/// provider `claude`).
fn setup(dialect: Dialect) -> Setup {
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("config.toml");
    let (name, config, reference, env) = match dialect {
        Dialect::AnthropicMessages => (
            "anthropic-messages",
            format!(
                "[models.providers.claude]\napi = \"anthropic-messages\"\nbaseUrl = \"{}\"\n",
                emulator.anthropic_base_url()
            ),
            "claude/claude-haiku-4-5",
            ("CLAUDE_API_KEY", "sk-ant-bench0123456789abcd"),
        ),
        _ => (
            "openai-completions",
            format!(
                "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\nbaseUrl = \"{}\"\n",
                emulator.standard_base_url()
            ),
            "qwen/glm-5",
            ("QWEN_API_KEY", "sk-bench0123456789abcd"),
        ),
    };
    std::fs::write(&path, config).expect("the config is written");
    let loaded = config::load(ConfigLocation {
        path,
        origin: ConfigOrigin::Flag,
    })
    .unwrap_or_else(|r| panic!("{}", r.render_diagnostics(false)));
    let env = Env::from_pairs([env]);
    let target = resolve::resolve(
        &Request {
            reference: Some(reference),
            ..Request::default()
        },
        &loaded,
        &env,
    )
    .unwrap_or_else(|r| panic!("{}", r.render_diagnostics(false)));
    let client = Client::new(ClientOptions::default()).expect("a client");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    Setup {
        name,
        emulator,
        target,
        client,
        runtime,
        _dir: dir,
    }
}

/// Streams `chunks` chunks; returns the chunks seen.
fn stream(s: &Setup, chunks: usize) -> usize {
    s.emulator.set_answer(Answer::Repeat {
        piece: "token ".to_string(),
        chunks,
    });
    let request = ChatRequest {
        messages: vec![Message::text(Role::User, "go")],
        stream: true,
        // Room for every chunk (Anthropic Messages always sends a cap, 4096 by default).
        max_tokens: Some(chunks as u32 + 1),
        ..ChatRequest::default()
    };
    let mut outcome = ChatOutcome {
        keep_text: false,
        ..ChatOutcome::default()
    };
    let mut sink = CountingSink(0);
    let result = s.runtime.block_on(s.client.chat(
        &s.target,
        &request,
        &mut outcome,
        &mut sink,
        &mut |_, _| {},
    ));
    if let Err(e) = result {
        panic!("the stream failed: {e}");
    }
    assert!(outcome.usage.is_some(), "the stream ends with usage");
    sink.0
}

fn report(s: &Setup) {
    for chunks in [10_000, 100_000] {
        LIVE.store(0, Ordering::Relaxed);
        PEAK.store(0, Ordering::Relaxed);
        COUNTED.with(|c| c.set(true));
        let wall = std::time::Instant::now();
        let cpu = thread_cpu();
        let seen = stream(s, chunks);
        let cpu = thread_cpu() - cpu;
        let wall = wall.elapsed();
        COUNTED.with(|c| c.set(false));
        assert_eq!(seen, chunks, "every chunk arrives");
        println!(
            "{} stream {chunks:>7} chunks: {:>9.0} chunks/s, client CPU {:>6.0} ns/chunk, client peak heap {:>7} bytes",
            s.name,
            chunks as f64 / wall.as_secs_f64(),
            cpu.as_nanos() as f64 / chunks as f64,
            PEAK.load(Ordering::Relaxed)
        );
    }
}

/// One chunk of each dialect as it arrives, through the SSE parser and the dialect's
/// decoder into the outcome: the client's own work per chunk, without the HTTP stack.
fn per_chunk(c: &mut Criterion) {
    let openai: &[u8] = b"data: {\"id\":\"chatcmpl-00000000-0000-4000-8000-000000000001\",\"object\":\"chat.completion.chunk\",\"created\":1767225600,\"model\":\"glm-5\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"token \",\"reasoning_content\":null},\"finish_reason\":null}],\"usage\":null}\n\n";
    let anthropic: &[u8] = b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"token \"}}\n\n";
    for (name, dialect, frame) in [
        (
            "sse_parse_and_apply_one_chunk",
            Dialect::OpenAiCompletions,
            openai,
        ),
        (
            "sse_parse_and_apply_one_anthropic_chunk",
            Dialect::AnthropicMessages,
            anthropic,
        ),
    ] {
        let mut parser = provcat::client::sse::SseParser::default();
        let mut decoder = StreamDecoder::new(Errors {
            dialect,
            rules: &[],
        })
        .expect("a chat dialect");
        let mut outcome = ChatOutcome {
            keep_text: false,
            ..ChatOutcome::default()
        };
        let mut sink = CountingSink(0);
        c.bench_function(name, |b| {
            b.iter(|| {
                parser.push(black_box(frame));
                while let Some(Ok(event)) = parser.next_event() {
                    let _ = decoder.event(event, &mut outcome, &mut sink);
                }
            })
        });
        assert!(sink.0 > 0, "{name}: the chunk reached the sink");
    }
}

fn throughput(c: &mut Criterion) {
    per_chunk(c);
    for dialect in [Dialect::OpenAiCompletions, Dialect::AnthropicMessages] {
        let s = setup(dialect);
        report(&s);
        let chunks = 100_000;
        let mut group = c.benchmark_group(format!("stream_{}", s.name));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(20))
            .throughput(Throughput::Elements(chunks as u64));
        group.bench_function("100k_chunks", |b| b.iter(|| stream(&s, chunks)));
        group.finish();
    }
}

criterion_group!(benches, throughput);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
