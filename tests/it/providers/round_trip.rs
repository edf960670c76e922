//! A chat round trip for every auth choice of every provider, in process through the same
//! resolution and client as `provcat chat`: the provider's catalog entry keeps its auth
//! choice (so its plan, region, endpoint surface, dialect and capabilities) and gets a
//! `baseUrl` on the emulator's surface of that dialect, which serves the provider's models
//! by wire id. The dialect's rules are asserted on the recorded request.

use provcat::catalog::{Dialect, MaxTokensField};
use provcat::client::{ChatOutcome, ChatRequest, Client, ClientOptions, Discard, Message, Role};
use provcat::config::{self, ConfigLocation, ConfigOrigin, Env};
use provcat::resolve::{self, Request};
use serde_json::json;

use super::{Choice, base_url, every_auth_choice};
use crate::support::config_dir;

/// The request: a developer message, a user message, streamed; a cap only where the
/// host's field is `max_completion_tokens` or the model does not reason (the emulator, like
/// OpenAI, refuses `max_tokens` for reasoning models).
fn request(cap: Option<u32>) -> ChatRequest {
    ChatRequest {
        messages: vec![
            Message::text(Role::Developer, "be brief"),
            Message::text(Role::User, "hi there"),
        ],
        stream: true,
        max_tokens: cap,
        ..ChatRequest::default()
    }
}

#[test]
fn every_auth_choice_chats_through_its_dialect_on_the_emulator() {
    let client = Client::new(ClientOptions::default()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    every_auth_choice(|c: &Choice| {
        let id = c.choice.id;
        let model = c.default_model();
        let surface = c.surface(model);
        let caps = surface.capabilities;
        let emulator = c.emulator();
        let home = tempfile::tempdir().unwrap();
        let dir = config_dir(home.path());
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(
            &path,
            format!(
                "[models.providers.{}]\nauthChoice = \"{id}\"\nbaseUrl = \"{}\"\n",
                c.provider.id,
                base_url(&emulator, surface.dialect)
            ),
        )
        .unwrap();
        let loaded = config::load(ConfigLocation {
            path,
            origin: ConfigOrigin::Flag,
        })
        .unwrap();
        let key = c.key();
        let var = c.key_var();
        let env = Env::from_pairs([(var.as_str(), key.as_str())]);
        let target = resolve::resolve(
            &Request {
                reference: Some(model.canonical_ref),
                ..Request::default()
            },
            &loaded,
            &env,
        )
        .unwrap_or_else(|e| panic!("{id}: {e:?}"));
        assert_eq!(target.dialect, surface.dialect, "{id}");
        assert!(target.warnings.is_empty(), "{id}: {:?}", target.warnings);

        let cap = (surface.dialect == Dialect::AnthropicMessages
            || caps.max_tokens_field == MaxTokensField::MaxCompletionTokens
            || !model.reasoning)
            .then_some(64);
        let mut outcome = ChatOutcome {
            keep_text: true,
            ..ChatOutcome::default()
        };
        runtime
            .block_on(client.chat(
                &target,
                &request(cap),
                &mut outcome,
                &mut Discard,
                &mut |_, _| {},
            ))
            .unwrap_or_else(|e| panic!("{id} ({}): {e}", model.canonical_ref));
        assert_eq!(outcome.content, "echo: hi there", "{id}");

        let requests = emulator.requests();
        assert_eq!(requests.len(), 1, "{id}");
        let sent = &requests[0];
        let body = &sent.body;
        assert_eq!(body["model"], model.wire_id, "{id}: the wire id, verbatim");
        match surface.dialect {
            Dialect::OpenAiCompletions => {
                assert_eq!(sent.path, "/openai/v1/chat/completions", "{id}");
                assert_eq!(
                    sent.header("authorization"),
                    Some(format!("Bearer {key}").as_str()),
                    "{id}"
                );
                let role = if caps.developer_role {
                    "developer"
                } else {
                    "system"
                };
                assert_eq!(body["messages"][0]["role"], role, "{id}");
                assert_eq!(
                    body.get("stream_options").is_some(),
                    caps.streaming_usage,
                    "{id}: {body}"
                );
                if let Some(n) = cap {
                    let (field, other) = match caps.max_tokens_field {
                        MaxTokensField::MaxTokens => ("max_tokens", "max_completion_tokens"),
                        MaxTokensField::MaxCompletionTokens => {
                            ("max_completion_tokens", "max_tokens")
                        }
                    };
                    assert_eq!(body[field], n, "{id}: {body}");
                    assert!(body.get(other).is_none(), "{id}: {body}");
                }
                // The emulator's reasoning models stream `delta.reasoning`.
                assert_eq!(
                    outcome.reasoning.is_empty(),
                    !model.reasoning,
                    "{id}: {:?}",
                    outcome.reasoning
                );
            }
            Dialect::AnthropicMessages => {
                assert_eq!(sent.path, "/anthropic/v1/messages", "{id}");
                assert_eq!(sent.header("x-api-key"), Some(key.as_str()), "{id}");
                assert_eq!(sent.header("authorization"), None, "{id}");
                assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"), "{id}");
                assert_eq!(body["system"], "be brief", "{id}");
                assert_eq!(
                    body["messages"],
                    json!([{"role": "user", "content": "hi there"}]),
                    "{id}"
                );
                assert_eq!(body["max_tokens"], 64, "{id}");
            }
            other => panic!("{id}: {other} is not a chat dialect"),
        }
        assert!(outcome.usage.is_some() || !caps.streaming_usage, "{id}");
    });
}
