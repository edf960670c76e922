//! Unit tests of the `openai-completions` decoder and classification: DashScope's and
//! OpenRouter's chunk quirks, error chunks, the bounds on what a chunk may hold.

use super::*;
use crate::catalog::Dialect;
use crate::client::Discard;
use crate::client::body::MAX_ERROR_BODY;

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

/// The decoder with the built-in catalog's DashScope rules.
fn stream() -> Stream {
    let rules = crate::catalog::provider("qwen").map_or(&[][..], |p| p.errors);
    Stream::new(Errors {
        dialect: Dialect::OpenAiCompletions,
        rules,
    })
}

#[test]
fn follows_dashscope_chunks() {
    let frames = [
        r#"{"id":"1","model":"qwen3.5-plus","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":"think"},"finish_reason":null}],"usage":null}"#,
        r#"{"choices":[{"delta":{"content":"你好","reasoning_content":null},"finish_reason":null}],"usage":null}"#,
        r#"{"choices":[{"delta":{"content":""},"finish_reason":"stop"}],"usage":null}"#,
        r#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5,"completion_tokens_details":{"reasoning_tokens":1}}}"#,
        "[DONE]",
    ];
    let mut outcome = ChatOutcome::default();
    let mut sink = Collect::default();
    let mut decoder = stream();
    let steps: Vec<Step> = frames
        .iter()
        .map(|f| decoder.event(f, &mut outcome, &mut sink).unwrap())
        .collect();
    assert_eq!(steps.last(), Some(&Step::Done));
    assert_eq!(sink.0, ["r:think", "c:你好"]);
    assert_eq!(outcome.content, "你好");
    assert_eq!(outcome.reasoning, "think");
    assert_eq!(outcome.model, "qwen3.5-plus");
    assert_eq!(outcome.finish_reason, Some(FinishReason::Stop));
    let usage = outcome.usage.unwrap();
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens
        ),
        (3, 2, 5)
    );
    assert_eq!(usage.reasoning_tokens(), Some(1));
}

#[test]
fn follows_openrouter_chunks_with_reasoning_and_maps_finish_reasons() {
    let mut outcome = ChatOutcome::default();
    let mut sink = Collect::default();
    let mut decoder = stream();
    for frame in [
        r#"{"choices":[{"delta":{"role":"assistant","content":"","refusal":null}}]}"#,
        r#"{"choices":[{"delta":{"content":"","reasoning":"hm"}}]}"#,
        r#"{"choices":[{"delta":{"content":"ok","reasoning":null}}]}"#,
        r#"{"choices":[{"delta":{},"finish_reason":"tool_calls"}]}"#,
    ] {
        decoder.event(frame, &mut outcome, &mut sink).unwrap();
    }
    assert_eq!(sink.0, ["r:hm", "c:ok"]);
    assert_eq!(outcome.finish_reason, Some(FinishReason::ToolCalls));
    for (wire, mapped) in [
        ("stop", FinishReason::Stop),
        ("length", FinishReason::Length),
        ("function_call", FinishReason::ToolCalls),
        ("content_filter", FinishReason::ContentFilter),
        ("eos", FinishReason::Other("eos".into())),
    ] {
        assert_eq!(finish_reason(wire), mapped);
    }
    // A stream that ends after its finish reason but without [DONE] is complete, with a
    // warning; without a finish reason it is truncated.
    decoder.end(&mut outcome).unwrap();
    assert!(outcome.warnings[0].contains("without [DONE]"));
    let err = decoder.end(&mut ChatOutcome::default()).unwrap_err();
    assert!(matches!(err, ClientError::Truncated { .. }), "{err}");
}

#[test]
fn an_error_frame_is_an_api_error_and_a_bad_frame_a_warning() {
    let mut outcome = ChatOutcome::default();
    let mut decoder = stream();
    assert_eq!(
        decoder
            .event("{not json", &mut outcome, &mut Discard)
            .unwrap(),
        Step::More
    );
    assert_eq!(outcome.warnings.len(), 1);
    let err = decoder
        .event(
            r#"{"error":{"message":"Output data may contain inappropriate content.","type":"data_inspection_failed","code":"data_inspection_failed"}}"#,
            &mut outcome,
            &mut Discard,
        )
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Api { ref error, .. } if error.kind == ErrorKind::Moderation),
        "the provider's rule classifies it: {err:?}"
    );
    // OpenRouter's mid-stream error: the text before it is kept, no finish reason.
    let mut outcome = ChatOutcome::default();
    decoder
        .event(
            r#"{"choices":[{"delta":{"content":"par"}}]}"#,
            &mut outcome,
            &mut Discard,
        )
        .unwrap();
    let err = decoder
        .event(
            r#"{"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}],"error":{"code":"server_error","message":"Provider disconnected unexpectedly"}}"#,
            &mut outcome,
            &mut Discard,
        )
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Api { ref error, .. } if error.kind == ErrorKind::Server && error.status.is_none()),
        "{err:?}"
    );
    assert_eq!(
        (outcome.content.as_str(), outcome.finish_reason),
        ("par", None)
    );
}

#[test]
fn oversized_parts_of_a_chunk_are_skipped_not_kept() {
    let mut outcome = ChatOutcome::default();
    let mut decoder = stream();
    let choices: Vec<String> = (0..MAX_CHOICES + 5)
        .map(|i| format!(r#"{{"delta":{{"content":"{}"}}}}"#, i % 10))
        .collect();
    let big_usage = format!(r#"{{"prompt_tokens":1,"pad":"{}"}}"#, "x".repeat(MAX_USAGE));
    let data = format!(
        r#"{{"choices":[{}],"usage":{big_usage}}}"#,
        choices.join(",")
    );
    decoder.event(&data, &mut outcome, &mut Discard).unwrap();
    assert_eq!(outcome.content.len(), MAX_CHOICES, "only the first choices");
    assert!(outcome.usage.is_none());
    assert!(
        outcome.warnings[0].contains("skipped a usage object"),
        "{:?}",
        outcome.warnings
    );
    // Choices that are not a list make the frame a warning that says what was expected.
    decoder
        .event(r#"{"choices":1}"#, &mut outcome, &mut Discard)
        .unwrap();
    assert!(
        outcome.warnings[1].contains("expected a list"),
        "{:?}",
        outcome.warnings
    );
    // A malformed usage does not cost the text of its chunk.
    let data = r#"{"choices":[{"delta":{"content":"ok"}}],"usage":"three"}"#;
    decoder.event(data, &mut outcome, &mut Discard).unwrap();
    assert!(outcome.content.ends_with("ok"));
}

#[test]
fn a_huge_error_frame_is_not_parsed_whole() {
    let pad = "x".repeat(MAX_ERROR_BODY);
    let data = format!(r#"{{"error":{{"message":"m","code":"c"}},"pad":"{pad}"}}"#);
    let err = stream()
        .event(&data, &mut ChatOutcome::default(), &mut Discard)
        .unwrap_err();
    let ClientError::Api { error, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(error.code, None);
    assert!(error.message.starts_with(r#"{"error""#) && error.message.len() <= 300);
}

#[test]
fn openai_codes_are_known_without_provider_rules() {
    let errors = Errors {
        dialect: Dialect::OpenAiCompletions,
        rules: &[],
    };
    let kind = |status, body: &str| errors.error(Some(status), body).kind;
    let envelope = |code: &str, kind: &str| {
        format!(r#"{{"error":{{"message":"m","type":"{kind}","param":null,"code":"{code}"}}}}"#)
    };
    assert_eq!(
        kind(401, &envelope("invalid_api_key", "invalid_request_error")),
        ErrorKind::BadKey
    );
    assert_eq!(
        kind(429, &envelope("insufficient_quota", "insufficient_quota")),
        ErrorKind::Quota
    );
    assert_eq!(
        kind(404, &envelope("model_not_found", "invalid_request_error")),
        ErrorKind::UnknownModel
    );
    assert_eq!(
        kind(429, &envelope("rate_limit_exceeded", "requests")),
        ErrorKind::RateLimit
    );
    assert_eq!(
        kind(
            403,
            &envelope("unsupported_country_region_territory", "request_forbidden")
        ),
        ErrorKind::PlanRestricted
    );
    assert_eq!(
        kind(400, &envelope("content_filter", "invalid_request_error")),
        ErrorKind::Moderation
    );
    assert_eq!(
        kind(
            503,
            r#"{"error":{"message":"overloaded","type":"server_error","code":null}}"#
        ),
        ErrorKind::Server
    );
    assert_eq!(
        kind(
            402,
            r#"{"error":{"code":402,"message":"Insufficient credits."}}"#
        ),
        ErrorKind::Billing
    );
    assert_eq!(
        kind(
            400,
            &envelope("context_length_exceeded", "invalid_request_error")
        ),
        ErrorKind::BadRequest
    );
    // DashScope's codes are the provider's rules, not the dialect's.
    assert_eq!(
        kind(400, r#"{"code":"Arrearage","message":"m"}"#),
        ErrorKind::BadRequest
    );
}

#[test]
fn a_whole_completion_is_read_and_a_foreign_answer_quoted() {
    let errors = Errors {
        dialect: Dialect::OpenAiCompletions,
        rules: &[],
    };
    let mut outcome = ChatOutcome::default();
    answer(
        r#"{"model":"gpt-5","choices":[{"message":{"role":"assistant","content":"hi","reasoning":"r"},"finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#,
        errors,
        &mut outcome,
        &mut Discard,
    )
    .unwrap();
    assert_eq!(
        (outcome.content.as_str(), outcome.reasoning.as_str()),
        ("hi", "r")
    );
    assert_eq!(outcome.finish_reason, Some(FinishReason::Length));
    let page = format!("<html><body>{}</body></html>", "proxy ".repeat(100));
    let err = answer(&page, errors, &mut ChatOutcome::default(), &mut Discard).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("not a chat completion") && text.contains("<html><body>proxy"),
        "{text}"
    );
    assert!(
        text.len() < 400,
        "at most the first 200 bytes are quoted: {text}"
    );
    let err = answer(
        r#"{"id":"x"}"#,
        errors,
        &mut ChatOutcome::default(),
        &mut Discard,
    )
    .unwrap_err();
    assert!(err.to_string().contains("no choices"), "{err}");
}
