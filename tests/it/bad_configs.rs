//! Bad user configs (filled in by the bad-config corpus).
