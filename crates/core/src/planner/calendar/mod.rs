//! The calendar of the Planner (issue 3): events, recurring series, reminders, quick add,
//! the range query the views draw from, and ICS import and export.
//!
//! Layers, each using only those below it: `recurrence` (pure RRULE expansion) and
//! `model` (the decoded event) at the bottom; `store` (all calendar SQL); `reminders`;
//! `events` (the edit scopes), `range`, `ics`, `delivery` and quick add on top;
//! `subscriptions` (calendars followed by URL) over `ics`; `colours` (the swatches a course
//! or a subscription is offered) stands alone.
//!
//! Contract: everything here works on the local user's rows through `Db::write` (one
//! transaction per command, so a failed command leaves nothing behind) and reads time
//! from the injected clock. Wall-clock times follow IANA zones through chrono-tz. The
//! storage shapes are documented in `migrations/V5__calendar_recurrence.sql` and
//! `docs/schema.md` §10.

pub mod colours;
pub mod delivery;
pub mod events;
pub mod ics;
pub mod model;
pub mod quick_add;
pub mod range;
pub mod recurrence;
pub mod reminders;
pub mod store;
pub mod subscriptions;

pub use crate::planner::reminder_defs::NewReminder;
pub use events::{CalendarEvent, EditScope, EventMove, EventPatch, EventUpdate, NewEvent};
pub use range::{CalendarItem, CalendarItemKind, CalendarRange};
pub use reminders::{DueReminder, EventReminder};

use crate::db::WriteCtx;
use crate::planner::rows::CalendarEventSource;
use crate::{validate, CoreError, Db, Result};

/// The longest line quick add accepts.
pub const QUICK_ADD_MAX: usize = 500;

/// Quick add: parses one typed line (see `quick_add`) and creates the event.
pub fn quick_add(db: &Db, user_id: &str, line: &str) -> Result<CalendarEvent> {
    let line = validate::text("quick add text", line, QUICK_ADD_MAX)?;
    db.write(WriteCtx::by(user_id, "event.quick_add"), |tx| {
        let tz = store::user_tz(tx, user_id)?;
        let today = crate::time::local_date(tx.now(), tz);
        let q = quick_add::parse(&line, today).map_err(CoreError::validation)?;
        let (start, end) = match q.start {
            Some(t) => {
                let s = q.date.and_time(t);
                let e = s + chrono::Duration::minutes(q.minutes);
                (s.format("%Y-%m-%dT%H:%M").to_string(), Some(e.format("%Y-%m-%dT%H:%M").to_string()))
            }
            None => (q.date.to_string(), None),
        };
        let input = NewEvent {
            title: q.title,
            start,
            end,
            all_day: q.start.is_none(),
            source: Some(CalendarEventSource::Quick),
            ..Default::default()
        };
        let ev = events::add_in(tx, user_id, &input)?;
        events::view(tx, &ev)
    })
}
