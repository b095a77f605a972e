//! History and undo (issue 16 item 5): each table family's change undone restores exactly
//! the old row, as a new change that is audited and queued for sync; the bad inputs are
//! refused with nothing written; history pages are bounded; retention prunes.

mod common;

use chrono::Duration;
use serde_json::{Map, Value};
use studydesk_core::db::by_name::{local_columns, read_values, row_exists};
use studydesk_core::db::history::{HistoryQuery, Op};
use studydesk_core::focus::sessions::NewSession;
use studydesk_core::insights::dashboards::DashboardEdit;
use studydesk_core::insights::rows::WidgetType;
use studydesk_core::insights::widgets::{WidgetConfig, WidgetDraft};
use studydesk_core::planner::assignments::NewAssignment;
use studydesk_core::planner::calendar::{EventPatch, EventUpdate, NewEvent};
use studydesk_core::planner::tasks::NewTask;
use studydesk_core::social::posts::PostDraft;

/// The whole row as stored (None when it is gone).
fn snapshot(f: &common::Fixture, table: &str, id: &str) -> Option<Map<String, Value>> {
    f.app
        .db()
        .read(|c| {
            if !row_exists(c, table, id)? {
                return Ok(None);
            }
            let cols = local_columns(c, table)?;
            Ok(Some(read_values(c, table, id, &cols)?))
        })
        .unwrap()
}

/// The newest change of `id`, as its history shows it.
fn newest(f: &common::Fixture, id: &str) -> studydesk_core::db::history::HistoryEntry {
    f.app.history_item(id, None::<String>, Some(1)).unwrap().entries.remove(0)
}

/// Makes `edit`, checks the row moved, undoes the newest change of the row from its
/// history, and checks the row is exactly as before, by a change that syncs and is audited.
fn undo_restores(f: &common::Fixture, table: &str, id: &str, edit: impl FnOnce()) {
    let before = snapshot(f, table, id);
    f.clock.advance(Duration::minutes(1));
    edit();
    assert_ne!(snapshot(f, table, id), before, "the edit changed {table}");
    let change = newest(f, id);
    let (queued, audited) = (f.count("sync_changes"), f.count("audit_logs"));
    let outcome = f.app.history_undo(&change.id).unwrap();
    assert_eq!(outcome.undone[0].id, change.id);
    assert_eq!(snapshot(f, table, id), before, "undo restored {table} exactly");
    assert!(f.count("sync_changes") > queued, "the undo is queued for sync");
    assert!(f.count("audit_logs") > audited, "the undo is itself in the history");
    assert_eq!(newest(f, id).action, "history.undo");
}

fn task(f: &common::Fixture, text: &str) -> String {
    f.app.task_add(NewTask { list_id: None, description: text.into(), due_at: None }).unwrap().id
}

#[test]
fn undo_restores_tasks_and_assignments() {
    let f = common::open();
    let id = task(&f, "Read chapter 3");
    undo_restores(&f, "tasks", &id, || {
        f.app.task_rename(&id, "Read chapter 4").unwrap();
    });
    undo_restores(&f, "tasks", &id, || {
        f.app.task_set_completed(&id, true).unwrap();
    });
    let a = f.app.assignment_add(NewAssignment { title: "Problem set 4".into(), ..Default::default() }).unwrap();
    undo_restores(&f, "assignments", &a.id, || {
        f.app
            .assignment_update(&a.id, NewAssignment { title: "Problem set 5".into(), due_at: Some("2026-11-25T23:59:00+09:00".into()), ..Default::default() })
            .unwrap();
    });
}

#[test]
fn undo_restores_calendar_events() {
    let f = common::open();
    let e = f.app.event_add(NewEvent { title: "Study group".into(), start: "2026-11-23T15:00".into(), end: Some("2026-11-23T16:30".into()), ..Default::default() }).unwrap();
    undo_restores(&f, "calendar_events", &e.id, || {
        let patch = EventPatch { title: Some("Office hours".into()), start: Some("2026-11-24T10:00".into()), ..Default::default() };
        f.app.event_update(EventUpdate { id: e.id.clone(), occurrence: None, scope: Default::default(), patch }).unwrap();
    });
}

#[test]
fn undo_restores_dashboards_and_widgets() {
    let f = common::open();
    let d = f.app.dashboard_create(DashboardEdit { name: Some("Reading".into()), ..Default::default() }).unwrap();
    undo_restores(&f, "dashboards", &d.row.id, || {
        f.app.dashboard_update(&d.row.id, DashboardEdit { name: Some("Writing".into()), description: Some("Essays".into()), ..Default::default() }).unwrap();
    });
    let text = |md: &str| WidgetDraft {
        kind: WidgetType::Text,
        config: WidgetConfig { title: "Notes".into(), markdown: Some(md.into()), ..Default::default() },
        query: None,
        data_source_id: None,
        position: None,
    };
    let w = f.app.insights_widget_add(&d.row.id, text("first")).unwrap();
    undo_restores(&f, "widgets", &w.row.id, || {
        f.app.insights_widget_update(&w.row.id, text("second")).unwrap();
    });
}

#[test]
fn undo_restores_posts() {
    let f = common::open();
    let p = f.app.post_create(PostDraft { content: "Two hours of calculus".into(), ..Default::default() }).unwrap();
    undo_restores(&f, "posts", &p.row.id, || {
        f.app.post_edit(&p.row.id, PostDraft { content: "Three hours of calculus".into(), ..Default::default() }).unwrap();
    });
}

#[test]
fn undo_restores_focus_sessions() {
    let f = common::open();
    let s = f.app.session_start(NewSession { name: Some("Calculus".into()), ..Default::default() }).unwrap();
    f.clock.advance(Duration::minutes(25));
    undo_restores(&f, "idle_sessions", &s.id, || {
        f.app.session_complete().unwrap();
    });
}

#[test]
fn undo_of_an_insert_deletes_and_undo_of_the_delete_recreates_exactly() {
    let f = common::open();
    let id = task(&f, "Buy a notebook");
    let created = snapshot(&f, "tasks", &id);
    f.app.task_delete(&id).unwrap();
    let deletion = newest(&f, &id);
    assert_eq!(deletion.op, Op::Delete);
    // A deleted task is still named (from its old values: a task's text is its description).
    assert_eq!(deletion.label.as_deref(), Some("Buy a notebook"));
    f.app.history_undo(&deletion.id).unwrap();
    assert_eq!(snapshot(&f, "tasks", &id), created, "re-created from the old values");
    let creation = f.app.history_item(&id, None::<String>, None).unwrap().entries.into_iter().find(|e| e.op == Op::Insert).unwrap();
    f.app.history_undo(&creation.id).unwrap();
    assert_eq!(snapshot(&f, "tasks", &id), None, "undoing the creation deleted it");
}

#[test]
fn undo_of_a_change_whose_row_was_since_deleted_is_refused_with_nothing_written() {
    let f = common::open();
    let id = task(&f, "Read chapter 3");
    f.app.task_rename(&id, "Read chapter 4").unwrap();
    let rename = newest(&f, &id);
    f.app.task_delete(&id).unwrap();
    let before = f.footprint();
    let e = f.app.history_undo(&rename.id).unwrap_err();
    assert_eq!(e.kind(), "conflict");
    assert!(e.to_string().contains("has since been deleted"), "{e}");
    assert!(e.to_string().contains("nothing was changed"), "{e}");
    assert_eq!(f.footprint(), before, "nothing half-done");
}

#[test]
fn undo_refuses_unknown_changes_other_accounts_and_tables_that_are_not_user_editable() {
    let f = common::open();
    assert_eq!(f.app.history_undo("no-such-change").unwrap_err().kind(), "not_found");
    assert_eq!(f.app.history_undo("").unwrap_err().kind(), "validation");
    // A change of a local-only table (the user's app settings are not synced rows).
    let id = task(&f, "x");
    f.app.db().read(|c| {
        // An audit row of another account (as a shared row's history would hold): its
        // account is not on this device, so the foreign key is set aside for the fixture.
        c.execute_batch("PRAGMA foreign_keys = OFF")?;
        c.execute(
            "INSERT INTO audit_logs(id, user_id, action, entity_type, entity_id, old_values, new_values)
             VALUES ('local-1', ?1, 'x', 'user_sessions', 's1', '{\"a\":1}', '{\"a\":2}'),
                    ('other-1', 'someone-else', 'x', 'tasks', ?2, '{\"description\":\"a\"}', '{\"description\":\"b\"}')",
            [f.app.user_id(), id],
        )?;
        c.execute_batch("PRAGMA foreign_keys = ON")?;
        Ok(())
    }).unwrap();
    let before = f.footprint();
    let local = common::refused(f.app.history_undo("local-1"));
    assert!(local.contains("not something you edit"), "{local}");
    let other = common::refused(f.app.history_undo("other-1"));
    assert!(other.contains("another account"), "{other}");
    assert_eq!(f.footprint(), before);
}

#[test]
fn undo_since_a_time_takes_back_every_later_change_in_reverse_order() {
    let f = common::open();
    let kept = task(&f, "Kept");
    let kept_row = snapshot(&f, "tasks", &kept);
    f.clock.advance(Duration::minutes(5));
    let since = studydesk_core::db::timestamp_text(f.app.db().now());
    f.app.task_rename(&kept, "Renamed").unwrap();
    let added = task(&f, "Added later");
    f.app.task_rename(&added, "Added later, renamed").unwrap();
    f.app.task_delete(&kept).unwrap();
    let outcome = f.app.history_undo_since(&since).unwrap();
    assert!(outcome.undone.len() >= 4);
    assert_eq!(snapshot(&f, "tasks", &kept), kept_row);
    assert_eq!(snapshot(&f, "tasks", &added), None);
    assert_eq!(common::refused(f.app.history_undo_since("yesterday")).contains("since must be"), true);
}

#[test]
fn undo_last_takes_back_the_last_action() {
    let f = common::open();
    let id = task(&f, "Read");
    f.clock.advance(Duration::minutes(1));
    f.app.task_rename(&id, "Write").unwrap();
    let outcome = f.app.history_undo_last().unwrap();
    assert!(outcome.summary.contains("changed"), "{}", outcome.summary);
    assert_eq!(f.app.task_list().unwrap().iter().find(|t| t.id == id).unwrap().description, "Read");
    // Ctrl+Z again undoes the undo.
    f.app.history_undo_last().unwrap();
    assert_eq!(f.app.task_list().unwrap().iter().find(|t| t.id == id).unwrap().description, "Write");
}

#[test]
fn history_says_who_changed_what_from_which_device_and_is_paged() {
    let f = common::open();
    let id = task(&f, "Read");
    for i in 0..7 {
        f.app.task_rename(&id, format!("Read {i}")).unwrap();
    }
    let page = f.app.history_item(&id, None::<String>, Some(5)).unwrap();
    assert_eq!(page.entries.len(), 5);
    let e = &page.entries[0];
    assert_eq!((e.actor.as_str(), e.this_device, e.op), ("me", true, Op::Update));
    assert_eq!(e.device_id.as_deref(), Some(f.app.db().device_id()));
    let desc = e.fields.iter().find(|c| c.field == "description").unwrap();
    assert_eq!((desc.old.as_str(), desc.new.as_str()), (Some("Read 5"), Some("Read 6")));
    assert!(e.summary.starts_with("You changed") && e.summary.contains("on this device"), "{}", e.summary);
    let rest = f.app.history_item(&id, page.next.clone(), Some(5)).unwrap();
    assert_eq!(rest.entries.len(), 3, "7 renames and the creation");
    assert_eq!(rest.next, None);
    assert!(common::refused(f.app.history_item(&id, None::<String>, Some(100_000))).contains("at most"));
    // The account's history, filtered by type and date.
    let all = f.app.history_account(HistoryQuery { entity_type: Some("tasks".into()), limit: Some(200), ..Default::default() }).unwrap();
    assert!(all.entries.iter().all(|e| e.entity_type == "tasks"));
    let future = HistoryQuery { from: Some("2030-01-01T00:00:00+09:00".into()), ..Default::default() };
    assert!(f.app.history_account(future).unwrap().entries.is_empty());
    assert!(common::refused(f.app.history_account(HistoryQuery { to: Some("31/01".into()), ..Default::default() })).contains("to must be"));
}

#[test]
fn secrets_are_never_shown() {
    let f = common::open();
    f.app.db().read(|c| {
        c.execute(
            "INSERT INTO audit_logs(id, user_id, action, entity_type, entity_id, old_values, new_values)
             VALUES ('s-1', NULL, 'x', 'data_sources', 'ds1', '{\"connection_settings\":\"[redacted]\"}', '{\"connection_settings\":\"[redacted]\"}')",
            [],
        )?;
        Ok(())
    }).unwrap();
    let page = f.app.history_item("ds1", None::<String>, None).unwrap();
    assert_eq!(page.entries[0].fields[0].new, Value::from("[redacted]"));
}

#[test]
fn retention_prunes_changes_older_than_the_period_the_user_sets() {
    let f = common::open();
    assert_eq!(f.app.history_retention().unwrap(), 365);
    let id = task(&f, "Old");
    f.clock.advance(Duration::days(40));
    f.app.task_rename(&id, "New").unwrap();
    assert_eq!(f.app.history_item(&id, None::<String>, None).unwrap().entries.len(), 2);
    assert!(common::refused(f.app.history_set_retention(0u32)).contains("1 to 3650"));
    f.app.history_set_retention(30u32).unwrap();
    let left = f.app.history_item(&id, None::<String>, None).unwrap().entries;
    assert_eq!(left.len(), 1, "the creation 40 days ago was pruned");
    let f = f.reopen();
    assert_eq!(f.app.history_retention().unwrap(), 30, "kept across restarts");
}

/// One value of the database (a test's own look at what the app wrote).
fn scalar(f: &common::Fixture, sql: &str) -> String {
    f.app.db().read(|c| Ok(c.query_row(sql, [], |r| r.get::<_, rusqlite::types::Value>(0))?)).map(|v| format!("{v:?}")).unwrap()
}

#[test]
fn derived_rows_are_not_history_and_undo_recomputes_them_through_the_write_path() {
    let f = common::open();
    let read = task(&f, "Read");
    task(&f, "Write");
    f.clock.advance(Duration::minutes(1));
    let day_ring = |f: &common::Fixture| f.app.home().unwrap().progress.day.value;
    let before = day_ring(&f);
    f.app.task_set_completed(&read, true).unwrap();
    assert_ne!(day_ring(&f), before, "completing a task moved the day's ring");
    // The ring's snapshot moved in the same write and the audit trail holds it ...
    let derived = "SELECT count(*) FROM audit_logs WHERE entity_type = 'progress_metrics'";
    assert_ne!(scalar(&f, derived), "Integer(0)");
    // ... but the history shows only the user's action.
    let all = f.app.history_account(HistoryQuery { limit: Some(200), ..Default::default() }).unwrap().entries;
    assert!(all.iter().all(|e| e.entity_type != "progress_metrics"), "{:?}", all.iter().map(|e| &e.summary).collect::<Vec<_>>());
    // Ctrl+Z takes back one change, and the ring is recomputed from the task.
    let outcome = f.app.history_undo_last().unwrap();
    assert_eq!(outcome.undone.len(), 1, "{}", outcome.summary);
    assert!(outcome.summary.starts_with("Undone: You changed"), "{}", outcome.summary);
    assert_eq!(day_ring(&f), before, "the ring follows the undone completion");
    // A derived row's change named by id is refused, with nothing written.
    let id = scalar(&f, "SELECT id FROM audit_logs WHERE entity_type = 'progress_metrics' ORDER BY id DESC LIMIT 1");
    let id = id.trim_start_matches("Text(\"").trim_end_matches("\")").to_string();
    let kept = f.footprint();
    assert!(common::refused(f.app.history_undo(&id)).contains("Studydesk itself"));
    assert_eq!(f.footprint(), kept, "nothing half-done");
}

#[test]
fn the_apps_own_settings_are_not_history_but_the_users_are() {
    let f = common::open();
    // The first call after a sync round marks where like notices start: a setting the app
    // writes for itself.
    f.app.response_notices().unwrap();
    assert_ne!(scalar(&f, "SELECT count(*) FROM audit_logs WHERE entity_type = 'app_settings'"), "Integer(0)");
    let settings = || HistoryQuery { entity_type: Some("app_settings".into()), ..Default::default() };
    assert!(f.app.history_account(settings()).unwrap().entries.is_empty());
    // The local API's port is the user's choice: history shows it.
    let mut api = f.app.local_api_settings_get().unwrap();
    api.port = 18_080;
    f.app.local_api_settings_set(api).unwrap();
    let shown = f.app.history_account(settings()).unwrap().entries;
    assert_eq!(shown.len(), 1, "{:?}", shown.iter().map(|e| &e.summary).collect::<Vec<_>>());
    assert_eq!(shown[0].actor, "me");
}

#[test]
fn old_history_is_pruned_by_the_daily_housekeeping_not_at_start_up() {
    let f = common::open();
    let id = task(&f, "Old");
    f.clock.advance(Duration::days(400));
    f.app.task_rename(&id, "New").unwrap();
    // Opening the app (as every CLI command and OS-timer run does) prunes nothing.
    let f = f.reopen();
    assert_eq!(f.app.history_item(&id, None::<String>, None).unwrap().entries.len(), 2);
    // The background turn prunes what is older than a year, once a day.
    let me = f.app.user_id();
    studydesk_core::background::remind::turn_with(f.app.db(), &me, &studydesk_core::background::remind::FEEDS, |_| Ok(())).unwrap();
    assert_eq!(f.app.history_item(&id, None::<String>, None).unwrap().entries.len(), 1, "the creation 400 days ago went");
    assert_eq!(f.app.history_prune_if_due().unwrap(), None, "not again the same day");
    f.clock.advance(Duration::hours(25));
    assert_eq!(f.app.history_prune_if_due().unwrap(), Some(0), "due again a day later");
    // Bounded: a day's run deletes at most its batches; the rest go the next day.
    f.app.db().read(|c| {
        c.execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100001)
             INSERT INTO audit_logs(id, action, entity_type, entity_id, created_at)
             SELECT printf('old-%06d', i), 'x', 'tasks', 'gone', '2001-01-01T00:00:00Z' FROM n",
        )?;
        Ok(())
    }).unwrap();
    f.clock.advance(Duration::hours(25));
    let day = u64::from(studydesk_core::db::history::PRUNE_BATCHES_A_DAY) * studydesk_core::db::history::PRUNE_BATCH as u64;
    assert_eq!(f.app.history_prune_if_due().unwrap(), Some(day));
    f.clock.advance(Duration::hours(25));
    assert_eq!(f.app.history_prune_if_due().unwrap(), Some(100_001 - day));
}
