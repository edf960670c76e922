//! The walk on hostile folders made in temporary directories: links to devices, named
//! pipes, links to folders, links out of the catalog, dangling links, oversized files,
//! invalid UTF-8, and each cap at and just past its limit.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use super::*;
use crate::load::{load_dir, load_dir_with};

/// A catalog folder (`<tmp>/cat`) inside a temporary directory that also has room for
/// files outside it.
struct Folder {
    tmp: tempfile::TempDir,
}

impl Folder {
    fn new() -> Self {
        let tmp = tempfile::tempdir().expect("temporary directory");
        std::fs::create_dir(tmp.path().join("cat")).expect("catalog folder");
        Folder { tmp }
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join("cat")
    }

    /// Writes `relative` (under the catalog folder) with `bytes`, creating its folders.
    fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(&path, bytes).expect("file");
        path
    }

    /// A link at `relative` (under the catalog folder) to `target` (as written).
    fn link(&self, relative: &str, target: impl AsRef<Path>) {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        symlink(target, path).expect("link");
    }

    /// Loads the folder with `limits`: the files as (relative path, text), and the report.
    fn load_with(&self, limits: Limits) -> (Vec<(String, String)>, Report) {
        let mut report = Report::default();
        let files = load_dir_with(&self.root(), limits, &mut report);
        let files = files
            .into_iter()
            .map(|f| (f.relative, f.text.to_string()))
            .collect();
        (files, report)
    }

    fn load(&self) -> (Vec<(String, String)>, Report) {
        self.load_with(Limits::DEFAULT)
    }

    /// The display path of `relative`.
    fn shown(&self, relative: &str) -> String {
        SourceFile::new(&self.root().to_string_lossy(), relative, "").path
    }
}

/// Each diagnostic as `file: message`, with the catalog folder's path cut off.
fn problems(folder: &Folder, report: &Report) -> Vec<String> {
    let prefix = format!("{}/", folder.root().to_string_lossy());
    report
        .diagnostics()
        .into_iter()
        .map(|d| {
            let location = report.location(d).unwrap_or_default();
            let location = location.strip_prefix(&prefix).unwrap_or(&location);
            assert_eq!(d.rule, Rule::Io, "{d:?}");
            format!("{location}: {}", d.message)
        })
        .collect()
}

fn names(files: &[(String, String)]) -> Vec<&str> {
    files.iter().map(|(name, _)| name.as_str()).collect()
}

#[test]
fn reads_toml_files_in_nested_folders_and_skips_the_rest() {
    let folder = Folder::new();
    folder.write("p/provider.toml", "id = \"p\"\n");
    folder.write("p/models/a.toml", "id = \"a\"\n");
    folder.write("p/models/deep/b.toml", "id = \"b\"\n");
    folder.write("p/README.md", "not read");
    folder.write(".git/x.toml", "hidden");
    folder.write("p/.hidden.toml", "hidden");
    let (files, report) = folder.load();
    assert!(report.is_empty(), "{}", report.render(false));
    assert_eq!(
        names(&files),
        ["p/models/a.toml", "p/models/deep/b.toml", "p/provider.toml"]
    );
    assert_eq!(files[0].1, "id = \"a\"\n");
}

#[test]
fn a_link_to_a_device_is_refused_unread() {
    let folder = Folder::new();
    folder.link("p/models/zero.toml", "/dev/zero");
    folder.link("p/models/null.toml", "/dev/null");
    let (files, report) = folder.load();
    assert!(files.is_empty());
    assert_eq!(
        problems(&folder, &report),
        [
            "p/models/null.toml: not a regular file: the link leads to `/dev/null`, a character device",
            "p/models/zero.toml: not a regular file: the link leads to `/dev/zero`, a character device",
        ]
    );
}

#[test]
fn a_link_to_a_block_device_is_refused_unread() {
    let Some(device) = ["/dev/loop0", "/dev/sda", "/dev/vda"]
        .into_iter()
        .find(|d| std::fs::symlink_metadata(d).is_ok())
    else {
        return;
    };
    let folder = Folder::new();
    folder.link("disk.toml", device);
    let (_, report) = folder.load();
    assert_eq!(
        problems(&folder, &report),
        [format!(
            "disk.toml: not a regular file: the link leads to `{device}`, a block device"
        )]
    );
}

/// Runs `load` on another thread and fails (instead of hanging) if it takes minutes.
fn without_blocking(folder: &Folder) -> (Vec<(String, String)>, Report) {
    let root = folder.root();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut report = Report::default();
        let files = load_dir(&root, &mut report);
        let files: Vec<(String, String)> = files
            .into_iter()
            .map(|f| (f.relative, f.text.to_string()))
            .collect();
        let _ = send.send((files, report));
    });
    receive
        .recv_timeout(Duration::from_secs(60))
        .expect("the walk blocked on a named pipe")
}

fn make_fifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("no NUL");
    // SAFETY: `name` is a valid NUL-terminated path that outlives the call.
    let made = unsafe { libc::mkfifo(name.as_ptr(), 0o644) };
    assert_eq!(made, 0, "mkfifo {}", path.display());
}

#[test]
fn a_named_pipe_is_refused_without_being_opened() {
    let folder = Folder::new();
    folder.write("p/provider.toml", "id = \"p\"\n");
    std::fs::create_dir_all(folder.root().join("p/models")).expect("folder");
    make_fifo(&folder.root().join("p/models/pipe.toml"));
    make_fifo(&folder.root().join("p/models/pipe.txt"));
    make_fifo(&folder.tmp.path().join("outside-pipe"));
    folder.link(
        "p/models/to-pipe.toml",
        folder.tmp.path().join("outside-pipe"),
    );
    folder.link("p/models/to-pipe-inside.toml", "pipe.toml");
    let (files, report) = without_blocking(&folder);
    assert_eq!(names(&files), ["p/provider.toml"]);
    let outside = folder.tmp.path().join("outside-pipe");
    assert_eq!(
        problems(&folder, &report),
        [
            "p/models/pipe.toml: not a regular file: this is a named pipe (FIFO)".to_string(),
            "p/models/to-pipe-inside.toml: not a regular file: the link leads to `pipe.toml`, a named pipe (FIFO)".to_string(),
            format!(
                "p/models/to-pipe.toml: not a regular file: the link leads to `{}`, a named pipe (FIFO)",
                outside.display()
            ),
        ]
    );
}

#[test]
fn a_socket_is_refused() {
    let folder = Folder::new();
    let _socket =
        std::os::unix::net::UnixListener::bind(folder.root().join("s.toml")).expect("socket");
    let (_, report) = folder.load();
    assert_eq!(
        problems(&folder, &report),
        ["s.toml: not a regular file: this is a socket"]
    );
}

#[test]
fn links_to_folders_are_one_error_each() {
    let folder = Folder::new();
    folder.write("p/provider.toml", "id = \"p\"\n");
    folder.write("p/models/a.toml", "id = \"a\"\n");
    folder.link("p/models/self", ".");
    folder.link("p/models/up", "..");
    folder.link("p/loop.toml", "../p");
    folder.link("top", folder.tmp.path());
    let (files, report) = folder.load();
    assert_eq!(names(&files), ["p/models/a.toml", "p/provider.toml"]);
    let tmp = folder.tmp.path().display();
    assert_eq!(
        problems(&folder, &report),
        [
            "p/loop.toml: this is a link to the folder `../p`; links to folders are not followed"
                .to_string(),
            "p/models/self: this is a link to the folder `.`; links to folders are not followed"
                .to_string(),
            "p/models/up: this is a link to the folder `..`; links to folders are not followed"
                .to_string(),
            format!("top: this is a link to the folder `{tmp}`; links to folders are not followed"),
        ]
    );
}

#[test]
fn a_link_to_a_file_inside_is_followed_and_read_once() {
    let folder = Folder::new();
    folder.write("p/models/a.toml", "id = \"a\"\n");
    folder.link("p/models/b.toml", "a.toml");
    folder.link("p/models/c.toml", "../models/a.toml");
    folder.link("p/models/d.txt", "a.toml");
    let mut report = Report::default();
    let files = load_dir(&folder.root(), &mut report);
    assert!(report.is_empty(), "{}", report.render(false));
    let relative: Vec<&str> = files.iter().map(|f| f.relative.as_str()).collect();
    assert_eq!(
        relative,
        ["p/models/a.toml", "p/models/b.toml", "p/models/c.toml"]
    );
    assert!(files.iter().all(|f| &*f.text == "id = \"a\"\n"));
    // Both links share the one text read through the first.
    assert!(Arc::ptr_eq(&files[1].text, &files[2].text));
    assert_eq!(files[1].path, folder.shown("p/models/b.toml"));
}

#[test]
fn a_link_out_of_the_catalog_is_refused() {
    let folder = Folder::new();
    let secret = folder.tmp.path().join("secret.toml");
    std::fs::write(&secret, "key = \"x\"\n").expect("file");
    folder.link("p/provider.toml", &secret);
    folder.link("p/models/m.toml", "../../../secret.toml");
    let (files, report) = folder.load();
    assert!(files.is_empty());
    assert_eq!(
        problems(&folder, &report),
        [
            "p/models/m.toml: the link leads out of the catalog folder (to `../../../secret.toml`)"
                .to_string(),
            format!(
                "p/provider.toml: the link leads out of the catalog folder (to `{}`)",
                secret.display()
            ),
        ]
    );
}

#[test]
fn a_dangling_link_is_an_unreadable_file() {
    let folder = Folder::new();
    folder.link("p/models/gone.toml", "missing.toml");
    folder.link("p/models/loop.toml", "loop.toml");
    folder.link("p/models/gone", "missing");
    let (files, report) = folder.load();
    assert!(files.is_empty());
    let problems = problems(&folder, &report);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].starts_with(
            "p/models/gone.toml: cannot read file: the link to `missing.toml` leads nowhere ("
        ),
        "{problems:#?}"
    );
    assert!(
        problems[1].starts_with(
            "p/models/loop.toml: cannot read file: the link to `loop.toml` leads nowhere ("
        ),
        "{problems:#?}"
    );
}

#[test]
fn a_file_over_the_size_cap_is_refused() {
    let folder = Folder::new();
    let cap = Limits::DEFAULT.file_bytes as usize;
    folder.write("big.toml", vec![b'#'; cap + 1]);
    folder.write("full.toml", vec![b'#'; cap]);
    let (files, report) = folder.load();
    assert_eq!(names(&files), ["full.toml"]);
    assert_eq!(
        problems(&folder, &report),
        [
            "big.toml: the file is 1048577 bytes long, more than the 1 MiB (1048576 bytes) a catalog file may hold"
        ]
    );
}

#[test]
fn reading_stops_at_the_cap_whatever_the_file_has_become() {
    let folder = Folder::new();
    let small = folder.write("small.toml", "a = 1\n");
    let big = folder.write("big.toml", vec![b'#'; 100]);
    let small_meta = std::fs::metadata(&small).expect("metadata");
    let limits = Limits {
        file_bytes: 10,
        ..Limits::DEFAULT
    };
    let mut report = Report::default();
    let root = folder.root().to_string_lossy().into_owned();
    let mut walk = Walk::new(&folder.root(), &root, limits, &mut report);
    // Looked at when it was small, read when it has grown.
    assert_eq!(walk.read(&big, "big.toml", &small_meta), None);
    // Looked at when it was a regular file, read when it is a device.
    assert_eq!(
        walk.read(Path::new("/dev/zero"), "zero.toml", &small_meta),
        None
    );
    assert_eq!(walk.total_bytes, 0);
    assert_eq!(
        problems(&folder, &report),
        [
            "big.toml: the file holds more than the 10 bytes a catalog file may hold",
            "zero.toml: cannot read file: it is no longer a regular file",
        ]
    );
}

#[test]
fn invalid_utf8_is_located_at_its_first_bad_byte() {
    let folder = Folder::new();
    folder.write(
        "p/models/m.toml",
        b"id = \"m\"\nname = \"\xc3\xa9t\xe9\" # \xff\n",
    );
    folder.write("p/models/first.toml", b"\xff");
    let (files, report) = folder.load();
    assert!(files.is_empty());
    assert_eq!(
        problems(&folder, &report),
        [
            "p/models/first.toml:1:1: the file is not UTF-8 text: the byte at line 1, column 1 is not valid UTF-8",
            "p/models/m.toml:2:11: the file is not UTF-8 text: the byte at line 2, column 11 is not valid UTF-8",
        ]
    );
    assert!(report.span_problems().is_empty());
    let shown = report.render(false);
    let expected = format!(
        " --> {}:2:11\n  |\n2 | name = \"ét\u{FFFD}\" # \u{FFFD}\n  |           ^ not UTF-8\n",
        folder.shown("p/models/m.toml")
    );
    assert!(shown.contains(&expected), "{shown}");
}

#[test]
fn the_entry_cap_stops_the_walk() {
    let folder = Folder::new();
    for name in ["a.toml", "b.toml", "c.toml"] {
        folder.write(&format!("p/{name}"), "x = 1\n");
    }
    // Four entries: `p` and its three files.
    let at = |entries| Limits {
        entries,
        ..Limits::DEFAULT
    };
    let (files, report) = folder.load_with(at(4));
    assert_eq!(files.len(), 3);
    assert!(report.is_empty());
    let (files, report) = folder.load_with(at(3));
    assert!(files.is_empty());
    assert_eq!(
        problems(&folder, &report),
        [format!(
            "{}: the catalog folder holds more than 3 files and folders; stopped reading",
            folder.root().display()
        )]
    );
}

#[test]
fn the_entry_cap_counts_across_folders() {
    let folder = Folder::new();
    folder.write("p/a.toml", "x = 1\n");
    folder.write("q/b.toml", "x = 1\n");
    folder.write("r/c.toml", "x = 1\n");
    let limits = Limits {
        entries: 5,
        ..Limits::DEFAULT
    };
    let (files, report) = folder.load_with(limits);
    // `p`, `q`, `r`, `p/a.toml`, `q/b.toml`: the sixth entry stops the walk.
    assert_eq!(names(&files), ["p/a.toml", "q/b.toml"]);
    assert_eq!(problems(&folder, &report).len(), 1);
}

#[test]
fn the_depth_cap_stops_at_deep_folders() {
    let folder = Folder::new();
    folder.write("p/models/a.toml", "x = 1\n");
    folder.write("p/models/deep/b.toml", "x = 1\n");
    let at = |depth| Limits {
        depth,
        ..Limits::DEFAULT
    };
    let (files, report) = folder.load_with(at(3));
    assert_eq!(files.len(), 2);
    assert!(report.is_empty());
    let (files, report) = folder.load_with(at(2));
    assert_eq!(names(&files), ["p/models/a.toml"]);
    assert_eq!(
        problems(&folder, &report),
        ["p/models/deep/: folders nest more than 2 deep here; this folder was not read"]
    );
}

#[test]
fn the_total_cap_stops_the_walk() {
    let folder = Folder::new();
    for name in ["a.toml", "b.toml", "c.toml"] {
        folder.write(name, "0123456789");
    }
    let at = |total_bytes| Limits {
        total_bytes,
        ..Limits::DEFAULT
    };
    let (files, report) = folder.load_with(at(30));
    assert_eq!(files.len(), 3);
    assert!(report.is_empty());
    let (files, report) = folder.load_with(at(25));
    assert_eq!(names(&files), ["a.toml", "b.toml"]);
    assert_eq!(
        problems(&folder, &report),
        [format!(
            "{}: the catalog's files hold more than 25 bytes in all; stopped reading",
            folder.root().display()
        )]
    );
}

#[test]
fn byte_counts_read_as_people_say_them() {
    assert_eq!(bytes(0), "0 bytes");
    assert_eq!(bytes(1000), "1000 bytes");
    assert_eq!(bytes(1 << 20), "1 MiB (1048576 bytes)");
    assert_eq!(bytes(512 << 20), "512 MiB (536870912 bytes)");
    assert_eq!(bytes((3 << 20) + 1), "3145729 bytes");
    assert_eq!(Limits::default(), Limits::DEFAULT);
}
