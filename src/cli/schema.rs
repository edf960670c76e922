//! `provcat schema`: print or write the JSON Schemas editors use for catalog files.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use provcat::compiler::schema::{self, FileKind};

use super::output::{print_stdout, write_atomically};
use super::{Failure, Outcome};

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The schema to print.
    #[arg(value_enum, required_unless_present = "write")]
    name: Option<SchemaName>,
    /// Write every committed schema under DIR instead (default `schemas`).
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "schemas")]
    write: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SchemaName {
    /// `catalog/<provider>/provider.toml`
    Provider,
    /// `catalog/<provider>/models/<id>.toml`
    Model,
}

pub fn run(args: SchemaArgs) -> Outcome {
    if let Some(dir) = args.write {
        for (path, text) in schema::committed_schemas() {
            let target = dir.join(path);
            write_atomically(&target, &text)?;
            eprintln!("wrote {}", target.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let kind = match args.name {
        Some(SchemaName::Provider) => FileKind::Provider,
        Some(SchemaName::Model) => FileKind::Model,
        None => {
            return Err(Failure::input(
                "name a schema (`provider` or `model`) or pass --write",
            ));
        }
    };
    print_stdout(&schema::to_pretty(&kind.schema()))
}
