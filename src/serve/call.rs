//! The one core both fronts share: check the door, read and parse the request, resolve the
//! model with [`crate::resolve`] (the precedence, capability shaping and error advice of
//! `provcat chat`), wait for a concurrency permit, call the upstream through
//! [`crate::client::Client::chat`] (its retries before the first byte, its dialects), and
//! encode the common outcome back in the front's shape — whole, or relayed as a stream
//! ([`super::relay`]).
//!
//! A client's streaming choice is kept upstream: a non-streaming request goes upstream
//! non-streaming. The answer names the model as the client did.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::{OwnedSemaphorePermit, mpsc};

use crate::catalog::ModelKind;
use crate::client::{ChatOutcome, ClientError, Discard, Sink};
use crate::common::{Report, Rule};
use crate::resolve::{self, Request, Target};

use super::error::{ErrorClass, GatewayError};
use super::limits::{check_headers, check_token, read_body};
use super::record::Record;
use super::relay::{CHANNEL_FRAMES, Call, Encoder, Relay, StreamBody};
use super::request::{Front, GatewayRequest};
use super::state::{Snapshot, State};
use super::usage::{anthropic_usage, cost_usd, openai_usage};
use super::{anthropic, ids, openai};

/// Answers a chat request of `front`.
pub async fn chat(state: Arc<State>, front: Front, headers: HeaderMap, body: Body) -> Response {
    let mut record = Record::start(state.clone(), front);
    let prepared = match prepare(&state, front, &headers, body, &mut record).await {
        Ok(prepared) => prepared,
        Err(error) => return failed(record, &error, front),
    };
    if prepared.request.chat.stream {
        stream(&state, front, prepared, record).await
    } else {
        whole(&state, front, prepared, record).await
    }
}

/// Answers `error`, noting it in `record` (logged as it drops).
fn failed(mut record: Record, error: &GatewayError, front: Front) -> Response {
    record.status = Some(error.status(front).as_u16());
    record.error = Some(error.message.clone());
    record.first_byte();
    error.response(front)
}

/// A request ready to go upstream.
struct Prepared {
    request: GatewayRequest,
    target: Target,
    snapshot: Arc<Snapshot>,
    permit: OwnedSemaphorePermit,
}

async fn prepare(
    state: &Arc<State>,
    front: Front,
    headers: &HeaderMap,
    body: Body,
    record: &mut Record,
) -> Result<Prepared, GatewayError> {
    check_headers(headers)?;
    check_token(headers, state.options.token.as_ref())?;
    let bytes = read_body(body, headers, &state.options.limits).await?;
    let request = match front {
        Front::Completions => openai::parse(&bytes)?,
        Front::Messages => anthropic::parse(&bytes)?,
    };
    record.model = Some(request.model.clone());
    record.stream = request.chat.stream;
    let snapshot = state.snapshot();
    let target = resolve_model(&request.model, &snapshot)?;
    record.canonical = Some(target.canonical_ref.clone());
    record.provider = Some(target.provider_id.clone());
    if target.key.found.is_none() {
        return Err(GatewayError::new(
            ErrorClass::Authentication,
            format!(
                "provcat has no API key for `{}`: it looked in {}; set {} where the gateway runs (its environment, the config's `env`, or the .env beside the config) and reload (SIGHUP)",
                target.provider_id,
                target.key.searched.join(", "),
                target
                    .key_env
                    .first()
                    .map_or("the provider's key variable", String::as_str)
            ),
        ));
    }
    state.metrics.queued.fetch_add(1, Ordering::Relaxed);
    let permit = state.permits.clone().acquire_owned().await;
    state.metrics.queued.fetch_sub(1, Ordering::Relaxed);
    let permit = permit.map_err(|_| {
        GatewayError::new(ErrorClass::Unavailable, "provcat serve is shutting down")
    })?;
    Ok(Prepared {
        request,
        target,
        snapshot,
        permit,
    })
}

/// Resolves `model` as `provcat chat -m` would, for a chat route.
pub fn resolve_model(model: &str, snapshot: &Snapshot) -> Result<Target, GatewayError> {
    let request = Request {
        reference: Some(model),
        kind: Some(ModelKind::Chat),
        api_key: None,
    };
    resolve::resolve(&request, &snapshot.config, &snapshot.env)
        .map_err(|report| report_error(&report, snapshot))
}

/// A resolution report as one message: each problem and its help.
pub fn report_error(report: &Report, snapshot: &Snapshot) -> GatewayError {
    let diagnostics = report.diagnostics();
    let unknown = diagnostics
        .iter()
        .any(|d| d.rule == Rule::DanglingReference);
    let message = diagnostics
        .iter()
        .map(|d| match &d.help {
            Some(help) => format!("{}; {help}", d.message),
            None => d.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let class = if unknown {
        ErrorClass::NotFound
    } else {
        ErrorClass::InvalidRequest
    };
    GatewayError::new(class, snapshot.secrets.scrub(&message))
}

/// The call's usage in the front's shape, and its cost.
fn usage_of(front: Front, target: &Target, outcome: &ChatOutcome) -> (Option<Value>, Option<f64>) {
    let Some(usage) = &outcome.usage else {
        return (None, None);
    };
    let cost = cost_usd(target, usage);
    let shaped = match front {
        Front::Completions => openai_usage(usage, cost),
        Front::Messages => anthropic_usage(usage, cost),
    };
    (Some(shaped), cost)
}

fn note_outcome(record: &mut Record, target: &Target, outcome: &ChatOutcome, cost: Option<f64>) {
    record.upstream_model = Some(if outcome.model.is_empty() {
        target.wire_id.clone()
    } else {
        outcome.model.clone()
    });
    record.tokens = outcome
        .usage
        .as_ref()
        .map(|u| (u.prompt_tokens, u.completion_tokens));
    record.cost = cost;
}

async fn whole(
    state: &Arc<State>,
    front: Front,
    prepared: Prepared,
    mut record: Record,
) -> Response {
    let Prepared {
        request,
        target,
        snapshot,
        permit,
    } = prepared;
    let mut outcome = ChatOutcome::default();
    let result = call_upstream(
        state,
        &target,
        &request,
        permit,
        &mut outcome,
        &mut Discard,
        &mut record,
    )
    .await;
    let (usage, cost) = usage_of(front, &target, &outcome);
    note_outcome(&mut record, &target, &outcome, cost);
    let error = match result {
        Err(limit) => Some(overtime(limit)),
        Ok(Err(e)) => Some(GatewayError::upstream(&e, &target, &snapshot.secrets)),
        Ok(Ok(())) => None,
    };
    if let Some(error) = error {
        return failed(record, &error, front);
    }
    let usage = usage.unwrap_or_else(|| match front {
        Front::Completions => {
            serde_json::json!({"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0})
        }
        Front::Messages => serde_json::json!({"input_tokens": 0, "output_tokens": 0}),
    });
    let body = match front {
        Front::Completions => openai::answer(
            &ids::completion(),
            ids::now(),
            &request.model,
            &outcome,
            usage,
        ),
        Front::Messages => anthropic::answer(&ids::message(), &request.model, &outcome, usage),
    };
    record.status = Some(200);
    record.first_byte();
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn overtime(limit: Duration) -> GatewayError {
    GatewayError::new(
        ErrorClass::Timeout,
        format!(
            "the request took longer than {} s, the most provcat serve allows (--max-duration)",
            limit.as_secs()
        ),
    )
}

/// The upstream call of a prepared request, the same for both answers (whole or
/// relayed): counted in flight, its retries counted in the metrics and in `record`, cut
/// after the gateway's longest request time (`Err` with that limit); the concurrency permit
/// is given back when the call ends.
async fn call_upstream(
    state: &Arc<State>,
    target: &Target,
    request: &GatewayRequest,
    permit: OwnedSemaphorePermit,
    outcome: &mut ChatOutcome,
    sink: &mut (dyn Sink + Send),
    record: &mut Record,
) -> Result<Result<(), ClientError>, Duration> {
    let retries = AtomicU32::new(0);
    let mut on_retry = |_: &ClientError, _: Duration| {
        retries.fetch_add(1, Ordering::Relaxed);
        state.metrics.retried();
    };
    let upstream = Upstream::start(state);
    let limit = state.options.limits.max_duration;
    let result = tokio::time::timeout(
        limit,
        state
            .client
            .chat(target, &request.chat, outcome, sink, &mut on_retry),
    )
    .await;
    drop(upstream);
    drop(permit);
    record.retries = retries.load(Ordering::Relaxed);
    result.map_err(|_| limit)
}

/// Counts an upstream request under way while it lives.
struct Upstream(Arc<State>);

impl Upstream {
    fn start(state: &Arc<State>) -> Upstream {
        state
            .metrics
            .upstream_in_flight
            .fetch_add(1, Ordering::Relaxed);
        Upstream(state.clone())
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.0
            .metrics
            .upstream_in_flight
            .fetch_sub(1, Ordering::Relaxed);
    }
}

async fn stream(state: &Arc<State>, front: Front, prepared: Prepared, record: Record) -> Response {
    let Prepared {
        request,
        target,
        snapshot,
        permit,
    } = prepared;
    let encoder = match front {
        Front::Completions => Encoder::Completions(openai::StreamEncoder::new(
            ids::completion(),
            ids::now(),
            request.model.clone(),
        )),
        Front::Messages => Encoder::Messages(anthropic::StreamEncoder::new(
            ids::message(),
            request.model.clone(),
        )),
    };
    let (tx, mut rx) = mpsc::channel::<Bytes>(CHANNEL_FRAMES);
    // The record moves into the call, which outlives this handler: it is logged when the
    // stream ends, or when the client goes away and the body (with the call) is dropped.
    let state = state.clone();
    let call: Call = Box::pin(async move {
        let mut record = record;
        let mut relay = Relay::new(encoder, tx);
        let mut outcome = ChatOutcome {
            keep_text: false,
            ..ChatOutcome::default()
        };
        let result = call_upstream(
            &state,
            &target,
            &request,
            permit,
            &mut outcome,
            &mut relay,
            &mut record,
        )
        .await;
        let (usage, cost) = usage_of(front, &target, &outcome);
        note_outcome(&mut record, &target, &outcome, cost);
        let error = match result {
            Err(limit) => Some(overtime(limit)),
            Ok(Err(ClientError::Interrupted)) => return None,
            Ok(Err(e)) => Some(GatewayError::upstream(&e, &target, &snapshot.secrets)),
            Ok(Ok(())) => None,
        };
        record.first_byte();
        match error {
            None => {
                record.status = Some(200);
                relay
                    .finish(&outcome, usage.filter(|_| request.include_usage))
                    .await;
                None
            }
            Some(error) if relay.started() => {
                record.status = Some(200);
                record.error = Some(error.message.clone());
                relay.fail(&error).await;
                None
            }
            Some(error) => {
                record.status = Some(error.status(front).as_u16());
                record.error = Some(error.message.clone());
                Some(error)
            }
        }
    });
    let mut call = call;
    let first = tokio::select! {
        biased;
        frame = rx.recv() => First::Frame(frame),
        failed = &mut call => First::Ended(failed),
    };
    let (first, call) = match first {
        First::Frame(frame) => (frame, Some(call)),
        // Nothing was sent: a whole error response (the call logged it).
        First::Ended(Some(error)) => return error.response(front),
        First::Ended(None) => (None, None),
    };
    let mut response = Response::new(Body::new(StreamBody::new(first, call, rx)));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

enum First {
    Frame(Option<Bytes>),
    Ended(Option<GatewayError>),
}
