//! API keys (issue 16 item 4): created once and shown once, only the hash stored, listed
//! without it, revoked, verified with distinct refusals (unknown, revoked, expired, missing
//! scope), `last_used` kept, never synced; the local API's setting.

mod common;

use chrono::Duration;
use studydesk_core::account::api_keys::{ApiScope, LocalApiSettings, NewApiKey, DEFAULT_PORT};
use studydesk_core::error::ErrorKind;

fn new(name: &str, scopes: &[ApiScope], expires: Option<&str>) -> NewApiKey {
    NewApiKey { name: name.into(), scopes: scopes.to_vec(), expires_at: expires.map(str::to_string) }
}

fn kind<T: std::fmt::Debug>(r: studydesk_core::Result<T>) -> ErrorKind {
    r.expect_err("refused").error_kind()
}

#[test]
fn a_key_is_shown_once_and_only_its_hash_is_stored() {
    let f = common::open();
    let created = f.app.api_key_create(new("script", &[ApiScope::TasksRead], None)).unwrap();
    assert!(created.key.starts_with("sdk_") && created.key.len() == 4 + 64, "{}", created.key);
    let stored: (String, String) = f
        .app
        .db()
        .read(|c| Ok(c.query_row("SELECT key_hash, permissions FROM api_keys", [], |r| Ok((r.get(0)?, r.get(1)?)))?))
        .unwrap();
    assert_ne!(stored.0, created.key);
    assert!(!stored.0.contains(&created.key[4..]));
    assert_eq!(stored.0.len(), 64, "a SHA-256 in hex");
    assert_eq!(stored.1, r#"["tasks:read"]"#);
    // The key appears nowhere in the file's change records either.
    let leaks: i64 = f
        .app
        .db()
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM audit_logs WHERE new_values LIKE '%' || ?1 || '%' OR new_values LIKE '%' || ?2 || '%')
                      + (SELECT count(*) FROM sync_changes WHERE table_name = 'api_keys')",
                [&created.key, &stored.0],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(leaks, 0, "neither the key nor its hash is in audit_logs, and api_keys never syncs");
    let listed = f.app.api_keys_list().unwrap();
    assert_eq!(listed, vec![created.api_key.clone()]);
    let json = serde_json::to_string(&listed).unwrap();
    assert!(!json.contains(&stored.0) && !json.contains(&created.key), "the list holds neither the key nor its hash");
    // Two keys never collide.
    let other = f.app.api_key_create(new("other", &[ApiScope::TasksRead], None)).unwrap();
    assert_ne!(other.key, created.key);
}

#[test]
fn verify_answers_the_owner_and_keeps_last_used() {
    let f = common::open();
    let created = f.app.api_key_create(new("script", &[ApiScope::TasksRead, ApiScope::FocusRead], None)).unwrap();
    assert_eq!(f.app.api_key_verify(&created.key, ApiScope::FocusRead).unwrap(), f.app.user_id());
    let used = f.app.api_keys_list().unwrap()[0].last_used.clone();
    assert_eq!(used.as_deref(), Some("2026-11-22T01:00:00.000Z"));
    f.clock.advance(Duration::minutes(5));
    f.app.api_key_verify(&created.key, ApiScope::TasksRead).unwrap();
    assert_eq!(f.app.api_keys_list().unwrap()[0].last_used.as_deref(), Some("2026-11-22T01:05:00.000Z"));
}

#[test]
fn a_wrong_revoked_expired_or_unscoped_key_is_refused_each_in_its_own_words() {
    let f = common::open();
    let key = f.app.api_key_create(new("k", &[ApiScope::TasksRead], Some("2026-11-30"))).unwrap();
    // A wrong key (one digit changed) and a made-up one.
    let mut wrong = key.key.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '0' { '1' } else { '0' });
    assert_eq!(kind(f.app.api_key_verify(&wrong, ApiScope::TasksRead)), ErrorKind::ApiKeyUnknown);
    assert_eq!(kind(f.app.api_key_verify("", ApiScope::TasksRead)), ErrorKind::ApiKeyUnknown);
    // Missing scope.
    let e = f.app.api_key_verify(&key.key, ApiScope::TasksWrite).unwrap_err();
    assert_eq!(e.error_kind(), ErrorKind::ApiKeyScope);
    assert!(e.to_string().contains("tasks:write"), "{e}");
    // Expired: the key works through 30 November in Tokyo, not after.
    f.clock.set(chrono::DateTime::parse_from_rfc3339("2026-11-30T23:59:00+09:00").unwrap().into());
    f.app.api_key_verify(&key.key, ApiScope::TasksRead).unwrap();
    f.clock.advance(Duration::minutes(1));
    let e = f.app.api_key_verify(&key.key, ApiScope::TasksRead).unwrap_err();
    assert_eq!(e.error_kind(), ErrorKind::ApiKeyExpired);
    assert!(e.to_string().contains("expired"), "{e}");
    // Revoked (and revoking again changes nothing).
    let live = f.app.api_key_create(new("live", &[ApiScope::TasksRead], None)).unwrap();
    let revoked = f.app.api_key_revoke(live.api_key.id.clone()).unwrap();
    assert!(!revoked.active);
    assert_eq!(f.app.api_key_revoke(live.api_key.id.clone()).unwrap(), revoked);
    assert_eq!(kind(f.app.api_key_verify(&live.key, ApiScope::TasksRead)), ErrorKind::ApiKeyRevoked);
    // Refusals stamp nothing.
    assert!(f.app.api_keys_list().unwrap().iter().all(|k| k.id == key.api_key.id || k.last_used.is_none()));
}

#[test]
fn bad_input_is_refused_and_nothing_is_stored() {
    let f = common::open();
    for (input, words) in [
        (new("  ", &[ApiScope::TasksRead], None), "name"),
        (new(&"n".repeat(256), &[ApiScope::TasksRead], None), "name"),
        (new("k", &[], None), "scope"),
        (new("k", &[ApiScope::TasksRead], Some("2026-11-21")), "past"),
        (new("k", &[ApiScope::TasksRead], Some("2026-02-30")), "not a date"),
        (new("k", &[ApiScope::TasksRead], Some("soon")), "not a date"),
    ] {
        let e = f.app.api_key_create(input).unwrap_err();
        assert_eq!(e.error_kind(), ErrorKind::Validation);
        assert!(e.to_string().contains(words), "{e} should say {words}");
    }
    assert_eq!(f.count("api_keys"), 0);
    assert_eq!(kind(f.app.api_key_revoke("0193a0b0-0000-7000-8000-000000000000")), ErrorKind::NotFound);
    assert_eq!(kind(f.app.api_key_revoke("nope")), ErrorKind::NotFound);
    // A scope word the app does not know does not deserialize into a new key.
    assert!(serde_json::from_str::<NewApiKey>(r#"{"name":"k","scopes":["tasks:delete"]}"#).is_err());
}

#[test]
fn the_local_api_is_off_by_default_and_its_port_is_checked() {
    let f = common::open();
    assert_eq!(f.app.local_api_settings_get().unwrap(), LocalApiSettings { enabled: false, port: DEFAULT_PORT });
    let on = LocalApiSettings { enabled: true, port: 8123 };
    assert_eq!(f.app.local_api_settings_set(on).unwrap(), on);
    assert_eq!(f.app.local_api_settings_get().unwrap(), on);
    let e = f.app.local_api_settings_set(LocalApiSettings { enabled: true, port: 80 }).unwrap_err();
    assert_eq!(e.error_kind(), ErrorKind::Validation);
    assert_eq!(f.app.local_api_settings_get().unwrap(), on, "nothing half-done");
}
