//! How the catalog compiler scales: `provcat_compiler::compile` and `codegen::generate`
//! on generated in-memory catalogs of 1,000, 5,000 and 10,000 models.
//!
//! Run with `cargo bench --bench compile`. The catalogs come from [`synthetic`]: one
//! provider per 70 models, each shaped like `catalog/qwen/provider.toml` (two plans, two
//! regions, four endpoints with hosts of its own, four auth choices with legacy ids, a
//! namespace alias and a ref alias), with chat and video models shaped like the real
//! ones (model aliases, `may-be-rejected` plans, a deprecated model with a replacement).
//! Every catalog is compiled once before it is measured, and the bench stops if it has
//! any diagnostic or the wrong number of models.
//!
//! Writing a catalog to disk instead (to time or measure `provcat catalog check`):
//!
//! ```sh
//! PROVCAT_WRITE_BENCH_CATALOG=/tmp/provcat-bench-5000 PROVCAT_BENCH_MODELS=5000 \
//!     cargo bench --bench compile
//! ```
//!
//! writes the 5,000-model catalog (`PROVCAT_BENCH_MODELS`, default 5000) into the folder,
//! which must be empty or absent, and exits without benchmarking.

use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group};
use provcat_compiler::{Catalog, SourceFile};

/// Catalog sizes (models) compiled by the scaling benchmark.
const SIZES: &[usize] = &[1_000, 5_000, 10_000];

/// The size `PROVCAT_WRITE_BENCH_CATALOG` writes unless `PROVCAT_BENCH_MODELS` says otherwise.
const DEFAULT_WRITE_SIZE: usize = 5_000;

/// Generated catalogs shaped like the real one.
mod synthetic {
    use std::fmt::Write;

    use provcat_compiler::SourceFile;

    /// Models per provider.
    pub const MODELS_PER_PROVIDER: usize = 70;

    const VIDEO_REASON: &str = "Video generation uses the native API, which only the \
        Standard (pay-as-you-go) hosts serve; use a Standard auth choice and key.";
    const CODING_REASON: &str = "Coding Plan availability can lag behind the public \
        catalog; the Coding Plan API can reject a model until it appears in your plan.";

    /// The catalog root shown in diagnostics.
    pub const ROOT: &str = "catalog";

    /// A catalog of exactly `models` models over `ceil(models / 70)` providers, as the
    /// files `load_dir` would read, sorted by relative path.
    pub fn catalog(models: usize) -> Vec<SourceFile> {
        let providers = models.div_ceil(MODELS_PER_PROVIDER);
        let mut files = Vec::with_capacity(models + providers);
        for p in 0..providers {
            let id = provider_id(p);
            let first = p * MODELS_PER_PROVIDER;
            let last = (first + MODELS_PER_PROVIDER).min(models);
            for (j, global) in (first..last).enumerate() {
                let (model_id, text) = model(p, j, global, first);
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
api = "openai-completions"
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
base_url = "https://{id}.example.com/v1"
native_base_url = "https://{id}.example.com"
surfaces = ["chat", "video"]
capabilities = {{ streaming_usage = true, developer_role = false, thinking_flags = true }}

[[endpoints]]
plan = "standard"
region = "global"
base_url = "https://{id}-intl.example.com/v1"
native_base_url = "https://{id}-intl.example.com"
surfaces = ["chat", "video"]
capabilities = {{ streaming_usage = true, developer_role = false, thinking_flags = true }}

[[endpoints]]
plan = "coding"
region = "cn"
base_url = "https://coding.{id}.example.com/v1"
surfaces = ["chat"]
capabilities = {{ streaming_usage = true, developer_role = true, thinking_flags = false }}

[[endpoints]]
plan = "coding"
region = "global"
base_url = "https://coding-intl.{id}.example.com/v1"
surfaces = ["chat"]
capabilities = {{ streaming_usage = true, developer_role = true, thinking_flags = false }}
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
    fn model(p: usize, j: usize, global: usize, first_model: usize) -> (String, String) {
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
            let reasoning = j % 3 != 0;
            let thinking = reasoning && j % 2 == 0;
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
            if j == MODELS_PER_PROVIDER - 1 {
                let _ = write!(
                    out,
                    "\n[lifecycle]\nstatus = \"deprecated\"\nreplacement = \"{}/{}\"\n",
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
}

/// Compiles `files`, or stops with the rendered diagnostics.
fn compile_checked(files: &[SourceFile], models: usize) -> Catalog {
    match provcat_compiler::compile(files) {
        Ok(catalog) => {
            assert_eq!(catalog.models.len(), models, "generated catalog size");
            catalog
        }
        Err(report) => panic!(
            "the generated {models}-model catalog does not compile:\n{}",
            report.render(false)
        ),
    }
}

fn compile(c: &mut Criterion) {
    let mut catalogs = Vec::with_capacity(SIZES.len());
    let mut group = c.benchmark_group("compile");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1));
    for &models in SIZES {
        let files = synthetic::catalog(models);
        catalogs.push((models, compile_checked(&files, models)));
        // A compile takes roughly 70 µs per model on 2 cores; 2 ms per model gives the
        // ten samples a few iterations each.
        group.measurement_time(Duration::from_millis(models as u64 * 2));
        group.throughput(Throughput::Elements(models as u64));
        group.bench_with_input(BenchmarkId::from_parameter(models), &files, |b, files| {
            b.iter(|| provcat_compiler::compile(black_box(files)))
        });
    }
    group.finish();

    // The 5,000-model catalog is the headline figure; the other sizes show the scaling.
    let mut group = c.benchmark_group("codegen");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1));
    for (models, catalog) in &catalogs {
        group.throughput(Throughput::Elements(*models as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(models),
            catalog,
            |b, catalog| b.iter(|| provcat_compiler::codegen::generate(black_box(catalog))),
        );
    }
    group.finish();
}

/// Writes the `PROVCAT_BENCH_MODELS`-model catalog into `dir`, which must be empty or absent.
fn write_catalog(dir: &Path) -> Result<(), String> {
    let models = match std::env::var("PROVCAT_BENCH_MODELS") {
        Ok(n) => n
            .parse::<usize>()
            .map_err(|e| format!("PROVCAT_BENCH_MODELS=`{n}`: {e}"))?,
        Err(_) => DEFAULT_WRITE_SIZE,
    };
    let occupied = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        return Err(format!("{} is not empty", dir.display()));
    }
    let files = synthetic::catalog(models);
    compile_checked(&files, models);
    for file in &files {
        let path = dir.join(&file.relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &*file.text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    println!(
        "wrote {} files ({models} models) to {}",
        files.len(),
        dir.display()
    );
    Ok(())
}

criterion_group!(benches, compile);

fn main() -> ExitCode {
    if let Some(dir) = std::env::var_os("PROVCAT_WRITE_BENCH_CATALOG") {
        return match write_catalog(Path::new(&dir)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    // What `criterion_main!` expands to.
    benches();
    Criterion::default().configure_from_args().final_summary();
    ExitCode::SUCCESS
}
