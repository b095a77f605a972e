//! Planner: task lists and tasks, courses and assignments (calendar, recurrence,
//! reminders and ICS arrive with the planner issue).

pub mod assignments;
pub mod tasks;
pub mod rows;
