//! Real app databases (the core, each in its own data folder) syncing through a real
//! server on PostgreSQL: what a student with a laptop and a desktop would check.

mod support;

use studydesk_core::api::Studydesk;
use studydesk_core::planner::tasks::NewTask;
use studydesk_core::sync::{Credentials, SignInMode, SyncPhase};
use support::TestServer;

pub struct Device {
    pub dir: tempfile::TempDir,
    pub app: Studydesk,
}

pub fn device() -> Device {
    let dir = tempfile::tempdir().unwrap();
    let app = Studydesk::open(dir.path(), studydesk_core::clock::system()).unwrap();
    Device { dir, app }
}

fn credentials(server: &TestServer) -> Credentials {
    Credentials { server_url: server.base.clone(), email: "ada@example.org".into(), password: "correct horse battery".into() }
}

fn tasks(d: &Device) -> Vec<(String, bool)> {
    let mut t: Vec<(String, bool)> = d.app.task_list().unwrap().into_iter().map(|t| (t.description, t.is_completed)).collect();
    t.sort();
    t
}

fn add(d: &Device, text: &str) -> String {
    d.app.task_add(NewTask { description: text.into(), ..Default::default() }).unwrap().id
}

fn foreign_keys_hold(d: &Device) {
    let broken: i64 = d.app.db().read(|c| Ok(c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?)).unwrap();
    assert_eq!(broken, 0, "foreign keys hold");
}

#[test]
fn a_task_added_on_one_device_appears_on_the_other_and_edits_merge() {
    let server = TestServer::start();
    let laptop = device();
    add(&laptop, "Read chapter 3");
    let status = laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    assert_eq!(status.phase, SyncPhase::Synced, "{status:?}");
    assert_eq!(status.pending, 0);
    let backups = std::fs::read_dir(laptop.dir.path().join("backups")).unwrap().count();
    assert_eq!(backups, 1, "the database was backed up before the first sync");

    let desktop = device();
    add(&desktop, "Buy a notebook");
    let status = desktop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    assert_eq!(status.phase, SyncPhase::Synced, "{status:?}");
    assert_eq!(desktop.app.user_id(), laptop.app.user_id(), "the desktop adopted the account's identity");
    assert_eq!(tasks(&desktop), vec![("Buy a notebook".into(), false), ("Read chapter 3".into(), false)]);
    assert_eq!(
        desktop.app.home().unwrap().today.list.id,
        laptop.app.home().unwrap().today.list.id,
        "one Today list for the account, not one per device"
    );
    laptop.app.sync_now().unwrap();
    assert_eq!(tasks(&laptop), tasks(&desktop));

    // Concurrent edits of different columns both survive; the same column: the later wins.
    let read = laptop.app.task_list().unwrap().into_iter().find(|t| t.description == "Read chapter 3").unwrap().id;
    laptop.app.task_set_completed(&read, true).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    desktop.app.task_rename(&read, "Read chapter 3 and 4").unwrap();
    laptop.app.sync_now().unwrap();
    desktop.app.sync_now().unwrap();
    laptop.app.sync_now().unwrap();
    assert_eq!(tasks(&laptop), tasks(&desktop));
    assert!(tasks(&laptop).contains(&("Read chapter 3 and 4".into(), true)), "{:?}", tasks(&laptop));
    for d in [&laptop, &desktop] {
        foreign_keys_hold(d);
        assert_eq!(d.app.sync_status().unwrap().pending, 0);
    }
}

#[test]
fn a_delete_wins_over_a_concurrent_edit_on_every_device() {
    let server = TestServer::start();
    let laptop = device();
    let id = add(&laptop, "Old task");
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    let desktop = device();
    desktop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    laptop.app.task_delete(&id).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    desktop.app.task_rename(&id, "Edited after the delete").unwrap();
    desktop.app.sync_now().unwrap();
    laptop.app.sync_now().unwrap();
    desktop.app.sync_now().unwrap();
    assert!(tasks(&laptop).is_empty() && tasks(&desktop).is_empty(), "{:?} / {:?}", tasks(&laptop), tasks(&desktop));
    assert_eq!(desktop.app.sync_status().unwrap().pending, 0, "the superseded edit left the queue");
}

#[test]
fn a_push_cut_off_after_stamping_is_resent_as_the_same_batch_and_applied_once() {
    let server = TestServer::start();
    let laptop = device();
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    add(&laptop, "Survives a crash");
    // The process stamps a batch and sends it, then dies before recording the answer.
    let batch = studydesk_core::sync::next_batch(laptop.app.db()).unwrap().unwrap();
    let key = studydesk_core::sync::load_key(laptop.dir.path()).unwrap();
    let remote = studydesk_core::sync::Remote::new(&server.base, key).unwrap();
    remote.push(&batch.request(laptop.app.db().device_id())).unwrap();
    drop(laptop.app);
    let laptop = Device { app: Studydesk::open(laptop.dir.path(), studydesk_core::clock::system()).unwrap(), dir: laptop.dir };
    let report = laptop.app.sync_now().unwrap();
    assert!(report.pushed >= 1, "{report:?}");
    assert_eq!(laptop.app.sync_status().unwrap().pending, 0);
    assert_eq!(server.count("SELECT count(*) FROM changes WHERE columns->>'description' = 'Survives a crash'"), 1, "applied once");
    let desktop = device();
    desktop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    assert_eq!(tasks(&desktop), vec![("Survives a crash".into(), false)]);
}

#[test]
fn a_refused_change_waits_in_its_own_list_and_never_blocks_the_queue() {
    let server = TestServer::start();
    let laptop = device();
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    // A change the server will refuse (a column it does not know), then a good one.
    laptop
        .app
        .db()
        .write(studydesk_core::db::WriteCtx { actor_id: None, action: "test".into(), capture: false, audit: false }, |tx| {
            tx.execute(
                "INSERT INTO sync_changes(table_name, row_id, op, changes, hlc, device_id) VALUES ('tasks', ?1, 'update', '{\"nope\": 1}', ?2, ?3)",
                rusqlite::params![uuid::Uuid::now_v7().to_string(), "0001700000000000.00000", laptop.app.db().device_id()],
            )?;
            Ok(())
        })
        .unwrap();
    add(&laptop, "Still syncs");
    let report = laptop.app.sync_now().unwrap();
    assert_eq!(report.refused, 1, "{report:?}");
    assert!(report.pushed >= 1, "the good change went through: {report:?}");
    let refused = laptop.app.sync_refused().unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].code, "unknown_column");
    let status = laptop.app.sync_status().unwrap();
    assert_eq!((status.pending, status.refused), (0, 1));
    laptop.app.sync_discard(refused[0].id).unwrap();
    assert!(laptop.app.sync_refused().unwrap().is_empty());
}

#[test]
fn signing_out_keeps_the_data_and_a_wrong_password_is_a_clear_error() {
    let server = TestServer::start();
    let laptop = device();
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    add(&laptop, "Mine");
    laptop.app.sync_logout().unwrap();
    assert_eq!(laptop.app.sync_status().unwrap().phase, SyncPhase::SignedOut);
    assert!(!laptop.dir.path().join("sync-key").exists());
    let err = laptop.app.sync_now().unwrap_err();
    assert_eq!(err.kind(), "sync_signed_out");
    assert_eq!(tasks(&laptop), vec![("Mine".into(), false)]);
    let bad = Credentials { password: "not the password".into(), ..credentials(&server) };
    let err = laptop.app.sync_sign_in(SignInMode::Login, &bad).unwrap_err();
    assert_eq!(err.kind(), "sync_signed_out");
    assert!(err.to_string().contains("wrong"), "{err}");
    laptop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    assert_eq!(laptop.app.sync_status().unwrap().phase, SyncPhase::Synced);
    let offline = Credentials { server_url: "http://127.0.0.1:9".into(), ..credentials(&server) };
    let err = device().app.sync_sign_in(SignInMode::Login, &offline).unwrap_err();
    assert_eq!(err.kind(), "sync_offline");
}

/// `studydesk-cli`, built beside this test by `cargo test --workspace`.
fn cli_path() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let cli = dir.join(format!("studydesk-cli{}", std::env::consts::EXE_SUFFIX));
    assert!(cli.exists(), "{} is missing: run the tests with cargo test --workspace", cli.display());
    cli
}

/// Runs `sync now` in a real process and SIGKILLs it after `after`; true if it finished first.
fn sync_killed_after(dir: &std::path::Path, after: std::time::Duration) -> bool {
    let mut child = std::process::Command::new(cli_path())
        .args(["--data-dir", dir.to_str().unwrap(), "sync", "now"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    let _ = child.wait();
    finished
}

fn insert_tasks(d: &Device, n: usize) {
    let list = d.app.home().unwrap().today.list.id;
    let user = d.app.user_id();
    d.app
        .db()
        .write(studydesk_core::db::WriteCtx::by(&user, "test.bulk"), |tx| {
            for i in 0..n {
                let input = NewTask { list_id: Some(list.clone()), description: format!("bulk {i}"), ..Default::default() };
                studydesk_core::planner::tasks::insert_task(tx, &user, &input)?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn syncs_killed_mid_push_and_mid_pull_complete_with_nothing_lost_or_applied_twice() {
    const N: usize = 2500;
    let server = TestServer::start();
    let laptop = device();
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    insert_tasks(&laptop, N);
    // Kill the pushing process at growing delays (before, during and after batches).
    for ms in [30, 120, 250, 400, 600, 900] {
        sync_killed_after(laptop.dir.path(), std::time::Duration::from_millis(ms));
    }
    laptop.app.sync_now().unwrap();
    assert_eq!(laptop.app.sync_status().unwrap().pending, 0);
    assert_eq!(server.count("SELECT count(*) FROM rows WHERE table_name = 'tasks'"), N as i64);
    assert_eq!(server.count("SELECT count(*) FROM changes WHERE table_name = 'tasks'"), N as i64, "each task logged once");

    // A new device pulls 2,500 tasks; kill it mid-pull several times.
    let desktop = device();
    // Signed in, but the first round (backup, identity, upload, pull) is left to the CLI.
    studydesk_core::sync::sign_in(desktop.app.db(), desktop.dir.path(), &desktop.app.user_id(), SignInMode::Login, &credentials(&server)).unwrap();
    drop(desktop.app);
    let dir = desktop.dir;
    for ms in [50, 200, 400, 700] {
        sync_killed_after(dir.path(), std::time::Duration::from_millis(ms));
    }
    let desktop = Device { app: Studydesk::open(dir.path(), studydesk_core::clock::system()).unwrap(), dir };
    desktop.app.sync_now().unwrap();
    let bulk = desktop.app.task_list().unwrap().into_iter().filter(|t| t.description.starts_with("bulk ")).count();
    assert_eq!(bulk, N, "every task once on the new device");
    foreign_keys_hold(&desktop);
    assert_eq!(desktop.app.sync_status().unwrap().apply_errors, 0);
}

/// Every calendar row of a device: (id, title, series, occurrence), sorted.
/// An event's id with three of its columns.
type EventRow = (String, Option<String>, Option<String>, Option<String>);

fn calendar_rows(d: &Device) -> Vec<EventRow> {
    d.app
        .db()
        .read(|c| {
            let mut stmt = c.prepare("SELECT id, title, series_id, recurrence_id FROM calendar_events ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .unwrap()
}

/// The same calendar file imported on two devices while offline, and the same occurrence
/// edited on both: one event, one exception and one edited occurrence everywhere, nothing
/// the other device could not apply (the UNIQUE UID and occurrence indexes hold). Before
/// ids were derived from UID and occurrence, each device kept its own copy and refused
/// the other's.
#[test]
fn a_calendar_imported_on_two_devices_and_one_occurrence_edited_on_both_converge_to_one_copy() {
    use studydesk_core::planner::calendar::{EditScope, EventPatch, EventUpdate};
    let ics = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/ics/google.ics")).unwrap();
    let server = TestServer::start();
    let laptop = device();
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    let desktop = device();
    desktop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    for d in [&laptop, &desktop] {
        let report = d.app.ics_import(&ics).unwrap();
        assert_eq!(report.created, 4, "{report:?}");
    }
    let imported = calendar_rows(&laptop);
    assert_eq!(imported, calendar_rows(&desktop), "the same file gives the same rows, ids included");

    // Both edit the first Monday of the series ("this event") before syncing.
    let (series, ..) = imported.iter().find(|r| r.2.is_none() && r.1.as_deref() == Some("Linear Algebra lecture")).unwrap().clone();
    let occurrence = laptop
        .app
        .calendar_range("2026-10-19", "2026-10-19")
        .unwrap()
        .items
        .into_iter()
        .find(|i| i.id == series)
        .and_then(|i| i.recurrence_id)
        .expect("the series' occurrence of 19 October");
    let edit = |d: &Device, title: &str| {
        let patch = EventPatch { title: Some(title.into()), ..Default::default() };
        d.app.event_update(EventUpdate { id: series.clone(), occurrence: Some(occurrence.clone()), scope: EditScope::This, patch }).unwrap()
    };
    let on_laptop = edit(&laptop, "Linear Algebra (laptop)");
    std::thread::sleep(std::time::Duration::from_millis(5));
    let on_desktop = edit(&desktop, "Linear Algebra (desktop, later)");
    assert_eq!(on_laptop.id, on_desktop.id, "one occurrence, one override id");

    laptop.app.sync_now().unwrap();
    desktop.app.sync_now().unwrap();
    laptop.app.sync_now().unwrap();
    let rows = calendar_rows(&laptop);
    assert_eq!(rows, calendar_rows(&desktop));
    assert_eq!(rows.len(), imported.len() + 1, "four imported rows and one new override: {rows:?}");
    let override_row = rows.iter().find(|r| r.0 == on_laptop.id).unwrap();
    assert_eq!(override_row.1.as_deref(), Some("Linear Algebra (desktop, later)"), "the later edit of the title wins");
    for d in [&laptop, &desktop] {
        let status = d.app.sync_status().unwrap();
        assert_eq!((status.pending, status.refused, status.apply_errors), (0, 0, 0), "{status:?}");
        foreign_keys_hold(d);
    }
}

/// A database from before derived calendar ids (imported events and overrides with random
/// ids) gets the derived ids at its first sync, so it converges with devices that import
/// the same file later; the event's reminders and exceptions follow their master.
#[test]
fn the_first_sync_gives_imported_events_made_before_derived_ids_their_derived_ids() {
    use studydesk_core::planner::calendar::model::{imported_id, override_id};
    let ics = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/ics/google.ics")).unwrap();
    let server = TestServer::start();
    let laptop = device();
    laptop.app.ics_import(&ics).unwrap();
    // What an older version stored: random ids (children repointed by the foreign keys'
    // own columns, as that version had them).
    laptop
        .app
        .db()
        .write(studydesk_core::db::WriteCtx::by(&laptop.app.user_id(), "test.old_ids"), |tx| {
            tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
            let ids: Vec<String> = {
                let mut stmt = tx.prepare("SELECT id FROM calendar_events ORDER BY series_id IS NOT NULL")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for old in ids {
                let new = uuid::Uuid::now_v7().to_string();
                tx.execute("UPDATE calendar_events SET series_id = ?1 WHERE series_id = ?2", [&new, &old])?;
                tx.execute("UPDATE calendar_event_reminders SET event_id = ?1 WHERE event_id = ?2", [&new, &old])?;
                tx.execute("UPDATE calendar_events SET id = ?1 WHERE id = ?2", [&new, &old])?;
            }
            Ok(())
        })
        .unwrap();
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    let user = laptop.app.user_id();
    let rows: Vec<EventRow> = laptop
        .app
        .db()
        .read(|c| {
            let mut stmt = c.prepare("SELECT id, uid, series_id, recurrence_id FROM calendar_events")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .unwrap();
    assert_eq!(rows.len(), 4);
    for (id, uid, series, occurrence) in &rows {
        let derived = match (series, occurrence) {
            (Some(s), Some(o)) => override_id(s, o),
            _ => imported_id(&user, uid.as_deref().unwrap()),
        };
        assert_eq!(id, &derived, "{uid:?} {occurrence:?}");
    }
    foreign_keys_hold(&laptop);
    let desktop = device();
    desktop.app.ics_import(&ics).unwrap();
    desktop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    laptop.app.sync_now().unwrap();
    assert_eq!(calendar_rows(&desktop).len(), 4, "one copy of each event on the desktop");
    assert_eq!(calendar_rows(&laptop), calendar_rows(&desktop));
    assert_eq!(desktop.app.sync_status().unwrap().apply_errors, 0);
}

/// A tiny PNG header (the core reads only the magic bytes).
fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend(std::iter::repeat_n(7u8, 200));
    b
}

fn attachment_ids(d: &Device) -> Vec<String> {
    d.app
        .db()
        .read(|c| {
            let mut stmt = c.prepare("SELECT id FROM attachments ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
        })
        .unwrap()
}

/// The same picture set as a background on two devices before they sync is one
/// attachment (UNIQUE user + content hash), and a picture attached before derived ids
/// gets its derived id at the first sync with the workspace still showing it.
#[test]
fn the_same_picture_attached_on_two_devices_is_one_attachment_and_old_ones_keep_their_workspace() {
    let server = TestServer::start();
    let laptop = device();
    let room = laptop.app.workspace_list().unwrap()[0].id.clone();
    laptop.app.workspace_set_background_file(&room, Some("sky.png"), &png()).unwrap();
    // As an older version stored it: a random id (the workspace names it).
    let old = attachment_ids(&laptop)[0].clone();
    laptop
        .app
        .db()
        .write(studydesk_core::db::WriteCtx::by(&laptop.app.user_id(), "test.old_ids"), |tx| {
            let random = uuid::Uuid::now_v7().to_string();
            tx.execute("UPDATE attachments SET id = ?1 WHERE id = ?2", [&random, &old])?;
            tx.execute("UPDATE immersive_workspaces SET background_value = ?1 WHERE background_value = ?2", [&random, &old])?;
            Ok(())
        })
        .unwrap();
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    let ids = attachment_ids(&laptop);
    assert_eq!(ids, vec![old.clone()], "the first sync gave the attachment its derived id back");
    let shown = laptop.app.workspace_list().unwrap().into_iter().find(|w| w.id == room).unwrap();
    let attachment = shown.background.attachment.expect("the workspace still shows its picture");
    assert_eq!((attachment.id.as_str(), attachment.missing), (old.as_str(), false));

    // The desktop attaches the same picture before it ever syncs (under its own local
    // user id), then signs in to the laptop's account.
    let desktop = device();
    let desktop_room = desktop.app.workspace_add("Library").unwrap().id;
    desktop.app.workspace_set_background_file(&desktop_room, Some("sky copy.png"), &png()).unwrap();
    desktop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    assert_eq!(attachment_ids(&desktop), vec![old.clone()], "the same content of the same account, one id");
    laptop.app.sync_now().unwrap();
    for d in [&laptop, &desktop] {
        assert_eq!(attachment_ids(d), vec![old.clone()]);
        let status = d.app.sync_status().unwrap();
        assert_eq!((status.pending, status.refused, status.apply_errors), (0, 0, 0), "{status:?}");
        foreign_keys_hold(d);
    }
}

/// Two devices that open Immerse before they ever sync each make the default "Focus room"
/// with its clock, timer and todo; after syncing there is one room with three widgets.
#[test]
fn the_default_focus_room_made_on_two_devices_before_syncing_is_one_room() {
    let server = TestServer::start();
    let laptop = device();
    let desktop = device();
    for d in [&laptop, &desktop] {
        let rooms = d.app.workspace_list().unwrap();
        assert_eq!((rooms.len(), rooms[0].widgets.len()), (1, 3));
    }
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    desktop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    laptop.app.sync_now().unwrap();
    for d in [&laptop, &desktop] {
        let rooms = d.app.workspace_list().unwrap();
        let shape: Vec<(String, usize)> = rooms.iter().map(|w| (w.name.clone(), w.widgets.len())).collect();
        assert_eq!(shape, vec![("Focus room".to_string(), 3)], "one room, three widgets");
        let status = d.app.sync_status().unwrap();
        assert_eq!((status.pending, status.refused, status.apply_errors), (0, 0, 0), "{status:?}");
        foreign_keys_hold(d);
    }
    assert_eq!(laptop.app.workspace_list().unwrap(), desktop.app.workspace_list().unwrap());
}

/// The machine's clock, off by an amount the test sets: a laptop whose clock runs fast or
/// slow, as dual-boot machines and dead CMOS batteries make them.
#[derive(Clone, Default)]
struct SkewedClock(std::sync::Arc<std::sync::Mutex<chrono::Duration>>);

impl SkewedClock {
    fn set(&self, skew: chrono::Duration) {
        *self.0.lock().unwrap() = skew;
    }
}

impl studydesk_core::clock::Clock for SkewedClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + *self.0.lock().unwrap()
    }
}

fn device_with_clock(clock: &SkewedClock) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let app = Studydesk::open(dir.path(), std::sync::Arc::new(clock.clone())).unwrap();
    Device { dir, app }
}

fn task_named(d: &Device, name: &str) -> String {
    d.app.task_list().unwrap().into_iter().find(|t| t.description == name).unwrap().id
}

fn assert_clean(d: &Device) {
    let status = d.app.sync_status().unwrap();
    assert_eq!((status.pending, status.refused, status.apply_errors), (0, 0, 0), "{status:?}");
    foreign_keys_hold(d);
}

fn assert_offset_near(d: &Device, expected_ms: i64) {
    let offset = d.app.sync_status().unwrap().clock_offset_ms.expect("the status reports the clock offset");
    assert!((offset - expected_ms).abs() < 5_000, "offset {offset} ms, expected about {expected_ms} ms");
}

const TEN_MINUTES_MS: i64 = 600_000;

/// The server refuses clocks more than a minute ahead of its own. A device whose clock
/// runs ten minutes fast still syncs every change: what it made offline before its first
/// sync (the offset is learned at sign-in), and what it made after its clock jumped ahead
/// (refused once, re-stamped and sent again in the same round). Its edits then order by
/// real time: an earlier edit made on it loses to a later one made on a right clock.
#[test]
fn a_device_whose_clock_runs_fast_syncs_every_change_and_its_edits_order_by_real_time() {
    let server = TestServer::start();
    let laptop = device();
    add(&laptop, "Essay outline");
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();

    let fast = SkewedClock::default();
    fast.set(chrono::Duration::minutes(10));
    let desktop = device_with_clock(&fast);
    add(&desktop, "Made offline on a fast clock");
    let status = desktop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    assert_eq!(status.phase, SyncPhase::Synced, "{status:?}");
    assert_offset_near(&desktop, -TEN_MINUTES_MS);
    assert_clean(&desktop);
    laptop.app.sync_now().unwrap();
    assert_eq!(tasks(&laptop), vec![("Essay outline".into(), false), ("Made offline on a fast clock".into(), false)]);
    assert_eq!(laptop.app.sync_status().unwrap().clock_offset_ms, None, "the laptop's clock is right");

    // Right at sign-in, the clock then jumps twenty minutes ahead: the first push of what
    // it made since is refused, re-stamped and accepted within the same round.
    fast.set(chrono::Duration::minutes(30));
    add(&desktop, "Made after the clock jumped");
    let report = desktop.app.sync_now().unwrap();
    assert_eq!(report.refused, 0, "{report:?}");
    assert!(report.pushed >= 1, "{report:?}");
    assert_offset_near(&desktop, -3 * TEN_MINUTES_MS);
    assert_clean(&desktop);

    // The desktop edits first, the laptop a moment later: the laptop's edit is the later one.
    let outline = task_named(&desktop, "Essay outline");
    desktop.app.task_rename(&outline, "Renamed first, on the fast desktop").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    laptop.app.task_rename(&outline, "Renamed later, on the laptop").unwrap();
    desktop.app.sync_now().unwrap();
    laptop.app.sync_now().unwrap();
    desktop.app.sync_now().unwrap();
    assert_eq!(tasks(&desktop), tasks(&laptop));
    assert!(tasks(&laptop).contains(&("Renamed later, on the laptop".into(), false)), "{:?}", tasks(&laptop));
    assert!(tasks(&laptop).contains(&("Made after the clock jumped".into(), false)), "{:?}", tasks(&laptop));

    // Once the clock is set right, the warning goes with the next sync.
    fast.set(chrono::Duration::zero());
    desktop.app.sync_now().unwrap();
    assert_eq!(desktop.app.sync_status().unwrap().clock_offset_ms, None);
    for d in [&laptop, &desktop] {
        assert_clean(d);
    }
}

/// A device whose clock runs ten minutes slow: its edit, made after the laptop's, wins on
/// every device (uncorrected, it would be dated before the laptop's and lose).
#[test]
fn a_device_whose_clock_runs_slow_still_wins_with_its_later_edit() {
    let server = TestServer::start();
    let laptop = device();
    let essay = add(&laptop, "Essay");
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    let slow = SkewedClock::default();
    slow.set(chrono::Duration::minutes(-10));
    let tablet = device_with_clock(&slow);
    tablet.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    assert_offset_near(&tablet, TEN_MINUTES_MS);

    laptop.app.task_rename(&essay, "Renamed first, on the laptop").unwrap();
    laptop.app.sync_now().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    tablet.app.task_rename(&essay, "Renamed later, on the slow tablet").unwrap();
    tablet.app.sync_now().unwrap();
    laptop.app.sync_now().unwrap();
    for d in [&laptop, &tablet] {
        assert_eq!(tasks(d), vec![("Renamed later, on the slow tablet".into(), false)]);
        assert_clean(d);
    }
}

/// A picture of `len` bytes: a PNG header then incompressible bytes (`seed`).
fn picture(len: usize, seed: u64) -> Vec<u8> {
    let mut b = png();
    b.truncate(16);
    b.extend(support::random_bytes(len - b.len(), seed));
    b
}

/// The background picture a device shows in a room: its attachment id, whether its
/// file is missing, and the file's bytes when there.
fn background_file(d: &Device, room: &str) -> (String, bool, Option<Vec<u8>>) {
    let ws = d.app.workspace_list().unwrap().into_iter().find(|w| w.id == room).expect("the room synced");
    let attachment = ws.background.attachment.expect("the room shows a picture");
    let path: String = d
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT path FROM attachments WHERE id = ?1", [&attachment.id], |r| r.get(0))?))
        .unwrap();
    let bytes = std::fs::read(d.dir.path().join(path)).ok();
    (attachment.id, attachment.missing, bytes)
}

/// A background picture set on the laptop reaches the desktop with its file, byte for
/// byte (streamed through the server's blob store, in several 1 MiB chunks); a picture
/// whose file changed on disk after it was attached is refused by the server, listed
/// with its reason, and never blocks the round or the row.
#[test]
fn an_attachment_file_follows_its_row_and_a_file_changed_on_disk_is_listed_not_sent() {
    let server = TestServer::start();
    let laptop = device();
    let room = laptop.app.workspace_list().unwrap()[0].id.clone();
    let sky = picture(3 * 1024 * 1024 + 17, 1);
    laptop.app.workspace_set_background_file(&room, Some("sky.png"), &sky).unwrap();
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    assert_eq!(server.count("SELECT count(*) FROM blobs"), 1, "the file was uploaded");

    let desktop = device();
    let status = desktop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    assert_eq!(status.phase, SyncPhase::Synced, "{status:?}");
    let (id, missing, bytes) = background_file(&desktop, &room);
    assert_eq!(id, background_file(&laptop, &room).0);
    assert!(!missing, "the desktop shows the picture");
    assert!(bytes.as_deref() == Some(sky.as_slice()), "the desktop's file is the laptop's, byte for byte");
    let again = desktop.app.sync_now().unwrap();
    assert_eq!((again.files_sent, again.files_received), (0, 0), "a file travels once");

    // A second room's picture is overwritten on disk before the laptop syncs it.
    let study = laptop.app.workspace_add("Study").unwrap().id;
    laptop.app.workspace_set_background_file(&study, Some("desk.png"), &picture(4096, 2)).unwrap();
    let path: String = laptop
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT path FROM attachments WHERE original_name = 'desk.png'", [], |r| r.get(0))?))
        .unwrap();
    std::fs::write(laptop.dir.path().join(path), picture(4096, 3)).unwrap();
    let report = laptop.app.sync_now().unwrap();
    assert_eq!((report.files_sent, report.files_refused, report.refused), (0, 1, 0), "{report:?}");
    let status = laptop.app.sync_status().unwrap();
    assert_eq!(status.phase, SyncPhase::Synced, "the round went on: {status:?}");
    assert_eq!(status.refused_files.len(), 1, "{status:?}");
    assert_eq!(status.refused_files[0].name.as_deref(), Some("desk.png"));
    assert_eq!(status.refused_files[0].code, "hash_mismatch");
    assert!(status.refused_files[0].message.contains("SHA-256"), "{}", status.refused_files[0].message);
    assert_eq!(server.count("SELECT count(*) FROM blobs"), 1, "nothing of the changed file was stored");

    let report = desktop.app.sync_now().unwrap();
    assert_eq!(report.files_received, 0);
    let (_, missing, bytes) = background_file(&desktop, &study);
    assert!(missing && bytes.is_none(), "the row arrived; its file is shown as missing, not as the wrong picture");
    for d in [&laptop, &desktop] {
        let status = d.app.sync_status().unwrap();
        assert_eq!((status.pending, status.refused, status.apply_errors), (0, 0, 0), "{status:?}");
        foreign_keys_hold(d);
    }
}

/// An event moved on one device (start and end) and resized on the other (end only) while
/// both are offline: the later edit wins for the whole time (a column group, docs/sync.md
/// §4.5), so no device ends up with an event that ends before it starts (14:00 from the
/// move with 11:30 from the resize, had each column merged on its own).
#[test]
fn an_event_moved_on_one_device_and_resized_on_the_other_keeps_one_devices_times() {
    use studydesk_core::planner::calendar::{EventMove, EventPatch, EventUpdate, NewEvent};
    let server = TestServer::start();
    let laptop = device();
    let event = laptop
        .app
        .event_add(NewEvent {
            title: "Seminar".into(),
            start: "2026-12-10T10:00".into(),
            end: Some("2026-12-10T11:00".into()),
            timezone: Some("UTC".into()),
            ..Default::default()
        })
        .unwrap()
        .id;
    laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    let desktop = device();
    desktop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();

    // Offline: the desktop moves it to 14:00 (it keeps its hour); then the laptop
    // stretches it to 11:30.
    let moved = desktop.app.event_move(EventMove { id: event.clone(), start: Some("2026-12-10T14:00".into()), ..Default::default() }).unwrap();
    assert_eq!((moved.starts_at.as_deref(), moved.ends_at.as_deref()), (Some("2026-12-10T14:00:00.000Z"), Some("2026-12-10T15:00:00.000Z")));
    std::thread::sleep(std::time::Duration::from_millis(5));
    let patch = EventPatch { end: Some("2026-12-10T11:30".into()), ..Default::default() };
    laptop.app.event_update(EventUpdate { id: event.clone(), patch, ..Default::default() }).unwrap();

    desktop.app.sync_now().unwrap();
    laptop.app.sync_now().unwrap();
    desktop.app.sync_now().unwrap();
    for d in [&laptop, &desktop] {
        let e = d.app.event_get(&event).unwrap();
        assert_eq!(
            (e.starts_at.as_deref(), e.ends_at.as_deref()),
            (Some("2026-12-10T10:00:00.000Z"), Some("2026-12-10T11:30:00.000Z")),
            "the later edit's times, whole"
        );
        let status = d.app.sync_status().unwrap();
        assert_eq!((status.pending, status.refused, status.apply_errors), (0, 0, 0), "{status:?}");
    }
}

/// An account whose storage on the server is full: the picture's row syncs, its file is
/// listed as refused (quota) and the round still ends Synced; the file is not offered
/// again in the next round (a day later).
#[test]
fn a_file_over_the_accounts_quota_is_listed_and_the_round_goes_on() {
    let server = TestServer::start_with(|c| c.blob_quota_bytes = 1024 * 1024);
    let laptop = device();
    let room = laptop.app.workspace_list().unwrap()[0].id.clone();
    laptop.app.workspace_set_background_file(&room, Some("big.png"), &picture(2 * 1024 * 1024, 4)).unwrap();
    add(&laptop, "Read chapter 3");
    let status = laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    assert_eq!(status.phase, SyncPhase::Synced, "{status:?}");
    let refused: Vec<(&str, &str)> = status.refused_files.iter().map(|f| (f.name.as_deref().unwrap_or(""), f.code.as_str())).collect();
    assert_eq!(refused, vec![("big.png", "quota_exceeded")]);
    assert_eq!(server.count("SELECT count(*) FROM blobs"), 0);
    let report = laptop.app.sync_now().unwrap();
    assert_eq!((report.files_sent, report.files_refused), (0, 0), "not offered again yet");
    assert_eq!(laptop.app.sync_status().unwrap().refused_files.len(), 1, "still listed");

    let desktop = device();
    desktop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    assert_eq!(tasks(&desktop), vec![("Read chapter 3".into(), false)], "the rows synced");
    let (_, missing, _) = background_file(&desktop, &room);
    assert!(missing, "the picture shows as missing on the desktop");
}

/// The server's file store failing (its table renamed away: every blob request is a 500)
/// does not hold the rows back: they are pushed and pulled, and the round reports the
/// failure, to be retried.
#[test]
fn a_failing_file_store_does_not_hold_the_rows_back() {
    let server = TestServer::start();
    server.query("ALTER TABLE blobs RENAME TO blobs_away");
    let laptop = device();
    let room = laptop.app.workspace_list().unwrap()[0].id.clone();
    laptop.app.workspace_set_background_file(&room, Some("sky.png"), &picture(4096, 5)).unwrap();
    add(&laptop, "Read chapter 3");
    let status = laptop.app.sync_sign_in(SignInMode::Signup, credentials(&server)).unwrap();
    assert_eq!((status.phase, status.pending), (SyncPhase::Error, 0), "rows pushed, the file's failure shown: {status:?}");

    let desktop = device();
    let status = desktop.app.sync_sign_in(SignInMode::Login, credentials(&server)).unwrap();
    assert_eq!(status.phase, SyncPhase::Error, "{status:?}");
    assert_eq!(tasks(&desktop), vec![("Read chapter 3".into(), false)], "the rows arrived");
    assert!(background_file(&desktop, &room).1, "the picture is missing until the store works");

    server.query("ALTER TABLE blobs_away RENAME TO blobs");
    laptop.app.sync_now().unwrap();
    let report = desktop.app.sync_now().unwrap();
    assert_eq!(report.files_received, 1);
    assert_eq!(desktop.app.sync_status().unwrap().phase, SyncPhase::Synced);
    assert!(!background_file(&desktop, &room).1, "the picture arrived once the store worked");
}
