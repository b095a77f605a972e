//! Cached widget results travel with a share (issue 16 item 3): the owner's device stores
//! what each widget of a shared or public dashboard shows, and an account reading it
//! (shared with it, or public) sees the owner's result "as of" when it was computed, or in
//! words why there is none: not computed yet, too large to share, failed on the owner's
//! device. A dashboard shared with nobody stores nothing; a grantee never writes a result;
//! an unchanged result is not written again before it is 15 minutes old; history shows none
//! of these rows.

mod common;

use studydesk_core::db::{row, WriteCtx};
use studydesk_core::insights::dashboards::DashboardEdit;
use studydesk_core::insights::ownership::DashboardAccess;
use studydesk_core::insights::results;
use studydesk_core::insights::rows::{SharePermission, WidgetResultRow, WidgetType};
use studydesk_core::insights::widgets::{WidgetConfig, WidgetDraft, WidgetSource};

const OTHER: &str = "0193a0c4-7a1e-7000-8000-0000000000aa";

fn sql_table(title: &str, sql: &str) -> WidgetDraft {
    WidgetDraft {
        kind: WidgetType::Table,
        config: WidgetConfig { title: title.into(), source: WidgetSource::Sql, ..Default::default() },
        query: Some(sql.into()),
        data_source_id: None,
        position: None,
    }
}

/// Another account's profile on this device, as sync brings it.
fn other_account(f: &common::Fixture) {
    f.app
        .db()
        .write(WriteCtx::system("test.other_user"), |tx| {
            tx.execute("INSERT INTO users (id, email, username, password) VALUES (?1, 'o@example.com', 'other', '')", [OTHER])?;
            Ok(())
        })
        .unwrap();
}

fn now_text(f: &common::Fixture) -> String {
    studydesk_core::time::timestamp_text(f.app.db().now())
}

fn stored(f: &common::Fixture, widget: &str) -> Option<WidgetResultRow> {
    f.app.db().read(|c| row::get::<WidgetResultRow>(c, &results::id_of(widget))).unwrap()
}

#[test]
fn the_owner_stores_a_shared_widgets_result_and_a_grantee_reads_it_as_of_then() {
    let f = common::open();
    other_account(&f);
    let me = f.app.user_id();
    let board = f.app.dashboard_create(DashboardEdit { name: Some("Exams".into()), ..Default::default() }).unwrap();
    let scores = f.app.insights_widget_add(&board.row.id, sql_table("Scores", "SELECT 'Ada' AS student, 92 AS score UNION ALL SELECT 'Bob', 48")).unwrap();

    // Not shared: reading it stores nothing.
    f.app.insights_widget_data(&scores.row.id, None::<i64>).unwrap();
    assert!(stored(&f, &scores.row.id).is_none(), "a dashboard shared with nobody keeps its results to itself");
    let not_yet = f.app.db().read(|c| results::cached(c, OTHER, &scores.row.id)).unwrap_err().to_string();
    assert!(not_yet.contains("not found"), "an account it is not shared with reads nothing: {not_yet}");

    studydesk_core::insights::shares::add(f.app.db(), &me, &board.row.id, OTHER, SharePermission::View).unwrap();
    let not_computed = f.app.db().read(|c| results::cached(c, OTHER, &scores.row.id)).unwrap_err().to_string();
    assert!(not_computed.contains("not shared yet"), "{not_computed}");

    let computed_at = now_text(&f);
    let mine = f.app.insights_widget_data(&scores.row.id, None::<i64>).unwrap();
    assert!(mine.as_of.is_none(), "the owner's own reading is live");
    let row = stored(&f, &scores.row.id).expect("stored once shared");
    assert_eq!((row.dashboard_id.as_str(), row.row_count, row.error.as_deref()), (board.row.id.as_str(), 2, None));

    let theirs = f.app.db().read(|c| results::cached(c, OTHER, &scores.row.id)).unwrap();
    assert_eq!(theirs.table, mine.table, "the grantee sees the owner's rows");
    assert_eq!(theirs.as_of.as_deref(), Some(computed_at.as_str()));
    assert_eq!((theirs.from.as_str(), theirs.to.as_str()), (mine.from.as_str(), mine.to.as_str()));

    // Read again at once: unchanged, not written again; 16 minutes later: a new "as of".
    let changes = f.count("sync_changes");
    f.app.insights_widget_data(&scores.row.id, None::<i64>).unwrap();
    assert_eq!(f.count("sync_changes"), changes, "an unchanged fresh result is not written again");
    f.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(f.app.shared_results_refresh(false).unwrap(), 1, "the periodic job finds the stale one");
    assert_eq!(stored(&f, &scores.row.id).unwrap().computed_at, now_text(&f));
    assert_eq!(f.app.shared_results_refresh(false).unwrap(), 0, "and nothing while it is fresh");

    // A result is the app's bookkeeping: history shows none of it.
    let audited: i64 = f.app.db().read(|c| Ok(c.query_row("SELECT count(*) FROM audit_logs WHERE entity_type = 'widget_results'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(audited, 0);
    assert!(f.count("widget_results") == 1 && changes > 0);
}

#[test]
fn a_result_too_large_to_share_says_how_many_rows_and_a_failed_widget_says_why() {
    let f = common::open();
    other_account(&f);
    let me = f.app.user_id();
    let board = f.app.dashboard_create(DashboardEdit { name: Some("Big".into()), ..Default::default() }).unwrap();
    let big = f
        .app
        .insights_widget_add(
            &board.row.id,
            sql_table("Big", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000) SELECT i, printf('%.100c', 'x') AS filler FROM n"),
        )
        .unwrap();
    let broken = f.app.insights_widget_add(&board.row.id, sql_table("Broken", "SELECT nope FROM nowhere")).unwrap();
    studydesk_core::insights::shares::add(f.app.db(), &me, &board.row.id, OTHER, SharePermission::Edit).unwrap();

    assert_eq!(f.app.insights_widget_data(&big.row.id, None::<i64>).unwrap().table.rows.len(), 6000, "the owner sees it all");
    let row = stored(&f, &big.row.id).unwrap();
    assert_eq!((row.data.is_none(), row.row_count, row.error.as_deref()), (true, 6000, Some(results::TOO_LARGE)));
    let said = f.app.db().read(|c| results::cached(c, OTHER, &big.row.id)).unwrap_err().to_string();
    assert!(said.contains("too large to share: 6000 rows"), "{said}");

    let why = f.app.insights_widget_data(&broken.row.id, None::<i64>).unwrap_err().to_string();
    let said = f.app.db().read(|c| results::cached(c, OTHER, &broken.row.id)).unwrap_err().to_string();
    assert!(said.contains("on the owner's device this widget failed") && said.contains("nowhere"), "{said} / {why}");
}

#[test]
fn on_a_grantees_device_the_dashboard_opens_with_its_access_and_answers_the_cached_results() {
    let f = common::open();
    other_account(&f);
    let me = f.app.user_id();
    let board = f.app.dashboard_create(DashboardEdit { name: Some("Theirs".into()), ..Default::default() }).unwrap();
    let scores = f.app.insights_widget_add(&board.row.id, sql_table("Scores", "SELECT 1 AS one")).unwrap();
    let empty = f.app.insights_widget_add(&board.row.id, sql_table("Later", "SELECT 2 AS two")).unwrap();
    // The dashboard becomes the other account's, shared with me read only, with one cached
    // result, as sync would bring them.
    f.app
        .db()
        .write(WriteCtx::system("test.pulled"), |tx| {
            tx.execute("UPDATE dashboards SET user_id = ?1 WHERE id = ?2", [OTHER, &board.row.id])?;
            let share = studydesk_sync::natural_id("dashboard_shares", &[&board.row.id, &me]);
            tx.execute(
                "INSERT INTO dashboard_shares (id, dashboard_id, user_id, permission, shared_at, shared_by) VALUES (?1, ?2, ?3, 'view', '2026-11-20T00:00:00.000Z', ?4)",
                [&share, &board.row.id, &me, OTHER],
            )?;
            let data = r#"{"table":{"columns":[{"name":"one","kind":"integer"}],"rows":[[7]],"truncated":false},"from":"2026-10-24","to":"2026-11-22"}"#;
            tx.execute(
                "INSERT INTO widget_results (id, widget_id, dashboard_id, range_from, range_to, computed_at, data, row_count) VALUES (?1, ?2, ?3, '2026-10-24', '2026-11-22', '2026-11-21T09:00:00.000Z', ?4, 1)",
                [&results::id_of(&scores.row.id), &scores.row.id, &board.row.id, data],
            )?;
            Ok(())
        })
        .unwrap();

    let view = f.app.dashboard_get(&board.row.id).unwrap();
    assert_eq!((view.access, view.widgets.len()), (DashboardAccess::View, 2));
    let data = f.app.insights_widget_data(&scores.row.id, None::<i64>).unwrap();
    assert_eq!(data.as_of.as_deref(), Some("2026-11-21T09:00:00.000Z"));
    assert_eq!(serde_json::to_value(&data.table.rows).unwrap(), serde_json::json!([[7]]), "the owner's value, not computed here");
    let missing = f.app.insights_widget_data(&empty.row.id, None::<i64>).unwrap_err().to_string();
    assert!(missing.contains("not shared yet"), "{missing}");

    // A grantee writes no result, and a read only one changes nothing.
    let before = f.count("sync_changes");
    assert_eq!(f.app.shared_results_refresh(true).unwrap(), 0, "none of my dashboards travels");
    let refused = results::remember(f.app.db(), &me, &scores.row.id, Ok(&data)).unwrap_err();
    assert_eq!(refused.kind(), "not_found");
    assert!(common::refused(f.app.dashboard_update(&board.row.id, DashboardEdit { name: Some("Mine now".into()), ..Default::default() })).contains("read only"));
    assert_eq!(f.app.dashboard_set_public(&board.row.id, true).unwrap_err().kind(), "not_found", "only the owner makes it public");
    assert_eq!(f.count("sync_changes"), before, "nothing written");
}

#[test]
fn a_public_dashboard_travels_and_an_edit_grantee_may_rename_it() {
    let f = common::open();
    other_account(&f);
    let board = f.app.dashboard_create(DashboardEdit { name: Some("Open".into()), ..Default::default() }).unwrap();
    let w = f.app.insights_widget_add(&board.row.id, sql_table("One", "SELECT 1 AS one")).unwrap();
    let public = f.app.dashboard_set_public(&board.row.id, true).unwrap();
    assert!(public.row.is_public && public.access == DashboardAccess::Owner);
    f.app.insights_widget_data(&w.row.id, None::<i64>).unwrap();
    assert!(stored(&f, &w.row.id).is_some(), "a public dashboard's results travel");
    let data = f.app.db().read(|c| results::cached(c, OTHER, &w.row.id)).unwrap();
    assert!(data.as_of.is_some(), "every account reads a public dashboard's results");
    assert!(!f.app.dashboard_set_public(&board.row.id, false).unwrap().row.is_public);
    assert!(f.app.db().read(|c| results::cached(c, OTHER, &w.row.id)).is_err(), "private again: no longer readable by others");

    // An edit share lets the grantee rename it (not make it public).
    let me = f.app.user_id();
    f.app
        .db()
        .write(WriteCtx::system("test.pulled"), |tx| {
            tx.execute("UPDATE dashboards SET user_id = ?1 WHERE id = ?2", [OTHER, &board.row.id])?;
            let share = studydesk_sync::natural_id("dashboard_shares", &[&board.row.id, &me]);
            tx.execute(
                "INSERT INTO dashboard_shares (id, dashboard_id, user_id, permission, shared_at, shared_by) VALUES (?1, ?2, ?3, 'edit', '2026-11-20T00:00:00.000Z', ?4)",
                [&share, &board.row.id, &me, OTHER],
            )?;
            Ok(())
        })
        .unwrap();
    let renamed = f.app.dashboard_update(&board.row.id, DashboardEdit { name: Some("Renamed".into()), ..Default::default() }).unwrap();
    assert_eq!((renamed.row.name.as_str(), renamed.access), ("Renamed", DashboardAccess::Edit));
    assert_eq!(f.app.dashboard_set_public(&board.row.id, true).unwrap_err().kind(), "not_found", "only the owner makes it public");
}
