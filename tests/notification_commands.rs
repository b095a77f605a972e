//! The notification center and item reminder IPC commands through Tauri's IPC with the
//! mock runtime, with the arguments exactly as the UI sends them, and errors as
//! `{kind, message}`.

mod ipc;

use chrono::{TimeZone, Utc};
use ipc::Harness;
use serde_json::json;

#[test]
fn a_task_reminder_reaches_the_center_and_is_snoozed_over_ipc() {
    let h = Harness::new();
    let task = h.ok("task_add", json!({ "input": { "description": "Essay", "due_at": "2026-11-24T12:00:00+09:00" } }));
    let item = json!({ "kind": "task", "id": task["id"] });
    let set = h.ok("item_reminders_set", json!({ "item": item, "reminders": [{ "minutes_before": 30 }] }));
    assert_eq!(set[0]["fire_at"], "2026-11-24T02:30:00.000Z");
    assert_eq!(h.ok("item_reminders_get", json!({ "item": item })), set);

    h.clock.set(Utc.with_ymd_and_hms(2026, 11, 24, 2, 30, 0).unwrap());
    // Delivered as the headless run (another process on the same file) would.
    let other = studydesk_core::api::Studydesk::open(h.dir.path(), std::sync::Arc::new(h.clock.clone())).unwrap();
    assert_eq!(other.reminders_deliver_due().unwrap().len(), 1);

    let list = h.ok("notifications_list", json!({}));
    assert_eq!(list["unread"], 1);
    let id = list["items"][0]["id"].clone();
    assert_eq!(list["items"][0]["title"], "Essay");
    assert!(list["items"][0]["snooze"].is_object());
    let snoozed = h.ok("notification_snooze", json!({ "id": id, "minutes": 10 }));
    assert_eq!(snoozed["is_read"], true);
    assert_eq!(h.ok("notification_set_read", json!({ "id": id, "read": false }))["is_read"], false);
    assert_eq!(h.ok("notifications_mark_all_read", json!({})), 1);
    assert_eq!(h.ok("notifications_clear_all", json!({})), 1);
    assert_eq!(h.ok("notifications_list", json!({ "limit": 10 }))["items"], json!([]));
}

#[test]
fn bad_arguments_come_back_as_kind_and_message() {
    let h = Harness::new();
    for (cmd, args) in [
        ("notifications_list", json!({ "limit": 0 })),
        ("notification_snooze", json!({ "id": "0190f7a4-1c2b-7d3e-8f40-123456789abc", "minutes": 5 })),
        ("notification_snooze", json!({ "id": "x", "minutes": 5, "until": "2030-01-01T00:00:00Z" })),
        ("notification_set_read", json!({ "id": "x", "read": true })),
        ("item_reminders_set", json!({ "item": { "kind": "task", "id": "x" }, "reminders": [] })),
        ("item_reminders_set", json!({ "item": { "kind": "task", "id": "0190f7a4-1c2b-7d3e-8f40-123456789abc" }, "reminders": [{ "minutes_before": 5 }] })),
    ] {
        let e = h.err(cmd, args.clone());
        assert!(e["kind"].is_string() && e["message"].as_str().is_some_and(|m| !m.is_empty()), "{cmd} {args}: {e}");
    }
}

/// Arguments of the wrong type never reach the core: Tauri refuses them with a sentence
/// (the UI's client turns a plain string into `{kind, message}`, `ui/src/api/apiError.ts`).
#[test]
fn arguments_of_the_wrong_type_are_refused_before_the_core() {
    let h = Harness::new();
    for (cmd, args) in [
        ("notifications_list", json!({ "limit": "ten" })),
        ("notification_set_read", json!({ "id": "x" })),
        ("item_reminders_set", json!({ "item": { "kind": "task", "id": "x" }, "reminders": [{ "minutes_before": "soon" }] })),
    ] {
        let e = h.err(cmd, args.clone());
        assert!(e.as_str().is_some_and(|m| m.contains("invalid")), "{cmd} {args}: {e}");
    }
}
