//! Alert evaluation benchmark (criterion). Run with
//!
//! ```text
//! cargo bench -p studydesk-core --bench alerts
//! ```
//!
//! - `alerts/evaluate_1000`: one background turn (`Studydesk::alert_check_now`) that
//!   evaluates 1,000 due alerts: every metric counted per day, week or month (13 metrics
//!   × 3 grains, 39 distinct metric queries, the rest of the 1,000 sharing them), above,
//!   below and change_percent with thresholds around the data, over a year of focus
//!   sessions (3,650 sessions of 10-60 minutes, Tokyo). Each iteration moves the clock 15
//!   minutes on, so all 1,000 are due; the evaluation reads the values and claims and
//!   moves every alert in one `Db::write`, with the notification rows of those that
//!   trigger. Target: under 100 ms (issue 16). Results: docs/benchmarks.md.

mod support;
use chrono::Duration as ChronoDuration;
use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::params;
use std::sync::Arc;
use std::time::Duration;
use studydesk_core::api::Studydesk;
use studydesk_core::clock::ManualClock;
use studydesk_core::db::{timestamp_text, WriteCtx};
use studydesk_core::insights::alerts::rule::ThresholdType;
use studydesk_core::insights::alerts::{AlertDraft, AlertGrain};
use studydesk_core::insights::metrics::{self, Grain, MetricFilters};
use studydesk_core::time;
use support::*;

const ALERTS: usize = 1000;
const SESSIONS: u64 = 3650;

fn a_year_of_sessions(sd: &Studydesk) {
    let user = sd.user_id().to_string();
    let tz = time::parse_tz(TZ).unwrap();
    let today = time::local_date(bench_now(), tz);
    let mut rng = Rng(0xA1E7_5EED);
    let quiet = WriteCtx { actor_id: Some(user.clone()), action: "bench.alerts".into(), capture: false, audit: false };
    sd.db()
        .write(quiet, |tx| {
            let mut session = tx.prepare(
                "INSERT INTO idle_sessions(id, user_id, status, start_time, end_time, total_duration, session_config, local_date, created_at, updated_at)
                 VALUES (?1, ?2, 'completed', ?3, ?4, ?5, '{\"planned_minutes\":null,\"pomodoro\":null}', ?6, ?3, ?4)",
            )?;
            for _ in 0..SESSIONS {
                let day = today - chrono::Days::new(rng.below(365));
                let start = time::start_of_day(day, tz) + ChronoDuration::minutes(8 * 60 + rng.below(12 * 60) as i64);
                let seconds = (10 + rng.below(51) as i64) * 60;
                let end = start + ChronoDuration::seconds(seconds);
                session.execute(params![tx.new_id(), user, timestamp_text(start), timestamp_text(end), seconds, day.to_string()])?;
            }
            Ok(())
        })
        .expect("sessions");
}

fn thousand_alerts(sd: &Studydesk) {
    let metrics: Vec<_> = metrics::catalog().into_iter().filter(|m| m.grains.contains(&Grain::Day)).map(|m| m.id).collect();
    let kinds = [ThresholdType::Above, ThresholdType::Below, ThresholdType::ChangePercent];
    let grains = [AlertGrain::Day, AlertGrain::Week, AlertGrain::Month];
    for i in 0..ALERTS {
        let draft = AlertDraft {
            name: format!("Alert {i:04}"),
            metric: Some(metrics[i % metrics.len()]),
            widget_id: None,
            model_id: None,
            model_field: None,
            grain: Some(grains[(i / metrics.len()) % 3]),
            filters: MetricFilters::default(),
            threshold_type: kinds[i % 3],
            threshold_value: [30.0, 60.0, 120.0, 10.0, 25.0][i % 5],
            frequency: None,
            digest_time: None,
            channels: None,
        };
        sd.alert_create(draft).expect("alert");
    }
}

fn bench_alerts(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = ManualClock::new(bench_now());
    let sd = Studydesk::open(dir.path(), Arc::new(clock.clone())).expect("open");
    sd.settings_update(studydesk_core::account::settings::SettingsPatch { timezone: Some(TZ.into()), ..Default::default() }).expect("tz");
    a_year_of_sessions(&sd);
    thousand_alerts(&sd);
    let first = sd.alert_check_now().expect("first turn");
    assert_eq!(first.evaluated, ALERTS as i64);
    eprintln!("first turn: {} alerts evaluated, {} delivered", first.evaluated, first.delivered.len());
    let mut g = c.benchmark_group("alerts");
    g.sample_size(20).measurement_time(Duration::from_secs(15));
    g.bench_function("evaluate_1000", |b| {
        b.iter(|| {
            clock.advance(ChronoDuration::minutes(15));
            let turn = sd.alert_check_now().expect("turn");
            assert_eq!(turn.evaluated, ALERTS as i64);
            turn
        })
    });
    g.finish();
}

criterion_group!(benches, bench_alerts);
criterion_main!(benches);
