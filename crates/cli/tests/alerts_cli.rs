//! `alert add|list|check|snooze|delete` as a script runs them, with the clock set by
//! `--clock-from`: a study session makes "minutes studied today" pass the threshold, one
//! check delivers once, the next ones do not; bad input is one line, exit 1, nothing written.

mod run;

use run::{cli, fails, json, ok};
use std::path::Path;

/// `args` run with the app's clock starting at `at`.
fn at(dir: &Path, at: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--clock-from", at];
    all.extend_from_slice(args);
    json(dir, &all)
}

fn at_ok(dir: &Path, at: &str, args: &[&str]) -> String {
    let mut all = vec!["--clock-from", at];
    all.extend_from_slice(args);
    ok(dir, &all)
}

fn studied(dir: &Path, from: &str, to: &str) {
    at_ok(dir, from, &["session", "start", "--name", "Study"]);
    at_ok(dir, to, &["session", "complete"]);
}

#[test]
fn an_alert_on_minutes_studied_fires_once() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let a = at(d.path(), "2026-11-23T12:00:00Z", &["alert", "add", "Half an hour", "--metric", "minutes_studied", "--above", "30", "--json"]);
    assert_eq!(a["status"], "active");
    assert_eq!(a["threshold_type"], "above");
    studied(d.path(), "2026-11-23T12:01:00Z", "2026-11-23T12:41:00Z");

    let t = at(d.path(), "2026-11-23T12:45:00Z", &["alert", "check", "--once", "--json"]);
    assert_eq!(t["evaluated"], 1);
    assert_eq!(t["delivered"].as_array().map(Vec::len), Some(1), "{t}");
    assert_eq!(t["delivered"][0]["title"], "Half an hour");
    let t = at(d.path(), "2026-11-23T12:50:00Z", &["alert", "check", "--once", "--json"]);
    assert_eq!((t["evaluated"].as_i64(), t["delivered"].as_array().map(Vec::len)), (Some(0), Some(0)), "not due yet");
    let t = at(d.path(), "2026-11-23T13:05:00Z", &["alert", "check", "--once", "--json"]);
    assert_eq!((t["evaluated"].as_i64(), t["delivered"].as_array().map(Vec::len)), (Some(1), Some(0)), "still holding");

    let list = json(d.path(), &["alert", "list", "--json"]);
    assert_eq!(list[0]["status"], "triggered");
    assert_eq!(list[0]["last_value"], 40.0);
    assert_eq!(list[0]["check_every_minutes"], 15);
    let id = list[0]["id"].as_str().unwrap().to_string();
    assert!(ok(d.path(), &["alert", "snooze", &id, "--minutes", "30"]).starts_with("snoozed until"));
    ok(d.path(), &["alert", "delete", &id]);
    assert_eq!(json(d.path(), &["alert", "list", "--json"]), serde_json::json!([]));
}

#[test]
fn bad_thresholds_are_refused_in_words() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let err = fails(d.path(), &["alert", "add", "X", "--metric", "minutes_studied", "--above", "ninety"]);
    assert!(err.starts_with("error (validation): the threshold must be a number"), "{err}");
    let err = fails(d.path(), &["alert", "add", "X", "--metric", "minutes_walked", "--below", "3"]);
    assert!(err.contains("there is no metric \"minutes_walked\""), "{err}");
    let err = fails(d.path(), &["alert", "add", "X", "--metric", "minutes_studied", "--above", "1", "--digest", "--at", "7pm"]);
    assert!(err.contains("HH:MM"), "{err}");
    // No rule at all is a usage error (clap, exit 2).
    assert_eq!(cli(d.path(), &["alert", "add", "X", "--metric", "minutes_studied"]).status.code(), Some(2));
    assert_eq!(json(d.path(), &["alert", "list", "--json"]), serde_json::json!([]), "nothing written");
    // A negative threshold is a number.
    ok(d.path(), &["alert", "add", "Fell by half", "--metric", "minutes_studied", "--change-percent", "-50"]);
}

#[test]
fn change_percent_against_a_zero_previous_day_delivers_nothing_and_says_so() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    at_ok(d.path(), "2026-11-23T12:00:00Z", &["alert", "add", "Doubled", "--metric", "minutes_studied", "--change-percent", "100"]);
    studied(d.path(), "2026-11-23T12:01:00Z", "2026-11-23T12:41:00Z");
    let t = at(d.path(), "2026-11-23T12:45:00Z", &["alert", "check", "--once", "--json"]);
    assert_eq!((t["evaluated"].as_i64(), t["delivered"].as_array().map(Vec::len)), (Some(1), Some(0)));
    let list = json(d.path(), &["alert", "list", "--json"]);
    assert_eq!(list[0]["no_change"], true);
    assert_eq!(list[0]["status"], "active");
}

#[test]
fn an_alert_watches_one_metric_widget_or_model_field() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let ghost = "01930000-0000-7000-8000-00000000abcd";
    let err = fails(d.path(), &["alert", "add", "X", "--widget", ghost, "--above", "1"]);
    assert!(err.starts_with("error (not_found):") && err.contains("widget"), "{err}");
    let err = fails(d.path(), &["alert", "add", "X", "--model", ghost, "--field", "score", "--above", "1"]);
    assert!(err.starts_with("error (not_found):") && err.contains("model"), "{err}");
    // A model needs its field; two targets, or none, are usage errors (clap, exit 2).
    assert_eq!(cli(d.path(), &["alert", "add", "X", "--model", ghost, "--above", "1"]).status.code(), Some(2));
    assert_eq!(cli(d.path(), &["alert", "add", "X", "--metric", "minutes_studied", "--widget", ghost, "--above", "1"]).status.code(), Some(2));
    assert_eq!(cli(d.path(), &["alert", "add", "X", "--above", "1"]).status.code(), Some(2));
    assert_eq!(json(d.path(), &["alert", "list", "--json"]), serde_json::json!([]), "nothing written");
}
