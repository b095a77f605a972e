//! One headless reminder turn, and the tray's "next reminder" label.
//!
//! Contract of [`turn`]: deliver every due reminder of the user through
//! `planner::calendar::delivery::deliver_due` (the database decides, once per reminder,
//! across processes), and only then show the native notices (`delivery::notices_for`: missed
//! ones grouped), waiting for each at most `notify::SHOW_TIMEOUT`. After the first notice
//! no server answered, the rest are not tried; the reason comes back in
//! [`Turn::notice_error`] and the notifications rows are written either way. Only then,
//! with the reminders due now shown, the turn refreshes the calendar subscriptions that
//! are due (`subscriptions::refresh_due`, the app thread's rule: same due times, same
//! back-off, paused ones never), bounded by [`FEEDS`] (each fetch at most 30 s, none
//! started after the first 15 s, so a turn is done before the OS timer's next one); after
//! any fetch, what is due is computed again and delivered in the same turn (the fetches
//! took time, and a changed feed moved its events' reminders: a reminder whose new time
//! has already passed counts as shown, the rule of `calendar::reminders`, so a turn that
//! runs every minute is what keeps such a change from costing a reminder). A refresh
//! that fails is in [`Turn::subscriptions`] (or logged), never a failed turn. The same
//! turn then evaluates the insights alerts that are due (`insights::alerts::evaluate::turn`:
//! every 15 minutes each, exactly once across processes) and shows what fired, and last
//! prunes old history when a day has passed (`db::history::prune_if_due`); the facade then
//! runs the scheduled reports that are due (`Studydesk::reports_run_due`) and sends the e-mail
//! outbox (`Studydesk::outbox_send_due`). Used by
//! `studydesk --remind-once` (and so by the OS timer) and by the CLI's `remind run`.
//!
//! [`next_label`] words the next reminder for the tray menu in the user's time zone:
//! "Next: Title · 14:30" today, "Next: Title · Tue 14:30" within a week, else with the date.

use crate::account::settings;
use crate::insights::alerts::evaluate::{self as alerts, AlertDelivered};
use crate::notify::Notice;
use crate::planner::calendar::delivery::{self, Delivered};
use crate::Db;
use crate::notify::show_blocking;
use crate::Result;
use crate::planner::calendar::subscriptions::{self, fetch::FeedLimits, SubscriptionRefresh};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::time::{Duration, Instant};

/// How a turn fetches the due subscriptions: each fetch within `limits`, and a fetch
/// starts only while a whole one fits in what is left of `budget`.
#[derive(Debug, Clone, Copy)]
pub struct FeedBudget {
    pub limits: FeedLimits,
    pub budget: Duration,
}

/// The headless turn's: 30 s a fetch (the app's thread allows 60), 45 s in all, so a turn
/// started by the OS timer ends before the next minute's.
pub const FEEDS: FeedBudget = FeedBudget {
    limits: FeedLimits { total: Duration::from_secs(30), ..subscriptions::LIMITS },
    budget: Duration::from_secs(45),
};

/// What one turn did.
#[derive(Debug, Clone, Default)]
pub struct Turn {
    pub delivered: Vec<Delivered>,
    /// What the insights alerts due in this turn delivered.
    pub alerts: Vec<AlertDelivered>,
    /// Why a native notice could not be shown (none when all were, or none were due).
    pub notice_error: Option<String>,
    /// The scheduled reports this turn ran (filled by the facade, which reads widgets in
    /// the sandbox: `Studydesk::reminders_run_once`).
    pub reports: Vec<crate::insights::reports::run::ReportRun>,
    /// What the e-mail outbox sent in this turn (filled by the facade, after the reports).
    pub emails: crate::email::outbox::DrainReport,
    /// The calendar subscriptions this turn fetched, and how each went.
    pub subscriptions: Vec<SubscriptionRefresh>,
}

/// One delivery turn (see the module docs).
pub fn turn(db: &Db, user_id: &str) -> Result<Turn> {
    turn_with(db, user_id, &FEEDS, |notice| show_blocking("Studydesk", notice))
}

/// [`turn`] with other feed limits and another way of showing a notice (tests).
pub fn turn_with(
    db: &Db,
    user_id: &str,
    feeds: &FeedBudget,
    mut show: impl FnMut(&Notice) -> std::result::Result<(), String>,
) -> Result<Turn> {
    let mut delivered = delivery::deliver_due(db, user_id)?;
    let fired = alerts::turn(db, user_id)?.delivered;
    let mut all = notices(db, user_id, &delivered)?;
    all.extend(alerts::notices_for(&fired, ja(db, user_id)?));
    let mut notice_error = show_all(all, &mut show);
    // The network only after the reminders due now were shown: a slow feed must not
    // delay them.
    let subscriptions = refresh_feeds(db, user_id, feeds);
    // What is due is computed again: the fetches took time, and a changed feed moved its
    // events' reminders.
    if !subscriptions.is_empty() {
        let late = delivery::deliver_due(db, user_id)?;
        if notice_error.is_none() {
            notice_error = show_all(notices(db, user_id, &late)?, &mut show);
        }
        delivered.extend(late);
    }
    // The daily housekeeping rides on the turn, so it runs with the app quit too (the OS
    // timer); a failure must not cost the reminders their turn.
    if let Err(e) = crate::db::history::prune_if_due(db) {
        tracing::warn!(error = %e, "could not prune old history");
    }
    Ok(Turn { delivered, alerts: fired, notice_error, reports: Vec::new(), emails: Default::default(), subscriptions })
}

/// Shows each notice until one fails; the reason of that one.
fn show_all(all: Vec<Notice>, show: &mut impl FnMut(&Notice) -> std::result::Result<(), String>) -> Option<String> {
    all.iter().find_map(|notice| show(notice).err())
}

/// The due subscriptions, fetched within `feeds`; a local failure (the database) is logged
/// and costs only this turn's refresh.
fn refresh_feeds(db: &Db, user_id: &str, feeds: &FeedBudget) -> Vec<SubscriptionRefresh> {
    let deadline = Instant::now() + feeds.budget;
    subscriptions::refresh_due(db, user_id, &feeds.limits, Some(deadline)).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "calendar subscriptions could not be refreshed in this turn");
        Vec::new()
    })
}

fn ja(db: &Db, user_id: &str) -> Result<bool> {
    Ok(db.read(|c| settings::get(c, user_id))?.preferred_locale == settings::Locale::Ja)
}

/// The native notices for what was delivered, in the user's language (missed ones
/// grouped; each other one with snooze buttons acting on its notifications row).
pub fn notices(db: &Db, user_id: &str, delivered: &[Delivered]) -> Result<Vec<Notice>> {
    let locale = db.read(|c| settings::get(c, user_id))?.preferred_locale;
    Ok(delivery::notices_for(delivered, locale == settings::Locale::Ja))
}

/// The label of the tray's first (disabled) menu item.
pub fn next_label(next: Option<(&str, DateTime<Utc>)>, now: DateTime<Utc>, tz: Tz) -> String {
    let Some((title, at)) = next else {
        return "No upcoming reminders".to_string();
    };
    let local = at.with_timezone(&tz);
    let days = (local.date_naive() - now.with_timezone(&tz).date_naive()).num_days();
    let when = if days == 0 {
        local.format("%H:%M").to_string()
    } else if (1..7).contains(&days) {
        local.format("%a %H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    };
    let title = title.trim();
    let title = if title.chars().count() > 40 {
        format!("{}…", title.chars().take(39).collect::<String>())
    } else {
        title.to_string()
    };
    format!("Next: {title} · {when}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn labels() {
        let now = t("2026-11-22T01:00:00Z");
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        assert_eq!(next_label(None, now, tokyo), "No upcoming reminders");
        assert_eq!(next_label(Some(("Lab", t("2026-11-22T05:30:00Z"))), now, tokyo), "Next: Lab · 14:30");
        // 2026-11-23 in Tokyo is a Monday
        assert_eq!(next_label(Some(("Lab", t("2026-11-23T05:30:00Z"))), now, tokyo), "Next: Lab · Mon 14:30");
        assert_eq!(next_label(Some(("Lab", t("2026-12-24T05:30:00Z"))), now, tokyo), "Next: Lab · 2026-12-24 14:30");
        let long = "A".repeat(60);
        let label = next_label(Some((&long, t("2026-11-22T05:30:00Z"))), now, chrono_tz::UTC);
        assert_eq!(label, format!("Next: {}… · 05:30", "A".repeat(39)));
    }
}
