//! `provcat schema`: print or write the JSON Schemas editors use for catalog files and
//! for the user's config file.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use provcat::compiler::schema::{self, FileKind};
use provcat::config;

use super::output::{print_stdout, write_atomically};
use super::{Failure, Outcome};

/// `NAME` is required unless `--write` is given; clap would show it as `[NAME]`, so the usage
/// line says which forms there are.
#[derive(Debug, Args)]
#[command(override_usage = "provcat schema [OPTIONS] <NAME>\n       provcat schema [OPTIONS] --write [DIR]")]
pub struct SchemaArgs {
    /// The schema to print (required unless --write).
    #[arg(value_enum, required_unless_present = "write")]
    name: Option<SchemaName>,
    /// Write every committed schema under DIR instead (default `schemas`).
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "schemas")]
    write: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SchemaName {
    /// `catalog/catalog.toml`
    Catalog,
    /// `catalog/<provider>/provider.toml`
    Provider,
    /// `catalog/<provider>/models/<id>.toml`
    Model,
    /// The user's config file (`~/.config/provcat/config.toml`)
    Config,
}

/// Every committed schema: its path under `schemas/` and its text.
pub fn committed() -> Vec<(&'static str, String)> {
    let mut all = schema::committed_schemas();
    all.push((
        config::SCHEMA_PATH,
        schema::to_pretty(&config::config_schema()),
    ));
    all
}

pub fn run(args: SchemaArgs) -> Outcome {
    if let Some(dir) = args.write {
        for (path, text) in committed() {
            let target = dir.join(path);
            write_atomically(&target, text.as_bytes())?;
            eprintln!("wrote {}", target.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let value = match args.name {
        Some(SchemaName::Catalog) => FileKind::Catalog.schema(),
        Some(SchemaName::Provider) => FileKind::Provider.schema(),
        Some(SchemaName::Model) => FileKind::Model.schema(),
        Some(SchemaName::Config) => config::config_schema(),
        None => {
            return Err(Failure::input(
                "name a schema (`catalog`, `provider`, `model` or `config`) or pass --write",
            ));
        }
    };
    print_stdout(&schema::to_pretty(&value))
}
