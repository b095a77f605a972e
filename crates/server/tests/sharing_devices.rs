//! Sharing a dashboard between real app databases (the core, one device per account)
//! through a real server on PostgreSQL (issue 16 item 3): the owner shares by email with a
//! view grantee and an edit grantee; both devices receive the dashboard, its widgets and
//! the owner's cached widget results (a data source widget's rows, computed on the owner's
//! device) and never the owner's data source credentials (searched for in their SQLite files, in
//! the pull answers of their accounts and in the server's tables); the edit grantee's
//! change reaches the owner, the view grantee's is refused by the app and by the server;
//! revoking removes the dashboard from the grantee's device; sharing with an unknown
//! email, with oneself, or a dashboard that is not mine is refused and writes nothing.

mod support;

use serde_json::{json, Value};
use studydesk_core::insights::dashboards::DashboardEdit;
use studydesk_core::insights::ownership::DashboardAccess;
use studydesk_core::insights::rows::{DataSourceType, SharePermission, WidgetType};
use studydesk_core::insights::sources::database::{DatabaseRequest, DatabaseServer, TlsMode};
use studydesk_core::insights::widgets::{WidgetConfig, WidgetDraft, WidgetSource};
use studydesk_core::sync::SignInMode;
use support::devices::{sync, Device};
use support::{new_id, TestServer};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run the tests through scripts/test.sh (pg_virtualenv)"))
}

/// Runs SQL as the cluster's administrator, in `database` (on a thread of its own: the
/// test is synchronous).
fn admin(database: &str, sql: &str) {
    let url = format!("host={} port={} user={} password={} dbname={database}", env("PGHOST"), env("PGPORT"), env("PGUSER"),
        std::env::var("PGPASSWORD").unwrap_or_default());
    let sql = sql.to_string();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async move {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(conn);
            client.batch_execute(&sql).await.unwrap();
        })
    })
    .join()
    .unwrap();
}

/// The owner's PostgreSQL data source: a database and a login role whose name and
/// password are the credentials no other account may ever receive.
struct Credentials {
    database: String,
    role: String,
    password: String,
}

fn credentials() -> Credentials {
    let tag = uuid::Uuid::now_v7().simple().to_string()[20..].to_string();
    let c = Credentials { database: format!("shared_{tag}"), role: format!("owner_role_{tag}"), password: format!("owner-secret-{tag}") };
    let cluster = std::env::var("PGDATABASE").unwrap_or_else(|_| "postgres".into());
    admin(&cluster, &format!("CREATE DATABASE {}", c.database));
    admin(&cluster, &format!("CREATE ROLE {} LOGIN PASSWORD '{}'", c.role, c.password));
    admin(&c.database, &format!(
        "CREATE TABLE scores (student text, score int); INSERT INTO scores VALUES ('Ada', 92), ('Bob', 48);
         GRANT CONNECT ON DATABASE {db} TO {r}; GRANT USAGE ON SCHEMA public TO {r}; GRANT SELECT ON scores TO {r};",
        db = c.database, r = c.role));
    c
}

fn signed_up(server: &TestServer, name: &str) -> Device {
    support::devices::signed_in(server, name, SignInMode::Signup)
}

/// Every byte of the device's database on disk (the file and its write-ahead log).
fn database_bytes(d: &Device) -> Vec<u8> {
    let db = studydesk_core::paths::db_path(d.dir.path());
    let mut bytes = std::fs::read(&db).unwrap();
    bytes.extend(std::fs::read(db.with_extension("db-wal")).unwrap_or_default());
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn count(d: &Device, sql: &str) -> i64 {
    d.app.db().read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?)).unwrap()
}

/// Another device of `name`'s account, signed in through the API: its raw pull answers
/// and pushes, as any client could send them.
fn raw_login(server: &TestServer, name: &str) -> support::Client {
    let device = new_id();
    let reply = support::send(support::http().post(server.url("/v1/sessions")).json(
        &json!({"email": format!("{name}@example.org"), "password": "correct horse battery", "device": {"id": device, "name": "raw"}}),
    ));
    assert_eq!(reply.status(), 201, "{}", reply.text());
    let session: Value = reply.json().unwrap();
    support::Client {
        account: session["account_id"].as_str().unwrap().into(),
        device,
        key: session["api_key"].as_str().unwrap().into(),
        http: support::http(),
        base: server.base.clone(),
    }
}

/// Every pull answer of the account from the start, as text.
fn pulled_text(c: &support::Client) -> String {
    let (mut cursor, mut text) = (None::<String>, String::new());
    loop {
        let page = c.pull(cursor.as_deref());
        text.push_str(&page.to_string());
        cursor = page["next_cursor"].as_str().map(str::to_string);
        if page["has_more"] != true {
            return text;
        }
    }
}

fn refused<T: std::fmt::Debug>(r: studydesk_core::Result<T>) -> String {
    r.expect_err("refused").to_string()
}

#[test]
fn a_dashboard_shared_by_email_reaches_view_and_edit_grantees_without_the_owners_credentials() {
    let server = TestServer::start();
    let ada = signed_up(&server, "ada");
    let bob = signed_up(&server, "bob");
    let cleo = signed_up(&server, "cleo");
    sync(&[&ada, &bob, &cleo, &ada]);
    let creds = credentials();

    let request = DatabaseRequest {
        server: DatabaseServer {
            engine: DataSourceType::Postgresql,
            host: env("PGHOST"),
            database: creds.database.clone(),
            user: creds.role.clone(),
            tls: TlsMode::Prefer,
            query: "SELECT student, score FROM scores".into(),
        },
        port: Some(env("PGPORT").parse().unwrap()),
        password: Some(creds.password.clone()),
    };
    let source = ada.app.source_add_database("Scores", request).unwrap();
    let board = ada.app.dashboard_create(DashboardEdit { name: Some("Exams".into()), ..Default::default() }).unwrap();
    let draft = |title: &str| WidgetDraft {
        kind: WidgetType::Table,
        config: WidgetConfig { title: title.into(), source: WidgetSource::Source, ..Default::default() },
        query: None,
        data_source_id: Some(source.id.clone()),
        position: None,
    };
    let widget = ada.app.insights_widget_add(board.row.id.clone(), draft("Scores")).unwrap();
    let note = |markdown: &str| WidgetDraft {
        kind: WidgetType::Text,
        config: WidgetConfig { title: "Notes".into(), markdown: Some(markdown.into()), ..Default::default() },
        query: None,
        data_source_id: None,
        position: None,
    };
    let text = ada.app.insights_widget_add(board.row.id.clone(), note("from ada")).unwrap();

    // Bad input: each refused in words, nothing written.
    let id = || board.row.id.clone();
    assert!(refused(ada.app.share_add(id(), "ada@example.org", SharePermission::View)).contains("your own account"));
    assert!(refused(ada.app.share_add(id(), "nobody@example.org", SharePermission::View)).contains("no account on this sync server"));
    assert!(refused(ada.app.share_add(id(), "not an email", SharePermission::View)).contains("not an email address"));
    assert!(refused(bob.app.share_add(id(), "cleo@example.org", SharePermission::Edit)).contains("not found"), "not bob's dashboard");
    assert_eq!(count(&ada, "SELECT count(*) FROM dashboard_shares"), 0);

    let to_bob = ada.app.share_add(id(), "bob@example.org", SharePermission::View).unwrap();
    let to_cleo = ada.app.share_add(id(), " Cleo@Example.org", SharePermission::Edit).unwrap();
    assert_eq!((to_bob.user_id.as_str(), to_bob.permission), (bob.id.as_str(), SharePermission::View));
    assert_eq!(to_cleo.permission, SharePermission::Edit);
    let listed = ada.app.share_list().unwrap();
    assert_eq!(listed.by_me.len(), 2);
    assert!(listed.by_me.iter().all(|s| s.dashboard_name == "Exams"));
    sync(&[&ada, &bob, &cleo]);

    for (grantee, permission, access) in [(&bob, SharePermission::View, DashboardAccess::View), (&cleo, SharePermission::Edit, DashboardAccess::Edit)] {
        let list = grantee.app.share_list().unwrap();
        assert_eq!(list.with_me.len(), 1, "{list:?}");
        assert_eq!((list.with_me[0].dashboard_id.as_str(), list.with_me[0].permission), (board.row.id.as_str(), Some(permission)));
        assert_eq!(list.with_me[0].owner_id, ada.id);
        assert_eq!(count(grantee, &format!("SELECT count(*) FROM widgets WHERE id = '{}' AND data_source_id IS NULL", widget.row.id)), 1);
        let row = grantee.app.db().read(|c| Ok(studydesk_core::db::row::get::<studydesk_core::insights::rows::DashboardRow>(c, &board.row.id)?)).unwrap().unwrap();
        let got = grantee.app.db().read(|c| studydesk_core::insights::ownership::access(c, &grantee.id, &row)).unwrap();
        assert_eq!(got, Some(access));
    }

    // The owner's results travel with the share: none before the owner's device computed
    // them, then the owner's rows "as of" then, opened in the grid with my rights.
    let not_yet = bob.app.insights_widget_data(widget.row.id.clone(), None::<i64>).unwrap_err().to_string();
    assert!(not_yet.contains("not shared yet"), "{not_yet}");
    let computed = ada.app.insights_widget_data(widget.row.id.clone(), None::<i64>).unwrap();
    assert_eq!(computed.table.rows.len(), 2, "the owner reads its database");
    sync(&[&ada, &bob, &cleo]);
    for (grantee, access) in [(&bob, DashboardAccess::View), (&cleo, DashboardAccess::Edit)] {
        assert_eq!(grantee.app.dashboard_get(board.row.id.clone()).unwrap().access, access);
        let seen = grantee.app.insights_widget_data(widget.row.id.clone(), None::<i64>).unwrap();
        assert_eq!(seen.table, computed.table, "the owner's rows, computed on the owner's device");
        assert!(seen.as_of.is_some());
        let cached: String = grantee.app.db().read(|c| Ok(c.query_row("SELECT group_concat(coalesce(data, '') || coalesce(error, '')) FROM widget_results", [], |r| r.get(0))?)).unwrap();
        assert!(cached.contains("Ada") && cached.contains("92"), "{cached}");
        for secret in [&creds.password, &creds.role, &creds.database] {
            assert!(!cached.contains(secret.as_str()), "{secret} in a grantee's cached results");
        }
    }
    let pushed = bob.app.db().read(|c| studydesk_core::insights::results::cached(c, &bob.id, &widget.row.id)).unwrap();
    assert!(studydesk_core::insights::results::remember(bob.app.db(), &bob.id, &widget.row.id, Ok(&pushed)).is_err(), "a grantee never writes a result");

    // The owner's credentials: in no grantee's database file, no pull answer of theirs,
    // and nowhere on the server.
    for secret in [&creds.password, &creds.role, &creds.database] {
        for grantee in [&bob, &cleo] {
            assert!(!contains(&database_bytes(grantee), secret), "{secret} reached a grantee's SQLite file");
        }
        assert_eq!(server.count(&format!("SELECT count(*) FROM rows WHERE columns::text LIKE '%{secret}%'")), 0);
        assert_eq!(server.count(&format!("SELECT count(*) FROM changes WHERE columns::text LIKE '%{secret}%'")), 0);
    }
    let (bob_raw, cleo_raw) = (raw_login(&server, "bob"), raw_login(&server, "cleo"));
    for raw in [&bob_raw, &cleo_raw] {
        let text = pulled_text(raw);
        assert!(text.contains(&widget.row.id), "the grantee's pull carries the widget");
        for secret in [&creds.password, &creds.role, &creds.database] {
            assert!(!text.contains(secret.as_str()), "{secret} in a grantee's pull answer");
        }
    }
    assert!(contains(&database_bytes(&ada), &creds.role), "the owner's own device keeps its connection (the search can find it)");

    // The view grantee may not edit: the app refuses, and so does the server.
    assert!(refused(bob.app.insights_widget_update(text.row.id.clone(), note("from bob"))).contains("read only"));
    assert!(refused(bob.app.insights_widget_add(board.row.id.clone(), note("new from bob"))).contains("read only"));
    let forced = bob_raw.change("widgets", &text.row.id, "update", 1, json!({"config": "{\"title\":\"Bob's\"}"}), 0);
    let reply: Value = bob_raw.push(&new_id(), vec![forced]).json().unwrap();
    assert_eq!(reply["rejected"][0]["code"], "forbidden", "{reply}");

    // The edit grantee's change reaches the owner.
    cleo.app.insights_widget_update(text.row.id.clone(), note("from cleo")).unwrap();
    sync(&[&cleo, &ada, &bob]);
    assert_eq!(cleo.app.sync_status().unwrap().refused, 0);
    let at_ada = ada.app.dashboard_get(board.row.id.clone()).unwrap();
    let find = |id: &str| at_ada.widgets.iter().find(|w| w.row.id == id).unwrap().clone();
    assert_eq!(find(&text.row.id).config.markdown.as_deref(), Some("from cleo"), "the edit grantee's change reached the owner");
    assert_eq!(find(&widget.row.id).row.data_source_id.as_deref(), Some(source.id.as_str()), "the owner's source stays on the owner's widget");

    // Revoking bob's share removes the dashboard from bob's device; cleo keeps it.
    ada.app.share_revoke(to_bob.id.clone()).unwrap();
    sync(&[&ada, &bob, &cleo]);
    assert_eq!(count(&bob, &format!("SELECT count(*) FROM dashboards WHERE id = '{}'", board.row.id)), 0);
    assert_eq!(count(&bob, &format!("SELECT count(*) FROM widgets WHERE dashboard_id = '{}'", board.row.id)), 0);
    assert_eq!(count(&bob, "SELECT count(*) FROM widget_results"), 0, "the results go with the dashboard");
    assert!(count(&cleo, "SELECT count(*) FROM widget_results") > 0);
    assert!(bob.app.share_list().unwrap().with_me.is_empty());
    assert_eq!(count(&cleo, &format!("SELECT count(*) FROM widgets WHERE dashboard_id = '{}'", board.row.id)), 2);
    assert_eq!(ada.app.share_list().unwrap().by_me.len(), 1);
    assert!(refused(ada.app.share_revoke(to_bob.id.clone())).contains("not found"));
    assert!(refused(cleo.app.share_revoke(to_cleo.id.clone())).contains("not found"), "only the owner revokes");
}

#[test]
fn an_access_request_is_approved_in_the_owners_inbox_and_the_requester_is_notified() {
    use studydesk_core::insights::requests::RequestDraft;
    use studydesk_core::insights::rows::{WorkflowPriority, WorkflowStatus};
    let server = TestServer::start();
    let ada = signed_up(&server, "ada");
    let bob = signed_up(&server, "bob");
    let cleo = signed_up(&server, "cleo");
    sync(&[&ada, &bob, &cleo, &ada]);
    let board = ada.app.dashboard_create(DashboardEdit { name: Some("Exams".into()), ..Default::default() }).unwrap();
    let text = WidgetDraft {
        kind: WidgetType::Text,
        config: WidgetConfig { title: "Notes".into(), markdown: Some("hello".into()), ..Default::default() },
        query: None,
        data_source_id: None,
        position: None,
    };
    let widget = ada.app.insights_widget_add(board.row.id.clone(), text.clone()).unwrap();
    ada.app.share_add(board.row.id.clone(), "bob@example.org", SharePermission::View).unwrap();
    sync(&[&ada, &bob]);

    let draft = |permission, message: &str| RequestDraft {
        dashboard_id: board.row.id.clone(),
        permission,
        priority: Some(WorkflowPriority::High),
        message: Some(message.into()),
    };
    // Bad input, each refused in words.
    assert!(refused(bob.app.access_request(draft(SharePermission::View, "again"))).contains("already"));
    assert!(refused(bob.app.access_request(draft(SharePermission::Edit, &"x".repeat(1_001)))).contains("message"));
    assert!(refused(cleo.app.access_request(draft(SharePermission::Edit, "me too"))).contains("not found"), "cleo reads nothing of it");
    assert!(refused(ada.app.access_request(draft(SharePermission::Edit, "mine"))).contains("yours"));

    let asked = bob.app.access_request(draft(SharePermission::Edit, "May I fix the charts?")).unwrap();
    assert_eq!((asked.status, asked.approver_id.as_str()), (WorkflowStatus::Pending, ada.id.as_str()));
    assert!(refused(bob.app.access_request(draft(SharePermission::Edit, "twice"))).contains("already asked"));
    sync(&[&bob, &ada, &cleo]);
    let inbox = ada.app.access_requests().unwrap();
    assert_eq!(inbox.to_me.len(), 1, "{inbox:?}");
    let request = &inbox.to_me[0];
    assert_eq!((request.requester_id.as_str(), request.message.as_deref(), request.priority), (bob.id.as_str(), Some("May I fix the charts?"), WorkflowPriority::High));
    assert!(cleo.app.access_requests().unwrap().to_me.is_empty() && count(&cleo, "SELECT count(*) FROM workflows") == 0, "nobody else gets it");
    assert!(refused(bob.app.access_decide(asked.id.clone(), true)).contains("not found"), "the requester cannot approve");
    assert!(refused(bob.app.insights_widget_update(widget.row.id.clone(), text.clone())).contains("read only"));

    let decided = ada.app.access_decide(asked.id.clone(), true).unwrap();
    assert_eq!(decided.status, WorkflowStatus::Approved);
    assert!(decided.resolved_at.is_some());
    assert_eq!(ada.app.share_list().unwrap().by_me[0].permission, SharePermission::Edit, "approval shares as asked, in the same write");
    assert!(refused(ada.app.access_decide(asked.id.clone(), false)).contains("approved already"));
    sync(&[&ada, &bob]);

    let mine = bob.app.access_requests().unwrap().mine;
    assert_eq!(mine[0].status, WorkflowStatus::Approved);
    assert_eq!(count(&bob, "SELECT count(*) FROM notifications WHERE type = 'access_request'"), 1, "the requester is told");
    bob.app.insights_widget_update(widget.row.id.clone(), WidgetDraft { config: WidgetConfig { title: "Bob's notes".into(), ..text.config.clone() }, ..text.clone() }).unwrap();
    bob.app.access_close(asked.id.clone()).unwrap();
    sync(&[&bob, &ada, &bob]);
    assert_eq!(bob.app.sync_status().unwrap().refused, 0);
    assert_eq!(ada.app.dashboard_get(board.row.id.clone()).unwrap().widgets[0].config.title, "Bob's notes");
    assert_eq!(ada.app.access_requests().unwrap().to_me[0].status, WorkflowStatus::Completed);
    assert_eq!(count(&bob, "SELECT count(*) FROM notifications WHERE type = 'access_request'"), 1, "once");
}
