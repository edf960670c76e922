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
