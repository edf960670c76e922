//! `GET /files/{task_id}.mp4`: the video of a `SUCCEEDED` task, a fake MP4 generated while
//! it is written (never whole in memory), with `Content-Length`.
//!
//! Bytes: a 24-byte `ftyp` box (`mp42`, compatible `mp42 isom`), then an `mdat` box header
//! (its size, or 0, "to the end of the file", past 4 GiB), then filler byte `i % 251` at
//! offset `i`. A size under 32 bytes is a prefix of that (a truncated file).

use std::io;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::http::status_line;
use crate::tasks::File;

/// The `ftyp` box every file starts with.
pub(crate) const FTYP: &[u8; 24] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";
/// The file is written in pieces of this size.
const PIECE: usize = 64 * 1024;
/// The filler repeats with this period (a prime, so pieces do not line up with it).
const FILLER_PERIOD: usize = 251;

/// Writes the response: head, then the file piece by piece.
pub(crate) async fn send(stream: &mut TcpStream, file: &File, close: bool) -> io::Result<()> {
    let mut head = status_line(200);
    head.push_str(&format!("Content-Type: {}\r\n", file.content_type));
    head.push_str(&format!("Content-Length: {}\r\n", file.bytes));
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let header = box_headers(file.bytes);
    let header_len = header.len().min(file.bytes);
    let mut first = head.into_bytes();
    first.extend_from_slice(&header[..header_len]);
    stream.write_all(&first).await?;
    // The filler at offset `i` is `pattern[i % 251]`: every piece is a slice of this.
    let pattern: Vec<u8> = (0..PIECE + FILLER_PERIOD)
        .map(|i| (i % FILLER_PERIOD) as u8)
        .collect();
    for start in (header_len..file.bytes).step_by(PIECE) {
        let len = PIECE.min(file.bytes - start);
        let phase = start % FILLER_PERIOD;
        stream.write_all(&pattern[phase..phase + len]).await?;
    }
    stream.flush().await
}

/// `ftyp` then the `mdat` header of a file of `bytes` bytes.
fn box_headers(bytes: usize) -> [u8; 32] {
    let mut header = [0u8; 32];
    header[..24].copy_from_slice(FTYP);
    let mdat = u32::try_from(bytes.saturating_sub(24)).unwrap_or(0);
    header[24..28].copy_from_slice(&mdat.to_be_bytes());
    header[28..].copy_from_slice(b"mdat");
    header
}
