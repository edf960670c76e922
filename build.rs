//! Compiles the TOML catalog under `catalog/` into Rust tables (`$OUT_DIR/catalog.rs`).
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
    let target = out_dir.join("catalog.rs");
    let temporary = out_dir.join("catalog.rs.tmp");
    let written = std::fs::write(&temporary, provcat_compiler::codegen::generate(&catalog))
        .and_then(|()| std::fs::rename(&temporary, &target));
    if let Err(e) = written {
        eprintln!("error: cannot write {}: {e}", target.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
