//! Setting a user up across rooms: above `account`, `dashboard`, `planner` and `sample`,
//! so none of them imports another to make a user's first rows.
//!
//! Contract:
//! - [`ensure_local_user`] returns this device's user, creating it on first launch in one
//!   transaction: the `users` row and its settings (account, in the system's time zone
//!   when it is a known IANA name, else UTC), the Home layout (dashboard) and the Today
//!   list (planner). Several processes may race to it: the one that commits first wins
//!   and the others return its id.
//! - [`complete_onboarding`] finishes the first-launch screen: "Start empty" or "Load
//!   sample data"; loading the sample is one transaction, landing whole or not at all.

use crate::account::profile::{self, OnboardingChoice};
use crate::db::WriteCtx;
use crate::{Db, Result};

/// Returns the local user's id, creating the profile on first launch.
pub fn ensure_local_user(db: &Db) -> Result<String> {
    if let Some(id) = db.read(profile::local_user_id)? {
        return Ok(id);
    }
    let tz = iana_time_zone::get_timezone().ok().filter(|z| crate::time::parse_tz(z).is_ok());
    db.write(WriteCtx::system("profile.create"), |tx| {
        // Another process may have created it between our read and this transaction.
        if let Some(id) = profile::local_user_id(tx)? {
            return Ok(id);
        }
        let id = profile::insert_local_user(tx, tz.as_deref().unwrap_or("UTC"))?;
        crate::dashboard::layout::insert_defaults(tx, &id)?;
        crate::planner::tasks::insert_default_list(tx, &id)?;
        Ok(id)
    })
}

/// Finishes the first-launch screen (see the module docs).
pub fn complete_onboarding(db: &Db, user_id: &str, choice: OnboardingChoice) -> Result<()> {
    db.write(WriteCtx::by(user_id, "onboarding.complete"), |tx| {
        if choice == OnboardingChoice::Sample {
            crate::sample::load(tx, user_id)?;
        }
        profile::mark_onboarded(tx, user_id, choice)
    })
}
