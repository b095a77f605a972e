//! The calendar commands: `event add`, `agenda`, `ics import`, `ics export`, and the
//! subscriptions: `calendar subscribe URL`, `calendar subscriptions`, `calendar refresh
//! [ID]`, `calendar subscription-edit ID [--name N] [--colour C] [--every MINUTES]`,
//! `calendar pause ID`, `calendar resume ID`, `calendar unsubscribe ID`.
//!
//! Contract: each command is one call of the `Studydesk` facade (so the app's rules
//! hold); output is one id, a JSON document (`--json`) or short human lines; errors go
//! back to `main`, which prints `error (<kind>): <message>` and exits 1 (a malformed
//! .ics file reads `error (validation): line N: reason`).

use crate::terminal::{self, field, say};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use studydesk_core::api::Studydesk;
use studydesk_core::planner::calendar::subscriptions::{CalendarSubscription, NewSubscription, SubscriptionPatch, SubscriptionRefresh};
use studydesk_core::planner::calendar::{range, CalendarItem, NewEvent, NewReminder};
use studydesk_core::CoreError;

#[derive(Subcommand)]
pub enum EventCommand {
    /// Add an event: a timed one, or all-day with --all-day (or a date as --start).
    Add {
        #[arg(long)]
        title: String,
        /// ISO 8601: 2026-11-23T15:00:00+09:00, a local 2026-11-23T15:00, or a date.
        #[arg(long)]
        start: String,
        #[arg(long)]
        end: Option<String>,
        #[arg(long)]
        all_day: bool,
        /// A repeat rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10.
        #[arg(long)]
        rrule: Option<String>,
        /// Minutes before the start (repeatable).
        #[arg(long = "remind", value_name = "MINUTES")]
        remind: Vec<i64>,
        #[arg(long)]
        notes: Option<String>,
        /// Where it happens (a room, an address).
        #[arg(long)]
        location: Option<String>,
        /// A link about it (http, https or mailto).
        #[arg(long)]
        url: Option<String>,
    },
    /// Add an event from one line of text ("Study group tomorrow 15:00-16:30").
    Quick { text: String },
}

#[derive(Subcommand)]
pub enum IcsCommand {
    /// Import events from an .ics file (re-importing updates by UID).
    Import { file: PathBuf },
    /// Write the calendar (or the events between --from and --to) to an .ics file.
    Export {
        file: PathBuf,
        #[arg(long, requires = "to")]
        from: Option<String>,
        #[arg(long, requires = "from")]
        to: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Follow a calendar by URL (https, http or webcal), fetched now and then every
    /// --every minutes; its events are read-only, in their own colour.
    Subscribe {
        url: String,
        #[command(flatten)]
        options: SubscriptionOptions,
        #[arg(long)]
        json: bool,
    },
    /// My subscriptions, with when each was last fetched here, or why it failed.
    Subscriptions {
        #[arg(long)]
        json: bool,
    },
    /// Fetch one subscription now, or every one that is due.
    Refresh {
        id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Rename, recolour or change the interval of a subscription.
    SubscriptionEdit {
        id: String,
        #[command(flatten)]
        options: SubscriptionOptions,
        #[arg(long)]
        json: bool,
    },
    /// Stop fetching a subscription; its last copy stays shown.
    Pause { id: String },
    /// Fetch a paused subscription again (at the next refresh when it is due).
    Resume { id: String },
    /// Stop following a calendar: the subscription and its events are removed.
    Unsubscribe { id: String },
}

/// What `calendar subscribe` sets and `calendar subscription-edit` changes: each help
/// says its default for both (the core's `subscriptions::add` defaults; an edit leaves out
/// what is not given).
#[derive(Args, Debug)]
pub struct SubscriptionOptions {
    /// Unique among my subscriptions, ignoring case [subscribing: the address's host; editing: unchanged].
    #[arg(long)]
    name: Option<String>,
    /// #RRGGBB [subscribing: the next swatch of the app's colour picker; editing: unchanged].
    #[arg(long)]
    colour: Option<String>,
    /// Minutes between fetches, 15 to 10080 [subscribing: 360; editing: unchanged].
    #[arg(long, value_name = "MINUTES")]
    every: Option<i64>,
}

impl CalendarCommand {
    /// Only a subscription adds something to a new database.
    pub fn adds(&self) -> bool {
        matches!(self, CalendarCommand::Subscribe { .. })
    }
}

pub fn calendar(app: &Studydesk, cmd: CalendarCommand) -> Result<(), CoreError> {
    match cmd {
        CalendarCommand::Subscribe { url, options: SubscriptionOptions { name, colour, every }, json } => {
            let done = app.calendar_subscribe(NewSubscription { url, name, colour, refresh_minutes: every })?;
            if json {
                return terminal::json(&done, true);
            }
            say!("{}", done.subscription.id);
            say!("{}", refresh_line(&done));
        }
        CalendarCommand::Subscriptions { json } => {
            let list = app.calendar_subscriptions()?;
            if json {
                return terminal::json(&list, true);
            }
            for s in &list {
                say!("{}", subscription_line(s));
            }
        }
        CalendarCommand::Refresh { id, json } => {
            let done = match id {
                Some(id) => vec![app.calendar_subscription_refresh(&id)?],
                None => app.calendar_subscriptions_refresh_due()?,
            };
            if json {
                return terminal::json(&done, true);
            }
            for r in &done {
                say!("{}", refresh_line(r));
            }
        }
        CalendarCommand::SubscriptionEdit { id, options: SubscriptionOptions { name, colour, every }, json } => {
            if name.is_none() && colour.is_none() && every.is_none() {
                return Err(CoreError::validation("say what to change: --name, --colour or --every"));
            }
            let patch = SubscriptionPatch { id, name, colour, refresh_minutes: every, enabled: None };
            let s = app.calendar_subscription_update(patch)?;
            if json {
                return terminal::json(&s, true);
            }
            say!("{}", subscription_line(&s));
        }
        CalendarCommand::Pause { id } => pause(app, id, false)?,
        CalendarCommand::Resume { id } => pause(app, id, true)?,
        CalendarCommand::Unsubscribe { id } => {
            app.calendar_unsubscribe(&id)?;
            say!("unsubscribed {}", field(&id));
        }
    }
    Ok(())
}

/// Pauses (`enabled` false) or resumes a subscription and prints its line.
fn pause(app: &Studydesk, id: String, enabled: bool) -> Result<(), CoreError> {
    let s = app.calendar_subscription_update(SubscriptionPatch { id, enabled: Some(enabled), ..Default::default() })?;
    say!("{}", subscription_line(&s));
    Ok(())
}

fn subscription_line(s: &CalendarSubscription) -> String {
    let state = match (&s.last_error, &s.last_success_at) {
        (Some(e), _) => format!("failed: {}", field(e)),
        (None, Some(t)) => format!("updated {t}"),
        (None, None) => "not fetched yet".to_string(),
    };
    let next = s.next_fetch_at.as_deref().map(|t| format!("; next {t}")).unwrap_or_default();
    let paused = if s.enabled { "" } else { "  (paused)" };
    format!("{}  {}  {}  {} events  {state}{next}{paused}  <{}>", s.id, s.colour, field(&s.name), s.events, field(&s.url))
}

pub(crate) fn refresh_line(r: &SubscriptionRefresh) -> String {
    format!("{}: {}", field(&r.subscription.name), field(&r.result.words()))
}

impl IcsCommand {
    /// Only an import adds something to a new database.
    pub fn adds(&self) -> bool {
        matches!(self, IcsCommand::Import { .. })
    }
}

pub fn event(app: &Studydesk, cmd: EventCommand) -> Result<(), CoreError> {
    let ev = match cmd {
        EventCommand::Add { title, start, end, all_day, rrule, remind, notes, location, url } => {
            let reminders =
                remind.into_iter().map(|m| NewReminder { minutes_before: Some(m), ..Default::default() }).collect();
            let input = NewEvent { title, notes, location, url, start, end, all_day, rrule, reminders, ..Default::default() };
            app.event_add(input)?
        }
        EventCommand::Quick { text } => app.event_quick_add(&text)?,
    };
    say!("{}", ev.id);
    Ok(())
}

/// Occurrences (series expanded) and assignment due dates between two dates, sorted,
/// read a page at a time (the core caps one answer; see `range::agenda`), so a long
/// range of a crowded calendar streams out instead of being held whole. `--json` writes
/// one JSON array, element by element.
pub fn agenda(app: &Studydesk, from: &str, to: &str, json: bool) -> Result<(), CoreError> {
    // The first page is read before anything is written, so a refused range prints only
    // the error (a later page can fail only if the calendar changes meanwhile).
    let mut page = app.calendar_agenda(from, to, None::<String>, Some(range::MAX_PAGE))?;
    let mut first = true;
    if json {
        terminal::print_line("[");
    }
    loop {
        for item in &page.items {
            if json {
                terminal::json_element(item, first)?;
            } else {
                say!("{}", agenda_line(item, &page.timezone));
            }
            first = false;
        }
        match page.next.take() {
            Some(next) => page = app.calendar_agenda(from, to, Some(next), Some(range::MAX_PAGE))?,
            None => break,
        }
    }
    if json {
        terminal::print_line("]");
    }
    Ok(())
}

fn agenda_line(i: &CalendarItem, zone: &str) -> String {
    let tz: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let local = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&tz).format("%H:%M").to_string())
    };
    let when = match (local(&i.starts_at), local(&i.ends_at)) {
        (Some(s), Some(e)) => format!("{s}-{e}"),
        (Some(s), None) => s,
        _ => "all day".to_string(),
    };
    let kind = match i.kind {
        studydesk_core::planner::calendar::CalendarItemKind::Assignment => "  (due)",
        _ => "",
    };
    let place = i.location.as_deref().map(|l| format!("  @ {}", field(l))).unwrap_or_default();
    let link = i.url.as_deref().map(|u| format!("  <{}>", field(u))).unwrap_or_default();
    format!("{}  {when:<11}  {}{kind}{place}{link}", i.date, field(&i.title))
}

pub fn ics(app: &Studydesk, cmd: IcsCommand) -> Result<(), CoreError> {
    match cmd {
        IcsCommand::Import { file } => {
            let bytes = read_capped(&file)?;
            let r = app.ics_import(&bytes)?;
            say!("created {}, updated {}, unchanged {}, skipped {}", r.created, r.updated, r.unchanged, r.skipped.len());
            for n in &r.skipped {
                say!("  skipped: line {}: {}", n.line, field(&n.reason));
            }
        }
        IcsCommand::Export { file, from, to } => {
            let text = app.ics_export(from.as_deref(), to.as_deref())?;
            std::fs::write(&file, text.as_bytes())
                .map_err(|e| CoreError::io(format!("could not write {}", file.display()), e))?;
            say!("calendar written to {}", file.display());
        }
    }
    Ok(())
}

/// Reads at most one byte more than the import accepts, so a huge file is refused by
/// the core's rule without being loaded whole.
fn read_capped(file: &PathBuf) -> Result<Vec<u8>, CoreError> {
    use std::io::Read;
    let f = std::fs::File::open(file).map_err(|e| CoreError::io(format!("could not open {}", file.display()), e))?;
    let mut bytes = Vec::new();
    let cap = studydesk_core::planner::calendar::ics::parse::MAX_BYTES as u64 + 1;
    f.take(cap)
        .read_to_end(&mut bytes)
        .map_err(|e| CoreError::io(format!("could not read {}", file.display()), e))?;
    Ok(bytes)
}

#[cfg(test)]
mod subscription_options_tests {
    use super::*;
    use clap::CommandFactory;

    #[derive(clap::Parser)]
    struct Probe {
        #[command(flatten)]
        options: SubscriptionOptions,
    }

    #[test]
    fn the_help_says_the_cores_default_interval_and_bounds() {
        use studydesk_core::planner::rows::{SUBSCRIPTION_REFRESH_MAX, SUBSCRIPTION_REFRESH_MIN};
        use studydesk_core::planner::calendar::subscriptions::DEFAULT_REFRESH_MINUTES;
        let cmd = Probe::command();
        let every = cmd.get_arguments().find(|a| a.get_id() == "every").unwrap();
        let help = every.get_help().unwrap().to_string();
        let expected = format!("{SUBSCRIPTION_REFRESH_MIN} to {SUBSCRIPTION_REFRESH_MAX} [subscribing: {DEFAULT_REFRESH_MINUTES};");
        assert!(help.contains(&expected), "{help}");
    }
}
