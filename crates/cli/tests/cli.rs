//! The CLI as a script uses it: real process, real data folder, exit codes and output.

mod run;

use run::{cli, fails, ok};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn tasks(dir: &Path) -> Vec<Value> {
    serde_json::from_str::<Value>(&ok(dir, &["task", "list", "--json"])).unwrap().as_array().unwrap().clone()
}

#[test]
fn init_add_list_done_delete() {
    let d = tempfile::tempdir().unwrap();
    assert!(ok(d.path(), &["init"]).contains("studydesk.db"));
    assert!(d.path().join("studydesk.db").exists());
    let id = ok(d.path(), &["task", "add", "Read chapter 5", "--due", "2026-11-23T10:00:00+09:00"]).trim().to_string();
    let list = tasks(d.path());
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["description"], "Read chapter 5");
    assert_eq!(list[0]["due_at"], "2026-11-23T01:00:00.000Z");
    assert_eq!(list[0]["is_completed"], false);
    ok(d.path(), &["task", "done", &id]);
    assert_eq!(tasks(d.path())[0]["is_completed"], true);
    ok(d.path(), &["task", "delete", &id]);
    assert!(tasks(d.path()).is_empty());
}

#[test]
fn sample_data_loads_once() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["sample-data"]);
    assert!(tasks(d.path()).len() >= 5);
    let err = fails(d.path(), &["sample-data"]);
    assert!(err.contains("already set up"), "{err}");
}

#[test]
fn errors_are_one_line_with_a_non_zero_exit() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    assert!(fails(d.path(), &["task", "done", "nope"]).starts_with("error (not_found): task nope was not found"));
    assert!(fails(d.path(), &["task", "add", "x", "--due", "tomorrow"]).contains("error (validation): due date must be"));
    // 100 kB: near the largest single argument Linux passes (128 kB).
    let long = "x".repeat(100 * 1024);
    assert!(fails(d.path(), &["task", "add", &long]).contains("too long"));
    assert!(tasks(d.path()).is_empty(), "nothing was written");
    // Usage errors come from clap with its own exit code.
    assert_eq!(cli(d.path(), &["task", "frobnicate"]).status.code(), Some(2));
}

#[test]
fn backup_and_doctor() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["sample-data"]);
    let copy = d.path().join("copy.db");
    ok(d.path(), &["backup", copy.to_str().unwrap()]);
    let report = ok(copy.parent().unwrap(), &["doctor"]);
    assert!(report.contains("integrity: ok") && report.contains("foreign keys: ok"), "{report}");
    assert!(fails(d.path(), &["backup", copy.to_str().unwrap()]).contains("already exists"));
    // The copy opens as a database of its own with the same tasks.
    let other = tempfile::tempdir().unwrap();
    std::fs::copy(&copy, other.path().join("studydesk.db")).unwrap();
    assert_eq!(tasks(other.path()).len(), tasks(d.path()).len());
}

#[test]
fn doctor_reports_broken_references_in_words() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["sample-data"]);
    {
        let c = rusqlite_free_sqlite(d.path());
        c.execute_batch("PRAGMA foreign_keys = OFF; DELETE FROM courses;").unwrap();
    }
    let out = cli(d.path(), &["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("broken reference"), "{report}");
    assert!(report.contains("assignments row"), "{report}");
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("studydesk.db"), "hello").unwrap();
    let err = fails(d.path(), &["task", "list", "--json"]);
    assert!(err.starts_with("error (not_a_database):"), "{err}");
    assert_eq!(std::fs::read_to_string(d.path().join("studydesk.db")).unwrap(), "hello");
}

/// Opens the file behind the app's back (as a damaged file or another tool would).
fn rusqlite_free_sqlite(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("studydesk.db")).unwrap()
}

#[test]
fn killing_writers_at_random_moments_leaves_a_consistent_file() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["sample-data"]);
    // Kill writers after a varying delay: some die before opening, some mid-write, some
    // after committing. Whatever survives must be whole: each task with its change-log
    // and audit rows, no record without its task, and a clean doctor report.
    for i in 0..24u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_studydesk-cli"))
            .arg("--data-dir")
            .arg(d.path())
            .args(["task", "add", &format!("killed writer {i}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros(500 + i * 400));
        let _ = child.kill();
        let _ = child.wait();
    }
    let report = ok(d.path(), &["doctor"]);
    assert!(report.contains("integrity: ok") && report.contains("foreign keys: ok"), "{report}");
    let c = rusqlite_free_sqlite(d.path());
    let orphans: i64 = c
        .query_row(
            "SELECT count(*) FROM sync_changes s WHERE s.table_name = 'tasks' AND s.op = 'insert'
             AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = s.row_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let unrecorded: i64 = c
        .query_row(
            "SELECT count(*) FROM tasks t WHERE NOT EXISTS (SELECT 1 FROM sync_changes s WHERE s.row_id = t.id AND s.op = 'insert')
             OR NOT EXISTS (SELECT 1 FROM audit_logs a WHERE a.entity_id = t.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!((orphans, unrecorded), (0, 0));
    // And the file still takes writes.
    ok(d.path(), &["task", "add", "after the storm"]);
}

// ---- calendar ----------------------------------------------------------------------------

fn agenda(dir: &Path, from: &str, to: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(&ok(dir, &["agenda", "--from", from, "--to", to, "--json"])).unwrap().as_array().unwrap().clone()
}

#[test]
fn event_add_and_an_agenda_with_the_series_expanded() {
    let d = tempfile::tempdir().unwrap();
    let id = ok(
        d.path(),
        &["event", "add", "--title", "Seminar", "--start", "2026-11-23T09:00:00+09:00", "--end", "2026-11-23T10:00:00+09:00",
          "--rrule", "FREQ=WEEKLY;BYDAY=MO;COUNT=3", "--remind", "15", "--remind", "60"],
    )
    .trim()
    .to_string();
    ok(d.path(), &["event", "add", "--title", "Holiday", "--start", "2026-11-25", "--all-day"]);
    let items = agenda(d.path(), "2026-11-20", "2026-12-31");
    let seen: Vec<(String, String)> =
        items.iter().map(|i| (i["date"].as_str().unwrap().to_string(), i["title"].as_str().unwrap().to_string())).collect();
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert_eq!(items[0]["series_id"], Value::String(id.clone()));
    assert_eq!(items[0]["starts_at"], "2026-11-23T00:00:00.000Z");
    assert_eq!(items[1]["all_day"], true);
    assert_eq!(items[3]["starts_at"], "2026-12-07T00:00:00.000Z");
    let human = ok(d.path(), &["agenda", "--from", "2026-11-25", "--to", "2026-11-25"]);
    assert!(human.contains("2026-11-25  all day") && human.contains("Holiday"), "{human}");
    assert!(fails(d.path(), &["event", "add", "--title", "x", "--start", "2026-11-23T10:00", "--rrule", "FREQ=HOURLY"])
        .contains("error (validation): repeat rule: FREQ=HOURLY is not supported"));
    assert!(fails(d.path(), &["agenda", "--from", "2026-12-01", "--to", "2026-11-01"]).contains("to must not be before from"));
    // Location and link: kept, listed in the agenda (human and JSON), a bad link refused.
    ok(d.path(), &["event", "add", "--title", "Lab", "--start", "2026-11-26T14:00", "--location", "Room 101", "--url", "https://example.org/lab"]);
    let human = ok(d.path(), &["agenda", "--from", "2026-11-26", "--to", "2026-11-26"]);
    assert!(human.contains("Lab  @ Room 101  <https://example.org/lab>"), "{human}");
    let lab = agenda(d.path(), "2026-11-26", "2026-11-26");
    assert_eq!((lab[0]["location"].as_str(), lab[0]["url"].as_str()), (Some("Room 101"), Some("https://example.org/lab")));
    assert!(fails(d.path(), &["event", "add", "--title", "x", "--start", "2026-11-26T14:00", "--url", "javascript:alert(1)"])
        .contains("error (validation): url must be a link starting with https://, http:// or mailto:"));
}

/// Issue 18: a range holding more than one answer may (300 daily series over 40 days:
/// 12,000 occurrences) is read page by page: every item once, in order; past the series
/// cap the refusal says what to do.
#[test]
fn a_crowded_agenda_is_read_page_by_page_and_too_many_series_are_refused_in_words() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("daily.ics");
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n");
    for i in 0..300 {
        s.push_str(&format!("BEGIN:VEVENT\r\nUID:d{i}@t\r\nSUMMARY:Daily {i}\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"));
    }
    s.push_str("END:VCALENDAR\r\n");
    std::fs::write(&file, &s).unwrap();
    ok(d.path(), &["ics", "import", file.to_str().unwrap()]);
    let items = agenda(d.path(), "2026-11-01", "2026-12-10");
    assert_eq!(items.len(), 12_000);
    let dates: Vec<&str> = items.iter().map(|i| i["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "in date order");
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n");
    for i in 0..1_800 {
        s.push_str(&format!("BEGIN:VEVENT\r\nUID:e{i}@t\r\nSUMMARY:More {i}\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n"));
    }
    s.push_str("END:VCALENDAR\r\n");
    std::fs::write(&file, &s).unwrap();
    ok(d.path(), &["ics", "import", file.to_str().unwrap()]);
    let err = fails(d.path(), &["agenda", "--from", "2026-11-01", "--to", "2026-11-01"]);
    assert!(err.starts_with("error (validation): more than 2000 recurring series in one request: choose a shorter range"), "{err}");
}

#[test]
fn the_agenda_has_assignment_due_dates() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["sample-data"]);
    let today = chrono::Local::now().date_naive();
    let items = agenda(d.path(), &(today - chrono::Duration::days(7)).to_string(), &(today + chrono::Duration::days(60)).to_string());
    assert!(items.iter().any(|i| i["kind"] == "assignment"), "{items:?}");
}

#[test]
fn ics_import_export_and_a_malformed_file() {
    let d = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/ics");
    let out = ok(d.path(), &["ics", "import", fixtures.join("thunderbird.ics").to_str().unwrap()]);
    assert!(out.starts_with("created 1, updated 0, unchanged 0, skipped 2"), "{out}");
    assert!(out.contains("skipped: line 41: VTODO skipped"), "{out}");
    let again = ok(d.path(), &["ics", "import", fixtures.join("thunderbird.ics").to_str().unwrap()]);
    assert!(again.starts_with("created 0, updated 0, unchanged 1"), "{again}");
    let file = d.path().join("out.ics");
    ok(d.path(), &["ics", "export", file.to_str().unwrap(), "--from", "2026-10-01", "--to", "2026-10-31"]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.contains("SUMMARY:Chemistry lab"), "{text}");
    let bad = d.path().join("bad.ics");
    std::fs::write(&bad, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2026-11-23\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").unwrap();
    let err = fails(d.path(), &["ics", "import", bad.to_str().unwrap()]);
    assert!(err.starts_with("error (validation): line 5: DTSTART has a bad date-time"), "{err}");
    assert_eq!(agenda(d.path(), "2026-11-23", "2026-11-23").len(), 0, "nothing from the bad file");
    assert!(fails(d.path(), &["ics", "import", d.path().join("missing.ics").to_str().unwrap()]).starts_with("error (io):"));
}

#[test]
fn reads_never_create_a_database_and_creating_commands_say_so() {
    let d = tempfile::tempdir().unwrap();
    let typo = d.path().join("studydsk");
    for args in [&["task", "list"][..], &["agenda", "--from", "2026-11-01", "--to", "2026-11-02"], &["doctor"], &["activity", "list"], &["session", "status"], &["sync", "status"], &["task", "done", "x"]] {
        let err = fails(&typo, args);
        assert!(err.contains("there is no Studydesk database in") && err.contains("studydsk"), "{args:?}: {err}");
    }
    assert!(!typo.exists(), "no folder, no database was made");

    let out = cli(&typo, &["task", "add", "first"]);
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("created a new Studydesk database at") && err.contains("studydesk.db"), "{err}");
    let again = cli(&typo, &["task", "add", "second"]);
    assert!(again.stderr.is_empty(), "said once: {}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(tasks(&typo).len(), 2);
}

#[test]
fn backup_refuses_a_folder_that_does_not_exist() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let target = d.path().join("no-such-folder").join("copy.db");
    let err = fails(d.path(), &["backup", target.to_str().unwrap()]);
    assert!(err.contains("does not exist"), "{err}");
    assert!(!d.path().join("no-such-folder").exists());
}

#[test]
fn user_text_cannot_drive_the_terminal() {
    let d = tempfile::tempdir().unwrap();
    // An escape that retitles the window, a C1 CSI, a right-to-left override, and a line
    // break that would fake a second, completed task.
    let hostile = "Read\u{1b}]0;pwned\u{7} ch\u{9b}2J 5 \u{202e}txt.exe\n[x] fake";
    ok(d.path(), &["task", "add", hostile]);
    let human = ok(d.path(), &["task", "list"]);
    assert!(!human.chars().any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'), "{human:?}");
    assert_eq!(human.lines().count(), 1, "one task, one line: {human:?}");
    assert!(human.contains("Read]0;pwned ch2J 5 txt.exe [x] fake"), "{human:?}");
    let json = ok(d.path(), &["task", "list", "--json"]);
    assert!(!json.chars().any(|c| c == '\u{1b}' || c == '\u{9b}' || c == '\u{202e}'), "{json:?}");
    let parsed: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed[0]["description"], hostile, "--json still carries the text as stored");
}

/// The file's bytes, to prove a command left them alone.
fn bytes(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("studydesk.db")).unwrap()
}

#[test]
fn a_damaged_database_is_not_written_and_can_be_restored_or_exported() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["sample-data"]);
    let before_damage = tasks(d.path()).len();
    let copy = d.path().join("by-hand.db");
    ok(d.path(), &["backup", copy.to_str().unwrap()]);
    // Cut the last page short, as a full disk or a bad copy would.
    let db = d.path().join("studydesk.db");
    let len = std::fs::metadata(&db).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&db).unwrap().set_len(len - 100).unwrap();
    let evidence = bytes(d.path());

    let err = fails(d.path(), &["task", "add", "lost?"]);
    assert!(err.starts_with("error (damaged):") && err.contains("stopped before writing"), "{err}");
    let err = fails(d.path(), &["init"]);
    assert!(err.starts_with("error (damaged):"), "{err}");
    let out = cli(d.path(), &["doctor"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ends inside a page"));
    assert_eq!(bytes(d.path()), evidence, "no command wrote to the damaged file");

    let readable = d.path().join("readable.db");
    let report = ok(d.path(), &["export-readable", readable.to_str().unwrap()]);
    assert!(report.contains("tasks: ") && readable.exists(), "{report}");

    let said = ok(d.path(), &["restore", copy.to_str().unwrap()]);
    assert!(said.contains("the replaced file is kept at") && said.contains("damaged"), "{said}");
    assert_eq!(tasks(d.path()).len(), before_damage);
    ok(d.path(), &["task", "add", "written after the restore"]);
    let listed = ok(d.path(), &["backup", "list"]);
    assert!(listed.contains("no automatic backups") || listed.contains("studydesk-"), "{listed}");
}

#[test]
fn restore_refuses_while_the_app_runs_on_the_folder() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let copy = d.path().join("copy.db");
    ok(d.path(), &["backup", copy.to_str().unwrap()]);
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(d.path().join("studydesk.instance")).unwrap();
    lock.lock().unwrap();
    let err = fails(d.path(), &["restore", copy.to_str().unwrap()]);
    assert!(err.starts_with("error (conflict):") && err.contains("quit it first"), "{err}");
}

#[test]
fn history_and_undo() {
    let d = tempfile::tempdir().unwrap();
    let id = ok(d.path(), &["task", "add", "Read chapter 5"]).trim().to_string();
    ok(d.path(), &["task", "done", &id]);
    let page: Value = serde_json::from_str(&ok(d.path(), &["history", &id, "--json"])).unwrap();
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "the creation and the completion");
    assert_eq!(entries[0]["op"], "update");
    let done = entries[0]["id"].as_str().unwrap().to_string();
    assert!(ok(d.path(), &["history", &id]).contains("You changed"));
    assert!(ok(d.path(), &["undo", &done]).starts_with("Undone: You changed"));
    assert_eq!(tasks(d.path())[0]["is_completed"], false);
    // Undo of a change whose row was since deleted: refused, nothing written.
    ok(d.path(), &["task", "delete", &id]);
    let err = fails(d.path(), &["undo", &done]);
    assert!(err.starts_with("error (conflict):") && err.contains("has since been deleted"), "{err}");
    assert!(tasks(d.path()).is_empty(), "nothing was written");
}
