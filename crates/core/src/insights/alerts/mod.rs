//! Threshold alerts (issue 16 item 1): a rule on a built-in study metric, a widget's value
//! or a data model's field, that notifies.
//!
//! Contract:
//! - An alert watches exactly one thing: a widget's current value or a data model's
//!   numeric field ([`target`], V22), or a metric of `insights::metrics` (its id in the
//!   seed's `metric_id`) at a grain (`day`, `week`, `month`: the current local period so far, in the user's
//!   zone) with the metric's filters, and compares it with `threshold_value` by
//!   `threshold_type` ([`rule`]: above, below, or change_percent against the whole previous
//!   period; a previous value of 0 is "no change can be computed", never a division).
//! - Life cycle (`status`): `inactive` (is_active off) → `active` → `triggered` →
//!   `resolved` → `triggered` ..., and `snoozed` until `snoozed_until`. Every move stores
//!   what moved it (`status_reason`: created, user, evaluation, snooze, snooze_ended) and
//!   when. Hysteresis is [`rule::step`]: a holding rule notifies once, and again only
//!   after an evaluation at which it did not hold (resolved). A snooze that ends returns
//!   the alert to `active`, so a rule still holding then notifies once more.
//! - Evaluation and delivery are in [`evaluate`] (every [`CHECK_EVERY_MINUTES`], by the
//!   background turn, exactly once across processes). [`replay`] ("Test this alert") runs a
//!   draft over the last [`REPLAY_DAYS`] days of stored history without saving anything.
//! - Channels: the native notice and the notification center always (`notification`,
//!   `in_app`); `email` only when SMTP is configured ([`email_configured`]): each
//!   triggering of an immediate alert queues one short e-mail to the user's own address
//!   (the settings' from address) in the same write as its notification, and a digest
//!   one per digest that names an alert with email (`crate::email::outbox`, sent with
//!   retries); `slack` and `sms` stay allowed by the table's
//!   CHECK-free JSON but are refused here as not available.
//! - Every write is one `Db::write`; drafts are checked whole before anything is written
//!   (a name 1..=255 characters, a finite threshold, a grain the metric has, a digest time
//!   `HH:MM`, known channels). Another user's alert, or a malformed id, is `not_found`.

pub mod evaluate;
pub mod rule;
pub mod target;

use crate::db::row;
use crate::db::{timestamp_text, Tx, WriteCtx};
use crate::insights::metrics::{self, Grain, MetricFilters, MetricId, MetricQuery};
use crate::insights::rows::{AlertFrequency, AlertRow, AlertStatus, AlertThresholdType};
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use rule::ThresholdType;
use target::Target;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How often the background turn evaluates an alert.
pub const CHECK_EVERY_MINUTES: i64 = 15;
/// How far back "Test this alert" replays.
pub const REPLAY_DAYS: i64 = 90;
/// The longest snooze by minutes (a week).
pub const MAX_SNOOZE_MINUTES: i64 = 7 * 1440;
/// The most alerts a user may have.
pub const MAX_ALERTS: i64 = 1000;
/// The digest time when a digest alert names none.
pub const DEFAULT_DIGEST_TIME: &str = "08:00";

/// The period an alert compares.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AlertGrain {
    Day,
    Week,
    Month,
}

impl AlertGrain {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertGrain::Day => "day",
            AlertGrain::Week => "week",
            AlertGrain::Month => "month",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "week" => AlertGrain::Week,
            "month" => AlertGrain::Month,
            _ => AlertGrain::Day,
        }
    }
    fn metric_grain(self) -> Grain {
        match self {
            AlertGrain::Day => Grain::Day,
            AlertGrain::Week => Grain::Week,
            AlertGrain::Month => Grain::Month,
        }
    }
    /// The first day of the period holding `d` (weeks start on Monday, as the metrics').
    pub fn start(self, d: NaiveDate) -> NaiveDate {
        match self {
            AlertGrain::Day => d,
            AlertGrain::Week => d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
            AlertGrain::Month => d.with_day(1).unwrap_or(d),
        }
    }
    /// The first day of the period before the one starting on `start`.
    fn previous_start(self, start: NaiveDate) -> NaiveDate {
        self.start(start.pred_opt().unwrap_or(start))
    }
}

/// How an alert notifies.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Frequency {
    /// As soon as the rule holds at an evaluation.
    Immediate,
    /// One summary a day at `digest_time`.
    Digest,
}

/// A new alert, or all of an alert's rule when editing.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct AlertDraft {
    pub name: String,
    /// What the alert watches: exactly one of a built-in metric, a widget (`widget_id`) or
    /// a data model's numeric field (`model_id` and `model_field`).
    #[serde(default)]
    #[ts(optional)]
    pub metric: Option<MetricId>,
    #[serde(default)]
    #[ts(optional)]
    pub widget_id: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub model_id: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub model_field: Option<String>,
    /// `day` when left out.
    #[serde(default)]
    #[ts(optional)]
    pub grain: Option<AlertGrain>,
    #[serde(default)]
    pub filters: MetricFilters,
    pub threshold_type: ThresholdType,
    pub threshold_value: f64,
    /// `immediate` when left out.
    #[serde(default)]
    #[ts(optional)]
    pub frequency: Option<Frequency>,
    /// Digest alerts: the local time of the day's summary, `HH:MM` (08:00 when left out).
    #[serde(default)]
    #[ts(optional)]
    pub digest_time: Option<String>,
    /// `notification` and `in_app` always; left out: both.
    #[serde(default)]
    #[ts(optional)]
    pub channels: Option<Vec<String>>,
}

/// A channel and whether it can be used here.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ChannelInfo {
    pub channel: String,
    pub available: bool,
    /// Why not, in words.
    pub reason: Option<String>,
}

/// An alert as the UI and the CLI show it: its row, plus what the row does not say by
/// itself.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Alert {
    #[serde(flatten)]
    #[ts(flatten)]
    pub row: AlertRow,
    /// A change_percent alert whose previous period was 0 at the last evaluation.
    pub no_change: bool,
    /// Minutes between two evaluations.
    pub check_every_minutes: i64,
    /// The last e-mail this alert queued, and how it went (sent, failed, retrying at).
    pub last_email: Option<crate::email::outbox::OutboxEntry>,
}

impl std::ops::Deref for Alert {
    type Target = AlertRow;
    fn deref(&self) -> &AlertRow {
        &self.row
    }
}

/// One period of a replay.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ReplayHit {
    /// The period's first day, `YYYY-MM-DD`.
    pub period: String,
    pub value: f64,
    pub previous: f64,
}

/// What "Test this alert" answers.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Replay {
    /// The periods replayed (each compared with the one before).
    pub periods: i64,
    pub from: String,
    pub to: String,
    /// The periods at which it would have fired, oldest first.
    pub fired: Vec<ReplayHit>,
    /// Periods whose previous value was 0, where a change_percent rule cannot say.
    pub no_change_periods: i64,
}

/// Whether e-mail can be sent (an SMTP server is saved in Settings › Email): the email
/// channel is available only then.
pub fn email_configured(conn: &Connection, _me: &str) -> bool {
    crate::email::configured(conn)
}

/// Every channel and whether it is available.
pub fn channels(conn: &Connection, me: &str) -> Vec<ChannelInfo> {
    let email = email_configured(conn, me);
    let no = |why: &str| Some(why.to_string());
    vec![
        ChannelInfo { channel: "notification".into(), available: true, reason: None },
        ChannelInfo { channel: "in_app".into(), available: true, reason: None },
        ChannelInfo { channel: "email".into(), available: email, reason: (!email).then(|| "email needs an SMTP server in Settings".to_string()) },
        ChannelInfo { channel: "slack".into(), available: false, reason: no("Slack is not available in Studydesk") },
        ChannelInfo { channel: "sms".into(), available: false, reason: no("SMS is not available in Studydesk") },
    ]
}

/// A threshold typed as text (the CLI, a form field): a finite number or a clear error.
pub fn parse_threshold(text: &str) -> Result<f64> {
    let t = text.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(CoreError::validation(format!(
            "the threshold must be a number, such as 90 or -12.5 (got \"{}\")",
            validate::truncate_for_message(text)
        ))),
    }
}

/// A draft, checked whole (see the module docs), as the columns it sets.
struct Checked {
    name: String,
    target: Target,
    grain: AlertGrain,
    filters: serde_json::Value,
    threshold_type: AlertThresholdType,
    frequency: AlertFrequency,
    digest_time: Option<String>,
    channels: serde_json::Value,
}

fn check_draft(conn: &Connection, me: &str, d: &AlertDraft, now: DateTime<Utc>) -> Result<Checked> {
    let name = d.name.trim();
    if name.is_empty() {
        return Err(CoreError::validation("an alert needs a name"));
    }
    if name.chars().count() > 255 {
        return Err(CoreError::validation("an alert's name has at most 255 characters"));
    }
    if !d.threshold_value.is_finite() {
        return Err(CoreError::validation("the threshold must be a number, such as 90 or -12.5"));
    }
    let target = Target::of_draft(d)?;
    let grain = d.grain.unwrap_or(AlertGrain::Day);
    match &target {
        Target::Metric(metric) => {
            let info = metrics::catalog().into_iter().find(|m| m.id == *metric);
            if !info.is_some_and(|m| m.grains.contains(&grain.metric_grain())) {
                return Err(CoreError::validation(format!(
                    "{} has no value per {}; an alert needs a metric counted per day, week or month",
                    metric.as_str(),
                    grain.as_str()
                )));
            };
            // The filters are checked by the metric itself, over today.
            let today = crate::time::local_date(now, crate::account::settings::timezone(conn, me)?);
            metrics::run(conn, me, &query(*metric, grain, &d.filters, today, today), now)?;
        }
        other => target::check(conn, me, other)?,
    }
    let frequency = d.frequency.unwrap_or(Frequency::Immediate);
    let digest_time = match frequency {
        Frequency::Immediate => None,
        Frequency::Digest => Some(digest_time(d.digest_time.as_deref().unwrap_or(DEFAULT_DIGEST_TIME))?),
    };
    let channels = check_channels(conn, me, d.channels.as_deref())?;
    Ok(Checked {
        name: name.to_string(),
        target,
        grain,
        filters: serde_json::to_value(&d.filters).map_err(|e| CoreError::validation(e.to_string()))?,
        threshold_type: match d.threshold_type {
            ThresholdType::Above => AlertThresholdType::Above,
            ThresholdType::Below => AlertThresholdType::Below,
            ThresholdType::ChangePercent => AlertThresholdType::ChangePercent,
        },
        frequency: match frequency {
            Frequency::Immediate => AlertFrequency::Immediate,
            Frequency::Digest => AlertFrequency::Digest,
        },
        digest_time,
        channels,
    })
}

fn digest_time(text: &str) -> Result<String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map(|t| t.format("%H:%M").to_string()).map_err(|_| {
        CoreError::validation(format!("the digest time must be a time of day as HH:MM, such as 08:30 (got \"{}\")", validate::truncate_for_message(text)))
    })
}

fn check_channels(conn: &Connection, me: &str, wanted: Option<&[String]>) -> Result<serde_json::Value> {
    let wanted: Vec<String> = match wanted {
        None => vec!["notification".into(), "in_app".into()],
        Some(list) => list.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
    };
    let known = channels(conn, me);
    for c in &wanted {
        match known.iter().find(|k| &k.channel == c) {
            None => return Err(CoreError::validation(format!("there is no channel \"{}\"; use notification, in_app or email", validate::truncate_for_message(c)))),
            Some(k) if !k.available => return Err(CoreError::validation(format!("{}: {}", k.channel, k.reason.clone().unwrap_or_default()))),
            Some(_) => {}
        }
    }
    let mut all = vec!["notification".to_string(), "in_app".to_string()];
    all.extend(wanted.into_iter().filter(|c| !all.contains(c)).collect::<Vec<_>>());
    Ok(serde_json::json!(all))
}

/// The metric query of an alert over `from..=to` in the user's zone.
fn query(metric: MetricId, grain: AlertGrain, filters: &MetricFilters, from: NaiveDate, to: NaiveDate) -> MetricQuery {
    MetricQuery { metric, grain: grain.metric_grain(), from, to, time_zone: None, filters: filters.clone() }
}

/// The alert's value over its current period so far and the whole previous period's.
pub(crate) fn period_values(conn: &Connection, me: &str, metric: MetricId, grain: AlertGrain, filters: &MetricFilters, today: NaiveDate, now: DateTime<Utc>) -> Result<(f64, f64)> {
    let start = grain.start(today);
    let table = metrics::run(conn, me, &query(metric, grain, filters, grain.previous_start(start), today), now)?;
    let value_of = |i: usize| table.rows.get(i).and_then(|r| r.get(1)).and_then(|c| c.as_f64()).unwrap_or(0.0);
    let n = table.rows.len();
    Ok((value_of(n.saturating_sub(1)), if n >= 2 { value_of(n - 2) } else { 0.0 }))
}

fn own(conn: &Connection, me: &str, id: &str) -> Result<AlertRow> {
    let id = validate::id("alert", id)?;
    match row::get::<AlertRow>(conn, &id)? {
        Some(r) if r.user_id == me => Ok(r),
        _ => Err(CoreError::not_found("alert", &id)),
    }
}

fn view(conn: &Connection, r: &AlertRow) -> Result<Alert> {
    let change_percent = r.threshold_type == AlertThresholdType::ChangePercent;
    let last_email = crate::email::outbox::last_for(conn, &r.user_id, &email_source(&r.id))?;
    Ok(Alert { row: r.clone(), no_change: change_percent && r.last_previous == Some(0.0), check_every_minutes: CHECK_EVERY_MINUTES, last_email })
}

/// The outbox's `source` of an alert's e-mails.
pub fn email_source(alert_id: &str) -> String {
    format!("alert:{alert_id}")
}

/// My alerts by name.
pub fn list(conn: &Connection, me: &str) -> Result<Vec<Alert>> {
    let rows: Vec<AlertRow> = row::select(conn, "WHERE user_id = ?1 ORDER BY name COLLATE NOCASE, id", [me])?;
    rows.iter().map(|r| view(conn, r)).collect()
}

/// One of my alerts.
pub fn get(conn: &Connection, me: &str, id: &str) -> Result<Alert> {
    own(conn, me, id).and_then(|r| view(conn, &r))
}

/// The columns naming what the alert watches (one set, the others cleared).
fn set_target(r: &mut AlertRow, t: &Target) {
    (r.metric_id, r.widget_id, r.model_id, r.model_field) = match t {
        Target::Metric(m) => (Some(m.as_str().to_string()), None, None, None),
        Target::Widget(w) => (None, Some(w.clone()), None, None),
        Target::Model { id, field } => (None, None, Some(id.clone()), Some(field.clone())),
    };
}

/// Moves an alert's status, saying what moved it.
fn set_status(r: &mut AlertRow, status: AlertStatus, reason: &str, now: &str) {
    r.status = status;
    r.status_reason = Some(reason.to_string());
    r.status_changed_at = Some(now.to_string());
}

/// A new alert, active.
pub fn create(db: &Db, me: &str, draft: &AlertDraft) -> Result<Alert> {
    let c = db.read(|conn| check_draft(conn, me, draft, db.now()))?;
    db.write(WriteCtx::by(me, "alert.create"), |tx| {
        let count: i64 = tx.query_row("SELECT count(*) FROM alerts WHERE user_id = ?1", [me], |r| r.get(0))?;
        if count >= MAX_ALERTS {
            return Err(CoreError::validation(format!("you have {MAX_ALERTS} alerts, the most there can be; delete one first")));
        }
        let now = tx.now_text();
        let r = AlertRow {
            id: tx.new_id(),
            user_id: me.to_string(),
            metric_id: None,
            widget_id: None,
            model_id: None,
            model_field: None,
            name: c.name,
            threshold_type: c.threshold_type,
            threshold_value: draft.threshold_value,
            channels: c.channels,
            frequency: c.frequency,
            status: AlertStatus::Active,
            is_active: true,
            created_at: now.clone(),
            updated_at: now.clone(),
            grain: c.grain.as_str().to_string(),
            filters: c.filters,
            digest_time: c.digest_time,
            snoozed_until: None,
            status_reason: Some("created".into()),
            status_changed_at: Some(now),
            last_evaluated_at: None,
            last_value: None,
            last_previous: None,
            last_triggered_at: None,
            digest_pending: 0,
            last_digest_on: None,
        };
        let mut r = r;
        set_target(&mut r, &c.target);
        row::insert(tx, &r)?;
        view(tx, &r)
    })
}

/// Replaces an alert's rule; its state starts again from `active` (or stays inactive).
pub fn update(db: &Db, me: &str, id: &str, draft: &AlertDraft) -> Result<Alert> {
    let c = db.read(|conn| check_draft(conn, me, draft, db.now()))?;
    db.write(WriteCtx::by(me, "alert.update"), |tx| {
        let mut r = own(tx, me, id)?;
        let now = tx.now_text();
        set_target(&mut r, &c.target);
        r.last_value = None;
        r.last_previous = None;
        r.name = c.name;
        r.threshold_type = c.threshold_type;
        r.threshold_value = draft.threshold_value;
        r.channels = c.channels;
        r.frequency = c.frequency;
        r.grain = c.grain.as_str().to_string();
        r.filters = c.filters;
        r.digest_time = c.digest_time;
        r.last_evaluated_at = None;
        r.digest_pending = 0;
        if r.is_active {
            r.snoozed_until = None;
            set_status(&mut r, AlertStatus::Active, "user", &now);
        }
        r.updated_at = now;
        row::update(tx, &r)?;
        view(tx, &r)
    })
}

/// Turns an alert on (`active`, evaluated at the next turn) or off (`inactive`).
pub fn set_active(db: &Db, me: &str, id: &str, active: bool) -> Result<Alert> {
    db.write(WriteCtx::by(me, if active { "alert.activate" } else { "alert.deactivate" }), |tx| {
        let mut r = own(tx, me, id)?;
        let now = tx.now_text();
        r.is_active = active;
        r.snoozed_until = None;
        r.last_evaluated_at = None;
        set_status(&mut r, if active { AlertStatus::Active } else { AlertStatus::Inactive }, "user", &now);
        r.updated_at = now;
        row::update(tx, &r)?;
        view(tx, &r)
    })
}

/// Snoozes an alert for `minutes` (1 to a week): nothing is evaluated or delivered before.
pub fn snooze(db: &Db, me: &str, id: &str, minutes: i64) -> Result<Alert> {
    let minutes = validate::range("snooze minutes", minutes, 1, MAX_SNOOZE_MINUTES)?;
    db.write(WriteCtx::by(me, "alert.snooze"), |tx| snooze_in(tx, me, id, minutes))
}

pub(crate) fn snooze_in(tx: &Tx, me: &str, id: &str, minutes: i64) -> Result<Alert> {
    let mut r = own(tx, me, id)?;
    if !r.is_active {
        return Err(CoreError::validation(format!("\"{}\" is turned off; turn it on before snoozing it", validate::truncate_for_message(&r.name))));
    }
    let now = tx.now_text();
    r.snoozed_until = Some(timestamp_text(tx.now() + Duration::minutes(minutes)));
    set_status(&mut r, AlertStatus::Snoozed, "snooze", &now);
    r.updated_at = now;
    row::update(tx, &r)?;
    view(tx, &r)
}

/// Deletes an alert.
pub fn delete(db: &Db, me: &str, id: &str) -> Result<()> {
    db.write(WriteCtx::by(me, "alert.delete"), |tx| {
        let r = own(tx, me, id)?;
        row::delete::<AlertRow>(tx, &r.id)
    })
}

/// "Test this alert": when the draft would have fired over the last [`REPLAY_DAYS`] days
/// of stored history, period by period (each period's final value against the one before;
/// the current period with its value so far). Saves nothing.
pub fn replay(conn: &Connection, me: &str, draft: &AlertDraft, now: DateTime<Utc>) -> Result<Replay> {
    let c = check_draft(conn, me, draft, now)?;
    let Target::Metric(metric) = c.target else {
        return Err(CoreError::validation(
            "\"Test this alert\" replays a metric's stored history; a widget or a data model keeps none, so this alert is checked from its first evaluation on",
        ));
    };
    let today = crate::time::local_date(now, crate::account::settings::timezone(conn, me)?);
    let from = c.grain.previous_start(c.grain.start(today - Duration::days(REPLAY_DAYS)));
    let table = metrics::run(conn, me, &query(metric, c.grain, &draft.filters, from, today), now)?;
    let periods: Vec<(String, f64)> = table
        .rows
        .iter()
        .map(|r| {
            let label = r.first().map(|c| match c {
                crate::insights::table::Cell::Text(t) => t.clone(),
                other => other.as_f64().map(|v| v.to_string()).unwrap_or_default(),
            });
            (label.unwrap_or_default(), r.get(1).and_then(|c| c.as_f64()).unwrap_or(0.0))
        })
        .collect();
    let values: Vec<f64> = periods.iter().map(|p| p.1).collect();
    let (fired, no_change) = rule::replay(draft.threshold_type, draft.threshold_value, &values);
    Ok(Replay {
        periods: i64::try_from(values.len().saturating_sub(1)).unwrap_or(0),
        from: periods.get(1).map(|p| p.0.clone()).unwrap_or_default(),
        to: today.to_string(),
        fired: fired.into_iter().map(|i| ReplayHit { period: periods[i].0.clone(), value: values[i], previous: values[i - 1] }).collect(),
        no_change_periods: i64::try_from(no_change).unwrap_or(0),
    })
}
