//! History and undo across devices (issue 16 item 5), through a real server on
//! PostgreSQL: a change made on one device, undone on the other, leaves exactly the old
//! row on every device after sync, for each table family; a conflict sync resolved is in
//! the history with the losing value restorable.

mod support;

use serde_json::{Map, Value};
use studydesk_core::db::by_name::{local_columns, read_values, row_exists};
use studydesk_core::focus::sessions::NewSession;
use studydesk_core::insights::dashboards::DashboardEdit;
use studydesk_core::planner::assignments::NewAssignment;
use studydesk_core::planner::calendar::{EventPatch, EventUpdate, NewEvent};
use studydesk_core::planner::tasks::NewTask;
use studydesk_core::social::posts::PostDraft;
use studydesk_core::sync::SignInMode;
use support::devices::{signed_in, sync, Device};
use support::TestServer;

/// The row as sync carries it (local bookkeeping such as derived counters left out).
fn snapshot(d: &Device, table: &str, id: &str) -> Option<Map<String, Value>> {
    d.app
        .db()
        .read(|c| {
            if !row_exists(c, table, id)? {
                return Ok(None);
            }
            let cols: Vec<String> =
                local_columns(c, table)?.into_iter().filter(|k| studydesk_sync::catalog::accepts_pulled(table, k)).collect();
            Ok(Some(read_values(c, table, id, &cols)?))
        })
        .unwrap()
}

/// Edits on the laptop, syncs, undoes the edit on the desktop from the row's history
/// there, syncs, and checks both devices hold exactly the row from before the edit.
fn undone_on_the_other_device(laptop: &Device, desktop: &Device, table: &str, id: &str, edit: impl FnOnce()) {
    sync(&[laptop, desktop]);
    let before = snapshot(laptop, table, id);
    assert!(before.is_some(), "{table} row on the laptop");
    assert_eq!(snapshot(desktop, table, id), before, "{table} reached the desktop");
    std::thread::sleep(std::time::Duration::from_millis(5));
    edit();
    sync(&[laptop, desktop]);
    assert_ne!(snapshot(desktop, table, id), before, "the edit reached the desktop");
    let change = desktop.app.history_item(id, None::<String>, Some(1)).unwrap().entries.remove(0);
    assert_eq!(change.actor, "sync", "{change:?}");
    assert_eq!(change.device_id.as_deref(), Some(laptop.app.db().device_id()), "made on the laptop");
    assert!(!change.this_device);
    desktop.app.history_undo(&change.id).unwrap();
    sync(&[desktop, laptop]);
    assert_eq!(snapshot(desktop, table, id), before, "{table}: undone on the desktop");
    assert_eq!(snapshot(laptop, table, id), before, "{table}: undone on the laptop after sync");
}

#[test]
fn undo_on_one_device_restores_exactly_the_old_values_on_every_device_for_each_table_family() {
    let server = TestServer::start();
    let laptop = signed_in(&server, "ada", SignInMode::Signup);
    let desktop = signed_in(&server, "ada", SignInMode::Login);

    let task = laptop.app.task_add(NewTask { description: "Read chapter 3".into(), ..Default::default() }).unwrap().id;
    undone_on_the_other_device(&laptop, &desktop, "tasks", &task, || {
        laptop.app.task_rename(&task, "Read chapter 4").unwrap();
    });
    let a = laptop.app.assignment_add(NewAssignment { title: "Problem set 4".into(), ..Default::default() }).unwrap().id;
    undone_on_the_other_device(&laptop, &desktop, "assignments", &a, || {
        laptop.app.assignment_update(&a, NewAssignment { title: "Problem set 5".into(), ..Default::default() }).unwrap();
    });
    let e = laptop.app.event_add(NewEvent { title: "Study group".into(), start: "2026-11-23T15:00".into(), ..Default::default() }).unwrap().id;
    undone_on_the_other_device(&laptop, &desktop, "calendar_events", &e, || {
        let patch = EventPatch { title: Some("Office hours".into()), ..Default::default() };
        laptop.app.event_update(EventUpdate { id: e.clone(), occurrence: None, scope: Default::default(), patch }).unwrap();
    });
    let d = laptop.app.dashboard_create(DashboardEdit { name: Some("Reading".into()), ..Default::default() }).unwrap().row.id;
    undone_on_the_other_device(&laptop, &desktop, "dashboards", &d, || {
        laptop.app.dashboard_update(&d, DashboardEdit { name: Some("Writing".into()), ..Default::default() }).unwrap();
    });
    let p = laptop.app.post_create(PostDraft { content: "Two hours of calculus".into(), ..Default::default() }).unwrap().row.id;
    undone_on_the_other_device(&laptop, &desktop, "posts", &p, || {
        laptop.app.post_edit(&p, PostDraft { content: "Three hours of calculus".into(), ..Default::default() }).unwrap();
    });
    let s = laptop.app.session_start(NewSession { name: Some("Calculus".into()), ..Default::default() }).unwrap().id;
    undone_on_the_other_device(&laptop, &desktop, "idle_sessions", &s, || {
        laptop.app.session_complete().unwrap();
    });
}

#[test]
fn a_conflict_sync_resolved_is_in_the_history_and_the_losing_value_can_be_restored() {
    let server = TestServer::start();
    let laptop = signed_in(&server, "ada", SignInMode::Signup);
    let desktop = signed_in(&server, "ada", SignInMode::Login);
    let id = laptop.app.task_add(NewTask { description: "Read".into(), ..Default::default() }).unwrap().id;
    sync(&[&laptop, &desktop]);
    // Both rename offline; the laptop's is the later, so it wins everywhere.
    desktop.app.task_rename(&id, "Read on the desktop").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    laptop.app.task_rename(&id, "Read on the laptop").unwrap();
    sync(&[&desktop, &laptop, &desktop]);
    let name = |d: &Device| snapshot(d, "tasks", &id).unwrap()["description"].clone();
    assert_eq!((name(&laptop), name(&desktop)), (Value::from("Read on the laptop"), Value::from("Read on the laptop")));
    // The history shows the desktop's value losing to the laptop's, as a conflict (on the
    // device that resolved it: the laptop, which pulled the older value after writing its own).
    let conflict = |d: &Device| d.app.history_item(&id, None::<String>, None).unwrap().entries.into_iter().find(|e| e.conflict);
    let (resolver, lost) = match (conflict(&laptop), conflict(&desktop)) {
        (Some(e), _) => (&laptop, e),
        (None, Some(e)) => (&desktop, e),
        (None, None) => panic!("no conflict entry on either device"),
    };
    assert!(lost.summary.contains("conflict") || lost.action == "sync.conflict", "{}", lost.summary);
    let field = lost.fields.iter().find(|f| f.field == "description").unwrap();
    assert_eq!(field.old, Value::from("Read on the desktop"), "the losing value is kept");
    resolver.app.history_undo(&lost.id).unwrap();
    sync(&[&laptop, &desktop, &laptop]);
    assert_eq!((name(&laptop), name(&desktop)), (Value::from("Read on the desktop"), Value::from("Read on the desktop")));
}
