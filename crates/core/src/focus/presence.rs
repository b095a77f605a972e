//! Presence (`user_presence`): what friends will see once sync and social land.
//!
//! Contract: one row per user, whose id is the user's own id (the table is UNIQUE on
//! `user_id`, so that key is stable and the same on every device: two devices never
//! create two rows that sync would have to merge). It follows the focus session:
//! `online` with "Studying <course>" (or the activity's, else the session's name) while a
//! session counts, `idle` during an idle span, `online` without an activity while paused,
//! `offline` when no session runs and when the app shuts down. Only real changes are
//! written (an unchanged status and activity records nothing for sync).

use crate::db::Tx;
use crate::db::row;
use crate::focus::rows::{PresenceStatus, UserPresenceRow};
use crate::Result;
use rusqlite::{params, Connection};

/// `user_presence.activity` is at most this many characters.
pub const ACTIVITY_MAX: usize = 120;

/// "Studying Linear Algebra": the course, else the activity, else the session's name.
pub fn studying_label(course: Option<&str>, activity: Option<&str>, session: Option<&str>) -> String {
    let what = [course, activity, session].into_iter().flatten().map(str::trim).find(|s| !s.is_empty());
    let label = match what {
        Some(w) => format!("Studying {w}"),
        None => "Studying".to_string(),
    };
    if label.chars().count() > ACTIVITY_MAX {
        let mut cut: String = label.chars().take(ACTIVITY_MAX - 1).collect();
        cut.push('…');
        cut
    } else {
        label
    }
}

/// The user's presence row, if it was ever set.
pub fn get(conn: &Connection, user_id: &str) -> Result<Option<UserPresenceRow>> {
    row::select_one(conn, "WHERE user_id = ?1", [user_id])
}

/// Sets the user's presence (inside the caller's write).
pub fn set(tx: &Tx, user_id: &str, status: PresenceStatus, activity: Option<&str>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO user_presence(id, user_id, status, activity, last_seen_at) VALUES (?5, ?1, ?2, ?3, ?4)
         ON CONFLICT(user_id) DO UPDATE SET status = excluded.status, activity = excluded.activity,
           last_seen_at = excluded.last_seen_at
         WHERE user_presence.status IS NOT excluded.status OR user_presence.activity IS NOT excluded.activity",
    )?
    .execute(params![user_id, status.as_str(), activity, tx.now_text(), tx.natural_id("user_presence", &[user_id])])?;
    Ok(())
}
