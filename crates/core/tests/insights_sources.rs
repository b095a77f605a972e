//! CSV data sources as a user meets them, with real files on disk: a file in UTF-8 with a
//! BOM, in Shift_JIS, semicolon-delimited, without a header; its column kinds inferred and
//! changed; re-imported; refreshed; renamed and deleted. Every bad file (ragged rows, a
//! binary file named .csv, a 2 GB file) is refused in words and writes nothing, and a
//! source synced from another device says its data is not here. The cache is read the way
//! the SQL sandbox reads it: a plain read-only connection with `sources.db` attached.

mod common;

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use studydesk_core::db::row;
use studydesk_core::db::WriteCtx;
use studydesk_core::insights::rows::{DashboardRow, DataSourceRow, DataSourceStatus, DataSourceType, WidgetRow, WidgetType};
use studydesk_core::insights::sources::DataSource;
use studydesk_core::insights::table::{Cell, ColumnKind, Table};
use studydesk_core::paths;

const SCORES: &str = "name,score,taken_on,started_at\nAlice,90,2024-05-01,2024-05-01 09:00\nBob,85,2024-05-02,2024-05-02T10:30:00Z\nCarol,,2024-05-03,\n";

fn add(f: &common::Fixture, name: &str, bytes: &[u8]) -> studydesk_core::Result<DataSource> {
    f.app.source_add_csv(name, Some("scores.csv"), bytes)
}

fn preview(f: &common::Fixture, id: &str) -> Table {
    f.app.source_preview(id, None::<i64>).unwrap()
}

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn kinds(s: &DataSource) -> Vec<ColumnKind> {
    s.columns.iter().map(|c| c.kind).collect()
}

fn names(s: &DataSource) -> Vec<String> {
    s.columns.iter().map(|c| c.name.clone()).collect()
}

fn sources_dir(f: &common::Fixture) -> PathBuf {
    paths::sources_dir(f.dir.path())
}

/// The files in `sources/` (none when there is no folder).
fn files(f: &common::Fixture) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(sources_dir(f)) else { return vec![] };
    let mut names: Vec<String> = dir.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// The tables of the cache a user's SQL can reach (the cache's bookkeeping left out).
fn cache_tables(f: &common::Fixture) -> Vec<String> {
    let path = paths::sources_cache_path(f.dir.path());
    if !path.exists() {
        return vec![];
    }
    let c = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// Everything a refused import must leave as it was.
fn footprint(f: &common::Fixture) -> (i64, i64, i64, Vec<String>, Vec<String>) {
    (f.count("data_sources"), f.count("sync_changes"), f.count("audit_logs"), files(f), cache_tables(f))
}

/// The SQL sandbox's view: the user database read-only, the cache attached read-only as `sources`.
fn sandbox(f: &common::Fixture) -> Connection {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
    let c = Connection::open_with_flags(paths::db_path(f.dir.path()), flags).unwrap();
    let cache = paths::sources_cache_path(f.dir.path());
    c.execute("ATTACH DATABASE ?1 AS sources", [format!("file:{}?mode=ro", cache.display())]).unwrap();
    c
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn a_utf8_file_with_a_bom_becomes_a_typed_table_the_sandbox_reads() {
    let f = common::open();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(SCORES.as_bytes());
    let s = add(&f, "Exam scores", &bytes).unwrap();
    assert_eq!((s.name.as_str(), s.source_type, s.status), ("Exam scores", DataSourceType::Csv, DataSourceStatus::Connected));
    assert_eq!(s.table.as_deref(), Some("exam_scores"));
    assert_eq!(names(&s), ["name", "score", "taken_on", "started_at"], "the BOM is not part of the first name");
    assert_eq!(kinds(&s), [ColumnKind::Text, ColumnKind::Integer, ColumnKind::Date, ColumnKind::Timestamp]);
    assert_eq!((s.rows, s.has_header, s.encoding.as_deref(), s.delimiter.as_deref()), (Some(3), Some(true), Some("UTF-8"), Some(",")));
    assert_eq!((s.file_name.as_deref(), s.bytes), (Some("scores.csv"), Some(bytes.len() as i64)));
    assert_eq!(s.last_sync.as_deref(), Some("2026-11-22T01:00:00.000Z"), "the import time, from the app's clock");
    assert!(s.data_here && s.error.is_none());

    // The copy of the file, byte for byte.
    assert_eq!(std::fs::read(sources_dir(&f).join(format!("{}.csv", s.id))).unwrap(), bytes);
    assert_eq!(files(&f), [format!("{}.csv", s.id)]);

    // What a widget shows, with NULL for empty fields and times in UTC (Tokyo is +09:00).
    let t = preview(&f, &s.id);
    assert_eq!(t.rows.len(), 3);
    assert_eq!(t.rows[0], [text("Alice"), Cell::Integer(90), text("2024-05-01"), text("2024-05-01T00:00:00.000Z")]);
    assert_eq!(t.rows[1][3], text("2024-05-02T10:30:00.000Z"));
    assert_eq!(t.rows[2], [text("Carol"), Cell::Null, text("2024-05-03"), Cell::Null]);
    assert!(!t.truncated);
    assert!(f.app.source_preview(&s.id, 2).unwrap().truncated);

    // The sandbox's connection reads `sources.exam_scores`, typed, and cannot write to it.
    let c = sandbox(&f);
    let (total, typed): (i64, String) =
        c.query_row("SELECT sum(score), typeof(score) FROM sources.exam_scores WHERE score IS NOT NULL", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((total, typed.as_str()), (175, "integer"));
    assert!(c.execute("DELETE FROM sources.exam_scores", []).is_err(), "read-only");

    // The row: a CSV source with a local file reference that never syncs.
    let row: DataSourceRow = f.app.db().read(|c| Ok(row::get(c, &s.id)?.unwrap())).unwrap();
    assert_eq!(row.connection_config["file"], format!("sources/{}.csv", s.id));
    assert_eq!(row.metadata["table"], "exam_scores");
    let synced: String = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT changes FROM sync_changes WHERE table_name = 'data_sources' AND row_id = ?1", [&s.id], |r| r.get(0))?))
        .unwrap();
    assert!(synced.contains("exam_scores") && !synced.contains("connection_config"), "{synced}");
}

#[test]
fn a_shift_jis_file_is_detected_and_decoded() {
    let f = common::open();
    let csv = "氏名,科目,点数\n山田太郎,数学,80\n佐藤花子,英語,95\n鈴木一郎,国語,72\n高橋次郎,理科,88\n田中三郎,社会,91\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(csv);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let s = add(&f, "点数", &bytes).unwrap();
    assert_eq!(s.encoding.as_deref(), Some("Shift_JIS"));
    assert_eq!(names(&s), ["氏名", "科目", "点数"]);
    assert_eq!(kinds(&s), [ColumnKind::Text, ColumnKind::Text, ColumnKind::Integer]);
    assert_eq!(s.table.as_deref(), Some("source"), "a name with no ASCII letters gets a plain table name");
    let t = preview(&f, &s.id);
    assert_eq!(t.rows[1], [text("佐藤花子"), text("英語"), Cell::Integer(95)]);
    let c = sandbox(&f);
    let best: String = c.query_row("SELECT 氏名 FROM sources.source ORDER BY 点数 DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    assert_eq!(best, "佐藤花子");
}

#[test]
fn a_utf16_file_with_a_bom_is_read() {
    let f = common::open();
    let mut bytes = vec![0xFF, 0xFE];
    for u in "day,minutes\n2024-05-01,30\n".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let s = add(&f, "Minutes", &bytes).unwrap();
    assert_eq!((s.encoding.as_deref(), kinds(&s)), (Some("UTF-16LE"), vec![ColumnKind::Date, ColumnKind::Integer]));
    assert_eq!(preview(&f, &s.id).rows, [[text("2024-05-01"), Cell::Integer(30)]]);
}

#[test]
fn a_semicolon_file_without_a_header_gets_numbered_columns() {
    let f = common::open();
    let s = add(&f, "Raw", b"1;2.5;math\r\n2;3;english\r\n\r\n3;-1e2;art\r\n").unwrap();
    assert_eq!((s.delimiter.as_deref(), s.has_header, s.rows), (Some(";"), Some(false), Some(3)));
    assert_eq!(names(&s), ["column_1", "column_2", "column_3"]);
    assert_eq!(kinds(&s), [ColumnKind::Integer, ColumnKind::Real, ColumnKind::Text]);
    assert_eq!(preview(&f, &s.id).rows[2], [Cell::Integer(3), Cell::Real(-100.0), text("art")], "the empty line is skipped");

    // Tab and pipe delimiters, and a header of words over words.
    let tabbed = add(&f, "Tabbed", b"course\tteacher\nMath\tIto\nArt\tMori\n").unwrap();
    assert_eq!((tabbed.delimiter.as_deref(), tabbed.has_header, names(&tabbed)), (Some("\t"), Some(true), vec!["course".to_string(), "teacher".to_string()]));
    let piped = add(&f, "Piped", b"a|b\n1|2\n").unwrap();
    assert_eq!(piped.delimiter.as_deref(), Some("|"));
}

#[test]
fn inferred_kinds_can_be_changed_and_a_value_that_does_not_fit_changes_nothing() {
    let f = common::open();
    let csv = "id,code,when,score\n1,007,31/12/2024,5\n2,010,01/02/2024,6.5\n";
    let s = add(&f, "Kinds", csv.as_bytes()).unwrap();
    assert_eq!(kinds(&s), [ColumnKind::Integer, ColumnKind::Text, ColumnKind::Date, ColumnKind::Real], "007 is a code");
    assert_eq!(s.columns[2].day_order, Some(studydesk_core::insights::sources::csv::values::DayOrder::DayFirst), "31/12 tells the order");
    assert_eq!(preview(&f, &s.id).rows[1], [Cell::Integer(2), text("010"), text("2024-02-01"), Cell::Real(6.5)]);

    let edited = f.app.source_set_columns(&s.id, vec![ColumnKind::Integer, ColumnKind::Integer, ColumnKind::Text, ColumnKind::Real], None::<bool>).unwrap();
    assert_eq!(kinds(&edited), [ColumnKind::Integer, ColumnKind::Integer, ColumnKind::Text, ColumnKind::Real]);
    assert_eq!(preview(&f, &s.id).rows[0], [Cell::Integer(1), Cell::Integer(7), text("31/12/2024"), Cell::Real(5.0)]);
    assert_eq!(edited.table, s.table);

    // 6.5 is not a whole number: refused with its line and column, and nothing changes.
    let before = (footprint(&f), preview(&f, &s.id), f.app.source_list().unwrap());
    let err = f.app.source_set_columns(&s.id, vec![ColumnKind::Integer, ColumnKind::Integer, ColumnKind::Text, ColumnKind::Integer], None::<bool>).unwrap_err();
    assert_eq!(err.kind(), "validation");
    assert!(err.to_string().contains("line 3, column \"score\": \"6.5\" is not a whole number"), "{err}");
    let err = f.app.source_set_columns(&s.id, vec![ColumnKind::Text], None::<bool>).unwrap_err();
    assert!(err.to_string().contains("the file has 4 columns, and 1 kinds were given"), "{err}");
    assert_eq!((footprint(&f), preview(&f, &s.id), f.app.source_list().unwrap()), before);

    // The header can be overridden: the first row becomes data (so every column is text).
    let headless = f.app.source_set_columns(&s.id, vec![ColumnKind::Text; 4], Some(false)).unwrap();
    assert_eq!((headless.has_header, headless.rows, names(&headless)[0].as_str()), (Some(false), Some(3), "column_1"));

    // A refresh reads the file the way it was last set.
    let refreshed = f.app.source_refresh(&s.id).unwrap();
    assert_eq!((kinds(&refreshed), refreshed.has_header), (vec![ColumnKind::Text; 4], Some(false)));
}

#[test]
fn ragged_rows_are_refused_with_their_line_and_nothing_is_written() {
    let f = common::open();
    let before = footprint(&f);
    let short = add(&f, "Short", b"a,b,c\n1,2,3\n4,5\n").unwrap_err();
    assert_eq!(short.kind(), "validation");
    assert!(short.to_string().contains("line 3 has 2 fields, but the first row (line 1) has 3 fields"), "{short}");
    let long = add(&f, "Long", b"a,b\n1,2\n\"multi\nline\",2\n3,4,5\n").unwrap_err();
    assert!(long.to_string().contains("line 5 has 3 fields, but the first row (line 1) has 2 fields"), "a quoted newline counts: {long}");
    assert_eq!(footprint(&f), before);
    assert!(f.app.source_list().unwrap().is_empty());
}

#[test]
fn a_binary_file_named_csv_and_an_empty_one_are_refused() {
    let f = common::open();
    let before = footprint(&f);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
    let err = add(&f, "Picture", png).unwrap_err();
    assert!(err.to_string().contains("the file is not CSV text: it holds a NUL byte at byte 8"), "{err}");
    let noise: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 255 + 1) as u8).collect();
    let err = add(&f, "Noise", &noise).unwrap_err();
    assert!(err.to_string().contains("does not look like CSV text"), "{err}");
    let mut utf16_no_bom = Vec::new();
    for u in "a,b\n1,2\n".encode_utf16() {
        utf16_no_bom.extend_from_slice(&u.to_le_bytes());
    }
    let err = add(&f, "Wide", &utf16_no_bom).unwrap_err();
    assert!(err.to_string().contains("UTF-16 text without a byte order mark"), "{err}");
    for empty in [&b""[..], b"\xEF\xBB\xBF", b"\n \n"] {
        let err = add(&f, "Empty", empty).unwrap_err();
        assert!(err.to_string().contains("the file is empty"), "{err}");
    }
    assert_eq!(footprint(&f), before);
}

#[test]
fn a_2_gb_file_is_refused_by_its_size_before_it_is_read() {
    let f = common::open();
    let outside = tempfile::tempdir().unwrap();
    let path = outside.path().join("huge.csv");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(2 * 1024 * 1024 * 1024).unwrap();
    let before = footprint(&f);
    let started = std::time::Instant::now();
    let err = f.app.source_add_csv_file(&path, Some("Huge")).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_millis(500), "refused without reading: {:?}", started.elapsed());
    assert_eq!(err.kind(), "validation");
    assert!(err.to_string().contains("too large: 2.0 GiB (2147483648 bytes), and a CSV source may be at most 256.0 MiB"), "{err}");
    assert_eq!(footprint(&f), before);
}

#[test]
fn a_file_on_disk_is_imported_with_its_name() {
    let f = common::open();
    let outside = tempfile::tempdir().unwrap();
    let path = write_file(outside.path(), "Weekly minutes.csv", b"week,minutes\n2024-05-06,300\n");
    let s = f.app.source_add_csv_file(&path, None).unwrap();
    assert_eq!((s.name.as_str(), s.file_name.as_deref(), s.table.as_deref()), ("Weekly minutes", Some("Weekly minutes.csv"), Some("weekly_minutes")));
    assert_eq!(std::fs::read(sources_dir(&f).join(format!("{}.csv", s.id))).unwrap(), std::fs::read(&path).unwrap());
}

#[test]
fn names_are_unique_per_user_ignoring_case_and_a_rename_keeps_the_table() {
    let f = common::open();
    let first = add(&f, "Exam scores", SCORES.as_bytes()).unwrap();
    let before = footprint(&f);
    let err = add(&f, "exam SCORES", SCORES.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), "conflict");
    assert!(err.to_string().contains("you already have a data source named \"exam SCORES\""), "{err}");
    assert_eq!(footprint(&f), before);
    assert_eq!(add(&f, " ", SCORES.as_bytes()).unwrap().name, "scores", "a blank name is the file's");
    let second = add(&f, "Exam-scores 2", SCORES.as_bytes()).unwrap();
    assert_eq!(second.table.as_deref(), Some("exam_scores_2"));

    let renamed = f.app.source_rename(&first.id, "Finals").unwrap();
    assert_eq!((renamed.name.as_str(), renamed.table.as_deref()), ("Finals", Some("exam_scores")), "SQL over it keeps working");
    assert_eq!(f.app.source_rename(&second.id, "FINALS").unwrap_err().kind(), "conflict");
    // A new source named like the old one gets a table of its own.
    assert_eq!(add(&f, "Exam scores", SCORES.as_bytes()).unwrap().table.as_deref(), Some("exam_scores_3"));
    let listed: Vec<String> = f.app.source_list().unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(listed, ["Exam scores", "Exam-scores 2", "Finals", "scores"]);
    assert_eq!(f.app.source_rename("00000000-0000-7000-8000-000000000000", "x").unwrap_err().kind(), "not_found");
}

#[test]
fn a_reimport_replaces_the_file_and_rows_and_a_refused_one_keeps_them() {
    let f = common::open();
    let s = add(&f, "Exam scores", SCORES.as_bytes()).unwrap();
    f.clock.advance(chrono::Duration::minutes(5));
    let new_file = b"student;points\nDan;70\nEve;99\n";
    let again = f.app.source_reimport_csv(&s.id, Some("june.csv"), new_file).unwrap();
    assert_eq!((again.id.as_str(), again.table.as_deref()), (s.id.as_str(), Some("exam_scores")));
    assert_eq!((names(&again), again.rows, again.file_name.as_deref()), (vec!["student".to_string(), "points".to_string()], Some(2), Some("june.csv")));
    assert_eq!(again.last_sync.as_deref(), Some("2026-11-22T01:05:00.000Z"));
    assert_eq!(preview(&f, &s.id).rows, [[text("Dan"), Cell::Integer(70)], [text("Eve"), Cell::Integer(99)]]);
    let copy = sources_dir(&f).join(format!("{}.csv", s.id));
    assert_eq!(std::fs::read(&copy).unwrap(), new_file);
    assert_eq!(files(&f), [format!("{}.csv", s.id)], "no leftover");
    let total: i64 = sandbox(&f).query_row("SELECT sum(points) FROM sources.exam_scores", [], |r| r.get(0)).unwrap();
    assert_eq!(total, 169);

    let before = (footprint(&f), preview(&f, &s.id), f.app.source_list().unwrap());
    for bad in [&b"a,b\n1\n"[..], b"\0\0\0binary"] {
        assert_eq!(f.app.source_reimport_csv(&s.id, Some("bad.csv"), bad).unwrap_err().kind(), "validation");
    }
    assert_eq!((footprint(&f), preview(&f, &s.id), f.app.source_list().unwrap()), before, "the old data stays");
    assert_eq!(std::fs::read(&copy).unwrap(), new_file);
}

#[test]
fn a_failed_refresh_is_recorded_and_keeps_the_rows() {
    let f = common::open();
    let s = add(&f, "Exam scores", SCORES.as_bytes()).unwrap();
    let copy = sources_dir(&f).join(format!("{}.csv", s.id));
    std::fs::write(&copy, "name,score,taken_on,started_at\nDan,ninety,2024-05-01,\n").unwrap();
    let err = f.app.source_refresh(&s.id).unwrap_err();
    assert!(err.to_string().contains("line 2, column \"score\": \"ninety\" is not a whole number"), "{err}");
    let listed = &f.app.source_list().unwrap()[0];
    assert_eq!(listed.status, DataSourceStatus::Error);
    assert_eq!(listed.error.as_deref(), Some(err.to_string().as_str()));
    assert!(listed.data_here);
    assert_eq!(preview(&f, &s.id).rows.len(), 3, "the old rows stay");

    std::fs::write(&copy, "name,score,taken_on,started_at\nDan,91,2024-05-01,\n").unwrap();
    let ok = f.app.source_refresh(&s.id).unwrap();
    assert_eq!((ok.status, ok.error.as_deref(), ok.rows), (DataSourceStatus::Connected, None, Some(1)));

    std::fs::remove_file(&copy).unwrap();
    let err = f.app.source_refresh(&s.id).unwrap_err();
    assert!(err.to_string().contains("is missing from the data folder"), "{err}");
    assert_eq!(f.app.source_list().unwrap()[0].status, DataSourceStatus::Error);
}

#[test]
fn a_source_imported_on_another_device_says_its_data_is_not_here() {
    let f = common::open();
    let me = f.app.user_id();
    // The row as sync brings it: metadata, but no connection_config (it never syncs).
    let id = "0190f000-0000-7000-8000-0000000000aa";
    f.app
        .db()
        .write(WriteCtx::by(&me, "test.pulled"), |tx| {
            row::insert(tx, &DataSourceRow {
                id: id.into(),
                user_id: me.clone(),
                name: "Laptop scores".into(),
                r#type: DataSourceType::Csv,
                connection_config: serde_json::json!({}),
                status: DataSourceStatus::Connected,
                last_sync: Some("2026-11-20T00:00:00.000Z".into()),
                metadata: serde_json::json!({"table": "exam_scores", "rows": 3, "import_id": "elsewhere", "columns": [{"name": "name", "kind": "text"}]}),
                created_at: "2026-11-20T00:00:00.000Z".into(),
                updated_at: "2026-11-20T00:00:00.000Z".into(),
            })
        })
        .unwrap();
    let listed = f.app.source_list().unwrap();
    assert_eq!((listed[0].data_here, listed[0].rows, listed[0].table.as_deref()), (false, Some(3), Some("exam_scores")));
    let before = footprint(&f);
    for err in [f.app.source_refresh(id).unwrap_err(), f.app.source_set_columns(id, vec![ColumnKind::Text], None::<bool>).unwrap_err()] {
        assert!(err.to_string().contains("was imported on another device"), "{err}");
    }
    assert!(f.app.source_preview(id, None::<i64>).unwrap_err().to_string().contains("is not on this device"));
    assert_eq!(footprint(&f), before, "refused without writing");
    assert_eq!(f.app.source_list().unwrap()[0].status, DataSourceStatus::Connected, "its status is the other device's");

    // Its table name stays reserved here; a re-import makes it this device's source too.
    assert_eq!(add(&f, "Exam scores", SCORES.as_bytes()).unwrap().table.as_deref(), Some("exam_scores_2"));
    let here = f.app.source_reimport_csv(id, Some("scores.csv"), SCORES.as_bytes()).unwrap();
    assert!(here.data_here);
    assert_eq!(here.table.as_deref(), Some("exam_scores"));
    assert_eq!(preview(&f, id).rows.len(), 3);
}

#[test]
fn deleting_a_source_removes_its_row_file_and_table_and_unlinks_widgets() {
    let f = common::open();
    let me = f.app.user_id();
    let s = add(&f, "Exam scores", SCORES.as_bytes()).unwrap();
    let keep = add(&f, "Other", b"a,b\nx,1\n").unwrap();
    let (dashboard, widget) = ("0190f000-0000-7000-8000-0000000000d1", "0190f000-0000-7000-8000-0000000000e1");
    f.app
        .db()
        .write(WriteCtx::by(&me, "test.widget"), |tx| {
            let now = tx.now_text();
            row::insert(tx, &DashboardRow { id: dashboard.into(), user_id: me.clone(), name: "Exams".into(), description: None, layout: serde_json::json!({}), is_public: false, created_at: now.clone(), updated_at: now.clone() })?;
            row::insert(tx, &WidgetRow { id: widget.into(), dashboard_id: dashboard.into(), data_source_id: Some(s.id.clone()), r#type: WidgetType::Table, config: serde_json::json!({}), query: None, position: serde_json::json!({}), created_at: now.clone(), updated_at: now })
        })
        .unwrap();
    assert_eq!(cache_tables(&f), ["exam_scores", "other"]);

    f.app.source_delete(&s.id).unwrap();
    assert_eq!(f.app.source_list().unwrap().into_iter().map(|s| s.id).collect::<Vec<_>>(), [keep.id.clone()]);
    assert_eq!(files(&f), [format!("{}.csv", keep.id)]);
    assert_eq!(cache_tables(&f), ["other"]);
    let linked: Option<String> = f.app.db().read(|c| Ok(c.query_row("SELECT data_source_id FROM widgets WHERE id = ?1", [widget], |r| r.get(0))?)).unwrap();
    assert_eq!(linked, None, "the widget stays, without a source");
    assert_eq!(f.app.source_delete(&s.id).unwrap_err().kind(), "not_found");
    assert!(sandbox(&f).query_row("SELECT count(*) FROM sources.exam_scores", [], |r| r.get::<_, i64>(0)).is_err());
}

#[test]
fn many_columns_are_refused_past_the_limit_and_names_stay_unique() {
    let f = common::open();
    let header: Vec<String> = (0..1001).map(|i| format!("c{i}")).collect();
    let wide = format!("{}\n{}\n", header.join(","), vec!["1"; 1001].join(","));
    let err = add(&f, "Wide", wide.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("the file has 1001 columns, and a CSV source may have at most 1000"), "{err}");
    let s = add(&f, "Dupes", b"Score,score,Total,Score\n1,2,3,4\n").unwrap();
    assert_eq!(names(&s), ["Score", "score_2", "Total", "Score_3"], "unique ignoring case, as SQL compares them");
    let blank = add(&f, "Blank", b"name,,score\nx,y,1\n").unwrap();
    assert_eq!(blank.has_header, Some(false), "a header has no blank cell");
    let named = f.app.source_set_columns(&blank.id, vec![ColumnKind::Text, ColumnKind::Text, ColumnKind::Integer], Some(true)).unwrap();
    assert_eq!((names(&named), named.rows), (vec!["name".to_string(), "column_2".to_string(), "score".to_string()], Some(1)));
}
