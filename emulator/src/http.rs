//! Just enough HTTP/1.1: bounded request reading (head ≤ 64 KiB, body ≤ 16 MiB by
//! `Content-Length`, every read under a timeout), fixed-length responses, chunked bodies
//! and connection resets.
//!
//! Chunked *request* bodies are not supported: they get 411 Length Required.

use std::io::{self, Write};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The largest request head accepted.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// The largest request body accepted.
pub(crate) const MAX_BODY: usize = 16 * 1024 * 1024;
/// How long one read may wait (also the keep-alive idle timeout).
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// At most this many request headers.
const MAX_HEADERS: usize = 100;

/// A request as read off the wire.
pub(crate) struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The client asked to close the connection after this exchange.
    pub close: bool,
}

impl Request {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why no request could be read.
pub(crate) enum ReadError {
    /// The peer closed, or went idle, between requests: just close.
    Gone,
    /// Answer with this status and close.
    Reject(u16, &'static str),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> ReadError {
        ReadError::Gone
    }
}

/// A client connection with its read-ahead buffer.
pub(crate) struct Conn {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub fn new(stream: TcpStream) -> Conn {
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    /// Reads one request (bounded in size and time).
    pub async fn read_request(&mut self) -> Result<Request, ReadError> {
        let (head_len, mut request, content_length) = loop {
            if let Some(parsed) = parse_head(&self.buf)? {
                break parsed;
            }
            if self.buf.len() > MAX_HEAD {
                return Err(ReadError::Reject(431, "request head too large"));
            }
            if self.fill().await? == 0 {
                return Err(ReadError::Gone);
            }
        };
        self.buf.drain(..head_len);
        if content_length > MAX_BODY {
            return Err(ReadError::Reject(413, "request body too large"));
        }
        let expects_continue = request
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
        if expects_continue && self.buf.len() < content_length {
            self.stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await?;
        }
        while self.buf.len() < content_length {
            if self.fill().await? == 0 {
                return Err(ReadError::Gone);
            }
        }
        request.body = self.buf.drain(..content_length).collect();
        Ok(request)
    }

    /// One read into the buffer, under [`READ_TIMEOUT`].
    async fn fill(&mut self) -> Result<usize, ReadError> {
        let mut chunk = [0u8; 16 * 1024];
        match tokio::time::timeout(READ_TIMEOUT, self.stream.read(&mut chunk)).await {
            Ok(Ok(n)) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(n)
            }
            Ok(Err(_)) | Err(_) => Err(ReadError::Gone),
        }
    }
}

/// Parses a complete head: (its length, the request without body, Content-Length).
fn parse_head(buf: &[u8]) -> Result<Option<(usize, Request, usize)>, ReadError> {
    if buf.is_empty() {
        return Ok(None);
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let head_len = match parsed.parse(buf) {
        Ok(httparse::Status::Complete(n)) if n <= MAX_HEAD => n,
        Ok(httparse::Status::Complete(_)) => {
            return Err(ReadError::Reject(431, "request head too large"));
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(ReadError::Reject(431, "too many headers"));
        }
        Err(_) => return Err(ReadError::Reject(400, "malformed request head")),
    };
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            let value = String::from_utf8_lossy(h.value).into_owned();
            (h.name.to_owned(), value)
        })
        .collect();
    let mut request = Request {
        method: parsed.method.unwrap_or_default().to_owned(),
        target: parsed.path.unwrap_or_default().to_owned(),
        headers,
        body: Vec::new(),
        close: false,
    };
    if request.header("transfer-encoding").is_some() {
        return Err(ReadError::Reject(411, "send a Content-Length"));
    }
    let content_length = match request.header("content-length") {
        None => 0,
        Some(v) => v
            .trim()
            .parse::<usize>()
            .map_err(|_| ReadError::Reject(400, "bad Content-Length"))?,
    };
    let connection = request.header("connection").map(str::to_ascii_lowercase);
    request.close = match parsed.version {
        Some(1) => connection.is_some_and(|c| c.contains("close")),
        _ => !connection.is_some_and(|c| c.contains("keep-alive")),
    };
    Ok(Some((head_len, request, content_length)))
}

/// A complete, fixed-length response.
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Response {
        Response::raw(status, body.to_string())
    }

    /// A response whose body is sent verbatim as `application/json`.
    pub fn raw(status: u16, body: String) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", "application/json".to_owned())],
            body: body.into_bytes(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &'static str, value: String) -> Response {
        self.headers.push((name, value));
        self
    }

    /// The status line and headers, `Content-Length` included.
    pub fn head(&self, close: bool) -> Vec<u8> {
        let mut head = status_line(self.status);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        if close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        head.into_bytes()
    }

    /// Writes the whole response.
    pub async fn write(&self, stream: &mut TcpStream, close: bool) -> io::Result<()> {
        let mut bytes = self.head(close);
        bytes.extend_from_slice(&self.body);
        stream.write_all(&bytes).await?;
        stream.flush().await
    }
}

/// `HTTP/1.1 <status> <reason>\r\n`.
pub(crate) fn status_line(status: u16) -> String {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        529 => "Overloaded",
        _ => "Status",
    };
    format!("HTTP/1.1 {status} {reason}\r\n")
}

/// Closes the connection with a TCP reset (`SO_LINGER` 0), so the peer sees an abort
/// rather than a clean end.
pub(crate) fn reset(stream: TcpStream) {
    // Without the option the close is merely clean; still a fault, so go on.
    let _ = stream.set_zero_linger();
    drop(stream);
}

/// Writes a chunked body: one chunk per frame, flushed per frame unless `batched`, with
/// the first frame holding a multi-byte character split inside that character across two
/// flushed writes (a short pause between them keeps the writes in separate reads).
pub(crate) struct ChunkedBody<'a> {
    stream: &'a mut TcpStream,
    pending: Vec<u8>,
    batched: bool,
    split_done: bool,
}

/// The pause between the two halves of the split frame.
pub(crate) const SPLIT_PAUSE: Duration = Duration::from_millis(5);
/// A batched body writes once this much is pending.
const BATCH: usize = 16 * 1024;

impl<'a> ChunkedBody<'a> {
    /// A body whose response `head` is sent with the first write.
    pub fn new(stream: &'a mut TcpStream, head: Vec<u8>, batched: bool) -> ChunkedBody<'a> {
        let mut pending = Vec::with_capacity(if batched { BATCH * 2 } else { 1024 });
        pending.extend_from_slice(&head);
        ChunkedBody {
            stream,
            pending,
            batched,
            split_done: false,
        }
    }

    /// Sends one chunk holding `data`.
    pub async fn chunk(&mut self, data: &[u8]) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        // Writing into a Vec cannot fail.
        let _ = write!(self.pending, "{:x}\r\n", data.len());
        let split_at = if self.split_done {
            None
        } else {
            // The first lead byte of a multi-byte character: cut right after it.
            data.iter().position(|&b| b >= 0xC0).map(|i| i + 1)
        };
        if let Some(at) = split_at {
            self.split_done = true;
            self.pending.extend_from_slice(&data[..at]);
            self.flush().await?;
            tokio::time::sleep(SPLIT_PAUSE).await;
            self.pending.extend_from_slice(&data[at..]);
        } else {
            self.pending.extend_from_slice(data);
        }
        self.pending.extend_from_slice(b"\r\n");
        if !self.batched || self.pending.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes whatever is pending.
    pub async fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.stream.write_all(&self.pending).await?;
            self.pending.clear();
        }
        self.stream.flush().await
    }

    /// Ends the body cleanly (the terminating zero-length chunk).
    pub async fn finish(mut self) -> io::Result<()> {
        self.pending.extend_from_slice(b"0\r\n\r\n");
        self.flush().await
    }
}
