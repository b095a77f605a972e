//! The calendar room of the facade (issue 3): events, the month view, ICS, and the
//! reminder delivery the scheduler drives. Every method is one transaction (writes) or one
//! read; see `planner::calendar` for the rules.

use crate::commands;
use super::{Bytes, Studydesk};
use crate::planner::assignments;
use crate::planner::calendar::{self, events as cal_events, ics, reminders as cal_reminders, subscriptions};
use crate::Result;

use crate::account::activity_log::ActionType;
#[macro_export]
#[doc(hidden)]
macro_rules! calendar_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { calendar;
            #[ipc(local)]
            pub fn event_add(&self, input: calendar::NewEvent) -> calendar::CalendarEvent {
                cal_events::add(&self.db, &self.user_id(), input)
            }
            /// One typed line ("Study group tomorrow 15:00-16:30") parsed by the core.
            #[ipc(local)]
            pub fn event_quick_add(&self, text: String) -> calendar::CalendarEvent {
                calendar::quick_add(&self.db, &self.user_id(), &text)
            }
            #[ipc(local)]
            pub fn event_get(&self, id: String) -> calendar::CalendarEvent {
                self.db.read(|c| cal_events::get(c, &self.user_id(), &id))
            }
            /// Edits an event, one occurrence, this and the following ones, or the whole series.
            #[ipc(local)]
            pub fn event_update(&self, input: calendar::EventUpdate) -> calendar::CalendarEvent {
                cal_events::update(&self.db, &self.user_id(), input)
            }
            /// Drag and drop: a new start or date, and/or the order inside the destination day.
            #[ipc(local)]
            pub fn event_move(&self, input: calendar::EventMove) -> calendar::CalendarEvent {
                cal_events::move_event(&self.db, &self.user_id(), input)
            }
            #[ipc(local)]
            pub fn event_delete(&self, id: String, occurrence: Option<String>, scope: calendar::EditScope) -> () {
                cal_events::delete(&self.db, &self.user_id(), &id, occurrence.as_deref(), scope)
            }
            /// Occurrences (series expanded) and assignment due dates between two local dates (inclusive).
            #[ipc(local)]
            pub fn calendar_range(&self, from: String, to: String) -> calendar::CalendarRange {
                self.db.read(|c| calendar::range::range_with(c, &self.user_id(), &from, &to, Some(&self.series_cache)))
            }
            /// A long range a page at a time (the agenda): the items from `cursor` (the
            /// previous page's `next`; none for the first page), at most `limit` (200 by default).
            #[ipc(local)]
            pub fn calendar_agenda(&self, from: String, to: String, cursor: Option<String>, limit: Option<u32>) -> calendar::range::AgendaPage {
                self.db.read(|c| calendar::range::agenda(c, &self.user_id(), &from, &to, cursor.as_deref(), limit, Some(&self.series_cache)))
            }
            /// The whole calendar, or the events with an occurrence between `from` and `to`, as ICS text.
            #[ipc(local)]
            pub fn ics_export(&self, from: Option<String>, to: Option<String>) -> String {
                let now = self.db.now();
                self.db.read(|c| ics::export::export(c, &self.user_id(), from.as_deref(), to.as_deref(), now))
            }
            #[ipc(local)]
            pub fn course_set_colour(&self, id: String, colour: Option<String>) -> assignments::Course {
                assignments::set_course_colour(&self.db, &self.user_id(), &id, colour.as_deref())
            }
            /// Imports an .ics file's bytes (re-importing updates events by UID).
            #[ipc(raw)]
            pub fn ics_import(&self, bytes: Bytes) -> ics::IcsImportReport {
                let report = ics::import(&self.db, &self.user_id(), bytes)?;
                self.record_activity(ActionType::CalendarImported, None);
                Ok(report)
            }
            /// Follows a calendar by URL (https, http or webcal): stored, then fetched at
            /// once on this device (the network: off the UI thread). A feed that cannot be
            /// read still leaves the subscription, with the reason in `last_error`.
            #[ipc(remote, check = subscriptions::fetch::check_new)]
            pub fn calendar_subscribe(&self, input: subscriptions::NewSubscription) -> subscriptions::SubscriptionRefresh {
                let added = subscriptions::add(&self.db, &self.user_id(), input)?;
                subscriptions::refresh(&self.db, &self.user_id(), &added.id, &subscriptions::LIMITS)
            }
            /// My calendar subscriptions by name, each with this device's fetch state.
            #[ipc(local)]
            pub fn calendar_subscriptions(&self) -> Vec<subscriptions::CalendarSubscription> {
                self.db.read(|c| subscriptions::list(c, &self.user_id()))
            }
            /// Renames, recolours, changes the refresh interval of, pauses or resumes a subscription.
            #[ipc(local)]
            pub fn calendar_subscription_update(&self, input: subscriptions::SubscriptionPatch) -> subscriptions::CalendarSubscription {
                subscriptions::update(&self.db, &self.user_id(), input)
            }
            /// Fetches a subscription now (the network: off the UI thread).
            #[ipc(remote, check = subscriptions::fetch::check_id)]
            pub fn calendar_subscription_refresh(&self, id: String) -> subscriptions::SubscriptionRefresh {
                subscriptions::refresh(&self.db, &self.user_id(), &id, &subscriptions::LIMITS)
            }
            /// Unsubscribes: the subscription and its events are removed.
            #[ipc(local)]
            pub fn calendar_unsubscribe(&self, id: String) -> () {
                subscriptions::remove(&self.db, &self.user_id(), &id)
            }
        } } $($next)* }
    };
}
crate::calendar_commands!(commands ! {});

impl Studydesk {
    /// Reminders due now (missed ones included), oldest first.
    pub fn reminders_due(&self) -> Result<Vec<calendar::DueReminder>> {
        let now = self.db.now();
        self.db.read(|c| cal_reminders::due(c, now))
    }
    /// The next reminder after now, for the scheduler's timer.
    pub fn reminder_next(&self) -> Result<Option<calendar::DueReminder>> {
        let now = self.db.now();
        self.db.read(|c| cal_reminders::next_due(c, now))
    }
    pub fn reminder_delivered(&self, id: &str) -> Result<()> {
        cal_reminders::mark_delivered(&self.db, &self.user_id(), id)
    }
    pub fn reminder_snooze(&self, id: &str, until: &str) -> Result<()> {
        cal_reminders::snooze(&self.db, &self.user_id(), id, until)
    }
    /// Delivers every due reminder exactly once (claim, advance, notifications row in one
    /// transaction each); show `calendar::delivery::notices_for` of the result afterwards.
    pub fn reminders_deliver_due(&self) -> Result<Vec<calendar::delivery::Delivered>> {
        calendar::delivery::deliver_due(&self.db, &self.user_id())
    }
    /// The native notices for what was delivered, in the user's language (missed ones
    /// grouped; each other one with snooze buttons acting on its notifications row).
    pub fn reminder_notices(&self, delivered: &[calendar::delivery::Delivered]) -> Result<Vec<crate::notify::Notice>> {
        crate::background::remind::notices(&self.db, &self.user_id(), delivered)
    }
    /// Fetches every calendar subscription of mine that is due on this device, one after
    /// another (the network: the shell's background thread and the CLI call it, never the
    /// UI thread).
    pub fn calendar_subscriptions_refresh_due(&self) -> Result<Vec<subscriptions::SubscriptionRefresh>> {
        subscriptions::refresh_due(&self.db, &self.user_id(), &subscriptions::LIMITS, None)
    }
    /// Snoozes a reminder for `minutes` from now (it fires again then, once).
    pub fn reminder_snooze_for(&self, id: &str, minutes: i64) -> Result<()> {
        calendar::delivery::snooze_for(&self.db, &self.user_id(), id, minutes)
    }
    /// How long a scheduler may sleep before its next turn (never more than `cap`): until
    /// the next reminder of any kind (events, tasks, assignments).
    pub fn reminder_next_wake(&self, cap: std::time::Duration) -> Result<std::time::Duration> {
        calendar::delivery::next_wake(&self.db, &self.user_id(), cap)
    }
    /// The next reminder of any kind (the tray's "Next: ..." label).
    pub fn reminder_upcoming(&self) -> Result<Option<calendar::delivery::UpcomingReminder>> {
        let now = self.db.now();
        self.db.read(|c| calendar::delivery::next_upcoming(c, &self.user_id(), now))
    }
}
