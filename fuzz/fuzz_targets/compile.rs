//! Fuzz target: the catalog compiler's entry point on arbitrary input.
//!
//! The input is a whole catalog in one text: each file starts with a line
//! `%%% <path inside the catalog>` (`%%% qwen/models/glm-5.toml`); text before the
//! first such line is the model file `p/models/m.toml`. Bytes that are not UTF-8 are
//! replaced, as a catalog file must be UTF-8 to be read at all. `seed-corpus.sh` writes
//! the real catalog in this shape as a starting point.
//!
//! The property: `compile` never panics and returns either a catalog, which generates
//! Rust tables and provider pages, or diagnostics whose spans lie inside their files on
//! character boundaries, rendered without panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use provcat_compiler::{SourceFile, codegen, compile, docs};

const MARKER: &str = "%%% ";

fn files(text: &str) -> Vec<SourceFile> {
    let mut files = Vec::new();
    // The file being read: `None` for the text before the first marker.
    let mut path: Option<String> = None;
    let mut body = String::new();
    for line in text.split_inclusive('\n') {
        if let Some(next) = line.strip_prefix(MARKER) {
            if path.is_some() || !body.is_empty() {
                let current = path.as_deref().unwrap_or("p/models/m.toml");
                files.push(SourceFile::new("catalog", current, std::mem::take(&mut body)));
            }
            path = Some(next.trim_end().to_string());
        } else {
            body.push_str(line);
        }
    }
    let current = path.as_deref().unwrap_or("p/models/m.toml");
    files.push(SourceFile::new("catalog", current, body));
    files
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match compile(&files(&text)) {
        Ok(catalog) => {
            let code = codegen::generate(&catalog);
            assert!(code.starts_with("// @generated"));
            if let Err(e) = docs::pages(&catalog) {
                panic!("docs failed on a compiled catalog: {e}");
            }
        }
        Err(report) => {
            assert!(!report.is_empty());
            let problems = report.span_problems();
            assert!(problems.is_empty(), "invalid spans: {problems:#?}");
            let rendered = report.render(false);
            assert!(rendered.ends_with("; nothing was generated\n"));
        }
    }
});
