//! The routes, on axum:
//!
//! | route | what |
//! |---|---|
//! | `POST /v1/chat/completions` | the OpenAI front ([`super::openai`]) |
//! | `POST /v1/messages` | the Anthropic front ([`super::anthropic`]) |
//! | `GET /v1/models`, `GET /v1/models/{ref}` | the catalog ([`super::models`]) |
//! | `GET /metrics` | Prometheus text ([`super::metrics`]) |
//! | `GET /healthz` | `{"status": "ok"}`, without the token (for probes) |
//!
//! Anything else is 404 (405 for a known path with another method) in the shape of the
//! front its path belongs to: Anthropic's under `/v1/messages`, OpenAI's elsewhere.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State as Shared};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::call::chat;
use super::error::{ErrorClass, GatewayError};
use super::limits::{check_headers, check_token};
use super::models;
use super::request::Front;
use super::state::State;

/// The router of `state`.
pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/v1/chat/completions", post(openai_chat))
        .route("/v1/messages", post(anthropic_chat))
        .route("/v1/models", get(list_models))
        .route("/v1/models/{*reference}", get(one_model))
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn openai_chat(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    chat(state, Front::Completions, headers, body).await
}

async fn anthropic_chat(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    chat(state, Front::Messages, headers, body).await
}

fn door(state: &State, headers: &HeaderMap) -> Result<(), GatewayError> {
    check_headers(headers)?;
    check_token(headers, state.options.token.as_ref())
}

fn json(value: &serde_json::Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

async fn list_models(Shared(state): Shared<Arc<State>>, headers: HeaderMap) -> Response {
    match door(&state, &headers) {
        Ok(()) => json(&models::list(&state.snapshot())),
        Err(e) => e.response(Front::Completions),
    }
}

async fn one_model(
    Shared(state): Shared<Arc<State>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    let found = door(&state, &headers).and_then(|()| models::one(&reference, &state.snapshot()));
    match found {
        Ok(model) => json(&model),
        Err(e) => e.response(Front::Completions),
    }
}

async fn metrics(Shared(state): Shared<Arc<State>>, headers: HeaderMap) -> Response {
    if let Err(e) = door(&state, &headers) {
        return e.response(Front::Completions);
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

async fn healthz() -> Response {
    json(&serde_json::json!({"status": "ok"}))
}

fn front_of(uri: &Uri) -> Front {
    if uri.path().starts_with("/v1/messages") {
        Front::Messages
    } else {
        Front::Completions
    }
}

async fn not_found(uri: Uri) -> Response {
    GatewayError::new(
        ErrorClass::NotFound,
        format!(
            "no route {}: provcat serve answers POST /v1/chat/completions, POST /v1/messages, GET /v1/models, GET /metrics and GET /healthz",
            crate::escape::controls(uri.path())
        ),
    )
    .response(front_of(&uri))
}

async fn method_not_allowed(uri: Uri) -> Response {
    GatewayError::new(
        ErrorClass::MethodNotAllowed,
        format!(
            "{} does not take this method",
            crate::escape::controls(uri.path())
        ),
    )
    .response(front_of(&uri))
}
