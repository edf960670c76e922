//! Generated catalogs shaped like `catalog/qwen/`, for the compiler benchmark
//! (`benches/compile.rs`) and the scale test (`tests/it/scale.rs`, which includes this
//! file with `#[path]`).
//!
//! [`catalog`] spreads `models` models over `providers` providers, each shaped like
//! `catalog/qwen/provider.toml` (two plans, two regions, four endpoints with hosts of its
//! own, four auth choices with legacy ids, a namespace alias and a ref alias), with chat
//! and video models shaped like the real ones (model aliases, `may-be-rejected` plans, a
//! deprecated model with a replacement). [`inject_errors`] then breaks some files in
//! known ways, to measure and test that every error is reported in one pass.

use std::fmt::Write;

use provcat_compiler::SourceFile;

/// Models per provider when only a model count is given (1,000 / 5,000 / 10,000 models
/// give 15 / 72 / 143 providers).
pub const MODELS_PER_PROVIDER: usize = 70;

const VIDEO_REASON: &str = "Video generation uses the native API, which only the \
    Standard (pay-as-you-go) hosts serve; use a Standard auth choice and key.";
const CODING_REASON: &str = "Coding Plan availability can lag behind the public \
    catalog; the Coding Plan API can reject a model until it appears in your plan.";

/// The catalog root shown in diagnostics.
pub const ROOT: &str = "catalog";

/// A catalog of exactly `models` models over `providers` providers (each gets
/// `ceil(models / providers)` models, the last ones fewer; at least one each), as the
/// files `load_dir` would read, sorted by relative path.
pub fn catalog(models: usize, providers: usize) -> Vec<SourceFile> {
    let per = models.div_ceil(providers.max(1)).max(1);
    let providers = models.div_ceil(per);
    let mut files = Vec::with_capacity(models + providers);
    for p in 0..providers {
        let id = provider_id(p);
        let first = p * per;
        let last = (first + per).min(models);
        for (j, global) in (first..last).enumerate() {
            let (model_id, text) = model(p, j, global, first, per);
            files.push(SourceFile::new(
                ROOT,
                &format!("{id}/models/{model_id}.toml"),
                text,
            ));
        }
        files.push(SourceFile::new(
            ROOT,
            &format!("{id}/provider.toml"),
            provider(p, first),
        ));
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    files
}

fn provider_id(p: usize) -> String {
    format!("p{p:03}")
}

/// The model kind of the `j`-th model of a provider: two in seven are video models,
/// and the first (the default model) is always chat.
fn is_video(j: usize) -> bool {
    j % 7 == 2 || j % 7 == 5
}

fn model_id(j: usize, global: usize) -> String {
    if is_video(j) {
        format!("wan{global:05}-v")
    } else {
        format!("qwen{global:05}.5-plus")
    }
}

fn provider(p: usize, first_model: usize) -> String {
    let id = provider_id(p);
    let env = id.to_ascii_uppercase();
    let default = format!("{id}/{}", model_id(0, first_model));
    let mut out = String::new();
    let _ = write!(
        out,
        r#"#:schema ../../schemas/catalog/provider.schema.json
# Synthetic provider {p} for the compiler benchmark.

id = "{id}"
name = "Provider {p} (benchmark)"
namespace_aliases = ["legacy-{id}"]
auth_env = ["{env}_API_KEY", "LEGACY_{env}_API_KEY"]
default_model = "{default}"

[links]
api_keys = "https://{id}.example.com/api-keys"
docs = "https://docs.{id}.example.com"

[[plans]]
id = "standard"
name = "Standard (pay-as-you-go)"
billing = "pay-as-you-go"
key_prefix = "sk-"

[[plans]]
id = "coding"
name = "Coding Plan (subscription)"
billing = "subscription"
key_prefix = "sk-sp-"

[[regions]]
id = "cn"
name = "China"

[[regions]]
id = "global"
name = "Global (Intl)"

[[endpoints]]
plan = "standard"
region = "cn"

[[endpoints.surfaces]]
kind = "chat"
dialect = "openai-completions"
base_url = "https://{id}.example.com/v1"
capabilities = {{ streaming_usage = true, developer_role = false, thinking_format = "enable-thinking", thinking_needs_stream = true }}

[[endpoints.surfaces]]
kind = "video"
dialect = "dashscope-video"
base_url = "https://{id}.example.com"
polls_per_second = 20

[[endpoints]]
plan = "standard"
region = "global"

[[endpoints.surfaces]]
kind = "chat"
dialect = "openai-completions"
base_url = "https://{id}-intl.example.com/v1"
capabilities = {{ streaming_usage = true, developer_role = false, thinking_format = "enable-thinking", thinking_needs_stream = true }}

[[endpoints.surfaces]]
kind = "video"
dialect = "dashscope-video"
base_url = "https://{id}-intl.example.com"
polls_per_second = 20

[[endpoints]]
plan = "coding"
region = "cn"

[[endpoints.surfaces]]
kind = "chat"
dialect = "openai-completions"
base_url = "https://coding.{id}.example.com/v1"
capabilities = {{ streaming_usage = true }}

[[endpoints]]
plan = "coding"
region = "global"

[[endpoints.surfaces]]
kind = "chat"
dialect = "openai-completions"
base_url = "https://coding-intl.{id}.example.com/v1"
capabilities = {{ streaming_usage = true }}
"#
    );
    for (choice, plan, region) in [
        ("standard-api-key-cn", "standard", "cn"),
        ("standard-api-key", "standard", "global"),
        ("api-key-cn", "coding", "cn"),
        ("api-key", "coding", "global"),
    ] {
        let _ = write!(
            out,
            r#"
[[auth_choices]]
id = "{id}-{choice}"
plan = "{plan}"
region = "{region}"
legacy_aliases = ["legacy-{id}-{choice}"]
"#
        );
    }
    let _ = write!(
        out,
        "\n[ref_aliases]\n\"{id}/{}-old\" = \"{default}\"\n",
        model_id(1, first_model + 1).trim_end_matches("-plus")
    );
    out
}

/// The `j`-th model of provider `p` (`global`-th of the catalog): its id and text.
fn model(
    p: usize,
    j: usize,
    global: usize,
    first_model: usize,
    per_provider: usize,
) -> (String, String) {
    let id = model_id(j, global);
    let family = format!("family{}", j / 10);
    let mut out = String::new();
    let _ = writeln!(out, "#:schema ../../../schemas/catalog/model.schema.json");
    let _ = writeln!(out, "id = \"{id}\"");
    if is_video(j) {
        let (mode, name, input, media, extra) = match global % 4 {
            0 => (
                "t2v",
                "text-to-video",
                r#"["text"]"#,
                "field = \"none\"\n",
                "",
            ),
            1 => (
                "i2v",
                "image-to-video",
                r#"["text", "image"]"#,
                "field = \"img_url\"\nmin_items = 1\nmax_items = 1\nmax_images = 1\nmax_videos = 0\nremote_urls_only = true\n",
                "resolutions = [\"720P\", \"1080P\"]\n",
            ),
            2 => (
                "r2v",
                "reference-to-video",
                r#"["text", "image", "video"]"#,
                "field = \"reference_urls\"\nmin_items = 1\nmax_items = 5\nmax_videos = 3\nremote_urls_only = true\n",
                "",
            ),
            _ => (
                "r2v",
                "reference-to-video",
                r#"["text", "image", "video"]"#,
                "field = \"media\"\nmin_items = 1\nremote_urls_only = true\n",
                "ratios = [\"16:9\", \"9:16\", \"1:1\", \"4:3\", \"3:4\"]\n",
            ),
        };
        let _ = write!(
            out,
            r#"name = "Wan {global} {name}"
kind = "video"
family = "{family}"
input = {input}
aliases = ["vendor{p}/{id}"]
notes = "Synthetic {name} model {global}"

[video]
mode = "{mode}"
{extra}
[video.media]
{media}
[availability.standard]
status = "available"

[availability.coding]
status = "unavailable"
reason = "{VIDEO_REASON}"
"#
        );
    } else {
        let reasoning = !j.is_multiple_of(3);
        let thinking = reasoning && j.is_multiple_of(2);
        let _ = write!(
            out,
            r#"name = "Qwen {global} Plus"
kind = "chat"
family = "{family}"
input = ["text", "image"]
context_window = 1_000_000
max_output_tokens = 65_536
reasoning = {reasoning}
thinking_by_default = {thinking}
notes = "Chat model {global}"
"#
        );
        // The last model of a full provider is deprecated in favour of its first.
        if j == per_provider - 1 {
            let _ = write!(
                out,
                "\n[lifecycle]\nstatus = \"deprecated\"\nreplacement = \"{}/{}\"\ndate = \"2026-06-30\"\n",
                provider_id(p),
                model_id(0, first_model)
            );
        }
        let _ = write!(
            out,
            "\n[availability.standard]\nstatus = \"available\"\n\n[availability.coding]\n"
        );
        if j % 4 == 3 {
            let _ = writeln!(
                out,
                "status = \"may-be-rejected\"\nreason = \"{CODING_REASON}\""
            );
        } else {
            let _ = writeln!(out, "status = \"available\"");
        }
    }
    (id, out)
}

/// One mistake put into a file by [`inject_errors`]: the file, the 1-based line the
/// compiler must point at, and the rule it breaks.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Injected {
    /// The file as displayed in diagnostics (`catalog/p003/models/qwen00212.5-plus.toml`).
    pub path: String,
    /// 1-based line of the mistake.
    pub line: usize,
    /// The rule code the compiler reports.
    pub rule: &'static str,
}

impl Injected {
    /// What `report` says, as the same records, in report order (to compare with what was
    /// injected).
    pub fn reported(report: &provcat_compiler::Report) -> Vec<Injected> {
        report
            .diagnostics()
            .into_iter()
            .map(|d| {
                let location = report.location(d).unwrap_or_default();
                let mut parts = location.rsplitn(3, ':');
                let _col = parts.next();
                let line = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
                Injected {
                    path: parts.next().unwrap_or_default().to_string(),
                    line,
                    rule: d.rule.code(),
                }
            })
            .collect()
    }
}

/// The mistakes, as (line of a chat model file, text before, text after, rule). The
/// first three break the schema, the last a semantic rule (so it can only be found in a
/// file whose schema is valid).
const MISTAKES: &[(usize, &str, &str, &str)] = &[
    (4, "kind = \"chat\"", "kind = \"chatt\"", "invalid-value"),
    (11, "notes = \"Chat", "notes = 42 # \"Chat", "wrong-type"),
    (5, "family = ", "famliy = ", "unknown-key"),
    (
        8,
        "max_output_tokens = 65_536",
        "max_output_tokens = 2_000_000",
        "output-exceeds-context",
    ),
];

/// Breaks `broken_files` chat model files spread evenly over the catalog, cycling
/// through [`MISTAKES`]; every fourth broken file gets a second mistake (a misspelt
/// key) beside a wrong `kind`, so some files hold several. Returns every mistake put in,
/// sorted by file and line: exactly what a one-pass compiler must report.
pub fn inject_errors(files: &mut [SourceFile], broken_files: usize) -> Vec<Injected> {
    let chat: Vec<usize> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.relative.contains("/models/qwen"))
        .map(|(i, _)| i)
        .collect();
    let broken_files = broken_files.min(chat.len());
    let mut injected = Vec::with_capacity(broken_files * 5 / 4);
    for k in 0..broken_files {
        let i = chat[k * chat.len() / broken_files];
        let f = &files[i];
        let mut text = f.text.to_string();
        let mut mistakes = vec![MISTAKES[k % MISTAKES.len()]];
        if k.is_multiple_of(MISTAKES.len()) && k.is_multiple_of(8) {
            mistakes.push(MISTAKES[2]);
        }
        for (line, before, after, rule) in mistakes {
            assert!(
                text.lines()
                    .nth(line - 1)
                    .is_some_and(|l| l.starts_with(before)),
                "{}: line {line} is not `{before}…`",
                f.path
            );
            text = text.replacen(before, after, 1);
            injected.push(Injected {
                path: f.path.clone(),
                line,
                rule,
            });
        }
        files[i] = SourceFile::new(ROOT, &f.relative, text);
    }
    injected.sort();
    injected
}
