//! `report add|list|run|delete` as a script runs them on "My study" with sample data: a
//! weekly PDF report read back by poppler-utils, the schedule's words, "run now" into a
//! chosen folder, the scheduled run by `remind run --once` (once, then not again), and bad
//! input as one line, exit 1, nothing written.

mod run;

use run::{fails, json, ok};
use std::path::Path;
use std::process::Command;

fn my_study(dir: &Path) -> String {
    ok(dir, &["sample-data"]);
    let list = json(dir, &["dashboard", "list", "--json"]);
    list[0]["row"]["id"].as_str().unwrap().to_string()
}

#[test]
fn a_weekly_pdf_report_is_added_run_and_read_by_a_pdf_reader() {
    let d = tempfile::tempdir().unwrap();
    let id = my_study(d.path());
    let out = d.path().join("reports");
    let r = json(
        d.path(),
        &["--clock-from", "2026-12-06T12:00:00Z", "report", "add", "Weekly study", "--dashboard", &id, "--format", "pdf", "--weekly", "mon,thu", "08:00", "--out", out.to_str().unwrap(), "--json"],
    );
    assert_eq!(r["schedule"], serde_json::json!({"every": "weekly", "days": ["mon", "thu"], "time": "08:00"}));
    assert_eq!(r["format"], "pdf");
    assert!(r["next_run_at"].as_str().is_some());
    let rid = r["id"].as_str().unwrap().to_string();

    let said = ok(d.path(), &["report", "run", &rid]);
    let file = said.trim().strip_prefix("wrote ").unwrap().to_string();
    assert!(file.ends_with(".pdf") && file.starts_with(out.to_str().unwrap()), "{said}");
    let text = Command::new("pdftotext").arg(&file).arg("-").output().expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.contains("Weekly study"), "{text}");
    assert!(text.contains("Minutes studied per day"), "a widget's title: {text}");
    let info = Command::new("pdfinfo").arg(&file).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert!(text.replace(' ', "").contains(&format!("1/{pages}")), "page numbers: {text}");

    let list = json(d.path(), &["report", "list", "--json"]);
    assert_eq!(list[0]["last_output"].as_str(), Some(file.as_str()));

    // Run into another folder as Excel and CSV are the same command with --out.
    let other = d.path().join("elsewhere");
    let run = json(d.path(), &["report", "run", &rid, "--out", other.to_str().unwrap(), "--json"]);
    assert!(run["file"].as_str().unwrap().starts_with(other.to_str().unwrap()));

    ok(d.path(), &["report", "delete", &rid]);
    assert_eq!(json(d.path(), &["report", "list", "--json"]), serde_json::json!([]));
}

#[test]
fn the_background_turn_runs_a_due_report_once() {
    let d = tempfile::tempdir().unwrap();
    let id = my_study(d.path());
    let out = d.path().join("r");
    // The sample user's zone; a daily report at 08:00 there.
    json(d.path(), &["--clock-from", "2026-12-06T00:00:00Z", "report", "add", "Daily", "--dashboard", &id, "--format", "csv", "--daily", "08:00", "--out", out.to_str().unwrap(), "--json"]);
    let next = json(d.path(), &["report", "list", "--json"])[0]["next_run_at"].as_str().unwrap().to_string();
    // Three days later (missed runs): one file, then nothing more at once.
    let later = (chrono::DateTime::parse_from_rfc3339(&next).unwrap() + chrono::Duration::days(3)).to_rfc3339();
    let said = ok(d.path(), &["--clock-from", &later, "remind", "run", "--once"]);
    assert!(said.contains("report\tDaily\t"), "{said}");
    let again = ok(d.path(), &["--clock-from", &later, "remind", "run", "--once"]);
    assert!(!again.contains("report\t"), "{again}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn bad_input_is_one_line_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let id = my_study(d.path());
    let out = d.path().join("r");
    let o = out.to_str().unwrap();
    let err = fails(d.path(), &["report", "add", "X", "--dashboard", &id, "--format", "pdf", "--monthly", "30", "08:00", "--out", o]);
    assert!(err.contains("day 30 is not in every month"), "{err}");
    let err = fails(d.path(), &["report", "add", "X", "--dashboard", &id, "--format", "pdf", "--monthly", "first", "08:00", "--out", o]);
    assert!(err.contains("must be a number from 1 to 28"), "{err}");
    let err = fails(d.path(), &["report", "add", "X", "--dashboard", &id, "--format", "excel", "--weekly", "someday", "08:00", "--out", o]);
    assert!(err.contains("not a day of the week"), "{err}");
    let err = fails(d.path(), &["report", "add", "X", "--dashboard", &id, "--format", "csv", "--daily", "8pm", "--out", o]);
    assert!(err.contains("HH:MM"), "{err}");
    assert_eq!(json(d.path(), &["report", "list", "--json"]), serde_json::json!([]));
    let err = fails(d.path(), &["report", "run", "not-an-id"]);
    assert!(err.contains("report"), "{err}");
}
