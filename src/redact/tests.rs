//! Unit tests of redaction: the masked format, what is found, and that offsets hold.

use super::*;

fn knows(values: &[&str]) -> Redactor {
    let mut r = Redactor::new();
    values.iter().for_each(|v| r.learn(v));
    r
}

#[test]
fn the_catalog_prefixes_are_longest_first() {
    let prefixes = key_prefixes();
    for known in ["sk-sp-", "sk-ant-", "sk-or-", "sk-"] {
        assert!(prefixes.contains(&known), "{known} in {prefixes:?}");
    }
    assert!(
        prefixes.windows(2).all(|w| w[0].len() >= w[1].len()),
        "{prefixes:?}"
    );
    let at = |p: &str| prefixes.iter().position(|q| *q == p);
    assert!(at("sk-sp-") < at("sk-"), "a longer prefix comes first");
}

#[test]
fn a_masked_key_keeps_its_prefix_and_a_tail_only_when_long_enough() {
    assert_eq!(mask_key("sk-0123456789abcdefCANARY"), "sk-…NARY");
    assert_eq!(mask_key("sk-sp-0123456789abcd"), "sk-sp-…abcd");
    // 12 characters after the prefix: 8 hidden, 4 shown; 11: nothing shown.
    assert_eq!(mask_key("sk-0123456789ab"), "sk-…89ab");
    assert_eq!(mask_key("sk-0123456789a"), "sk-…");
    assert_eq!(mask_key("abcdefghijkl"), "…ijkl");
    assert_eq!(mask_key("abc123"), "…");
    assert_eq!(mask_key("sk-short"), "sk-…");
    assert_eq!(mask_key(""), "…");
    // A tail of punctuation or non-ASCII is not shown: it could be anything.
    assert_eq!(mask_key("0123456789ab-_.!"), "…");
    assert_eq!(mask_key("пароль-очень-длинный-ключ"), "…");
    assert_eq!(mask_key("ключ-очень-длинный-abcd"), "…abcd");
}

#[test]
fn learns_only_values_long_enough_once() {
    let mut r = Redactor::new();
    assert!(r.is_empty());
    r.learn("  short  ");
    r.learn("intl");
    assert_eq!(r.len(), 0);
    r.learn(" 12345678 ");
    r.learn("12345678");
    r.learn("another-secret-value");
    assert_eq!(r.len(), 2);
    assert!(!r.is_empty());
    let mut other = Redactor::new();
    other.learn_from(&r);
    other.learn_from(&r);
    assert_eq!(other.len(), 2);
    assert_eq!(format!("{other:?}"), "Redactor(2 known secrets)");
    assert_eq!(other.scrub("a 12345678 b"), "a … b");
}

#[test]
fn scrubs_known_values_longest_first() {
    let r = knows(&["my-secret-value", "my-secret-value-and-more-0123"]);
    assert_eq!(
        r.scrub("x my-secret-value-and-more-0123 y my-secret-value z"),
        "x …0123 y …alue z"
    );
    // Header values, whatever their shape.
    let r = knows(&["Bearer abc.def ghi"]);
    assert_eq!(r.scrub("sent Bearer abc.def ghi!"), "sent …!");
}

#[test]
fn scrubs_key_shaped_tokens_but_not_words_that_contain_the_prefix() {
    let r = Redactor::new();
    assert_eq!(
        r.scrub("key sk-0123456789abcdefWXYZ, coding `sk-sp-0123456789abcdef` end"),
        "key sk-…WXYZ, coding `sk-sp-…cdef` end"
    );
    assert_eq!(r.scrub("(sk-abcdefgh)"), "(sk-…)");
    for kept in [
        "sk-short",
        "task-0123456789abcdef",
        "risk-assessment-model",
        "the `sk-sp-` prefix",
        "sk-",
    ] {
        assert_eq!(r.scrub(kept), kept);
    }
    // Output lines keep long ids; diagnostics do not.
    let id = "a1b2c3d4e5f6a7b8c9d0e1f2";
    assert_eq!(r.scrub(id), id);
    assert_eq!(r.scrub_diagnostic(&format!("`{id}` x")), "`…e1f2` x");
}

#[test]
fn long_random_tokens_are_masked_in_diagnostics_only() {
    let r = Redactor::new();
    let masked = [
        "AbCdEfGhIjKlMnOpQrSt12",
        "my-AbCdEfGhIjKlMnOpQrSt12-x",
        "00000000000000000000ab",
    ];
    for token in masked {
        assert!(
            !r.scrub_diagnostic(token).contains("AbCdEfGhIjKl"),
            "{token}"
        );
        assert_ne!(r.scrub_diagnostic(token), token);
    }
    for kept in [
        "qwen/qwen3-coder-480b-a35b-instruct",
        "supportsUsageInStreamingAndMore",
        "12345678901234567890123",
        "a1b2c3d4e5f6a7b8c9d",
        "x12345678901234567890",
        "0385dc79-5ff8-4d82-bcb6-2b1e4a9c7d10",
    ] {
        assert_eq!(r.scrub_diagnostic(kept), kept, "{kept}");
    }
    // Exactly 20 with two digits and two letters is enough.
    assert_eq!(r.scrub_diagnostic("ab345678901234567890"), "…7890");
    assert_eq!(
        r.scrub_diagnostic("a2345678901234567890"),
        "a2345678901234567890"
    );
    assert_eq!(r.scrub_diagnostic("abcdefghijklmnopqr90"), "…qr90");
    assert_eq!(
        r.scrub_diagnostic("abcdefghijklmnopqrs9"),
        "abcdefghijklmnopqrs9"
    );
}

#[test]
fn masks_url_credentials_and_secret_query_values() {
    let r = Redactor::new();
    assert_eq!(
        r.scrub("`https://user:hunter2hunter2@h.example/v1` is wrong"),
        "`https://…ter2@h.example/v1` is wrong"
    );
    assert_eq!(
        r.scrub("https://h/v1?api_key=0123456789abcdef&mode=x&token=t0k3n#frag"),
        "https://h/v1?api_key=…cdef&mode=x&token=…#frag"
    );
    assert_eq!(
        r.scrub("http://h/?apiKey=abc&Key=def&auth=g&access_token=zz&password=p&code=1"),
        "http://h/?apiKey=…&Key=…&auth=…&access_token=…&password=…&code=1"
    );
    // A pre-signed result URL stays usable.
    let signed = "https://bucket.oss-cn-beijing.aliyuncs.com/v.mp4?Expires=1&OSSAccessKeyId=LTAI5tAbCdEf&Signature=abc%2Bdef";
    assert_eq!(r.scrub(signed), signed);
    // `@` in the path is not a credential; an empty value stays empty.
    assert_eq!(r.scrub("https://h/a@b?key="), "https://h/a@b?key=");
    assert_eq!(r.scrub("ftp://u@h"), "ftp://…@h");
}

#[test]
fn report_text_is_redacted_in_one_step() {
    use crate::common::{Diagnostic, Rule};
    let mut report = Report::default();
    report.push(
        Diagnostic::new(
            Rule::DanglingReference,
            "unknown auth choice `sk-0123456789abcdefWXYZ`",
        )
        .label("known-secret-value here")
        .help("not AbCdEfGhIjKlMnOpQrSt12"),
    );
    knows(&["known-secret-value"]).redact_report(&mut report);
    let d = report.diagnostics()[0].clone();
    assert_eq!(d.message, "unknown auth choice `sk-…WXYZ`");
    assert_eq!(d.label.as_deref(), Some("…alue here"));
    assert_eq!(d.help.as_deref(), Some("not …St12"));
}

#[test]
fn masks_files_in_place_keeping_offsets() {
    let r = Redactor::new();
    let text = "apiKey = \"abcdefghijkl\"\nQWEN_API_KEY=sk-0123456789abcd\nprimary = \"qwen/glm-5\" # sk-zzzzzzzzzzzzWXYZ\nnamé = \"x\"\n";
    let out = r.mask_in_place(text, &[]);
    assert_eq!(out.len(), text.len());
    assert_eq!(
        out,
        "apiKey = \"********ijkl\"\nQWEN_API_KEY=sk-**********abcd\nprimary = \"qwen/glm-5\" # sk-************WXYZ\nnamé = \"x\"\n"
    );
    assert_eq!(r.mask_in_place("sk-short", &[]), "sk-short");
    // A short value keeps no tail; a non-ASCII one is masked byte for byte.
    assert_eq!(
        r.mask_in_place("apiKey = \"abc123\"", &[]),
        "apiKey = \"******\""
    );
    let cyrillic = "apiKey = \"ключ\"\nb = 1";
    assert_eq!(r.mask_in_place(cyrillic, &[]), "apiKey = \"××××\"\nb = 1");
    // Every hidden character keeps its length in bytes, and stays one character.
    let wide = "apiKey = \"aé€😀\"";
    let out = r.mask_in_place(wide, &[]);
    assert_eq!(out, "apiKey = \"*×∗🔒\"");
    assert_eq!(out.len(), wide.len());
    assert_eq!(out.chars().count(), wide.chars().count());
    // The value on the line after its name, and names that only end in "key".
    let split = "{ \"apiKey\":\n  \"MyPrivateKey0123456789\" \"baseUrl\": 1 }";
    assert!(!r.mask_in_place(split, &[]).contains("MyPrivateKey0123"));
    assert!(
        !r.mask_in_place("MY_LLM_KEY=MyPrivate0123456789 junk", &[])
            .contains("MyPrivate0123")
    );
    let json =
        r#"{ "qwen": { "apiKey": "abcdefghijkl", "baseUrl": "x" }, "token":'zzzzzzzz1234' }"#;
    assert_eq!(
        r.mask_in_place(json, &[]),
        r#"{ "qwen": { "apiKey": "********ijkl", "baseUrl": "x" }, "token":'********1234' }"#
    );
}

#[test]
fn masks_headers_multiline_strings_escapes_and_urls_in_files() {
    let r = Redactor::new();
    let text = "[h]\nAuthorization = \"Bearer abc.def-ghi\"\nX-Api-Key = 'k1k2k3k4'\n";
    let out = r.mask_in_place(text, &[]);
    assert!(!out.contains("abc.def") && !out.contains("k1k2"), "{out}");
    let multi = "apiKey = \"\"\"\nfirst-line-of-it\nsecond\"\"\"\nx = 1\n";
    let out = r.mask_in_place(multi, &[]);
    assert_eq!(out.len(), multi.len());
    assert!(!out.contains("first") && !out.contains("second"), "{out}");
    assert_eq!(out.lines().count(), multi.lines().count());
    assert!(out.ends_with("\"\"\"\nx = 1\n"), "{out}");
    let escaped = r#"{"apiKey": "ab\"cdefghijklmn", "b": "c"}"#;
    let out = r.mask_in_place(escaped, &[]);
    assert!(!out.contains("cdefghi"), "{out}");
    assert!(out.ends_with(r#"", "b": "c"}"#), "{out}");
    let url = "baseUrl = \"https://me:pa55word@h/v1?api_key=abc\"\n";
    assert_eq!(
        r.mask_in_place(url, &[]),
        "baseUrl = \"https://***********@h/v1?api_key=***\"\n"
    );
    // An unclosed quote masks to the end of its line only.
    assert_eq!(
        r.mask_in_place("token = \"abcdef\nnext = 1", &[]),
        "token = \"******\nnext = 1"
    );
}

#[test]
fn masks_the_spans_it_is_given_inside_their_quotes() {
    let r = knows(&["known-value-123"]);
    let text = "a = \"plain\"\nb = 'other'\nc = 12345\nd = \"has known-value-123\"\n";
    let out = r.mask_in_place(text, &[4..11, 16..23, 28..33, 100..200]);
    assert_eq!(
        out,
        "a = \"*****\"\nb = '*****'\nc = *****\nd = \"has ***************\"\n"
    );
}

#[test]
fn masks_every_dotenv_value_and_lines_without_a_name() {
    let r = Redactor::new();
    let text = "# c=1\nA=abcdefgh1234 x\nexport QWEN_API_KEY sk-0123456789abcdefWXYZ\nsk-0123456789abcdefWXYZ\nAbCdEf0123\nQWEN REGION=intl\nB=\"multi\nline\"\nC='x'\n";
    let out = r.mask_dotenv(text);
    assert_eq!(out.len(), text.len());
    assert_eq!(
        out,
        "# c=1\nA=**************\nexport QWEN_API_KEY sk-****************WXYZ\nsk-****************WXYZ\n**********\nQWEN REGION=****\nB=\"*****\n****\"\nC='*'\n"
    );
    // An unclosed quote runs to the end: every later line is its value.
    assert_eq!(r.mask_dotenv("A=\"abc\nB=def\n"), "A=\"***\n*****\n");
    assert_eq!(r.mask_dotenv("export A\n"), "export *\n");
    assert_eq!(r.mask_dotenv("A=x\r\nB= y\r\n"), "A=*\r\nB= *\r\n");
    // Names are kept even when odd; a comment keeps its text but not a key in it.
    assert_eq!(
        r.mask_dotenv("#  sk-0123456789abcdefWXYZ\n"),
        "#  sk-****************WXYZ\n"
    );
    let wide = "\u{3000}sk-0123456789abcdefWXYZ\u{3000}tail\n";
    assert!(!r.mask_dotenv(wide).contains("0123456789"));
}

#[test]
fn learns_the_secrets_of_a_base_url() {
    let mut r = Redactor::new();
    r.learn_url("https://someone1:pa55word-0123@h/v1?api_key=0123456789abcdef&x=visible1");
    assert_eq!(r.len(), 4, "{r:?}");
    // Echoed out of their URL (decoded, or in a path a server quotes), still scrubbed.
    assert_eq!(
        r.scrub("user someone1, password pa55word-0123, key 0123456789abcdef, x visible1"),
        "user …, password …0123, key …cdef, x visible1"
    );
    assert_eq!(
        Redactor::new().scrub("No route for POST /v1?api_key=AbC0123/chat/completions."),
        "No route for POST /v1?api_key=…"
    );
}
