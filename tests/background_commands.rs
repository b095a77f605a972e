//! The background settings IPC commands (close to tray, start at login, OS timer) through
//! Tauri's IPC with the mock runtime, arguments exactly as the UI sends them.

mod ipc;

use ipc::Harness;
use serde_json::json;

#[test]
fn defaults_then_close_to_tray_off() {
    let h = Harness::new();
    let defaults = json!({"close_to_tray": true, "start_at_login": false, "os_timer": false});
    assert_eq!(h.ok("background_settings_get", json!({})), defaults);
    let updated = h.ok("background_settings_update", json!({"patch": {"close_to_tray": false}}));
    assert_eq!(updated["close_to_tray"], false);
    assert_eq!(
        h.ok("background_settings_get", json!({})),
        json!({"close_to_tray": false, "start_at_login": false, "os_timer": false})
    );
    // An empty patch changes nothing.
    assert_eq!(h.ok("background_settings_update", json!({"patch": {}}))["close_to_tray"], false);
}

#[test]
fn invalid_patches_are_rejected() {
    let h = Harness::new();
    for patch in [json!({"close_to_tray": "no"}), json!({"tray": true}), json!(null)] {
        let e = h.err("background_settings_update", json!({ "patch": patch }));
        assert!(e.as_str().is_some_and(|m| m.contains("patch")), "{e}");
    }
    assert_eq!(h.ok("background_settings_get", json!({}))["close_to_tray"], true);
}

#[test]
fn a_change_that_cannot_be_performed_is_not_stored() {
    // The mock app has no autostart plugin: turning start at login on must fail in words
    // and leave the setting off, while the rest of the patch is kept.
    let h = Harness::new();
    let e = h.err("background_settings_update", json!({"patch": {"start_at_login": true, "close_to_tray": false}}));
    assert_eq!(e["kind"], "io", "{e}");
    assert!(e["message"].as_str().is_some_and(|m| m.contains("could not turn on start at login")), "{e}");
    assert_eq!(
        h.ok("background_settings_get", json!({})),
        json!({"close_to_tray": false, "start_at_login": false, "os_timer": false})
    );
}
