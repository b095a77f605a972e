//! Evaluating alerts and delivering what fired: exactly once, across processes, with the
//! app quit (the background turn runs this from `studydesk --remind-once` every minute).
//!
//! Contract:
//! - [`turn`] evaluates every active alert of the user that is due at the clock's `now`:
//!   never evaluated, last evaluated [`CHECK_EVERY_MINUTES`] or more ago, or a snooze that
//!   has ended (a snoozed alert is not evaluated before `snoozed_until`). An alert missed
//!   for hours while the app was quit is evaluated once, at `now`, not once per missed
//!   check. [`turn_all`] evaluates every active, unsnoozed alert now (after a data source
//!   refresh).
//! - The values are read first (one metric query per metric, grain and filters, shared by
//!   the alerts that watch the same; a widget or model in the sandbox, `target::read`: one
//!   that cannot be read now waits for its next check), then ONE `Db::write` claims and moves every alert:
//!   each UPDATE is conditional on the status and `last_evaluated_at` read before, so a
//!   second process racing for the same alert updates 0 rows and delivers nothing. An
//!   immediate alert that triggers gets its `notifications` row (type `alert`, through the
//!   planner's `insert_alert`) in the same transaction. Native notices are shown by the
//!   caller only after the commit ([`notices_for`]): a crash can lose a popup, never
//!   deliver twice.
//! - Digest alerts trigger the same way but only count (`digest_pending`); once a local
//!   day, at the first turn at or after their `digest_time` (later when the app was quit
//!   then), the claimed ones make ONE summary row and notice. `last_digest_on` holds the
//!   local date, so a second turn that day finds nothing.

use super::rule::{self, Phase, ThresholdType};
use super::target::{self, Target};
use super::{AlertGrain, CHECK_EVERY_MINUTES};
use crate::insights::sandbox::Sandbox;
use crate::db::{row, Tx, WriteCtx};
use crate::insights::metrics::{MetricFilters, MetricId};
use crate::insights::rows::{AlertFrequency, AlertRow, AlertStatus};
use crate::notify::Notice;
use crate::planner::notifications;
use crate::{Db, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

/// One notification an evaluation delivered.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct AlertDelivered {
    /// The alert (none for a digest summary, which names several).
    pub alert_id: Option<String>,
    pub alert_ids: Vec<String>,
    pub notification_id: String,
    pub title: String,
    pub message: String,
    pub digest: bool,
}

/// What one turn did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct AlertTurn {
    /// Alerts evaluated by this turn (claimed by it).
    pub evaluated: i64,
    pub delivered: Vec<AlertDelivered>,
}

/// One alert's evaluation, decided before the write.
struct Planned {
    row: AlertRow,
    value: f64,
    /// None: nothing to compare with (a widget or model alert's first evaluation).
    previous: Option<f64>,
    status: AlertStatus,
    reason: Option<&'static str>,
    fires: bool,
}

/// Evaluates and delivers the alerts due now (see the module docs).
pub fn turn(db: &Db, me: &str) -> Result<AlertTurn> {
    run(db, me, false)
}

/// Evaluates every active, unsnoozed alert now, whatever its schedule: called after each
/// data source refresh (`Studydesk::source_refresh`, the scheduled refreshes), so an
/// alert on what the new rows move is not left waiting for its next check.
pub fn turn_all(db: &Db, me: &str) -> Result<AlertTurn> {
    run(db, me, true)
}

fn due(r: &AlertRow, now: DateTime<Utc>, force: bool) -> bool {
    let parse = |t: &Option<String>| t.as_deref().and_then(crate::time::parse_instant);
    if r.status == AlertStatus::Snoozed {
        return parse(&r.snoozed_until).is_none_or(|until| until <= now);
    }
    force || parse(&r.last_evaluated_at).is_none_or(|last| last + Duration::minutes(CHECK_EVERY_MINUTES) <= now)
}

/// Decides one alert's move from its values (hysteresis: [`rule::step`]).
fn plan(r: AlertRow, value: f64, previous: Option<f64>) -> Planned {
    let kind = ThresholdType::parse(r.threshold_type.as_str()).unwrap_or(ThresholdType::Above);
    let outcome = rule::check(kind, r.threshold_value, value, previous);
    let phase = if r.status == AlertStatus::Triggered { Phase::Triggered } else { Phase::Armed };
    let (next, fires) = rule::step(phase, outcome);
    let (status, reason) = match (r.status, next, outcome) {
        (_, Phase::Triggered, _) if fires => (AlertStatus::Triggered, Some("evaluation")),
        (AlertStatus::Triggered, Phase::Armed, _) => (AlertStatus::Resolved, Some("evaluation")),
        (AlertStatus::Snoozed, _, _) => (AlertStatus::Active, Some("snooze_ended")),
        (s, _, _) => (s, None),
    };
    Planned { row: r, value, previous, status, reason, fires }
}

fn run(db: &Db, me: &str, force: bool) -> Result<AlertTurn> {
    let now = db.now();
    let (mut planned, others, today, local_time) = db.read(|c| {
        let tz = crate::account::settings::timezone(c, me)?;
        let today = crate::time::local_date(now, tz);
        let rows: Vec<AlertRow> = row::select(c, "WHERE user_id = ?1 AND is_active = 1 ORDER BY created_at, id", [me])?;
        let mut cache: HashMap<(MetricId, AlertGrain, String), (f64, f64)> = HashMap::new();
        let (mut planned, mut others) = (Vec::new(), Vec::new());
        for r in rows.into_iter().filter(|r| due(r, now, force)) {
            let metric = match Target::of_row(&r) {
                Some(Target::Metric(m)) => m,
                Some(other) => {
                    others.push((r, other));
                    continue;
                }
                None => continue,
            };
            let grain = AlertGrain::parse(&r.grain);
            let key = (metric, grain, r.filters.to_string());
            let (value, previous) = match cache.get(&key) {
                Some(v) => *v,
                None => {
                    let filters: MetricFilters = serde_json::from_value(r.filters.clone()).unwrap_or_default();
                    let v = super::period_values(c, me, metric, grain, &filters, today, now)?;
                    cache.insert(key, v);
                    v
                }
            };
            planned.push(plan(r, value, Some(previous)));
        }
        Ok((planned, others, today, now.with_timezone(&tz).format("%H:%M").to_string()))
    })?;
    // Widgets and models are read as they show, in the sandbox (its own read-only
    // connections, opened only when such an alert is due). One that cannot be read now (a
    // broken source) is left for its next check; the others go on.
    if !others.is_empty() {
        let sandbox = Sandbox::new(db.path().parent().unwrap_or(std::path::Path::new(".")));
        for (r, t) in others {
            match target::read(db, &sandbox, me, &r, &t) {
                Ok((value, previous)) => planned.push(plan(r, value, previous)),
                Err(e) => tracing::warn!(alert = %r.id, error = %e, "could not read what an alert watches"),
            }
        }
    }
    let ja = db.read(|c| crate::account::settings::get(c, me))?.preferred_locale == crate::account::settings::Locale::Ja;
    let ctx = WriteCtx { audit: false, ..WriteCtx::by(me, "alert.evaluate") };
    db.write(ctx, |tx| {
        let mut out = AlertTurn::default();
        for p in &planned {
            if !claim(tx, p)? {
                continue;
            }
            out.evaluated += 1;
            if p.fires && p.row.frequency == AlertFrequency::Immediate {
                out.delivered.push(deliver(tx, me, p, ja)?);
            }
        }
        out.delivered.extend(digest(tx, me, today, &local_time, ja)?);
        Ok(out)
    })
}

/// The conditional UPDATE that makes this process the one that evaluated the alert.
fn claim(tx: &Tx, p: &Planned) -> Result<bool> {
    let now = tx.now_text();
    let moved = p.reason.is_some();
    let n = tx
        .prepare_cached(
            "UPDATE alerts SET status = ?1,
                status_reason = CASE WHEN ?2 THEN ?3 ELSE status_reason END,
                status_changed_at = CASE WHEN ?2 THEN ?4 ELSE status_changed_at END,
                updated_at = CASE WHEN ?2 THEN ?4 ELSE updated_at END,
                snoozed_until = CASE WHEN ?2 THEN NULL ELSE snoozed_until END,
                last_evaluated_at = ?4, last_value = ?5, last_previous = ?6,
                last_triggered_at = CASE WHEN ?7 THEN ?4 ELSE last_triggered_at END,
                digest_pending = digest_pending + CASE WHEN ?7 AND frequency = 'digest' THEN 1 ELSE 0 END
             WHERE id = ?8 AND status = ?9 AND last_evaluated_at IS ?10 AND is_active = 1",
        )?
        .execute(params![
            p.status.as_str(),
            moved,
            p.reason,
            now,
            p.value,
            p.previous,
            p.fires,
            p.row.id,
            p.row.status.as_str(),
            p.row.last_evaluated_at
        ])?;
    Ok(n == 1)
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// The notice's words for one triggered alert.
fn message(p: &Planned, ja: bool) -> String {
    let grain = AlertGrain::parse(&p.row.grain);
    let (v, t) = (number(p.value), number(p.row.threshold_value));
    let prev = p.previous.map_or_else(|| "-".to_string(), number);
    let kind = ThresholdType::parse(p.row.threshold_type.as_str()).unwrap_or(ThresholdType::Above);
    // A metric is counted over a period; a widget's or a model's value is the one it shows.
    let subject = match (&p.row.metric_id, &p.row.model_field) {
        (Some(m), _) => {
            let period = match (grain, ja) {
                (AlertGrain::Day, false) => "today",
                (AlertGrain::Week, false) => "this week",
                (AlertGrain::Month, false) => "this month",
                (AlertGrain::Day, true) => "（今日）",
                (AlertGrain::Week, true) => "（今週）",
                (AlertGrain::Month, true) => "（今月）",
            };
            let m = m.replace('_', " ");
            if ja { format!("{m}{period}") } else { format!("{m} {period}") }
        }
        (None, Some(field)) => field.clone(),
        (None, None) => (if ja { "ウィジェットの値" } else { "the widget's value" }).to_string(),
    };
    if ja {
        return match kind {
            ThresholdType::Above => format!("{subject}: {v}（{t} を超えました）"),
            ThresholdType::Below => format!("{subject}: {v}（{t} を下回りました）"),
            ThresholdType::ChangePercent => format!("{subject}: {v}、前回は {prev}（変化 {t}% 以上）"),
        };
    }
    match kind {
        ThresholdType::Above => format!("{subject}: {v} (above {t})"),
        ThresholdType::Below => format!("{subject}: {v} (below {t})"),
        ThresholdType::ChangePercent => format!("{subject}: {v}, previous {prev} (a change of {t}% or more)"),
    }
}

fn deliver(tx: &Tx, me: &str, p: &Planned, ja: bool) -> Result<AlertDelivered> {
    let message = message(p, ja);
    let data = serde_json::json!({"alert_id": p.row.id, "value": p.value, "previous": p.previous});
    let notification_id = notifications::insert_alert(tx, me, &p.row.name, &message, &data)?;
    if wants_email(&p.row) {
        email(tx, me, super::email_source(&p.row.id), &p.row.name, &message)?;
    }
    Ok(AlertDelivered {
        alert_id: Some(p.row.id.clone()),
        alert_ids: vec![p.row.id.clone()],
        notification_id,
        title: p.row.name.clone(),
        message,
        digest: false,
    })
}

/// The day's digest: claims every digest alert with triggerings not yet summarised whose
/// time has come today, and writes one summary row.
fn digest(tx: &Tx, me: &str, today: NaiveDate, local_time: &str, ja: bool) -> Result<Option<AlertDelivered>> {
    let day = today.to_string();
    let candidates: Vec<(String, String, bool)> = tx
        .prepare_cached(
            "SELECT id, name, EXISTS (SELECT 1 FROM json_each(alerts.channels) WHERE value = 'email') FROM alerts WHERE user_id = ?1 AND is_active = 1 AND frequency = 'digest'
               AND digest_pending > 0 AND coalesce(digest_time, '08:00') <= ?2
               AND (last_digest_on IS NULL OR last_digest_on < ?3) ORDER BY name, id",
        )?
        .query_map(params![me, local_time, day], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut claimed = Vec::new();
    for (id, name, email) in candidates {
        let n = tx
            .prepare_cached(
                "UPDATE alerts SET digest_pending = 0, last_digest_on = ?1
                 WHERE id = ?2 AND digest_pending > 0 AND (last_digest_on IS NULL OR last_digest_on < ?1)",
            )?
            .execute(params![day, id])?;
        if n == 1 {
            claimed.push((id, name, email));
        }
    }
    if claimed.is_empty() {
        return Ok(None);
    }
    let title = if ja { format!("今日のアラート {} 件", claimed.len()) } else { format!("Alerts today: {}", claimed.len()) };
    let names: Vec<&str> = claimed.iter().map(|(_, n, _)| n.as_str()).collect();
    let message = names.join(", ");
    let ids: Vec<String> = claimed.iter().map(|(id, _, _)| id.clone()).collect();
    let data = serde_json::json!({"alert_ids": ids, "digest": day});
    let notification_id = notifications::insert_alert(tx, me, &title, &message, &data)?;
    if claimed.iter().any(|(_, _, email)| *email) {
        email(tx, me, "alert-digest".to_string(), &title, &message)?;
    }
    Ok(Some(AlertDelivered { alert_id: None, alert_ids: ids, notification_id, title, message, digest: true }))
}

fn wants_email(r: &AlertRow) -> bool {
    r.channels.as_array().is_some_and(|c| c.iter().any(|v| v.as_str() == Some("email")))
}

/// Queues an alert's e-mail to the user's own address, when e-mail is set up (an alert
/// saved with email while it was, and since turned off, only notifies).
fn email(tx: &Tx, me: &str, source: String, title: &str, message: &str) -> Result<()> {
    let Some(to) = crate::email::own_address(tx)?.filter(|_| crate::email::configured(tx)) else { return Ok(()) };
    let body = format!("{message}\n\n(Studydesk alert: {title})");
    crate::email::outbox::enqueue(tx, me, crate::email::outbox::NewMessage { source, to: vec![to], subject: format!("Studydesk: {title}"), body, attachment: None })?;
    Ok(())
}

/// The native notices for what was delivered: each with Snooze and Open.
pub fn notices_for(delivered: &[AlertDelivered], ja: bool) -> Vec<Notice> {
    delivered
        .iter()
        .map(|d| {
            let notice = Notice::new(d.title.clone(), d.message.clone()).tagged(if d.digest { "insights.alert.digest" } else { "insights.alert" });
            if d.digest {
                notice.with_actions(&d.notification_id, &[("default", if ja { "開く" } else { "Open" })])
            } else {
                notice.with_actions(&d.notification_id, &actions(ja))
            }
        })
        .collect()
}

/// The buttons of an alert's notice: `alert-snooze-N` snoozes the alert N minutes (the
/// notice's subject is its notifications row), `default` opens the app.
pub fn actions(ja: bool) -> [(&'static str, &'static str); 3] {
    if ja {
        [("alert-snooze-60", "1時間スヌーズ"), ("alert-snooze-1440", "明日までスヌーズ"), ("default", "開く")]
    } else {
        [("alert-snooze-60", "Snooze 1 hour"), ("alert-snooze-1440", "Snooze 1 day"), ("default", "Open")]
    }
}

/// The minutes of an `alert-snooze-N` action id.
pub fn snooze_minutes(action: &str) -> Option<i64> {
    action.strip_prefix("alert-snooze-")?.parse().ok().filter(|m| (1..=super::MAX_SNOOZE_MINUTES).contains(m))
}
