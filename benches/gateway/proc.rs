//! The gateway processes: `provcat serve` (the binary cargo built with this benchmark) and
//! LiteLLM's proxy, started on loopback, their start-up timed; CPU and memory read from
//! procfs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Makes `command`'s process receive SIGTERM when this one dies, so an interrupted run
/// leaves no gateway behind.
fn die_with_parent(command: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe and touches nothing of the parent's memory.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        })
    }
}

/// LiteLLM's master key in the benchmark.
const LITELLM_KEY: &str = "sk-bench-litellm-master-key";

/// A gateway process; stopped when dropped.
pub struct Child {
    child: std::process::Child,
    pub pid: u32,
    pub addr: SocketAddr,
    pub key: String,
    pub startup: Duration,
}

impl Drop for Child {
    fn drop(&mut self) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.pid as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn healthy(addr: SocketAddr, path: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

fn spawn_provcat(config: &Path, key: &str) -> (std::process::Child, SocketAddr, Instant) {
    let start = Instant::now();
    let mut child = die_with_parent(&mut Command::new(env!("CARGO_BIN_EXE_provcat")))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--max-concurrent",
            "4096",
            "--config",
        ])
        .arg(config)
        .env_clear()
        .env("GPT_API_KEY", key)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("provcat runs");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    let addr = loop {
        line.clear();
        if lines.read_line(&mut line).unwrap_or(0) == 0 {
            panic!("provcat serve ended before listening");
        }
        if let Some(rest) = line.split("http://").nth(1) {
            break rest
                .split(' ')
                .next()
                .and_then(|a| a.parse().ok())
                .expect("an address");
        }
    };
    // Keep draining the log (one line per request) so the pipe never fills.
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        while lines.read_until(b'\n', &mut sink).unwrap_or(0) > 0 {
            sink.clear();
        }
    });
    (child, addr, start)
}

/// Starts `provcat serve` with `config` and the upstream `key`.
pub fn start_provcat(config: &Path, key: &str) -> Child {
    let (child, addr, start) = spawn_provcat(config, key);
    while !healthy(addr, "/healthz") {
        std::thread::sleep(Duration::from_millis(1));
    }
    Child {
        pid: child.id(),
        child,
        addr,
        key: "any-key-is-ignored-on-loopback".into(),
        startup: start.elapsed(),
    }
}

/// The median of `n` start-ups: spawn to the first `/healthz` answer.
pub fn startup_median(config: &Path, n: usize) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| start_provcat(config, "sk-proj-unused0123456789").startup)
        .collect();
    times.sort();
    times[n / 2]
}

/// Starts LiteLLM's proxy (`exe`) on a free port, forwarding `gpt-4.1` to `base`.
pub fn start_litellm(exe: &str, base: &str, key: &str, dir: &Path) -> Child {
    let config = dir.join("litellm.yaml");
    std::fs::write(
        &config,
        format!(
            "model_list:\n  - model_name: gpt-4.1\n    litellm_params:\n      model: openai/gpt-4.1\n      api_base: {base}\n      api_key: {key}\n"
        ),
    )
    .expect("the LiteLLM config is written");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let start = Instant::now();
    let child = die_with_parent(&mut Command::new(exe))
        .args(["--config"])
        .arg(&config)
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--num_workers",
            "1",
        ])
        .env("LITELLM_LOG", "ERROR")
        // LiteLLM refuses to start without a master key; clients send it as their key.
        .env("LITELLM_MASTER_KEY", LITELLM_KEY)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("LiteLLM runs");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("an address");
    let deadline = Instant::now() + Duration::from_secs(180);
    while !healthy(addr, "/health/liveliness") {
        assert!(
            Instant::now() < deadline,
            "LiteLLM did not start within 180 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    Child {
        pid: child.id(),
        child,
        addr,
        key: LITELLM_KEY.into(),
        startup: start.elapsed(),
    }
}

/// User + system CPU seconds of `pid`.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command (which may hold spaces) start after the last `)`.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the command.
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    (ticks(11) + ticks(12)) as f64 / per_second
}

/// The resident set of `pid` in bytes.
pub fn resident_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}
