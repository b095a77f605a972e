//! Upgrade tests (issue 18 item 8): a data file as every released schema version left it
//! is upgraded by the real open path, and nothing is lost.
//!
//! The fixtures (`tests/fixtures/upgrade/V{n}.sql`, one per migration in `migrations/`)
//! are frozen SQL text: the schema as version n made it and at least two rows in every
//! table, written once by `upgrade/fill.rs`. They are never regenerated for an old
//! version, so an edited old migration (refinery refuses its changed checksum) or a new
//! migration that loses, breaks or orphans rows fails here. A new migration's fixture is
//! written by `UPDATE_UPGRADE_FIXTURES=1 cargo test -p studydesk-core --test upgrade`
//! (it writes the missing ones only; `=all` rewrites every one).
//!
//! For each fixture: loaded into a file on disk, opened with `Studydesk::open` (backup,
//! then the pending migrations), then: the schema is the latest; every row of every table
//! is still there (by primary key) unless `DROPPED` says a migration removes it; every
//! row reads through the app's row type; doctor, integrity_check and foreign_key_check
//! are clean; the main reads (Home, calendar, dashboards, focus, feed...) work.

#[path = "upgrade/fill.rs"]
mod fill;

use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use studydesk_core::account::rows::*;
use studydesk_core::api::Studydesk;
use studydesk_core::attachments::AttachmentRow;
use studydesk_core::clock::ManualClock;
use studydesk_core::dashboard::rows::*;
use studydesk_core::email::rows::OutboxRow;
use studydesk_core::db::row::{self, Row};
use studydesk_core::db::{embedded_versions, latest_version};
use studydesk_core::focus::rows::*;
use studydesk_core::insights::rows::*;
use studydesk_core::planner::rows::*;
use studydesk_core::social::rows::*;

/// Rows a migration removes on purpose, as (version that removes them, table, why). None
/// so far: V7 and V8 rewrite or drop queued sync copies of secrets and local-only rows,
/// and the fixtures' queued changes are of a synced table, which both keep.
const DROPPED: &[(i64, &str, &str)] = &[];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade")
}

fn fixture_path(version: i64) -> PathBuf {
    fixtures_dir().join(format!("V{version}.sql"))
}

/// Writes the fixtures asked for by `UPDATE_UPGRADE_FIXTURES` (`1`: the missing ones).
fn update_fixtures() {
    let Some(mode) = std::env::var_os("UPDATE_UPGRADE_FIXTURES") else { return };
    std::fs::create_dir_all(fixtures_dir()).unwrap();
    for v in embedded_versions() {
        if mode == "all" || !fixture_path(v).exists() {
            std::fs::write(fixture_path(v), fill::fixture(v)).unwrap();
        }
    }
}

/// Every table's rows by primary key (the key's values joined), read without the app.
fn keys(conn: &Connection) -> BTreeMap<String, BTreeSet<String>> {
    let tables: Vec<String> = strings(conn, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    tables
        .into_iter()
        .map(|t| {
            let pk = strings(conn, &format!("SELECT name FROM pragma_table_info('{t}') WHERE pk > 0 ORDER BY pk"));
            let expr = if pk.is_empty() { "rowid".to_string() } else { pk.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(" || '|' || ") };
            let ids = strings(conn, &format!("SELECT CAST({expr} AS TEXT) FROM \"{t}\"")).into_iter().collect();
            (t, ids)
        })
        .collect()
}

fn strings(conn: &Connection, sql: &str) -> Vec<String> {
    let mut st = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let rows = st.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<Vec<String>>>().unwrap();
    rows
}

/// Reads every row of `R`'s table through the row type; returns the ids read.
fn read_all<R: Row>(conn: &Connection) -> studydesk_core::Result<Vec<String>> {
    let rows: Vec<R> = row::select(conn, "", [])?;
    Ok(rows
        .iter()
        .map(|r| match &serde_json::to_value(r).expect("a row serializes")["id"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect())
}

type Reader = (&'static str, fn(&Connection) -> studydesk_core::Result<Vec<String>>);

macro_rules! readers {
    ($($t:ty),+ $(,)?) => { vec![$((<$t as Row>::TABLE, read_all::<$t> as fn(&Connection) -> studydesk_core::Result<Vec<String>>)),+] };
}

/// One reader per table of the schema (`rows.rs` checks each type matches its table).
fn row_readers() -> Vec<Reader> {
    readers![
        UserRow, UserSettingsRow, UserPresenceRow, UserSessionRow, ApiKeyRow, AppSettingRow, AuditLogRow,
        UserPreferenceRow, DashboardRow, DashboardShareRow, UserDashboardSettings, WidgetRow, DataSourceRow,
        DataModelRow, AlertRow, ReportRow, WorkflowRow, ImmersiveWorkspaceRow, ImmersiveWidgetRow, ActivityRow,
        UserActivityRow, UserActivityFavoriteRow, UserActivityLogRow, IdleSessionRow, FocusEntry, ProgressMetricRow,
        StudyPlaylist, StudyResource, FollowRow, FollowDecisionRow, UserBlockRow, UserMuteRow, UserTagRow, PostRow,
        PostMediaRow, PostTagRow, PostLikeRow, PostCommentRow, NotificationRow, ActivityFeedRow, FeedEngagementRow,
        EmojiCategoryRow, EmojiRow, UserEmojiFavoriteRow, Course, Assignment, TaskList, Task, CalendarEventRow,
        EventReminder, ItemReminder, AttachmentRow, OutboxRow, WidgetResultRow, CalendarSubscriptionRow,
    ]
}

/// The core's bookkeeping tables, which have no row type (rows.rs leaves them out too).
fn bookkeeping(table: &str) -> bool {
    table == "refinery_schema_history" || table == "local_meta" || table.starts_with("sync_")
}

fn upgrade(version: i64) {
    let sql = std::fs::read_to_string(fixture_path(version))
        .unwrap_or_else(|e| panic!("no fixture for V{version} ({e}): run UPDATE_UPGRADE_FIXTURES=1 cargo test -p studydesk-core --test upgrade"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("studydesk.db");
    let before = {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(&sql).unwrap_or_else(|e| panic!("V{version}: the fixture does not load: {e}"));
        let v: i64 = c.query_row("SELECT max(version) FROM refinery_schema_history", [], |r| r.get(0)).unwrap();
        assert_eq!(v, version, "V{version}.sql is a file of another version");
        keys(&c)
    };
    for (table, ids) in &before {
        let dropped = DROPPED.iter().any(|(v, t, _)| *v > version && t == table);
        assert!(dropped || ids.len() >= fill::ROWS || table == "refinery_schema_history" || table == "local_meta",
            "V{version}.sql: {table} has {} rows", ids.len());
    }

    let clock = Arc::new(ManualClock::new(chrono::DateTime::parse_from_rfc3339("2026-12-06T12:00:00Z").unwrap().into()));
    let app = Studydesk::open(dir.path(), clock).unwrap_or_else(|e| panic!("V{version}: the upgrade failed: {e}"));
    let report = app.db().doctor().unwrap();
    assert_eq!(report.schema_version, latest_version(), "V{version}");
    assert!(report.ok, "V{version}: doctor after the upgrade: {report:?}");
    let backups = std::fs::read_dir(dir.path().join("backups")).map(|d| d.count()).unwrap_or(0);
    if version < latest_version() {
        assert_eq!(backups, 1, "V{version}: the file was backed up before its migrations");
    }

    app.db()
        .read(|c| {
            let after = keys(c);
            for (table, ids) in &before {
                if DROPPED.iter().any(|(v, t, _)| *v > version && t == table) {
                    continue;
                }
                let now = after.get(table).unwrap_or_else(|| panic!("V{version}: the table {table} is gone"));
                let lost: Vec<&String> = ids.difference(now).collect();
                assert!(lost.is_empty(), "V{version}: rows of {table} lost in the upgrade: {lost:?}");
            }
            let integrity = strings(c, "PRAGMA integrity_check");
            assert_eq!(integrity, ["ok"], "V{version}");
            let orphans: i64 = c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
            assert_eq!(orphans, 0, "V{version}: rows point to missing rows");

            // Every row of every table reads through the app's row type.
            let readers = row_readers();
            let mut covered: Vec<&str> = readers.iter().map(|(t, _)| *t).collect();
            covered.sort_unstable();
            let tables: Vec<&String> = after.keys().filter(|t| !bookkeeping(t)).collect();
            assert_eq!(covered, tables, "every table has a reader here (add the new row type to row_readers)");
            for (table, read) in readers {
                let ids: BTreeSet<String> = read(c)
                    .unwrap_or_else(|e| panic!("V{version}: a row of {table} does not read as its row type: {e}"))
                    .into_iter()
                    .collect();
                assert_eq!(&ids, &after[table], "V{version}: {table} read through its row type");
            }
            Ok(())
        })
        .unwrap();

    main_reads(&app, version);
}

/// The reads the app makes on its main screens answer on the upgraded file.
fn main_reads(app: &Studydesk, version: i64) {
    macro_rules! works {
        ($what:literal, $call:expr) => {
            if let Err(e) = $call {
                panic!("V{version}: {} failed after the upgrade: {e}", $what);
            }
        };
    }
    works!("home", app.home());
    works!("task list", app.task_list());
    works!("calendar range", app.calendar_range(String::from("2026-11-01"), String::from("2026-12-31")));
    works!("dashboards list", app.dashboards_list());
    works!("focus stats", app.focus_stats());
    works!("activity list", app.activity_list());
    works!("workspace list", app.workspace_list());
    works!("posts", app.posts_page(studydesk_core::social::posts::FeedScope::Home, None::<String>, None::<i64>));
    works!("notifications", app.notifications_list(None::<i64>));
    works!("alerts", app.alert_list());
    works!("reports", app.report_list());
    works!("data models", app.model_list());
    works!("data sources", app.source_list());
    works!("calendar subscriptions", app.calendar_subscriptions());
}

#[test]
fn every_released_schema_version_upgrades_to_the_latest_with_every_row() {
    update_fixtures();
    let versions = embedded_versions();
    let missing: Vec<i64> = versions.iter().copied().filter(|v| !fixture_path(*v).exists()).collect();
    assert!(missing.is_empty(), "no fixture for {missing:?}: run UPDATE_UPGRADE_FIXTURES=1 cargo test -p studydesk-core --test upgrade");
    for v in versions {
        upgrade(v);
    }
}

#[test]
fn every_fixture_has_a_migration() {
    // A fixture of a version that no migration makes is a removed or renumbered migration.
    let known = embedded_versions();
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let v: i64 = name.trim_start_matches('V').trim_end_matches(".sql").parse().unwrap_or(-1);
        assert!(known.contains(&v), "{name}: no migration makes this version");
    }
}

#[test]
fn a_fixture_whose_migration_was_edited_since_is_refused() {
    // The fixtures keep each applied migration's checksum: an old migration edited after
    // release no longer matches, and opening refuses instead of upgrading past it.
    let sql = std::fs::read_to_string(fixture_path(embedded_versions()[0])).unwrap();
    let dir = tempfile::tempdir().unwrap();
    {
        let c = Connection::open(dir.path().join("studydesk.db")).unwrap();
        c.execute_batch(&sql).unwrap();
        c.execute("UPDATE refinery_schema_history SET checksum = '12345' WHERE version = ?1", [embedded_versions()[0]]).unwrap();
    }
    let clock = Arc::new(ManualClock::new(chrono::DateTime::parse_from_rfc3339("2026-12-06T12:00:00Z").unwrap().into()));
    let err = Studydesk::open(dir.path(), clock).err().expect("a changed migration is refused");
    assert_eq!(err.kind(), "migration", "{err}");
}
