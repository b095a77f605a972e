//! The SQL sandbox (issue 15 item 4) on a real database file: the user's SELECT answers
//! their rows; every way out (writes, ATTACH, PRAGMA, load_extension, a second statement,
//! bookkeeping tables) is refused with a sentence that says what and why and changes
//! nothing; secrets read as NULL; bombs end by the caps or the time limit; Cancel stops a
//! running query; errors point at the token at fault.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};
use studydesk_core::error::QueryReason;
use studydesk_core::insights::sandbox::{Limits, Sandbox};
use studydesk_core::insights::table::{Cell, ColumnKind, Table};
use studydesk_core::planner::tasks::NewTask;
use studydesk_core::CoreError;

const BOMB: &str = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r";

fn add_task(f: &common::Fixture, text: &str) -> String {
    f.app.task_add(NewTask { list_id: None, description: text.into(), due_at: None }).unwrap().id
}

fn query(f: &common::Fixture, sql: &str) -> Table {
    f.app.insights_query(sql, None::<String>).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The refusal of `sql`: its reason, its sentence and its offset.
fn refused(f: &common::Fixture, sql: &str) -> (QueryReason, String, Option<i64>) {
    match f.app.insights_query(sql, None::<String>) {
        Err(e @ CoreError::Query { .. }) => {
            assert_eq!(e.kind(), "query");
            let CoreError::Query { reason, message, offset, .. } = e else { unreachable!() };
            (reason, message, offset)
        }
        other => panic!("{sql} was not refused: {other:?}"),
    }
}

fn texts(t: &Table, col: usize) -> Vec<String> {
    t.rows.iter().map(|r| match &r[col] { Cell::Text(s) => s.clone(), other => format!("{other:?}") }).collect()
}

/// A sources cache holding `big` (n rows) as the sources room would write it.
fn write_sources(dir: &Path, n: i64, label: &str) {
    let path = studydesk_core::paths::sources_cache_path(dir);
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let c = rusqlite::Connection::open(&tmp).unwrap();
    c.execute_batch(&format!(
        "CREATE TABLE big (n INTEGER, label TEXT, day TEXT);
         WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r LIMIT {n})
         INSERT INTO big SELECT x, '{label}', date('2026-01-01', '+' || (x % 300) || ' days') FROM r;"
    ))
    .unwrap();
    drop(c);
    std::fs::rename(&tmp, &path).unwrap();
}

#[test]
fn a_select_over_tasks_answers_the_right_rows() {
    let f = common::open();
    add_task(&f, "Read chapter 3");
    let done = add_task(&f, "Physics problem set");
    add_task(&f, "Essay outline");
    f.app.task_set_completed(&done, true).unwrap();

    let t = query(&f, "-- my widget\nSELECT description, is_completed, due_at FROM tasks ORDER BY description; -- end\n");
    assert_eq!(texts(&t, 0), ["Essay outline", "Physics problem set", "Read chapter 3"]);
    assert_eq!(t.rows.iter().map(|r| r[1].clone()).collect::<Vec<_>>(), [Cell::Integer(0), Cell::Integer(1), Cell::Integer(0)]);
    assert_eq!(t.columns.iter().map(|c| (c.name.as_str(), c.kind)).collect::<Vec<_>>(), [
        ("description", ColumnKind::Text),
        ("is_completed", ColumnKind::Integer),
        ("due_at", ColumnKind::Text)
    ]);
    assert!(!t.truncated);

    let t = query(&f, "SELECT date(created_at) AS day, count(*) AS n, avg(is_completed) AS share FROM tasks GROUP BY day");
    assert_eq!(t.columns.iter().map(|c| c.kind).collect::<Vec<_>>(), [ColumnKind::Date, ColumnKind::Integer, ColumnKind::Real]);
    assert_eq!(t.rows, [vec![Cell::Text("2026-11-22".into()), Cell::Integer(3), Cell::Real(1.0 / 3.0)]]);
}

#[test]
fn every_escape_is_refused_with_what_and_why_and_changes_nothing() {
    let f = common::open();
    add_task(&f, "Keep me");
    let before = f.footprint();
    let schema_before = query(&f, "SELECT type, name, sql FROM sqlite_schema ORDER BY name");
    use QueryReason as R;
    let cases: &[(&str, QueryReason, &str)] = &[
        ("DELETE FROM tasks", R::Writes, "Only reading is allowed here: DELETE changes data"),
        ("  delete from tasks;", R::Writes, "DELETE changes data"),
        ("INSERT INTO tasks (id, list_id, description) SELECT id, list_id, 'x' FROM tasks", R::Writes, "INSERT changes data"),
        ("UPDATE tasks SET description = 'hacked'", R::Writes, "UPDATE changes data"),
        ("REPLACE INTO courses (id, name) VALUES ('a', 'b')", R::Writes, "REPLACE changes data"),
        ("WITH t AS (SELECT 1) DELETE FROM tasks", R::Writes, "DELETE changes data"),
        ("EXPLAIN DELETE FROM tasks", R::Writes, "DELETE changes data"),
        ("DROP TABLE tasks", R::SchemaChange, "DROP changes the database's tables"),
        ("CREATE TABLE x (a)", R::SchemaChange, "CREATE changes the database's tables"),
        ("CREATE TEMP VIEW v AS SELECT 1", R::SchemaChange, "CREATE changes"),
        ("ALTER TABLE tasks ADD COLUMN y", R::SchemaChange, "ALTER changes"),
        ("ATTACH DATABASE 'evil.db' AS evil", R::Attach, "ATTACH opens or closes another database file"),
        ("DETACH DATABASE main", R::Attach, "DETACH opens or closes another database file"),
        ("PRAGMA writable_schema = 1", R::Pragma, "PRAGMA changes how the database works"),
        ("PRAGMA journal_mode", R::Pragma, "PRAGMA changes how the database works"),
        ("PRAGMA journal_mode = DELETE", R::Pragma, "PRAGMA"),
        ("SELECT * FROM pragma_table_info('users')", R::Pragma, "PRAGMA"),
        ("BEGIN", R::Transaction, "BEGIN starts or ends a transaction"),
        ("SAVEPOINT s", R::Transaction, "SAVEPOINT starts or ends a transaction"),
        ("VACUUM", R::Maintenance, "VACUUM rewrites the database file"),
        ("VACUUM INTO 'copy.db'", R::Maintenance, "VACUUM rewrites the database file"),
        ("ANALYZE", R::Maintenance, "ANALYZE rewrites"),
        ("SELECT load_extension('x')", R::Function, "The function load_extension() is not allowed here"),
        ("SELECT fts3_tokenizer('simple')", R::Function, "fts3_tokenizer() is not allowed"),
        ("SELECT sqlite_compileoption_get(0)", R::Function, "sqlite_compileoption_get() is not allowed"),
        ("SELECT 1; DELETE FROM tasks", R::SeveralStatements, "Only one statement can run at a time"),
        ("SELECT 1; SELECT 2", R::SeveralStatements, "Only one statement can run at a time"),
        ("SELECT * FROM sync_changes", R::InternalTable, "sync_changes is Studydesk's own bookkeeping, not your data"),
        ("SELECT value FROM local_meta", R::InternalTable, "local_meta is Studydesk's own bookkeeping"),
        ("SELECT * FROM refinery_schema_history", R::InternalTable, "bookkeeping"),
        ("SELECT * FROM dbstat", R::InternalTable, "bookkeeping"),
        ("-- nothing here\n/* at all */ ;", R::Empty, "There is no statement to run"),
    ];
    for (sql, reason, words) in cases {
        let (got, message, _) = refused(&f, sql);
        assert_eq!((got, message.contains(words)), (*reason, true), "{sql}: {message}");
    }
    // The position of what was refused, for the caret.
    assert_eq!(refused(&f, "SELECT upper(description), load_extension('x') FROM tasks").2, Some(27));
    assert_eq!(refused(&f, "SELECT 1;\n  SELECT 2").2, Some(12));
    assert_eq!(refused(&f, "WITH t AS (SELECT 1) DELETE FROM tasks").2, Some(21));

    assert_eq!(f.footprint(), before);
    assert_eq!(query(&f, "SELECT type, name, sql FROM sqlite_schema ORDER BY name"), schema_before);
    assert_eq!(texts(&query(&f, "SELECT description FROM tasks"), 0), ["Keep me"]);
    let mode: String = f.app.db().read(|c| Ok(c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?)).unwrap();
    assert_eq!(mode, "wal");
    for file in ["evil.db", "copy.db"] {
        assert!(!f.dir.path().join(file).exists() && !Path::new(file).exists(), "{file} was created");
    }
}

#[test]
fn blank_and_overlong_sql_are_refused_as_input() {
    let f = common::open();
    assert_eq!(f.app.insights_query("   ", None::<String>).unwrap_err().kind(), "validation");
    let long = format!("SELECT '{}'", "x".repeat(100_000));
    assert_eq!(f.app.insights_query(long, None::<String>).unwrap_err().kind(), "validation");
}

#[test]
fn secret_columns_read_as_null_everywhere_in_the_statement() {
    let f = common::open();
    let me = f.app.user_id();
    f.app
        .db()
        .write(studydesk_core::db::WriteCtx::by(&me, "test.secrets"), |tx| {
            tx.execute("UPDATE users SET password = 'hunter2-secret' WHERE id = ?1", [&me])?;
            tx.execute(
                "INSERT INTO user_sessions (id, user_id, session_token, access_token, refresh_token, user_agent)
                 VALUES ('s1', ?1, 'tok-session', 'tok-access', 'tok-refresh', 'Firefox')",
                [&me],
            )?;
            tx.execute("INSERT INTO api_keys (id, user_id, name, key_hash) VALUES ('k1', ?1, 'ci', 'hash-of-key')", [&me])?;
            tx.execute(
                "INSERT INTO data_sources (id, user_id, name, type, connection_config) VALUES ('d1', ?1, 'pg', 'postgresql', '{\"host\":\"db\"}')",
                [&me],
            )?;
            Ok(())
        })
        .unwrap();
    // The secrets are really there.
    let stored: String = f.app.db().read(|c| Ok(c.query_row("SELECT password FROM users WHERE id = ?1", [&me], |r| r.get(0))?)).unwrap();
    assert_eq!(stored, "hunter2-secret");

    let t = query(&f, "SELECT id, password, length(password), json_object('p', password) FROM users");
    assert_eq!(t.rows, [vec![Cell::Text(me.clone()), Cell::Null, Cell::Null, Cell::Text("{\"p\":null}".into())]]);
    // No comparison can guess them.
    assert!(query(&f, "SELECT id FROM users WHERE password = 'hunter2-secret' OR password LIKE 'h%'").rows.is_empty());
    assert_eq!(query(&f, "SELECT count(*) FROM users WHERE password IS NOT NULL").rows, [vec![Cell::Integer(0)]]);
    assert_eq!(query(&f, "WITH u AS (SELECT password AS p FROM users) SELECT p FROM u").rows, [vec![Cell::Null]]);
    let t = query(&f, "SELECT * FROM user_sessions");
    let row: Vec<(String, Cell)> = t.columns.iter().map(|c| c.name.clone()).zip(t.rows[0].clone()).collect();
    for secret in ["session_token", "access_token", "refresh_token"] {
        assert!(row.contains(&(secret.to_string(), Cell::Null)), "{secret}: {row:?}");
    }
    assert!(row.contains(&("user_agent".to_string(), Cell::Text("Firefox".into()))));
    assert_eq!(query(&f, "SELECT name, key_hash FROM api_keys").rows, [vec![Cell::Text("ci".into()), Cell::Null]]);
    assert_eq!(query(&f, "SELECT name, connection_config FROM data_sources").rows, [vec![Cell::Text("pg".into()), Cell::Null]]);
    // A view in an imported file cannot reach them: SQLite resolves its tables in its own
    // file, and a file whose view names the user's database is not opened at all.
    let sources = studydesk_core::paths::sources_cache_path(f.dir.path());
    let c = rusqlite::Connection::open(&sources).unwrap();
    c.execute_batch("CREATE VIEW leak AS SELECT id, password FROM users;").unwrap();
    let (reason, message, _) = refused(&f, "SELECT * FROM sources.leak");
    assert_eq!((reason, message.as_str()), (QueryReason::SqlError, "There is an error in the SQL: no such table: sources.users."));
    c.execute_batch("CREATE VIEW leak_main AS SELECT password FROM main.users;").unwrap();
    drop(c);
    let (reason, message, _) = refused(&f, "SELECT * FROM sources.leak_main");
    assert_eq!(reason, QueryReason::SqlError);
    assert!(message.contains("no such table: sources.leak_main (the imported sources' file could not be opened:"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
    // The audit trail, which may be read, has them redacted.
    let all = format!("{:?}", query(&f, "SELECT old_values, new_values FROM audit_logs").rows);
    for secret in ["hunter2-secret", "tok-session", "tok-access", "hash-of-key"] {
        assert!(!all.contains(secret), "{secret} in the audit trail");
    }
}

#[test]
fn the_schema_lists_what_may_be_read_with_secrets_marked() {
    let f = common::open();
    let schema = f.app.insights_schema().unwrap();
    let table = |name: &str| schema.iter().find(|t| t.schema == "main" && t.name == name);
    let tasks = table("tasks").expect("tasks listed");
    assert!(tasks.columns.iter().any(|c| c.name == "description" && c.declared_type == "TEXT" && !c.secret));
    let users = table("users").expect("users listed");
    assert!(users.columns.iter().any(|c| c.name == "password" && c.secret));
    assert!(users.columns.iter().any(|c| c.name == "username" && !c.secret));
    for hidden in ["sync_changes", "local_meta", "refinery_schema_history", "sqlite_sequence"] {
        assert!(table(hidden).is_none(), "{hidden} listed");
    }
    assert!(!schema.iter().any(|t| t.schema == "sources"));

    write_sources(f.dir.path(), 3, "exam");
    let schema = f.app.insights_schema().unwrap();
    let big = schema.iter().find(|t| t.schema == "sources" && t.name == "big").expect("the source's table listed");
    assert_eq!(big.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["n", "label", "day"]);
}

#[test]
fn sources_are_attached_when_they_appear_and_again_when_replaced() {
    let f = common::open();
    let (reason, message, _) = refused(&f, "SELECT count(*) FROM sources.big");
    assert_eq!(reason, QueryReason::SqlError, "{message}");
    write_sources(f.dir.path(), 5, "first");
    assert_eq!(query(&f, "SELECT count(*), min(label) FROM sources.big").rows, [vec![Cell::Integer(5), Cell::Text("first".into())]]);
    // A re-import replaces the file: the next query reads the new one.
    std::thread::sleep(Duration::from_millis(20));
    write_sources(f.dir.path(), 7, "second");
    assert_eq!(query(&f, "SELECT count(*), min(label) FROM sources.big").rows, [vec![Cell::Integer(7), Cell::Text("second".into())]]);
    // Reading a source is reading: writing to it is refused like any write.
    assert_eq!(refused(&f, "DELETE FROM sources.big").0, QueryReason::Writes);
    assert_eq!(refused(&f, "INSERT INTO sources.big (n) VALUES (1)").0, QueryReason::Writes);
    assert_eq!(query(&f, "SELECT count(*) FROM sources.big").rows, [vec![Cell::Integer(7)]]);
}

#[test]
fn a_huge_limit_answers_ten_thousand_rows_marked_truncated() {
    let f = common::open();
    write_sources(f.dir.path(), 50_000, "row");
    let t = query(&f, "SELECT * FROM sources.big LIMIT 1000000000");
    assert_eq!((t.rows.len(), t.truncated), (10_000, true));
    assert_eq!(t.rows[9_999][0], Cell::Integer(10_000));
    assert_eq!(t.columns[2].kind, ColumnKind::Date);
    let t = query(&f, "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r LIMIT 1e12");
    assert_eq!((t.rows.len(), t.truncated), (10_000, true));
    // Exactly the cap is not cut.
    let t = query(&f, "SELECT * FROM sources.big LIMIT 10000");
    assert_eq!((t.rows.len(), t.truncated), (10_000, false));
}

#[test]
fn huge_values_are_cut_or_stopped_never_kept() {
    let f = common::open();
    // 6 MB of text in one cell: answered, cut to 64 KiB.
    let t = query(&f, "SELECT hex(randomblob(3000000)) AS big, 'small' AS small");
    let Cell::Text(big) = &t.rows[0][0] else { panic!("{:?}", t.rows[0][0]) };
    assert!(big.len() <= 64 * 1024 + 3 && big.ends_with('…'), "{} bytes", big.len());
    assert_eq!(t.rows[0][1], Cell::Text("small".into()));
    assert!(t.truncated);
    // Many rows of 4 KB each: about 8 MiB answered, then truncated.
    let t = query(&f, "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x, hex(randomblob(2000)) FROM r");
    let bytes: usize = t.rows.iter().map(|r| if let Cell::Text(s) = &r[1] { s.len() } else { 0 }).sum();
    assert!(t.truncated && t.rows.len() < 10_000 && bytes <= 8 * 1024 * 1024, "{} rows, {bytes} bytes", t.rows.len());
    assert!(bytes > 7 * 1024 * 1024, "{bytes} bytes");
    // Values past 16 MB are never made.
    for sql in [
        "SELECT zeroblob(1000000000)",
        "SELECT randomblob(1000000000)",
        "SELECT printf('%.*c', 100000000, 'x')",
        "SELECT length(hex(zeroblob(20000000)))",
        "SELECT replace(hex(zeroblob(10000000)), '00', 'xyz')",
        "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r LIMIT 5000000) SELECT length(group_concat(x)) FROM r",
    ] {
        let (reason, message, _) = refused(&f, sql);
        assert_eq!(reason, QueryReason::TooBig, "{sql}: {message}");
        assert!(message.contains("grew larger than 16 MB"), "{message}");
    }
}

#[test]
fn a_recursive_bomb_is_stopped_by_the_time_limit() {
    let f = common::open();
    let sandbox = Sandbox::with_limits(f.dir.path(), Limits { time: Duration::from_millis(700), ..Limits::default() });
    for sql in [BOMB, "WITH RECURSIVE r(x) AS (SELECT 1 UNION SELECT x + 1 FROM r) SELECT max(x) FROM r ORDER BY 1"] {
        let started = Instant::now();
        let e = sandbox.query(sql, None).unwrap_err();
        let took = started.elapsed();
        assert!(matches!(e, CoreError::Query { reason: QueryReason::TimeLimit, .. }), "{sql}: {e:?}");
        assert!(e.to_string().contains("ran longer than 0.7 seconds"), "{e}");
        assert!(took < Duration::from_secs(3), "{sql} took {took:?}");
    }
    // The facade's own limit is 5 seconds.
    let started = Instant::now();
    let e = f.app.insights_query(BOMB, None::<String>).unwrap_err();
    assert!(e.to_string().starts_with("The query was stopped: it ran longer than 5 seconds"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(8), "{:?}", started.elapsed());
}

#[test]
fn cancel_from_another_thread_stops_a_running_query() {
    let f = common::open();
    let started = Instant::now();
    let answer = std::thread::scope(|s| {
        let running = s.spawn(|| f.app.insights_query(BOMB, Some("widget-7")));
        std::thread::sleep(Duration::from_millis(300));
        f.app.insights_query_cancel("widget-7").unwrap();
        running.join().unwrap()
    });
    let took = started.elapsed();
    let e = answer.unwrap_err();
    assert!(matches!(e, CoreError::Query { reason: QueryReason::Cancelled, .. }), "{e:?}");
    assert_eq!(e.to_string(), "The query was stopped: it was cancelled.");
    assert!(took < Duration::from_secs(3), "cancel took {took:?} (the time limit is 5 s)");
    // A Cancel that overtakes its query stops it as soon as it starts.
    f.app.insights_query_cancel("widget-8").unwrap();
    let started = Instant::now();
    let e = f.app.insights_query(BOMB, Some("widget-8")).unwrap_err();
    assert!(matches!(e, CoreError::Query { reason: QueryReason::Cancelled, .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
    // The id is free again, and a finished query's id can be cancelled harmlessly.
    assert_eq!(f.app.insights_query("SELECT 1 AS one", Some("widget-7")).unwrap().rows, [vec![Cell::Integer(1)]]);
    f.app.insights_query_cancel("widget-7").unwrap();
}

#[test]
fn two_queries_read_at_once_and_writes_never_wait_for_them() {
    let f = common::open();
    let sandbox = Sandbox::with_limits(f.dir.path(), Limits { time: Duration::from_millis(1200), ..Limits::default() });
    let started = Instant::now();
    std::thread::scope(|s| {
        let a = s.spawn(|| sandbox.query(BOMB, None));
        let b = s.spawn(|| sandbox.query(BOMB, None));
        // Meanwhile the app writes: the sandbox holds neither the Db lock nor a write lock.
        std::thread::sleep(Duration::from_millis(200));
        let write = Instant::now();
        add_task(&f, "Written while two queries run");
        assert!(write.elapsed() < Duration::from_millis(500), "the write waited {:?}", write.elapsed());
        for q in [a, b] {
            assert!(matches!(q.join().unwrap(), Err(CoreError::Query { reason: QueryReason::TimeLimit, .. })));
        }
    });
    // One after the other would take 2.4 s.
    assert!(started.elapsed() < Duration::from_millis(2200), "{:?}", started.elapsed());
    assert_eq!(texts(&sandbox.query("SELECT description FROM tasks", None).unwrap(), 0), ["Written while two queries run"]);
}

#[test]
fn an_error_points_at_the_bad_token() {
    let f = common::open();
    let (reason, message, offset) = refused(&f, "SELECT descriptoin FROM tasks");
    assert_eq!((reason, offset), (QueryReason::SqlError, Some(7)));
    assert_eq!(message, "There is an error in the SQL: no such column: descriptoin (line 1, column 8).");
    // Lines and characters as the editor counts them (UTF-16 code units: 😀 is two).
    let sql = "SELECT '😀' AS face,\n       nope\nFROM tasks";
    let (_, message, offset) = refused(&f, sql);
    assert_eq!(offset, Some(28), "{message}");
    assert!(message.ends_with("no such column: nope (line 2, column 8)."), "{message}");
    let (reason, message, offset) = refused(&f, "SELECT * FROM tasks WHERE");
    assert_eq!(reason, QueryReason::SqlError);
    assert!(message.contains("incomplete input") || message.contains("syntax error"), "{message}");
    assert!(offset.is_none() || offset == Some(25), "{offset:?}");
    let (reason, message, offset) = refused(&f, "SELECT * FROM no_such_table");
    assert_eq!((reason, offset), (QueryReason::SqlError, Some(14)), "{message}");
}

#[test]
fn ordinary_analysis_sql_runs() {
    let f = common::open();
    f.app.complete_onboarding(studydesk_core::account::profile::OnboardingChoice::Sample).unwrap();
    for sql in [
        "SELECT c.name, count(a.id) AS n FROM courses c LEFT JOIN assignments a ON a.course_id = c.id GROUP BY c.id ORDER BY n DESC",
        "SELECT status, count(*) FROM assignments GROUP BY status",
        "SELECT captured_at, value, sum(value) OVER (ORDER BY captured_at) AS running, rank() OVER (ORDER BY value DESC) FROM progress_metrics",
        "SELECT strftime('%Y-%W', created_at) AS week, count(*) FROM tasks GROUP BY week",
        "SELECT key, value FROM json_each('[10, 20, 30]')",
        "SELECT '{\"a\": {\"b\": 2}}' ->> '$.a.b' AS b, json_extract('[1,2]', '$[1]')",
        "SELECT CASE WHEN 1 > 0 THEN 'yes' ELSE 'no' END, coalesce(NULL, 3), round(2.567, 1), abs(-3), iif(1, 'a', 'b')",
        "VALUES (1, 'a'), (2, 'b')",
        "SELECT datetime('now') IS NOT NULL, CURRENT_TIMESTAMP IS NOT NULL, julianday('2026-11-22') - julianday('2026-11-01')",
        "WITH RECURSIVE days(d) AS (SELECT '2026-11-01' UNION ALL SELECT date(d, '+1 day') FROM days WHERE d < '2026-11-30') SELECT d FROM days",
        "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
        "EXPLAIN QUERY PLAN SELECT * FROM tasks WHERE id = 'x'",
        "SELECT group_concat(description, ' | ') FROM tasks",
        "SELECT entity_type, count(*) FROM audit_logs GROUP BY entity_type",
    ] {
        let t = f.app.insights_query(sql, None::<String>).unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert!(!t.columns.is_empty(), "{sql}");
    }
    let t = query(&f, "SELECT name FROM courses ORDER BY name");
    assert!(t.rows.len() >= 2, "{t:?}");
}
