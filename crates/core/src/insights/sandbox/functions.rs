//! SQL functions Studydesk adds to the sandbox's connections. Each is deterministic and
//! touches nothing but its arguments, so the guard lists it among the pure functions.
//!
//! - `local_date(value, zone)`: the calendar day of `value` in the IANA `zone`
//!   (`'Asia/Tokyo'`), as `YYYY-MM-DD`. A timestamp with an offset or `Z` (how Studydesk
//!   stores times: UTC) is moved into the zone first; a date, or a date and time without an
//!   offset (already a wall time), keeps its own day. NULL for NULL, a value that is no
//!   date, or an unknown zone. Data models truncate dates with it, so a session at 08:30 in
//!   Tokyo counts on that day, not on the UTC day before.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

pub const LOCAL_DATE: &str = "local_date";

pub fn install(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function(LOCAL_DATE, 2, flags, |ctx| {
        let value: Option<String> = ctx.get(0)?;
        let zone: Option<String> = ctx.get(1)?;
        Ok(match (value, zone) {
            (Some(v), Some(z)) => local_date(&v, &z),
            _ => None,
        })
    })
}

/// See the module contract.
pub fn local_date(value: &str, zone: &str) -> Option<String> {
    let zone: chrono_tz::Tz = zone.parse().ok()?;
    let v = value.trim();
    let iso = v.replacen(' ', "T", 1);
    if let Ok(t) = DateTime::parse_from_rfc3339(&iso) {
        return Some(t.with_timezone(&zone).date_naive().format("%Y-%m-%d").to_string());
    }
    for shape in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(&iso, shape) {
            return Some(t.date().format("%Y-%m-%d").to_string());
        }
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d").ok().map(|d| d.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::local_date;

    #[test]
    fn days_in_the_zone() {
        // 23:30 UTC is already the next morning in Tokyo, still that evening in New York
        assert_eq!(local_date("2026-11-21T23:30:00.000Z", "Asia/Tokyo").as_deref(), Some("2026-11-22"));
        assert_eq!(local_date("2026-11-21 23:30:00Z", "America/New_York").as_deref(), Some("2026-11-21"));
        assert_eq!(local_date("2026-11-22T01:00:00+09:00", "UTC").as_deref(), Some("2026-11-21"));
        // dates and wall times keep their day
        assert_eq!(local_date("2026-11-22", "Asia/Tokyo").as_deref(), Some("2026-11-22"));
        assert_eq!(local_date("2026-11-22 23:59:59", "Pacific/Kiritimati").as_deref(), Some("2026-11-22"));
        // across a DST change (New York, 2026-03-08 02:00 local)
        assert_eq!(local_date("2026-03-08T04:30:00Z", "America/New_York").as_deref(), Some("2026-03-07"));
        assert_eq!(local_date("2026-03-08T05:30:00Z", "America/New_York").as_deref(), Some("2026-03-08"));
        assert_eq!(local_date("soon", "Asia/Tokyo"), None);
        assert_eq!(local_date("2026-11-22", "Mars/Olympus"), None);
    }
}
