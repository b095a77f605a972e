//! Planner: task lists and tasks, courses and assignments, and the calendar (events,
//! recurrence, reminders, quick add, ICS import and export), and the reminders before a
//! task's or an assignment's due time (`item_reminders`).

pub mod assignments;
pub mod calendar;
pub mod item_reminders;
pub mod notifications;
pub mod reminder_defs;
pub mod rows;
pub mod tasks;
