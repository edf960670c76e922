//! A raw std-only HTTP/1.1 client that keeps every read apart, so tests can see resets,
//! truncated bodies and how the bytes were split.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use serde_json::Value;

/// What came back.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked when chunked.
    pub body: Vec<u8>,
    /// Every read, with when it returned.
    pub reads: Vec<(Instant, Vec<u8>)>,
    /// The connection ended with an error (a reset) rather than EOF.
    pub reset: bool,
    /// The body ended properly (terminating chunk, or Content-Length reached).
    pub complete: bool,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    /// The SSE events (comments included), without their blank-line separators.
    pub fn events(&self) -> Vec<String> {
        self.text()
            .split("\n\n")
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The `data:` payloads parsed as JSON (`[DONE]` and non-JSON ones left out).
    pub fn chunks(&self) -> Vec<Value> {
        self.events()
            .iter()
            .filter_map(|e| e.strip_prefix("data: "))
            .filter_map(|d| serde_json::from_str(d).ok())
            .collect()
    }

    /// The named SSE events as (event name, data parsed as JSON); comments and events
    /// without a name are left out, data that is not JSON is `Null`.
    pub fn named(&self) -> Vec<(String, Value)> {
        self.events()
            .iter()
            .filter_map(|e| {
                let (name, data) = e.strip_prefix("event: ")?.split_once("\ndata: ")?;
                let data = serde_json::from_str(data).unwrap_or(Value::Null);
                Some((name.to_owned(), data))
            })
            .collect()
    }

    /// The concatenated `delta.<field>` strings of the chunks.
    pub fn deltas(&self, field: &str) -> String {
        self.chunks()
            .iter()
            .filter_map(|c| c.pointer(&format!("/choices/0/delta/{field}")))
            .filter_map(Value::as_str)
            .collect()
    }
}

/// Sends `raw` as is, then reads until EOF or error.
pub fn exchange(addr: SocketAddr, raw: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(raw).expect("send");
    let mut reads = Vec::new();
    let mut reset = false;
    let mut buf = [0u8; 64 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => reads.push((Instant::now(), buf[..n].to_vec())),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => {
                assert_ne!(e.kind(), ErrorKind::WouldBlock, "the emulator went silent");
                reset = true;
                break;
            }
        }
    }
    parse(reads, reset)
}

/// A request for `path` with an optional bearer key and a body.
pub fn request(path: &str, key: Option<&str>, body: &[u8]) -> Vec<u8> {
    let auth = key.map(|key| format!("Bearer {key}"));
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
    request_with(path, &headers, body)
}

/// A POST request for `path` with these headers and a JSON body.
pub fn request_with(path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut raw = format!("POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    ));
    let mut raw = raw.into_bytes();
    raw.extend_from_slice(body);
    raw
}

fn parse(reads: Vec<(Instant, Vec<u8>)>, reset: bool) -> Reply {
    let all: Vec<u8> = reads.iter().flat_map(|(_, r)| r.iter().copied()).collect();
    let Some(head_end) = all.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Reply {
            status: 0,
            headers: Vec::new(),
            body: all,
            reads,
            reset,
            complete: false,
        };
    };
    let head = String::from_utf8_lossy(&all[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let rest = &all[head_end + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v == "chunked");
    let (body, complete) = if chunked {
        dechunk(rest)
    } else {
        let length: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(rest.len());
        (
            rest[..length.min(rest.len())].to_vec(),
            rest.len() >= length,
        )
    };
    Reply {
        status,
        headers,
        body,
        reads,
        reset,
        complete,
    }
}

/// De-chunks; `true` when the terminating chunk was seen.
fn dechunk(mut rest: &[u8]) -> (Vec<u8>, bool) {
    let mut body = Vec::new();
    loop {
        let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") else {
            return (body, false);
        };
        let size = std::str::from_utf8(&rest[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .expect("a chunk size");
        rest = &rest[line_end + 2..];
        if size == 0 {
            return (body, rest.starts_with(b"\r\n"));
        }
        if rest.len() < size + 2 {
            body.extend_from_slice(&rest[..size.min(rest.len())]);
            return (body, false);
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}
