//! Focus sessions (`idle_sessions`): start, pause, resume, next phase, idle spans,
//! complete, abandon, and recovery after a crash.
//!
//! Contract:
//! - **One running session.** A user has at most one session that is `active` or
//!   `paused`; starting a second is refused with kind `conflict`. (A rule of the service,
//!   not a UNIQUE index: two offline devices may each have started one, and sync must
//!   still merge; reads then take the newest.)
//! - **Times come from the event log.** Every state change appends an event (`start`,
//!   `pause`, `resume`, `idle_start`, `idle_resolved`, `next_phase`, `complete`,
//!   `abandon`) with its wall-clock time to `activity_log`; figures are recomputed from
//!   it by [`crate::focus::timer::compute`], never from ticks. An event is never stamped
//!   before the previous one (clock going back). `total_duration` (seconds of focus) is
//!   written at every change and is final at complete; `local_date` is the user's local
//!   date at the start, and the day's progress is refreshed when a session completes.
//! - **Every state change** writes one `user_activities` row (`focus.session.<change>`,
//!   with the session's id and figures) and moves presence ([`super::presence`]), in the
//!   same `Db::write` as the change.
//! - **Crash recovery.** The running app writes a heartbeat (the last moment it knew the
//!   session was being timed) to `local_meta` every ~30 s ([`write_heartbeat`], by the
//!   shell's ticker). At the next launch, an `active` session whose last known moment
//!   (heartbeat or last event) is older than [`STALE_AFTER`] becomes a [`RecoveryOffer`]
//!   ([`detect_recovery`]): `complete` counts time only up to that moment; `resume`
//!   treats the gap until now as a pause. An idle span left open by the crash is dropped.

use crate::db::row::{self as rowrules, Row as _};
use crate::db::{meta, timestamp_text, Tx, WriteCtx};
use crate::focus::presence;
use crate::focus::rows::{FocusSessionStatus, IdleSessionRow, PresenceStatus, UserActivityRow};
use crate::focus::timer::{self, Event, EventKind, IdleChoice, Mode, PhaseKind, SessionConfig, TimerState};
use crate::focus::{activities, rows::ActivityKind};
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::ops::RangeInclusive;
use ts_rs::TS;

pub const NAME_MAX: usize = 120;
/// A running session whose last known moment is older than this at launch was left by a
/// crash, a kill or a quit: it is offered for recovery.
pub const STALE_AFTER: Duration = Duration::minutes(2);
/// How often the ticker refreshes the heartbeat.
pub const HEARTBEAT_EVERY: Duration = Duration::seconds(30);
pub const HISTORY_MAX: i64 = 500;

const HEARTBEAT_KEY: &str = "focus.heartbeat";
const RECOVERY_KEY: &str = "focus.recovery";

// ---- types crossing IPC ------------------------------------------------------------

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SessionStatus {
    Active,
    Paused,
    Completed,
    Abandoned,
}

impl From<FocusSessionStatus> for SessionStatus {
    fn from(s: FocusSessionStatus) -> Self {
        match s {
            FocusSessionStatus::Active => SessionStatus::Active,
            FocusSessionStatus::Paused => SessionStatus::Paused,
            FocusSessionStatus::Completed => SessionStatus::Completed,
            FocusSessionStatus::Abandoned => SessionStatus::Abandoned,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct PhaseState {
    pub kind: PhaseKind,
    /// 1-based number of the work phase (a break carries the number of the work before it).
    pub cycle: i64,
    pub started_at: String,
    /// When the phase ends if the count goes on from `as_of` (when awaiting: when it ended).
    pub ends_at: String,
    /// The phase is over and auto-start is off: the next one waits for the user.
    pub awaiting_start: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct FocusSession {
    pub id: String,
    pub name: Option<String>,
    pub activity_id: Option<String>,
    pub activity_name: Option<String>,
    pub course_id: Option<String>,
    pub course_name: Option<String>,
    pub status: SessionStatus,
    pub started_at: String,
    pub ended_at: Option<String>,
    /// Study time as of `as_of`: no pauses, breaks or discarded idle time.
    pub focused_seconds: i64,
    pub break_seconds: i64,
    pub as_of: String,
    pub config: SessionConfig,
    pub phase: Option<PhaseState>,
    /// An idle span awaiting the user's choice started then.
    pub idle_since: Option<String>,
    pub planned_end_at: Option<String>,
}

/// Arguments of `session_start`. A null config takes the activity's defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct NewSession {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub activity_id: Option<String>,
    #[serde(default)]
    pub course_id: Option<String>,
    #[serde(default)]
    pub config: Option<SessionConfig>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct RecoveryOffer {
    /// The session as of `last_known_at` (what `complete` would record).
    pub session: FocusSession,
    pub last_known_at: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RecoveryChoice {
    Resume,
    Complete,
}

// ---- the stored session ------------------------------------------------------------

/// One element of `activity_log`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredEvent {
    at: String,
    event: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    choice: Option<IdleChoice>,
    /// Why an idle span started: `input` (no keyboard or mouse) or `suspend` (the app
    /// was not running: sleep, frozen process).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

fn parse_event_values(items: &[Value]) -> Vec<Event> {
    let stored: Vec<StoredEvent> = items.iter().filter_map(|v| serde_json::from_value(v.clone()).ok()).collect();
    stored
        .into_iter()
        .filter_map(|s| {
            let at = DateTime::parse_from_rfc3339(&s.at).ok()?.with_timezone(&Utc);
            let kind = match s.event.as_str() {
                "start" => EventKind::Start,
                "pause" => EventKind::Pause,
                "resume" => EventKind::Resume,
                "idle_start" => EventKind::IdleStart,
                "idle_resolved" => EventKind::IdleResolved(s.choice.unwrap_or(IdleChoice::Discard)),
                "next_phase" => EventKind::NextPhase,
                "complete" => EventKind::Complete,
                "abandon" => EventKind::Abandon,
                // An event a newer version wrote: skip it rather than lose the session.
                _ => return None,
            };
            Some(Event::new(at, kind))
        })
        .collect()
}

struct Loaded {
    id: String,
    name: Option<String>,
    activity_id: Option<String>,
    activity_name: Option<String>,
    course_id: Option<String>,
    course_name: Option<String>,
    status: FocusSessionStatus,
    start_time: String,
    end_time: Option<String>,
    total_duration: i64,
    config: SessionConfig,
    /// The stored log as JSON values (kept as is, so unknown events survive a rewrite).
    log: Vec<Value>,
    events: Vec<Event>,
}

/// The session's row (`s.*`, in [`IdleSessionRow::COLUMNS`] order), then its activity's
/// name. The course's name is the planner's to read: [`with_course_name`] fills it.
static SELECT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let columns: Vec<String> = IdleSessionRow::COLUMNS.iter().map(|c| format!("s.\"{c}\"")).collect();
    format!("SELECT {}, a.name FROM idle_sessions s LEFT JOIN activities a ON a.id = s.activity_id", columns.join(", "))
});

impl Loaded {
    /// A session as the timer reads it, from its row and its activity's name.
    fn of(row: IdleSessionRow, activity_name: Option<String>) -> Loaded {
        // Kept as stored (unknown events survive a rewrite); anything but a list is empty.
        let log: Vec<Value> = match row.activity_log {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        Loaded {
            id: row.id,
            name: row.session_name,
            activity_id: row.activity_id,
            activity_name,
            course_id: row.course_id,
            course_name: None,
            status: row.status,
            start_time: row.start_time,
            end_time: row.end_time,
            total_duration: row.total_duration,
            // A config another version wrote falls back to the defaults, field by field.
            config: row.session_config.and_then(|c| serde_json::from_value(c).ok()).unwrap_or_default(),
            events: parse_event_values(&log),
            log,
        }
    }
}

fn loaded_from_row(r: &Row) -> rusqlite::Result<Loaded> {
    Ok(Loaded::of(IdleSessionRow::from_sql(r)?, r.get(IdleSessionRow::COLUMNS.len())?))
}

/// The user's running (active or paused) session; the newest if sync brought two.
fn load_running(conn: &Connection, user_id: &str) -> Result<Option<Loaded>> {
    // `+s.start_time`: without it SQLite walks (user_id, start_time) backwards through
    // every session the user ever had to skip a sort; the partial index of running
    // sessions holds one row (measured: 40 ms -> microseconds with 50,000 sessions).
    let s = conn.prepare_cached(&running_sql())?.query_row([user_id], loaded_from_row).optional()?;
    s.map(|s| with_course_name(conn, user_id, s)).transpose()
}

/// `s` with its course's name (the planner's `courses`), when it has a course.
fn with_course_name(conn: &Connection, user_id: &str, mut s: Loaded) -> Result<Loaded> {
    if let Some(id) = s.course_id.as_deref() {
        s.course_name = crate::planner::assignments::course_name(conn, user_id, id)?;
    }
    Ok(s)
}

/// The query of the running session (public for the query-plan test).
pub fn running_sql() -> String {
    format!("{} WHERE s.user_id = ?1 AND s.status IN ('active', 'paused') ORDER BY +s.start_time DESC, s.id DESC LIMIT 1", *SELECT)
}

fn load(conn: &Connection, user_id: &str, id: &str) -> Result<Loaded> {
    let s = conn
        .prepare_cached(&format!("{} WHERE s.id = ?1 AND s.user_id = ?2", *SELECT))?
        .query_row(params![id, user_id], loaded_from_row)
        .optional()?
        .ok_or_else(|| CoreError::not_found("focus session", id))?;
    with_course_name(conn, user_id, s)
}

fn require_running(conn: &Connection, user_id: &str) -> Result<Loaded> {
    load_running(conn, user_id)?
        .ok_or_else(|| CoreError::Conflict("no focus session is running; start one first".into()))
}

fn is_ended(s: FocusSessionStatus) -> bool {
    matches!(s, FocusSessionStatus::Completed | FocusSessionStatus::Abandoned)
}

fn view(s: &Loaded, state: &TimerState) -> FocusSession {
    let ended = is_ended(s.status);
    // The figure written at complete is final (and is all an imported session has).
    let focused_seconds = if ended { s.total_duration } else { state.focused_seconds() };
    FocusSession {
        id: s.id.clone(),
        name: s.name.clone(),
        activity_id: s.activity_id.clone(),
        activity_name: s.activity_name.clone(),
        course_id: s.course_id.clone(),
        course_name: s.course_name.clone(),
        status: s.status.into(),
        started_at: s.start_time.clone(),
        ended_at: s.end_time.clone(),
        focused_seconds,
        break_seconds: state.break_seconds(),
        as_of: timestamp_text(state.as_of),
        config: s.config,
        phase: if ended {
            None
        } else {
            state.phase.map(|p| PhaseState {
                kind: p.kind,
                cycle: p.cycle,
                started_at: timestamp_text(p.started_at),
                ends_at: timestamp_text(p.ends_at),
                awaiting_start: p.awaiting_start,
            })
        },
        idle_since: if ended { None } else { state.idle_since().map(timestamp_text) },
        planned_end_at: if ended { None } else { state.planned_end_at.map(timestamp_text) },
    }
}

fn compute(s: &Loaded, now: DateTime<Utc>) -> TimerState {
    timer::compute(&s.events, &s.config, now)
}

// ---- reads -------------------------------------------------------------------------

/// The running session as of `now`, if any.
pub fn current(conn: &Connection, user_id: &str, now: DateTime<Utc>) -> Result<Option<FocusSession>> {
    Ok(load_running(conn, user_id)?.map(|s| view(&s, &compute(&s, now))))
}

/// The running session and its raw timer state (for the ticker).
pub fn current_state(
    conn: &Connection,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<(FocusSession, TimerState)>> {
    Ok(load_running(conn, user_id)?.map(|s| {
        let state = compute(&s, now);
        (view(&s, &state), state)
    }))
}

/// One session of the user.
pub fn get(conn: &Connection, user_id: &str, id: &str, now: DateTime<Utc>) -> Result<FocusSession> {
    let id = validate::id("focus session", id)?;
    let s = load(conn, user_id, &id)?;
    Ok(view(&s, &compute(&s, now)))
}

/// The newest `limit` sessions (1-500), running ones included.
pub fn history(conn: &Connection, user_id: &str, limit: i64, now: DateTime<Utc>) -> Result<Vec<FocusSession>> {
    let limit = validate::range("limit", limit, 1, HISTORY_MAX)?;
    let mut stmt =
        conn.prepare_cached(&format!("{} WHERE s.user_id = ?1 ORDER BY s.start_time DESC, s.id DESC LIMIT ?2", *SELECT))?;
    let mut rows = stmt.query_map(params![user_id, limit], loaded_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    if rows.iter().any(|s| s.course_id.is_some()) {
        // One read of the course names for the whole page, not one per session.
        let names = crate::planner::assignments::course_names(conn, user_id)?;
        for s in &mut rows {
            s.course_name = s.course_id.as_ref().and_then(|id| names.get(id).cloned());
        }
    }
    Ok(rows.iter().map(|s| view(s, &compute(s, now))).collect())
}

// ---- writes ------------------------------------------------------------------------

/// The ranges a session's config accepts (the UI's fields use them: ui/src/api/limits.ts).
pub const PLANNED_MINUTES: RangeInclusive<i64> = 1..=1_440;
pub const WORK_MINUTES: RangeInclusive<i64> = 1..=240;
pub const SHORT_BREAK_MINUTES: RangeInclusive<i64> = 1..=120;
pub const LONG_BREAK_MINUTES: RangeInclusive<i64> = 1..=240;
pub const CYCLES_BEFORE_LONG_BREAK: RangeInclusive<i64> = 1..=12;

fn validate_config(c: &SessionConfig) -> Result<SessionConfig> {
    let check = |name, value, range: RangeInclusive<i64>| validate::range(name, value, *range.start(), *range.end());
    if let Some(m) = c.planned_minutes {
        check("planned_minutes", m, PLANNED_MINUTES)?;
    }
    if let Some(p) = &c.pomodoro {
        check("work_minutes", p.work_minutes, WORK_MINUTES)?;
        check("short_break_minutes", p.short_break_minutes, SHORT_BREAK_MINUTES)?;
        check("long_break_minutes", p.long_break_minutes, LONG_BREAK_MINUTES)?;
        check("cycles_before_long_break", p.cycles_before_long_break, CYCLES_BEFORE_LONG_BREAK)?;
    }
    Ok(*c)
}

/// The config a session takes from its activity when none is given: pomodoro activities
/// run the classic rhythm (their default length as the work phase), others plan their
/// default length.
fn default_config(activity: Option<&activities::Activity>) -> SessionConfig {
    match activity {
        Some(a) if a.kind == ActivityKind::Pomodoro => SessionConfig {
            planned_minutes: None,
            pomodoro: Some(timer::PomodoroConfig {
                work_minutes: a.default_duration_minutes.unwrap_or(25).clamp(*WORK_MINUTES.start(), *WORK_MINUTES.end()),
                ..Default::default()
            }),
        },
        Some(a) => {
            SessionConfig {
                planned_minutes: a.default_duration_minutes.map(|m| m.clamp(*PLANNED_MINUTES.start(), *PLANNED_MINUTES.end())),
                pomodoro: None,
            }
        }
        None => SessionConfig::default(),
    }
}

fn stored(e: &Event, reason: Option<&str>) -> Value {
    let mut v = json!({"at": timestamp_text(e.at), "event": e.kind.as_str()});
    if let EventKind::IdleResolved(choice) = e.kind {
        v["choice"] = json!(choice.as_str());
    }
    if let Some(r) = reason {
        v["reason"] = json!(r);
    }
    v
}

/// Appends events, saves the session, logs the change and moves presence; returns the
/// session as of the transaction's `now`.
fn apply(
    tx: &Tx,
    user_id: &str,
    s: &mut Loaded,
    new: &[(EventKind, DateTime<Utc>)],
    change: &str,
    extra: Value,
    reason: Option<&str>,
) -> Result<FocusSession> {
    for (kind, at) in new {
        let e = Event::new(timer::next_event_time(&s.events, *at), *kind);
        s.log.push(stored(&e, reason));
        s.events.push(e);
    }
    let state = compute(s, tx.now());
    s.status = match state.mode {
        Mode::Ended { .. } => match new.last().map(|(k, _)| *k) {
            Some(EventKind::Abandon) => FocusSessionStatus::Abandoned,
            _ => FocusSessionStatus::Completed,
        },
        Mode::Paused => FocusSessionStatus::Paused,
        _ => FocusSessionStatus::Active,
    };
    if let Mode::Ended { at } = state.mode {
        s.end_time = Some(timestamp_text(at));
    }
    s.total_duration = state.focused_seconds();
    tx.prepare_cached(
        "UPDATE idle_sessions SET status = ?2, end_time = ?3, total_duration = ?4, activity_log = ?5, updated_at = ?6
         WHERE id = ?1",
    )?
    .execute(params![
        s.id,
        s.status.as_str(),
        s.end_time,
        s.total_duration,
        Value::Array(s.log.clone()).to_string(),
        tx.now_text()
    ])?;
    log_change(tx, user_id, s, &state, change, extra)?;
    follow_presence(tx, user_id, s, &state)?;
    Ok(view(s, &state))
}

fn log_change(tx: &Tx, user_id: &str, s: &Loaded, state: &TimerState, change: &str, extra: Value) -> Result<()> {
    let mut data = json!({
        "session_id": s.id,
        "status": s.status.as_str(),
        "at": timestamp_text(state.last_event_at.unwrap_or(tx.now())),
        "focused_seconds": state.focused_seconds(),
        "break_seconds": state.break_seconds(),
    });
    if let (Value::Object(d), Value::Object(x)) = (&mut data, extra) {
        d.extend(x);
    }
    rowrules::insert(
        tx,
        &UserActivityRow {
            id: tx.new_id(),
            user_id: user_id.to_string(),
            session_id: Some(s.id.clone()),
            activity_type: format!("focus.session.{change}"),
            activity_data: Some(data),
            occurred_at: tx.now_text(),
            ip_address: None,
            user_agent: None,
            metadata: None,
        },
    )
}

fn follow_presence(tx: &Tx, user_id: &str, s: &Loaded, state: &TimerState) -> Result<()> {
    let label = presence::studying_label(s.course_name.as_deref(), s.activity_name.as_deref(), s.name.as_deref());
    match (s.status, state.mode) {
        (FocusSessionStatus::Completed | FocusSessionStatus::Abandoned, _) => {
            presence::set(tx, user_id, PresenceStatus::Offline, None)
        }
        (FocusSessionStatus::Paused, _) => presence::set(tx, user_id, PresenceStatus::Online, None),
        (_, Mode::Idle { .. }) => presence::set(tx, user_id, PresenceStatus::Idle, Some(&label)),
        _ => presence::set(tx, user_id, PresenceStatus::Online, Some(&label)),
    }
}

/// A session that took place before (the sample data's history): completed, `minutes`
/// long, started at `start`. Written as the timer would have left it, without the live
/// side effects (presence, the activity log, recovery).
pub struct PastSession<'a> {
    pub start: DateTime<Utc>,
    pub minutes: i64,
    pub activity_id: Option<&'a str>,
    pub course_id: Option<&'a str>,
    pub name: Option<&'a str>,
}

pub fn insert_past(tx: &Tx, user_id: &str, past: &PastSession) -> Result<()> {
    let tz = crate::account::settings::timezone(tx, user_id)?;
    let end = past.start + chrono::Duration::minutes(past.minutes);
    let events = [Event::new(past.start, EventKind::Start), Event::new(end, EventKind::Complete)];
    rowrules::insert(
        tx,
        &IdleSessionRow {
            id: tx.new_id(),
            user_id: user_id.to_string(),
            activity_id: past.activity_id.map(str::to_string),
            session_name: past.name.map(str::to_string),
            status: FocusSessionStatus::Completed,
            start_time: timestamp_text(past.start),
            end_time: Some(timestamp_text(end)),
            total_duration: past.minutes * 60,
            session_config: Some(serde_json::to_value(default_config(None))?),
            activity_log: Some(Value::Array(events.iter().map(|e| stored(e, None)).collect())),
            created_at: timestamp_text(end),
            updated_at: timestamp_text(end),
            course_id: past.course_id.map(str::to_string),
            local_date: Some(crate::time::local_date(past.start, tz).to_string()),
        },
    )
}

/// Starts a session. Refused with `conflict` while another one runs.
pub fn start(db: &Db, user_id: &str, input: NewSession) -> Result<FocusSession> {
    let name = validate::opt_text("session name", input.name.as_deref(), NAME_MAX)?;
    let activity_id = input.activity_id.as_deref().map(|id| validate::id("activity", id)).transpose()?;
    let course_id = input.course_id.as_deref().map(|id| validate::id("course", id)).transpose()?;
    let config = input.config.as_ref().map(validate_config).transpose()?;
    db.write(WriteCtx::by(user_id, "focus.session.start"), |tx| {
        if let Some(running) = load_running(tx, user_id)? {
            let what = running.name.or(running.activity_name).map(|n| format!("\"{n}\", ")).unwrap_or_default();
            return Err(CoreError::Conflict(format!(
                "a focus session is already running ({what}started {}); complete or abandon it before starting another",
                running.start_time
            )));
        }
        let activity = activity_id.as_deref().map(|id| activities::get(tx, user_id, id)).transpose()?;
        let course =
            course_id.as_deref().map(|id| crate::planner::assignments::get_course(tx, user_id, id)).transpose()?;
        let config = config.unwrap_or_else(|| default_config(activity.as_ref()));
        let tz = crate::account::settings::timezone(tx, user_id)?;
        let now = tx.now();
        let start = Event::new(now, EventKind::Start);
        let row = IdleSessionRow {
            id: tx.new_id(),
            user_id: user_id.to_string(),
            activity_id: activity.as_ref().map(|a| a.id.clone()),
            session_name: name,
            status: FocusSessionStatus::Active,
            start_time: timestamp_text(now),
            end_time: None,
            total_duration: 0,
            session_config: Some(serde_json::to_value(config)?),
            activity_log: Some(Value::Array(vec![stored(&start, None)])),
            created_at: tx.now_text(),
            updated_at: tx.now_text(),
            course_id: course.as_ref().map(|c| c.id.clone()),
            local_date: Some(crate::time::local_date(now, tz).to_string()),
        };
        rowrules::insert(tx, &row)?;
        clear_recovery(tx)?;
        let s = load(tx, user_id, &row.id)?;
        let state = compute(&s, now);
        log_change(tx, user_id, &s, &state, "start", json!({}))?;
        follow_presence(tx, user_id, &s, &state)?;
        Ok(view(&s, &state))
    })
}

pub fn pause(db: &Db, user_id: &str) -> Result<FocusSession> {
    db.write(WriteCtx::by(user_id, "focus.session.pause"), |tx| {
        let mut s = require_running(tx, user_id)?;
        if s.status == FocusSessionStatus::Paused {
            return Err(CoreError::Conflict("the focus session is already paused".into()));
        }
        let now = tx.now();
        let mut new = Vec::new();
        if compute(&s, now).idle_since().is_some() {
            // A pause while idle time waits for a choice drops that time.
            new.push((EventKind::IdleResolved(IdleChoice::Discard), now));
        }
        new.push((EventKind::Pause, now));
        apply(tx, user_id, &mut s, &new, "pause", json!({}), None)
    })
}

pub fn resume(db: &Db, user_id: &str) -> Result<FocusSession> {
    db.write(WriteCtx::by(user_id, "focus.session.resume"), |tx| {
        let mut s = require_running(tx, user_id)?;
        if s.status != FocusSessionStatus::Paused {
            return Err(CoreError::Conflict("the focus session is not paused".into()));
        }
        apply(tx, user_id, &mut s, &[(EventKind::Resume, tx.now())], "resume", json!({}), None)
    })
}

/// Ends the running session (an idle span still waiting is dropped; resolve it first to
/// keep it) and refreshes the day's progress.
pub fn complete(db: &Db, user_id: &str) -> Result<FocusSession> {
    finish(db, user_id, EventKind::Complete)
}

/// Ends the running session without counting it as study.
pub fn abandon(db: &Db, user_id: &str) -> Result<FocusSession> {
    finish(db, user_id, EventKind::Abandon)
}

fn finish(db: &Db, user_id: &str, kind: EventKind) -> Result<FocusSession> {
    let change = kind.as_str();
    db.write(WriteCtx::by(user_id, &format!("focus.session.{change}")), |tx| {
        let mut s = require_running(tx, user_id)?;
        let now = tx.now();
        end_at(tx, user_id, &mut s, kind, now, change, json!({}))
    })
}

fn end_at(
    tx: &Tx,
    user_id: &str,
    s: &mut Loaded,
    kind: EventKind,
    at: DateTime<Utc>,
    change: &str,
    extra: Value,
) -> Result<FocusSession> {
    let mut new = Vec::new();
    if compute(s, at).idle_since().is_some() {
        new.push((EventKind::IdleResolved(IdleChoice::Discard), at));
    }
    new.push((kind, at));
    let out = apply(tx, user_id, s, &new, change, extra, None)?;
    clear_recovery(tx)?;
    Ok(out)
}

/// Starts the next pomodoro phase now (after a finished phase waiting for the user, or
/// skipping the rest of the current one).
pub fn next_phase(db: &Db, user_id: &str) -> Result<FocusSession> {
    db.write(WriteCtx::by(user_id, "focus.session.next_phase"), |tx| {
        let mut s = require_running(tx, user_id)?;
        if s.config.pomodoro.is_none() {
            return Err(CoreError::validation("this session has no pomodoro phases"));
        }
        if s.status != FocusSessionStatus::Active {
            return Err(CoreError::Conflict("the focus session is paused; resume it first".into()));
        }
        if compute(&s, tx.now()).idle_since().is_some() {
            return Err(CoreError::Conflict("choose what to do with the idle time first".into()));
        }
        apply(tx, user_id, &mut s, &[(EventKind::NextPhase, tx.now())], "next_phase", json!({}), None)
    })
}

/// Closes the idle span waiting for the user's choice.
pub fn resolve_idle(db: &Db, user_id: &str, choice: IdleChoice) -> Result<FocusSession> {
    db.write(WriteCtx::by(user_id, "focus.session.resolve_idle"), |tx| {
        let mut s = require_running(tx, user_id)?;
        let Some(since) = compute(&s, tx.now()).idle_since() else {
            return Err(CoreError::Conflict("no idle time is waiting for a choice".into()));
        };
        let extra = json!({"choice": choice.as_str(), "idle_since": timestamp_text(since)});
        apply(tx, user_id, &mut s, &[(EventKind::IdleResolved(choice), tx.now())], "idle_resolved", extra, None)
    })
}

/// Opens an idle span starting at `since` (clamped to the last event and to the start of
/// the current work phase) if the running session is counting focus. `reason`: `input`
/// or `suspend`. Returns true when it opened one.
pub fn open_idle_span(db: &Db, user_id: &str, since: DateTime<Utc>, reason: &str) -> Result<bool> {
    // Cheap read first: the ticker calls this every few seconds while the user is away.
    let now = db.now();
    let counting = db.read(|c| Ok(load_running(c, user_id)?.map(|s| compute(&s, now).is_focusing())))?;
    if counting != Some(true) {
        return Ok(false);
    }
    db.write(WriteCtx::by(user_id, "focus.session.idle"), |tx| {
        let Some(mut s) = load_running(tx, user_id)? else { return Ok(false) };
        let state = compute(&s, tx.now());
        if !state.is_focusing() {
            return Ok(false);
        }
        let floor = state.phase.map(|p| p.started_at).into_iter().chain(state.last_event_at).max();
        let at = floor.map_or(since, |f| since.max(f)).min(tx.now());
        let extra = json!({"idle_since": timestamp_text(at), "reason": reason});
        apply(tx, user_id, &mut s, &[(EventKind::IdleStart, at)], "idle", extra, Some(reason))?;
        Ok(true)
    })
}

// ---- heartbeat and recovery --------------------------------------------------------
//
// `local_meta` is device-local bookkeeping (like the device id and the HLC): it has no
// capture triggers, is never synced, and a heartbeat every 30 s must not churn the
// change log. That is why these few statements run outside `Db::write`.

/// Records `at` as the last moment the running app knew the session was being timed.
pub fn write_heartbeat(db: &Db, at: DateTime<Utc>) -> Result<()> {
    db.read(|c| meta::put(c, HEARTBEAT_KEY, &timestamp_text(at)))
}

pub fn heartbeat(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let v = meta::read(conn, HEARTBEAT_KEY)?;
    Ok(v.and_then(|v| DateTime::parse_from_rfc3339(&v).ok()).map(|t| t.with_timezone(&Utc)))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct RecoveryMarker {
    session_id: String,
    last_known_at: String,
}

fn marker(conn: &Connection) -> Result<Option<RecoveryMarker>> {
    let v = meta::read(conn, RECOVERY_KEY)?;
    Ok(v.and_then(|v| serde_json::from_str(&v).ok()))
}

fn clear_recovery(conn: &Connection) -> Result<()> {
    meta::remove(conn, RECOVERY_KEY)
}

/// At launch (called once by the app's ticker, before the window asks): an active
/// session whose last known moment is older than [`STALE_AFTER`] was left running by a
/// crash, a kill or a quit; remember it as a recovery offer until the user chooses.
pub fn detect_recovery(db: &Db, user_id: &str) -> Result<Option<RecoveryOffer>> {
    // An offer from an earlier launch the user never answered stands as it was.
    if let Some(offer) = db.read(|c| recovery(c, user_id))? {
        return Ok(Some(offer));
    }
    let now = db.now();
    let found = db.read(|c| {
        let Some(s) = load_running(c, user_id)? else { return Ok(None) };
        if s.status != FocusSessionStatus::Active {
            return Ok(None);
        }
        let last_event = compute(&s, now).last_event_at;
        let last_known = heartbeat(c)?.into_iter().chain(last_event).max();
        Ok(last_known.filter(|t| now - *t > STALE_AFTER).map(|t| (s.id, t)))
    })?;
    match found {
        None => Ok(None),
        Some((session_id, last_known)) => {
            let m = RecoveryMarker { session_id, last_known_at: timestamp_text(last_known) };
            let text = serde_json::to_string(&m)?;
            db.read(|c| meta::put(c, RECOVERY_KEY, &text))?;
            db.read(|c| recovery(c, user_id))
        }
    }
}

fn valid_marker(conn: &Connection, user_id: &str) -> Result<Option<(Loaded, DateTime<Utc>)>> {
    let Some(m) = marker(conn)? else { return Ok(None) };
    let Some(s) = load_running(conn, user_id)? else { return Ok(None) };
    let at = DateTime::parse_from_rfc3339(&m.last_known_at).ok().map(|t| t.with_timezone(&Utc));
    match at {
        Some(at) if s.id == m.session_id && s.status == FocusSessionStatus::Active => Ok(Some((s, at))),
        _ => Ok(None),
    }
}

/// The session left running by a crash, if the user has not chosen yet.
pub fn recovery(conn: &Connection, user_id: &str) -> Result<Option<RecoveryOffer>> {
    Ok(valid_marker(conn, user_id)?.map(|(s, at)| {
        let state = compute(&s, at);
        RecoveryOffer { session: view(&s, &state), last_known_at: timestamp_text(at) }
    }))
}

/// Applies the user's choice for the session left by a crash.
pub fn recover(db: &Db, user_id: &str, choice: RecoveryChoice) -> Result<FocusSession> {
    let action = match choice {
        RecoveryChoice::Resume => "focus.session.recover_resume",
        RecoveryChoice::Complete => "focus.session.recover_complete",
    };
    db.write(WriteCtx::by(user_id, action), |tx| {
        let Some((mut s, last_known)) = valid_marker(tx, user_id)? else {
            return Err(CoreError::Conflict("no interrupted focus session is waiting to be recovered".into()));
        };
        let extra = json!({"last_known_at": timestamp_text(last_known)});
        match choice {
            RecoveryChoice::Complete => {
                end_at(tx, user_id, &mut s, EventKind::Complete, last_known, "recover_complete", extra)
            }
            RecoveryChoice::Resume => {
                // The gap between the last known moment and now is a pause.
                let new = [(EventKind::Pause, last_known), (EventKind::Resume, tx.now())];
                let out = apply(tx, user_id, &mut s, &new, "recover_resume", extra, None)?;
                clear_recovery(tx)?;
                Ok(out)
            }
        }
    })
}

/// Presence goes offline (the app is shutting down).
pub fn presence_offline(db: &Db, user_id: &str) -> Result<()> {
    let already = db.read(|c| presence::get(c, user_id))?.is_none_or(|p| p.status == PresenceStatus::Offline);
    if already {
        return Ok(());
    }
    db.write(WriteCtx::by(user_id, "presence.offline"), |tx| presence::set(tx, user_id, PresenceStatus::Offline, None))
}
