//! Task timestamps as DashScope writes them: `2026-01-01 00:00:00.000` (UTC here).

use std::time::{SystemTime, UNIX_EPOCH};

/// The current time as a task timestamp.
pub(crate) fn now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    timestamp(since.as_secs(), since.subsec_millis())
}

/// `YYYY-MM-DD HH:MM:SS.mmm` for `secs` since the Unix epoch plus `millis`.
fn timestamp(secs: u64, millis: u32) -> String {
    let (year, month, day) = civil(secs / 86_400);
    let rem = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{millis:03}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::timestamp;

    #[test]
    fn known_dates() {
        assert_eq!(timestamp(0, 0), "1970-01-01 00:00:00.000");
        assert_eq!(timestamp(951_825_599, 7), "2000-02-29 11:59:59.007");
        assert_eq!(timestamp(1_767_225_600, 999), "2026-01-01 00:00:00.999");
        assert_eq!(timestamp(4_107_542_399, 0), "2100-02-28 23:59:59.000");
    }
}
