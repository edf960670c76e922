//! Hostile-server answers that are no ordinary [`crate::http::Response`]: a huge JSON body,
//! generated as it is written ([`crate::Fault::HugeBody`]), and no answer at all
//! ([`crate::Fault::NoAnswer`]). They answer alike on every surface, video tasks included.

use std::io;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::http::{ChunkedBody, status_line};

/// A hostile answer, given instead of the request's own.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Hostile {
    /// Answer 200 with a JSON body of this many bytes ([`send_huge`]).
    Huge { bytes: u64, chunked: bool },
    /// Answer nothing, keeping the connection open.
    Silent,
}

/// Sends a hostile answer. A huge body ends like any answer; silence never ends: the
/// connection stays open until the client leaves or the emulator stops (dropping its
/// runtime cancels this future).
pub(crate) async fn send(stream: &mut TcpStream, hostile: Hostile, close: bool) -> io::Result<()> {
    match hostile {
        Hostile::Huge { bytes, chunked } => send_huge(stream, bytes, chunked, close).await,
        Hostile::Silent => std::future::pending().await,
    }
}

/// The pieces a huge body is written in.
const HUGE_PIECE: usize = 64 * 1024;

/// Writes a 200 `application/json` answer whose body is exactly `bytes` bytes of
/// `{"pad":"xx…x"}` (a prefix of it under 10 bytes), piece by piece, so that memory stays
/// small whatever the size; stops at the first write that fails (the client hung up).
async fn send_huge(
    stream: &mut TcpStream,
    bytes: u64,
    chunked: bool,
    close: bool,
) -> io::Result<()> {
    let mut head = status_line(200);
    head.push_str("Content-Type: application/json\r\n");
    if chunked {
        head.push_str("Transfer-Encoding: chunked\r\n");
    } else {
        head.push_str(&format!("Content-Length: {bytes}\r\n"));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let head = head.into_bytes();
    let mut at = 0;
    if chunked {
        let mut body = ChunkedBody::new(stream, head, true);
        while at < bytes {
            let len = (HUGE_PIECE as u64).min(bytes - at);
            body.chunk(&huge_piece(bytes, at, len)).await?;
            at += len;
        }
        body.finish().await
    } else {
        stream.write_all(&head).await?;
        while at < bytes {
            let len = (HUGE_PIECE as u64).min(bytes - at);
            stream.write_all(&huge_piece(bytes, at, len)).await?;
            at += len;
        }
        stream.flush().await
    }
}

/// The bytes `at..at + len` of a huge body of `total` bytes: `{"pad":"`, then `x`s, then
/// `"}` (when there is room for it).
fn huge_piece(total: u64, at: u64, len: u64) -> Vec<u8> {
    const OPEN: &[u8] = b"{\"pad\":\"";
    const CLOSE: &[u8] = b"\"}";
    let open = OPEN.len() as u64;
    let closing_at = total.saturating_sub(CLOSE.len() as u64).max(open);
    let end = at + len;
    let mut out = vec![b'x'; len as usize];
    for i in at..end.min(open) {
        out[(i - at) as usize] = OPEN[i as usize];
    }
    for i in closing_at.max(at)..end {
        out[(i - at) as usize] = CLOSE[(i - closing_at) as usize];
    }
    out
}
