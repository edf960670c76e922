//! Shared printing helpers: JSON to stdout, plain tables, number formatting, and
//! writing files atomically. What they print is cleaned by [`super::say`]: text is
//! scrubbed and escaped, every string of JSON scrubbed.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use comfy_table::{Table, presets};
use serde::Serialize;

use provcat::client::{ClientError, ErrorKind};

use super::{Failure, Outcome};

/// Prints `value` as pretty JSON on stdout, every string in it scrubbed of secrets, written
/// as it is encoded: only one string is held at a time (`chat --json` may print tens of MiB
/// of answer). serde_json escapes control characters; a closed pipe is not an error.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Outcome {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let formatter = super::say::JsonScrubber::new(serde_json::ser::PrettyFormatter::new());
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    let written = value
        .serialize(&mut serializer)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(Failure::runtime(format!(
            "cannot write JSON to stdout: {e}"
        ))),
    }
}

/// Writes `text` to stdout, cleaned ([`super::say::clean`]); a closed pipe (`| head`) is
/// not an error.
pub fn print_stdout(text: &str) -> Outcome {
    write_stdout(&super::say::clean(text))
}

fn write_stdout(text: &str) -> Outcome {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(Failure::runtime(format!("cannot write to stdout: {e}"))),
    }
}

/// A borderless table with a header row.
pub fn table<const N: usize>(header: [&str; N]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING).set_header(header);
    table
}

/// Prints a table followed by a newline.
pub fn print_table(table: &Table) -> Outcome {
    let mut text = table.to_string();
    // comfy-table pads every line to the column width; trailing spaces are noise.
    text = text
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    print_stdout(&text)
}

/// `1000000` as `1,000,000`.
pub fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Writes `bytes` to `path` through an exclusive temporary file in the same folder and a
/// rename (see [`provcat::atomic`]), so a reader never sees a half-written file; missing
/// folders are created, and an existing file keeps its permissions.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    use provcat::atomic::{self, Mode};
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|e| {
            Failure::runtime(format!(
                "cannot create the folder {}: {e}",
                folder.display()
            ))
        })?;
    }
    let mode = atomic::mode_of(path).map_or(Mode::Default, Mode::Exact);
    atomic::write(path, bytes, mode).map_err(|e| Failure::runtime(e.to_string()))
}

/// The exit code for a request that failed, shared by `chat` and `video`, whatever the
/// dialect: 1 network, timeout, broken stream, server failure or overload after the
/// retries (a redirect, an oversized answer); 2 a request that cannot work; 3 the key or
/// the account was refused; 4 still rate-limited; 130 interrupted.
pub fn exit_code(error: &ClientError) -> u8 {
    match error {
        ClientError::Api { error, .. } => match error.kind {
            ErrorKind::BadKey
            | ErrorKind::Quota
            | ErrorKind::Billing
            | ErrorKind::PlanRestricted => 3,
            ErrorKind::RateLimit => 4,
            ErrorKind::Server | ErrorKind::Overloaded => 1,
            ErrorKind::NotOnPlan
            | ErrorKind::UnknownModel
            | ErrorKind::Moderation
            | ErrorKind::BadRequest => 2,
        },
        ClientError::Invalid(_) => 2,
        ClientError::Interrupted => 130,
        ClientError::Connect { .. }
        | ClientError::Network(_)
        | ClientError::ConnectTimeout { .. }
        | ClientError::IdleTimeout(_)
        | ClientError::Truncated { .. }
        | ClientError::Protocol(_)
        | ClientError::Redirected { .. }
        | ClientError::TooLarge { .. } => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(202_752), "202,752");
        assert_eq!(thousands(65_536), "65,536");
        assert_eq!(thousands(999), "999");
    }
}
