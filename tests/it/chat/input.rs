//! What `chat` takes before any request: the prompt from arguments and piped stdin
//! combined as `llm` does (stdin as context, then the instruction), stdin that is not text
//! refused, and `--max-tokens` held to the model's catalog output limit.

use std::path::Path;

use provcat_emulator::Emulator;

use super::{KEY, home_for};
use crate::support::{Run, assert_stderr_has, stderr, stdout};

fn chat_with_stdin(home: &Path, stdin: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec!["chat", "-m", "qwen/glm-5", "--no-stream"];
    all.extend_from_slice(args);
    Run {
        cwd: home,
        args: &all,
        home,
        env: &[("QWEN_API_KEY", KEY)],
        stdin: Some(stdin),
    }
    .output()
}

fn sent_prompt(emulator: &Emulator) -> String {
    let body = &emulator.requests().pop().expect("a request").body;
    let messages = body["messages"].as_array().unwrap();
    let user = messages.last().unwrap();
    user["content"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| user["content"][0]["text"].as_str().unwrap().to_string())
}

#[test]
fn piped_text_and_a_prompt_are_combined_context_first() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let out = chat_with_stdin(home.path(), "line one\nline two\n", &["summarise", "this"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        sent_prompt(&emulator),
        "line one\nline two\n\nsummarise this"
    );

    // Either alone is the prompt.
    let out = chat_with_stdin(home.path(), "only piped\n", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent_prompt(&emulator), "only piped\n");
    let out = chat_with_stdin(home.path(), "", &["only", "args"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sent_prompt(&emulator), "only args");
    assert!(stdout(&out).contains("echo: only args"), "{}", stdout(&out));

    // Neither: a clear error, nothing sent.
    let before = emulator.requests().len();
    let out = chat_with_stdin(home.path(), " \n", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(&out, "no prompt: stdin was empty");
    assert_eq!(emulator.requests().len(), before);
}

#[test]
fn stdin_that_is_not_utf8_is_refused_before_any_request() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    let mut command = Run {
        cwd: home.path(),
        args: &["chat", "-m", "qwen/glm-5", "summarise"],
        home: home.path(),
        env: &[("QWEN_API_KEY", KEY)],
        stdin: None,
    }
    .command();
    command.stdin(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"ok \xff\xfe text").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(
        &out,
        "stdin is not UTF-8 text (the first bad byte is at offset 3)",
    );
    assert!(emulator.requests().is_empty());
}

#[test]
fn max_tokens_is_held_to_the_models_output_limit() {
    let emulator = Emulator::start();
    let home = home_for(&emulator, "qwen-standard-api-key");
    // glm-5's catalog max_output_tokens is 16,384.
    let out = chat_with_stdin(home.path(), "", &["--max-tokens", "100000", "hi"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(
        &out,
        "--max-tokens 100000 is above the output limit of qwen/glm-5: 16384 tokens",
    );
    let out = chat_with_stdin(home.path(), "", &["--max-tokens", "0", "hi"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_stderr_has(
        &out,
        "--max-tokens 0 asks for no answer; give 1 up to 16384",
    );
    assert!(emulator.requests().is_empty(), "nothing is sent");

    // The limit itself is fine, and is what goes on the wire.
    let out = chat_with_stdin(home.path(), "", &["--max-tokens", "16384", "hi"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(emulator.requests()[0].body["max_tokens"], 16384);
}
