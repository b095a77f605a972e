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
