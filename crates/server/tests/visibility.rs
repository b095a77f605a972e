//! What an attacker with an ordinary account can see and do, against a real server:
//! - every answer (pull pages, push results and their refusals' `current`, errors) passes
//!   the same column visibility, walked over every synced table as a stranger, an effective
//!   follower, a pending follow requester, a blocked account, a view grantee and an edit
//!   grantee, with the owner's posts for followers and for herself only among the rows;
//! - a row made by an `update` passes the rules an `insert` does (required columns, the
//!   natural id, the owner), so no account can squat another's future row or publish a
//!   row no device can store;
//! - a shared row cannot point at a row some of its readers cannot see;
//! - an oversized causal length or row is refused alone, not with its whole batch;
//! - a bounded random run of hostile batches from two accounts leaves every stored row
//!   valid and every answer clean.

mod support;

use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use studydesk_sync::catalog::{class_of, Catalog, Class};
use studydesk_sync::natural_id;
use support::rows::{every_table, markers_in, FixtureRow};
use support::{new_id, signup, Client, TestServer};

/// Columns of `users` only the account itself may read (docs/sync.md §2.3).
const USERS_PRIVATE: &[&str] =
    &["email", "legacy_id", "email_verified_at", "provider", "provider_id", "metadata", "department", "phone", "timezone", "last_login"];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Stranger,
    /// Follows the owner, who approves followers, and was accepted.
    Follower,
    /// Asked to follow the owner; not answered.
    PendingRequester,
    /// Followed the owner and was accepted, then blocked by her.
    Blocked,
    ViewGrantee,
    EditGrantee,
}

/// The marker tags of the owner's rows: the fixture (one row of every table, public posts),
/// her followers-only post with its media, tags, like and comment, the same for herself
/// only, and a public post with its rows made after she blocked the blocked account.
const OWNER: &str = "ada";
const FOLLOWERS: &str = "adaf";
const ONLY_ME: &str = "adam";
const AFTER_BLOCK: &str = "adab";

/// Whether `role` may read `table.column` of the owner's rows tagged `tag` (the rule the
/// product promises).
fn may_read(role: Role, tag: &str, table: &str, column: &str) -> bool {
    match tag {
        FOLLOWERS => return role == Role::Follower,
        ONLY_ME => return false,
        AFTER_BLOCK if role == Role::Blocked => return false,
        _ => {}
    }
    match class_of(table) {
        Class::Public => !(table == "users" && USERS_PRIVATE.contains(&column)),
        Class::Dashboard => matches!(role, Role::ViewGrantee | Role::EditGrantee) && !(table == "widgets" && column == "data_source_id"),
        Class::Private | Class::LocalOnly => false,
    }
}

/// The owner's post rows of one tag (a post, its media, tags, like and comment), the post
/// with this visibility.
fn post_rows(owner: &Client, tag: &str, visibility: &str) -> Vec<FixtureRow> {
    every_table(owner, tag)
        .into_iter()
        .filter(|r| r.table == "posts" || studydesk_sync::streams::is_post_child(&r.table))
        .map(|mut r| {
            if r.table == "posts" {
                r.columns.insert("visibility".into(), json!(visibility));
            }
            r
        })
        .collect()
}

fn push_rows(owner: &Client, rows: &[FixtureRow]) {
    no_rejections(&owner.push(&new_id(), rows.iter().map(|r| r.insert(owner, 0)).collect()).json().unwrap());
}

fn follow_of(reader: &Client, owner: &Client) -> Value {
    let id = natural_id("follows", &[&reader.account, &owner.account]);
    reader.change(
        "follows",
        &id,
        "insert",
        1,
        json!({"id": id, "follower_id": reader.account, "followee_id": owner.account, "created_at": "2026-11-22T01:00:00.000Z"}),
        1,
    )
}

fn accept(owner: &Client, reader: &Client) -> Value {
    let id = natural_id("follow_decisions", &[&owner.account, &reader.account]);
    owner.change(
        "follow_decisions",
        &id,
        "insert",
        1,
        json!({"id": id, "followee_id": owner.account, "follower_id": reader.account, "decision": "accepted", "decided_at": "2026-11-22T02:00:00.000Z"}),
        2,
    )
}

fn block(owner: &Client, reader: &Client) -> Value {
    let id = natural_id("user_blocks", &[&owner.account, &reader.account]);
    owner.change(
        "user_blocks",
        &id,
        "insert",
        1,
        json!({"id": id, "user_id": owner.account, "blocked_user_id": reader.account, "created_at": "2026-11-22T03:00:00.000Z"}),
        3,
    )
}

fn no_rejections(result: &Value) {
    assert_eq!(result["rejected"], json!([]), "{result:#}");
}

/// The owner's fixture pushed: a row of every synced table, checked accepted.
fn owner_with_every_table(server: &TestServer) -> (Client, Vec<FixtureRow>) {
    let ada = signup(server, "ada@example.org");
    let rows = every_table(&ada, "ada");
    let changes: Vec<Value> = rows.iter().map(|r| r.insert(&ada, 0)).collect();
    let result: Value = ada.push(&new_id(), changes).json().unwrap();
    no_rejections(&result);
    (ada, rows)
}

fn share(owner: &Client, dashboard: &str, grantee: &Client, permission: &str) -> Value {
    let id = natural_id("dashboard_shares", &[dashboard, &grantee.account]);
    owner.change(
        "dashboard_shares",
        &id,
        "insert",
        1,
        json!({"id": id, "dashboard_id": dashboard, "user_id": grantee.account, "permission": permission, "shared_at": "2026-11-22T01:00:00.000Z"}),
        5,
    )
}

/// Every answer `reader` gets while trying everything on the owner's rows: a full pull,
/// then an update, an insert over and a delete of each row, and a malformed push.
fn answers_to(reader: &Client, rows: &[FixtureRow]) -> Vec<String> {
    let mut answers = vec![serde_json::to_string(&reader.pull_all()).unwrap()];
    for (i, row) in rows.iter().enumerate() {
        let column = row.text_column().unwrap_or("updated_at");
        let update = reader.change(&row.table, &row.id, "update", 1, json!({column: format!("by reader {i}")}), 10);
        let insert = row.insert(reader, 11);
        let delete = reader.change(&row.table, &row.id, "delete", 2, Value::Null, 12);
        for change in [update, insert, delete] {
            answers.push(reader.push(&new_id(), vec![change]).text());
        }
    }
    answers.push(reader.push_raw("{\"batch_id\": 1}").text());
    answers
}

/// Every column value the answers carry that `role` may not read, as `tag|table.column`.
fn leaks(role: Role, answers: &[String], data_source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for text in answers {
        for (tag, table, column) in markers_in(text) {
            if [OWNER, FOLLOWERS, ONLY_ME, AFTER_BLOCK].contains(&tag.as_str()) && !may_read(role, &tag, &table, &column) {
                out.insert(format!("{tag}|{table}.{column}"));
            }
        }
        if let Ok(value) = serde_json::from_str::<Value>(text) {
            if carries_reference(&value, data_source) {
                out.insert("widgets.data_source_id".into());
            }
        }
    }
    out
}

/// Whether a `data_source_id` anywhere in the answer names `data_source`.
fn carries_reference(value: &Value, data_source: &str) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(k, v)| (k == "data_source_id" && v == data_source) || carries_reference(v, data_source)),
        Value::Array(items) => items.iter().any(|v| carries_reference(v, data_source)),
        _ => false,
    }
}

#[test]
fn no_answer_carries_a_column_its_reader_may_not_read() {
    let server = TestServer::start();
    let (ada, rows) = owner_with_every_table(&server);
    let dashboard = rows.iter().find(|r| r.table == "dashboards").unwrap().id.clone();
    let data_source = rows.iter().find(|r| r.table == "data_sources").unwrap().id.clone();
    let widget = rows.iter().find(|r| r.table == "widgets").unwrap();
    assert_eq!(widget.columns["data_source_id"], json!(data_source), "the owner's widget reads her data source");
    let tables = rows.iter().map(|r| r.table.as_str()).collect::<BTreeSet<_>>();
    assert_eq!(tables.len() + 1, Catalog::current().tables.len(), "every synced table but dashboard_shares has a row");
    // Her posts for followers and for herself, each with its media, tags, like and comment;
    // and her profile asks for approval of followers.
    let followers = post_rows(&ada, FOLLOWERS, "followers");
    let only_me = post_rows(&ada, ONLY_ME, "only_me");
    push_rows(&ada, &followers);
    push_rows(&ada, &only_me);
    let policy = ada.change("users", &ada.account.clone(), "update", 1, json!({"follow_policy": "approve"}), 3);
    no_rejections(&ada.push(&new_id(), vec![policy]).json().unwrap());
    let mut rows: Vec<FixtureRow> = rows.into_iter().chain(followers).chain(only_me).collect();

    let roles = [Role::Stranger, Role::Follower, Role::PendingRequester, Role::Blocked, Role::ViewGrantee, Role::EditGrantee];
    for (n, role) in roles.into_iter().enumerate() {
        let reader = signup(&server, &format!("reader{n}@example.org"));
        no_rejections(&reader.push(&new_id(), vec![reader.user_row()]).json().unwrap());
        match role {
            Role::Stranger => {}
            Role::Follower => {
                no_rejections(&reader.push(&new_id(), vec![follow_of(&reader, &ada)]).json().unwrap());
                no_rejections(&ada.push(&new_id(), vec![accept(&ada, &reader)]).json().unwrap());
            }
            Role::PendingRequester => no_rejections(&reader.push(&new_id(), vec![follow_of(&reader, &ada)]).json().unwrap()),
            Role::Blocked => {
                no_rejections(&reader.push(&new_id(), vec![follow_of(&reader, &ada)]).json().unwrap());
                no_rejections(&ada.push(&new_id(), vec![accept(&ada, &reader)]).json().unwrap());
                no_rejections(&ada.push(&new_id(), vec![block(&ada, &reader)]).json().unwrap());
                // What she posts from now on is public, and not for him.
                let after = post_rows(&ada, AFTER_BLOCK, "public");
                push_rows(&ada, &after);
                rows.extend(after);
            }
            Role::ViewGrantee => no_rejections(&ada.push(&new_id(), vec![share(&ada, &dashboard, &reader, "view")]).json().unwrap()),
            Role::EditGrantee => no_rejections(&ada.push(&new_id(), vec![share(&ada, &dashboard, &reader, "edit")]).json().unwrap()),
        }
        let answers = answers_to(&reader, &rows);
        let seen: BTreeSet<(String, String, String)> = answers.iter().flat_map(|a| markers_in(a)).collect();
        let seen_of = |tag: &str, table: &str| seen.iter().any(|(g, t, _)| g == tag && t == table);
        assert!(seen.contains(&(OWNER.into(), "users".into(), "display_name".into())), "{role:?} reads the owner's public profile");
        if matches!(role, Role::ViewGrantee | Role::EditGrantee) {
            assert!(seen_of(OWNER, "widgets"), "{role:?} reads the shared dashboard's widgets");
        }
        if role == Role::Follower {
            for table in ["posts", "post_media", "post_tags", "post_comments"] {
                assert!(seen_of(FOLLOWERS, table), "the follower reads the followers-only {table}");
            }
        }
        if matches!(role, Role::ViewGrantee | Role::EditGrantee) {
            assert!(seen_of(AFTER_BLOCK, "posts"), "{role:?} reads what the owner posted after blocking someone else");
        }
        let leaked = leaks(role, &answers, &data_source);
        assert!(leaked.is_empty(), "{role:?} was shown columns it may not read: {leaked:?}");
    }
    // The owner still reads her whole rows, private columns and private references too.
    let own = serde_json::to_string(&ada.pull_all()).unwrap();
    assert!(own.contains(&support::rows::marker("ada", "users", "email")) && own.contains(&data_source));
    assert!(own.contains(&support::rows::marker(ONLY_ME, "posts", "content")), "and her posts for herself");
}

#[test]
fn a_refusal_carries_the_row_as_a_pull_would_show_it() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    no_rejections(&ada.push(&new_id(), vec![ada.user_row()]).json().unwrap());
    let bob = signup(&server, "bob@example.org");
    let poke = bob.change("users", &ada.account, "update", 1, json!({"display_name": "Bob was here"}), 5);
    let result: Value = bob.push(&new_id(), vec![poke]).json().unwrap();
    assert_eq!(result["rejected"][0]["code"], "forbidden");
    let current = &result["rejected"][0]["current"]["columns"];
    assert_eq!(current["display_name"], "Ada", "the refusal shows the public profile, to discard against");
    for column in USERS_PRIVATE {
        assert!(current.get(*column).is_none(), "users.{column} is private to its owner: {current}");
    }
}

#[test]
fn an_update_cannot_take_another_accounts_future_natural_id() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let mallory = signup(&server, "mallory@example.org");
    no_rejections(&ada.push(&new_id(), vec![ada.user_row()]).json().unwrap());
    no_rejections(&mallory.push(&new_id(), vec![mallory.user_row()]).json().unwrap());
    let settings_id = natural_id("user_settings", &[&ada.account]);
    // A whole settings row under Ada's id, as herself and in Ada's name: both refused, and
    // nothing is stored under that id.
    let whole = every_table(&mallory, "m").into_iter().find(|r| r.table == "user_settings").unwrap();
    for (owner, code) in [(&mallory.account, "bad_natural_id"), (&ada.account, "forbidden")] {
        let mut columns = whole.columns.clone();
        columns.insert("id".into(), json!(settings_id));
        columns.insert("user_id".into(), json!(owner));
        let squat = mallory.change("user_settings", &settings_id, "update", 1, Value::Object(columns), 1);
        let result: Value = mallory.push(&new_id(), vec![squat]).json().unwrap();
        assert_eq!(result["rejected"][0]["code"], code, "{result}");
    }
    assert_eq!(server.count(&format!("SELECT count(*) FROM rows WHERE row_id = '{settings_id}'")), 0);
    // So Ada's own insert of her settings is taken.
    let rows = every_table(&ada, "ada");
    let settings = rows.iter().find(|r| r.table == "user_settings").unwrap();
    assert_eq!(settings.id, settings_id);
    no_rejections(&ada.push(&new_id(), vec![settings.insert(&ada, 2)]).json().unwrap());
}

#[test]
fn an_update_cannot_publish_a_row_missing_required_columns() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let mallory = signup(&server, "mallory@example.org");
    no_rejections(&mallory.push(&new_id(), vec![mallory.user_row()]).json().unwrap());
    let post = new_id();
    let bare = mallory.change("posts", &post, "update", 1, json!({"user_id": mallory.account}), 1);
    let result: Value = mallory.push(&new_id(), vec![bare]).json().unwrap();
    assert_eq!(result["rejected"][0]["code"], "invalid_value", "{result}");
    assert!(result["rejected"][0]["message"].as_str().unwrap().contains("is required"));
    assert!(!serde_json::to_string(&ada.pull_all()).unwrap().contains(&post), "no device is sent a row it cannot store");
    // Nor can an update clear a required column of a row that is whole.
    let rows = every_table(&mallory, "m");
    let parents: Vec<Value> = rows.iter().filter(|r| r.table == "posts").map(|r| r.insert(&mallory, 2)).collect();
    no_rejections(&mallory.push(&new_id(), parents).json().unwrap());
    let whole = rows.iter().find(|r| r.table == "posts").unwrap();
    let excluded = studydesk_sync::catalog::excluded_columns("posts");
    let required = Catalog::current()
        .table("posts")
        .unwrap()
        .columns
        .iter()
        .find(|c| c.not_null && !["id", "user_id"].contains(&c.name.as_str()) && !excluded.contains(&c.name.as_str()))
        .unwrap();
    let cleared = mallory.change("posts", &whole.id, "update", 1, json!({required.name.clone(): null}), 3);
    let result: Value = mallory.push(&new_id(), vec![cleared]).json().unwrap();
    assert_eq!(result["rejected"][0]["code"], "invalid_value", "{result}");
}

#[test]
fn a_grantee_cannot_point_a_shared_widget_at_a_row_the_owner_cannot_see() {
    let server = TestServer::start();
    let (ada, rows) = owner_with_every_table(&server);
    let dashboard = rows.iter().find(|r| r.table == "dashboards").unwrap().id.clone();
    let widget = rows.iter().find(|r| r.table == "widgets").unwrap().id.clone();
    let bob = signup(&server, "bob@example.org");
    let bobs = every_table(&bob, "bob");
    let his: Vec<Value> = bobs.iter().filter(|r| ["users", "data_sources"].contains(&r.table.as_str())).map(|r| r.insert(&bob, 0)).collect();
    no_rejections(&bob.push(&new_id(), his).json().unwrap());
    no_rejections(&ada.push(&new_id(), vec![share(&ada, &dashboard, &bob, "edit")]).json().unwrap());
    let his_source = bobs.iter().find(|r| r.table == "data_sources").unwrap().id.clone();
    let repoint = bob.change("widgets", &widget, "update", 1, json!({"data_source_id": his_source}), 20);
    let result: Value = bob.push(&new_id(), vec![repoint]).json().unwrap();
    assert_eq!(result["rejected"][0]["code"], "fk_not_visible", "{result}");
    // The edit grantee may still edit what he sees.
    let retitle = bob.change("widgets", &widget, "update", 1, json!({"config": "{\"by\":\"bob\"}"}), 21);
    no_rejections(&bob.push(&new_id(), vec![retitle]).json().unwrap());
    assert!(!serde_json::to_string(&ada.pull_all()).unwrap().contains(&his_source));
}

#[test]
fn an_oversized_causal_length_or_row_is_refused_alone() {
    let server = TestServer::start();
    let ada = signup(&server, "ada@example.org");
    let list = new_id();
    let mut huge_cl = ada.task_row(&new_id(), &list, "x");
    huge_cl["op"] = json!("update");
    huge_cl["cl"] = json!(1_i64 << 40);
    // One text column within the 1 MiB a value may hold, and a row over 1 MiB with it.
    let big = "b".repeat(studydesk_sync::MAX_ROW_BYTES - 16);
    let huge_row = ada.task_row(&new_id(), &list, &big);
    let fine = ada.task_row(&new_id(), &list, "fine");
    let result: Value = ada.push(&new_id(), vec![ada.user_row(), ada.list_row(&list), huge_cl, huge_row, fine]).json().unwrap();
    let codes: Vec<(u64, &str)> =
        result["rejected"].as_array().unwrap().iter().map(|r| (r["index"].as_u64().unwrap(), r["code"].as_str().unwrap())).collect();
    assert_eq!(codes, vec![(2, "invalid_value"), (3, "invalid_value")], "{result}");
    assert_eq!(result["accepted"].as_array().unwrap().len(), 3);
}

/// xorshift64: a reproducible stream of choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// A hostile change from `attacker` aimed at the victim's rows, ids and natural ids.
fn hostile(rng: &mut Rng, attacker: &Client, victim: &Client, victims: &[FixtureRow], own: &[FixtureRow]) -> Value {
    let target = rng.pick(victims);
    let mine = rng.pick(own);
    let mut columns = Map::new();
    for _ in 0..(rng.next() % 3) {
        let (name, value) = *rng.pick(&mine.columns.iter().collect::<Vec<_>>());
        let value = match rng.next() % 5 {
            0 => Value::Null,
            1 => json!(victim.account),
            2 => json!(target.id),
            _ => value.clone(),
        };
        columns.insert(name.clone(), value);
    }
    let (table, row_id) = match rng.next() % 4 {
        0 => (target.table.clone(), target.id.clone()),
        1 => (mine.table.clone(), target.id.clone()),
        2 => (target.table.clone(), new_id()),
        _ => (mine.table.clone(), mine.id.clone()),
    };
    let (op, cl) = *rng.pick(&[("update", 1), ("insert", 1), ("delete", 2), ("update", 3), ("insert", 3)]);
    let columns = if op == "delete" { Value::Null } else { Value::Object(columns) };
    attacker.change(&table, &row_id, op, cl, columns, (rng.next() % 1000) as i64)
}

/// Every live row the server keeps is one a device can store: required columns, natural id.
fn every_stored_row_is_whole(server: &TestServer) {
    for row in server.query("SELECT table_name, row_id, columns::text, owner::text FROM rows WHERE cl % 2 = 1") {
        let (table, id, columns) = (row[0].clone().unwrap(), row[1].clone().unwrap(), row[2].clone().unwrap());
        let columns: Map<String, Value> = serde_json::from_str(&columns).unwrap();
        let info = Catalog::current().table(&table).unwrap();
        if let studydesk_sync::catalog::Owner::Column(owner) = info.owner() {
            let named = if owner == "id" { Some(id.as_str()) } else { columns.get(owner).and_then(Value::as_str) };
            assert_eq!(named, row[3].as_deref(), "{table} {id} is stored under another owner than it names");
        }
        let excluded = studydesk_sync::catalog::excluded_columns(&table);
        for col in info.columns.iter().filter(|c| c.not_null && c.name != "id" && !excluded.contains(&c.name.as_str())) {
            assert!(columns.get(&col.name).is_some_and(|v| !v.is_null()), "{table} {id} lacks {}: {columns:?}", col.name);
        }
        if let Some(keys) = studydesk_sync::natural::key_columns(&table) {
            let values: Vec<String> = keys.iter().map(|k| columns.get(*k).and_then(Value::as_str).unwrap_or_default().to_string()).collect();
            assert_eq!(natural_id(&table, &values.iter().map(String::as_str).collect::<Vec<_>>()), id, "{table} {id}");
        }
    }
}

#[test]
fn random_hostile_batches_leave_every_row_whole_and_every_answer_clean() {
    let server = TestServer::start();
    let (ada, ada_rows) = owner_with_every_table(&server);
    let mallory = signup(&server, "mallory@example.org");
    let mallory_rows = every_table(&mallory, "mallory");
    // Mallory's rows all but the natural-key ones: she pushes those at random below.
    let hers: Vec<Value> = mallory_rows.iter().filter(|r| studydesk_sync::natural::key_columns(&r.table).is_none()).map(|r| r.insert(&mallory, 0)).collect();
    no_rejections(&mallory.push(&new_id(), hers).json().unwrap());
    let seed = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(7, |d| d.as_nanos() as u64)
    });
    println!("FUZZ_SEED={seed}");
    let mut rng = Rng(seed | 1);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut batches = 0;
    while std::time::Instant::now() < deadline && batches < 400 {
        let (attacker, victim, victims, own) =
            if rng.next().is_multiple_of(2) { (&mallory, &ada, &ada_rows, &mallory_rows) } else { (&ada, &mallory, &mallory_rows, &ada_rows) };
        let changes: Vec<Value> = (0..1 + rng.next() % 8).map(|_| hostile(&mut rng, attacker, victim, victims, own)).collect();
        let answer = attacker.push(&new_id(), changes).text();
        let mut answers = vec![answer];
        if batches % 20 == 0 {
            answers.push(serde_json::to_string(&attacker.pull_all()).unwrap());
        }
        let victim_tag = if std::ptr::eq(victim, &ada) { "ada" } else { "mallory" };
        for text in &answers {
            for (tag, table, column) in markers_in(text) {
                assert!(tag != victim_tag || may_read(Role::Stranger, &tag, &table, &column), "seed {seed}: {victim_tag}'s {table}.{column} reached the other account");
            }
        }
        batches += 1;
    }
    every_stored_row_is_whole(&server);
    // Neither account is blocked: each can still insert its own natural-key rows (those it
    // owns by a column: a row owned through a parent goes with the parent, which either
    // account may have deleted of its own).
    let owned_by_column = |r: &&FixtureRow| {
        studydesk_sync::natural::key_columns(&r.table).is_some()
            && matches!(studydesk_sync::catalog::owner_of(&r.table), studydesk_sync::catalog::Owner::Column(_))
    };
    for (owner, rows) in [(&ada, &ada_rows), (&mallory, &mallory_rows)] {
        let mine: Vec<Value> = rows.iter().filter(owned_by_column).map(|r| r.insert(owner, 900)).collect();
        let result: Value = owner.push(&new_id(), mine).json().unwrap();
        for rejected in result["rejected"].as_array().unwrap() {
            assert_ne!(rejected["code"], "forbidden", "seed {seed}: a natural-key row of its own was taken: {rejected}");
            assert_ne!(rejected["code"], "bad_natural_id", "seed {seed}: {rejected}");
        }
    }
    println!("{batches} hostile batches");
}

#[test]
fn a_deleted_parent_takes_its_children_on_the_server_by_their_references() {
    let server = TestServer::start();
    let (ada, rows) = owner_with_every_table(&server);
    let list = rows.iter().find(|r| r.table == "task_lists").unwrap().id.clone();
    let course = rows.iter().find(|r| r.table == "courses").unwrap().id.clone();
    let second_task = new_id();
    no_rejections(&ada.push(&new_id(), vec![ada.task_row(&second_task, &list, "second")]).json().unwrap());
    // Another account's task list with tasks: untouched by Ada's delete.
    let bob = signup(&server, "bob@example.org");
    let (bobs_list, bobs_task) = (new_id(), new_id());
    no_rejections(&bob.push(&new_id(), vec![bob.user_row(), bob.list_row(&bobs_list), bob.task_row(&bobs_task, &bobs_list, "his")]).json().unwrap());

    let deletes = vec![ada.change("task_lists", &list, "delete", 2, Value::Null, 50), ada.change("courses", &course, "delete", 2, Value::Null, 51)];
    no_rejections(&ada.push(&new_id(), deletes).json().unwrap());
    let alive = |table: &str, id: &str| server.count(&format!("SELECT count(*) FROM rows WHERE table_name = '{table}' AND row_id = '{id}' AND cl % 2 = 1")) == 1;
    let her_tasks = rows.iter().filter(|r| r.table == "tasks").map(|r| r.id.clone()).chain([second_task]);
    for task in her_tasks {
        assert!(!alive("tasks", &task), "a task of the deleted list is deleted with it (CASCADE)");
    }
    assert!(alive("tasks", &bobs_task), "another account's task is not");
    for child in rows.iter().filter(|r| r.columns.get("course_id") == Some(&json!(course))) {
        let nulled = server.count(&format!(
            "SELECT count(*) FROM rows WHERE table_name = '{}' AND row_id = '{}' AND columns->'course_id' = 'null'::jsonb",
            child.table, child.id
        ));
        assert_eq!(nulled, 1, "{}.course_id is cleared with its course (SET NULL)", child.table);
    }
}

#[test]
fn an_owner_cannot_hand_a_dashboard_to_another_account() {
    let server = TestServer::start();
    let (ada, rows) = owner_with_every_table(&server);
    let dashboard = rows.iter().find(|r| r.table == "dashboards").unwrap().id.clone();
    let bob = signup(&server, "bob@example.org");
    no_rejections(&bob.push(&new_id(), vec![bob.user_row()]).json().unwrap());
    let hand_over = ada.change("dashboards", &dashboard, "update", 1, json!({"user_id": bob.account}), 30);
    let result: Value = ada.push(&new_id(), vec![hand_over]).json().unwrap();
    assert_eq!(result["rejected"][0]["code"], "forbidden", "{result}");
    let seen = serde_json::to_string(&bob.pull_all()).unwrap();
    assert!(!seen.contains(&format!("d:{dashboard}")), "bob reads nothing of Ada's dashboard");
}
