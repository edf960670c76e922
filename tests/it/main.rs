//! provcat's integration tests: one binary, one module per area.

mod broken_catalogs;
mod cli;
mod completions_man;
mod contributing;
mod docs;
mod editor;
mod generated;
mod robustness;
mod scale;
mod schemas;
mod seed_facts;
mod support;
