//! Timer arithmetic of a focus session: pure functions over its event log.
//!
//! Contract: a session's times are computed from its stored events (start, pause,
//! resume, idle start, idle resolution, next phase, complete, abandon, each with the
//! wall-clock time it happened) and "now", never from ticks. So a minimised window, a
//! sleeping laptop or a killed app cannot make the count drift: the next read recomputes
//! it from the same facts.
//!
//! - **Wall clock going backwards.** Event times are made monotone before use: an event
//!   stamped earlier than the one before it counts as happening at that earlier event's
//!   time ([`effective_times`]), and "now" never counts as earlier than the last event. So
//!   no segment is negative and no stretch of time is counted twice; while the clock is
//!   behind the last event the count simply holds still until it catches up.
//! - **Idle spans.** `idle_start` stops the count at the moment input stopped; the span
//!   waits for the user's choice: `keep` counts it as if the timer had run, `break`
//!   counts it as break time, `discard` drops it. A pause, complete or abandon while a
//!   span waits drops it (the user did not say they were studying).
//! - **Pomodoro.** Phases (work, short break, ..., long break after every
//!   `cycles_before_long_break` work phases) advance by *counted* time, not wall time: a
//!   pause or an idle span holds the phase. With `auto_start_next` each phase follows the
//!   previous one by itself; without it, a finished phase waits (`awaiting_start`) and
//!   the time until `next_phase` is counted neither as focus nor as break. `next_phase`
//!   also skips a phase early. Work phases count as focus; breaks as break time.
//! - Without pomodoro every counted second is focus.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Pomodoro rhythm of a session.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct PomodoroConfig {
    /// Minutes of a work phase (1-240).
    pub work_minutes: i64,
    /// Minutes of a short break (1-120).
    pub short_break_minutes: i64,
    /// Minutes of the long break after every `cycles_before_long_break` work phases (1-240).
    pub long_break_minutes: i64,
    /// Work phases before a long break (1-12).
    pub cycles_before_long_break: i64,
    /// Start the next phase by itself when one ends; otherwise wait for the user.
    pub auto_start_next: bool,
}

impl Default for PomodoroConfig {
    fn default() -> Self {
        PomodoroConfig {
            work_minutes: 25,
            short_break_minutes: 5,
            long_break_minutes: 15,
            cycles_before_long_break: 4,
            auto_start_next: true,
        }
    }
}

/// What a session was started with (stored in `idle_sessions.session_config`).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(default)]
#[ts(export)]
pub struct SessionConfig {
    /// Minutes of focus the user plans (1-1440), if any.
    pub planned_minutes: Option<i64>,
    pub pomodoro: Option<PomodoroConfig>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PhaseKind {
    Work,
    ShortBreak,
    LongBreak,
}

/// What the user chose for an idle span.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IdleChoice {
    /// It was study time after all (reading on paper, thinking): count it.
    Keep,
    /// Count it as a break.
    Break,
    /// Drop it.
    Discard,
}

impl IdleChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            IdleChoice::Keep => "keep",
            IdleChoice::Break => "break",
            IdleChoice::Discard => "discard",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Start,
    Pause,
    Resume,
    /// Input stopped at this time (recorded later, when the idle threshold was crossed).
    IdleStart,
    IdleResolved(IdleChoice),
    NextPhase,
    Complete,
    Abandon,
}

impl EventKind {
    /// The word stored in `activity_log`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Start => "start",
            EventKind::Pause => "pause",
            EventKind::Resume => "resume",
            EventKind::IdleStart => "idle_start",
            EventKind::IdleResolved(_) => "idle_resolved",
            EventKind::NextPhase => "next_phase",
            EventKind::Complete => "complete",
            EventKind::Abandon => "abandon",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub kind: EventKind,
}

impl Event {
    pub fn new(at: DateTime<Utc>, kind: EventKind) -> Self {
        Event { at, kind }
    }
}

/// Where the count stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// No `start` event (an imported or damaged log).
    NotStarted,
    /// Counting.
    Running,
    Paused,
    /// Stopped by inactivity since this time; waits for the user's choice.
    Idle {
        since: DateTime<Utc>,
    },
    Ended {
        at: DateTime<Utc>,
    },
}

/// The pomodoro phase at `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phase {
    pub kind: PhaseKind,
    /// 1-based number of the work phase (a break carries the number of the work before it).
    pub cycle: i64,
    /// 0-based position in the phase sequence (changes at every transition).
    pub index: i64,
    pub started_at: DateTime<Utc>,
    /// When the phase ends if the count goes on from `as_of` (when awaiting: when it ended).
    pub ends_at: DateTime<Utc>,
    pub awaiting_start: bool,
}

/// The result of [`compute`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerState {
    pub mode: Mode,
    /// The time the figures are computed for: the end of an ended session, else "now"
    /// (never earlier than the last event).
    pub as_of: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    /// The last event's (monotone) time.
    pub last_event_at: Option<DateTime<Utc>>,
    pub focused_ms: i64,
    pub break_ms: i64,
    pub phase: Option<Phase>,
    /// When the focus time reaches `planned_minutes` (reached, or projected from `as_of`).
    pub planned_end_at: Option<DateTime<Utc>>,
}

impl TimerState {
    pub fn focused_seconds(&self) -> i64 {
        self.focused_ms / 1000
    }
    pub fn break_seconds(&self) -> i64 {
        self.break_ms / 1000
    }
    pub fn idle_since(&self) -> Option<DateTime<Utc>> {
        match self.mode {
            Mode::Idle { since } => Some(since),
            _ => None,
        }
    }
    pub fn is_running(&self) -> bool {
        matches!(self.mode, Mode::Running)
    }
    /// True when the count is running in a work phase (or a session without pomodoro):
    /// the only time the UI's clock ticks and idle input matters.
    pub fn is_focusing(&self) -> bool {
        self.is_running() && self.phase.is_none_or(|p| p.kind == PhaseKind::Work && !p.awaiting_start)
    }
}

/// The events' times made monotone: each is at least the one before it.
pub fn effective_times(events: &[Event]) -> Vec<DateTime<Utc>> {
    let mut out = Vec::with_capacity(events.len());
    let mut prev: Option<DateTime<Utc>> = None;
    for e in events {
        let t = prev.map_or(e.at, |p| p.max(e.at));
        out.push(t);
        prev = Some(t);
    }
    out
}

/// The time a new event recorded at `now` gets: never before the last event.
pub fn next_event_time(events: &[Event], now: DateTime<Utc>) -> DateTime<Utc> {
    effective_times(events).last().map_or(now, |last| now.max(*last))
}

fn minutes_ms(m: i64) -> i64 {
    m.max(1) * 60_000
}

struct Pomodoro {
    cfg: PomodoroConfig,
    index: i64,
    in_phase_ms: i64,
    started_at: DateTime<Utc>,
    awaiting_since: Option<DateTime<Utc>>,
}

impl Pomodoro {
    fn kind_of(&self, index: i64) -> PhaseKind {
        if index % 2 == 0 {
            PhaseKind::Work
        } else if ((index + 1) / 2) % self.cfg.cycles_before_long_break.max(1) == 0 {
            PhaseKind::LongBreak
        } else {
            PhaseKind::ShortBreak
        }
    }
    fn len_of(&self, index: i64) -> i64 {
        match self.kind_of(index) {
            PhaseKind::Work => minutes_ms(self.cfg.work_minutes),
            PhaseKind::ShortBreak => minutes_ms(self.cfg.short_break_minutes),
            PhaseKind::LongBreak => minutes_ms(self.cfg.long_break_minutes),
        }
    }
    fn advance_to_next(&mut self, at: DateTime<Utc>) {
        self.index += 1;
        self.in_phase_ms = 0;
        self.started_at = at;
        self.awaiting_since = None;
    }
}

struct Acc {
    focused_ms: i64,
    break_ms: i64,
    planned_ms: Option<i64>,
    planned_reached_at: Option<DateTime<Utc>>,
    pomodoro: Option<Pomodoro>,
}

impl Acc {
    fn credit_focus(&mut self, from: DateTime<Utc>, ms: i64) {
        if let (Some(planned), None) = (self.planned_ms, self.planned_reached_at) {
            if self.focused_ms + ms >= planned {
                self.planned_reached_at = Some(from + Duration::milliseconds(planned - self.focused_ms));
            }
        }
        self.focused_ms += ms;
    }

    /// Counted (running or kept) time from `from` to `to`.
    fn run(&mut self, from: DateTime<Utc>, to: DateTime<Utc>) {
        let mut left = (to - from).num_milliseconds().max(0);
        let mut t = from;
        let Some(mut p) = self.pomodoro.take() else {
            self.credit_focus(t, left);
            return;
        };
        while left > 0 && p.awaiting_since.is_none() {
            let remaining = (p.len_of(p.index) - p.in_phase_ms).max(0);
            let step = left.min(remaining);
            if p.kind_of(p.index) == PhaseKind::Work {
                self.credit_focus(t, step);
            } else {
                self.break_ms += step;
            }
            p.in_phase_ms += step;
            left -= step;
            t += Duration::milliseconds(step);
            if p.in_phase_ms >= p.len_of(p.index) {
                if p.cfg.auto_start_next {
                    p.advance_to_next(t);
                } else {
                    p.awaiting_since = Some(t);
                }
            }
        }
        self.pomodoro = Some(p);
    }
}

/// Computes a session's figures from its events, as of `now`.
pub fn compute(events: &[Event], config: &SessionConfig, now: DateTime<Utc>) -> TimerState {
    let times = effective_times(events);
    let mut acc = Acc {
        focused_ms: 0,
        break_ms: 0,
        planned_ms: config.planned_minutes.filter(|m| *m > 0).map(|m| m * 60_000),
        planned_reached_at: None,
        pomodoro: None,
    };
    let mut mode = Mode::NotStarted;
    let mut started_at = None;
    let mut prev: Option<DateTime<Utc>> = None;

    for (e, &t) in events.iter().zip(&times) {
        if let (Mode::Running, Some(p)) = (mode, prev) {
            acc.run(p, t);
        }
        match e.kind {
            EventKind::Start => {
                if matches!(mode, Mode::NotStarted) {
                    mode = Mode::Running;
                    started_at = Some(t);
                    acc.pomodoro = config.pomodoro.map(|cfg| Pomodoro {
                        cfg,
                        index: 0,
                        in_phase_ms: 0,
                        started_at: t,
                        awaiting_since: None,
                    });
                }
            }
            EventKind::Pause => {
                if matches!(mode, Mode::Running | Mode::Idle { .. }) {
                    mode = Mode::Paused;
                }
            }
            EventKind::Resume => {
                if matches!(mode, Mode::Paused) {
                    mode = Mode::Running;
                }
            }
            EventKind::IdleStart => {
                if matches!(mode, Mode::Running) {
                    mode = Mode::Idle { since: t };
                }
            }
            EventKind::IdleResolved(choice) => {
                if let Mode::Idle { since } = mode {
                    match choice {
                        IdleChoice::Keep => acc.run(since, t),
                        IdleChoice::Break => acc.break_ms += (t - since).num_milliseconds().max(0),
                        IdleChoice::Discard => {}
                    }
                    mode = Mode::Running;
                }
            }
            EventKind::NextPhase => {
                if matches!(mode, Mode::Running | Mode::Paused) {
                    if let Some(p) = acc.pomodoro.as_mut() {
                        p.advance_to_next(t);
                    }
                }
            }
            EventKind::Complete | EventKind::Abandon => {
                if !matches!(mode, Mode::Ended { .. } | Mode::NotStarted) {
                    mode = Mode::Ended { at: t };
                }
            }
        }
        prev = Some(t);
    }

    let as_of = match mode {
        Mode::Ended { at } => at,
        _ => prev.map_or(now, |p| now.max(p)),
    };
    if let (Mode::Running, Some(p)) = (mode, prev) {
        acc.run(p, as_of);
    }

    let phase = acc.pomodoro.as_ref().map(|p| {
        let remaining = (p.len_of(p.index) - p.in_phase_ms).max(0);
        Phase {
            kind: p.kind_of(p.index),
            cycle: p.index / 2 + 1,
            index: p.index,
            started_at: p.started_at,
            ends_at: p.awaiting_since.unwrap_or(as_of + Duration::milliseconds(remaining)),
            awaiting_start: p.awaiting_since.is_some(),
        }
    });
    let planned_end_at = acc.planned_ms.map(|planned| match acc.planned_reached_at {
        Some(at) => at,
        None => as_of + Duration::milliseconds(projected_wall_ms(&acc, planned - acc.focused_ms)),
    });

    TimerState {
        mode,
        as_of,
        started_at,
        last_event_at: times.last().copied(),
        focused_ms: acc.focused_ms,
        break_ms: acc.break_ms,
        phase,
        planned_end_at,
    }
}

/// Counted milliseconds needed from the current state to gather `focus_ms` more focus,
/// assuming the phases follow each other (breaks included).
fn projected_wall_ms(acc: &Acc, focus_ms: i64) -> i64 {
    let Some(p) = acc.pomodoro.as_ref() else {
        return focus_ms.max(0);
    };
    let mut need = focus_ms.max(0);
    let mut total = 0i64;
    let mut in_phase = if p.awaiting_since.is_some() { p.len_of(p.index) } else { p.in_phase_ms };
    // Bounded: every work phase is at least a minute and the need is at most a day.
    for index in p.index..p.index + 10_000 {
        if need <= 0 {
            break;
        }
        let remaining = (p.len_of(index) - in_phase).max(0);
        if p.kind_of(index) == PhaseKind::Work {
            let step = need.min(remaining);
            need -= step;
            total += step;
        } else {
            total += remaining;
        }
        in_phase = 0;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap() + Duration::minutes(min)
    }
    fn ev(min: i64, kind: EventKind) -> Event {
        Event::new(t(min), kind)
    }

    #[test]
    fn pause_and_resume_leave_the_pause_out() {
        let events = [ev(0, EventKind::Start), ev(10, EventKind::Pause), ev(25, EventKind::Resume)];
        let s = compute(&events, &SessionConfig::default(), t(40));
        assert_eq!(s.focused_seconds(), 25 * 60);
        assert_eq!(s.mode, Mode::Running);
    }

    #[test]
    fn a_clock_going_back_holds_the_count_and_never_counts_twice() {
        let events = [ev(0, EventKind::Start), ev(30, EventKind::Pause), ev(-60, EventKind::Resume)];
        // The resume stamped before the pause counts as at the pause: nothing negative.
        let s = compute(&events, &SessionConfig::default(), t(-50));
        assert_eq!(s.focused_seconds(), 30 * 60);
        assert_eq!(s.as_of, t(30));
        let s = compute(&events, &SessionConfig::default(), t(40));
        assert_eq!(s.focused_seconds(), 40 * 60);
    }

    #[test]
    fn pomodoro_phases_follow_counted_time() {
        let cfg = SessionConfig {
            planned_minutes: None,
            pomodoro: Some(PomodoroConfig {
                work_minutes: 25,
                short_break_minutes: 5,
                long_break_minutes: 15,
                cycles_before_long_break: 2,
                auto_start_next: true,
            }),
        };
        let events = [ev(0, EventKind::Start)];
        let s = compute(&events, &cfg, t(27));
        let p = s.phase.unwrap();
        assert_eq!((p.kind, p.cycle), (PhaseKind::ShortBreak, 1));
        assert_eq!((s.focused_seconds(), s.break_seconds()), (25 * 60, 2 * 60));
        // 25 + 5 + 25 = 55: the second break is the long one.
        let p = compute(&events, &cfg, t(56)).phase.unwrap();
        assert_eq!((p.kind, p.cycle, p.ends_at), (PhaseKind::LongBreak, 2, t(70)));
    }
}
