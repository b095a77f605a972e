//! The account commands of Settings › Sync (sign out everywhere, change the password)
//! through Tauri's IPC on the mock runtime: their arguments are checked before anything
//! leaves the device, and every failure is `{kind, message}`. (Their round trips through
//! a real server are the server's tests: crates/server/tests/auth.rs.)

mod ipc;

use ipc::Harness;
use serde_json::json;

/// Makes the device look signed in to a server that does not answer (nothing listens on
/// port 9 of this computer): a key file and the server's address.
fn signed_in_to_nowhere(h: &Harness) {
    std::fs::write(h.dir.path().join("sync-key"), "sk_test_key").unwrap();
    let c = rusqlite::Connection::open(h.dir.path().join("studydesk.db")).unwrap();
    c.execute(
        "INSERT INTO local_meta(key, value) VALUES ('sync.server_url', 'http://127.0.0.1:9'), ('sync.email', 'ada@example.org')",
        [],
    )
    .unwrap();
}

#[test]
fn change_password_checks_both_passwords_before_sending_anything() {
    let h = Harness::new();
    h.ok("app_state", json!({}));
    signed_in_to_nowhere(&h);

    // The new password: at least 10 bytes (the server's weak_password limit), at most 1,024.
    let short = h.err("sync_change_password", json!({"current_password": "old password", "new_password": "123456789"}));
    assert_eq!(short["kind"], "validation", "{short}");
    assert!(short["message"].as_str().unwrap().contains("new password must be 10 to 1,024 bytes"), "{short}");
    // Bytes, as the server counts: three Japanese characters are 9 bytes.
    let ja = h.err("sync_change_password", json!({"current_password": "old password", "new_password": "あいう"}));
    assert_eq!(ja["kind"], "validation", "{ja}");
    let long = h.err("sync_change_password", json!({"current_password": "old password", "new_password": "x".repeat(1025)}));
    assert_eq!(long["kind"], "validation", "{long}");
    // The current password: 1 to 1,024 bytes.
    let empty = h.err("sync_change_password", json!({"current_password": "", "new_password": "new password 1"}));
    assert_eq!(empty["kind"], "validation", "{empty}");
    assert!(empty["message"].as_str().unwrap().contains("current password"), "{empty}");
    let long = h.err("sync_change_password", json!({"current_password": "y".repeat(1025), "new_password": "new password 1"}));
    assert_eq!(long["kind"], "validation", "{long}");
    // Both arguments are required, by their snake_case names.
    let missing = h.err("sync_change_password", json!({"currentPassword": "old password", "newPassword": "new password 1"}));
    assert!(missing.to_string().contains("current_password"), "{missing}");

    // Valid lengths (four Japanese characters are 12 bytes) go to the server: here, none
    // answers, and the device keeps its key (it is still signed in).
    let offline = h.err("sync_change_password", json!({"current_password": "old password", "new_password": "あいうえ"}));
    assert_eq!(offline["kind"], "sync_offline", "{offline}");
    assert!(h.dir.path().join("sync-key").exists());
}

#[test]
fn change_password_on_a_signed_out_device_says_so() {
    let h = Harness::new();
    h.ok("app_state", json!({}));
    let e = h.err("sync_change_password", json!({"current_password": "old password", "new_password": "new password 1"}));
    assert_eq!(e["kind"], "sync_signed_out", "{e}");
}

#[test]
fn logout_everywhere_takes_no_arguments_and_keeps_the_key_when_the_server_does_not_answer() {
    let h = Harness::new();
    h.ok("app_state", json!({}));
    let e = h.err("sync_logout_everywhere", json!({}));
    assert_eq!(e["kind"], "sync_signed_out", "{e}");

    signed_in_to_nowhere(&h);
    // Nothing was revoked, so the device must not look signed out: the user tries again.
    let e = h.err("sync_logout_everywhere", json!({}));
    assert_eq!(e["kind"], "sync_offline", "{e}");
    assert!(e["message"].is_string());
    assert!(h.dir.path().join("sync-key").exists());
    assert_ne!(h.ok("sync_status", json!({}))["phase"], "signed_out");
}
