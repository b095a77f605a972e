//! The sync API against a real PostgreSQL: accounts and keys, idempotent pushes, gap-free
//! sequences under concurrency, visibility between accounts, refusals of bad input, and
//! attachment files (blobs): streamed, content-checked, private, size- and quota-limited.

mod support;

use serde_json::{json, Value};
use support::{http, new_id, random_bytes, send, sha256_hex, signup, Reply, TestServer};

fn login(server: &TestServer, email: &str, password: &str) -> Reply {
    send(http().post(server.url("/v1/sessions")).json(&json!({"email": email, "password": password, "device": {"id": new_id(), "name": "laptop"}})))
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

    let again = send(
        http()
            .post(server.url("/v1/accounts"))
            .json(&json!({"email": "ada@example.org", "password": "another long one", "device": {"id": new_id(), "name": "x"}})),
    );
    assert_eq!(again.status(), 409);
    let short = send(
        http()
            .post(server.url("/v1/accounts"))
            .json(&json!({"email": "bob@example.org", "password": "short", "device": {"id": new_id(), "name": "x"}})),
    );
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
    let out = send(ada.http.delete(server.url("/v1/sessions/current")).bearer_auth(&ada.key));
    assert_eq!(out.status(), 204);
    let after = ada.push(&new_id(), vec![ada.user_row()]);
    assert_eq!(after.status(), 401);
    assert_eq!(after.json::<Value>().unwrap()["kind"], "revoked_key");

    let forged = send(ada.http.get(server.url("/v1/pull")).bearer_auth(format!("{}x", ada.key)).header("Studydesk-Schema", "8"));
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
    // Just over the limit: a far larger body races the server's early close with the 413.
    let big = "x".repeat(studydesk_sync::MAX_BODY_BYTES + 1);
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
        // SQLite has no booleans: a device sends 0/1, and a pull must never hand out `true`.
        (ada.change("users", &ada.account, "update", 1, json!({"is_active": true}), 0), "invalid_value"),
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

/// Requests outside the document (a wrong method, a query string the server cannot read)
/// still get the `{kind, message}` body every other failure has, never an empty or plain
/// text answer. Sent around `support::send`: the document does not list them.
#[test]
fn a_wrong_method_or_a_bad_query_string_gets_a_json_error() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let raw = |request: reqwest::blocking::RequestBuilder| {
        let response = request.send().expect("an answer");
        let status = response.status().as_u16();
        let kind_of = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
        let body: Value = response.json().expect("a JSON body");
        (status, kind_of, body)
    };
    let blob = format!("/v1/blobs/{}", "0".repeat(64));
    for (method, path) in [("PUT", "/v1/push"), ("GET", "/v1/accounts"), ("POST", "/healthz"), ("POST", blob.as_str()), ("DELETE", blob.as_str())] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let (status, content_type, body) = raw(ada.http.request(method.clone(), server.url(path)));
        assert_eq!(status, 405, "{method} {path}");
        assert_eq!(content_type.as_deref(), Some("application/json"), "{method} {path}");
        assert_eq!(body["kind"], "method_not_allowed", "{method} {path}");
    }
    let twice = ada.http.get(server.url("/v1/pull?cursor=a&cursor=b")).bearer_auth(&ada.key).header("Studydesk-Schema", "8");
    let (status, _, body) = raw(twice);
    assert_eq!(status, 400);
    assert_eq!(body["kind"], "bad_request");
    assert!(body["message"].as_str().unwrap().contains("cursor"), "{body}");
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
    let health: Value = send(http().get(server.url("/healthz"))).json().unwrap();
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

const MIB: usize = 1024 * 1024;

/// What the server holds for blobs: (blobs rows, chunk rows, bytes in chunks).
fn stored_blobs(server: &TestServer) -> (i64, i64, i64) {
    (
        server.count("SELECT count(*) FROM blobs"),
        server.count("SELECT count(*) FROM blob_chunks"),
        server.count("SELECT coalesce(sum(length(data)), 0) FROM blob_chunks"),
    )
}

#[test]
fn a_multi_chunk_blob_round_trips_byte_for_byte_and_a_second_upload_stores_no_second_copy() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    // 4.5 MiB and 7 bytes: five chunks, the last one partial, and more than the 4 MiB JSON
    // limit, which must not apply to blobs.
    let bytes = random_bytes(4 * MIB + MIB / 2 + 7, 1);
    assert!(bytes.len() > studydesk_sync::MAX_BODY_BYTES);
    let hash = sha256_hex(&bytes);
    assert_eq!(ada.head_blob(&hash).status(), 404, "nothing before the upload");

    let put = ada.put_blob(&hash, bytes.clone());
    assert_eq!(put.status(), 201, "{}", put.text());
    let info: studydesk_sync::wire::BlobInfo = put.json().unwrap();
    assert_eq!(info, studydesk_sync::wire::BlobInfo { content_hash: hash.clone(), size_bytes: bytes.len() as u64 });
    assert_eq!(stored_blobs(&server), (1, 5, bytes.len() as i64));
    assert_eq!(server.count(&format!("SELECT max(length(data)) FROM blob_chunks WHERE content_hash = '{hash}'")), MIB as i64);
    assert_eq!(server.count(&format!("SELECT size_bytes FROM blobs WHERE content_hash = '{hash}'")), bytes.len() as i64);

    let got = ada.get_blob(&hash);
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "application/octet-stream");
    assert_eq!(got.content_length(), Some(bytes.len() as u64));
    assert!(got.bytes() == bytes.as_slice(), "the download is the upload, byte for byte");

    let head = ada.head_blob(&hash);
    assert_eq!(head.status(), 200);
    assert_eq!(head.content_length(), Some(bytes.len() as u64));
    assert!(head.bytes().is_empty());

    let again = ada.put_blob(&hash, bytes.clone());
    assert_eq!(again.status(), 200, "{}", again.text());
    assert_eq!(again.json::<studydesk_sync::wire::BlobInfo>().unwrap(), info, "the same answer");
    let chunked = ada.put_blob_chunked(&hash, bytes.clone());
    assert_eq!(chunked.status(), 200, "{}", chunked.text());
    assert_eq!(stored_blobs(&server), (1, 5, bytes.len() as i64), "one copy");

    // A one-byte file, and one of exactly one chunk, sent without a Content-Length.
    for small in [vec![42u8], random_bytes(MIB, 2)] {
        let hash = sha256_hex(&small);
        let put = ada.put_blob_chunked(&hash, small.clone());
        assert_eq!(put.status(), 201, "{}", put.text());
        assert!(ada.get_blob(&hash).bytes() == small.as_slice());
    }
    assert_eq!(stored_blobs(&server), (3, 7, (bytes.len() + 1 + MIB) as i64));
}

#[test]
fn a_body_whose_hash_differs_from_its_path_is_refused_and_nothing_is_stored() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let bytes = random_bytes(MIB + 10, 3);
    let hash = sha256_hex(&bytes);
    let mut changed = bytes.clone();
    changed[MIB + 5] ^= 1;
    for refused in [ada.put_blob(&hash, changed.clone()), ada.put_blob_chunked(&hash, changed.clone()), ada.put_blob(&hash, bytes[..MIB].to_vec())] {
        assert_eq!(refused.status(), 422, "{}", refused.text());
        assert_eq!(refused.kind(), "hash_mismatch");
        assert!(refused.text().contains(&sha256_hex(&changed)) || refused.text().contains(&sha256_hex(&bytes[..MIB])), "{}", refused.text());
    }
    assert_eq!(stored_blobs(&server), (0, 0, 0));
    assert_eq!(ada.get_blob(&hash).status(), 404);
    assert_eq!(ada.head_blob(&hash).status(), 404);

    // Once stored, a wrong body under its hash is still refused and changes nothing.
    assert_eq!(ada.put_blob(&hash, bytes.clone()).status(), 201);
    let refused = ada.put_blob(&hash, changed);
    assert_eq!((refused.status().as_u16(), refused.kind().as_str()), (422, "hash_mismatch"));
    assert!(ada.get_blob(&hash).bytes() == bytes.as_slice());
    assert_eq!(stored_blobs(&server), (1, 2, bytes.len() as i64));
}

#[test]
fn a_blob_over_the_size_limit_is_refused_and_nothing_is_stored() {
    let server = TestServer::start_with(|c| c.max_blob_bytes = 1000);
    let ada = signup(&server, "ada@example.org");
    let over = random_bytes(1001, 4);
    let hash = sha256_hex(&over);
    // From Content-Length, before the body is read; and counted, without one.
    for refused in [ada.put_blob(&hash, over.clone()), ada.put_blob_chunked(&hash, over.clone())] {
        assert_eq!(refused.status(), 413, "{}", refused.text());
        assert_eq!(refused.kind(), "payload_too_large");
    }
    assert_eq!(stored_blobs(&server), (0, 0, 0));
    assert_eq!(ada.get_blob(&hash).status(), 404);
    let at_limit = random_bytes(1000, 5);
    assert_eq!(ada.put_blob(&sha256_hex(&at_limit), at_limit).status(), 201, "the limit itself is allowed");
    assert_eq!(stored_blobs(&server), (1, 1, 1000));
}

#[test]
fn an_account_past_its_blob_quota_is_refused_and_other_accounts_are_not() {
    let server = TestServer::start_with(|c| c.blob_quota_bytes = 10_000);
    let ada = signup(&server, "ada@example.org");
    let first = random_bytes(6000, 6);
    assert_eq!(ada.put_blob(&sha256_hex(&first), first.clone()).status(), 201);
    let second = random_bytes(6000, 7);
    let hash = sha256_hex(&second);
    // From Content-Length, and counted while streaming.
    for refused in [ada.put_blob(&hash, second.clone()), ada.put_blob_chunked(&hash, second.clone())] {
        assert_eq!(refused.status(), 413, "{}", refused.text());
        assert_eq!(refused.kind(), "quota_exceeded");
    }
    assert_eq!(stored_blobs(&server), (1, 1, 6000));
    let head = ada.head_blob(&hash);
    assert_eq!(head.status(), 404);
    // What an upload may be, so a client skips a PUT the server would refuse.
    let header = |name: &str| head.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!(header("studydesk-blob-quota-free").as_deref(), Some("4000"));
    assert_eq!(header("studydesk-blob-max-bytes"), Some(studydesk_sync::MAX_BLOB_BYTES.to_string()));
    assert_eq!(ada.put_blob(&sha256_hex(&first), first).status(), 200, "a blob held already takes no more room");
    let rest = random_bytes(4000, 8);
    assert_eq!(ada.put_blob(&sha256_hex(&rest), rest).status(), 201, "up to the quota exactly");
    let one_more = vec![1u8];
    assert_eq!(ada.put_blob(&sha256_hex(&one_more), one_more).kind(), "quota_exceeded");

    let bob = signup(&server, "bob@example.org");
    assert_eq!(bob.put_blob(&hash, second).status(), 201, "the quota is per account");
}

#[test]
fn another_account_can_neither_read_nor_overwrite_my_blob() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let bob = signup(&server, "bob@example.org");
    let bytes = random_bytes(300_000, 9);
    let hash = sha256_hex(&bytes);
    assert_eq!(ada.put_blob(&hash, bytes.clone()).status(), 201);

    let stranger = bob.get_blob(&hash);
    let nobody = bob.get_blob(&sha256_hex(b"never stored"));
    assert_eq!((stranger.status().as_u16(), nobody.status().as_u16()), (404, 404));
    assert_eq!(stranger.json::<Value>().unwrap(), nobody.json::<Value>().unwrap(), "the same answer whether another account has it or not");
    assert_eq!(stranger.kind(), "not_found");
    assert_eq!(bob.head_blob(&hash).status(), 404);

    let mut forged = bytes.clone();
    forged[0] ^= 0xff;
    assert_eq!(bob.put_blob(&hash, forged).status(), 422, "a wrong body cannot take the name");
    assert!(ada.get_blob(&hash).bytes() == bytes.as_slice());
    let own = bob.put_blob(&hash, bytes.clone());
    assert_eq!(own.status(), 201, "the same file is bob's own copy, not ada's: {}", own.text());
    assert_eq!(bob.get_blob(&hash).bytes().len(), bytes.len());
    assert_eq!(server.count(&format!("SELECT count(DISTINCT account_id) FROM blobs WHERE content_hash = '{hash}'")), 2);
}

#[test]
fn blob_requests_need_a_valid_key_a_well_formed_hash_and_a_body() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let bytes = b"a small file".to_vec();
    let hash = sha256_hex(&bytes);
    let url = server.url(&format!("/v1/blobs/{hash}"));
    let anonymous = [
        send(http().put(&url).body(bytes.clone())),
        send(http().get(&url)),
        send(http().put(&url).bearer_auth(format!("{}x", ada.key)).body(bytes.clone())),
        send(http().get(&url).bearer_auth("sdk1_nonsense")),
    ];
    for refused in anonymous {
        assert_eq!((refused.status().as_u16(), refused.kind().as_str()), (401, "invalid_key"), "{}", refused.operation);
    }
    assert_eq!(send(http().head(&url)).status(), 401);
    assert_eq!(stored_blobs(&server), (0, 0, 0));

    let uppercase = hash.to_uppercase();
    for bad in [uppercase.as_str(), &hash[..63], &format!("{hash}0"), &format!("{}g", &hash[..63]), "%2e%2e%2fpush"] {
        for reply in [ada.put_blob(bad, bytes.clone()), ada.get_blob(bad)] {
            assert_eq!((reply.status().as_u16(), reply.kind().as_str()), (400, "bad_request"), "{} {bad}", reply.operation);
        }
        assert_eq!(ada.head_blob(bad).status(), 400, "{bad}");
    }
    for empty in [ada.put_blob(&sha256_hex(b""), vec![]), ada.put_blob_chunked(&sha256_hex(b""), vec![])] {
        assert_eq!((empty.status().as_u16(), empty.kind().as_str()), (400, "bad_request"), "{}", empty.text());
    }

    let out = send(ada.http.delete(server.url("/v1/sessions/current")).bearer_auth(&ada.key));
    assert_eq!(out.status(), 204);
    let revoked = ada.put_blob(&hash, bytes);
    assert_eq!((revoked.status().as_u16(), revoked.kind().as_str()), (401, "revoked_key"));
    assert_eq!(stored_blobs(&server), (0, 0, 0));
}

#[test]
fn concurrent_uploads_of_one_blob_all_succeed_and_store_one_copy() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let bytes = std::sync::Arc::new(random_bytes(2 * MIB + MIB / 2, 10));
    let hash = sha256_hex(&bytes);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
    let uploads: Vec<_> = (0..4)
        .map(|i| {
            let c = support::Client { account: ada.account.clone(), device: ada.device.clone(), key: ada.key.clone(), http: http(), base: ada.base.clone() };
            let (bytes, hash, barrier) = (bytes.clone(), hash.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let reply = if i % 2 == 0 { c.put_blob(&hash, bytes.to_vec()) } else { c.put_blob_chunked(&hash, bytes.to_vec()) };
                let info: studydesk_sync::wire::BlobInfo = reply.json().unwrap_or_else(|e| panic!("{e}: {}", reply.text()));
                assert_eq!(info.size_bytes, bytes.len() as u64);
                reply.status().as_u16()
            })
        })
        .collect();
    let mut statuses: Vec<u16> = uploads.into_iter().map(|t| t.join().unwrap()).collect();
    statuses.sort();
    assert_eq!(statuses, vec![200, 200, 200, 201], "one stores it, the others find it stored");
    assert_eq!(stored_blobs(&server), (1, 3, bytes.len() as i64));
    assert!(ada.get_blob(&hash).bytes() == bytes.as_slice());
}

/// Each operation of `docs/openapi/sync-v1.yaml` with its success and its refusals, each
/// through the checker (`support::send` panics on a mismatch); then every status the
/// document lists must have been seen, but for the few this server cannot be made to give.
#[test]
fn every_response_matches_the_openapi_document() {
    let server = TestServer::start();
    let mut seen: std::collections::BTreeSet<(String, u16)> = Default::default();
    let mut expect = |reply: Reply, operation: &str, status: u16| -> Reply {
        assert_eq!((reply.operation.as_str(), reply.status().as_u16()), (operation, status), "{}", reply.text());
        seen.insert((operation.to_string(), status));
        reply
    };
    let post = |path: &str, body: String| send(http().post(server.url(path)).header("content-type", "application/json").body(body));
    let account = |email: &str, password: &str, device: &str| {
        json!({"email": email, "password": password, "device": {"id": device, "name": "conformance"}}).to_string()
    };
    // One byte over the limit: the server reads the whole body before it refuses it, so it
    // does not close the connection on unread bytes (a reset the client could see before
    // the 413, as with a body far over the limit).
    let big = "x".repeat(studydesk_sync::MAX_BODY_BYTES + 1);

    // signup
    let device = new_id();
    let session: Value = expect(post("/v1/accounts", account("ada@example.org", "correct horse battery", &device)), "signup", 201).json().unwrap();
    let ada = support::Client {
        account: session["account_id"].as_str().unwrap().into(),
        device,
        key: session["api_key"].as_str().unwrap().into(),
        http: http(),
        base: server.base.clone(),
    };
    expect(post("/v1/accounts", "{not json".into()), "signup", 400);
    expect(post("/v1/accounts", account("ada@example.org", "correct horse battery", &new_id())), "signup", 409);
    expect(post("/v1/accounts", big.clone()), "signup", 413);
    expect(post("/v1/accounts", account("bob@example.org", "short", &new_id())), "signup", 422);
    let closed = TestServer::start_with(|c| c.signup_open = false);
    let refused = send(http().post(closed.url("/v1/accounts")).json(&json!({"email": "bob@example.org", "password": "correct horse battery", "device": {"id": new_id(), "name": "x"}})));
    expect(refused, "signup", 403);

    // login
    let second: Value = expect(post("/v1/sessions", account("ada@example.org", "correct horse battery", &new_id())), "login", 201).json().unwrap();
    expect(post("/v1/sessions", "{not json".into()), "login", 400);
    expect(post("/v1/sessions", account("ada@example.org", "wrong password!", &new_id())), "login", 401);
    expect(post("/v1/sessions", big.clone()), "login", 413);
    expect(post("/v1/sessions", account("not an email", "correct horse battery", &new_id())), "login", 422);
    for _ in 0..10 {
        expect(post("/v1/sessions", account("eve@example.org", "nope nope nope", &new_id())), "login", 401);
    }
    expect(post("/v1/sessions", account("eve@example.org", "nope nope nope", &new_id())), "login", 429);

    // logout: the second key, then once more with it
    let second_key = second["api_key"].as_str().unwrap();
    expect(send(http().delete(server.url("/v1/sessions/current")).bearer_auth(second_key)), "logout", 204);
    expect(send(http().delete(server.url("/v1/sessions/current")).bearer_auth(second_key)), "logout", 401);

    // push
    let batch = new_id();
    let first = ada.push(&batch, vec![ada.user_row(), ada.list_row(&new_id())]);
    let first = expect(first, "push", 200).json::<Value>().unwrap();
    assert_eq!(first["accepted"].as_array().map(Vec::len), Some(2), "{first}");
    expect(ada.push_raw("{not json"), "push", 400);
    let revoked = support::Client { key: second_key.into(), device: ada.device.clone(), account: ada.account.clone(), http: http(), base: ada.base.clone() };
    expect(revoked.push(&new_id(), vec![ada.user_row()]), "push", 401);
    expect(ada.push_raw(&json!({"batch_id": new_id(), "device_id": new_id(), "changes": [ada.user_row()]}).to_string()), "push", 403);
    expect(ada.push(&batch, vec![ada.list_row(&new_id())]), "push", 409);
    expect(ada.push_raw(&big), "push", 413);
    expect(ada.push(&new_id(), vec![]), "push", 422);

    // pull
    let pull = |key: &str, query: &str, schema: &str| send(http().get(server.url(&format!("/v1/pull{query}"))).bearer_auth(key).header("Studydesk-Schema", schema));
    let page: Value = expect(pull(&ada.key, "", "8"), "pull", 200).json().unwrap();
    assert!(!page["changes"].as_array().unwrap().is_empty(), "{page}");
    expect(pull(&ada.key, "?cursor=not-a-cursor", "8"), "pull", 400);
    expect(pull(second_key, "", "8"), "pull", 401);
    expect(pull(&ada.key, "", "9999"), "pull", 409);
    expect(pull(&ada.key, "?limit=0", "8"), "pull", 422);

    // usernameAvailable
    let ask = |key: &str, name: &str| send(http().get(server.url(&format!("/v1/usernames/{name}"))).bearer_auth(key));
    let answer: Value = expect(ask(&ada.key, "ada.lovelace"), "usernameAvailable", 200).json().unwrap();
    assert_eq!(answer, json!({"available": true}));
    expect(ask(&ada.key, "%FF%FE"), "usernameAvailable", 400);
    expect(ask(second_key, "ada.lovelace"), "usernameAvailable", 401);

    // healthz
    expect(send(http().get(server.url("/healthz"))), "healthz", 200);

    // blobs: 3 MiB (three chunks), one byte over a small server's size limit, and over
    // another's quota
    let file = random_bytes(3 * 1024 * 1024, 11);
    let hash = sha256_hex(&file);
    let nothing = sha256_hex(b"nobody stored this");
    let stored: Value = expect(ada.put_blob(&hash, file.clone()), "putBlob", 201).json().unwrap();
    assert_eq!(stored["size_bytes"], file.len());
    expect(ada.put_blob(&hash, file.clone()), "putBlob", 200);
    // Refused before the body is read, so with a small body: a server that answers early
    // closes the connection, and a client still writing 3 MiB may see a broken pipe first
    // (seen once in this test).
    expect(ada.put_blob("not-a-hash", b"small".to_vec()), "putBlob", 400);
    expect(revoked.put_blob(&hash, b"small".to_vec()), "putBlob", 401);
    expect(ada.put_blob(&nothing, file.clone()), "putBlob", 422);
    let small = TestServer::start_with(|c| {
        c.max_blob_bytes = 1000;
        c.blob_quota_bytes = 1500;
    });
    let bob = signup(&small, "bob@example.org");
    let (kb, more) = (random_bytes(1000, 12), random_bytes(1000, 13));
    assert_eq!(expect(bob.put_blob(&sha256_hex(&more), random_bytes(1001, 14)), "putBlob", 413).kind(), "payload_too_large");
    expect(bob.put_blob(&sha256_hex(&kb), kb), "putBlob", 201);
    assert_eq!(expect(bob.put_blob(&sha256_hex(&more), more), "putBlob", 413).kind(), "quota_exceeded");
    let got = expect(ada.get_blob(&hash), "getBlob", 200);
    assert!(got.bytes() == file.as_slice());
    expect(ada.get_blob("not-a-hash"), "getBlob", 400);
    expect(revoked.get_blob(&hash), "getBlob", 401);
    expect(ada.get_blob(&nothing), "getBlob", 404);
    assert_eq!(expect(ada.head_blob(&hash), "headBlob", 200).content_length(), Some(file.len() as u64));
    expect(ada.head_blob("not-a-hash"), "headBlob", 400);
    expect(revoked.head_blob(&hash), "headBlob", 401);
    expect(ada.head_blob(&nothing), "headBlob", 404);

    // changePassword and logoutEverywhere (docs/sync.md §6), on an account of their own
    let dora = signup(&server, "dora@example.org");
    let change = |key: &str, body: String| {
        send(http().post(server.url("/v1/account/password")).bearer_auth(key).header("content-type", "application/json").body(body))
    };
    let password = |current: &str, new: &str| json!({"current_password": current, "new_password": new}).to_string();
    expect(change(&dora.key, "{not json".into()), "changePassword", 400);
    expect(change(second_key, password("correct horse battery", "a brand new password")), "changePassword", 401);
    expect(change(&dora.key, password("wrong password!", "a brand new password")), "changePassword", 403);
    expect(change(&dora.key, big.clone()), "changePassword", 413);
    expect(change(&dora.key, password("correct horse battery", "short")), "changePassword", 422);
    let changed: Value = expect(change(&dora.key, password("correct horse battery", "a brand new password")), "changePassword", 201).json().unwrap();
    let dora_key = changed["api_key"].as_str().unwrap();
    expect(send(http().delete(server.url("/v1/sessions")).bearer_auth(dora_key)), "logoutEverywhere", 204);
    expect(send(http().delete(server.url("/v1/sessions")).bearer_auth(dora_key)), "logoutEverywhere", 401);
    // accountLookup (docs/sync.md §9.2): an account with a synced profile, by email
    let (gus, hal) = (signup(&server, "gus@example.org"), signup(&server, "hal@example.org"));
    hal.push(&new_id(), vec![hal.user_row()]);
    let lookup = |key: &str, body: String| {
        send(http().post(server.url("/v1/accounts/lookup")).bearer_auth(key).header("content-type", "application/json").body(body))
    };
    let email = |e: &str| json!({"email": e}).to_string();
    expect(lookup(&gus.key, email("hal@example.org")), "accountLookup", 200);
    expect(lookup(&gus.key, "{not json".into()), "accountLookup", 400);
    expect(lookup("sdk1_nope", email("hal@example.org")), "accountLookup", 401);
    expect(lookup(&gus.key, email("nobody@example.org")), "accountLookup", 404);
    expect(lookup(&gus.key, big.clone()), "accountLookup", 413);
    expect(lookup(&hal.key, email("hal@example.org")), "accountLookup", 422);
    // the 429s of sign-up and of the password change, on a server with limits of one
    let strict = TestServer::start_with(|c| {
        c.signups_per_address = 1;
        c.login_failures_per_email = 1;
        c.lookups_per_account = 1;
    });
    let erin = signup(&strict, "erin@example.org");
    let again = send(http().post(strict.url("/v1/accounts")).json(&json!({"email": "fay@example.org", "password": "correct horse battery", "device": {"id": new_id(), "name": "x"}})));
    expect(again, "signup", 429);
    let strict_change = |body: String| {
        send(http().post(strict.url("/v1/account/password")).bearer_auth(&erin.key).header("content-type", "application/json").body(body))
    };
    expect(strict_change(password("wrong password!", "a brand new password")), "changePassword", 403);
    expect(strict_change(password("correct horse battery", "a brand new password")), "changePassword", 429);
    let strict_lookup = || {
        send(http().post(strict.url("/v1/accounts/lookup")).bearer_auth(&erin.key).header("content-type", "application/json").body(email("nobody@example.org")))
    };
    expect(strict_lookup(), "accountLookup", 404);
    expect(strict_lookup(), "accountLookup", 429);

    // What the document lists and this test cannot make the server answer.
    let cannot = |operation: &str, status: u16| match status {
        503 => true, // the database down, or password hashing saturated
        // only sign-in, sign-up, the password change and the email lookup are throttled
        // (no per-key rate limit yet)
        429 => !matches!(operation, "login" | "signup" | "changePassword" | "accountLookup"),
        _ => false,
    };
    let missing: Vec<String> = support::openapi::document()
        .operations
        .iter()
        .flat_map(|op| op.responses.keys().filter_map(|k| k.parse::<u16>().ok()).map(move |s| (op.id.clone(), s)))
        .filter(|(op, status)| !cannot(op, *status) && !seen.contains(&(op.clone(), *status)))
        .map(|(op, status)| format!("{op} {status}"))
        .collect();
    assert!(missing.is_empty(), "statuses of the document this test never saw: {missing:?}");
}

/// The checker itself refuses what the document does not allow (else the checks above
/// could pass on anything): a body missing a required field, a status the operation does
/// not list, an unknown error kind, a wrong Content-Type, a body where none is described, a
/// bad header, an endpoint the document does not have; for blobs, a Content-Length that is
/// not the body's or is missing, JSON where bytes are described, a body in an answer to HEAD.
#[test]
fn the_openapi_checker_reports_answers_the_document_does_not_allow() {
    use reqwest::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
    use support::openapi::check;
    let json_type = || {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        h
    };
    let body = |v: &Value| v.to_string().into_bytes();
    let result = json!({
        "batch_id": new_id(), "replayed": false, "server_time_ms": 1,
        "accepted": [{"index": 0, "table": "users", "row_id": new_id(), "superseded": false, "stream": "public", "seq": 1, "reason": null}],
        "rejected": [],
    });
    assert_eq!(check("POST", "/v1/push", 200, &json_type(), &body(&result)), Ok("push".to_string()), "a conforming PushResult");

    let mut missing = result.clone();
    missing.as_object_mut().unwrap().remove("accepted");
    let e = check("POST", "/v1/push", 200, &json_type(), &body(&missing)).unwrap_err();
    assert!(e.contains("POST /v1/push -> 200 (push)") && e.contains("PushResult") && e.contains("\"accepted\" is a required property"), "{e}");

    let mut wrong_type = result.clone();
    wrong_type["accepted"][0]["seq"] = json!("one");
    let e = check("POST", "/v1/push", 200, &json_type(), &body(&wrong_type)).unwrap_err();
    assert!(e.contains("/accepted/0/seq"), "{e}");

    let error = |kind: &str| body(&json!({"kind": kind, "message": "m"}));
    assert_eq!(check("POST", "/v1/push", 409, &json_type(), &error("batch_id_reused")), Ok("push".to_string()));
    let e = check("POST", "/v1/push", 418, &json_type(), &error("bad_request")).unwrap_err();
    assert!(e.contains("status 418 is not in the OpenAPI document") && e.contains("200, 400"), "{e}");
    let e = check("GET", "/v1/pull", 401, &json_type(), &error("no_such_kind")).unwrap_err();
    assert!(e.contains("Error") && e.contains("/kind"), "{e}");

    let session = |expires_at: &str| {
        body(&json!({"account_id": new_id(), "key_id": new_id(), "api_key": format!("sdk1_{}_{}", new_id(), "a".repeat(43)), "expires_at": expires_at, "device_id": new_id(), "server_time_ms": 1}))
    };
    assert_eq!(check("POST", "/v1/sessions", 201, &json_type(), &session("2027-12-02T15:42:07Z")), Ok("login".to_string()));
    let e = check("POST", "/v1/sessions", 201, &json_type(), &session("next year")).unwrap_err();
    assert!(e.contains("Session") && e.contains("/expires_at") && e.contains("date-time"), "formats are checked: {e}");

    let mut text = HeaderMap::new();
    text.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    let e = check("GET", "/v1/pull", 400, &text, b"Failed to deserialize query string").unwrap_err();
    assert!(e.contains("Content-Type \"text/plain; charset=utf-8\" is not one the document gives"), "{e}");
    let e = check("GET", "/v1/pull", 400, &HeaderMap::new(), &error("bad_cursor")).unwrap_err();
    assert!(e.contains("Content-Type \"none\""), "{e}");
    let e = check("DELETE", "/v1/sessions/current", 204, &json_type(), b"{}").unwrap_err();
    assert!(e.contains("no body"), "{e}");
    assert_eq!(check("DELETE", "/v1/sessions/current", 204, &HeaderMap::new(), b""), Ok("logout".to_string()));

    let mut throttled = json_type();
    throttled.insert(RETRY_AFTER, HeaderValue::from_static("900"));
    assert_eq!(check("POST", "/v1/sessions", 429, &throttled, &error("too_many_attempts")), Ok("login".to_string()));
    throttled.insert(RETRY_AFTER, HeaderValue::from_static("0"));
    let e = check("POST", "/v1/sessions", 429, &throttled, &error("too_many_attempts")).unwrap_err();
    assert!(e.contains("header retry-after"), "{e}");

    // Blobs: bytes are not parsed, but their Content-Type and length are checked; an answer
    // to HEAD has no body and keeps the GET's headers.
    let blob = format!("/v1/blobs/{}", "ab".repeat(32));
    let bytes_of = |length: &str| {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
        h.insert(CONTENT_LENGTH, HeaderValue::from_str(length).unwrap());
        h
    };
    assert_eq!(check("GET", &blob, 200, &bytes_of("4"), b"\xff\x00{\x80"), Ok("getBlob".to_string()), "bytes, not JSON");
    let e = check("GET", &blob, 200, &bytes_of("5"), b"\xff\x00{\x80").unwrap_err();
    assert!(e.contains("Content-Length") && e.contains("4 bytes"), "{e}");
    let mut no_length = bytes_of("4");
    no_length.remove(CONTENT_LENGTH);
    let e = check("GET", &blob, 200, &no_length, b"\xff\x00{\x80").unwrap_err();
    assert!(e.contains("required header content-length is missing"), "{e}");
    let mut json_length = json_type();
    json_length.insert(CONTENT_LENGTH, HeaderValue::from_static("2"));
    let e = check("GET", &blob, 200, &json_length, b"{}").unwrap_err();
    assert!(e.contains("Content-Type \"application/json\" is not one the document gives (application/octet-stream)"), "{e}");
    assert_eq!(check("HEAD", &blob, 200, &bytes_of("1048576"), b""), Ok("headBlob".to_string()));
    let e = check("HEAD", &blob, 200, &bytes_of("4"), b"\xff\x00{\x80").unwrap_err();
    assert!(e.contains("an answer to HEAD has a body"), "{e}");
    let e = check("HEAD", &blob, 200, &no_length, b"").unwrap_err();
    assert!(e.contains("required header content-length is missing"), "{e}");
    let mut limits = json_length.clone();
    limits.insert("studydesk-blob-max-bytes", HeaderValue::from_static("536870912"));
    limits.insert("studydesk-blob-quota-free", HeaderValue::from_static("0"));
    assert_eq!(check("HEAD", &blob, 404, &limits, b""), Ok("headBlob".to_string()), "the GET's error headers and the limits, no body");
    let e = check("HEAD", &blob, 404, &json_length, b"").unwrap_err();
    assert!(e.contains("required header studydesk-blob-max-bytes is missing"), "{e}");
    limits.insert("studydesk-blob-quota-free", HeaderValue::from_static("-1"));
    let e = check("HEAD", &blob, 404, &limits, b"").unwrap_err();
    assert!(e.contains("studydesk-blob-quota-free"), "{e}");
    let info = |hash: &str| body(&json!({"content_hash": hash, "size_bytes": 3}));
    assert_eq!(check("PUT", &blob, 201, &json_type(), &info(&"ab".repeat(32))), Ok("putBlob".to_string()));
    let e = check("PUT", &blob, 201, &json_type(), &info(&"AB".repeat(32))).unwrap_err();
    assert!(e.contains("BlobInfo") && e.contains("/content_hash"), "{e}");

    let e = check("GET", "/v1/nothing", 404, &json_type(), &error("bad_request")).unwrap_err();
    assert!(e.contains("has no operation GET /v1/nothing"), "{e}");
    let e = check("PUT", "/v1/push", 405, &HeaderMap::new(), b"").unwrap_err();
    assert!(e.contains("has no operation PUT /v1/push"), "{e}");
}

#[test]
fn the_same_batch_sent_five_times_at_once_is_applied_once() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let list = new_id();
    let body = json!({"batch_id": new_id(), "device_id": ada.device,
        "changes": [ada.user_row(), ada.list_row(&list), ada.task_row(&new_id(), &list, "once")]})
    .to_string();
    let answers: Vec<Value> = std::thread::scope(|s| {
        let sends: Vec<_> = (0..5).map(|_| s.spawn(|| ada.push_raw(&body).json::<Value>().unwrap())).collect();
        sends.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for answer in &answers {
        assert!(answer["accepted"].is_array(), "{answer}");
    }
    let seqs = |a: &Value| a["accepted"].as_array().unwrap().iter().map(|c| c["seq"].clone()).collect::<Vec<_>>();
    for answer in &answers {
        assert!(answer["accepted"].is_array(), "{answer}");
        assert_eq!(seqs(answer), seqs(&answers[0]), "every answer names the same seqs: {answer}");
    }
    assert_eq!(answers.iter().filter(|a| a["replayed"] == false).count(), 1, "one applied it, four replayed it");
    assert_eq!(server.count("SELECT count(*) FROM changes WHERE table_name = 'tasks'"), 1);
    let after: Value = ada.push(&new_id(), vec![ada.task_row(&new_id(), &list, "after")]).json().unwrap();
    assert_eq!(after["rejected"], json!([]));
    let private = format!("u:{}", ada.account);
    let logged: Vec<i64> = ada.pull_all().iter().filter(|c| c["stream"] == private.as_str()).map(|c| c["seq"].as_i64().unwrap()).collect();
    assert_eq!(logged, (1..=logged.len() as i64).collect::<Vec<_>>(), "no gap where the replays' seqs were rolled back");
}
