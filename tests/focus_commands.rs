//! The focus activity and session IPC commands through Tauri's IPC with the mock runtime,
//! with the arguments exactly as the UI sends them (docs/focus.md), and errors as
//! `{kind, message}`.

mod ipc;

use ipc::Harness;
use serde_json::{json, Value};

const READING: &str = "01930000-0000-7000-8000-000000000005";

#[test]
fn activities_and_favorites_over_ipc() {
    let h = Harness::new();
    let list = h.ok("activity_list", json!({}));
    assert_eq!(list.as_array().unwrap().len(), 6);
    let own = h.ok(
        "activity_add",
        json!({"input": {"name": "Anki", "kind": "review", "description": null, "default_duration_minutes": 15, "emoji": "🃏"}}),
    );
    assert_eq!(own["is_builtin"], false);
    let fav = h.ok("activity_favorite", json!({"id": READING}));
    assert_eq!((fav["is_favorite"].clone(), fav["favorite_count"].clone()), (json!(true), json!(1)));
    assert_eq!(h.ok("activity_list", json!({}))[0]["id"], READING);
    assert_eq!(h.ok("activity_unfavorite", json!({"id": READING}))["is_favorite"], false);
    assert_eq!(h.ok("activity_delete", json!({"id": own["id"]})), Value::Null);
    assert_eq!(h.err("activity_delete", json!({"id": READING}))["kind"], "validation");
    assert_eq!(h.err("activity_favorite", json!({"id": "x"}))["kind"], "not_found");
    // An unknown kind is refused by deserialization, before the core (Tauri's own message).
    let e = h.err("activity_add", json!({"input": {"name": "x", "kind": "nap"}}));
    assert!(e.as_str().is_some_and(|m| m.contains("unknown variant `nap`")), "{e}");
}

#[test]
fn a_session_over_ipc() {
    let h = Harness::new();
    assert_eq!(h.ok("session_current", json!({})), Value::Null);
    assert_eq!(h.ok("session_recovery", json!({})), Value::Null);
    let s = h.ok(
        "session_start",
        json!({"input": {"name": "Chapter 5", "activity_id": null, "course_id": null,
                         "config": {"planned_minutes": null, "pomodoro": {"work_minutes": 25, "short_break_minutes": 5,
                                    "long_break_minutes": 15, "cycles_before_long_break": 4, "auto_start_next": false}}}}),
    );
    assert_eq!(s["status"], "active");
    assert_eq!(s["phase"]["kind"], "work");
    assert_eq!(s["phase"]["ends_at"], "2026-11-22T01:25:00.000Z");
    let e = h.err("session_start", json!({"input": {"name": "Again"}}));
    assert_eq!(e["kind"], "conflict");
    assert!(e["message"].as_str().unwrap().contains("already running"));

    h.clock.advance(chrono::Duration::minutes(10));
    assert_eq!(h.ok("session_pause", json!({}))["status"], "paused");
    h.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(h.ok("session_resume", json!({}))["focused_seconds"], 600);
    h.clock.advance(chrono::Duration::minutes(20));
    let s = h.ok("session_current", json!({}));
    assert_eq!(s["phase"]["awaiting_start"], true);
    assert_eq!(s["focused_seconds"], 1500);
    assert_eq!(h.ok("session_next_phase", json!({}))["phase"]["kind"], "short_break");
    assert_eq!(h.err("session_resolve_idle", json!({"choice": "keep"}))["kind"], "conflict");
    assert_eq!(h.err("session_recover", json!({"choice": "resume"}))["kind"], "conflict");
    let done = h.ok("session_complete", json!({}));
    assert_eq!(done["status"], "completed");
    assert_eq!(done["focused_seconds"], 1500);
    let history = h.ok("session_history", json!({"limit": 5}));
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(h.err("session_history", json!({"limit": 0}))["kind"], "validation");
    assert_eq!(h.err("session_abandon", json!({}))["kind"], "conflict");
}
