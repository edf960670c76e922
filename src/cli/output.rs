//! Shared printing helpers: JSON to stdout, plain tables (and fitting one to the
//! terminal's width), number formatting, and writing files atomically. What they print
//! is cleaned by [`super::say`]: text is scrubbed and escaped, every string of JSON
//! scrubbed.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use comfy_table::{ColumnConstraint, ContentArrangement, Row, Table, presets};
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
pub fn table(header: impl Into<Row>) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING).set_header(header);
    table
}

/// The width a table printed on stdout must fit: on a terminal, `$COLUMNS` when it is a
/// positive number, else the terminal's own width; `None` when stdout is not a terminal
/// (piped output keeps every column whole, so scripts see the same lines whatever the
/// terminal).
pub fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
        .or_else(|| {
            console::Term::stdout()
                .size_checked()
                .map(|(_, columns)| usize::from(columns))
        })
}

/// How a table is fitted to a terminal: which columns go first, which never wrap.
#[derive(Clone, Copy)]
pub struct Fit<'a> {
    /// Columns left out, least wanted first, until the table fits.
    pub drop_order: &'a [usize],
    /// Columns whose cells are never wrapped (ids, refs, URLs someone will copy).
    pub whole: &'a [usize],
}

/// Fits `table` in `width` columns: hides columns in `fit.drop_order` until the rest fits
/// or only the columns not in it are left, then wraps the cells of what still does not
/// fit, but for the `fit.whole` columns (a table whose whole columns alone are wider than
/// `width` stays wider: an id or a URL cut in two cannot be copied); returns the headers
/// of the columns hidden.
pub fn fit_to_width(table: &mut Table, fit: Fit<'_>, width: usize) -> Vec<String> {
    let widths: Vec<usize> = table
        .column_max_content_widths()
        .into_iter()
        .map(usize::from)
        .collect();
    let mut shown: Vec<bool> = vec![true; widths.len()];
    // Each column is padded by one space on each side and followed by a border space.
    let line = |shown: &[bool]| -> usize {
        1 + widths
            .iter()
            .zip(shown)
            .filter(|(_, s)| **s)
            .map(|(w, _)| w + 3)
            .sum::<usize>()
    };
    let headers: Vec<String> = table
        .header()
        .map(|h| h.cell_iter().map(|c| c.content()).collect())
        .unwrap_or_default();
    let mut hidden = Vec::new();
    for &index in fit.drop_order {
        if line(&shown) <= width {
            break;
        }
        if let (Some(s), Some(column)) = (shown.get_mut(index), table.column_mut(index)) {
            *s = false;
            column.set_constraint(ColumnConstraint::Hidden);
            hidden.extend(headers.get(index).cloned());
        }
    }
    for &index in fit.whole {
        if let Some(column) = table.column_mut(index) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    table
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    hidden
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

/// How [`print_fitted_table`] printed a table: the width it fitted (none when piped) and
/// the columns it left out.
pub struct Fitted {
    /// The terminal's width, when stdout is one.
    pub width: Option<usize>,
    hidden: Vec<String>,
}

impl Fitted {
    /// Prints `text` as a paragraph after the table, wrapped to the terminal's width.
    pub fn print_paragraph(&self, text: &str) -> Outcome {
        print_stdout(&format!("\n{}\n", wrap(text, self.width)))
    }

    /// Names the columns left out, if any, and where the facts they hold are (`where_else`:
    /// "`--json` has every field").
    pub fn print_note(&self, where_else: &str) -> Outcome {
        if self.hidden.is_empty() {
            return Ok(ExitCode::SUCCESS);
        }
        self.print_paragraph(&format!(
            "Left out to fit the terminal: {}. {where_else}; piped, the table has every column.",
            self.hidden.join(", ")
        ))
    }
}

/// Prints `table` like [`print_table`], fitted on a terminal ([`terminal_width`]) by
/// [`fit_to_width`]; piped, whole. Say what was left out with [`Fitted::print_note`].
pub fn print_fitted_table(mut table: Table, fit: Fit<'_>) -> Result<Fitted, Failure> {
    let width = terminal_width();
    let hidden = match width {
        Some(width) => fit_to_width(&mut table, fit, width),
        None => Vec::new(),
    };
    print_table(&table)?;
    Ok(Fitted { width, hidden })
}

/// `text` with its words moved to new lines so that no line is wider than `width` (when
/// given; a word longer than that keeps a line of its own).
pub fn wrap(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_string();
    };
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
    }
    out
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
    use super::{Fit, fit_to_width, table, thousands, wrap};

    #[test]
    fn columns_are_left_out_in_order_until_the_table_fits() {
        let fits = |t: &comfy_table::Table, width: usize| {
            t.to_string().lines().all(|l| l.chars().count() <= width)
        };
        let mut t = table(["ID", "SHORT", "LONG"]);
        t.add_row(["a-long-identifier", "x", "some words that take room"]);
        let whole = t.clone();
        let fit = Fit {
            drop_order: &[2, 1],
            whole: &[0],
        };
        assert_eq!(fit_to_width(&mut t, fit, 200), Vec::<String>::new());
        assert_eq!(t.to_string(), whole.to_string());
        let mut t = whole.clone();
        assert_eq!(fit_to_width(&mut t, fit, 30), ["LONG"]);
        assert!(fits(&t, 30), "{t}");
        // Only the id is left, and it is not cut even where it does not fit.
        let mut t = whole.clone();
        assert_eq!(fit_to_width(&mut t, fit, 12), ["LONG", "SHORT"]);
        assert!(t.to_string().contains("a-long-identifier"), "{t}");
        // Without a drop order, the long column is wrapped instead.
        let mut t = whole;
        let wrap_only = Fit {
            drop_order: &[],
            whole: &[0],
        };
        assert!(fit_to_width(&mut t, wrap_only, 40).is_empty());
        assert!(fits(&t, 40), "{t}");
        let text = t.to_string();
        assert!(
            text.contains("a-long-identifier") && text.lines().count() > 2,
            "{text}"
        );
    }

    #[test]
    fn wraps_words_to_the_width() {
        assert_eq!(wrap("a bb ccc dddd", Some(6)), "a bb\nccc\ndddd");
        assert_eq!(wrap("a bb ccc", None), "a bb ccc");
        assert_eq!(wrap("longword x", Some(4)), "longword\nx");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(202_752), "202,752");
        assert_eq!(thousands(65_536), "65,536");
        assert_eq!(thousands(999), "999");
    }
}
