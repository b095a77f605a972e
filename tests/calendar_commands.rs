//! The calendar IPC commands through Tauri's IPC with the mock runtime, with the
//! arguments exactly as the UI sends them, and errors as `{kind, message}`.

mod ipc;

use ipc::Harness;
use serde_json::json;
use tauri::http::HeaderMap;
use tauri::ipc::InvokeBody;

#[test]
fn events_over_ipc() {
    let h = Harness::new();
    let added = h.ok(
        "event_add",
        json!({ "input": { "title": "Exam", "start": "2026-11-25T09:00", "end": "2026-11-25T11:00", "all_day": false, "reminders": [] } }),
    );
    let id = added["id"].as_str().unwrap().to_string();
    assert_eq!(added["title"], "Exam");

    let quick = h.ok("event_quick_add", json!({ "text": "Study group 2026-11-24 15:00-16:30" }));
    assert!(quick["id"].is_string());

    let range = h.ok("calendar_range", json!({ "from": "2026-11-23", "to": "2026-11-29" }));
    let items = range["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["id"] == id.as_str()));

    let updated = h.ok("event_update", json!({ "input": { "id": id, "scope": "all", "patch": { "title": "Final exam" } } }));
    assert_eq!(updated["title"], "Final exam");

    let text = h.ok("ics_export", json!({ "from": null, "to": null }));
    assert!(text.as_str().unwrap().contains("BEGIN:VCALENDAR"));

    h.ok("event_delete", json!({ "id": id, "occurrence": null, "scope": "all" }));
    let err = h.invoke("event_get", InvokeBody::Json(json!({ "id": id })), HeaderMap::new()).expect_err("deleted");
    assert!(err["kind"].is_string());
}

#[test]
fn ics_import_takes_raw_bytes() {
    let h = Harness::new();
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a@b\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261124T100000Z\r\nDTEND:20261124T110000Z\r\nSUMMARY:Lecture\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let report = h.invoke("ics_import", InvokeBody::Raw(ics.as_bytes().to_vec()), HeaderMap::new()).unwrap();
    assert_eq!(report["created"], 1);

    let err = h.invoke("ics_import", InvokeBody::Json(json!({})), HeaderMap::new()).expect_err("json body refused");
    assert_eq!(err["kind"], "validation");
}
