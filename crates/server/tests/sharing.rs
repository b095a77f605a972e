//! Dashboard sharing through a real server on PostgreSQL (issue 16 item 3, docs/sync.md
//! §9.2): a public dashboard is read by every account, read only, without its shares and
//! reports; a reader who becomes a grantee (or stops being one) reads the stream again
//! from its start; a dashboard cannot be shared with its owner nor with an account the
//! server does not know.

mod support;

use serde_json::{json, Value};
use studydesk_sync::natural_id;
use support::{new_id, signup, Client, TestServer};

const NOW: &str = "2026-11-22T01:00:00.000Z";

/// Ada's dashboard with one widget, one report (its recipient's address a marker) and a
/// view share for `grantee`; not public.
struct Board {
    dashboard: String,
    widget: String,
    report: String,
}

const RECIPIENT: &str = "recipient-marker@example.org";

fn no_rejections(reply: &Value) {
    assert!(reply["rejected"].as_array().is_some_and(Vec::is_empty), "{reply}");
}

fn share_change(owner: &Client, dashboard: &str, grantee: &str, permission: &str, op: &str, offset: i64) -> Value {
    let id = natural_id("dashboard_shares", &[dashboard, grantee]);
    let columns = if op == "delete" {
        Value::Null
    } else {
        json!({"id": id, "dashboard_id": dashboard, "user_id": grantee, "permission": permission, "shared_at": NOW, "shared_by": owner.account})
    };
    owner.change("dashboard_shares", &id, op, if op == "delete" { 2 } else { 1 }, columns, offset)
}

fn board(ada: &Client, grantee: &Client) -> Board {
    let b = Board { dashboard: new_id(), widget: new_id(), report: new_id() };
    let changes = vec![
        ada.user_row(),
        ada.change("dashboards", &b.dashboard, "insert", 1,
            json!({"id": b.dashboard, "user_id": ada.account, "name": "Exams", "layout": "{}", "is_public": 0, "created_at": NOW, "updated_at": NOW}), 1),
        ada.change("widgets", &b.widget, "insert", 1,
            json!({"id": b.widget, "dashboard_id": b.dashboard, "type": "chart", "config": "{}", "position": "{}", "created_at": NOW, "updated_at": NOW}), 2),
        ada.change("reports", &b.report, "insert", 1,
            json!({"id": b.report, "dashboard_id": b.dashboard, "created_by": ada.account, "name": "Weekly", "schedule": "{}",
                   "recipients": format!("[\"{RECIPIENT}\"]"), "format": "pdf", "is_active": 1, "created_at": NOW, "updated_at": NOW}), 3),
        share_change(ada, &b.dashboard, &grantee.account, "view", "insert", 4),
    ];
    no_rejections(&ada.push(&new_id(), changes).json().unwrap());
    b
}

fn set_public(ada: &Client, dashboard: &str, public: bool, offset: i64) {
    let change = ada.change("dashboards", dashboard, "update", 1, json!({"is_public": i64::from(public)}), offset);
    no_rejections(&ada.push(&new_id(), vec![change]).json().unwrap());
}

/// Pages from `cursor` until `has_more` is false: (the changes, the streams revoked on the
/// way, the last cursor, every page's text).
fn pull_from(c: &Client, mut cursor: Option<String>) -> (Vec<Value>, Vec<String>, Option<String>, String) {
    let (mut changes, mut revoked, mut text) = (vec![], vec![], String::new());
    loop {
        let page = c.pull(cursor.as_deref());
        text.push_str(&page.to_string());
        changes.extend(page["changes"].as_array().cloned().unwrap_or_default());
        revoked.extend(page["revoked_streams"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string));
        cursor = page["next_cursor"].as_str().map(str::to_string);
        if page["has_more"] != true {
            return (changes, revoked, cursor, text);
        }
    }
}

fn tables_of(changes: &[Value], stream: &str) -> Vec<String> {
    let mut tables: Vec<String> =
        changes.iter().filter(|c| c["stream"] == stream).filter_map(|c| c["table"].as_str()).map(str::to_string).collect();
    tables.sort();
    tables.dedup();
    tables
}

#[test]
fn a_public_dashboard_is_read_by_every_account_without_its_shares_and_reports_and_written_by_none() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let bob = signup(&server, "bob@example.org");
    let dan = signup(&server, "dan@example.org");
    for c in [&bob, &dan] {
        no_rejections(&c.push(&new_id(), vec![c.user_row()]).json().unwrap());
    }
    let b = board(&ada, &bob);
    let stream = format!("d:{}", b.dashboard);

    let (before, _, dan_cursor, _) = pull_from(&dan, None);
    assert!(tables_of(&before, &stream).is_empty(), "not public yet: a stranger reads nothing of it");

    set_public(&ada, &b.dashboard, true, 10);
    let (after, revoked, dan_cursor, text) = pull_from(&dan, dan_cursor);
    assert!(revoked.is_empty());
    assert_eq!(tables_of(&after, &stream), ["dashboards", "widgets"], "public: the dashboard and its widgets, from the start");
    assert!(!text.contains(RECIPIENT), "a public reader never gets the reports' recipients");
    assert!(!text.contains(&bob.account), "nor who else it is shared with");
    let made_public = after.iter().filter(|c| c["row_id"] == b.dashboard.as_str()).last().unwrap();
    assert_eq!(made_public["columns"]["is_public"], 1);

    // Read only: the server refuses every write of a public reader.
    let planted = new_id();
    for change in [
        dan.change("widgets", &b.widget, "update", 1, json!({"config": "{\"by\":\"dan\"}"}), 20),
        dan.change("dashboards", &b.dashboard, "update", 1, json!({"name": "Mine now"}), 21),
        dan.change("widgets", &planted, "insert", 1, json!({"id": planted, "dashboard_id": b.dashboard, "type": "chart", "config": "{}", "position": "{}", "created_at": NOW, "updated_at": NOW}), 22),
        dan.change("widgets", &b.widget, "delete", 2, Value::Null, 23),
        share_change(&dan, &b.dashboard, &dan.account, "edit", "insert", 24),
    ] {
        let reply: Value = dan.push(&new_id(), vec![change]).json().unwrap();
        assert_eq!(reply["rejected"][0]["code"], "forbidden", "{reply}");
    }
    assert_eq!(server.count(&format!("SELECT count(*) FROM rows WHERE row_id = '{}' AND columns->>'config' = '{{}}'", b.widget)), 1);
    // A refusal's `current` shows a public reader the dashboard's rows as a pull would, and
    // nothing of its reports.
    let refused = dan.push(&new_id(), vec![dan.change("reports", &b.report, "update", 1, json!({"name": "mine"}), 25)]).text();
    assert!(refused.contains("forbidden") && !refused.contains(RECIPIENT), "{refused}");
    let widget_refused = dan.push(&new_id(), vec![dan.change("widgets", &b.widget, "update", 1, json!({"type": "table"}), 26)]).text();
    assert!(widget_refused.contains("\"current\":{"), "{widget_refused}");

    // The grantee reads everything of the stream, reports and shares included.
    let (bobs, _, _, _) = pull_from(&bob, None);
    assert_eq!(tables_of(&bobs, &stream), ["dashboard_shares", "dashboards", "reports", "widgets"]);

    // Dan is given a share: his cursor read the stream without shares and reports, so the
    // next page says it was revoked, and the stream comes again from its start, whole.
    no_rejections(&ada.push(&new_id(), vec![share_change(&ada, &b.dashboard, &dan.account, "view", "insert", 30)]).json().unwrap());
    let first = dan.pull(dan_cursor.as_deref());
    assert_eq!(first["revoked_streams"], json!([stream]), "{first}");
    assert!(first["changes"].as_array().unwrap().iter().all(|c| c["stream"] != stream.as_str()), "the stream waits for the next page");
    assert_eq!(first["has_more"], true);
    let (again, revoked, dan_cursor, text) = pull_from(&dan, first["next_cursor"].as_str().map(str::to_string));
    assert!(revoked.is_empty());
    assert_eq!(tables_of(&again, &stream), ["dashboard_shares", "dashboards", "reports", "widgets"]);
    assert_eq!(again.iter().filter(|c| c["stream"] == stream.as_str()).map(|c| &c["seq"]).next(), Some(&json!(1)), "from its start");
    assert!(text.contains(RECIPIENT));

    // The share ends, the dashboard stays public: read again, without shares and reports.
    no_rejections(&ada.push(&new_id(), vec![share_change(&ada, &b.dashboard, &dan.account, "view", "delete", 40)]).json().unwrap());
    let (back, revoked, dan_cursor, text) = pull_from(&dan, dan_cursor);
    assert_eq!(revoked, [stream.clone()]);
    assert_eq!(tables_of(&back, &stream), ["dashboards", "widgets"]);
    assert!(!text.contains(RECIPIENT));

    // No longer public: revoked for dan; bob, a grantee, keeps it.
    set_public(&ada, &b.dashboard, false, 50);
    let (_, revoked, _, _) = pull_from(&dan, dan_cursor);
    assert_eq!(revoked, [stream.clone()]);
    assert!(pull_from(&bob, None).0.iter().any(|c| c["row_id"] == b.widget.as_str()));
    // An edit grantee may not make it public either (only the owner decides).
    let reply: Value = bob.push(&new_id(), vec![bob.change("dashboards", &b.dashboard, "update", 1, json!({"is_public": 1}), 60)]).json().unwrap();
    assert_eq!(reply["rejected"][0]["code"], "forbidden");
}

#[test]
fn a_dashboard_cannot_be_shared_with_its_owner_nor_with_an_unknown_account() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let bob = signup(&server, "bob@example.org");
    no_rejections(&bob.push(&new_id(), vec![bob.user_row()]).json().unwrap());
    let b = board(&ada, &bob);

    let reply: Value = ada.push(&new_id(), vec![share_change(&ada, &b.dashboard, &ada.account, "edit", "insert", 10)]).json().unwrap();
    assert_eq!(reply["rejected"][0]["code"], "invalid_value", "{reply}");
    assert!(reply["rejected"][0]["message"].as_str().unwrap().contains("cannot be shared with its owner"), "{reply}");
    // Nor by turning an existing share into one.
    let bobs = natural_id("dashboard_shares", &[&b.dashboard, &bob.account]);
    let moved = ada.change("dashboard_shares", &bobs, "update", 1, json!({"user_id": ada.account}), 11);
    let reply: Value = ada.push(&new_id(), vec![moved]).json().unwrap();
    assert_ne!(reply["rejected"].as_array().unwrap().len(), 0, "{reply}");

    let nobody = uuid::Uuid::now_v7().to_string();
    let reply: Value = ada.push(&new_id(), vec![share_change(&ada, &b.dashboard, &nobody, "view", "insert", 12)]).json().unwrap();
    assert_eq!(reply["rejected"][0]["code"], "fk_missing", "{reply}");
    assert_eq!(server.count("SELECT count(*) FROM rows WHERE table_name = 'dashboard_shares'"), 1, "only bob's share is stored");
    assert_eq!(server.count(&format!("SELECT count(*) FROM rows WHERE row_id = '{bobs}' AND columns->>'user_id' = '{}'", bob.account)), 1);
}

fn lookup(c: &Client, body: Value) -> support::Reply {
    support::send(c.http.post(format!("{}/v1/accounts/lookup", c.base)).bearer_auth(&c.key).json(&body))
}

#[test]
fn an_email_is_looked_up_to_its_account_and_public_profile_only() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let bob = signup(&server, "bob@example.org");
    let quiet = signup(&server, "quiet@example.org");
    no_rejections(&bob.push(&new_id(), vec![bob.user_row()]).json().unwrap());

    let found = lookup(&ada, json!({"email": "  Bob@Example.org "}));
    assert_eq!(found.status(), 200, "{}", found.text());
    let body: Value = found.json().unwrap();
    assert_eq!(body["account_id"], bob.account.as_str());
    assert_eq!(body["display_name"], "Ada", "the public profile (support's user_row names everyone Ada)");
    assert!(!found.text().contains("private-"), "nothing private: {}", found.text());

    let unknown = lookup(&ada, json!({"email": "nobody@example.org"}));
    assert_eq!((unknown.status().as_u16(), unknown.kind()), (404, "not_found".to_string()));
    assert!(unknown.text().contains("no account on this sync server"), "{}", unknown.text());
    // An account that never synced its profile could not be shared with yet: not found either.
    assert_eq!(lookup(&ada, json!({"email": "quiet@example.org"})).status(), 404);
    let own = lookup(&bob, json!({"email": "bob@example.org"}));
    assert_eq!((own.status().as_u16(), own.kind()), (422, "own_account".to_string()));
    assert!(own.text().contains("your own account"));
    assert_eq!(lookup(&ada, json!({"email": "not an address"})).kind(), "invalid_email");
    assert_eq!(lookup(&ada, json!({"mail": "bob@example.org"})).status(), 400);
    let anonymous = support::send(support::http().post(server.url("/v1/accounts/lookup")).json(&json!({"email": "bob@example.org"})));
    assert_eq!(anonymous.status(), 401);
    drop(quiet);
}

/// A `workflows` row: bob's request to `approver` for edit rights on `dashboard`.
/// An ordinary account cannot test an address list: every lookup counts (found or not),
/// past the limit the server answers 429 with Retry-After and its words, and the limit is
/// the caller's own (another account still looks up).
#[test]
fn email_lookups_are_limited_per_account() {
    let server = TestServer::start_with(|c| c.lookups_per_account = 3);
    let ada = signup(&server, "ada@example.org");
    let bob = signup(&server, "bob@example.org");
    no_rejections(&bob.push(&new_id(), vec![bob.user_row()]).json().unwrap());
    no_rejections(&ada.push(&new_id(), vec![ada.user_row()]).json().unwrap());

    assert_eq!(lookup(&ada, json!({"email": "bob@example.org"})).status(), 200);
    assert_eq!(lookup(&ada, json!({"email": "list-1@example.org"})).status(), 404);
    assert_eq!(lookup(&ada, json!({"email": "list-2@example.org"})).status(), 404);
    let refused = lookup(&ada, json!({"email": "bob@example.org"}));
    assert_eq!(refused.status(), 429, "{}", refused.text());
    let body: Value = refused.json().unwrap();
    assert_eq!(body["kind"], "rate_limited");
    assert!(body["message"].as_str().unwrap().contains("wait a few minutes"), "{body}");
    let retry: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert_eq!(retry, 15 * 60);
    assert_eq!(server.count(&format!("SELECT count(*) FROM lookup_attempts WHERE account = '{}'", ada.account)), 3, "a refused lookup is not counted");

    let other = lookup(&bob, json!({"email": "ada@example.org"}));
    assert_eq!(other.status(), 200, "bob's limit is his own: {}", other.text());
}

fn request_row(c: &Client, id: &str, approver: &str, dashboard: &str, status: &str, offset: i64) -> Value {
    let details = json!({"dashboard_id": dashboard, "dashboard_name": "Exams", "permission": "edit", "message": "request-marker: may I edit?"});
    c.change("workflows", id, "insert", 1,
        json!({"id": id, "requester_id": c.account, "approver_id": approver, "type": "dashboard_access", "status": status,
               "priority": "high", "details": details.to_string(), "created_at": NOW, "updated_at": NOW}), offset)
}

#[test]
fn an_access_request_reaches_its_approver_only_and_each_side_changes_only_its_part() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let bob = signup(&server, "bob@example.org");
    let dan = signup(&server, "dan@example.org");
    for c in [&bob, &dan] {
        no_rejections(&c.push(&new_id(), vec![c.user_row()]).json().unwrap());
    }
    let b = board(&ada, &bob);
    let first = |reply: Value| reply["rejected"][0]["code"].as_str().unwrap_or("accepted").to_string();

    // Sent pending, by a reader of the dashboard, to its owner only.
    assert_eq!(first(bob.push(&new_id(), vec![request_row(&bob, &new_id(), &ada.account, &b.dashboard, "approved", 1)]).json().unwrap()), "invalid_value");
    assert_eq!(first(bob.push(&new_id(), vec![request_row(&bob, &new_id(), &dan.account, &b.dashboard, "pending", 2)]).json().unwrap()), "fk_missing");
    assert_eq!(first(dan.push(&new_id(), vec![request_row(&dan, &new_id(), &ada.account, &b.dashboard, "pending", 3)]).json().unwrap()), "fk_missing",
        "dan reads nothing of the dashboard");
    let id = new_id();
    no_rejections(&bob.push(&new_id(), vec![request_row(&bob, &id, &ada.account, &b.dashboard, "pending", 4)]).json().unwrap());

    let stream = format!("r:{}:{}", ada.account, bob.account);
    let (adas, _, _, _) = pull_from(&ada, None);
    assert!(adas.iter().any(|c| c["row_id"] == id.as_str() && c["stream"] == stream.as_str()), "the approver reads it");
    let (_, _, _, dans) = pull_from(&dan, None);
    assert!(!dans.contains("request-marker"), "nobody else does");

    // Each side changes only its part.
    let update = |c: &Client, columns: Value, offset: i64| first(c.push(&new_id(), vec![c.change("workflows", &id, "update", 1, columns, offset)]).json().unwrap());
    assert_eq!(update(&bob, json!({"status": "approved", "resolved_at": NOW}), 10), "forbidden", "a requester does not decide");
    assert_eq!(update(&bob, json!({"approver_id": dan.account}), 11), "invalid_value", "nor send it elsewhere");
    assert_eq!(update(&dan, json!({"status": "rejected"}), 12), "forbidden");
    assert_eq!(update(&ada, json!({"priority": "low"}), 13), "forbidden", "the approver only decides");
    assert_eq!(update(&bob, json!({"priority": "critical", "updated_at": NOW}), 14), "accepted");
    let approve = ada.change("workflows", &id, "update", 1, json!({"status": "approved", "resolved_at": NOW, "updated_at": NOW}), 15);
    no_rejections(&ada.push(&new_id(), vec![approve, share_change(&ada, &b.dashboard, &bob.account, "edit", "update", 16)]).json().unwrap());
    assert_eq!(update(&ada, json!({"status": "pending"}), 17), "forbidden", "decided once");
    assert_eq!(update(&bob, json!({"priority": "low"}), 18), "forbidden", "no longer pending");
    let (bobs, _, _, _) = pull_from(&bob, None);
    let last = bobs.iter().filter(|c| c["row_id"] == id.as_str()).last().unwrap();
    assert_eq!(last["columns"]["status"], "approved");
    assert_eq!(update(&bob, json!({"status": "completed", "updated_at": NOW}), 19), "accepted", "the requester closes it");
    assert_eq!(server.count(&format!("SELECT count(*) FROM rows WHERE row_id = '{id}' AND columns->>'status' = 'completed' AND stream = '{stream}'")), 1);
    // Withdrawn: only by its requester.
    assert_eq!(first(ada.push(&new_id(), vec![ada.change("workflows", &id, "delete", 2, Value::Null, 20)]).json().unwrap()), "forbidden");
    assert_eq!(first(bob.push(&new_id(), vec![bob.change("workflows", &id, "delete", 2, Value::Null, 21)]).json().unwrap()), "accepted");
}

/// Ada's cached result of `widget` (a `widget_results` row; `marker` in its data).
fn result_change(c: &Client, widget: &str, dashboard: &str, marker: &str, op: &str, offset: i64) -> Value {
    let id = natural_id("widget_results", &[widget]);
    c.change("widget_results", &id, op, 1,
        json!({"id": id, "widget_id": widget, "dashboard_id": dashboard, "range_from": "2026-10-24", "range_to": "2026-11-22",
               "computed_at": NOW, "data": format!("{{\"marker\":\"{marker}\"}}"), "row_count": 1, "error": null}), offset)
}

#[test]
fn a_widgets_cached_result_follows_its_dashboards_share_and_only_the_owner_writes_it() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let bob = signup(&server, "bob@example.org");
    let cleo = signup(&server, "cleo@example.org");
    let dan = signup(&server, "dan@example.org");
    for c in [&bob, &cleo, &dan] {
        no_rejections(&c.push(&new_id(), vec![c.user_row()]).json().unwrap());
    }
    let b = board(&ada, &bob);
    let stream = format!("d:{}", b.dashboard);
    no_rejections(&ada.push(&new_id(), vec![share_change(&ada, &b.dashboard, &cleo.account, "edit", "insert", 5)]).json().unwrap());
    no_rejections(&ada.push(&new_id(), vec![result_change(&ada, &b.widget, &b.dashboard, "owner-result-marker", "insert", 6)]).json().unwrap());

    // The grantees pull it with the dashboard; a stranger reads nothing of it.
    let (bobs, _, bob_cursor, text) = pull_from(&bob, None);
    assert_eq!(tables_of(&bobs, &stream), ["dashboard_shares", "dashboards", "reports", "widget_results", "widgets"]);
    assert!(text.contains("owner-result-marker"));
    assert!(pull_from(&cleo, None).3.contains("owner-result-marker"));
    let (_, _, dan_cursor, text) = pull_from(&dan, None);
    assert!(!text.contains("owner-result-marker"), "not shared with dan");

    // Only the owner writes a result: the view and the edit grantee are refused, and a
    // stranger; nothing they sent is stored.
    for (c, op, offset) in [(&bob, "update", 10), (&cleo, "update", 11), (&cleo, "delete", 12), (&dan, "update", 13)] {
        let change = if op == "delete" {
            c.change("widget_results", &natural_id("widget_results", &[&b.widget]), "delete", 2, Value::Null, offset)
        } else {
            result_change(c, &b.widget, &b.dashboard, "grantee-result-marker", op, offset)
        };
        let reply: Value = c.push(&new_id(), vec![change]).json().unwrap();
        assert_eq!(reply["rejected"][0]["code"], "forbidden", "{reply}");
    }
    let planted = new_id();
    let widget = cleo.change("widgets", &planted, "insert", 1,
        json!({"id": planted, "dashboard_id": b.dashboard, "type": "table", "config": "{}", "position": "{}", "created_at": NOW, "updated_at": NOW}), 14);
    no_rejections(&cleo.push(&new_id(), vec![widget]).json().unwrap());
    let reply: Value = cleo.push(&new_id(), vec![result_change(&cleo, &planted, &b.dashboard, "grantee-result-marker", "insert", 15)]).json().unwrap();
    assert_eq!(reply["rejected"][0]["code"], "forbidden", "an edit grantee's own widget is computed by the owner: {reply}");
    assert_eq!(server.count("SELECT count(*) FROM rows WHERE columns::text LIKE '%grantee-result-marker%'"), 0);

    // Public: every account reads the results (not the shares and reports).
    set_public(&ada, &b.dashboard, true, 20);
    let (public, _, _, text) = pull_from(&dan, dan_cursor);
    assert_eq!(tables_of(&public, &stream), ["dashboards", "widget_results", "widgets"]);
    assert!(text.contains("owner-result-marker"));
    set_public(&ada, &b.dashboard, false, 21);

    // Revoked: bob's devices are told to drop the stream, results included.
    no_rejections(&ada.push(&new_id(), vec![share_change(&ada, &b.dashboard, &bob.account, "view", "delete", 30)]).json().unwrap());
    no_rejections(&ada.push(&new_id(), vec![result_change(&ada, &b.widget, &b.dashboard, "after-revoke-marker", "update", 31)]).json().unwrap());
    let (_, revoked, _, text) = pull_from(&bob, bob_cursor);
    assert_eq!(revoked, [stream.clone()]);
    assert!(!text.contains("after-revoke-marker"), "a revoked grantee gets no newer result");
    assert!(pull_from(&cleo, None).3.contains("after-revoke-marker"), "the other grantee does");
}
