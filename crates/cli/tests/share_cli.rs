//! `share add|list|revoke|request|requests|approve|reject` as a script runs them on a data
//! folder that is not signed in to a sync server: every refusal is one line naming what
//! to do, exit 1, nothing written. Sharing between accounts through a real server is
//! `crates/server/tests/sharing_devices.rs`.

mod run;

use run::{fails, json, ok};

#[test]
fn sharing_refuses_bad_input_in_words_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let dashboards = json(d.path(), &["dashboard", "list", "--json"]);
    let mine = dashboards[0]["row"]["id"].as_str().unwrap().to_string();

    assert!(fails(d.path(), &["share", "add", &mine, "bob@example.org", "--permission", "owner"]).contains("use view (read only) or edit"));
    assert!(fails(d.path(), &["share", "add", &mine, "not mail"]).contains("is not an email address"));
    assert!(fails(d.path(), &["share", "add", &mine, "bob@example.org"]).contains("sign in to a sync server first"));
    assert!(fails(d.path(), &["share", "add", "00000000-0000-7000-8000-000000000000", "bob@example.org"]).contains("not found"));
    assert!(fails(d.path(), &["share", "revoke", "nope"]).contains("not found"));
    assert!(fails(d.path(), &["share", "request", &mine, "--priority", "urgent"]).contains("use low, normal, high or critical"));
    assert!(fails(d.path(), &["share", "request", &mine]).contains("this dashboard is yours"));
    assert!(fails(d.path(), &["share", "approve", "00000000-0000-7000-8000-000000000000"]).contains("not found"));

    assert_eq!(json(d.path(), &["share", "list", "--json"]), serde_json::json!({"by_me": [], "with_me": []}));
    assert_eq!(json(d.path(), &["share", "requests", "--json"]), serde_json::json!({"to_me": [], "mine": []}));
}
