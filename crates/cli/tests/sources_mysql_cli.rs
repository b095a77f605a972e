//! `source add-mysql SQL --host --port --database --user --password-stdin --tls --name`
//! as a script uses it, against a MariaDB server the test starts itself (the core's
//! [`mariadb::MariaDb`]): the answer becomes a typed source, the password read from stdin
//! stays out of the database; a wrong password, a closed port and a query that fails are
//! refused in one line (exit 1) with no row written. `add-postgres` shares the code: a
//! closed port is refused there the same way, naming PostgreSQL. Secrets go to the
//! encrypted file, its key in a temporary config folder, so no keychain or home folder is
//! touched.

#[path = "../../core/tests/mariadb/mod.rs"]
mod mariadb;
mod run;

use run::{cli, json};
use std::io::Write;
use std::process::{Command, Output, Stdio};

const PASSWORD: &str = "reader-pw-ｐａｓｓ";

/// A data folder and a config folder for one test.
struct Folders {
    data: tempfile::TempDir,
    config: tempfile::TempDir,
}

impl Folders {
    fn new() -> Folders {
        Folders { data: tempfile::tempdir().unwrap(), config: tempfile::tempdir().unwrap() }
    }

    /// The CLI with `password` (and a line end) on its standard input.
    fn with_password(&self, password: &str, args: &[&str]) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_studydesk-cli"))
            .arg("--data-dir")
            .arg(self.data.path())
            .args(args)
            .env_remove("STUDYDESK_DATA_DIR")
            .env("STUDYDESK_SECRET_STORE", "file")
            .env("XDG_CONFIG_HOME", self.config.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the CLI runs");
        child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Stdout of a command that must succeed.
    fn ok(&self, password: &str, args: &[&str]) -> String {
        let out = self.with_password(password, args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// The one-line error of a command that must fail with exit 1 and print nothing on stdout.
    fn fails(&self, password: &str, args: &[&str]) -> String {
        let out = self.with_password(password, args);
        assert_eq!(out.status.code(), Some(1), "{args:?} should fail with 1");
        assert!(out.stdout.is_empty(), "{args:?} printed on stdout");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        err
    }

    fn sources(&self) -> Vec<serde_json::Value> {
        json(self.data.path(), &["source", "list", "--json"]).as_array().unwrap().clone()
    }
}

/// `add-<engine> SQL` with the connection flags, then `extra`.
fn add<'a>(engine: &'a str, sql: &'a str, port: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["source", engine, sql, "--host", "127.0.0.1", "--port", port, "--database", "grades", "--user", "reader", "--password-stdin"];
    args.extend_from_slice(extra);
    args
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn add_mysql_keeps_a_query_and_refuses_in_one_line() {
    let server = mariadb::MariaDb::start();
    server.sql(&format!(
        "CREATE DATABASE grades; USE grades;
         CREATE TABLE scores (student VARCHAR(40), score INT, taken_on DATE);
         INSERT INTO scores VALUES ('Ada', 92, '2026-11-02'), ('Bob', 48, '2026-11-09');
         CREATE USER 'reader'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}';
         GRANT SELECT ON grades.* TO 'reader'@'127.0.0.1';"
    ));
    let port = server.port.to_string();
    let f = Folders::new();
    let query = "SELECT student, score, taken_on FROM scores";

    let added: serde_json::Value = serde_json::from_str(&f.ok(PASSWORD, &add("add-mysql", query, &port, &["--tls", "disable", "--json"]))).unwrap();
    assert_eq!((added["source_type"].as_str(), added["status"].as_str(), added["rows"].as_i64()), (Some("mysql"), Some("connected"), Some(2)));
    assert_eq!(added["name"], "grades@127.0.0.1", "named database@host");
    let kinds: Vec<&str> = added["columns"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["text", "integer", "date"]);
    assert_eq!((added["database"]["port"].as_u64(), added["database"]["tls"].as_str(), added["database"]["password_saved"].as_bool()), (Some(u64::from(server.port)), Some("disable"), Some(true)));

    let line = f.ok(PASSWORD, &add("add-mysql", "SELECT student FROM scores WHERE score > 50", &port, &["--name", "Passed"]));
    assert!(line.starts_with("added ") && line.contains("Passed  mysql  connected") && line.contains("1 rows"), "{line}");
    assert!(line.contains("  student  Text"), "{line}");

    // refusals: one line, exit 1, nothing written
    let wrong = f.fails("not-it", &add("add-mysql", query, &port, &["--name", "Wrong"]));
    assert!(wrong.starts_with("error (validation): ") && wrong.contains("refused the user name or password"), "{wrong}");
    let closed = f.fails(PASSWORD, &add("add-mysql", query, "1", &["--name", "Closed"]));
    assert!(closed.contains("could not reach the MySQL server at 127.0.0.1:1"), "{closed}");
    let typo = f.fails(PASSWORD, &add("add-mysql", "SELECT student FROM scores WHER score > 50", &port, &["--name", "Typo"]));
    assert!(typo.contains("the server said: You have an error in your SQL syntax"), "{typo}");
    // the same code with the other engine: PostgreSQL's words
    let pg = f.fails(PASSWORD, &add("add-postgres", query, "1", &["--name", "Postgres"]));
    assert!(pg.contains("could not reach the PostgreSQL server at 127.0.0.1:1"), "{pg}");
    let names: Vec<String> = f.sources().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["grades@127.0.0.1", "Passed"], "no refused source was added");

    // the password is in the encrypted file, not in the database
    let db = f.data.path().join("studydesk.db");
    let mut bytes = std::fs::read(&db).unwrap();
    bytes.extend(std::fs::read(db.with_extension("db-wal")).unwrap_or_default());
    assert!(!contains(&bytes, PASSWORD), "the password is in studydesk.db");
}

#[test]
fn add_mysql_without_a_port_uses_3306_and_a_bad_flag_is_a_usage_error() {
    let f = Folders::new();
    // Whatever listens on 3306 here (most likely nothing), the refusal names the port the
    // request got.
    let args = ["source", "add-mysql", "SELECT 1", "--host", "127.0.0.1", "--database", "grades", "--user", "nobody-here", "--password-stdin"];
    let err = f.fails("x", &args);
    assert!(err.starts_with("error (validation): ") && err.contains("127.0.0.1:3306"), "{err}");
    assert!(!f.data.path().join("studydesk.db").exists() || f.sources().is_empty(), "nothing was added");

    let bad = cli(f.data.path(), &["source", "add-mysql", "SELECT 1", "--host", "h", "--database", "d", "--user", "u", "--tls", "always"]);
    assert_eq!(bad.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("possible values: disable, prefer, require"));
}
