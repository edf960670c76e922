//! provcat's integration tests: one binary, one module per area.

mod bad_configs;
mod broken_catalogs;
mod canary;
#[cfg(unix)]
mod catalog_walk;
mod chat;
mod chat_cost;
mod cli;
mod completions_man;
mod config;
mod contributing;
mod debug;
mod docs;
mod editor;
mod export;
mod file_safety;
mod generated;
mod grammar;
mod hostile;
mod import;
mod import_bad;
mod import_mapping;
mod man_sections;
mod models_facts;
mod overlays;
mod plan_keys;
mod providers;
mod readme;
mod redaction;
mod regions;
mod robustness;
mod scale;
mod schemas;
mod seed_facts;
#[cfg(feature = "serve")]
mod serve;
mod support;
mod table_width;
mod terminal;
mod tidy;
mod twin;
mod video;
mod video_output;
