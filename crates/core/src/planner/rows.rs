//! Typed rows of the planner tables: `task_lists`, `tasks`, `courses`, `assignments`,
//! `calendar_events`, `calendar_event_reminders`, `item_reminders` (V6), `notifications`.
//!
//! Each type is the whole row, column for column (see [`crate::db::row`] for the
//! mapping); `validate()` mirrors the table's CHECKs in V1 and names the column it
//! refuses. Beyond V1: `calendar_events.ends_at` must not be before `starts_at` when
//! both are set; since V5 a calendar event always has an `end_date`, and an
//! override names both `series_id` and `recurrence_id`.
//!
//! These are the planner's one type per table: the services read, write and return them
//! (`tasks::Task` is this `Task`). Two tables have a view besides, built from the row,
//! because it adds what the row does not hold: `calendar::CalendarEvent` (the zone
//! resolved, the exceptions decoded, the reminders joined) and
//! `notifications::Notification` (what its `data` says, and whether it can be snoozed);
//! their rows are `internal` (not exported to TypeScript).

use crate::db::row::{self, sql_enum, table_row};
use crate::{validate, Result};
use serde_json::Value;

/// The longest LOCATION kept (a room or an address; longer ones are cut on import).
pub const LOCATION_MAX: usize = 500;
/// The longest URL kept (as `validate::url`).
pub const URL_MAX: usize = crate::validate::LINK_MAX;
/// The most extra dates (RDATE) one series keeps: a generous timetable's worth (a year of
/// daily irregular sessions is 366). Bounded so one row stays small (about 26 kB of keys)
/// and one series cannot outgrow the range's item budget; an import past it keeps the
/// first ones in date order and says so.
pub const MAX_RDATES: usize = 1_000;

sql_enum! {
    /// `assignments.timeframe`: the bucket picked for an assignment without a due date.
    pub enum AssignmentTimeframe {
        Week = "week",
        Month = "month",
        Later = "later",
    }
}

sql_enum! {
    /// `calendar_events.source`: how the event was created.
    pub enum CalendarEventSource {
        Quick = "quick",
        Modal = "modal",
        Import = "import",
    }
}

sql_enum! {
    /// `calendar_event_reminders.channel`.
    pub enum ReminderChannel {
        Notification = "notification",
        InApp = "in_app",
    }
}

sql_enum! {
    /// `notifications.priority`.
    pub enum NotificationPriority {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

table_row! {
    /// `task_lists` (001).
    pub struct TaskList in "task_lists" export {
        pub id: String,
        pub user_id: String,
        pub name: String,
        pub description: Option<String>,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl TaskList {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("name", &self.name, 50)?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `tasks` (001).
    pub struct Task in "tasks" export {
        pub id: String,
        pub list_id: String,
        pub user_id: String,
        pub description: String,
        pub is_completed: bool,
        pub completed_at: Option<String>,
        pub due_at: Option<String>,
        pub order_index: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl Task {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("list_id", &self.list_id)?;
        row::uuid("user_id", &self.user_id)?;
        row::nonblank("description", &self.description)?;
        row::opt_timestamp("completed_at", self.completed_at.as_deref())?;
        row::opt_timestamp("due_at", self.due_at.as_deref())?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `courses` (001).
    pub struct Course in "courses" export {
        pub id: String,
        pub user_id: String,
        pub name: String,
        pub emoji: Option<String>,
        pub created_at: String,
        pub updated_at: String,
        /// `#rrggbb`, given to the course's events in the calendar (V5).
        pub colour: Option<String>,
    }
}

impl Course {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("name", &self.name, 120)?;
        row::opt_max_len("emoji", self.emoji.as_deref(), 8)?;
        if let Some(c) = self.colour.as_deref() {
            six_digit_colour(c)?;
        }
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `assignments` (001).
    pub struct Assignment in "assignments" export {
        pub id: String,
        pub user_id: String,
        pub course_id: Option<String>,
        pub title: String,
        pub status: Option<String>,
        pub due_at: Option<String>,
        pub timeframe: AssignmentTimeframe,
        pub notes: Option<String>,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl Assignment {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::opt_uuid("course_id", self.course_id.as_deref())?;
        row::required("title", &self.title, 160)?;
        row::opt_max_len("status", self.status.as_deref(), 40)?;
        row::opt_timestamp("due_at", self.due_at.as_deref())?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `calendar_events` (001): an event on a day, optionally with start and end times.
    pub struct CalendarEventRow in "calendar_events" internal {
        pub id: String,
        pub user_id: String,
        /// `YYYY-MM-DD`.
        pub event_date: String,
        pub title: Option<String>,
        pub notes: Option<String>,
        pub starts_at: Option<String>,
        pub ends_at: Option<String>,
        pub source: CalendarEventSource,
        pub order_index: i64,
        pub created_at: String,
        pub updated_at: String,
        // ---- V5 (recurrence, ICS identity); see migrations/V5__calendar_recurrence.sql
        pub all_day: bool,
        /// Last local date the (first) occurrence covers; always set by the core.
        pub end_date: Option<String>,
        /// A master's last covered date; `None` for single events and endless series.
        pub series_end_date: Option<String>,
        /// IANA time zone of the wall-clock times; `None` = the user's.
        pub timezone: Option<String>,
        pub rrule: Option<String>,
        /// JSON array of the original starts of deleted occurrences.
        pub exdates: Value,
        pub series_id: Option<String>,
        pub recurrence_id: Option<String>,
        pub uid: Option<String>,
        pub course_id: Option<String>,
        pub sequence: i64,
        // ---- V25 (RDATE, LOCATION, URL); see migrations/V25__event_rdates_location.sql
        /// JSON array of the original starts a series adds beside its rule (RDATE).
        pub rdates: Value,
        pub location: Option<String>,
        pub url: Option<String>,
        // ---- V26 (subscriptions); see migrations/V26__calendar_subscriptions.sql
        /// The subscription whose feed the event comes from (read-only, never synced).
        pub subscription_id: Option<String>,
    }
}

impl CalendarEventRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::date("event_date", &self.event_date)?;
        row::opt_max_len("title", self.title.as_deref(), 160)?;
        row::opt_timestamp("starts_at", self.starts_at.as_deref())?;
        row::opt_timestamp("ends_at", self.ends_at.as_deref())?;
        if let (Some(start), Some(end)) = (self.starts_at.as_deref(), self.ends_at.as_deref()) {
            validate::ordered(
                "starts_at",
                validate::timestamp("starts_at", start)?,
                "ends_at",
                validate::timestamp("ends_at", end)?,
            )?;
        }
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)?;
        match self.end_date.as_deref() {
            Some(d) => row::date("end_date", d)?,
            None => return Err(crate::CoreError::validation("end_date is required")),
        }
        row::opt_date("series_end_date", self.series_end_date.as_deref())?;
        row::opt_max_len("timezone", self.timezone.as_deref(), 64)?;
        row::opt_max_len("rrule", self.rrule.as_deref(), 500)?;
        row::json_array("exdates", &self.exdates)?;
        row::opt_uuid("series_id", self.series_id.as_deref())?;
        // An override names both; a detached occurrence (an imported exception without
        // its series, V19) has recurrence_id and its UID but no series.
        if self.series_id.is_some() && self.recurrence_id.is_none() {
            return Err(crate::CoreError::validation("an override needs the original start of its occurrence (recurrence_id)"));
        }
        if self.recurrence_id.is_some() && self.series_id.is_none() && (self.uid.is_none() || self.rrule.is_some()) {
            return Err(crate::CoreError::validation("recurrence_id without a series is only for an imported occurrence (with its UID, without a rule)"));
        }
        row::opt_max_len("uid", self.uid.as_deref(), 255)?;
        row::opt_uuid("course_id", self.course_id.as_deref())?;
        row::non_negative("sequence", self.sequence)?;
        row::json_array("rdates", &self.rdates)?;
        if self.rdates.as_array().is_some_and(|a| a.len() > MAX_RDATES) {
            return Err(crate::CoreError::validation(format!(
                "a series has at most {} extra dates (rdates)",
                MAX_RDATES
            )));
        }
        row::opt_max_len("location", self.location.as_deref(), LOCATION_MAX)?;
        row::opt_max_len("url", self.url.as_deref(), URL_MAX)?;
        row::opt_uuid("subscription_id", self.subscription_id.as_deref())
    }
}

table_row! {
    /// `calendar_subscriptions` (V26): a calendar followed by URL. The first columns sync;
    /// the fetch state (from `etag` on) is each device's own.
    pub struct CalendarSubscriptionRow in "calendar_subscriptions" internal {
        pub id: String,
        pub user_id: String,
        pub name: String,
        /// `http://` or `https://` (`webcal://` is stored as `https://`).
        pub url: String,
        /// `#rrggbb`.
        pub colour: String,
        pub refresh_minutes: i64,
        /// False: paused (not fetched; the last good copy stays shown).
        pub enabled: bool,
        /// The validators of the last good copy, sent back with the next fetch.
        pub etag: Option<String>,
        pub last_modified: Option<String>,
        /// When this device last asked the feed, and last got a good copy (none: never).
        pub last_attempt_at: Option<String>,
        pub last_success_at: Option<String>,
        /// Why the last attempt failed, in words; `None` after a success.
        pub last_error: Option<String>,
        /// Failed attempts in a row.
        pub failures: i64,
        /// When to ask next; `None`: as soon as possible.
        pub next_fetch_at: Option<String>,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// The shortest and longest refresh interval of a subscription, in minutes.
pub const SUBSCRIPTION_REFRESH_MIN: i64 = 15;
pub const SUBSCRIPTION_REFRESH_MAX: i64 = 10_080;
/// The longest subscription name and URL.
pub const SUBSCRIPTION_NAME_MAX: usize = 100;
pub const SUBSCRIPTION_URL_MAX: usize = 2_000;

impl CalendarSubscriptionRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::required("name", self.name.trim(), SUBSCRIPTION_NAME_MAX)?;
        row::required("url", &self.url, SUBSCRIPTION_URL_MAX)?;
        if !(self.url.starts_with("http://") || self.url.starts_with("https://")) {
            return Err(crate::CoreError::validation("url must start with http:// or https://"));
        }
        row::hex_colour("colour", &self.colour)?;
        if self.colour.len() != 7 {
            return Err(crate::CoreError::validation("colour must be #rrggbb"));
        }
        if !(SUBSCRIPTION_REFRESH_MIN..=SUBSCRIPTION_REFRESH_MAX).contains(&self.refresh_minutes) {
            return Err(crate::CoreError::validation(format!(
                "refresh_minutes must be between {SUBSCRIPTION_REFRESH_MIN} and {SUBSCRIPTION_REFRESH_MAX}"
            )));
        }
        row::opt_max_len("etag", self.etag.as_deref(), 1000)?;
        row::opt_max_len("last_modified", self.last_modified.as_deref(), 200)?;
        row::opt_timestamp("last_attempt_at", self.last_attempt_at.as_deref())?;
        row::opt_timestamp("last_success_at", self.last_success_at.as_deref())?;
        row::opt_max_len("last_error", self.last_error.as_deref(), 1000)?;
        row::non_negative("failures", self.failures)?;
        row::opt_timestamp("next_fetch_at", self.next_fetch_at.as_deref())?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `calendar_event_reminders` (designed): relative (`minutes_before` the event) or
    /// absolute (`remind_at`), exactly one; `fire_at` is when it is due.
    pub struct EventReminder in "calendar_event_reminders" export {
        pub id: String,
        pub event_id: String,
        pub user_id: String,
        pub minutes_before: Option<i64>,
        pub remind_at: Option<String>,
        pub channel: ReminderChannel,
        pub fire_at: String,
        pub delivered_at: Option<String>,
        pub snoozed_until: Option<String>,
        pub created_at: String,
        pub updated_at: String,
        /// Start of the occurrence a snoozed series reminder is for (V6).
        pub snoozed_occurrence: Option<String>,
    }
}

impl EventReminder {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("event_id", &self.event_id)?;
        row::uuid("user_id", &self.user_id)?;
        row::opt_non_negative("minutes_before", self.minutes_before)?;
        row::opt_timestamp("remind_at", self.remind_at.as_deref())?;
        if self.minutes_before.is_some() == self.remind_at.is_some() {
            return Err(crate::CoreError::validation(
                "a reminder needs exactly one of minutes_before and remind_at",
            ));
        }
        row::timestamp("fire_at", &self.fire_at)?;
        row::opt_timestamp("delivered_at", self.delivered_at.as_deref())?;
        row::opt_timestamp("snoozed_until", self.snoozed_until.as_deref())?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)?;
        row::opt_timestamp("snoozed_occurrence", self.snoozed_occurrence.as_deref())
    }
}

table_row! {
    /// `item_reminders` (V6): a reminder of one task or one assignment (exactly one),
    /// relative (`minutes_before` its due time) or absolute (`remind_at`), exactly one;
    /// `fire_at` is when it is due, `None` while a relative one's item has no due date.
    pub struct ItemReminder in "item_reminders" export {
        pub id: String,
        pub user_id: String,
        pub task_id: Option<String>,
        pub assignment_id: Option<String>,
        pub minutes_before: Option<i64>,
        pub remind_at: Option<String>,
        pub fire_at: Option<String>,
        pub delivered_at: Option<String>,
        pub snoozed_until: Option<String>,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl ItemReminder {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::opt_uuid("task_id", self.task_id.as_deref())?;
        row::opt_uuid("assignment_id", self.assignment_id.as_deref())?;
        if self.task_id.is_some() == self.assignment_id.is_some() {
            return Err(crate::CoreError::validation(
                "an item reminder belongs to exactly one of task_id and assignment_id",
            ));
        }
        row::opt_non_negative("minutes_before", self.minutes_before)?;
        row::opt_timestamp("remind_at", self.remind_at.as_deref())?;
        if self.minutes_before.is_some() == self.remind_at.is_some() {
            return Err(crate::CoreError::validation(
                "a reminder needs exactly one of minutes_before and remind_at",
            ));
        }
        row::opt_timestamp("fire_at", self.fire_at.as_deref())?;
        row::opt_timestamp("delivered_at", self.delivered_at.as_deref())?;
        row::opt_timestamp("snoozed_until", self.snoozed_until.as_deref())?;
        row::timestamp("created_at", &self.created_at)?;
        row::timestamp("updated_at", &self.updated_at)
    }
}

table_row! {
    /// `notifications` (002).
    pub struct NotificationRow in "notifications" internal {
        pub id: String,
        pub user_id: String,
        pub r#type as "type": String,
        pub title: String,
        pub message: Option<String>,
        pub data: Option<Value>,
        pub is_read: bool,
        pub read_at: Option<String>,
        pub created_at: String,
        pub expires_at: Option<String>,
        pub priority: NotificationPriority,
    }
}

impl NotificationRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::nonblank("type", &self.r#type)?;
        row::nonblank("title", &self.title)?;
        row::opt_timestamp("read_at", self.read_at.as_deref())?;
        row::timestamp("created_at", &self.created_at)?;
        row::opt_timestamp("expires_at", self.expires_at.as_deref())
    }
}

/// A course colour: `#rrggbb` exactly (the CHECK of V5).
pub fn six_digit_colour(c: &str) -> Result<()> {
    row::hex_colour("colour", c)?;
    if c.len() != 7 {
        return Err(crate::CoreError::validation(format!(
            "colour must be #rrggbb (got \"{}\")",
            validate::truncate_for_message(c)
        )));
    }
    Ok(())
}
