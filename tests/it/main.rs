//! provcat's integration tests: one binary, one module per area.

mod bad_configs;
mod broken_catalogs;
mod canary;
mod chat;
mod cli;
mod config;
mod generated;
mod schemas;
mod seed_facts;
mod support;
