//! `provcat onboard` without `--auth-choice`: off a terminal, an error listing every auth
//! choice with its plan and region names; on a terminal (`script` allocates a pty), menus
//! of provider, plan and region, then the key prompt naming where to get a key — and
//! Ctrl-C or Esc at any step writes nothing. The terminal cases are skipped where
//! util-linux `script` is missing.

use crate::support::{config_dir, json_of, provcat_in, stderr};

#[test]
fn off_a_terminal_the_error_lists_the_choices_with_plan_and_region() {
    let home = tempfile::tempdir().unwrap();
    let out = provcat_in(home.path(), &["onboard", "--skip-key"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no --auth-choice, and no terminal to choose one on"),
        "{err}"
    );
    assert!(
        err.contains("qwen-api-key                   Qwen (Alibaba Cloud Model Studio): Coding Plan (subscription), Global (Intl)"),
        "{err}"
    );
    assert!(
        err.contains("qwen-standard-api-key-cn       Qwen (Alibaba Cloud Model Studio): Standard (pay-as-you-go), China"),
        "{err}"
    );
    assert!(err.contains("provcat auth-choices"), "{err}");
    assert!(!config_dir(home.path()).exists());
}

#[test]
fn onboard_help_says_where_the_plans_and_regions_are_listed() {
    let home = tempfile::tempdir().unwrap();
    let out = provcat_in(home.path(), &["onboard", "--help"], &[]);
    let text = crate::support::stdout(&out);
    assert!(text.contains("provcat auth-choices"), "{text}");
    assert!(text.contains("Coding Plan"), "{text}");
    assert!(
        text.contains("a terminal asks for the provider, plan and region"),
        "{text}"
    );
}

#[cfg(target_os = "linux")]
mod terminal {
    use std::io::{Read, Write};
    use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

    use super::*;

    const KEY: &str = "sk-sp-0123456789abcdefWXYZ";
    const DOWN: &str = "\x1b[B";

    /// `provcat onboard` under a pty, read until a text appears, keys written.
    struct Session {
        child: Child,
        stdin: Option<ChildStdin>,
        stdout: ChildStdout,
        seen: Vec<u8>,
    }

    impl Session {
        fn start(home: &std::path::Path) -> Option<Session> {
            if Command::new("script").arg("--version").output().is_err() {
                eprintln!("skipped: util-linux `script` is not installed");
                return None;
            }
            let provcat = env!("CARGO_BIN_EXE_provcat");
            let mut child = Command::new("script")
                .args(["-qec", &format!("{provcat} onboard"), "/dev/null"])
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", home)
                .env("TERM", "xterm")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            Some(Session {
                stdin: child.stdin.take(),
                stdout: child.stdout.take().unwrap(),
                child,
                seen: Vec::new(),
            })
        }

        /// Reads until `text` has appeared (the process ending first fails the test).
        fn wait_for(&mut self, text: &str) {
            let mut byte = [0u8; 1];
            while !String::from_utf8_lossy(&self.seen).contains(text) {
                let n = self.stdout.read(&mut byte).unwrap();
                assert_eq!(
                    n,
                    1,
                    "ended before `{text}`: {}",
                    String::from_utf8_lossy(&self.seen)
                );
                self.seen.push(byte[0]);
            }
        }

        fn send(&mut self, keys: &str) {
            // The menu switches the terminal to raw mode after drawing itself.
            std::thread::sleep(std::time::Duration::from_millis(200));
            let stdin = self.stdin.as_mut().unwrap();
            stdin.write_all(keys.as_bytes()).unwrap();
            stdin.flush().unwrap();
        }

        /// Waits for the end; the whole output.
        fn finish(mut self) -> String {
            let mut rest = Vec::new();
            self.stdout.read_to_end(&mut rest).unwrap();
            drop(self.stdin.take());
            self.child.wait().unwrap();
            self.seen.extend(rest);
            String::from_utf8_lossy(&self.seen).into_owned()
        }
    }

    /// How many places down the provider menu `id` is (the menu lists the providers in
    /// catalog order, as `auth-choices` does).
    fn provider_position(home: &std::path::Path, id: &str) -> usize {
        let choices = json_of(&provcat_in(home, &["auth-choices", "--json"], &[]));
        let mut providers: Vec<String> = Vec::new();
        for c in choices.as_array().unwrap() {
            let p = c["provider"].as_str().unwrap().to_string();
            if !providers.contains(&p) {
                providers.push(p);
            }
        }
        providers.iter().position(|p| p == id).unwrap()
    }

    #[test]
    fn provider_plan_and_region_are_chosen_from_menus_and_the_key_prompt_names_the_key_page() {
        let home = tempfile::tempdir().unwrap();
        let qwen = provider_position(home.path(), "qwen");
        let Some(mut s) = Session::start(home.path()) else {
            return;
        };
        s.wait_for("Qwen (Alibaba Cloud Model Studio) (qwen)");
        s.send(&format!("{}\r", DOWN.repeat(qwen)));
        s.wait_for("Coding Plan (subscription) — a subscription, keys start with `sk-sp-`");
        s.send(&format!("{DOWN}\r"));
        s.wait_for(
            "China — https://coding.dashscope.aliyuncs.com/v1 (auth choice qwen-api-key-cn)",
        );
        s.send("\r");
        s.wait_for("get one at https://home.qwencloud.com/api-keys; input hidden): ");
        s.send(&format!("{KEY}\n"));
        let out = s.finish();
        assert!(!out.contains("0123456789"), "the key was shown: {out}");
        let dir = config_dir(home.path());
        let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
        assert!(
            config.contains("authChoice = \"qwen-api-key-cn\""),
            "{config}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join(".env")).unwrap(),
            format!("ALIBABA_CODING_PLAN_API_KEY={KEY}\n")
        );
    }

    #[test]
    fn ctrl_c_or_esc_at_any_step_writes_nothing() {
        let home = tempfile::tempdir().unwrap();
        let qwen = provider_position(home.path(), "qwen");
        let steps: [&[(&str, String)]; 4] = [
            &[("(qwen)", "\x03".to_string())],
            &[
                ("(qwen)", format!("{}\r", DOWN.repeat(qwen))),
                ("Token Plan (subscription) —", "\x03".to_string()),
            ],
            &[
                ("(qwen)", format!("{}\r", DOWN.repeat(qwen))),
                ("Token Plan (subscription) —", "\r".to_string()),
                ("(auth choice qwen-standard-api-key-cn)", "\x03".to_string()),
            ],
            &[
                ("(qwen)", format!("{}\r", DOWN.repeat(qwen))),
                ("Token Plan (subscription) —", "\r".to_string()),
                ("(auth choice qwen-standard-api-key-cn)", "\r".to_string()),
                ("input hidden): ", "\x03".to_string()),
            ],
        ];
        for (n, step) in steps.iter().enumerate() {
            let Some(mut s) = Session::start(home.path()) else {
                return;
            };
            for (text, keys) in step.iter() {
                s.wait_for(text);
                s.send(keys);
            }
            let out = s.finish();
            assert!(
                !config_dir(home.path()).exists(),
                "step {n}: something was written: {out}"
            );
            if n < 3 {
                // At a menu: said, and the hidden cursor shown again.
                assert!(out.contains("onboarding cancelled"), "step {n}: {out}");
                let hidden = out.rfind("\x1b[?25l").unwrap_or(0);
                assert!(
                    out[hidden..].contains("\x1b[?25h"),
                    "step {n}: the cursor stays hidden: {out:?}"
                );
            }
        }
        // Esc at a menu cancels and says so.
        let Some(mut s) = Session::start(home.path()) else {
            return;
        };
        s.wait_for("(qwen)");
        s.send("\x1b");
        let out = s.finish();
        assert!(
            out.contains("onboarding cancelled; nothing was written"),
            "{out}"
        );
        assert!(!config_dir(home.path()).exists());
    }
}
