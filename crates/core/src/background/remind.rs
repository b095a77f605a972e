//! One headless reminder turn, and the tray's "next reminder" label.
//!
//! Contract of [`turn`]: deliver every due reminder of the user through
//! `planner::calendar::delivery::deliver_due` (the database decides, once per reminder,
//! across processes), and only then show the native notices (`delivery::notices_for`: missed
//! ones grouped), waiting for each at most `notify::SHOW_TIMEOUT`. After the first notice
//! no server answered, the rest are not tried; the reason comes back in
//! [`Turn::notice_error`] and the notifications rows are written either way. The same turn
//! then evaluates the insights alerts that are due (`insights::alerts::evaluate::turn`:
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
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

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
}

/// One delivery turn (see the module docs).
pub fn turn(db: &Db, user_id: &str) -> Result<Turn> {
    turn_with(db, user_id, |notice| show_blocking("Studydesk", notice))
}

/// [`turn`] with another way of showing a notice (tests).
pub fn turn_with(
    db: &Db,
    user_id: &str,
    mut show: impl FnMut(&Notice) -> std::result::Result<(), String>,
) -> Result<Turn> {
    let delivered = delivery::deliver_due(db, user_id)?;
    let fired = alerts::turn(db, user_id)?.delivered;
    let mut all = notices(db, user_id, &delivered)?;
    all.extend(alerts::notices_for(&fired, ja(db, user_id)?));
    let mut notice_error = None;
    for notice in all {
        if let Err(reason) = show(&notice) {
            notice_error = Some(reason);
            break;
        }
    }
    // The daily housekeeping rides on the turn, so it runs with the app quit too (the OS
    // timer); a failure must not cost the reminders their turn.
    if let Err(e) = crate::db::history::prune_if_due(db) {
        tracing::warn!(error = %e, "could not prune old history");
    }
    Ok(Turn { delivered, alerts: fired, notice_error, reports: Vec::new(), emails: Default::default() })
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
