//! provcat's integration tests: one binary, one module per area.

mod bad_configs;
mod broken_catalogs;
mod canary;
#[cfg(unix)]
mod catalog_walk;
mod chat;
mod cli;
mod completions_man;
mod config;
mod contributing;
mod docs;
mod editor;
mod generated;
mod robustness;
mod scale;
mod schemas;
mod seed_facts;
mod support;
mod video;
