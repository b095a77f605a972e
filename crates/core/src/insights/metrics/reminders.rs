//! Reminder delivery: reminders shown, missed and snoozed, per local day.
//!
//! The record of a delivery is its notification: `calendar::delivery` inserts one
//! `notifications` row (type `reminder`) per reminder shown, stamped when it was shown,
//! whose `data` names the reminder (`reminder_table`, `reminder_id`) and what it was for
//! (`occurrence_start` of an event, `due_at` of a task or an assignment). The reminder rows
//! themselves keep only their latest state. So, per notification shown in the range:
//!
//! - **delivered**: every one.
//! - **snoozed**: the user snoozed it: the same reminder was shown again later for the same
//!   occurrence or due time (a reminder fires once per occurrence otherwise), or it is the
//!   reminder's latest notification and the reminder waits on a snooze now
//!   (`snoozed_until` set, not delivered).
//! - **missed**: shown more than `delivery::GRACE` (2 minutes) after its time (the app was
//!   closed or the machine asleep): its time is the reminder's `remind_at`, or the
//!   occurrence's start (or due time) less its `minutes_before`. Only a first showing can be
//!   missed (a showing after a snooze came at the snooze's time).
//!
//! Limits, from what is stored: a notification the user cleared from the center is no
//!   longer counted; a reminder deleted since (its event, task or assignment deleted) can
//!   no longer say its time, so its notifications count as delivered on time.

use super::periods::{Days, Edges};
use super::Ctx;
use crate::planner::calendar::delivery::GRACE;
use crate::time::{parse_instant, start_of_day};
use crate::Result;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use std::collections::HashMap;

/// What a reminder's row says now.
struct Definition {
    minutes_before: Option<i64>,
    remind_at: Option<String>,
    waits_on_snooze: bool,
}

/// The part of a reminder notification's `data` read here.
#[derive(Deserialize, Default)]
struct Shown {
    reminder_id: Option<String>,
    reminder_table: Option<String>,
    occurrence_start: Option<String>,
    due_at: Option<String>,
}

type Key = (String, String);

fn definitions(ctx: &Ctx) -> Result<HashMap<Key, Definition>> {
    let mut out = HashMap::new();
    for (table, sql) in [
        (
            "calendar_event_reminders",
            "SELECT id, minutes_before, remind_at, snoozed_until IS NOT NULL AND delivered_at IS NULL
               FROM calendar_event_reminders WHERE user_id = ?1",
        ),
        (
            "item_reminders",
            "SELECT id, minutes_before, remind_at, snoozed_until IS NOT NULL AND delivered_at IS NULL
               FROM item_reminders WHERE user_id = ?1",
        ),
    ] {
        let mut stmt = ctx.conn.prepare_cached(sql)?;
        let mut rows = stmt.query([ctx.me])?;
        while let Some(r) = rows.next()? {
            let def = Definition { minutes_before: r.get(1)?, remind_at: r.get(2)?, waits_on_snooze: r.get(3)? };
            out.insert((table.to_string(), r.get(0)?), def);
        }
    }
    Ok(out)
}

/// An occurrence's start or a due time: an instant, or an all-day date (its midnight).
fn moment(ctx: &Ctx, text: &str) -> Option<DateTime<Utc>> {
    parse_instant(text).or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(|d| start_of_day(d, ctx.tz)))
}

/// When the reminder was meant to be shown for the occurrence (or due time) `of`.
fn meant_at(ctx: &Ctx, def: &Definition, of: Option<&str>) -> Option<DateTime<Utc>> {
    if let Some(at) = def.remind_at.as_deref() {
        return parse_instant(at);
    }
    Some(moment(ctx, of?)? - Duration::minutes(def.minutes_before?))
}

/// `[delivered, missed, snoozed]` per day of the range.
pub fn delivery_per_day(ctx: &Ctx, days: Days, edges: &Edges) -> Result<Vec<Vec<i64>>> {
    let defs = definitions(ctx)?;
    // Every showing from the range's start on: a later one tells an earlier one was snoozed.
    let mut stmt = ctx.conn.prepare_cached(
        "SELECT created_at, data FROM notifications
          WHERE user_id = ?1 AND type = 'reminder' AND created_at >= ?2
          ORDER BY created_at, id",
    )?;
    let shown: Vec<(String, Shown)> = stmt
        .query_map((ctx.me, edges.lower()), |r| {
            let data: Option<String> = r.get(1)?;
            Ok((r.get(0)?, data.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or_default()))
        })?
        .collect::<rusqlite::Result<_>>()?;

    let key = |s: &Shown| -> Option<Key> { Some((s.reminder_table.clone()?, s.reminder_id.clone()?)) };
    let of = |s: &Shown| s.occurrence_start.clone().or_else(|| s.due_at.clone());
    // For each showing: shown again later for the same occurrence, and shown before for it.
    let mut seen: HashMap<(Key, Option<String>), usize> = HashMap::new();
    let mut last_of_reminder: HashMap<Key, usize> = HashMap::new();
    let mut again = vec![false; shown.len()];
    let mut first = vec![true; shown.len()];
    for (i, (_, s)) in shown.iter().enumerate() {
        let Some(k) = key(s) else { continue };
        if let Some(prev) = seen.insert((k.clone(), of(s)), i) {
            again[prev] = true;
            first[i] = false;
        }
        last_of_reminder.insert(k, i);
    }

    let mut out = vec![vec![0; days.len()]; 3];
    for (i, (at, s)) in shown.iter().enumerate() {
        let Some(day) = edges.day_of(at) else { continue };
        let def = key(s).and_then(|k| defs.get(&k).map(|d| (k, d)));
        let waiting = def.as_ref().is_some_and(|(k, d)| d.waits_on_snooze && last_of_reminder.get(k) == Some(&i));
        let late = first[i]
            && def
                .as_ref()
                .and_then(|(_, d)| meant_at(ctx, d, of(s).as_deref()))
                .zip(parse_instant(at))
                .is_some_and(|(meant, shown_at)| shown_at > meant + GRACE);
        out[0][day] += 1;
        out[1][day] += i64::from(late);
        out[2][day] += i64::from(again[i] || waiting);
    }
    Ok(out)
}
