//! Tests of the atomic writer: planted links, exclusive and private temporary files,
//! commits with and without replacing, modes, and the checks made beforehand.

use super::*;

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn replaces_the_file_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/config.toml");
    write_private(&path, b"a = 1\n", 0o600).unwrap();
    write_private(&path, b"a = 2\n", 0o600).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 2\n");
    assert_eq!(names(path.parent().unwrap()), ["config.toml"]);
    #[cfg(unix)]
    {
        assert_eq!(mode_of(&path), Some(0o600));
        assert_eq!(mode_of(path.parent().unwrap()), Some(0o700));
    }
}

/// The old writer opened `<target>.tmp-<pid>` with create + truncate, following a link
/// planted there: the link's target was overwritten (or created).
#[cfg(unix)]
#[test]
fn links_planted_at_the_old_temporary_names_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let created = dir.path().join("created-through-a-link");
    let pid = std::process::id();
    let config = dir.path().join("config.toml");
    let dotenv = dir.path().join(".env");
    std::os::unix::fs::symlink(&victim, dir.path().join(format!("config.toml.tmp-{pid}"))).unwrap();
    std::os::unix::fs::symlink(&created, dir.path().join(format!(".env.tmp-{pid}"))).unwrap();

    write(&config, b"a = 1\n", Mode::Exact(0o600)).unwrap();
    write(&dotenv, b"KEY=sk-x\n", Mode::Exact(0o600)).unwrap();

    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(!created.exists(), "no file was created through the link");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "a = 1\n");
    assert_eq!(std::fs::read_to_string(&dotenv).unwrap(), "KEY=sk-x\n");
    assert_eq!(
        names(dir.path()),
        [
            ".env".to_string(),
            format!(".env.tmp-{pid}"),
            "config.toml".to_string(),
            format!("config.toml.tmp-{pid}"),
            "victim".to_string(),
        ],
        "the planted links are left alone and nothing else is created"
    );
}

/// A link at the target itself is replaced by the file, not written through.
#[cfg(unix)]
#[test]
fn a_link_at_the_target_is_replaced_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let target = dir.path().join("out.mp4");
    std::os::unix::fs::symlink(&victim, &target).unwrap();
    write(&target, b"video", Mode::Default).unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(!std::fs::symlink_metadata(&target).unwrap().is_symlink());
    assert_eq!(std::fs::read(&target).unwrap(), b"video");
}

#[test]
fn the_temporary_file_is_private_hidden_and_removed_when_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("cat.mp4");
    let mut file = AtomicFile::create(&target, Mode::Exact(0o644)).unwrap();
    file.write_all(b"half").unwrap();
    assert_eq!(file.target(), target);
    let temp = names(dir.path());
    assert_eq!(temp.len(), 1, "{temp:?}");
    assert!(
        temp[0].starts_with(".cat.mp4.") && temp[0].ends_with(".tmp"),
        "{temp:?}"
    );
    assert!(temp[0].len() > ".cat.mp4..tmp".len(), "a random part");
    #[cfg(unix)]
    assert_eq!(mode_of(&dir.path().join(&temp[0])), Some(0o600));
    drop(file);
    assert!(
        names(dir.path()).is_empty(),
        "nothing left, nothing created"
    );
}

#[test]
fn two_writers_of_one_target_get_different_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("a");
    let mut first = AtomicFile::create(&target, Mode::Default).unwrap();
    let mut second = AtomicFile::create(&target, Mode::Default).unwrap();
    first.write_all(b"first").unwrap();
    second.write_all(b"second").unwrap();
    assert_eq!(names(dir.path()).len(), 2);
    second.commit().unwrap();
    first.commit().unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"first");
    assert_eq!(names(dir.path()), ["a"]);
}

#[test]
fn commit_new_never_replaces_a_file_that_appeared() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.mp4");
    let mut file = AtomicFile::create(&target, Mode::Default).unwrap();
    file.write_all(b"new").unwrap();
    std::fs::write(&target, "someone else's").unwrap();
    let err = file.commit_new().unwrap_err();
    assert!(matches!(&err, FileError::Exists { path } if *path == target));
    assert_eq!(
        err.to_string(),
        format!("{} already exists", target.display())
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "someone else's");
    assert_eq!(names(dir.path()), ["out.mp4"], "the temporary file is gone");

    let mut file = AtomicFile::create(&dir.path().join("fresh"), Mode::Default).unwrap();
    file.write_all(b"fresh").unwrap();
    file.commit_new().unwrap();
    assert_eq!(std::fs::read(dir.path().join("fresh")).unwrap(), b"fresh");
}

#[test]
fn a_failed_rename_names_the_target_and_removes_the_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out");
    let file = AtomicFile::create(&target, Mode::Default).unwrap();
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("inside"), "x").unwrap();
    let err = file.commit().unwrap_err();
    assert!(
        matches!(&err, FileError::Io { action: "replace", path, .. } if *path == target),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with(&format!("cannot replace {}: ", target.display())),
        "{err}"
    );
    assert_eq!(names(dir.path()), ["out"]);

    // Without replacing, a failure other than "it exists" is an I/O error too.
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let file = AtomicFile::create(&sub.join("x"), Mode::Default).unwrap();
    std::fs::remove_dir_all(&sub).unwrap();
    let err = file.commit_new().unwrap_err();
    assert!(
        matches!(
            &err,
            FileError::Io {
                action: "replace",
                ..
            }
        ),
        "{err:?}"
    );
}

#[cfg(unix)]
#[test]
fn modes_are_exact_or_the_default_of_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let exact = dir.path().join("exact");
    write(&exact, b"x", Mode::Exact(0o666)).unwrap();
    assert_eq!(mode_of(&exact), Some(0o666), "not cut by the umask");
    write(&exact, b"y", Mode::Exact(0o640)).unwrap();
    assert_eq!(mode_of(&exact), Some(0o640));
    let plain = dir.path().join("plain");
    std::fs::write(&plain, "x").unwrap();
    let default = dir.path().join("default");
    write(&default, b"x", Mode::Default).unwrap();
    assert_eq!(mode_of(&default), mode_of(&plain), "0o666 less the umask");
}

#[test]
fn the_temporary_name_stays_short_whatever_the_target() {
    let name = format!("a{}", "é".repeat(30));
    assert!(!name.is_char_boundary(40));
    assert_eq!(
        temporary_prefix(Path::new(&name)),
        format!(".{}.", &name[..39])
    );
    assert_eq!(temporary_prefix(Path::new("dir/cat.mp4")), ".cat.mp4.");
    // A name just under the usual 255-byte limit still gets a temporary file.
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("c".repeat(250));
    write(&long, b"x", Mode::Default).unwrap();
    assert_eq!(std::fs::read(&long).unwrap(), b"x");
}

#[test]
fn check_target_refuses_what_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let file = root.join("file");
    std::fs::write(&file, "x").unwrap();
    let is_folder =
        |p: &Path| matches!(check_target(p, true), Err(FileError::IsFolder { path }) if path == p);
    assert!(is_folder(root));
    assert!(is_folder(&root.join("new/")));
    assert!(is_folder(Path::new("/")));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root, root.join("link")).unwrap();
        assert!(is_folder(&root.join("link")), "a link to a folder");
    }
    let missing = root.join("missing");
    assert!(matches!(
        check_target(&missing.join("x.mp4"), true),
        Err(FileError::NoFolder { folder }) if folder == missing
    ));
    assert!(matches!(
        check_target(&file.join("x.mp4"), true),
        Err(FileError::NotAFolder { folder }) if folder == file
    ));
    assert!(matches!(
        check_target(&file.join("sub/x.mp4"), true),
        Err(FileError::NotAFolder { folder }) if folder == file.join("sub")
    ));
    assert!(matches!(
        check_target(&file, false),
        Err(FileError::Exists { path }) if path == file
    ));
    let long = root.join("c".repeat(300));
    let err = check_target(&long, true).unwrap_err();
    assert!(
        matches!(&err, FileError::Io { action: "use", path, .. } if *path == long),
        "{err:?}"
    );
    assert!(err.to_string().contains(&"c".repeat(300)), "{err}");

    check_target(&file, true).unwrap();
    check_target(&root.join("new.mp4"), false).unwrap();
    assert_eq!(
        names(root).len(),
        if cfg!(unix) { 2 } else { 1 },
        "no probe left"
    );
    assert!(!root.join("new.mp4").exists());
}

#[test]
fn a_bare_file_name_is_in_the_current_folder() {
    assert_eq!(folder_of(Path::new("out.mp4")), Path::new("."));
    assert_eq!(folder_of(Path::new("a/out.mp4")), Path::new("a"));
}

#[test]
fn creating_a_file_names_what_failed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let err = create_private_dir(&file.join("sub")).unwrap_err();
    assert!(
        matches!(&err, FileError::Io { action: "create the folder", path, .. } if *path == file.join("sub")),
        "{err:?}"
    );
    let err = write_private(&file.join("sub/config.toml"), b"x", 0o600).unwrap_err();
    assert!(err.to_string().contains("file/sub"), "{err}");
    assert!(matches!(
        AtomicFile::create(dir.path(), Mode::Default),
        Err(FileError::IsFolder { .. })
    ));
}

#[cfg(unix)]
#[test]
fn modes_of_files_that_others_can_open() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    assert_eq!(mode_of(&path), None);
    assert_eq!(open_to_others(&path), None);
    std::fs::write(&path, "x").unwrap();
    for (mode, open) in [(0o600, None), (0o644, Some(0o644)), (0o602, Some(0o602))] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        assert_eq!(mode_of(&path), Some(mode));
        assert_eq!(open_to_others(&path), open, "{mode:o}");
    }
}
