//! How the catalog compiler scales: `provcat_compiler::compile` and `codegen::generate`
//! on generated in-memory catalogs of 1,000 / 5,000 / 10,000 models over 15 / 75 / 150
//! providers, `compile` plus rendering on the 10,000-model catalog with 1,000 broken
//! files (every error reported in one pass), and rendering 1,000 / 10,000 / 50,000
//! diagnostics in one file (`render`, `unknown_keys`; `cargo bench --bench compile --
//! 'render|unknown_keys'` runs only those).
//!
//! Run with `cargo bench --bench compile`. The catalogs come from [`synthetic`] (shaped
//! like `catalog/qwen/`). Every clean catalog is compiled once before it is measured, and
//! the bench stops if it has any diagnostic or the wrong number of models; the broken one
//! must report exactly the mistakes put in.
//!
//! Writing a catalog to disk instead (to time or measure `provcat catalog check`):
//!
//! ```sh
//! PROVCAT_WRITE_BENCH_CATALOG=/tmp/provcat-bench-10000 PROVCAT_BENCH_MODELS=10000 \
//!     PROVCAT_BENCH_PROVIDERS=150 PROVCAT_BENCH_BROKEN_FILES=0 cargo bench --bench compile
//! ```
//!
//! writes the catalog (`PROVCAT_BENCH_MODELS`, default 5000, over
//! `PROVCAT_BENCH_PROVIDERS` providers, default one per 70 models, with
//! `PROVCAT_BENCH_BROKEN_FILES` broken model files, default 0) into the folder, which
//! must be empty or absent, and exits without benchmarking.

use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group};
use provcat_compiler::{Catalog, SourceFile};

/// Catalog sizes (models, providers) compiled by the scaling benchmark.
const SIZES: &[(usize, usize)] = &[(1_000, 15), (5_000, 75), (10_000, 150)];

/// Broken model files in the 10,000-model catalog of the `errors` group.
const BROKEN_FILES: usize = 1_000;

/// The size `PROVCAT_WRITE_BENCH_CATALOG` writes unless `PROVCAT_BENCH_MODELS` says otherwise.
const DEFAULT_WRITE_SIZE: usize = 5_000;

mod synthetic;

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
    for &(models, providers) in SIZES {
        let files = synthetic::catalog(models, providers);
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

    // Every error in one pass: compile and render the report, as `catalog check` does.
    let (models, providers) = (10_000, 150);
    let mut files = synthetic::catalog(models, providers);
    let injected = synthetic::inject_errors(&mut files, BROKEN_FILES);
    check_reported(&files, &injected);
    let mut group = c.benchmark_group("errors");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(models as u64));
    group.bench_with_input(
        BenchmarkId::new(format!("{} errors", injected.len()), models),
        &files,
        |b, files| {
            b.iter(|| match provcat_compiler::compile(black_box(files)) {
                Ok(_) => String::new(),
                Err(report) => report.render(false),
            })
        },
    );
    group.finish();
}

/// Numbers of unknown keys in the one model file of the `render` and `unknown_keys` groups.
const UNKNOWN_KEYS: &[usize] = &[1_000, 10_000, 50_000];

/// A one-model catalog whose model file starts with `keys` unknown keys (`k0 = 0`, …),
/// each its own diagnostic in one file.
fn unknown_keys(keys: usize) -> Vec<SourceFile> {
    let mut files = synthetic::catalog(1, 1);
    let extra: String = (0..keys).map(|i| format!("k{i} = {i}\n")).collect();
    for file in files.iter_mut().filter(|f| f.relative.contains("/models/")) {
        *file = SourceFile::new(
            synthetic::ROOT,
            &file.relative,
            format!("{extra}{}", file.text),
        );
    }
    files
}

/// Rendering is linear in the number of diagnostics, however many share one file:
/// `render` renders a report of N unknown keys in one model file; `unknown_keys` is the
/// whole of what `catalog check` does with that file short of reading it (parse, schema
/// validation with "did you mean", render).
fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1));
    let mut inputs = Vec::with_capacity(UNKNOWN_KEYS.len());
    for &keys in UNKNOWN_KEYS {
        let files = unknown_keys(keys);
        let Err(report) = provcat_compiler::compile(&files) else {
            panic!("{keys} unknown keys compiled");
        };
        assert_eq!(
            report.diagnostics().len(),
            keys,
            "one diagnostic per unknown key"
        );
        // Roughly 15 µs per diagnostic: ten samples of a few iterations.
        group.measurement_time(Duration::from_millis(keys as u64 / 2));
        group.throughput(Throughput::Elements(keys as u64));
        group.bench_with_input(BenchmarkId::from_parameter(keys), &report, |b, report| {
            b.iter(|| black_box(report).render(false))
        });
        inputs.push((keys, files));
    }
    group.finish();

    let mut group = c.benchmark_group("unknown_keys");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1));
    for (keys, files) in &inputs {
        group.measurement_time(Duration::from_millis(*keys as u64));
        group.throughput(Throughput::Elements(*keys as u64));
        group.bench_with_input(BenchmarkId::from_parameter(keys), files, |b, files| {
            b.iter(|| match provcat_compiler::compile(black_box(files)) {
                Ok(_) => String::new(),
                Err(report) => report.render(false),
            })
        });
    }
    group.finish();
}

/// Stops unless compiling `files` reports exactly the `injected` mistakes.
fn check_reported(files: &[SourceFile], injected: &[synthetic::Injected]) {
    let Err(report) = provcat_compiler::compile(files) else {
        panic!("the broken catalog compiled");
    };
    let reported = synthetic::Injected::reported(&report);
    assert_eq!(
        reported, injected,
        "the report differs from the mistakes put in"
    );
}

/// Writes the `PROVCAT_BENCH_MODELS`-model catalog into `dir`, which must be empty or absent.
fn write_catalog(dir: &Path) -> Result<(), String> {
    let models = match std::env::var("PROVCAT_BENCH_MODELS") {
        Ok(n) => n
            .parse::<usize>()
            .map_err(|e| format!("PROVCAT_BENCH_MODELS=`{n}`: {e}"))?,
        Err(_) => DEFAULT_WRITE_SIZE,
    };
    let number = |var: &str, default: usize| match std::env::var(var) {
        Ok(n) => n.parse::<usize>().map_err(|e| format!("{var}=`{n}`: {e}")),
        Err(_) => Ok(default),
    };
    let providers = number(
        "PROVCAT_BENCH_PROVIDERS",
        models.div_ceil(synthetic::MODELS_PER_PROVIDER),
    )?;
    let broken = number("PROVCAT_BENCH_BROKEN_FILES", 0)?;
    let occupied = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        return Err(format!("{} is not empty", dir.display()));
    }
    let mut files = synthetic::catalog(models, providers);
    if broken == 0 {
        compile_checked(&files, models);
    } else {
        let injected = synthetic::inject_errors(&mut files, broken);
        check_reported(&files, &injected);
        println!("{} mistakes in {broken} files", injected.len());
    }
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

criterion_group!(benches, compile, render);

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
