//! Streams relayed to the client: a [`Sink`] that encodes the common events into the
//! front's frames as the upstream's decoder produces them, and the response body that
//! carries them.
//!
//! The upstream call runs inside the response body ([`StreamBody`]): polling the body
//! drives the call, the call hands frames over a small bounded channel, and the client
//! reading slowly slows the upstream read (the sink's [`Sink::flush`] waits for room)
//! instead of growing a buffer. When the client goes away hyper drops the body, which
//! drops the call — and with it the upstream connection: a disconnect cancels the upstream
//! request, with nothing left running.
//!
//! The stream is committed (status 200, `text/event-stream`) only once the upstream has
//! answered with a success and sent its first bytes; a failure before that — a refused
//! key, an unknown model, retries run out — is answered as a whole error response in the
//! front's shape, with its status.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Bytes;
use http_body::Frame;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::client::{ChatOutcome, ClientError, Flush, Sink};

use super::error::GatewayError;
use super::{anthropic, openai};

/// Frames in flight between the call and the body: a few reads' worth.
pub const CHANNEL_FRAMES: usize = 8;

/// The front's stream encoder.
#[derive(Debug)]
pub enum Encoder {
    /// Chat Completions chunks.
    Completions(openai::StreamEncoder),
    /// Messages events.
    Messages(anthropic::StreamEncoder),
}

impl Encoder {
    fn start(&mut self, out: &mut Vec<u8>) {
        match self {
            Encoder::Completions(e) => e.start(out),
            Encoder::Messages(e) => e.start(out),
        }
    }

    fn reasoning(&mut self, text: &str, out: &mut Vec<u8>) {
        match self {
            Encoder::Completions(e) => e.reasoning(text, out),
            Encoder::Messages(e) => e.reasoning(text, out),
        }
    }

    fn content(&mut self, text: &str, out: &mut Vec<u8>) {
        match self {
            Encoder::Completions(e) => e.content(text, out),
            Encoder::Messages(e) => e.content(text, out),
        }
    }

    fn finish(&mut self, outcome: &ChatOutcome, usage: Option<Value>, out: &mut Vec<u8>) {
        match self {
            Encoder::Completions(e) => e.finish(outcome, usage, out),
            Encoder::Messages(e) => e.finish(outcome, usage, out),
        }
    }

    fn error(&mut self, error: &GatewayError, out: &mut Vec<u8>) {
        match self {
            Encoder::Completions(e) => e.error(error, out),
            Encoder::Messages(e) => e.error(error, out),
        }
    }
}

/// The sink of a relayed stream.
pub struct Relay {
    encoder: Encoder,
    buf: Vec<u8>,
    started: bool,
    tx: mpsc::Sender<Bytes>,
}

impl Relay {
    /// A relay encoding with `encoder` into `tx`.
    pub fn new(encoder: Encoder, tx: mpsc::Sender<Bytes>) -> Relay {
        Relay {
            encoder,
            buf: Vec::new(),
            started: false,
            tx,
        }
    }

    /// Whether the stream is committed (its first frame written).
    pub fn started(&self) -> bool {
        self.started
    }

    fn start(&mut self) {
        if !self.started {
            self.started = true;
            self.encoder.start(&mut self.buf);
        }
    }

    /// Ends a stream that went well: the finish frames (with `usage` when asked).
    pub async fn finish(mut self, outcome: &ChatOutcome, usage: Option<Value>) {
        self.start();
        self.encoder.finish(outcome, usage, &mut self.buf);
        let _ = self.tx.send(Bytes::from(self.buf)).await;
    }

    /// Ends a committed stream with `error`, keeping what came before it.
    pub async fn fail(mut self, error: &GatewayError) {
        self.encoder.error(error, &mut self.buf);
        let _ = self.tx.send(Bytes::from(self.buf)).await;
    }
}

impl Sink for Relay {
    fn reasoning(&mut self, text: &str) {
        self.start();
        self.encoder.reasoning(text, &mut self.buf);
    }

    fn content(&mut self, text: &str) {
        self.start();
        self.encoder.content(text, &mut self.buf);
    }

    fn flush(&mut self) -> Option<Flush<'_>> {
        // The upstream answered and its bytes are flowing: the stream is committed.
        self.start();
        if self.buf.is_empty() {
            return None;
        }
        let frames = Bytes::from(std::mem::take(&mut self.buf));
        let tx = &self.tx;
        Some(Box::pin(async move {
            tx.send(frames).await.map_err(|_| ClientError::Interrupted)
        }))
    }
}

/// The upstream call of a stream: resolves to the error to answer when it failed before
/// the stream was committed.
pub type Call = Pin<Box<dyn Future<Output = Option<GatewayError>> + Send>>;

/// The body of a relayed stream: what was already received, then the channel, while
/// driving the call.
pub struct StreamBody {
    first: Option<Bytes>,
    call: Option<Call>,
    rx: mpsc::Receiver<Bytes>,
}

impl StreamBody {
    /// A body starting with `first`, driving `call` (if it has not ended) and relaying `rx`.
    pub fn new(first: Option<Bytes>, call: Option<Call>, rx: mpsc::Receiver<Bytes>) -> StreamBody {
        StreamBody { first, call, rx }
    }
}

impl http_body::Body for StreamBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        if let Some(call) = &mut this.call
            && call.as_mut().poll(cx).is_ready()
        {
            this.call = None;
        }
        match this.rx.poll_recv(cx) {
            Poll::Ready(Some(bytes)) => Poll::Ready(Some(Ok(Frame::data(bytes)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}
