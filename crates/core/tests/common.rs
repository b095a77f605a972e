//! Shared setup for the core's integration tests: a real database file in a temp folder
//! and a clock the test controls.
#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use std::sync::Arc;
use studydesk_core::api::Studydesk;
use studydesk_core::clock::ManualClock;
use tempfile::TempDir;

pub struct Fixture {
    pub dir: TempDir,
    pub app: Studydesk,
    pub clock: ManualClock,
}

/// Sunday 22 November 2026, 10:00 in Tokyo.
pub fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap()
}

pub fn open() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(start_time());
    let app = Studydesk::open(dir.path(), Arc::new(clock.clone())).unwrap();
    app.settings_update(studydesk_core::account::settings::SettingsPatch {
        timezone: Some("Asia/Tokyo".into()),
        ..Default::default()
    })
    .unwrap();
    Fixture { dir, app, clock }
}

impl Fixture {
    pub fn reopen(self) -> Fixture {
        let Fixture { dir, app, clock } = self;
        drop(app);
        let app = Studydesk::open(dir.path(), Arc::new(clock.clone())).unwrap();
        Fixture { dir, app, clock }
    }

    pub fn count(&self, table: &str) -> i64 {
        self.app.db().read(|c| Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)).unwrap()
    }

    /// Row counts of the user tables and both change records, to prove nothing moved.
    pub fn footprint(&self) -> Vec<(String, i64)> {
        [
            "tasks",
            "task_lists",
            "assignments",
            "courses",
            "progress_metrics",
            "user_settings",
            "sync_changes",
            "audit_logs",
        ]
        .iter()
        .map(|t| (t.to_string(), self.count(t)))
        .collect()
    }
}

/// The rows `sql` answers in the Insights sandbox (which reads the `sources.` tables).
pub fn query(f: &Fixture, sql: &str) -> Vec<Vec<studydesk_core::insights::table::Cell>> {
    f.app.insights_query(sql, None::<String>).unwrap_or_else(|e| panic!("{sql}: {e}")).rows
}

/// The reason of a refusal, which must be a validation error (the user's words to fix).
pub fn refused<T: std::fmt::Debug>(result: studydesk_core::Result<T>) -> String {
    let e = result.expect_err("refused");
    assert_eq!(e.kind(), "validation", "{e}");
    e.to_string()
}

/// Sets the user's time zone.
pub fn tz(f: &Fixture, zone: &str) {
    f.app
        .settings_update(studydesk_core::account::settings::SettingsPatch { timezone: Some(zone.into()), ..Default::default() })
        .unwrap();
}

/// `(local date, local HH:MM or "all-day", title)` of each calendar item between two
/// local dates, in the user's zone.
pub fn agenda(f: &Fixture, from: &str, to: &str) -> Vec<(String, String, String)> {
    let zone: chrono_tz::Tz = f.app.state().unwrap().settings.timezone.parse().unwrap();
    f.app
        .calendar_range(from, to)
        .unwrap()
        .items
        .into_iter()
        .map(|i| {
            let time = match &i.starts_at {
                Some(s) => chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&zone).format("%H:%M").to_string(),
                None => "all-day".into(),
            };
            (i.date, time, i.title)
        })
        .collect()
}

/// One expected [`agenda`] row.
pub fn row(d: &str, t: &str, title: &str) -> (String, String, String) {
    (d.into(), t.into(), title.into())
}
