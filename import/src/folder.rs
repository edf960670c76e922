//! Writing the output folder as a whole, through [`provcat_common::folder`]: a fresh folder
//! renamed into place, an earlier import replaced whole, a folder the import did not write
//! (it lacks the marker file) refused.

use std::path::Path;

pub use provcat_common::folder::FolderError;
use provcat_common::folder::FolderWriter;

use crate::render::MARKER;

const WRITER: FolderWriter = FolderWriter {
    marker: MARKER,
    command: "provcat import",
};

/// Checks that `target` may be written (before any work is done).
pub fn check_target(target: &Path) -> Result<(), FolderError> {
    WRITER.check_target(target)
}

/// Writes `files` (relative path, text; the marker file among them) as the folder
/// `target`, replacing an earlier import.
pub fn write(target: &Path, files: &[(String, String)]) -> Result<(), FolderError> {
    WRITER.write(target, files)
}
