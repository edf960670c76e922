//! `provcat catalog check` on hostile catalog folders (issue 13): a link to `/dev/zero`, a
//! named pipe, links to folders that loop or climb out, an oversized file and a file that
//! is not UTF-8 are each one located `io` error, with exit code 2, without blocking or
//! reading without bound — and a link to a file inside the folder is simply read.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::{copy_tree, fixture, json_of, provcat, stderr, stdout};

/// The valid base catalog, copied to `<dir>/catalog`.
fn base_catalog(dir: &Path) {
    copy_tree(&fixture("base"), dir);
}

/// Runs `provcat args` in `cwd`, killing it and failing if it has not ended within a
/// minute (a walk that opens a named pipe waits for a writer forever).
fn provcat_bounded(cwd: &Path, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_provcat"))
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the provcat binary runs");
    let pid = child.id();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || send.send(child.wait_with_output()));
    match receive.recv_timeout(Duration::from_secs(60)) {
        Ok(output) => output.expect("provcat's output"),
        Err(_) => {
            // SAFETY: `pid` is our own child, not yet reaped (its waiter is still waiting).
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            panic!("`provcat {}` did not end", args.join(" "));
        }
    }
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `name` is a valid NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
}

/// The base catalog with one hostile entry of each kind added.
fn hostile_catalog(dir: &Path) {
    base_catalog(dir);
    let models = dir.join("catalog/acme/models");
    symlink("/dev/zero", models.join("zero.toml")).unwrap();
    mkfifo(&models.join("pipe.toml"));
    symlink(".", models.join("self")).unwrap();
    symlink("..", dir.join("catalog/acme/up")).unwrap();
    std::fs::write(models.join("big.toml"), vec![b'#'; (1 << 20) + 1]).unwrap();
    std::fs::write(
        models.join("bad.toml"),
        b"id = \"bad\"\nname = \"caf\xe9\"\n",
    )
    .unwrap();
}

#[test]
fn each_hostile_entry_is_one_located_error_and_the_check_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    hostile_catalog(dir.path());
    let out = provcat_bounded(dir.path(), &["catalog", "check"]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert_eq!(stdout(&out), "");
    for expected in [
        "error[io]: the file is not UTF-8 text: the byte at line 2, column 12 is not valid UTF-8\n --> catalog/acme/models/bad.toml:2:12\n",
        "error[io]: the file is 1048577 bytes long, more than the 1 MiB (1048576 bytes) a catalog file may hold\n --> catalog/acme/models/big.toml\n",
        "error[io]: not a regular file: this is a named pipe (FIFO)\n --> catalog/acme/models/pipe.toml\n",
        "error[io]: this is a link to the folder `.`; links to folders are not followed\n --> catalog/acme/models/self\n",
        "error[io]: not a regular file: the link leads to `/dev/zero`, a character device\n --> catalog/acme/models/zero.toml\n",
        "error[io]: this is a link to the folder `..`; links to folders are not followed\n --> catalog/acme/up\n",
    ] {
        assert!(text.contains(expected), "no `{expected}` in\n{text}");
    }
    // Nothing else: no error from walking through `up` or `self` again.
    assert!(
        text.ends_with("error: the catalog has 6 errors; nothing was generated\n"),
        "{text}"
    );
}

#[test]
fn the_json_report_locates_each_hostile_entry() {
    let dir = tempfile::tempdir().unwrap();
    hostile_catalog(dir.path());
    let out = provcat_bounded(dir.path(), &["catalog", "check", "--json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json = json_of(&out);
    let located: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["location"].as_str().unwrap()))
        .collect();
    assert_eq!(
        located,
        [
            ("io", "catalog/acme/models/bad.toml:2:12"),
            ("io", "catalog/acme/models/big.toml"),
            ("io", "catalog/acme/models/pipe.toml"),
            ("io", "catalog/acme/models/self"),
            ("io", "catalog/acme/models/zero.toml"),
            ("io", "catalog/acme/up"),
        ]
    );
}

#[test]
fn a_link_to_a_file_inside_the_catalog_is_read() {
    let dir = tempfile::tempdir().unwrap();
    base_catalog(dir.path());
    let models = dir.path().join("catalog/acme/models");
    // The model's text lives in a file the walk does not read by itself (not `.toml`);
    // the catalog file is a link to it.
    std::fs::rename(models.join("chat-1.toml"), models.join("chat-1.source")).unwrap();
    symlink("chat-1.source", models.join("chat-1.toml")).unwrap();
    let out = provcat(dir.path(), &["catalog", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "catalog: ok (1 provider, 2 models, 5 refs)\n");
}

#[test]
fn a_link_out_of_the_catalog_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    base_catalog(dir.path());
    let models = dir.path().join("catalog/acme/models");
    std::fs::rename(models.join("chat-1.toml"), dir.path().join("chat-1.toml")).unwrap();
    symlink("../../../chat-1.toml", models.join("chat-1.toml")).unwrap();
    let out = provcat(dir.path(), &["catalog", "check"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(
        text.starts_with("error[io]: the link leads out of the catalog folder (to `../../../chat-1.toml`)\n --> catalog/acme/models/chat-1.toml\n"),
        "{text}"
    );
}
