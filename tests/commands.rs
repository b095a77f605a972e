//! The IPC commands, called through Tauri's IPC with the mock runtime (no window, no
//! display): arguments are deserialized exactly as the UI sends them, the core runs on a
//! real SQLite file, and errors come back as `{kind, message}`.

mod ipc;

use ipc::Harness;
use serde_json::json;

/// What these tests read back.
trait Readback {
    fn task_count(&self) -> usize;
    fn change_count(&self) -> i64;
}

impl Readback for Harness {
    fn task_count(&self) -> usize {
        self.ok("home_get", json!({}))["today"]["tasks"].as_array().unwrap().len()
    }

    fn change_count(&self) -> i64 {
        let c = rusqlite::Connection::open(self.dir.path().join("studydesk.db")).unwrap();
        c.query_row("SELECT count(*) FROM sync_changes", [], |r| r.get(0)).unwrap()
    }
}

#[test]
fn first_launch_then_sample_data_then_a_task_round_trip() {
    let h = Harness::new();
    let state = h.ok("app_state", json!({}));
    assert_eq!(state["onboarding_pending"], true);
    assert_eq!(state["settings"]["preferred_locale"], "en");

    let state = h.ok("onboarding_complete", json!({"choice": "sample"}));
    assert_eq!(state["onboarding_pending"], false);
    let before = h.task_count();
    assert!(before >= 5);

    let task = h.ok("task_add", json!({"input": {"description": "Read chapter 5", "due_at": "2026-11-22T18:00:00+09:00"}}));
    assert_eq!(task["description"], "Read chapter 5");
    assert_eq!(task["due_at"], "2026-11-22T09:00:00.000Z");
    let id = task["id"].as_str().unwrap().to_string();
    let done = h.ok("task_set_completed", json!({"id": id, "completed": true}));
    assert_eq!(done["is_completed"], true);
    assert_eq!(h.task_count(), before + 1);

    let home = h.ok("home_get", json!({}));
    let list_id = home["today"]["list"]["id"].as_str().unwrap().to_string();
    let mut ids: Vec<String> =
        home["today"]["tasks"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_string()).collect();
    ids.reverse();
    let reordered = h.ok("task_reorder", json!({"list_id": list_id, "ordered_ids": ids}));
    assert_eq!(reordered[0]["id"], json!(id));
    h.ok("task_delete", json!({"id": id}));
    assert_eq!(h.task_count(), before);
}

#[test]
fn settings_and_layout_commands_persist() {
    let h = Harness::new();
    let s = h.ok("settings_update", json!({"patch": {"preferred_locale": "ja", "theme": "dark"}}));
    assert_eq!((s["preferred_locale"].as_str(), s["theme"].as_str()), (Some("ja"), Some("dark")));
    let l = h.ok("layout_update", json!({"layout": {"order": ["progress", "todo"], "hidden": ["playlists"]}}));
    assert_eq!(l["order"][0], "progress");
    assert_eq!(h.ok("home_get", json!({}))["layout"]["hidden"], json!(["playlists"]));
}

#[test]
fn errors_reach_the_ui_as_kind_and_message() {
    let h = Harness::new();
    let err = h.call("task_set_completed", json!({"id": "01930000-0000-7000-8000-00000000abcd", "completed": true})).unwrap_err();
    assert_eq!(err["kind"], "not_found");
    assert_eq!(err["message"], "task 01930000-0000-7000-8000-00000000abcd was not found");

    let err = h.call("task_add", json!({"input": {"description": "x".repeat(200 * 1024)}})).unwrap_err();
    assert_eq!(err["kind"], "validation");
    assert!(err["message"].as_str().unwrap().contains("too long"));

    let err = h.call("settings_update", json!({"patch": {"timezone": "Mars/Olympus"}})).unwrap_err();
    assert_eq!(err["kind"], "validation");
}

#[test]
fn malformed_arguments_are_refused_and_write_nothing() {
    let h = Harness::new();
    let before = h.change_count();
    for (cmd, args) in [
        ("task_set_completed", json!({"id": "x", "completed": "yes"})),
        ("task_add", json!({"input": {"description": 42}})),
        ("task_add", json!({})),
        ("settings_update", json!({"patch": {"preferred_locale": "fr"}})),
        ("layout_update", json!({"layout": {"order": ["not_a_card"], "hidden": []}})),
        ("onboarding_complete", json!({"choice": "everything"})),
        ("task_reorder", json!({"list_id": "x", "ordered_ids": "not a list"})),
    ] {
        assert!(h.call(cmd, args.clone()).is_err(), "{cmd} {args} was accepted");
    }
    assert_eq!(h.change_count(), before);
}

#[test]
fn a_database_that_cannot_open_answers_every_command_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("studydesk.db"), "not a database").unwrap();
    let h = Harness::on(dir);
    let err = h.call("app_state", json!({})).unwrap_err();
    assert_eq!(err["kind"], "not_a_database");
    assert!(err["message"].as_str().unwrap().contains("left untouched"));
    assert_eq!(std::fs::read_to_string(h.dir.path().join("studydesk.db")).unwrap(), "not a database");
}
