//! The calendar IPC commands through Tauri's IPC with the mock runtime, with the
//! arguments exactly as the UI sends them, and errors as `{kind, message}`.

use serde_json::{json, Value};
use std::sync::Arc;
use studydesk_app::{with_commands, Backend};
use studydesk_core::clock::ManualClock;
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

struct Harness {
    _app: tauri::App<tauri::test::MockRuntime>,
    window: WebviewWindow<tauri::test::MockRuntime>,
    _dir: tempfile::TempDir,
}

fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(chrono::DateTime::parse_from_rfc3339("2026-11-22T01:00:00Z").unwrap().into());
    let backend = Backend::open(Some(dir.path().to_path_buf()), Arc::new(clock));
    let app = with_commands(mock_builder(), backend).build(mock_context(noop_assets())).expect("app builds");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
    Harness { _app: app, window, _dir: dir }
}

impl Harness {
    fn call_body(&self, cmd: &str, body: InvokeBody) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body,
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        tauri::test::get_ipc_response(&self.window, request).map(|body| match body {
            InvokeResponseBody::Json(s) => serde_json::from_str(&s).unwrap(),
            InvokeResponseBody::Raw(b) => serde_json::from_slice(&b).unwrap(),
        })
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call_body(cmd, InvokeBody::Json(args)).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }
}

#[test]
fn events_over_ipc() {
    let h = harness();
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
    let err = h.call_body("event_get", InvokeBody::Json(json!({ "id": id }))).expect_err("deleted");
    assert!(err["kind"].is_string());
}

#[test]
fn ics_import_takes_raw_bytes() {
    let h = harness();
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a@b\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261124T100000Z\r\nDTEND:20261124T110000Z\r\nSUMMARY:Lecture\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let report = h.call_body("ics_import", InvokeBody::Raw(ics.as_bytes().to_vec())).unwrap();
    assert_eq!(report["created"], 1);

    let err = h.call_body("ics_import", InvokeBody::Json(json!({}))).expect_err("json body refused");
    assert_eq!(err["kind"], "validation");
}
