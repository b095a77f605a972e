//! The background room of the facade (issue 3, part 6): the tray, start at login, the OS
//! timer and the headless reminder turn. See `background` for the rules.

use crate::commands;
use super::Studydesk;
use crate::account::settings;
use crate::background;
use crate::planner::calendar::events as cal_events;
use crate::Result;

#[macro_export]
#[doc(hidden)]
macro_rules! background_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { background;
            #[ipc(local)]
            pub fn background_settings_get(&self) -> background::settings::BackgroundSettings {
                self.db.read(|c| background::settings::get(c, &self.user_id()))
            }
            /// Changes the fields the patch names; start at login and the OS timer are
            /// performed first through the effects the shell installed
            /// ([`Studydesk::install_effects`]) and stored only when that worked. Fails
            /// (kind `io`, in words) when the OS side could not be done.
            #[ipc(local)]
            pub fn background_settings_update(&self, patch: background::settings::BackgroundSettingsPatch) -> background::settings::BackgroundSettings {
                background::settings::update(&self.db, &self.user_id(), patch, self.effects())
            }
        } } $($next)* }
    };
}
crate::background_commands!(commands ! {});

impl crate::focus::ticker::Host for Studydesk {
    fn db(&self) -> &crate::Db {
        &self.db
    }
    fn user_id(&self) -> String {
        Studydesk::user_id(self)
    }
}

impl Studydesk {
    /// One headless delivery turn: deliver due reminders, then show them natively; then
    /// refresh the calendar subscriptions that are due (bounded in time) and deliver what
    /// a changed feed made due; then
    /// run the scheduled reports that are due (a report's failure is in its `last_error`
    /// and in `Turn::reports`, never a failed turn); last, send the e-mail outbox's due
    /// messages (a failure stays in the outbox, retried later).
    pub fn reminders_run_once(&self) -> Result<background::remind::Turn> {
        let mut turn = background::remind::turn(&self.db, &self.user_id())?;
        turn.reports = self.reports_run_due().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "scheduled reports could not run");
            Vec::new()
        });
        // The results my shared dashboards show their grantees, when stale (at most every
        // `insights::results::FRESH_MINUTES` per widget).
        if let Err(e) = self.shared_results_refresh(false) {
            tracing::warn!(error = %e, "shared widget results could not be refreshed");
        }
        // Last, after everything the user waits for: the mail server may be slow.
        turn.emails = self.outbox_send_due().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the e-mail outbox could not be sent");
            Default::default()
        });
        Ok(turn)
    }
    /// The tray's first menu item: "Next: <title> · <local time>" or "No upcoming reminders".
    pub fn tray_next_label(&self) -> Result<String> {
        let now = self.db.now();
        // The next reminder of any kind (events, tasks, assignments).
        let next = self.reminder_upcoming()?;
        let tz = self.db.read(|c| settings::timezone(c, &self.user_id()))?;
        let at = next.as_ref().and_then(|r| cal_events::parse_instant(&r.fire_at));
        let item = next.as_ref().zip(at).map(|(r, at)| (r.title.as_str(), at));
        Ok(background::remind::next_label(item, now, tz))
    }
}
