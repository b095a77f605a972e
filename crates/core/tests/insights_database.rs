//! PostgreSQL data sources against a real server: the one `scripts/test.sh` starts with
//! pg_virtualenv (its PG* variables). Each test makes its own database and a login role
//! that may only read it, as a user would be given by their administrator.

mod common;

use common::{query, refused};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use studydesk_core::insights::rows::{DataSourceStatus, DataSourceType};
use studydesk_core::insights::sources::database::{DatabaseRequest, DatabaseServer, TlsMode};
use studydesk_core::insights::table::{Cell, ColumnKind};
use studydesk_core::{paths, secrets};

/// A database of exam scores on the test's PostgreSQL, and a role that can only read it.
struct Server {
    admin: postgres::Config,
    database: String,
    reader: String,
    password: String,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run the tests through scripts/test.sh (pg_virtualenv)"))
}

impl Server {
    fn admin_config() -> postgres::Config {
        let mut c = postgres::Config::new();
        c.host(&env("PGHOST")).port(env("PGPORT").parse().unwrap()).user(&env("PGUSER")).password(env("PGPASSWORD")).dbname(&env("PGDATABASE"));
        c
    }

    fn start() -> Server {
        let tag = uuid::Uuid::now_v7().simple().to_string()[20..].to_string();
        let (database, reader, password) = (format!("scores_{tag}"), format!("reader_{tag}"), format!("pw-{tag}-ｐａｓｓ"));
        let admin = Self::admin_config();
        let mut c = admin.connect(postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE DATABASE {database}")).unwrap();
        c.batch_execute(&format!("CREATE ROLE {reader} LOGIN PASSWORD '{password}'")).unwrap();
        let server = Server { admin, database, reader, password };
        server
            .run(&format!(
                "CREATE TABLE scores (student text, subject text, score int, taken_on date, graded_at timestamptz, passed bool, ratio numeric);
                 INSERT INTO scores VALUES
                   ('Ada', 'Maths', 92, '2026-11-02', '2026-11-03 09:30:00+09', true, 0.92),
                   ('Ada', 'History', 71, '2026-11-09', '2026-11-10 18:00:00+00', true, 0.71),
                   ('Bob', 'Maths', 48, '2026-11-02', NULL, false, NULL);
                 CREATE SEQUENCE counter; -- the reader may use it (a grant too wide): the read-only transaction still stops nextval
                 GRANT CONNECT ON DATABASE {db} TO {r}; GRANT USAGE ON SCHEMA public TO {r};
                 GRANT SELECT ON ALL TABLES IN SCHEMA public TO {r}; GRANT USAGE ON SEQUENCE counter TO {r};",
                db = server.database,
                r = server.reader
            ));
        server
    }

    fn run(&self, sql: &str) {
        let mut c = self.admin.clone();
        c.dbname(&self.database);
        c.connect(postgres::NoTls).unwrap().batch_execute(sql).unwrap();
    }

    fn request(&self, query: &str) -> DatabaseRequest {
        DatabaseRequest {
            server: DatabaseServer {
                engine: DataSourceType::Postgresql,
                host: env("PGHOST"),
                database: self.database.clone(),
                user: self.reader.clone(),
                tls: TlsMode::Prefer,
                query: query.into(),
            },
            port: Some(env("PGPORT").parse().unwrap()),
            password: Some(self.password.clone()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(mut c) = self.admin.connect(postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database));
            let _ = c.batch_execute(&format!("DROP ROLE IF EXISTS {}", self.reader));
        }
    }
}

fn stored_config(f: &common::Fixture, id: &str) -> Value {
    let c = Connection::open_with_flags(paths::db_path(f.dir.path()), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let text: String = c.query_row("SELECT connection_config FROM data_sources WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every byte Studydesk's database holds on disk (the file and its write-ahead log).
fn database_bytes(f: &common::Fixture) -> Vec<u8> {
    let db = paths::db_path(f.dir.path());
    let mut bytes = std::fs::read(&db).unwrap();
    bytes.extend(std::fs::read(db.with_extension("db-wal")).unwrap_or_default());
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

const ALL: &str = "SELECT student, subject, score, taken_on, graded_at, passed, ratio FROM scores ORDER BY student, subject";

#[test]
fn a_query_becomes_a_typed_table_and_the_password_stays_out_of_sqlite() {
    let server = Server::start();
    let f = common::open();
    let source = f.app.source_add_database("Exam scores", server.request(&format!("{ALL};"))).unwrap();
    assert_eq!(source.source_type, DataSourceType::Postgresql);
    assert_eq!(source.status, DataSourceStatus::Connected);
    assert_eq!(source.rows, Some(3));
    let kinds: Vec<(String, ColumnKind)> = source.columns.iter().map(|c| (c.name.clone(), c.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            ("student".into(), ColumnKind::Text),
            ("subject".into(), ColumnKind::Text),
            ("score".into(), ColumnKind::Integer),
            ("taken_on".into(), ColumnKind::Date),
            ("graded_at".into(), ColumnKind::Timestamp),
            ("passed".into(), ColumnKind::Text),
            ("ratio".into(), ColumnKind::Real),
        ]
    );
    let table = source.table.clone().unwrap();
    let rows = query(&f, &format!("SELECT student, score, taken_on, graded_at, passed, ratio FROM sources.{table} ORDER BY student, subject"));
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0], vec![Cell::Text("Ada".into()), Cell::Integer(71), Cell::Text("2026-11-09".into()), Cell::Text("2026-11-10T18:00:00.000Z".into()), Cell::Text("true".into()), Cell::Real(0.71)]);
    assert_eq!(rows[1][3], Cell::Text("2026-11-03T00:30:00.000Z".into()), "09:30 in +09:00 is 00:30 UTC");
    assert_eq!(rows[2][3], Cell::Null);

    // the server's tables are listed for the query editor
    let view = source.database.clone().expect("the connection is shown on this device");
    assert_eq!((view.server.database.as_str(), view.server.user.as_str(), view.password_saved), (server.database.as_str(), server.reader.as_str(), true));
    assert!(view.tables.iter().any(|t| t.name == "scores" && t.columns.first().map(String::as_str) == Some("student")), "{:?}", view.tables);

    // the password: in the secret store, referenced from the row, nowhere in SQLite
    let config = stored_config(&f, &source.id);
    assert_eq!(config["password_ref"], format!("data-source/{}", source.id));
    assert!(config.get("password").is_none());
    let store = secrets::open(f.dir.path()).unwrap();
    assert_eq!(store.get(&format!("data-source/{}", source.id)).unwrap().as_deref(), Some(server.password.as_str()));
    assert!(!contains(&database_bytes(&f), &server.password), "the password is in studydesk.db");
}

#[test]
fn refusals_are_in_words_and_write_nothing() {
    let server = Server::start();
    let f = common::open();
    let wrong = DatabaseRequest { password: Some("not-it".into()), ..server.request(ALL) };
    assert!(refused(f.app.source_add_database("", wrong)).contains("refused the user name or password"));
    let nowhere = DatabaseRequest { port: Some(1), ..server.request(ALL) };
    assert!(refused(f.app.source_add_database("", nowhere)).contains("could not reach the PostgreSQL server"));
    let mut no_db = server.request(ALL);
    no_db.server.database = "no_such_db".into();
    assert!(refused(f.app.source_add_database("", no_db)).contains("no database named \"no_such_db\""));
    let typo = refused(f.app.source_add_database("", server.request("SELECT student FROM scores WHER score > 50")));
    assert!(typo.contains("the server said: syntax error") && typo.contains("at character 33 of the query"), "{typo}");
    // a write is not even a query here, and a function that writes meets the read-only transaction
    assert!(refused(f.app.source_add_database("", server.request("DELETE FROM scores"))).contains("syntax error"));
    let write = refused(f.app.source_add_database("", server.request("SELECT nextval('counter')")));
    assert!(write.contains("a source only reads"), "{write}");
    let twice = refused(f.app.source_add_database("", server.request("SELECT student AS name, subject AS name FROM scores")));
    assert!(twice.contains("two columns named \"name\""), "{twice}");
    assert!(refused(f.app.source_add_database("", server.request("  ;  "))).contains("the query is missing"));
    assert!(f.app.source_list().unwrap().is_empty(), "nothing was added");
    // and no password was left behind for a source that does not exist
    assert!(!contains(&database_bytes(&f), &server.password));
}

#[test]
fn refresh_reads_new_rows_and_a_failed_one_keeps_the_old() {
    let server = Server::start();
    let f = common::open();
    let source = f.app.source_add_database("", server.request(ALL)).unwrap();
    assert_eq!(source.name, format!("{}@{}", server.database, env("PGHOST")));
    server.run("INSERT INTO scores VALUES ('Cy', 'Art', 88, '2026-11-20', now(), true, 0.88)");
    let again = f.app.source_refresh(&source.id).unwrap();
    assert_eq!((again.rows, again.status), (Some(4), DataSourceStatus::Connected));

    server.run("ALTER TABLE scores RENAME TO old_scores");
    let failed = f.app.source_refresh(&source.id).unwrap_err().to_string();
    assert!(failed.contains("relation \"scores\" does not exist"), "{failed}");
    let listed = f.app.source_list().unwrap().remove(0);
    assert_eq!((listed.status, listed.rows), (DataSourceStatus::Error, Some(4)));
    assert!(listed.error.unwrap_or_default().contains("does not exist"));
    let n = query(&f, &format!("SELECT count(*) FROM sources.{}", listed.table.unwrap()));
    assert_eq!(n, vec![vec![Cell::Integer(4)]], "the old rows are kept");

    // an edit of the query (the saved password kept) brings it back
    let fixed = DatabaseRequest { password: None, ..server.request("SELECT student, score FROM old_scores WHERE score >= 50") };
    let edited = f.app.source_edit_database(&source.id, fixed).unwrap();
    assert_eq!((edited.status, edited.rows, edited.columns.len()), (DataSourceStatus::Connected, Some(3), 2));
    // a wrong new password is refused and the saved one stays
    let wrong = DatabaseRequest { password: Some("not-it".into()), ..server.request(ALL) };
    assert!(refused(f.app.source_edit_database(&source.id, wrong)).contains("refused"));
    assert_eq!(f.app.source_refresh(&source.id).unwrap().rows, Some(3));
}

#[test]
fn deleting_the_source_forgets_its_password() {
    let server = Server::start();
    let f = common::open();
    let source = f.app.source_add_database("Scores", server.request(ALL)).unwrap();
    let reference = format!("data-source/{}", source.id);
    let store = secrets::open(f.dir.path()).unwrap();
    assert!(store.get(&reference).unwrap().is_some());
    f.app.source_delete(&source.id).unwrap();
    assert_eq!(store.get(&reference).unwrap(), None);
}

/// A server that stops answering: one that accepts the connection and then says nothing,
/// and one whose administrator ends the reader's session while the query runs. Each is a
/// sentence in time, not a hang, and no source is added.
#[test]
fn a_server_that_goes_silent_or_ends_the_session_mid_query_is_named_and_nothing_is_kept() {
    use std::time::{Duration, Instant};
    let server = Server::start();
    let f = common::open();

    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let held: Vec<_> = silent.incoming().take(1).collect();
        std::thread::sleep(Duration::from_secs(30));
        drop(held);
    });
    let mut request = server.request("SELECT 1 AS one");
    request.server.host = "127.0.0.1".into();
    request.port = Some(port);
    let started = Instant::now();
    let err = f.app.source_add_database("Silent", request).unwrap_err();
    let waited = started.elapsed();
    assert!(err.to_string().contains(&format!("127.0.0.1:{port} accepted the connection but did not answer within 10 seconds")), "{err}");
    assert!(waited >= Duration::from_secs(9) && waited < Duration::from_secs(20), "gave up after {waited:?}");

    let admin = server.admin.clone();
    let ender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        let mut c = admin.connect(postgres::NoTls).unwrap();
        let ended = c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'Studydesk' AND query LIKE '%pg_sleep%'", &[]).unwrap();
        ended.len()
    });
    let started = Instant::now();
    let err = f.app.source_add_database("Cut off", server.request("SELECT pg_sleep(20) AS slept, 1 AS one")).unwrap_err();
    assert_eq!(ender.join().unwrap(), 1, "the reader's session was ended");
    assert!(started.elapsed() < Duration::from_secs(10), "answered when the session ended, not after the sleep");
    let said = err.to_string();
    assert!(said.contains("ended the connection while the query ran") || said.contains("was lost before the answer was read"), "{said}");
    assert!(f.app.source_list().unwrap().is_empty(), "nothing was added");
}
