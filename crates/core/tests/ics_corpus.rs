//! The real-world .ics corpus (issue 18): files written by other programs, taken from the
//! test suites and sample folders of four calendar libraries (see
//! `tests/fixtures/ics/corpus/README.md`). Next to each file, `<name>.json` holds the
//! occurrences an independent implementation (python `icalendar` + `recurring-ical-events`,
//! `expect.py`) reads from it over one year from its first start, in UTC.
//!
//! Each file is imported into a fresh database on disk (user zone UTC, so a floating time
//! reads as UTC on both sides), viewed over that year, exported, and the export imported
//! into a second database and viewed again: both views must list exactly the expected
//! occurrences (start and title).
//!
//! Two lists name the files that do not agree yet, each with the reason: `NOT_YET` (work
//! still open in issue 18; empty now) and `DIFFERENT` (Studydesk reads them otherwise on
//! purpose). The
//! test fails when a file outside the lists disagrees, and when a listed file starts to
//! agree, so the lists only shrink.

mod common;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Expected {
    from: String,
    to: String,
    occurrences: Vec<Occurrence>,
}

#[derive(Deserialize)]
struct Occurrence {
    start: String,
    summary: String,
}

/// Files that disagree because of work still open (issue 18, "real-world calendars").
/// Empty since several RRULEs and RANGE=THISANDFUTURE are read (`icaljs__multiple_rrules`,
/// `rie__multiple_rrule`, `rie__issue_75_range_parameter` agree, export included).
const NOT_YET: &[(&str, &str)] = &[];

const MALFORMED: &str = "malformed: the whole file is refused with the line and the reason, as every import does (the other reader guesses)";
const CANCELLED: &str = "a cancelled event or occurrence is not shown (the other reader lists it with STATUS:CANCELLED)";
const NO_SUCH_OCCURRENCE: &str = "an exception (RECURRENCE-ID 7 Jul 2014) names no occurrence of its series: skipped with a note, as every import does (the other reader shows it as one more event); every RDATE occurrence agrees";
const DATE_RDATE_ON_TIMES: &str = "an RDATE of a date (here a PERIOD of dates) on a timed series is read at the series' time of day, as an EXDATE of a date is, so it is DTSTART itself (the other reader puts it at midnight UTC, a second occurrence)";
const NO_ZONE: &str = "TZID \"Western/Central Europe\" is no IANA or Windows name and has no VTIMEZONE: read as UTC with a note (the other reader guesses a zone from the name)";

/// Files Studydesk reads differently on purpose.
const DIFFERENT: &[(&str, &str)] = &[
    ("pyical__issue_348_exception_parsing_value", MALFORMED),
    ("pyical__issue_350", MALFORMED),
    ("pyical__issue_351_whitespace_in_property_and_params", MALFORMED),
    ("pyical__timezone_rdate", MALFORMED),
    ("pyical__timezone_same_start_and_offset", MALFORMED),
    ("rie__Germany_Holidays", MALFORMED),
    ("rie__end_before_start_event", MALFORMED),
    ("rie__issue_128_only_first_event", MALFORMED),
    ("rie__issue_186_invalid_trigger", MALFORMED),
    ("rie__issue_201_mixed_datetime_and_date", MALFORMED),
    ("rie__issue_201_test_matrix", MALFORMED),
    ("rie__issue_61_time_zone_error", MALFORMED),
    ("khal__event_rrule_recuid_cancelled", CANCELLED),
    ("rie__issue_18_cancel_status", CANCELLED),
    ("pyical__issue_526_calendar_with_different_events", NO_ZONE),
    ("pyical__issue_526_calendar_with_event_subset", NO_ZONE),
    ("pyical__issue_526_calendar_with_events", NO_ZONE),
    ("pyical__issue_526_calendar_with_shuffeled_events", NO_ZONE),
    ("rie__issue_117_until_before_dtstart", "UNTIL before DTSTART: the event is kept as its one first occurrence (RFC 5545: DTSTART is the first instance); the other reader shows nothing"),
    ("khal__cal_lots_of_timezones", NO_SUCH_OCCURRENCE),
    ("khal__part1", NO_SUCH_OCCURRENCE),
    ("pyical__issue_1633_rdate_with_dates", DATE_RDATE_ON_TIMES),
    ("pyical__issue_1633_rdate_with_dates_and_tzid", DATE_RDATE_ON_TIMES),
    ("khal__event_dt_mixed_awareness", "floating DTSTART with a zoned DTEND (and a UTC time with a TZID): the floating time is read in the user's zone; the other reader borrows the DTEND's zone"),
];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ics/corpus")
}

fn corpus() -> Vec<(String, Vec<u8>, Expected)> {
    let mut files: Vec<_> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ics"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            let json = std::fs::read(p.with_extension("json")).unwrap_or_else(|_| panic!("{name}.json is missing"));
            (name, std::fs::read(&p).unwrap(), serde_json::from_slice(&json).unwrap())
        })
        .collect()
}

/// `start -> titles` of what the calendar shows between two dates (UTC), as the
/// expectation writes it: `2024-03-01T09:00:00Z` for a timed occurrence, the date for an
/// all-day one.
fn view(f: &common::Fixture, from: &str, to: &str) -> BTreeMap<String, Vec<String>> {
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in f.app.calendar_range(from, to).unwrap().items {
        let start = match &item.starts_at {
            Some(s) => chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string(),
            None => item.date.clone(),
        };
        seen.entry(start).or_default().push(item.title);
    }
    seen.values_mut().for_each(|t| t.sort());
    seen
}

fn expected_view(e: &Expected) -> BTreeMap<String, Vec<String>> {
    let mut want: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for o in &e.occurrences {
        // Studydesk trims titles (as it does for titles typed in the app).
        want.entry(o.start.clone()).or_default().push(o.summary.trim().to_string());
    }
    want.values_mut().for_each(|t| t.sort());
    want
}

/// What differs, in words: occurrences only expected, only shown, or with other titles.
fn differences(want: &BTreeMap<String, Vec<String>>, got: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for (start, titles) in want {
        match got.get(start) {
            None => out.push(format!("missing {start} {titles:?}")),
            Some(g) if g != titles => out.push(format!("at {start} expected {titles:?}, shown {g:?}")),
            _ => {}
        }
    }
    for (start, titles) in got {
        if !want.contains_key(start) {
            out.push(format!("extra {start} {titles:?}"));
        }
    }
    out
}

/// A closed data folder with a new profile in zone UTC: each check starts from a copy of
/// it (a fresh open runs every migration: six times slower, and this test opens 320).
fn template() -> &'static Path {
    static TEMPLATE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let f = common::open();
            common::tz(&f, "UTC");
            let common::Fixture { dir, app, .. } = f;
            drop(app);
            dir
        })
        .path()
}

/// A fresh database on disk: a copy of [`template`].
fn fresh() -> common::Fixture {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(template()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    let clock = studydesk_core::clock::ManualClock::new(common::start_time());
    let app = studydesk_core::api::Studydesk::open(dir.path(), std::sync::Arc::new(clock.clone())).unwrap();
    common::Fixture { dir, app, clock }
}

/// Imports `bytes` into a fresh database (zone UTC) and returns what it shows, and the
/// export.
fn import_and_view(bytes: &[u8], e: &Expected) -> Result<(BTreeMap<String, Vec<String>>, String), String> {
    let f = fresh();
    assert_eq!(f.app.state().unwrap().settings.timezone, "UTC");
    f.app.ics_import(bytes).map_err(|err| format!("import refused: {err}"))?;
    let shown = view(&f, &e.from, &e.to);
    let exported = f.app.ics_export(None::<String>, None::<String>).map_err(|err| format!("export failed: {err}"))?;
    Ok((shown, exported))
}

fn check(bytes: &[u8], e: &Expected) -> Vec<String> {
    let want = expected_view(e);
    let (shown, exported) = match import_and_view(bytes, e) {
        Ok(x) => x,
        Err(why) => return vec![why],
    };
    let mut found = differences(&want, &shown);
    if !found.is_empty() {
        return found;
    }
    match import_and_view(exported.as_bytes(), e) {
        Ok((again, _)) => found.extend(differences(&want, &again).into_iter().map(|d| format!("after export: {d}"))),
        Err(why) => found.push(format!("after export: {why}")),
    }
    found
}

#[test]
fn every_listed_file_is_in_the_corpus() {
    let names: Vec<String> = corpus().into_iter().map(|(n, _, _)| n).collect();
    for (listed, _) in NOT_YET.iter().chain(DIFFERENT) {
        assert!(names.iter().any(|n| n == listed), "{listed} is listed but not in the corpus");
    }
}

#[test]
fn the_corpus_has_at_least_fifty_real_files_from_several_projects() {
    let files = corpus();
    assert!(files.len() >= 50, "{} files", files.len());
    let projects: std::collections::BTreeSet<_> = files.iter().map(|(n, _, _)| n.split("__").next().unwrap().to_string()).collect();
    assert!(projects.len() >= 4, "{projects:?}");
}

#[test]
fn every_corpus_file_imports_views_and_reexports_as_its_authors_read_it() {
    let mut wrong = Vec::new();
    let mut agreeing_but_listed = Vec::new();
    // Each file gets two fresh databases on disk: spread over the cores.
    let files = corpus();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(8);
    let results: Vec<(String, Vec<String>)> = std::thread::scope(|scope| {
        let chunks: Vec<_> = files.chunks(files.len().div_ceil(workers)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.iter().map(|(n, b, e)| (n.clone(), check(b, e))).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    for (name, found) in results {
        let listed = NOT_YET.iter().chain(DIFFERENT).any(|(n, _)| *n == name);
        match (found.is_empty(), listed) {
            (false, false) => {
                let shown: Vec<_> = found.iter().take(6).cloned().collect();
                wrong.push(format!("{name}: {} difference(s): {}", found.len(), shown.join("; ")));
            }
            (true, true) => agreeing_but_listed.push(name),
            _ => {}
        }
    }
    assert!(agreeing_but_listed.is_empty(), "these now agree: remove them from NOT_YET / DIFFERENT: {agreeing_but_listed:?}");
    assert!(wrong.is_empty(), "{} file(s) read wrong:\n{}", wrong.len(), wrong.join("\n"));
}
