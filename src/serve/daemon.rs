//! Daemon concerns (placeholder until step 6).
