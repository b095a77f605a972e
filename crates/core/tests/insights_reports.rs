//! Scheduled reports (issue 16 item 2) with an injected clock and a real database file:
//! a report runs at its local time, once; a run missed while the computer was off runs
//! once at the next start (not once per missed period); the claim is exactly once across
//! two processes' worth of connections; "run now" writes a file read back by an
//! independent reader and leaves the schedule alone; bad input is refused in words with
//! nothing written.

mod common;

use chrono::{DateTime, Utc};
use common::{refused, Fixture};
use studydesk_core::api::Studydesk;
use studydesk_core::insights::reports::schedule::Schedule;
use studydesk_core::insights::reports::{ReportDraft, ReportFileFormat};
use studydesk_core::insights::rows::WidgetType;
use studydesk_core::insights::widgets::{WidgetConfig, WidgetDraft, WidgetSource};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A dashboard with a line chart of minutes studied per day; its id.
fn dashboard(f: &Fixture) -> String {
    let d = f.app.dashboard_create(studydesk_core::insights::dashboards::DashboardEdit { name: Some("Reading".into()), ..Default::default() }).unwrap();
    let w = WidgetDraft {
        kind: WidgetType::LineChart,
        config: WidgetConfig {
            title: "Minutes per day".into(),
            source: WidgetSource::Metric { metric: "minutes_studied".into(), grain: "day".into(), course_id: None, activity_id: None },
            ..Default::default()
        },
        query: None,
        data_source_id: None,
        position: None,
    };
    f.app.insights_widget_add(&d.row.id, w).unwrap();
    d.row.id
}

fn draft(f: &Fixture, dashboard_id: &str, format: ReportFileFormat, schedule: Schedule) -> ReportDraft {
    ReportDraft {
        name: "Weekly reading".into(),
        dashboard_id: dashboard_id.into(),
        format,
        schedule,
        output_dir: f.dir.path().join("out").display().to_string(),
        widget_ids: None,
        recipients: None,
        is_active: None,
    }
}

fn files(f: &Fixture) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(f.dir.path().join("out")).map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()).unwrap_or_default();
    v.sort();
    v
}

// The fixture's zone is Tokyo (UTC+9): 08:00 there is 23:00Z the day before.

#[test]
fn a_daily_report_runs_at_its_local_time_once_and_a_missed_week_runs_once() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let d = dashboard(&f);
    let r = f.app.report_create(draft(&f, &d, ReportFileFormat::Csv, Schedule::Daily { time: "08:00".into() })).unwrap();
    assert_eq!(r.next_run_at.as_deref(), Some("2026-11-23T23:00:00.000Z"), "08:00 in Tokyo");
    assert_eq!(r.last_sent, None);

    f.clock.set(at("2026-11-23T22:59:00Z"));
    assert!(f.app.reports_run_due().unwrap().is_empty(), "not yet");
    f.clock.set(at("2026-11-23T23:00:30Z"));
    let runs = f.app.reports_run_due().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].error, None);
    assert!(runs[0].file.as_deref().unwrap().ends_with("Weekly-reading-2026-11-24-0800.zip"), "{:?}", runs[0].file);
    assert!(f.app.reports_run_due().unwrap().is_empty(), "the same minute again: nothing");
    let now = f.app.report_list().unwrap().remove(0);
    assert_eq!(now.last_sent.as_deref(), Some("2026-11-23T23:00:30.000Z"));
    assert_eq!(now.next_run_at.as_deref(), Some("2026-11-24T23:00:00.000Z"));
    assert_eq!(now.last_output, runs[0].file);

    // The computer is off for a week: one run at the next start, the next one tomorrow.
    f.clock.set(at("2026-12-01T03:00:00Z"));
    let runs = f.app.reminders_run_once().unwrap().reports;
    assert_eq!(runs.len(), 1, "once, not once per missed day");
    assert!(f.app.reports_run_due().unwrap().is_empty());
    let now = f.app.report_list().unwrap().remove(0);
    assert_eq!(now.next_run_at.as_deref(), Some("2026-12-01T23:00:00.000Z"));
    assert_eq!(files(&f).len(), 2);
}

#[test]
fn two_processes_run_a_due_report_once() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let d = dashboard(&f);
    f.app.report_create(draft(&f, &d, ReportFileFormat::Excel, Schedule::Daily { time: "09:30".into() })).unwrap();
    let other = Studydesk::open(f.dir.path(), std::sync::Arc::new(f.clock.clone())).unwrap();
    f.clock.set(at("2026-11-24T01:00:00Z"));
    let a = std::thread::scope(|s| {
        let one = s.spawn(|| f.app.reports_run_due().unwrap().len());
        let two = s.spawn(|| other.reports_run_due().unwrap().len());
        one.join().unwrap() + two.join().unwrap()
    });
    assert_eq!(a, 1, "exactly one process ran it");
    assert_eq!(files(&f).len(), 1);
}

#[test]
fn run_now_writes_a_readable_file_and_keeps_the_schedule() {
    let f = common::open();
    f.clock.set(at("2026-11-23T00:00:00Z"));
    let d = dashboard(&f);
    let r = f.app.report_create(draft(&f, &d, ReportFileFormat::Csv, Schedule::Monthly { day: 1, time: "08:00".into() })).unwrap();
    let run = f.app.report_run_now(&r.id).unwrap();
    let file = run.file.unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    assert_eq!(zip.file_names().map(|n| n.unwrap().to_string()).collect::<Vec<_>>(), ["Minutes-per-day.csv"]);
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_index(0).unwrap(), &mut text).unwrap();
    assert!(text.starts_with("period,minutes") || text.lines().count() >= 2, "{text}");
    let after = f.app.report_list().unwrap().remove(0);
    assert_eq!(after.next_run_at, r.next_run_at, "run now does not move the schedule");
    assert_eq!(after.last_sent.as_deref(), Some("2026-11-23T00:00:00.000Z"));
    assert_eq!(after.last_output.as_deref(), Some(file.as_str()));

    // A folder that cannot be written: a clear error, stored for the UI, nothing written.
    let blocked = f.dir.path().join("a-file");
    std::fs::write(&blocked, "x").unwrap();
    let err = f.app.report_run(&r.id, Some(&blocked.join("sub"))).unwrap_err().to_string();
    assert!(err.contains("could not be written into the folder"), "{err}");
    let after = f.app.report_list().unwrap().remove(0);
    assert!(after.last_error.as_deref().unwrap_or("").contains("could not be written"), "{after:?}");
}

#[test]
fn bad_input_is_refused_in_words_with_nothing_written() {
    let f = common::open();
    let d = dashboard(&f);
    let ok = draft(&f, &d, ReportFileFormat::Pdf, Schedule::Daily { time: "08:00".into() });
    let feb30 = ReportDraft { schedule: Schedule::Monthly { day: 30, time: "08:00".into() }, ..ok.clone() };
    assert!(refused(f.app.report_create(feb30)).contains("day 30 is not in every month"));
    assert!(refused(f.app.report_create(ReportDraft { name: " ".into(), ..ok.clone() })).contains("needs a name"));
    assert!(refused(f.app.report_create(ReportDraft { output_dir: "relative/dir".into(), ..ok.clone() })).contains("full path"));
    let file = f.dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    assert!(refused(f.app.report_create(ReportDraft { output_dir: file.display().to_string(), ..ok.clone() })).contains("is a file, not a folder"));
    assert!(refused(f.app.report_create(ReportDraft { recipients: Some(vec!["nobody".into()]), ..ok.clone() })).contains("not an e-mail address"));
    assert!(refused(f.app.report_create(ReportDraft { widget_ids: Some(vec!["0190f0f0-0000-7000-8000-000000000000".into()]), ..ok.clone() })).contains("is not on the dashboard"));
    assert_eq!(f.app.report_create(ReportDraft { dashboard_id: "0190f0f0-0000-7000-8000-000000000000".into(), ..ok.clone() }).unwrap_err().kind(), "not_found");
    assert!(f.app.report_list().unwrap().is_empty(), "nothing written");
    // Turned off: never due; turned on: from now, no catch-up.
    let r = f.app.report_create(ok).unwrap();
    f.app.report_set_active(&r.id, false).unwrap();
    f.clock.set(at("2026-12-30T00:00:00Z"));
    assert!(f.app.reports_run_due().unwrap().is_empty());
    let on = f.app.report_set_active(&r.id, true).unwrap();
    assert_eq!(on.next_run_at.as_deref(), Some("2026-12-30T23:00:00.000Z"));
    f.app.report_delete(&r.id).unwrap();
    assert!(f.app.report_list().unwrap().is_empty());
}
