//! `GET /v1/models` and `GET /v1/models/{ref}`: the catalog's chat models (and the
//! config's default model, when it is a custom provider's) in OpenAI's list shape —
//! `{"object": "list", "data": [{"id", "object": "model", "created", "owned_by"}]}` — each
//! with provcat's facts under `provcat` (name, kind, input, context window, output cap,
//! reasoning, prices, aliases, lifecycle). Refs contain `/`; `{ref}` is the rest of the
//! path, and any alias finds its model. Video models are listed too (their `kind` says so)
//! but refused on the chat routes.

use serde_json::{Value, json};

use crate::catalog::{self, Model};

use super::call::report_error;
use super::error::{ErrorClass, GatewayError};
use super::state::Snapshot;

fn entry(model: &Model) -> Value {
    json!({
        "id": model.canonical_ref,
        "object": "model",
        "created": 0,
        "owned_by": model.provider,
        "provcat": model,
    })
}

/// The list.
pub fn list(snapshot: &Snapshot) -> Value {
    let mut data: Vec<Value> = catalog::models().iter().map(entry).collect();
    if let Some(primary) = &snapshot.config.file.agents.defaults.model.primary
        && catalog::find_model(primary).is_none()
    {
        data.push(json!({
            "id": primary,
            "object": "model",
            "created": 0,
            "owned_by": primary.split('/').next().unwrap_or(primary),
            "provcat": {"custom": true, "default": true},
        }));
    }
    json!({"object": "list", "data": data})
}

/// One model by ref or alias.
pub fn one(reference: &str, snapshot: &Snapshot) -> Result<Value, GatewayError> {
    if let Some(found) = catalog::find_model(reference) {
        return Ok(entry(found.model));
    }
    // A custom provider's model: whatever resolves.
    let request = crate::resolve::Request {
        reference: Some(reference),
        kind: None,
        api_key: None,
    };
    match crate::resolve::resolve(&request, &snapshot.config, &snapshot.env) {
        Ok(target) => Ok(json!({
            "id": target.canonical_ref,
            "object": "model",
            "created": 0,
            "owned_by": target.provider_id,
            "provcat": {"custom": target.custom, "kind": target.kind, "dialect": target.dialect},
        })),
        Err(report) => {
            let mut error = report_error(&report, snapshot);
            error.class = ErrorClass::NotFound;
            Err(error)
        }
    }
}
