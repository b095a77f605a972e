//! The profile page's IPC commands through Tauri's IPC with the mock runtime, as the UI
//! sends them: the username check (a `remote` command: off the IPC thread; not signed in,
//! the server's check waits for the next sync), the profile card, the "Approve followers"
//! switch, the people lists and the user scope of the posts feed.

mod ipc;

use ipc::Harness;
use serde_json::json;

#[test]
fn the_username_check_answers_in_words_and_waits_for_the_server_when_signed_out() {
    let h = Harness::new();
    let ok = h.ok("username_available", json!({"name": "hana_k"}));
    assert_eq!((ok["verdict"].as_str(), ok["server"].as_str()), (Some("available"), Some("not_signed_in")));
    let bad = h.ok("username_available", json!({"name": "hana!"}));
    assert_eq!((bad["verdict"].as_str(), bad["rule"].as_str(), bad["character"].as_str()), (Some("invalid"), Some("character"), Some("!")));
    assert!(bad["message"].as_str().unwrap().contains("'!'"), "{bad}");
    // A call without its argument never reaches the core (Tauri refuses it, naming it).
    assert!(h.err("username_available", json!({})).to_string().contains("name"));
}

#[test]
fn my_profile_page_its_policy_lists_and_posts() {
    let h = Harness::new();
    h.ok("onboarding_complete", json!({"choice": "empty"}));
    let card = h.ok("profile_card", json!({"user": null}));
    assert_eq!((card["relation"]["me"].as_bool(), card["reaches_others"].as_bool()), (Some(true), Some(false)));
    let me = card["profile"]["id"].as_str().unwrap().to_string();
    assert_eq!(h.ok("follow_policy_set", json!({"policy": "approve"})), json!("approve"));
    assert_eq!(h.ok("profile_card", json!({}))["profile"]["follow_policy"], "approve");
    for list in ["followers", "following", "requests", "blocked", "muted"] {
        assert_eq!(h.ok("people_list", json!({"user": null, "list": list})), json!([]), "{list}");
    }
    assert!(h.err("people_list", json!({"user": null, "list": "friends"})).to_string().contains("friends"), "an unknown list is refused");
    h.ok("post_create", json!({"draft": {"content": "Only for me", "subject": null, "book_title": null, "study_duration": null, "tags": [], "visibility": "only_me"}}));
    let page = h.ok("posts_page", json!({"scope": {"kind": "user", "user_id": me}, "cursor": null, "limit": 20}));
    assert_eq!(page["posts"].as_array().unwrap().len(), 1, "my own page shows my only-me post");
    let e = h.err("posts_page", json!({"scope": {"kind": "user", "user_id": "@nobody"}, "cursor": null, "limit": 20}));
    assert_eq!(e["kind"], "not_found");
}
