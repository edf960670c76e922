//! The manual pages' EXIT STATUS, ENVIRONMENT and FILES sections: in the main page and in
//! the command pages they concern, the exit codes agreeing with the README's, every key
//! variable of the catalog (the committed one, and an overlay's) listed.

use std::collections::BTreeSet;

use crate::support::{fixture, provcat, root, stderr, stdout};

/// roff without its escapes and font changes.
fn unroff(text: &str) -> String {
    text.replace("\\-", "-")
        .replace("\\fB", "")
        .replace("\\fI", "")
        .replace("\\fR", "")
}

fn main_page(args: &[&str]) -> String {
    let out = provcat(&root(), args);
    assert!(out.status.success(), "{}", stderr(&out));
    unroff(&stdout(&out))
}

/// The text of section `title` of a page, up to the next section.
fn section<'a>(page: &'a str, title: &str) -> &'a str {
    let heading = if title.contains(' ') {
        format!(".SH \"{title}\"\n")
    } else {
        format!(".SH {title}\n")
    };
    let start = page
        .find(&heading)
        .unwrap_or_else(|| panic!("no {title} section in:\n{page}"))
        + heading.len();
    let rest = &page[start..];
    &rest[..rest.find("\n.SH ").map_or(rest.len(), |i| i + 1)]
}

/// The codes an EXIT STATUS section lists (`.TP` then the code in bold), in order.
fn codes(section: &str) -> Vec<u16> {
    let lines: Vec<&str> = section.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0] == ".TP")
        .filter_map(|w| w[1].trim().parse().ok())
        .collect()
}

/// Every key variable the committed catalog's provider files name (`auth_env`, `key_env`).
fn catalog_key_variables() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("catalog")).unwrap() {
        let file = entry.unwrap().path().join("provider.toml");
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let value: toml::Value = toml::from_str(&text).unwrap();
        let mut lists = vec![value.get("auth_env")];
        if let Some(plans) = value.get("plans").and_then(|p| p.as_table()) {
            lists.extend(plans.values().map(|p| p.get("key_env")));
        }
        if let Some(plans) = value.get("plans").and_then(|p| p.as_array()) {
            lists.extend(plans.iter().map(|p| p.get("key_env")));
        }
        for list in lists.into_iter().flatten() {
            for name in list.as_array().unwrap() {
                names.insert(name.as_str().unwrap().to_string());
            }
        }
    }
    assert!(names.contains("QWEN_API_KEY"), "{names:?}");
    assert!(names.contains("ALIBABA_CODING_PLAN_API_KEY"), "{names:?}");
    names
}

#[test]
fn the_main_page_has_exit_status_environment_and_files_before_version() {
    let page = main_page(&["man"]);
    let order: Vec<usize> = [
        "COMMANDS",
        "\"EXIT STATUS\"",
        "ENVIRONMENT",
        "FILES",
        "VERSION",
    ]
    .iter()
    .map(|t| {
        page.find(&format!(".SH {t}\n"))
            .unwrap_or_else(|| panic!("no {t}"))
    })
    .collect();
    assert!(order.is_sorted(), "sections out of order: {order:?}");

    let exit = section(&page, "EXIT STATUS");
    assert_eq!(
        codes(exit),
        [0, 1, 2, 3, 4, 130, 3, 4, 5, 6, 7, 8, 130, 143],
        "{exit}"
    );
    let environment = section(&page, "ENVIRONMENT");
    for name in [
        "PROVCAT_CONFIG",
        "NO_COLOR",
        "COLUMNS",
        "PROVCAT_SERVE_TOKEN",
    ] {
        assert!(environment.contains(name), "no {name}:\n{environment}");
    }
    for name in catalog_key_variables() {
        assert!(environment.contains(&name), "no {name}:\n{environment}");
    }
    let files = section(&page, "FILES");
    for name in [
        "~/.config/provcat/config.toml",
        ".env",
        "config.schema.json",
        ".provcat.lock",
    ] {
        assert!(files.contains(name), "no {name}:\n{files}");
    }
}

/// An overlay's provider brings its key variable into the page: the list is the catalog's.
#[test]
fn key_variables_come_from_the_catalog_in_use() {
    let plain = main_page(&["man"]);
    assert!(!plain.contains("ACME_API_KEY"));
    let overlay = fixture("overlays/acme");
    let page = main_page(&["--catalog", overlay.to_str().unwrap(), "man"]);
    assert!(
        section(&page, "ENVIRONMENT").contains("ACME_API_KEY"),
        "{page}"
    );
}

#[test]
fn command_pages_have_the_sections_they_need() {
    let dir = tempfile::tempdir().unwrap();
    let out = provcat(&root(), &["man", "--dir", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let read = |name: &str| unroff(&std::fs::read_to_string(dir.path().join(name)).unwrap());

    let chat = read("provcat-chat.1");
    assert_eq!(codes(section(&chat, "EXIT STATUS")), [0, 1, 2, 3, 4, 130]);
    assert!(section(&chat, "ENVIRONMENT").contains("QWEN_API_KEY"));
    assert!(section(&chat, "FILES").contains(".env"));

    let generate = read("provcat-video-generate.1");
    assert_eq!(
        codes(section(&generate, "EXIT STATUS")),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 130, 143]
    );

    let list = read("provcat-models-list.1");
    assert!(section(&list, "ENVIRONMENT").contains("COLUMNS"));
    assert!(!section(&list, "ENVIRONMENT").contains("QWEN_API_KEY"));

    // A command that reads no config has no FILES, and no key variables.
    let schema = read("provcat-schema.1");
    assert_eq!(codes(section(&schema, "EXIT STATUS")), [0, 1, 2]);
    assert!(section(&schema, "ENVIRONMENT").contains("NO_COLOR"));
    assert!(!schema.contains(".SH FILES"), "{schema}");

    // Every page has its exit status.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let page = unroff(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        assert!(page.contains(".SH \"EXIT STATUS\""), "{page}");
    }
}

/// The codes in the README's rows (`| 3 | … |`) of the table under `heading`.
fn readme_table_codes(readme: &str, heading: &str) -> Vec<u16> {
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("no `{heading}` in the README"));
    readme[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('|').nth(1)?.trim().parse().ok())
        .collect()
}

#[test]
fn the_readme_and_the_man_pages_give_the_same_exit_codes() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = provcat(&root(), &["man", "--dir", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page_codes = |name: &str| -> Vec<u16> {
        let page = unroff(&std::fs::read_to_string(dir.path().join(name)).unwrap());
        codes(section(&page, "EXIT STATUS"))
    };

    assert_eq!(
        readme_table_codes(&readme, "## Exit codes"),
        page_codes("provcat-models-list.1")
    );
    assert_eq!(
        readme_table_codes(&readme, "| exit code of `chat` |"),
        page_codes("provcat-chat.1")
    );
    // The Video section says its codes in a sentence: `Exit codes: 0 done …, 143 …`.
    let video = &readme[readme.find("## Video").unwrap()..];
    let sentence = &video[video.find("Exit codes:").unwrap()..];
    let sentence = &sentence[..sentence.find(").\n").unwrap_or(sentence.len())];
    let said: BTreeSet<u16> = sentence
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    let listed: BTreeSet<u16> = page_codes("provcat-video-generate.1").into_iter().collect();
    assert_eq!(said, listed, "README: {sentence}");
}
