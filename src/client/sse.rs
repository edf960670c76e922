//! A Server-Sent Events parser over bytes as they arrive, for the name and the `data` of
//! each event.
//!
//! Hand-written rather than `eventsource-stream` because the benchmark showed why
//! (`BENCHMARKS.md`, "Streaming"): that crate copies the rest of its buffer after every
//! line, which is quadratic in the size of a network read, and allocates three strings
//! per event; this parser keeps an offset into one buffer, compacts it rarely, reuses one
//! data buffer, and decodes UTF-8 only for complete events — so a multi-byte character
//! split across two reads is never a problem.
//!
//! What it follows of the SSE format: lines end with LF, CRLF or CR (a CRLF split across
//! reads included); a line starting with `:` is a comment (keep-alives); `data:` lines of
//! one event are joined with `\n` (one leading space after the colon is dropped); a blank
//! line ends an event; `event:` names it (the last one wins; the name is reset after each
//! event, and is empty when the event has none, SSE's default `message`); other fields
//! (`id`, `retry`) are ignored; an unfinished event at the end of the stream is dropped.

/// The longest line accepted; a server that sends more without a line break is broken.
pub const MAX_LINE: usize = 16 * 1024 * 1024;

/// An SSE parser: [`push`](Self::push) bytes, then take [`next_event`](Self::next_event)s.
#[derive(Debug, Default)]
pub struct SseParser {
    buffer: Vec<u8>,
    /// Where the unparsed bytes start in `buffer`.
    start: usize,
    /// The current event's data.
    data: Vec<u8>,
    /// Whether the current event has a `data` field (possibly empty).
    has_data: bool,
    /// The current event's name (`event:`), empty when it has none.
    name: Vec<u8>,
    /// An event was handed out: its name is cleared before the next line is read.
    dispatched: bool,
    /// The last line ended with CR: a LF at the start of the next bytes belongs to it.
    skip_lf: bool,
}

/// One event: its name (empty when the stream gave none) and its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SseEvent<'a> {
    /// The `event:` field, or `""`.
    pub name: &'a str,
    /// The `data:` lines, joined with `\n`.
    pub data: &'a str,
}

/// Why the bytes are not an event stream.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    /// An event's data is not UTF-8.
    #[error("an event is not UTF-8 text")]
    NotUtf8,
    /// A line longer than [`MAX_LINE`].
    #[error("a line of more than {MAX_LINE} bytes")]
    LineTooLong,
    /// An event whose data is longer than [`MAX_LINE`] in all.
    #[error("an event of more than {MAX_LINE} bytes")]
    EventTooLong,
}

impl SseParser {
    /// Adds bytes received from the network.
    pub fn push(&mut self, bytes: &[u8]) {
        // Drop what was parsed once it is most of the buffer, so it never grows with the
        // stream, and each byte moves at most once.
        if self.start > 0 && self.start >= self.buffer.len() / 2 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete event, if one has arrived.
    pub fn next_event(&mut self) -> Option<Result<SseEvent<'_>, SseError>> {
        if self.dispatched {
            self.dispatched = false;
            self.name.clear();
        }
        loop {
            if self.skip_lf && self.start < self.buffer.len() {
                if self.buffer[self.start] == b'\n' {
                    self.start += 1;
                }
                self.skip_lf = false;
            }
            let rest = &self.buffer[self.start..];
            let Some(end) = memchr::memchr2(b'\n', b'\r', rest) else {
                if rest.len() > MAX_LINE {
                    return Some(Err(SseError::LineTooLong));
                }
                return None;
            };
            let line_start = self.start;
            let line_end = line_start + end;
            match self.buffer[line_end] {
                b'\r' => {
                    self.start = line_end + 1;
                    self.skip_lf = true;
                }
                _ => self.start = line_end + 1,
            }
            if line_end == line_start {
                // A blank line: dispatch.
                if self.has_data {
                    self.has_data = false;
                    self.dispatched = true;
                    let text = std::str::from_utf8(&self.data);
                    let name = std::str::from_utf8(&self.name);
                    return Some(match (name, text) {
                        (Ok(name), Ok(data)) => Ok(SseEvent { name, data }),
                        _ => Err(SseError::NotUtf8),
                    });
                }
                self.name.clear();
                continue;
            }
            let line = &self.buffer[line_start..line_end];
            if line[0] == b':' {
                continue;
            }
            let (name, value) = match memchr::memchr(b':', line) {
                Some(colon) => {
                    let value = &line[colon + 1..];
                    (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
                }
                None => (line, &b""[..]),
            };
            if name == b"data" {
                if self.has_data && self.data.len() + value.len() >= MAX_LINE {
                    return Some(Err(SseError::EventTooLong));
                }
                if self.has_data {
                    self.data.push(b'\n');
                } else {
                    self.data.clear();
                    self.has_data = true;
                }
                self.data.extend_from_slice(value);
            } else if name == b"event" {
                self.name.clear();
                self.name.extend_from_slice(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(reads: &[&[u8]]) -> Vec<(String, String)> {
        let mut parser = SseParser::default();
        let mut out = Vec::new();
        for read in reads {
            parser.push(read);
            while let Some(event) = parser.next_event() {
                let event = event.unwrap();
                out.push((event.name.to_string(), event.data.to_string()));
            }
        }
        out
    }

    fn events(reads: &[&[u8]]) -> Vec<String> {
        named(reads).into_iter().map(|(_, data)| data).collect()
    }

    #[test]
    fn event_names_are_kept_per_event_and_reset_after_it() {
        let text = b"event: message_start\ndata: {\"a\":1}\n\ndata: plain\n\nevent: ping\n\nevent: x\nevent: content_block_delta\ndata: d\n\ndata: after\n\n";
        assert_eq!(
            named(&[text]),
            [
                ("message_start".to_string(), "{\"a\":1}".to_string()),
                (String::new(), "plain".to_string()),
                ("content_block_delta".to_string(), "d".to_string()),
                (String::new(), "after".to_string()),
            ],
            "a named event without data is not dispatched and names nothing after it"
        );
        let whole = named(&[text]);
        for cut in 1..text.len() {
            assert_eq!(named(&[&text[..cut], &text[cut..]]), whole, "cut at {cut}");
        }
    }

    #[test]
    fn parses_frames_comments_and_multiline_data() {
        let text = b": keep-alive\n\ndata: {\"a\":1}\n\ndata:x\ndata: y\nevent: e\nid: 1\n\ndata: [DONE]\n\n";
        assert_eq!(events(&[text]), ["{\"a\":1}", "x\ny", "[DONE]"]);
    }

    #[test]
    fn any_split_of_the_bytes_gives_the_same_events() {
        let text = "data: 你好\r\n\r\ndata: {\"c\":\"世界\"}\r\rdata: end\n\n".as_bytes();
        let whole = events(&[text]);
        assert_eq!(whole, ["你好", "{\"c\":\"世界\"}", "end"]);
        for cut in 1..text.len() {
            assert_eq!(events(&[&text[..cut], &text[cut..]]), whole, "cut at {cut}");
        }
        let bytes: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(events(&bytes), whole);
    }

    #[test]
    fn an_endless_event_is_refused() {
        let mut parser = SseParser::default();
        let line = format!("data: {}\n", "x".repeat(1024 * 1024));
        let mut refused = false;
        for _ in 0..20 {
            parser.push(line.as_bytes());
            if let Some(Err(e)) = parser.next_event() {
                assert_eq!(e, SseError::EventTooLong);
                refused = true;
                break;
            }
        }
        assert!(
            refused,
            "16 MiB of data lines without a blank line is refused"
        );
    }

    #[test]
    fn an_unfinished_event_is_not_dispatched_and_memory_stays_bounded() {
        let mut parser = SseParser::default();
        for _ in 0..10_000 {
            parser.push(b"data: 0123456789\n\n");
            assert_eq!(parser.next_event().unwrap().unwrap().data, "0123456789");
        }
        assert!(
            parser.buffer.capacity() < 1024,
            "{}",
            parser.buffer.capacity()
        );
        parser.push(b"data: half");
        assert!(parser.next_event().is_none());
        parser.push(&[b'd', b'a', b't', b'a', b':', 0xff, b'\n', b'\n']);
        assert_eq!(parser.next_event(), Some(Err(SseError::NotUtf8)));
        parser.push(&[b'e', b'v', b'e', b'n', b't', b':', 0xff, b'\n']);
        parser.push(b"data: x\n\n");
        assert_eq!(parser.next_event(), Some(Err(SseError::NotUtf8)));
    }
}
