//! MySQL/MariaDB data sources against a real MariaDB server this test starts itself
//! ([`mariadb::MariaDb`]: `mariadbd` in a temp folder on a free port), with a login that
//! may only read, as a user would be given by their administrator.

mod common;
mod mariadb;

use common::{query, refused};
use studydesk_core::insights::rows::{DataSourceStatus, DataSourceType};
use studydesk_core::insights::sources::database::{DatabaseRequest, DatabaseServer, TlsMode};
use studydesk_core::insights::table::{Cell, ColumnKind};

/// The test's MariaDB with a database of exam scores and a login that may only read it.
struct Server {
    db: mariadb::MariaDb,
}

const PASSWORD: &str = "reader-pw-ｐａｓｓ";

impl Server {
    fn start() -> Server {
        let db = mariadb::MariaDb::start();
        db.sql(&format!(
            "CREATE DATABASE grades; USE grades;
             CREATE TABLE scores (student VARCHAR(40), subject VARCHAR(40), score INT, taken_on DATE, graded_at TIMESTAMP NULL, written_at DATETIME, ratio DECIMAL(4,2), passed TINYINT(1));
             INSERT INTO scores VALUES
               ('Ada', 'Maths', 92, '2026-11-02', '2026-11-03 00:30:00', '2026-11-03 09:30:00', 0.92, 1),
               ('Ada', 'History', 71, '2026-11-09', '2026-11-10 18:00:00', '2026-11-10 18:00:00', 0.71, 1),
               ('Bob', 'Maths', 48, '2026-11-02', NULL, NULL, NULL, 0);
             CREATE USER 'reader'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}';
             GRANT SELECT ON grades.* TO 'reader'@'127.0.0.1';"
        ));
        Server { db }
    }

    fn sql(&self, sql: &str) {
        self.db.sql(&format!("USE grades; {sql}"));
    }

    fn request(&self, query: &str) -> DatabaseRequest {
        DatabaseRequest {
            server: DatabaseServer {
                engine: DataSourceType::Mysql,
                host: "127.0.0.1".into(),
                database: "grades".into(),
                user: "reader".into(),
                tls: TlsMode::Prefer,
                query: query.into(),
            },
            port: Some(self.db.port),
            password: Some(PASSWORD.into()),
        }
    }
}

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

#[test]
fn mariadb_sources_read_typed_rows_refuse_in_words_and_refresh() {
    let server = Server::start();
    let f = common::open(); // the user's zone is Asia/Tokyo

    let source = f
        .app
        .source_add_database("", server.request("SELECT student, subject, score, taken_on, graded_at, written_at, ratio, passed FROM scores ORDER BY student, subject;"))
        .unwrap();
    assert_eq!((source.source_type, source.status, source.rows), (DataSourceType::Mysql, DataSourceStatus::Connected, Some(3)));
    assert_eq!(source.name, "grades@127.0.0.1");
    let kinds: Vec<ColumnKind> = source.columns.iter().map(|c| c.kind).collect();
    use ColumnKind::*;
    assert_eq!(kinds, vec![Text, Text, Integer, Date, Timestamp, Timestamp, Real, Integer]);
    let view = source.database.clone().unwrap();
    assert!(view.tables.iter().any(|t| t.name == "scores" && t.columns.len() == 8), "{:?}", view.tables);
    assert!(view.password_saved);

    let table = source.table.clone().unwrap();
    let rows = query(&f, &format!("SELECT student, score, taken_on, graded_at, written_at, ratio, passed FROM sources.{table} ORDER BY student, subject"));
    // (MariaDB drops an ORDER BY inside the derived table: the widget's query orders.)
    // TIMESTAMP is UTC on the server; DATETIME is a wall time, read in the user's zone (Tokyo)
    assert_eq!(
        rows[0],
        vec![text("Ada"), Cell::Integer(71), text("2026-11-09"), text("2026-11-10T18:00:00.000Z"), text("2026-11-10T09:00:00.000Z"), Cell::Real(0.71), Cell::Integer(1)]
    );
    assert_eq!(rows[1][3], text("2026-11-03T00:30:00.000Z"));
    assert_eq!(rows[2][3..], [Cell::Null, Cell::Null, Cell::Null, Cell::Integer(0)]);

    // refusals, each writing nothing
    let wrong = DatabaseRequest { password: Some("not-it".into()), ..server.request("SELECT 1") };
    assert!(refused(f.app.source_add_database("x", wrong)).contains("refused the user name or password"));
    let nowhere = DatabaseRequest { port: Some(1), ..server.request("SELECT 1") };
    let unreachable = refused(f.app.source_add_database("x", nowhere));
    assert!(unreachable.contains("could not reach the MySQL server"), "{unreachable}");
    let typo = refused(f.app.source_add_database("x", server.request("SELECT student FROM scores WHER score > 50")));
    assert!(typo.starts_with("the server said: You have an error in your SQL syntax") && typo.contains("at line 1") && !typo.contains("studydesk_source"), "{typo}");
    assert!(refused(f.app.source_add_database("x", server.request("DELETE FROM scores"))).contains("syntax"));
    let secret = refused(f.app.source_add_database("x", server.request("SELECT * FROM mysql.user")));
    assert!(secret.contains("denied"), "{secret}");
    assert_eq!(f.app.source_list().unwrap().len(), 1, "nothing more was added");

    // refresh: new rows; a failure keeps the old ones and says why
    server.sql("INSERT INTO scores VALUES ('Cy', 'Art', 88, '2026-11-20', NULL, NULL, 0.88, 1)");
    assert_eq!(f.app.source_refresh(&source.id).unwrap().rows, Some(4));
    server.sql("RENAME TABLE scores TO old_scores");
    let failed = f.app.source_refresh(&source.id).unwrap_err().to_string();
    assert!(failed.contains("doesn't exist"), "{failed}");
    let listed = f.app.source_list().unwrap().remove(0);
    assert_eq!((listed.status, listed.rows), (DataSourceStatus::Error, Some(4)));
    assert_eq!(query(&f, &format!("SELECT count(*) FROM sources.{table}")), vec![vec![Cell::Integer(4)]]);
}
