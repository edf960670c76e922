//! `provcat chat`: ask a model, stream the answer to stdout as it arrives.
//!
//! Reasoning goes to stderr (dimmed on a terminal, or hidden), then a one-line usage
//! summary with the cost of the call ([`provcat::cost`]). The answer is the model's text,
//! printed as it arrives; on a terminal its control characters (but newlines and tabs) are
//! escaped, and the reasoning's always are.
//! `--json` prints one object at the end instead: `model` (the ref), `wire_model` (the id
//! the server named), the answer, usage and cost, and on failure `error`, the shape of
//! every command's failure ([`super::json_error`]). Whatever the model's dialect, the output
//! is the same: usage as prompt, completion and total tokens, the finish reason as `stop`,
//! `length`, `tool_calls` or `content_filter`. Retry lines go to stderr unless `--quiet`;
//! the reasoning is dimmed only on a terminal and without `NO_COLOR`. Ctrl-C stops the request and keeps what was
//! printed. Exit codes: 0 answered; 1 network, timeout, truncated stream, server failure
//! or overload; 2 a request that cannot work (bad ref, image for a text-only model, model
//! not on the plan, moderation); 3 refused key, plan or billing; 4 still rate-limited
//! after the retries; 130 interrupted.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use base64::Engine;
use clap::Args;
use provcat::catalog::ModelKind;
use provcat::client::events::{FinishReason, Usage};
use provcat::client::{
    ChatOutcome, ChatRequest, Client, ClientError, Discard, Message, Part, Role, Sink,
    advice::advice,
};
use provcat::compiler::docs::words::usd;
use provcat::cost::{self, CallCost, TokenCounts, Unpriced};
use provcat::escape;
use provcat::resolve::{self, Request};
use serde::Serialize;

use super::context::Context;
use super::flags::{QuietFlag, RequestFlags};
use super::json_error::ErrorJson;
use super::output::{exit_code, print_json};
use super::{Failure, Outcome};

/// The largest local image sent inline (as a `data:` URL).
const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;

#[derive(Debug, Args)]
pub struct ChatArgs {
    /// The model ref (default: the config's `agents.defaults.model.primary`, else the
    /// provider default).
    #[arg(short, long, value_name = "REF")]
    model: Option<String>,
    /// A system prompt.
    #[arg(long, value_name = "TEXT")]
    system: Option<String>,
    /// An image: an https URL or a local file (sent inline); repeatable.
    #[arg(long, value_name = "URL|PATH")]
    image: Vec<String>,
    /// Wait for the whole answer instead of streaming it.
    #[arg(long)]
    no_stream: bool,
    /// Ask the model to think first (where the host allows thinking only in streams,
    /// streaming only).
    #[arg(long)]
    thinking: bool,
    /// A reasoning effort level, one of the model's (`provcat models show REF` lists
    /// them); sent as the host's effort field.
    #[arg(long, value_name = "LEVEL")]
    effort: Option<String>,
    /// Do not show the reasoning.
    #[arg(long)]
    hide_reasoning: bool,
    /// The most tokens to generate.
    #[arg(long, value_name = "N")]
    max_tokens: Option<u32>,
    /// Print one JSON object at the end instead of streaming text (on failure, with an
    /// `error` object: `{code, message, help, exit_code}`).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    request: RequestFlags,
    #[command(flatten)]
    quiet: QuietFlag,
    /// The prompt (default: read from stdin).
    #[arg(value_name = "PROMPT")]
    prompt: Vec<String>,
}

impl ChatArgs {
    /// Whether `--quiet` was given.
    pub fn quiet(&self) -> bool {
        self.quiet.quiet
    }
}

/// `chat --json`.
#[derive(Serialize)]
struct ChatJson<'a> {
    /// The model's ref, as resolved (`qwen/qwen3.5-plus`).
    model: &'a str,
    /// The model id the server named in its answer (else the id sent).
    wire_model: &'a str,
    /// The answer (what came before a failure).
    content: &'a str,
    /// The reasoning, if the model reasoned.
    reasoning: Option<&'a str>,
    finish_reason: Option<&'a FinishReason>,
    usage: Option<&'a Usage>,
    /// The reasoning effort asked for (`--effort`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    effort: Option<&'a str>,
    /// What the call cost in USD, by part; null when the server reported no usage or the
    /// catalog cannot price it.
    cost: Option<CallCost>,
    /// Why `cost` is null, when usage was reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    cost_unknown: Option<String>,
    /// Why the answer failed (the shape of every command's failure).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

pub fn run(args: ChatArgs, context: &Context) -> Outcome {
    let config = context.load_config()?;
    let target = resolve::resolve(
        &Request {
            reference: args.model.as_deref(),
            kind: Some(ModelKind::Chat),
            api_key: None,
        },
        &config,
        &context.env,
    )
    .map_err(|r| Failure::report(&r))?;
    for w in &target.warnings {
        eprintln!("warning: {w}");
    }
    let prompt = prompt(&args)?;
    let mut messages = Vec::new();
    if let Some(system) = &args.system {
        messages.push(Message::text(Role::System, system));
    }
    let mut parts = vec![Part::Text(prompt)];
    for image in &args.image {
        parts.push(Part::Image(image_url(image)?));
    }
    messages.push(Message {
        role: Role::User,
        parts,
    });
    let request = ChatRequest {
        messages,
        stream: !args.no_stream,
        thinking: args.thinking,
        max_tokens: args.max_tokens,
        effort: args.effort.clone(),
    };
    let client =
        Client::new(args.request.client_options()).map_err(|e| Failure::runtime(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))?;

    let mut outcome = ChatOutcome {
        // Streamed text is printed as it comes; only --json needs it kept.
        keep_text: args.json,
        ..ChatOutcome::default()
    };
    let mut printer = Printer::new(!args.hide_reasoning);
    let mut discard = Discard;
    let sink: &mut (dyn Sink + Send) = if args.json {
        &mut discard
    } else {
        &mut printer
    };
    let mut on_retry = |e: &ClientError, delay: Duration| {
        super::say::progress(&format!("retrying in {:.1}s: {e}", delay.as_secs_f64()));
    };
    let result = runtime.block_on(async {
        tokio::select! {
            result = client.chat(&target, &request, &mut outcome, sink, &mut on_retry) => result,
            _ = tokio::signal::ctrl_c() => Err(ClientError::Interrupted),
        }
    });
    printer.finish();
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    let error = result.err();
    let cost = outcome.usage.as_ref().map(|u| {
        let tokens = TokenCounts::from_usage(u.prompt_tokens, u.completion_tokens, &u.details);
        cost::call_cost(
            target.model.and_then(|m| m.cost.as_ref()),
            target.plan,
            &tokens,
        )
    });
    if args.json {
        print_json(&ChatJson {
            model: &target.canonical_ref,
            wire_model: if outcome.model.is_empty() {
                &target.wire_id
            } else {
                &outcome.model
            },
            content: &outcome.content,
            reasoning: Some(outcome.reasoning.as_str()).filter(|r| !r.is_empty()),
            finish_reason: outcome.finish_reason.as_ref(),
            usage: outcome.usage.as_ref(),
            effort: request.effort.as_deref(),
            cost: cost.as_ref().and_then(|c| c.as_ref().ok()).copied(),
            cost_unknown: cost
                .as_ref()
                .and_then(|c| c.as_ref().err())
                .map(ToString::to_string),
            error: error.as_ref().map(|e| ErrorJson::of_client(e, &target)),
        })?;
    } else if error.is_none()
        && let Some(line) = summary(&outcome, cost.as_ref())
    {
        eprintln!("{line}");
    }
    let Some(error) = error else {
        return Ok(ExitCode::SUCCESS);
    };
    if !args.json {
        eprintln!("error: {error}");
        if let Some(advice) = advice(&error, &target) {
            eprintln!("  = help: {advice}");
        }
        if outcome.content_chars > 0 {
            eprintln!(
                "  = note: the {} characters received before the error are printed above",
                outcome.content_chars
            );
        }
    }
    Ok(ExitCode::from(exit_code(&error)))
}

/// The prompt, as `llm` users expect: text piped on stdin first (the context), then the
/// arguments (the instruction), separated by a blank line; either alone is the prompt.
fn prompt(args: &ChatArgs) -> Result<String, Failure> {
    let instruction = args.prompt.join(" ");
    let terminal = std::io::stdin().is_terminal();
    let piped = if terminal {
        String::new()
    } else {
        read_stdin()?
    };
    let context = piped.trim_end();
    if context.trim().is_empty() {
        return match (instruction.is_empty(), terminal) {
            (false, _) => Ok(instruction),
            (true, true) => Err(Failure::input(
                "no prompt: give it as arguments (`provcat chat \"…\"`) or on stdin",
            )),
            (true, false) => Err(Failure::input(
                "no prompt: stdin was empty and no prompt was given as arguments",
            )),
        };
    }
    if instruction.is_empty() {
        Ok(piped)
    } else {
        Ok(format!("{context}\n\n{instruction}"))
    }
}

/// All of stdin, which must be UTF-8 text.
fn read_stdin() -> Result<String, Failure> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::input(format!("cannot read the prompt from stdin: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Failure::input(format!(
            "stdin is not UTF-8 text (the first bad byte is at offset {at}); pipe text, or \
             send a file's content some other way"
        ))
    })
}

/// An image argument as a URL: http(s) and `data:` URLs as they are, a local file inline.
fn image_url(image: &str) -> Result<String, Failure> {
    if image.starts_with("https://") || image.starts_with("http://") || image.starts_with("data:") {
        return Ok(image.to_string());
    }
    let path = Path::new(image);
    let mime = match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("bmp") => "image/bmp",
        _ => {
            return Err(Failure::input(format!(
                "{image}: not an https URL, and not a .png, .jpg, .jpeg, .webp, .gif or .bmp file"
            )));
        }
    };
    let size = std::fs::metadata(path)
        .map_err(|e| Failure::input(format!("cannot read the image {image}: {e}")))?
        .len();
    if size > MAX_IMAGE_BYTES {
        return Err(Failure::input(format!(
            "{image} is {size} bytes; inline images are limited to {MAX_IMAGE_BYTES} bytes — use an https URL"
        )));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::input(format!("cannot read the image {image}: {e}")))?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok(format!("data:{mime};base64,{encoded}"))
}

/// Prints the answer to stdout and the reasoning to stderr as they arrive.
struct Printer {
    show_reasoning: bool,
    dim: bool,
    /// Whether stdout is a terminal, where the answer's control characters are escaped.
    escape_content: bool,
    in_reasoning: bool,
    wrote_content: bool,
    ends_with_newline: bool,
}

impl Printer {
    fn new(show_reasoning: bool) -> Printer {
        Printer {
            show_reasoning,
            dim: super::say::colour_on_stderr(),
            escape_content: std::io::stdout().is_terminal(),
            in_reasoning: false,
            wrote_content: false,
            ends_with_newline: true,
        }
    }

    fn end_reasoning(&mut self) {
        if self.in_reasoning {
            self.in_reasoning = false;
            let reset = if self.dim { "\x1b[0m" } else { "" };
            // provcat's own style sequence: not cleaned like other lines.
            std::eprintln!("{reset}");
        }
    }

    /// Closes the reasoning and ends the answer with a newline.
    fn finish(&mut self) {
        self.end_reasoning();
        if self.wrote_content && !self.ends_with_newline {
            // A closed pipe is not an error here either.
            let _ = std::io::stdout().lock().write_all(b"\n");
        }
    }
}

impl Sink for Printer {
    fn reasoning(&mut self, text: &str) {
        if !self.show_reasoning {
            return;
        }
        let mut err = std::io::stderr().lock();
        if !self.in_reasoning {
            self.in_reasoning = true;
            if self.dim {
                let _ = err.write_all(b"\x1b[2m");
            }
        }
        let _ = err.write_all(escape::controls(text).as_bytes());
    }

    fn content(&mut self, text: &str) {
        self.end_reasoning();
        let mut out = std::io::stdout().lock();
        // The answer is printed as the model wrote it, except on a terminal, where its
        // control characters are escaped (they could drive the terminal).
        let text = if self.escape_content {
            escape::controls(text)
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        // A closed pipe (`| head`) stops printing, not the request.
        let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        self.wrote_content = true;
        self.ends_with_newline = text.ends_with('\n');
    }
}

/// `tokens: 12 prompt + 34 completion = 46 (reasoning 10) · cost $0.000104 · qwen3.5-plus
/// · stop`, when the server reported usage.
fn summary(outcome: &ChatOutcome, cost: Option<&Result<CallCost, Unpriced>>) -> Option<String> {
    let usage = match &outcome.usage {
        Some(u) => {
            let reasoning = u
                .reasoning_tokens()
                .filter(|n| *n > 0)
                .map(|n| format!(" (reasoning {n})"))
                .unwrap_or_default();
            format!(
                "tokens: {} prompt + {} completion = {}{reasoning}",
                u.prompt_tokens, u.completion_tokens, u.total_tokens
            )
        }
        None => return None,
    };
    let cost = match cost {
        Some(Ok(c)) => {
            let tier = c
                .tier_above
                .map(|above| format!(" (prompt over {above} tokens)"))
                .unwrap_or_default();
            format!("cost {}{tier}", usd(c.usd))
        }
        Some(Err(Unpriced::Subscription(_))) => "cost: subscription, not per token".to_string(),
        Some(Err(why)) => format!("cost unknown ({why})"),
        None => "cost unknown".to_string(),
    };
    Some(format!(
        "{usage} · {cost} · {} · {}",
        outcome.model,
        outcome
            .finish_reason
            .as_ref()
            .map_or("no finish reason", |r| r.as_str())
    ))
}
