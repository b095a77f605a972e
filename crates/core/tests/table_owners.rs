//! Each table's SQL lives in the room that owns it.
//!
//! The owner of a table is the room whose source declares its row type
//! (`table_row! { … struct X in "table" … }`: `planner/rows.rs` makes `planner` the owner of
//! `tasks`). Every `.rs` file of `crates/core/src` is read without comments and unit-test
//! modules, and every statement naming a table (`FROM`, `JOIN`, `INTO`, `UPDATE`,
//! `TABLE`, `DELETE FROM`; the code writes SQL keywords in capitals) is checked: a room may name only its own tables; another room's
//! rows are reached through that room's functions.
//!
//! The infrastructure is the exception, declared below with why: `db` (capture, doctor,
//! the write path's audit trail) and `sync` (it mirrors every table's changes, and keeps
//! its own bookkeeping tables, which have no row type). The declared readers (Insights'
//! built-in metrics) may read any table and write none: a `FROM` or `JOIN` of another
//! room's table is theirs to make, an `INSERT INTO`, `UPDATE`, `DELETE FROM` or `TABLE` is not.

mod source;

use source::{load, src, File};
use std::collections::BTreeMap;
use std::path::Path;

/// Modules allowed to name any table, and why.
const INFRASTRUCTURE: &[(&str, &str)] = &[
    ("db", "the write path: capture triggers for every table, the audit trail, doctor's checks"),
    ("sync", "mirrors every synced table's changes generically and keeps its own bookkeeping"),
];

/// Modules (a module path and everything under it) that only read, and may read any
/// room's tables, and why. They write no table, not even one of their own room's.
const READERS: &[(&str, &str)] = &[(
    "insights/metrics",
    "the built-in study metrics: read-only aggregates over the study rooms' tables, answered as insights tables (docs/architecture.md)",
)];

/// Tables made by migrations without a row type: sync's bookkeeping (and `local_meta`,
/// the device's facts, owned by `db::meta`).
const BOOKKEEPING: &[&str] = &["sync_apply_errors", "sync_causal", "sync_changes", "sync_files", "sync_refused"];

/// The room a file belongs to: its first module (`planner` for `planner/calendar/store.rs`,
/// `sample` for `sample.rs`).
fn room(file: &File) -> String {
    file.module.first().cloned().unwrap_or_else(|| "lib".into())
}

/// table -> owning room, from the `table_row!` declarations.
fn owners(files: &[File]) -> BTreeMap<String, String> {
    let mut owners = BTreeMap::new();
    for f in files {
        let mut rest = f.text.as_str();
        while let Some(at) = rest.find("table_row!") {
            rest = &rest[at + "table_row!".len()..];
            let Some(struct_at) = rest.find("struct ") else { break };
            let decl = &rest[struct_at..];
            let Some(in_at) = decl.find(" in \"") else { continue };
            let name: String = decl[in_at + 5..].chars().take_while(|c| *c != '"').collect();
            owners.insert(name, room(f));
        }
    }
    // Device-local facts (`db::meta`), and sync's own bookkeeping.
    owners.insert("local_meta".into(), "db".into());
    for t in BOOKKEEPING {
        owners.insert(t.to_string(), "sync".into());
    }
    owners
}

/// Whether a file is one of the declared [`READERS`].
fn is_reader(file: &File) -> bool {
    let path = file.module.join("/");
    READERS.iter().any(|(m, _)| path == *m || path.starts_with(&format!("{m}/")))
}

/// `(line, reads, table)` of every table a file's statements name (a keyword and its table
/// may be on two lines); `reads` is true for a `FROM` (not `DELETE FROM`) or a `JOIN`.
fn tables_named(text: &str, known: &BTreeMap<String, String>) -> Vec<(usize, bool, String)> {
    let mut words = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for w in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).filter(|w| !w.is_empty()) {
            words.push((n + 1, w));
        }
    }
    let mut found = Vec::new();
    for (i, pair) in words.windows(2).enumerate() {
        let ((_, keyword), (line, word)) = (pair[0], pair[1]);
        if !matches!(keyword, "FROM" | "JOIN" | "INTO" | "UPDATE" | "TABLE") {
            continue;
        }
        let deletes = keyword == "FROM" && i > 0 && words[i - 1].1 == "DELETE";
        let reads = matches!(keyword, "FROM" | "JOIN") && !deletes;
        let name = word.trim_start_matches("main.").trim_start_matches("temp.");
        if known.contains_key(name) {
            found.push((line, reads, name.to_string()));
        }
    }
    found
}

/// "file:line names table (owned by room)" for every statement outside its owner.
fn violations(src: &Path) -> Vec<String> {
    let files = load(src);
    let owners = owners(&files);
    let mut out = Vec::new();
    for f in &files {
        let here = room(f);
        if INFRASTRUCTURE.iter().any(|(m, _)| *m == here) {
            continue;
        }
        let reader = is_reader(f);
        for (line, reads, table) in tables_named(&f.text, &owners) {
            let owner = &owners[&table];
            if reader && !reads {
                out.push(format!("{}.rs:{line} writes `{table}` (a declared reader writes nothing)", f.module.join("/")));
            } else if *owner != here && !reader {
                out.push(format!("{}.rs:{line} names `{table}` (owned by {owner})", f.module.join("/")));
            }
        }
    }
    out
}

#[test]
fn every_table_is_queried_only_by_its_room() {
    let found = violations(&src());
    assert!(
        found.is_empty(),
        "SQL on another room's table (call a function of the owning room instead):\n{}",
        found.join("\n")
    );
}

#[test]
fn every_table_has_an_owner() {
    let files = load(&src());
    let owners = owners(&files);
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&migrations).expect("migrations") {
        let sql = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        for part in sql.split("CREATE TABLE").skip(1) {
            let name: String = part
                .trim_start()
                .trim_start_matches("IF NOT EXISTS")
                .trim_start()
                .trim_start_matches('"')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !owners.contains_key(&name) {
                missing.push(name);
            }
        }
    }
    assert!(missing.is_empty(), "tables without a row type or a declared bookkeeping owner: {missing:?}");
}

/// The checker finds a room reading another's table (so a green run means something).
#[test]
fn the_checker_sees_a_foreign_query() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    for room in ["planner", "focus", "sync"] {
        std::fs::create_dir_all(src.join(room)).unwrap();
    }
    std::fs::write(src.join("lib.rs"), "pub mod planner;\npub mod focus;\npub mod sync;\n").unwrap();
    std::fs::write(src.join("planner/rows.rs"), "table_row! {\n    pub struct Task in \"tasks\" export { pub id: String }\n}\n").unwrap();
    std::fs::write(src.join("focus/rows.rs"), "table_row! {\n    pub struct Session in \"idle_sessions\" { pub id: String }\n}\n").unwrap();
    std::fs::write(
        src.join("planner/tasks.rs"),
        "fn own() { q(\"SELECT * FROM tasks\"); }\n// SELECT * FROM idle_sessions (a comment)\n#[cfg(test)]\nmod tests { fn t() { q(\"DELETE FROM idle_sessions\"); } }\n",
    )
    .unwrap();
    std::fs::write(src.join("focus/progress.rs"), "fn count() {\n    q(\"SELECT count(*) FROM main.tasks WHERE 1\");\n    q(\"SELECT 1 FROM\n       tasks\");\n}\n").unwrap();
    std::fs::write(src.join("sync/apply.rs"), "fn any() { q(\"UPDATE tasks SET id = 1\"); }\n").unwrap();
    assert_eq!(
        violations(src),
        vec!["focus/progress.rs:2 names `tasks` (owned by planner)".to_string(), "focus/progress.rs:4 names `tasks` (owned by planner)".to_string()]
    );
}

/// A declared reader reads any room's tables and writes none, its own room's included.
#[test]
fn the_checker_lets_a_reader_read_and_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    for room in ["planner", "insights/metrics"] {
        std::fs::create_dir_all(src.join(room)).unwrap();
    }
    std::fs::write(src.join("lib.rs"), "pub mod planner;\npub mod insights;\n").unwrap();
    std::fs::write(src.join("planner/rows.rs"), "table_row! {\n    pub struct Task in \"tasks\" { pub id: String }\n}\n").unwrap();
    std::fs::write(src.join("insights/rows.rs"), "table_row! {\n    pub struct Widget in \"widgets\" { pub id: String }\n}\n").unwrap();
    std::fs::write(
        src.join("insights/metrics/tasks.rs"),
        "fn read() { q(\"SELECT count(*) FROM tasks t JOIN tasks u ON 1\"); }\nfn write() {\n    q(\"DELETE FROM tasks\");\n    q(\"UPDATE widgets SET id = 1\");\n}\n",
    )
    .unwrap();
    std::fs::write(src.join("insights/dash.rs"), "fn other() { q(\"SELECT 1 FROM tasks\"); }\n").unwrap();
    assert_eq!(
        violations(src),
        vec![
            "insights/dash.rs:1 names `tasks` (owned by planner)".to_string(),
            "insights/metrics/tasks.rs:3 writes `tasks` (a declared reader writes nothing)".to_string(),
            "insights/metrics/tasks.rs:4 writes `widgets` (a declared reader writes nothing)".to_string(),
        ]
    );
}
