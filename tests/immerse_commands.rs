//! The focus statistics, focus settings and immerse IPC commands through Tauri's IPC with
//! the mock runtime, as the UI sends them (docs/focus.md), including the raw-body upload
//! of a background file.

mod ipc;

use ipc::Harness;
use serde_json::{json, Value};
use tauri::http::{HeaderMap, HeaderValue};
use tauri::ipc::InvokeBody;

trait Upload {
    fn upload(&self, workspace_id: &str, name: &str, bytes: &[u8]) -> Result<Value, Value>;
}

impl Upload for Harness {
    fn upload(&self, workspace_id: &str, name: &str, bytes: &[u8]) -> Result<Value, Value> {
        let mut headers = HeaderMap::new();
        headers.insert("x-workspace-id", HeaderValue::from_str(workspace_id).unwrap());
        headers.insert("x-file-name", HeaderValue::from_str(name).unwrap());
        headers.insert("content-type", HeaderValue::from_static("application/octet-stream"));
        self.invoke("workspace_set_background_file", InvokeBody::Raw(bytes.to_vec()), headers)
    }
}

fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend([3u8; 64]);
    b
}

#[test]
fn focus_settings_and_stats_round_trip() {
    let h = Harness::new();
    let s = h.ok("focus_settings_get", json!({}));
    assert_eq!(s, json!({"daily_target_minutes": 120, "weekly_target_hours": 10, "rest_days_per_week": 1, "idle_threshold_minutes": 5}));
    let s = h.ok(
        "focus_settings_update",
        json!({"settings": {"daily_target_minutes": 90, "weekly_target_hours": 8, "rest_days_per_week": 2, "idle_threshold_minutes": 10}}),
    );
    assert_eq!(s["rest_days_per_week"], 2);
    let err = h
        .call(
            "focus_settings_update",
            json!({"settings": {"daily_target_minutes": 90, "weekly_target_hours": 8, "rest_days_per_week": 7, "idle_threshold_minutes": 10}}),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "validation");

    let stats = h.ok("focus_stats", json!({}));
    assert_eq!(stats["to"], "2026-11-22");
    assert_eq!(stats["days"], json!([]));
    assert_eq!(stats["current_streak"], 0);
    assert_eq!(stats["settings"]["daily_target_minutes"], 90);
}

#[test]
fn immerse_commands_round_trip() {
    let h = Harness::new();
    let list = h.ok("workspace_list", json!({}));
    assert_eq!(list[0]["name"], "Focus room");
    assert_eq!(list[0]["background"]["kind"], "color");
    let kinds: Vec<&str> = list[0]["widgets"].as_array().unwrap().iter().map(|w| w["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["clock", "timer", "todo"]);
    let room = list[0]["id"].as_str().unwrap().to_string();

    let ws = h.ok("workspace_add", json!({"name": "Exam week"}));
    let exam = ws["id"].as_str().unwrap().to_string();
    h.ok("workspace_rename", json!({"id": exam, "name": "Finals"}));
    let ws = h.ok("widget_add", json!({"workspace_id": exam, "kind": "notes"}));
    let notes = ws["widgets"][0]["id"].as_str().unwrap().to_string();
    let ws = h.ok("widget_update", json!({"id": notes, "title": "Formulas", "settings": {"text": "a² + b² = c²"}}));
    assert_eq!(ws["widgets"][0]["settings"]["text"], "a² + b² = c²");
    let ws = h.ok("widget_layout", json!({"workspace_id": exam, "places": [{"id": notes, "x": 6, "y": 1, "w": 6, "h": 8}]}));
    assert_eq!((ws["widgets"][0]["x"].as_i64(), ws["widgets"][0]["h"].as_i64()), (Some(6), Some(8)));
    let err = h.call("widget_layout", json!({"workspace_id": exam, "places": [{"id": notes, "x": 7, "y": 0, "w": 6, "h": 1}]})).unwrap_err();
    assert_eq!(err["kind"], "validation");
    assert_eq!(h.call("widget_add", json!({"workspace_id": exam, "kind": "weather"})).unwrap_err()["kind"], "validation");

    let ws = h.ok("workspace_set_background_color", json!({"id": exam, "color": "#334155"}));
    assert_eq!(ws["background"]["color"], "#334155");
    let ws = h.ok("widget_remove", json!({"id": notes}));
    assert_eq!(ws["widgets"], json!([]));
    assert_eq!(h.ok("workspace_delete", json!({"id": exam})), Value::Null);
    assert_eq!(h.call("workspace_delete", json!({"id": room})).unwrap_err()["kind"], "validation", "the last one stays");
}

#[test]
fn a_background_file_is_uploaded_as_the_raw_body() {
    let h = Harness::new();
    let room = h.ok("workspace_list", json!({}))[0]["id"].as_str().unwrap().to_string();
    let ws = h.upload(&room, "%E5%A4%95%E7%84%BC%E3%81%91.png", &png()).unwrap();
    assert_eq!(ws["background"]["kind"], "image");
    let a = &ws["background"]["attachment"];
    assert_eq!(a["original_name"], "夕焼け.png");
    assert_eq!(a["mime_type"], "image/png");
    assert_eq!(a["missing"], false);
    let path = std::path::PathBuf::from(a["file_path"].as_str().unwrap());
    assert!(path.starts_with(h.dir.path().join("attachments")) && path.is_absolute());
    assert_eq!(std::fs::read(&path).unwrap(), png());

    let err = h.upload(&room, "notes.txt", b"plain text").unwrap_err();
    assert_eq!(err["kind"], "validation");
    assert!(err["message"].as_str().unwrap().contains("notes.txt"), "{err}");
    let err = h.upload("0193a1b2-0000-7000-8000-0000000000ff", "a.png", &png()).unwrap_err();
    assert_eq!(err["kind"], "not_found");
    // JSON instead of bytes, or no workspace header: a clear refusal.
    let err = h.call("workspace_set_background_file", json!({"id": room})).unwrap_err();
    assert_eq!(err["kind"], "validation");
    let err = h.invoke("workspace_set_background_file", InvokeBody::Raw(png()), HeaderMap::new()).unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("x-workspace-id"), "{err}");
}
