//! The planner room of the facade: tasks, courses and assignments.

use crate::commands;
use super::Studydesk;
use crate::planner::{assignments, tasks};
use crate::Result;

use crate::account::activity_log::ActionType;
#[macro_export]
#[doc(hidden)]
macro_rules! planner_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { planner;
            #[ipc(local)]
            pub fn task_add(&self, input: tasks::NewTask) -> tasks::Task {
                let task = tasks::add_task(&self.db, &self.user_id(), input)?;
                self.record_activity(ActionType::TaskAdded, Some(("task", &task.id)));
                Ok(task)
            }
            #[ipc(local)]
            pub fn task_rename(&self, id: String, description: String) -> tasks::Task {
                tasks::rename_task(&self.db, &self.user_id(), &id, &description)
            }
            #[ipc(local)]
            pub fn task_set_completed(&self, id: String, completed: bool) -> tasks::Task {
                tasks::set_completed(&self.db, &self.user_id(), &id, completed)
            }
            #[ipc(local)]
            pub fn task_set_due(&self, id: String, due_at: Option<String>) -> tasks::Task {
                tasks::set_due(&self.db, &self.user_id(), &id, due_at.as_deref())
            }
            /// `ordered_ids` must list every task of the list exactly once.
            #[ipc(local)]
            pub fn task_reorder(&self, list_id: String, ordered_ids: Vec<String>) -> Vec<tasks::Task> {
                tasks::reorder(&self.db, &self.user_id(), &list_id, &ordered_ids)
            }
            #[ipc(local)]
            pub fn task_delete(&self, id: String) -> () {
                tasks::delete_task(&self.db, &self.user_id(), &id)
            }

            #[ipc(local)]
            pub fn course_add(&self, name: String, emoji: Option<String>) -> assignments::Course {
                assignments::add_course(&self.db, &self.user_id(), &name, emoji.as_deref())
            }
            #[ipc(local)]
            pub fn course_delete(&self, id: String) -> () {
                assignments::delete_course(&self.db, &self.user_id(), &id)
            }
            #[ipc(local)]
            pub fn assignment_add(&self, input: assignments::NewAssignment) -> assignments::Assignment {
                assignments::add(&self.db, &self.user_id(), input)
            }
            #[ipc(local)]
            pub fn assignment_update(&self, id: String, input: assignments::NewAssignment) -> assignments::Assignment {
                assignments::update(&self.db, &self.user_id(), &id, input)
            }
            #[ipc(local)]
            pub fn assignment_delete(&self, id: String) -> () {
                assignments::delete(&self.db, &self.user_id(), &id)
            }
        } } $($next)* }
    };
}
crate::planner_commands!(commands ! {});

impl Studydesk {
    /// Every task of the user (the CLI's `task list`).
    pub fn task_list(&self) -> Result<Vec<tasks::Task>> {
        self.db.read(|c| tasks::all_tasks(c, &self.user_id()))
    }
}
