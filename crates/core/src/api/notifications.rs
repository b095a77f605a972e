//! The notifications room of the facade: the notification center and the reminders of
//! tasks and assignments (`planner::item_reminders`). Every method is one transaction
//! (writes) or one read.

use crate::commands;
use super::Studydesk;
use crate::notifications;
use crate::planner::calendar::NewReminder;
use crate::planner::{assignments, item_reminders, tasks};
use crate::Result;

/// How many rows `notifications_list` returns when the caller does not say.
pub const NOTIFICATIONS_DEFAULT_LIMIT: i64 = 100;

#[macro_export]
#[doc(hidden)]
macro_rules! notifications_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { notifications;
            /// The newest `limit` (1 to 500, else 100) notifications and the unread count.
            #[ipc(local)]
            pub fn notifications_list(&self, limit: Option<i64>) -> notifications::NotificationList {
                let now = self.db.now();
                let limit = limit.unwrap_or(NOTIFICATIONS_DEFAULT_LIMIT);
                self.db.read(|c| notifications::list(c, &self.user_id(), limit, now))
            }
            #[ipc(local)]
            pub fn notification_set_read(&self, id: String, read: bool) -> notifications::Notification {
                notifications::set_read(&self.db, &self.user_id(), &id, read)
            }
            /// Answers how many were marked read.
            #[ipc(local)]
            pub fn notifications_mark_all_read(&self) -> i64 {
                notifications::mark_all_read(&self.db, &self.user_id())
            }
            /// Deletes every notification; answers how many.
            #[ipc(local)]
            pub fn notifications_clear_all(&self) -> i64 {
                notifications::clear_all(&self.db, &self.user_id())
            }
            /// Snoozes the reminder a notification came from: exactly one of `minutes` (1 to
            /// 1440) or a future `until` (RFC 3339). The notification is marked read.
            #[ipc(local)]
            pub fn notification_snooze(&self, id: String, minutes: Option<i64>, until: Option<String>) -> notifications::Notification {
                notifications::snooze(&self.db, &self.user_id(), &id, minutes, until.as_deref())
            }
            /// The reminders of a task or an assignment.
            #[ipc(local)]
            pub fn item_reminders_get(&self, item: item_reminders::ItemRef) -> Vec<item_reminders::ItemReminder> {
                self.db.read(|c| item_reminders::list(c, &self.user_id(), &item))
            }
            /// Replaces the reminders of a task or an assignment (at most 10).
            #[ipc(local)]
            pub fn item_reminders_set(&self, item: item_reminders::ItemRef, reminders: Vec<NewReminder>) -> Vec<item_reminders::ItemReminder> {
                item_reminders::set(&self.db, &self.user_id(), &item, &reminders)
            }
        } } $($next)* }
    };
}
crate::notifications_commands!(commands ! {});

impl Studydesk {
    /// Adds a task with reminders before its due time, in one transaction.
    pub fn task_add_with_reminders(&self, input: tasks::NewTask, reminders: &[NewReminder]) -> Result<tasks::Task> {
        tasks::add_task_with_reminders(&self.db, &self.user_id(), input, reminders)
    }
    /// Adds an assignment with reminders before its due time, in one transaction.
    pub fn assignment_add_with_reminders(
        &self,
        input: assignments::NewAssignment,
        reminders: &[NewReminder],
    ) -> Result<assignments::Assignment> {
        assignments::add_with_reminders(&self.db, &self.user_id(), input, reminders)
    }
}
