//! `provcat schema`: print or write the JSON Schemas editors use for catalog files and
//! for the user's config file; without a NAME, list the schemas there are.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use provcat::compiler::schema::{self, FileKind};
use provcat::config;

use serde::Serialize;

use super::Outcome;
use super::output::{print_json, print_stdout, print_table, table, write_atomically};

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The schema to print; without it, the names are listed.
    #[arg(value_enum)]
    name: Option<SchemaName>,
    /// Write every committed schema under DIR instead (default `schemas`).
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "schemas", conflicts_with = "name")]
    write: Option<PathBuf>,
    /// Print JSON: the list of schemas (`[{name, describes}]`), or with --write the files
    /// written (`{written}`). A schema itself is JSON already.
    #[arg(long)]
    json: bool,
}

/// One schema, as listed without NAME.
#[derive(Serialize)]
struct Listed {
    name: String,
    describes: String,
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
        let mut written = Vec::new();
        for (path, text) in committed() {
            let target = dir.join(path);
            write_atomically(&target, text.as_bytes())?;
            eprintln!("wrote {}", target.display());
            written.push(target);
        }
        if args.json {
            return print_json(&serde_json::json!({ "written": written }));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let value = match args.name {
        Some(SchemaName::Catalog) => FileKind::Catalog.schema(),
        Some(SchemaName::Provider) => FileKind::Provider.schema(),
        Some(SchemaName::Model) => FileKind::Model.schema(),
        Some(SchemaName::Config) => config::config_schema(),
        None => return list(args.json),
    };
    print_stdout(&schema::to_pretty(&value))
}

/// Without NAME: the names there are, each with what its schema describes.
fn list(json: bool) -> Outcome {
    let listed: Vec<Listed> = SchemaName::value_variants()
        .iter()
        .filter_map(|v| v.to_possible_value())
        .map(|v| Listed {
            name: v.get_name().to_string(),
            describes: v.get_help().map(ToString::to_string).unwrap_or_default(),
        })
        .collect();
    if json {
        return print_json(&listed);
    }
    let mut t = table(["NAME", "DESCRIBES"]);
    for l in listed {
        t.add_row([l.name, l.describes]);
    }
    print_table(&t)?;
    eprintln!(
        "print one with `provcat schema NAME`; `provcat schema --write` regenerates the committed ones"
    );
    Ok(ExitCode::SUCCESS)
}
