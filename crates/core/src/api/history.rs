//! The history room of the facade: the audit trail as history, undo, and how long
//! history is kept (`db::history`).

use crate::commands;
use crate::db::history;

#[macro_export]
#[doc(hidden)]
macro_rules! history_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { history;
            /// The changes of one item (task, event, dashboard...), newest first, a page
            /// at a time (`before`: the previous page's `next`).
            #[ipc(local)]
            pub fn history_item(&self, entity_id: String, before: Option<String>, limit: Option<u32>) -> history::HistoryPage {
                history::item_history(&self.db, &self.user_id(), &entity_id, before.as_deref(), limit)
            }
            /// The account's changes, filtered by type and dates, newest first, paged.
            #[ipc(local)]
            pub fn history_account(&self, query: history::HistoryQuery) -> history::HistoryPage {
                history::account_history(&self.db, &self.user_id(), &query)
            }
            /// Undoes one change (as a new change, which syncs and can be undone).
            #[ipc(local)]
            pub fn history_undo(&self, change_id: String) -> history::UndoOutcome {
                history::undo_change(&self.db, &self.user_id(), &change_id)
            }
            /// Undoes the last action made on this device (Ctrl+Z).
            #[ipc(local)]
            pub fn history_undo_last(&self) -> history::UndoOutcome {
                history::undo_last(&self.db, &self.user_id())
            }
            /// Undoes every change made since `since` (a timestamp), newest first, all or none.
            #[ipc(local)]
            pub fn history_undo_since(&self, since: String) -> history::UndoOutcome {
                history::undo_since(&self.db, &self.user_id(), &since)
            }
            /// How many days history is kept (default 365).
            #[ipc(local)]
            pub fn history_retention(&self) -> u32 {
                self.db.read(history::retention_days)
            }
            /// Sets how many days history is kept (1 to 3650); older changes are pruned.
            #[ipc(local)]
            pub fn history_set_retention(&self, days: u32) -> u32 {
                let days = history::set_retention_days(&self.db, days)?;
                history::prune(&self.db, history::PRUNE_BATCHES_A_DAY)?;
                Ok(days)
            }
        } } $($next)* }
    };
}
crate::history_commands!(commands ! {});

impl crate::api::Studydesk {
    /// The daily prune of old history, for the background scheduler (`None`: pruned less
    /// than a day ago; `db::history::prune_if_due`).
    pub fn history_prune_if_due(&self) -> crate::Result<Option<u64>> {
        history::prune_if_due(&self.db)
    }
}
