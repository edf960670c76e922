//! Compiles the TOML catalog under `catalog/` into Rust tables (`$OUT_DIR/catalog.rs`),
//! and keeps its sources (`$OUT_DIR/catalog_sources.rs`) for run-time overlays.
//!
//! All the work is done by `provcat-compiler`, the same code `provcat catalog check`
//! runs. A broken catalog fails the build with rustc-style diagnostics and writes nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    println!("cargo::rerun-if-changed=catalog");
    println!("cargo::rerun-if-changed=schemas");
    let catalog = match provcat_compiler::compile_dir(Path::new("catalog")) {
        Ok(catalog) => catalog,
        Err(report) => {
            eprint!("{}", report.render(false));
            return ExitCode::FAILURE;
        }
    };
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    // The sources too: run-time overlays are compiled together with them, under the same
    // checks.
    let mut report = provcat_compiler::Report::default();
    let sources = provcat_compiler::load::load_dir(Path::new("catalog"), &mut report);
    let outputs = [
        ("catalog.rs", provcat_compiler::codegen::generate(&catalog)),
        (
            "catalog_sources.rs",
            provcat_compiler::codegen::sources(&sources),
        ),
    ];
    for (name, text) in outputs {
        let target = out_dir.join(name);
        let temporary = out_dir.join(format!("{name}.tmp"));
        let written =
            std::fs::write(&temporary, text).and_then(|()| std::fs::rename(&temporary, &target));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", target.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
