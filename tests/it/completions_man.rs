//! `provcat completions SHELL` and `provcat man` cover every command and long flag. The
//! command tree is discovered from `--help` (not from clap), so a command added later is
//! checked without touching this file.

use std::process::Command;

use crate::support::{provcat, root, stderr, stdout};

/// A command path (`["models", "list"]`) and its long flags (`--provider`, …).
struct Cmd {
    path: Vec<String>,
    flags: Vec<String>,
}

/// The entries of a `--help` section (`Commands:` or `Options:`), one line each.
fn section<'a>(help: &'a str, title: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|l| *l != title)
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with("          "))
        .collect()
}

fn walk(path: Vec<String>, out: &mut Vec<Cmd>) {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let result = provcat(&root(), &args);
    assert!(result.status.success(), "{args:?}: {}", stderr(&result));
    let help = stdout(&result);
    let flags = section(&help, "Options:")
        .iter()
        .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("--")))
        .map(|w| w.trim_end_matches(',').trim_end_matches("...").to_string())
        .filter(|f| f != "--help" && f != "--version")
        .collect();
    let subcommands: Vec<String> = section(&help, "Commands:")
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect();
    if !path.is_empty() {
        out.push(Cmd {
            path: path.clone(),
            flags,
        });
    }
    for sub in subcommands {
        let mut child = path.clone();
        child.push(sub);
        walk(child, out);
    }
}

fn commands() -> Vec<Cmd> {
    let mut out = Vec::new();
    walk(Vec::new(), &mut out);
    let paths: Vec<String> = out.iter().map(|c| c.path.join(" ")).collect();
    // The walk itself works: it finds nested commands and their flags.
    for expected in [
        "models list",
        "catalog check",
        "catalog docs",
        "completions",
        "man",
    ] {
        assert!(paths.iter().any(|p| p == expected), "{paths:?}");
    }
    let list = out.iter().find(|c| c.path == ["models", "list"]).unwrap();
    assert!(
        list.flags.iter().any(|f| f == "--provider"),
        "{:?}",
        list.flags
    );
    out
}

fn completions(shell: &str) -> String {
    let out = provcat(&root(), &["completions", shell]);
    assert!(out.status.success(), "{shell}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn completion_scripts_name_every_command_and_flag() {
    let commands = commands();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = completions(shell);
        for c in &commands {
            let name = c.path.last().unwrap();
            assert!(script.contains(name.as_str()), "{shell}: no `{name}`");
            for flag in &c.flags {
                let spelled = if shell == "fish" {
                    format!("-l {}", flag.trim_start_matches("--"))
                } else {
                    flag.clone()
                };
                assert!(
                    script.contains(&spelled),
                    "{shell}: no `{spelled}` for `{}`",
                    c.path.join(" ")
                );
            }
        }
    }
}

/// The bash script really completes: subcommands of `catalog`, flags of `models list`.
#[test]
fn bash_completion_completes() {
    let script = completions("bash");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("provcat.bash");
    std::fs::write(&file, script).unwrap();
    let run = |words: &str, cword: usize, cur: &str, prev: &str| -> String {
        let program = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD={cword}; _provcat provcat '{cur}' '{prev}'; echo \"${{COMPREPLY[@]}}\"",
            file.display()
        );
        let out = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &program])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let catalog = run("provcat catalog ''", 2, "", "catalog");
    for sub in ["check", "docs"] {
        assert!(catalog.split_whitespace().any(|w| w == sub), "{catalog}");
    }
    let flags = run("provcat models list --p", 3, "--p", "list");
    assert_eq!(flags.trim(), "--provider");
}

fn unroff(text: &str) -> String {
    text.replace("\\-", "-")
        .replace("\\fB", "")
        .replace("\\fI", "")
        .replace("\\fR", "")
}

#[test]
fn the_man_page_describes_every_command_and_flag() {
    let out = provcat(&root(), &["man"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = unroff(&stdout(&out));
    assert!(
        page.starts_with(".ie") || page.contains(".TH provcat 1"),
        "{page}"
    );
    assert!(page.contains(".SH COMMANDS"));
    for c in commands() {
        let usage = format!("provcat {}", c.path.join(" "));
        assert!(page.contains(&usage), "no `{usage}` in the man page");
        for flag in &c.flags {
            assert!(page.contains(flag.as_str()), "no `{flag}` for `{usage}`");
        }
    }
}

#[test]
fn man_dir_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("man1");
    let out = provcat(&root(), &["man", "--dir", target.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(target.join("provcat.1").exists());
    for c in commands() {
        let file = target.join(format!("provcat-{}.1", c.path.join("-")));
        let page = unroff(
            &std::fs::read_to_string(&file)
                .unwrap_or_else(|_| panic!("no page {}", file.display())),
        );
        assert!(page.contains(".TH provcat-"), "{}", file.display());
        for flag in &c.flags {
            assert!(
                page.contains(flag.as_str()),
                "{}: no `{flag}`",
                file.display()
            );
        }
    }
}

/// The `ref`s (or `id`s) of a listing's `--json` output.
fn listed(args: &[&str], field: &str) -> Vec<String> {
    let out = provcat(&root(), args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|v| v[field].as_str().unwrap().to_string())
        .collect()
}

/// The bash, zsh and fish scripts carry every model ref and auth choice id of the catalog,
/// embedded: the script does not run provcat to find them.
#[test]
fn completion_scripts_embed_catalog_refs_and_auth_choices() {
    let chat = listed(&["models", "list", "--kind", "chat", "--json"], "ref");
    let video = listed(&["models", "list", "--kind", "video", "--json"], "ref");
    let choices = listed(&["auth-choices", "--json"], "id");
    assert!(chat.iter().any(|r| r == "qwen/qwen3.5-plus"), "{chat:?}");
    assert!(choices.iter().any(|c| c == "qwen-api-key"), "{choices:?}");
    for shell in ["bash", "zsh", "fish"] {
        let script = completions(shell);
        for value in chat.iter().chain(&video).chain(&choices) {
            // zsh's `value:description` pairs escape the colons of values.
            let spelled = match shell {
                "zsh" => value.replace(':', "\\:"),
                _ => value.clone(),
            };
            assert!(script.contains(&spelled), "{shell}: no `{spelled}`");
        }
        for callback in ["COMPLETE=", "$(provcat", "provcat complete"] {
            assert!(!script.contains(callback), "{shell}: calls `{callback}`");
        }
    }
    // zsh and fish describe each auth choice by its plan and region.
    for shell in ["zsh", "fish"] {
        let script = completions(shell);
        assert!(
            script.contains("Coding Plan (subscription), Global"),
            "{shell}: auth choices without their plan"
        );
    }
}

/// What bash offers after `-m` (chat or video refs by command) and `--auth-choice`.
#[test]
fn bash_completes_model_refs_by_kind_and_auth_choices() {
    let script = completions("bash");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("provcat.bash");
    std::fs::write(&file, script).unwrap();
    let run = |words: &str, cur: &str, prev: &str| -> Vec<String> {
        let cword = words.split_whitespace().count() - 1;
        let program = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD={cword}; _provcat provcat '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            file.display()
        );
        let out = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &program])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out).lines().map(str::to_string).collect()
    };
    let chat = run("provcat chat -m qwen/qwen3.5-p", "qwen/qwen3.5-p", "-m");
    assert_eq!(chat, ["qwen/qwen3.5-plus"]);
    let video_refs = listed(&["models", "list", "--kind", "video", "--json"], "ref");
    let mut video = run("provcat video generate --model ''", "", "--model");
    video.sort();
    assert_eq!(video, video_refs);
    let choices = run(
        "provcat onboard --auth-choice qwen-api",
        "qwen-api",
        "--auth-choice",
    );
    assert_eq!(choices, ["qwen-api-key-cn", "qwen-api-key"]);
}

/// The refs offered for completion do not restrict what `-m` takes: a custom provider's
/// ref still parses (and fails only on the network, exit 1, not as a usage error).
#[test]
fn a_custom_provider_ref_still_parses() {
    let home = tempfile::tempdir().unwrap();
    let dir = crate::support::config_dir(home.path());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[models.providers.my-proxy]\napi = \"openai-completions\"\nbaseUrl = \"http://127.0.0.1:9/v1\"\n",
    )
    .unwrap();
    let out = crate::support::provcat_in(
        home.path(),
        &["chat", "-m", "my-proxy/any-model", "--retries", "0", "hi"],
        &[("MY_PROXY_API_KEY", "sk-completion0123456789")],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("invalid value"), "{err}");
}

/// The script is written from the catalog in use: `--catalog` folders add their refs.
#[test]
fn completions_carry_an_overlay_s_refs() {
    let overlay = crate::support::fixture("overlays/acme");
    let out = provcat(
        &root(),
        &[
            "--catalog",
            overlay.to_str().unwrap(),
            "completions",
            "bash",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("acme/alpha"));
    assert!(!completions("bash").contains("acme/alpha"));
}
