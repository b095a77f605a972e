//! `insights query SQL [--json]` as a script uses it: the user's SELECT answers their rows
//! as JSON and as a table, a DELETE is refused in words (exit 1, one line, nothing on
//! stdout) and deletes nothing, and a huge LIMIT is capped.

mod run;

use run::{fails, json, ok};

#[test]
fn a_select_answers_as_json_and_as_a_table() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    for text in ["Read chapter 1", "Essay outline"] {
        ok(d.path(), &["task", "add", text]);
    }
    let sql = "SELECT description, length(description) AS chars FROM tasks ORDER BY description";
    let table = json(d.path(), &["insights", "query", sql, "--json"]);
    assert_eq!(table["rows"], serde_json::json!([["Essay outline", 13], ["Read chapter 1", 14]]));
    assert_eq!(table["columns"], serde_json::json!([{"name": "description", "kind": "text"}, {"name": "chars", "kind": "integer"}]));
    assert_eq!(table["truncated"], false);
    let text = ok(d.path(), &["insights", "query", sql]);
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect()).collect();
    assert_eq!(lines, [vec!["description", "chars"], vec!["Essay outline", "13"], vec!["Read chapter 1", "14"]]);
}

#[test]
fn a_delete_is_refused_in_words_and_deletes_nothing() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    ok(d.path(), &["task", "add", "Keep me"]);
    let err = fails(d.path(), &["insights", "query", "DELETE FROM tasks", "--json"]);
    assert_eq!(err.trim_end(), "error (query): Only reading is allowed here: DELETE changes data (line 1, column 1).");
    let err = fails(d.path(), &["insights", "query", "SELECT 1; DROP TABLE tasks"]);
    assert!(err.starts_with("error (query): Only one statement can run at a time"), "{err}");
    assert_eq!(json(d.path(), &["task", "list", "--json"]).as_array().unwrap().len(), 1);
}

#[test]
fn a_huge_limit_is_capped_and_said() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let sql = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r LIMIT 1000000000";
    let table = json(d.path(), &["insights", "query", sql, "--json"]);
    assert_eq!((table["rows"].as_array().unwrap().len(), &table["truncated"]), (10_000, &serde_json::json!(true)));
    let text = ok(d.path(), &["insights", "query", sql]);
    assert_eq!(text.lines().count(), 10_002, "header, 10,000 rows, the note");
    assert_eq!(text.lines().last(), Some("(more rows were left out)"));
}
