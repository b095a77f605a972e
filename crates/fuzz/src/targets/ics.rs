//! The ICS reader: an .ics file's bytes parsed (`ics::parse::read`), read into events in
//! a user's zone (`ics::read::events`: time zones, VTIMEZONE rules, RRULE, RDATE, EXDATE,
//! overrides, alarms), and each series expanded as the calendar views expand it (a
//! year and a bit from its start, at most 1,000 occurrences, and its last occurrence).
//! No database: the import's storing half is reached by the `ipc` target's `ics_import`.

use super::{bucket, shape, Target};
use chrono::Duration;
use chrono_tz::Tz;
use studydesk_core::planner::calendar::ics::{future, parse, read};
use studydesk_core::planner::calendar::recurrence::{Occ, Series};

pub static TARGET: Target = Target { name: "ics", run, seeds, dict: DICT, mutate: None, max_len: 64 * 1024, uses_app: false };

/// The user's zone varies with the input, so floating times are read in several zones.
const ZONES: [Tz; 4] = [chrono_tz::UTC, chrono_tz::Europe::Berlin, chrono_tz::America::New_York, chrono_tz::Australia::Lord_Howe];

fn run(data: &[u8]) -> String {
    let calendars = match parse::read(data) {
        Ok(c) => c,
        Err(e) => return format!("parse:{}", shape(&e.to_string())),
    };
    let tz = ZONES[data.len() % ZONES.len()];
    let read = match read::events(&calendars, tz) {
        Ok(r) => r,
        Err(e) => return format!("read:{}", shape(&e.to_string())),
    };
    let (mut occurrences, mut refused) = (0, 0);
    // As the importer does: THISANDFUTURE overrides split their series into parts.
    let event_count = read.events.len();
    let (masters, overrides): (Vec<_>, Vec<_>) = read.events.into_iter().partition(|e| e.recurrence_id.is_none());
    let mut notes = Vec::new();
    let (masters, _) = future::split(masters, overrides, &mut notes);
    for ev in masters.iter().take(64) {
        let Some(rule) = &ev.rule else { continue };
        let series = Series { rule: rule.clone(), more_rules: ev.more_rules.clone(), tz: ev.tz, start: ev.start.occ(), rdates: ev.rdates.clone() };
        let from = series.start;
        let to = match from {
            Occ::Date(d) => d.checked_add_signed(Duration::days(400)).map(Occ::Date),
            Occ::Time(t) => t.checked_add_signed(Duration::days(400)).map(Occ::Time),
        };
        match to.map(|to| series.between(from, to, 1000)) {
            Some(Ok(o)) => occurrences += o.len(),
            _ => refused += 1,
        }
        if series.last().is_err() {
            refused += 1;
        }
    }
    let notes = read.notes.first().map(|n| shape(&n.reason)).unwrap_or_default();
    format!("ok:e{}:o{}:r{}:n{}:{notes}", bucket(event_count), bucket(occurrences), bucket(refused), bucket(read.notes.len()))
}

/// The ICS fixtures of the core's tests: four programs' exports and the corpus of real
/// files from other calendar libraries' test suites.
fn seeds() -> Vec<Vec<u8>> {
    let dir = super::repo_dir().join("crates/core/tests/fixtures/ics");
    let mut out = vec![];
    for d in [dir.clone(), dir.join("corpus")] {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "ics")).collect();
        paths.sort();
        out.extend(paths.iter().filter_map(|p| std::fs::read(p).ok()));
    }
    out
}

const DICT: &[&[u8]] = &[
    b"BEGIN:VCALENDAR\r\n", b"END:VCALENDAR\r\n", b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n", b"BEGIN:VTIMEZONE\r\n",
    b"END:VTIMEZONE\r\n", b"BEGIN:STANDARD\r\n", b"END:STANDARD\r\n", b"BEGIN:DAYLIGHT\r\n", b"END:DAYLIGHT\r\n",
    b"BEGIN:VALARM\r\n", b"END:VALARM\r\n", b"RRULE:", b"FREQ=DAILY", b"FREQ=WEEKLY", b"FREQ=MONTHLY", b"FREQ=YEARLY",
    b"FREQ=HOURLY", b"FREQ=MINUTELY", b"FREQ=SECONDLY", b";COUNT=", b";UNTIL=", b";INTERVAL=", b";BYDAY=", b"-1MO",
    b"5FR", b"SU,MO,TU", b";BYMONTHDAY=", b"-31", b";BYSETPOS=", b";BYMONTH=", b";BYYEARDAY=", b";BYWEEKNO=",
    b";BYHOUR=", b";WKST=SU", b"DTSTART:", b"DTSTART;TZID=", b"DTSTART;VALUE=DATE:", b"DTEND:", b"DTEND;TZID=",
    b"DURATION:", b"P1D", b"PT1H", b"-P1W", b"P1Y", b"EXDATE:", b"EXDATE;TZID=", b"RDATE:", b"RDATE;VALUE=PERIOD:",
    b"RDATE;VALUE=DATE:", b"/PT1H", b"RECURRENCE-ID:", b"RECURRENCE-ID;RANGE=THISANDFUTURE:", b"TZID:", b"TZOFFSETFROM:",
    b"TZOFFSETTO:", b"+0100", b"-2400", b"+1400", b"+013045", b"19700101T000000", b"20240229T120000Z", b"20240229T120000",
    b"20240229", b"99991231", b"00000101", b"16010101T000000", b"20241301T250000", b"\r\n ", b"\r\n\t", b"\r\n", b"\n",
    b":", b";", b"=", b"\"", b",", b"\\,", b"\\n", b"\\", b"TRIGGER:-PT15M", b"TRIGGER;VALUE=DATE-TIME:",
    b"TRIGGER;RELATED=END:", b"SEQUENCE:", b"STATUS:CANCELLED", b"UID:", b"X-WR-TIMEZONE:", b"Europe/Berlin",
    b"America/New_York", b"W. Europe Standard Time", b"custom_America/New_York", b"CATEGORIES:", b"SUMMARY:",
    b"LOCATION:", b"URL:", b"DESCRIPTION:", b"\xef\xbb\xbf", b"\xc3\xa9", b"\xe2\x80\xae",
];
