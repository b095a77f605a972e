//! Planner: task lists and tasks, courses and assignments, and the calendar (events,
//! recurrence, reminders, quick add, ICS import and export).

pub mod assignments;
pub mod calendar;
pub mod tasks;
pub mod rows;
