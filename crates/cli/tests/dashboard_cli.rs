//! `dashboard list [--json]` and `dashboard export ID --format csv --out DIR` as a script
//! uses them on the sample semester: "My study" listed with its widgets, one RFC 4180 file
//! per widget named from its title, holding the numbers `insights metric run` gives for
//! the same days; PNG without the app or a display, and unknown dashboards, refused in one
//! line (PNG files themselves are drawn in tests/e2e/insights.test.mjs).

mod run;

use run::{fails, json, ok};
use std::path::Path;

/// The rows of a CSV file the export wrote: CRLF line ends, commas, no quoting needed here.
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(text.ends_with("\r\n"), "{}: RFC 4180 line ends", path.display());
    text.trim_end_matches("\r\n").split("\r\n").map(|l| l.split(',').map(str::to_string).collect()).collect()
}

#[test]
fn my_study_is_listed_and_exported_as_csv_files_with_its_numbers() {
    let d = tempfile::tempdir().unwrap();
    let err = fails(d.path(), &["dashboard", "list"]);
    assert!(err.contains("there is no Studydesk database"), "reads never create one: {err}");
    ok(d.path(), &["sample-data"]);

    let list = json(d.path(), &["dashboard", "list", "--json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0]["row"]["name"].as_str(), list[0]["widget_count"].as_i64()), (Some("My study"), Some(8)));
    assert_eq!(list[0]["layout"]["range"]["preset"], "last_30_days");
    let id = list[0]["row"]["id"].as_str().unwrap();
    let text = ok(d.path(), &["dashboard", "list"]);
    assert_eq!(text, format!("{id}  My study  8 widgets\n"));

    let out = d.path().join("export");
    let said = ok(d.path(), &["dashboard", "export", id, "--format", "csv", "--out", out.to_str().unwrap()]);
    assert_eq!(said.lines().count(), 8, "{said}");
    assert!(said.contains("Minutes-studied-per-day.csv  Minutes studied per day  30 rows"), "{said}");
    let mut names: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Assignments-by-status.csv",
            "Minutes-per-activity.csv",
            "Minutes-studied-per-day.csv",
            "Minutes-studied.csv",
            "Sessions-completed.csv",
            "Streak.csv",
            "Tasks-completed-per-week.csv",
            "Tasks-completed.csv",
        ]
    );

    // Per day: 30 days, the same numbers the metric gives for those days.
    let per_day = csv_rows(&out.join("Minutes-studied-per-day.csv"));
    assert_eq!(per_day[0], ["day", "minutes"]);
    assert_eq!(per_day.len(), 31);
    let (from, to) = (per_day[1][0].clone(), per_day[30][0].clone());
    let metric = json(d.path(), &["insights", "metric", "run", "minutes_studied", "--grain", "day", "--from", &from, "--to", &to, "--json"]);
    let expected: Vec<Vec<String>> = metric["rows"].as_array().unwrap().iter().map(|r| vec![r[0].as_str().unwrap().to_string(), r[1].as_i64().unwrap().to_string()]).collect();
    assert_eq!(per_day[1..], expected[..]);
    let total: i64 = per_day[1..].iter().map(|r| r[1].parse::<i64>().unwrap()).sum();
    assert!(total > 0, "the sample semester studied in the last 30 days");

    // The card's total is the sum of the days; per activity sums to it too.
    let card = csv_rows(&out.join("Minutes-studied.csv"));
    assert_eq!(card, [vec!["minutes".to_string()], vec![total.to_string()]]);
    let per_activity = csv_rows(&out.join("Minutes-per-activity.csv"));
    assert_eq!(per_activity[0][..2], ["activity", "minutes"]);
    assert_eq!(per_activity[1..].iter().map(|r| r[1].parse::<i64>().unwrap()).sum::<i64>(), total);

    // Exporting again replaces the files (no "(2)" copies next to them).
    ok(d.path(), &["dashboard", "export", id, "--out", out.to_str().unwrap()]);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 8);
}

/// `dashboard export --format png` run with these environment variables (and without
/// DISPLAY / WAYLAND_DISPLAY unless given): its exit code and stderr.
fn png_export(dir: &Path, id: &str, out: &Path, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_studydesk-cli"));
    cmd.arg("--data-dir").arg(dir).args(["dashboard", "export", id, "--format", "png", "--out"]).arg(out);
    cmd.env_remove("STUDYDESK_DATA_DIR").env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY").env_remove("STUDYDESK_APP");
    cmd.envs(env.iter().copied());
    let done = cmd.output().unwrap();
    assert!(done.stdout.is_empty(), "nothing on stdout");
    (done.status.code(), String::from_utf8(done.stderr).unwrap())
}

/// Pictures are drawn by the app (the end-to-end test draws real ones): without the app,
/// or on Linux without a display, the CLI says so in one line before starting anything;
/// an unknown dashboard is refused for either format.
#[test]
fn png_without_the_app_or_a_display_and_unknown_dashboards_are_refused_in_one_line() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), &["init"]);
    let id = json(d.path(), &["dashboard", "list", "--json"])[0]["row"]["id"].as_str().unwrap().to_string();
    let out = d.path().join("pictures");
    let missing = d.path().join("no-app-here");
    let (code, err) = png_export(d.path(), &id, &out, &[("STUDYDESK_APP", missing.to_str().unwrap())]);
    assert_eq!(code, Some(1));
    assert!(err.starts_with("error (validation): PNG export draws the charts in the Studydesk app"), "{err}");
    assert!(err.contains("STUDYDESK_APP"), "{err}");
    if cfg!(target_os = "linux") {
        // The app exists (the test's own executable stands in: it is never started).
        let (code, err) = png_export(d.path(), &id, &out, &[("STUDYDESK_APP", env!("CARGO_BIN_EXE_studydesk-cli"))]);
        assert_eq!(code, Some(1));
        assert_eq!(err.trim_end(), "error (validation): PNG export draws the charts in a window, and there is no display: run it in a desktop session, or under xvfb-run");
    }
    assert!(!out.exists(), "nothing written");
    let err = fails(d.path(), &["dashboard", "export", "no-such-dashboard", "--format", "csv", "--out", out.to_str().unwrap()]);
    assert!(err.starts_with("error (not_found)"), "{err}");
    let (code, err) = png_export(d.path(), "no-such-dashboard", &out, &[]);
    assert_eq!(code, Some(1));
    assert!(err.starts_with("error (not_found)"), "{err}");
    assert!(!out.exists(), "nothing written");
}
