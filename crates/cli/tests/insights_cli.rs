//! `insights metric list|run|value` as a script uses them: the catalog, a metric over days
//! counted from tasks and a session done through the CLI itself, a metric card, and the
//! refusals in words (exit 1, one line, nothing on stdout).

mod run;

use run::{fails, json, ok};

/// Yesterday and tomorrow in UTC: today's rows fall between, whenever the test runs.
fn around_today() -> (String, String) {
    let today = chrono::Utc::now().date_naive();
    ((today - chrono::Days::new(1)).to_string(), (today + chrono::Days::new(1)).to_string())
}

#[test]
fn the_catalog_is_listed_in_words_and_as_json() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let list = json(d.path(), &["insights", "metric", "list", "--json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 14);
    let minutes = list.iter().find(|m| m["id"] == "minutes_studied").unwrap();
    assert_eq!(minutes["grains"], serde_json::json!(["day", "week", "month", "course", "activity", "total"]));
    assert_eq!(minutes["unit"], "minutes");
    assert_eq!(minutes["widget"], "bar_chart");
    let text = ok(d.path(), &["insights", "metric", "list"]);
    assert!(text.lines().any(|l| l.starts_with("tasks_overdue") && l.contains("per day, week, month, total")), "{text}");
}

#[test]
fn a_metric_counts_what_the_cli_did_per_day_and_in_total() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    for text in ["Read chapter 1", "Read chapter 2", "Not done yet"] {
        let id = ok(d.path(), &["task", "add", text]);
        if text.starts_with("Read") {
            ok(d.path(), &["task", "done", id.trim()]);
        }
    }
    ok(d.path(), &["session", "start", "--name", "Revision"]);
    ok(d.path(), &["session", "complete"]);
    let (from, to) = around_today();
    let range = ["--from", from.as_str(), "--to", to.as_str(), "--tz", "UTC"];

    let args = [&["insights", "metric", "run", "tasks_completed", "--grain", "day"][..], &range, &["--json"]].concat();
    let table = json(d.path(), &args);
    let names: Vec<&str> = table["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["day", "tasks_completed"]);
    assert_eq!(table["columns"][1]["unit"], "tasks");
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "yesterday, today and tomorrow, zeros included");
    assert_eq!(rows[0][0], from.as_str());
    assert_eq!(rows.iter().map(|r| r[1].as_i64().unwrap()).sum::<i64>(), 2);

    let args = [&["insights", "metric", "run", "sessions_completed", "--grain", "total"][..], &range].concat();
    let text = ok(d.path(), &args);
    assert_eq!(text.lines().collect::<Vec<_>>(), ["sessions (sessions)", "1"]);
    let args = [&["insights", "metric", "run", "tasks_completed", "--grain", "week"][..], &range].concat();
    let weeks = ok(d.path(), &args);
    assert_eq!(weeks.lines().next().unwrap().split_whitespace().collect::<Vec<_>>(), ["week", "tasks_completed", "(tasks)"]);

    let args = [&["insights", "metric", "value", "tasks_completed"][..], &range, &["--json"]].concat();
    let card = json(d.path(), &args);
    assert_eq!((card["value"].as_f64(), card["previous"].as_f64(), card["sparkline_grain"].as_str()), (Some(2.0), Some(0.0), Some("day")));
}

#[test]
fn bad_metric_queries_are_refused_in_words() {
    let d = tempfile::tempdir().unwrap();
    let err = fails(d.path(), &["insights", "metric", "list"]);
    assert!(err.contains("there is no Studydesk database"), "reads never create one: {err}");
    ok(d.path(), &["init"]);
    let run = |extra: &[&str]| fails(d.path(), &[&["insights", "metric", "run"][..], extra].concat());
    let err = run(&["tasks_completed", "--grain", "course", "--from", "2026-11-01", "--to", "2026-11-22"]);
    assert!(err.starts_with("error (validation): tasks_completed cannot be shown per course"), "{err}");
    let err = run(&["tasks_completed", "--from", "2026-11-22", "--to", "2026-11-01"]);
    assert!(err.contains("from (2026-11-22) is after to (2026-11-01)"), "{err}");
    let err = run(&["hours_slept", "--from", "2026-11-01", "--to", "2026-11-22"]);
    assert!(err.contains("there is no metric \"hours_slept\"; the metrics are minutes_studied,"), "{err}");
    let err = run(&["tasks_completed", "--grain", "fortnight", "--from", "2026-11-01", "--to", "2026-11-22"]);
    assert!(err.contains("there is no grain \"fortnight\""), "{err}");
    let err = run(&["tasks_completed", "--from", "22/11/2026", "--to", "2026-11-22"]);
    assert!(err.starts_with("error (validation):") && err.contains("from"), "{err}");
    let err = fails(d.path(), &["insights", "metric", "value", "feed_engagement", "--from", "2026-11-01", "--to", "2026-11-22"]);
    assert!(err.contains("no single value"), "{err}");
}
