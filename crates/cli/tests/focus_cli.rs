//! `activity ...` and `session ...` as a script uses them: real process, real data folder.

mod run;

use run::{fails, json, ok};
use serde_json::Value;

const READING: &str = "01930000-0000-7000-8000-000000000005";

#[test]
fn activities_list_and_favorites() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let list = json(d.path(), &["activity", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 6);
    assert!(ok(d.path(), &["activity", "favorite", READING]).starts_with('*'));
    ok(d.path(), &["activity", "favorite", READING]);
    let list = json(d.path(), &["activity", "list", "--json"]);
    assert_eq!(list[0]["id"], READING);
    assert_eq!(list[0]["is_favorite"], true);
    assert_eq!(list[0]["favorite_count"], 1);
    ok(d.path(), &["activity", "unfavorite", READING]);
    assert_eq!(json(d.path(), &["activity", "list", "--json"])[0]["id"], "01930000-0000-7000-8000-000000000001");
    let err = fails(d.path(), &["activity", "favorite", "not-an-id"]);
    assert!(err.starts_with("error (not_found):"), "{err}");
}

#[test]
fn a_session_from_start_to_complete() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    assert_eq!(json(d.path(), &["session", "status", "--json"]), Value::Null);
    ok(d.path(), &["session", "start", "--name", "Chapter 5", "--activity", READING]);
    let s = json(d.path(), &["session", "status", "--json"]);
    assert_eq!(s["name"], "Chapter 5");
    assert_eq!(s["activity_name"], "Reading");
    assert_eq!(s["status"], "active");
    assert_eq!(s["config"]["planned_minutes"], 30);

    let err = fails(d.path(), &["session", "start", "--name", "Another"]);
    assert!(err.starts_with("error (conflict): a focus session is already running"), "{err}");

    assert!(ok(d.path(), &["session", "pause"]).contains("paused"));
    assert_eq!(json(d.path(), &["session", "status", "--json"])["status"], "paused");
    assert!(fails(d.path(), &["session", "pause"]).starts_with("error (conflict)"));
    assert!(ok(d.path(), &["session", "resume"]).contains("active"));
    assert!(ok(d.path(), &["session", "complete"]).contains("completed"));
    assert_eq!(json(d.path(), &["session", "status", "--json"]), Value::Null);
    assert!(fails(d.path(), &["session", "complete"]).contains("no focus session is running"));

    ok(d.path(), &["session", "start", "--name", "Pomodoro", "--pomodoro", "50/10"]);
    let s = json(d.path(), &["session", "status", "--json"]);
    assert_eq!(s["config"]["pomodoro"]["work_minutes"], 50);
    assert_eq!(s["phase"]["kind"], "work");
    assert!(ok(d.path(), &["session", "abandon"]).contains("abandoned"));
    let h = json(d.path(), &["session", "history", "--json"]);
    assert_eq!(h.as_array().unwrap().len(), 2);
    assert_eq!(h[0]["status"], "abandoned");
    assert_eq!(h[1]["status"], "completed");
    assert!(fails(d.path(), &["session", "start", "--name", "x", "--course", "nope"]).starts_with("error (not_found)"));
}
