//! Unit tests of the `anthropic-messages` decoder, answer parser and classification.

use super::*;
use crate::catalog::Dialect;
use crate::client::Discard;
use crate::client::sse::SseEvent;
use crate::dialect::Step;
use crate::dialect::anthropic_stream::Stream;

const ERRORS: Errors = Errors {
    dialect: Dialect::AnthropicMessages,
    rules: &[],
};

#[derive(Default)]
struct Collect(Vec<String>);

impl Sink for Collect {
    fn reasoning(&mut self, text: &str) {
        self.0.push(format!("r:{text}"));
    }
    fn content(&mut self, text: &str) {
        self.0.push(format!("c:{text}"));
    }
}

fn feed(
    stream: &mut Stream,
    events: &[(&str, &str)],
    outcome: &mut ChatOutcome,
    sink: &mut dyn Sink,
) -> Result<Vec<Step>, ClientError> {
    events
        .iter()
        .map(|(name, data)| stream.event(SseEvent { name, data }, outcome, sink))
        .collect()
}

const START: &str = r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":10,"cache_creation_input_tokens":2,"cache_read_input_tokens":3,"output_tokens":1}}}"#;

#[test]
fn a_thinking_stream_becomes_reasoning_text_usage_and_a_stop() {
    let events = [
        ("message_start", START),
        ("ping", r#"{"type":"ping"}"#),
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig"}}"#,
        ),
        (
            "content_block_stop",
            r#"{"type":"content_block_stop","index":0}"#,
        ),
        (
            "content_block_start",
            r#"{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"#,
        ),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"你好"}}"#,
        ),
        (
            "content_block_stop",
            r#"{"type":"content_block_stop","index":1}"#,
        ),
        (
            "message_delta",
            r#"{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":7}}"#,
        ),
        ("message_stop", r#"{"type":"message_stop"}"#),
    ];
    let mut outcome = ChatOutcome::default();
    let mut sink = Collect::default();
    let steps = feed(&mut Stream::new(ERRORS), &events, &mut outcome, &mut sink).unwrap();
    assert_eq!(steps.last(), Some(&Step::Done));
    assert_eq!(sink.0, ["r:hmm", "c:你好"]);
    assert_eq!(outcome.model, "claude-sonnet-4-5");
    assert_eq!(outcome.finish_reason, Some(FinishReason::Length));
    let usage = outcome.usage.unwrap();
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens
        ),
        (15, 7, 22),
        "input + cache read + cache creation; the cumulative output replaces the placeholder"
    );
    assert_eq!(usage.details["input_tokens"], 10);
    assert_eq!(usage.details["cache_read_input_tokens"], 3);
    assert_eq!(usage.details["output_tokens"], 7);
}

#[test]
fn events_without_names_go_by_their_type_and_malformed_ones_are_warnings() {
    let mut outcome = ChatOutcome::default();
    let mut stream = Stream::new(ERRORS);
    let events = [
        (
            "",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}"#,
        ),
        ("content_block_delta", "{not json"),
        ("some_future_event", "{not json either"),
        ("", r#"{"type":"message_stop"}"#),
    ];
    let steps = feed(&mut stream, &events, &mut outcome, &mut Discard).unwrap();
    assert_eq!(steps, [Step::More, Step::More, Step::More, Step::Done]);
    assert_eq!(outcome.content, "a");
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
    assert!(outcome.warnings[0].contains("skipped a malformed stream frame"));
}

#[test]
fn an_error_event_keeps_the_partial_answer_and_an_early_end_is_truncation() {
    let mut outcome = ChatOutcome::default();
    let mut stream = Stream::new(ERRORS);
    let events = [
        ("message_start", START),
        (
            "content_block_delta",
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"part"}}"#,
        ),
        (
            "error",
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        ),
    ];
    let err = feed(&mut stream, &events, &mut outcome, &mut Discard).unwrap_err();
    let ClientError::Api { error, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((error.kind, error.status), (ErrorKind::Overloaded, None));
    assert_eq!(error.code.as_deref(), Some("overloaded_error"));
    assert_eq!(outcome.content, "part");
    let err = Stream::new(ERRORS).end(&mut outcome).unwrap_err();
    assert!(err.to_string().contains("no message_stop"), "{err}");
}

#[test]
fn stop_reasons_and_error_types_map_to_the_common_vocabulary() {
    for (wire, mapped) in [
        ("end_turn", FinishReason::Stop),
        ("stop_sequence", FinishReason::Stop),
        ("max_tokens", FinishReason::Length),
        ("tool_use", FinishReason::ToolCalls),
        ("refusal", FinishReason::ContentFilter),
        ("pause_turn", FinishReason::Other("pause_turn".into())),
    ] {
        assert_eq!(finish_reason(wire), mapped);
    }
    let kind = |status, kind: &str, message: &str| {
        let body =
            format!(r#"{{"type":"error","error":{{"type":"{kind}","message":"{message}"}}}}"#);
        ERRORS.error(Some(status), &body).kind
    };
    assert_eq!(
        kind(401, "authentication_error", "invalid x-api-key"),
        ErrorKind::BadKey
    );
    assert_eq!(
        kind(403, "permission_error", "no"),
        ErrorKind::PlanRestricted
    );
    assert_eq!(
        kind(404, "not_found_error", "model: x"),
        ErrorKind::UnknownModel
    );
    assert_eq!(
        kind(404, "not_found_error", "no route"),
        ErrorKind::BadRequest
    );
    assert_eq!(kind(413, "request_too_large", "big"), ErrorKind::BadRequest);
    assert_eq!(
        kind(429, "rate_limit_error", "slow down"),
        ErrorKind::RateLimit
    );
    assert_eq!(kind(500, "api_error", "oops"), ErrorKind::Server);
    assert_eq!(
        kind(529, "overloaded_error", "Overloaded"),
        ErrorKind::Overloaded
    );
    assert_eq!(
        kind(
            400,
            "invalid_request_error",
            "Your credit balance is too low"
        ),
        ErrorKind::Billing
    );
    assert_eq!(
        kind(
            400,
            "invalid_request_error",
            "You have reached your specified API usage limits."
        ),
        ErrorKind::Quota
    );
    assert_eq!(
        kind(400, "invalid_request_error", "max_tokens: Field required"),
        ErrorKind::BadRequest
    );
}

#[test]
fn a_whole_message_is_read_block_by_block() {
    let mut outcome = ChatOutcome::default();
    let mut sink = Collect::default();
    answer(
        r#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"tool_use","id":"x","name":"n","input":{}},{"type":"text","text":"hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":4,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":2}}"#,
        ERRORS,
        &mut outcome,
        &mut sink,
    )
    .unwrap();
    assert_eq!(sink.0, ["r:t", "c:hi"]);
    assert_eq!(outcome.finish_reason, Some(FinishReason::Stop));
    assert_eq!(outcome.usage.as_ref().map(|u| u.total_tokens), Some(6));
    let err = answer(
        r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        ERRORS,
        &mut ChatOutcome::default(),
        &mut Discard,
    )
    .unwrap_err();
    assert!(
        matches!(err, ClientError::Api { ref error, .. } if error.kind == ErrorKind::Overloaded)
    );
    let err = answer(
        r#"{"choices":[]}"#,
        ERRORS,
        &mut ChatOutcome::default(),
        &mut Discard,
    )
    .unwrap_err();
    assert!(matches!(err, ClientError::Protocol(_)), "{err:?}");
}
