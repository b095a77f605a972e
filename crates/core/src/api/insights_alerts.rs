//! The alerts room of the facade (issue 16 item 1): my threshold alerts on the built-in
//! metrics, created, edited, turned on and off, snoozed, deleted, tested against stored
//! history ("Test this alert") and checked now. See `insights::alerts` for the rules.

use crate::commands;
use crate::insights::alerts::{self, evaluate};

#[macro_export]
#[doc(hidden)]
macro_rules! insights_alerts_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { insights_alerts;
            /// My alerts by name, each with its status, last value and last check.
            #[ipc(local)]
            pub fn alert_list(&self) -> Vec<alerts::Alert> {
                self.db.read(|c| alerts::list(c, &self.user_id()))
            }
            /// A new alert, active (refused whole, in words: no name, a threshold that is
            /// not a number, a grain the metric lacks, a channel that is not available).
            #[ipc(local)]
            pub fn alert_create(&self, draft: alerts::AlertDraft) -> alerts::Alert {
                alerts::create(&self.db, &self.user_id(), &draft)
            }
            /// Replaces my alert's rule; it is evaluated again from `active`.
            #[ipc(local)]
            pub fn alert_update(&self, id: String, draft: alerts::AlertDraft) -> alerts::Alert {
                alerts::update(&self.db, &self.user_id(), &id, &draft)
            }
            /// Turns my alert on or off.
            #[ipc(local)]
            pub fn alert_set_active(&self, id: String, active: bool) -> alerts::Alert {
                alerts::set_active(&self.db, &self.user_id(), &id, active)
            }
            /// Snoozes my alert for `minutes` (1 to 10,080).
            #[ipc(local)]
            pub fn alert_snooze(&self, id: String, minutes: i64) -> alerts::Alert {
                alerts::snooze(&self.db, &self.user_id(), &id, minutes)
            }
            /// Deletes my alert.
            #[ipc(local)]
            pub fn alert_delete(&self, id: String) -> () {
                alerts::delete(&self.db, &self.user_id(), &id)
            }
            /// "Test this alert": when a draft would have fired over the last 90 days.
            #[ipc(local)]
            pub fn alert_test(&self, draft: alerts::AlertDraft) -> alerts::Replay {
                let now = self.db.now();
                self.db.read(|c| alerts::replay(c, &self.user_id(), &draft, now))
            }
            /// The channels and whether each is available (email needs SMTP; Slack and SMS never).
            #[ipc(local)]
            pub fn alert_channels(&self) -> Vec<alerts::ChannelInfo> {
                self.db.read(|c| Ok(alerts::channels(c, &self.user_id())))
            }
            /// Evaluates the alerts due now and delivers what fired (the notification
            /// center's rows; the native notices are the background turn's).
            #[ipc(local)]
            pub fn alert_check_now(&self) -> evaluate::AlertTurn {
                evaluate::turn(&self.db, &self.user_id())
            }
        } } $($next)* }
    };
}
crate::insights_alerts_commands!(commands ! {});

impl super::Studydesk {
    /// One alert turn as `alert check --once` runs it: evaluate what is due, deliver, then
    /// show the native notices (waiting for each); the reason none could be shown, if so.
    pub fn alerts_check_once(&self) -> crate::Result<(evaluate::AlertTurn, Option<String>)> {
        let turn = evaluate::turn(&self.db, &self.user_id())?;
        let ja = self.db.read(|c| crate::account::settings::get(c, &self.user_id()))?.preferred_locale
            == crate::account::settings::Locale::Ja;
        let mut error = None;
        for notice in evaluate::notices_for(&turn.delivered, ja) {
            if let Err(reason) = crate::notify::show_blocking("Studydesk", &notice) {
                error = Some(reason);
                break;
            }
        }
        Ok((turn, error))
    }

    /// After a data source refresh: every active alert evaluated at once (one on a widget
    /// or model over the source sees the new rows now, not at its next check), and the
    /// notices of what fired shown. A failure is logged: it is never the refresh's.
    pub fn alerts_after_refresh(&self) -> evaluate::AlertTurn {
        let turn = evaluate::turn_all(&self.db, &self.user_id()).and_then(|turn| Ok((self.alert_notices(&turn.delivered)?, turn)));
        match turn {
            Ok((notices, turn)) => {
                for notice in notices {
                    if let Err(reason) = crate::notify::show_blocking("Studydesk", &notice) {
                        tracing::warn!(reason, "could not show an alert's notice");
                        break;
                    }
                }
                turn
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not evaluate the alerts after a data source refresh");
                evaluate::AlertTurn::default()
            }
        }
    }

    /// The native notices of what an alert turn delivered, in the user's language.
    pub fn alert_notices(&self, delivered: &[evaluate::AlertDelivered]) -> crate::Result<Vec<crate::notify::Notice>> {
        let ja = self.db.read(|c| crate::account::settings::get(c, &self.user_id()))?.preferred_locale
            == crate::account::settings::Locale::Ja;
        Ok(evaluate::notices_for(delivered, ja))
    }

    /// An alert notice's `alert-snooze-N` button: snoozes the alert its notifications row
    /// came from, and marks the row read.
    pub fn alert_snooze_from_notification(&self, notification_id: &str, minutes: i64) -> crate::Result<alerts::Alert> {
        let me = self.user_id();
        let alert = self.db.read(|c| crate::planner::notifications::alert_of(c, &me, notification_id))?;
        let alert = alert.ok_or_else(|| crate::CoreError::validation("this notification is not an alert's, so it cannot be snoozed"))?;
        let snoozed = alerts::snooze(&self.db, &me, &alert, minutes)?;
        crate::planner::notifications::set_read(&self.db, &me, notification_id, true)?;
        Ok(snoozed)
    }
}
