//! `source add-csv FILE [--name N] [--json]`, `source list [--json]`, `source refresh ID`
//! and `source delete ID` as a script uses them: a CSV becomes a source listed with its
//! typed columns, a ragged file is refused in one line with nothing written, a refresh
//! reads the copy again, a delete removes it.

mod run;

use run::{fails, json, ok};
use std::path::Path;

fn sources(dir: &Path) -> Vec<serde_json::Value> {
    json(dir, &["source", "list", "--json"]).as_array().unwrap().clone()
}

#[test]
fn a_csv_is_added_listed_refreshed_and_deleted() {
    let d = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let csv = files.path().join("exam scores.csv");
    std::fs::write(&csv, "student;score;taken_on\nAlice;90;2024-05-01\nBob;85,5;2024-05-02\n").unwrap();
    let added = json(d.path(), &["source", "add-csv", csv.to_str().unwrap(), "--json"]);
    assert_eq!(added["name"], "exam scores", "named after the file");
    assert_eq!((added["table"].as_str(), added["rows"].as_i64(), added["delimiter"].as_str()), (Some("exam_scores"), Some(2), Some(";")));
    let kinds: Vec<&str> = added["columns"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["text", "text", "date"], "85,5 is not a number here");

    let other = files.path().join("minutes.csv");
    std::fs::write(&other, "day,minutes\n2024-05-01,30\n").unwrap();
    let out = ok(d.path(), &["source", "add-csv", other.to_str().unwrap(), "--name", "Study minutes"]);
    assert!(out.starts_with("added ") && out.contains("Study minutes  csv  connected  sources.study_minutes  1 rows"), "{out}");
    assert!(out.contains("  minutes  Integer"), "{out}");

    let list = sources(d.path());
    let names: Vec<&str> = list.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["exam scores", "Study minutes"]);
    assert!(list.iter().all(|s| s["data_here"] == true && s["status"] == "connected"));
    let id = added["id"].as_str().unwrap();
    let line = ok(d.path(), &["source", "list"]);
    assert!(line.contains(&format!("{id}  exam scores  csv  connected  sources.exam_scores  2 rows")), "{line}");

    let refreshed = ok(d.path(), &["source", "refresh", id]);
    assert!(refreshed.starts_with("refreshed ") && refreshed.contains("2 rows"), "{refreshed}");

    ok(d.path(), &["source", "delete", id]);
    assert_eq!(sources(d.path()).len(), 1);
    let err = fails(d.path(), &["source", "delete", id]);
    assert!(err.starts_with("error (not_found)"), "{err}");
    let copies = std::fs::read_dir(d.path().join("sources")).unwrap().count();
    assert_eq!(copies, 1, "the deleted source's copy is gone");
}

#[test]
fn bad_files_are_refused_in_one_line_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let ragged = files.path().join("ragged.csv");
    std::fs::write(&ragged, "a,b,c\n1,2,3\n4,5\n").unwrap();
    let err = fails(d.path(), &["source", "add-csv", ragged.to_str().unwrap()]);
    assert!(err.starts_with("error (validation)") && err.contains("line 3 has 2 fields"), "{err}");
    let binary = files.path().join("photo.csv");
    std::fs::write(&binary, b"\xFF\xD8\xFF\xE0\0\x10JFIF\0").unwrap();
    let err = fails(d.path(), &["source", "add-csv", binary.to_str().unwrap()]);
    assert!(err.contains("not CSV text"), "{err}");
    let err = fails(d.path(), &["source", "add-csv", files.path().join("missing.csv").to_str().unwrap()]);
    assert!(err.starts_with("error (io)"), "{err}");
    assert!(sources(d.path()).is_empty());
    assert!(!d.path().join("sources").exists(), "no file copied");
}
