//! The sync API against a real PostgreSQL: accounts and keys, idempotent pushes, gap-free
//! sequences under concurrency, visibility between accounts, and refusals of bad input.

mod support;

use serde_json::{json, Value};
use support::{http, new_id, signup, TestServer};

fn login(server: &TestServer, email: &str, password: &str) -> reqwest::blocking::Response {
    http()
        .post(server.url("/v1/sessions"))
        .json(&json!({"email": email, "password": password, "device": {"id": new_id(), "name": "laptop"}}))
        .send()
        .expect("login")
}

#[test]
fn signup_login_and_wrong_passwords_answer_alike() {
    let server = TestServer::start();
    let ada = signup(&server, "Ada@Example.org");
    assert!(ada.key.starts_with("sdk1_"));
    assert_eq!(server.count("SELECT count(*) FROM accounts WHERE email = 'ada@example.org'"), 1);
    // Only the hash of the key is stored.
    let secret = ada.key.rsplit('_').next().unwrap();
    assert_eq!(server.count(&format!("SELECT count(*) FROM api_keys WHERE key_hash LIKE '%{secret}%'")), 0);
    assert!(server.query("SELECT password_hash FROM accounts")[0][0].as_deref().unwrap().starts_with("$argon2id$"));

    let ok = login(&server, "ada@example.org", "correct horse battery");
    assert_eq!(ok.status(), 201);
    let wrong = login(&server, "ada@example.org", "wrong password!");
    let unknown = login(&server, "nobody@example.org", "correct horse battery");
    assert_eq!((wrong.status().as_u16(), unknown.status().as_u16()), (401, 401));
    let (a, b): (Value, Value) = (wrong.json().unwrap(), unknown.json().unwrap());
    assert_eq!(a, b, "an unknown email must not be told apart from a wrong password");
    assert_eq!(a["kind"], "invalid_credentials");

    let again = http()
        .post(server.url("/v1/accounts"))
        .json(&json!({"email": "ada@example.org", "password": "another long one", "device": {"id": new_id(), "name": "x"}}))
        .send()
        .unwrap();
    assert_eq!(again.status(), 409);
    let short = http()
        .post(server.url("/v1/accounts"))
        .json(&json!({"email": "bob@example.org", "password": "short", "device": {"id": new_id(), "name": "x"}}))
        .send()
        .unwrap();
    assert_eq!(short.status(), 422);
    assert_eq!(short.json::<Value>().unwrap()["kind"], "weak_password");
}

#[test]
fn ten_failed_logins_for_an_email_are_throttled() {
    let server = TestServer::start();
    signup(&server, "ada@example.org");
    for _ in 0..10 {
        assert_eq!(login(&server, "ada@example.org", "nope nope nope").status(), 401);
    }
    let blocked = login(&server, "ada@example.org", "correct horse battery");
    assert_eq!(blocked.status(), 429);
    assert!(blocked.headers().get("retry-after").is_some());
}

#[test]
fn signed_out_revoked_and_expired_keys_are_refused() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    assert_eq!(ada.push(&new_id(), vec![ada.user_row()]).status(), 200);
    let out = ada.http.delete(server.url("/v1/sessions/current")).bearer_auth(&ada.key).send().unwrap();
    assert_eq!(out.status(), 204);
    let after = ada.push(&new_id(), vec![ada.user_row()]);
    assert_eq!(after.status(), 401);
    assert_eq!(after.json::<Value>().unwrap()["kind"], "revoked_key");

    let forged = ada.http.get(server.url("/v1/pull")).bearer_auth(format!("{}x", ada.key)).header("Studydesk-Schema", "8").send().unwrap();
    assert_eq!(forged.json::<Value>().unwrap()["kind"], "invalid_key");

    let short_lived = TestServer::start_with(|c| c.key_ttl = std::time::Duration::from_secs(1));
    let bob = signup(&short_lived, "bob@example.org");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let expired = bob.push(&new_id(), vec![bob.user_row()]);
    assert_eq!(expired.status(), 401);
    assert_eq!(expired.json::<Value>().unwrap()["kind"], "expired_key");
}

#[test]
fn a_replayed_batch_returns_the_stored_result_and_another_body_is_refused() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let list = new_id();
    let batch = new_id();
    let body = json!({"batch_id": batch, "device_id": ada.device, "changes": [ada.user_row(), ada.list_row(&list)]}).to_string();
    let first: Value = ada.push_raw(&body).json().unwrap();
    let second: Value = ada.push_raw(&body).json().unwrap();
    assert_eq!(first["replayed"], false);
    assert_eq!(second["replayed"], true);
    assert_eq!(first["accepted"], second["accepted"], "the replay answers the same seqs");
    assert_eq!(server.count("SELECT count(*) FROM changes"), 3, "users (public + private part) and the list, once");
    let other = json!({"batch_id": batch, "device_id": ada.device, "changes": [ada.task_row(&new_id(), &list, "x")]}).to_string();
    let reused = ada.push_raw(&other);
    assert_eq!(reused.status(), 409);
    assert_eq!(reused.json::<Value>().unwrap()["kind"], "batch_id_reused");
}

#[test]
fn concurrent_pushes_get_gap_free_sequences_that_a_pull_reads_in_order() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let list = new_id();
    ada.push(&new_id(), vec![ada.user_row(), ada.list_row(&list)]);
    let pushes: Vec<_> = (0..20)
        .map(|i| {
            let (key, device, base, list, account) = (ada.key.clone(), ada.device.clone(), ada.base.clone(), list.clone(), ada.account.clone());
            std::thread::spawn(move || {
                let c = support::Client { account, device, key, http: http(), base };
                let task = c.task_row(&new_id(), &list, &format!("task {i}"));
                let r = c.push(&new_id(), vec![task]);
                assert_eq!(r.status(), 200);
            })
        })
        .collect();
    for p in pushes {
        p.join().unwrap();
    }
    let seqs: Vec<i64> = ada
        .pull_all()
        .iter()
        .filter(|c| c["stream"] == format!("u:{}", ada.account))
        .map(|c| c["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=22).collect::<Vec<_>>(), "the private part of users, the list and 20 tasks, no gap");
}

#[test]
fn another_account_can_neither_read_nor_write_my_private_rows() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let bob = signup(&server, "bob@example.org");
    let (list, task) = (new_id(), new_id());
    ada.push(&new_id(), vec![ada.user_row(), ada.list_row(&list), ada.task_row(&task, &list, "secret plan")]);
    bob.push(&new_id(), vec![bob.user_row()]);

    let seen: Vec<Value> = bob.pull_all();
    let text = serde_json::to_string(&seen).unwrap();
    assert!(!text.contains("secret plan") && !text.contains(&list), "bob sees none of ada's private rows");
    assert!(!text.contains(&ada.private_email()), "nor her email (a private column of users)");
    assert!(ada.pull_all().iter().any(|c| c["columns"]["email"] == ada.private_email().as_str()), "which her own devices get");
    assert!(seen.iter().any(|c| c["table"] == "users" && c["row_id"] == ada.account), "but her public profile");

    let hijack = bob.change("tasks", &task, "update", 1, json!({"description": "owned"}), 5);
    let result: Value = bob.push(&new_id(), vec![hijack]).json().unwrap();
    assert_eq!(result["rejected"][0]["code"], "forbidden");
    assert_eq!(result["rejected"][0]["current"], Value::Null, "the refusal leaks nothing of the row");
    let missing = bob.change("tasks", &new_id(), "update", 1, json!({"description": "owned"}), 5);
    let result2: Value = bob.push(&new_id(), vec![missing]).json().unwrap();
    assert_eq!(result2["rejected"][0]["code"], "forbidden");
    assert_eq!(result["rejected"][0]["message"], result2["rejected"][0]["message"], "same answer whether the row exists or not");
    assert_eq!(server.count("SELECT count(*) FROM rows WHERE columns->>'description' = 'owned'"), 0);
    // A task of bob's in ada's list: the list is not visible to him.
    let sneaky = bob.task_row(&new_id(), &list, "in your list");
    let result3: Value = bob.push(&new_id(), vec![sneaky]).json().unwrap();
    assert_eq!(result3["rejected"][0]["code"], "fk_missing");
}

#[test]
fn malformed_oversized_and_hostile_requests_get_a_clear_4xx_and_store_nothing() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let before = server.count("SELECT count(*) FROM changes");
    let bad_json = ada.push_raw("{not json");
    assert_eq!(bad_json.status(), 400);
    assert_eq!(bad_json.json::<Value>().unwrap()["kind"], "bad_request");
    let unknown_field = ada.push_raw(&json!({"batch_id": new_id(), "device_id": ada.device, "changes": [], "x": 1}).to_string());
    assert_eq!(unknown_field.status(), 400);
    let big = "x".repeat(5 * 1024 * 1024);
    assert_eq!(ada.push_raw(&big).status(), 413);
    let many: Vec<Value> = (0..1001).map(|_| ada.user_row()).collect();
    assert_eq!(ada.push(&new_id(), many).status(), 422);

    let cases = vec![
        (ada.change("api_keys", &new_id(), "insert", 1, json!({"name": "k"}), 0), "local_only_table"),
        (ada.change("no_such_table", &new_id(), "insert", 1, json!({}), 0), "unknown_table"),
        (ada.change("users", &ada.account, "update", 1, json!({"password": "hunter2"}), 0), "secret_column"),
        (ada.change("users", &ada.account, "update", 1, json!({"followers_count": 99}), 0), "derived_column"),
        (ada.change("users", &ada.account, "update", 1, json!({"bio; DROP TABLE rows": "x"}), 0), "unknown_column"),
        (ada.change("users", &ada.account, "update", 1, json!({"bio": "nul\u{0}byte"}), 0), "invalid_value"),
        (ada.change("users", &ada.account, "update", 1, json!({"is_active": "yes"}), 0), "invalid_value"),
        (ada.change("users", &ada.account, "update", 1, json!({"bio": "later"}), 3_600_000), "clock_skew"),
        (ada.change("user_settings", &new_id(), "insert", 1, json!({"user_id": ada.account, "preferred_locale": "en", "timezone": "UTC", "theme": "system", "data": "{}", "created_at": "x", "updated_at": "x"}), 0), "bad_natural_id"),
    ];
    for (change, code) in cases {
        let result: Value = ada.push(&new_id(), vec![change.clone()]).json().unwrap();
        assert_eq!(result["rejected"][0]["code"], code, "{change}");
        assert!(!result["rejected"][0]["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(server.count("SELECT count(*) FROM changes"), before);
    assert_eq!(server.count("SELECT count(*) FROM rows"), 0);
    let mismatch = json!({"batch_id": new_id(), "device_id": new_id(), "changes": [ada.user_row()]}).to_string();
    assert_eq!(ada.push_raw(&mismatch).status(), 403);
}

#[test]
fn a_delete_wins_over_a_concurrent_edit() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let (list, task) = (new_id(), new_id());
    ada.push(&new_id(), vec![ada.user_row(), ada.list_row(&list), ada.task_row(&task, &list, "read")]);
    let delete = ada.change("tasks", &task, "delete", 2, Value::Null, 10);
    ada.push(&new_id(), vec![delete]);
    // An edit made later by the clock, but on the row's first life (before it saw the delete).
    let edit = ada.change("tasks", &task, "update", 1, json!({"description": "edited"}), 50);
    let result: Value = ada.push(&new_id(), vec![edit]).json().unwrap();
    assert_eq!(result["accepted"][0]["superseded"], true);
    assert_eq!(result["accepted"][0]["reason"], "stale_cl");
    assert_eq!(server.count(&format!("SELECT cl FROM rows WHERE row_id = '{task}'")), 2);
}

#[test]
fn healthz_reports_the_database() {
    let server = TestServer::start();
    let health: Value = http().get(server.url("/healthz")).send().unwrap().json().unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], "ok");
}

#[test]
fn a_shared_dashboard_reaches_its_grantee_who_may_edit_only_with_edit_rights() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let bob = signup(&server, "bob@example.org");
    bob.push(&new_id(), vec![bob.user_row()]);
    let now = "2026-11-22T01:00:00.000Z";
    let (dashboard, widget) = (new_id(), new_id());
    let board = ada.change("dashboards", &dashboard, "insert", 1, json!({"id": dashboard, "user_id": ada.account, "name": "Exams", "layout": "[]", "is_public": 0, "created_at": now, "updated_at": now}), 1);
    let tile = ada.change("widgets", &widget, "insert", 1, json!({"id": widget, "dashboard_id": dashboard, "type": "chart", "config": "{}", "position": "{}", "created_at": now, "updated_at": now}), 2);
    let r: Value = ada.push(&new_id(), vec![ada.user_row(), board, tile]).json().unwrap();
    assert!(r["rejected"].as_array().unwrap().is_empty(), "{r}");

    let stream = format!("d:{dashboard}");
    let sees_board = |c: &support::Client| c.pull_all().iter().any(|ch| ch["stream"] == stream.as_str() && ch["row_id"] == widget.as_str());
    assert!(!sees_board(&bob), "not shared: bob sees nothing of it");
    let edit = |c: &support::Client, offset: i64| c.change("widgets", &widget, "update", 1, json!({"config": "{\"by\":\"bob\"}"}), offset);
    let denied: Value = bob.push(&new_id(), vec![edit(&bob, 10)]).json().unwrap();
    assert_eq!(denied["rejected"][0]["code"], "forbidden");

    let share_id = studydesk_sync::natural_id("dashboard_shares", &[&dashboard, &bob.account]);
    let share = |permission: &str, offset: i64| {
        ada.change("dashboard_shares", &share_id, if offset == 20 { "insert" } else { "update" }, 1,
            json!({"id": share_id, "dashboard_id": dashboard, "user_id": bob.account, "permission": permission, "shared_at": now}), offset)
    };
    let shared: Value = ada.push(&new_id(), vec![share("view", 20)]).json().unwrap();
    assert!(shared["rejected"].as_array().unwrap().is_empty(), "{shared}");
    assert!(sees_board(&bob), "shared: bob's devices get the dashboard's stream");
    let view_only: Value = bob.push(&new_id(), vec![edit(&bob, 30)]).json().unwrap();
    assert_eq!(view_only["rejected"][0]["code"], "forbidden", "view rights write nothing");

    ada.push(&new_id(), vec![share("edit", 40)]);
    let edited: Value = bob.push(&new_id(), vec![edit(&bob, 50)]).json().unwrap();
    assert_eq!(edited["accepted"][0]["superseded"], false, "{edited}");
    let owner_field = bob.change("dashboards", &dashboard, "update", 1, json!({"is_public": 1}), 60);
    let refused: Value = bob.push(&new_id(), vec![owner_field]).json().unwrap();
    assert_eq!(refused["rejected"][0]["code"], "forbidden", "a grantee cannot publish the owner's dashboard");
    assert!(ada.pull_all().iter().any(|c| c["row_id"] == widget.as_str() && c["columns"]["config"] == "{\"by\":\"bob\"}"), "the owner gets the grantee's edit");

    let cursor = bob.pull(None)["next_cursor"].as_str().unwrap().to_string();
    ada.push(&new_id(), vec![ada.change("dashboard_shares", &share_id, "delete", 2, Value::Null, 70)]);
    let after = bob.pull(Some(&cursor));
    assert_eq!(after["revoked_streams"], json!([stream]), "bob's devices are told to drop the dashboard");
}
