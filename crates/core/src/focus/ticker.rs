//! The decisions of the app's background focus ticker (the shell only loops and emits).
//!
//! Contract: the shell creates one [`Ticker`] when the app starts ([`Ticker::start`] runs
//! the crash-recovery check before the window can ask for it) and calls
//! [`Ticker::tick`] every second or two. A tick:
//!
//! 1. does nothing to a session that waits for a recovery choice;
//! 2. opens an idle span for a running session when the app was not ticking for longer
//!    than [`SUSPEND_GAP`] (the laptop slept, the process was frozen): from the last
//!    moment the session was known to be timed (the previous tick or a later event);
//! 3. asks the [`IdleSource`] and records an idle span past the user's threshold
//!    ([`observe_idle`]); a source that cannot answer (no X display, Wayland) is logged
//!    once and ignored;
//! 4. writes the heartbeat every [`HEARTBEAT_EVERY`] while a session counts;
//! 5. compares the session with the previous tick: a pomodoro phase change or the
//!    planned time being reached sends one native notice (not for a phase the user just
//!    started by hand), and any change at all is reported so the shell emits
//!    `focus-changed` to the UI.

use crate::focus::idle::{observe_idle, IdleSource};
use crate::focus::sessions::{self, HEARTBEAT_EVERY};
use crate::focus::timer::{Mode, PhaseKind, TimerState};
use crate::notify::{Notice, Notifier};
use crate::{Db, Result};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

/// A gap between two ticks longer than this means the app was not running.
pub const SUSPEND_GAP: Duration = Duration::minutes(2);

/// What a tick found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    /// The running session (or its absence) changed since the previous tick: the UI
    /// should refetch.
    pub changed: bool,
    /// Notices sent during this tick (also handed to the notifier).
    pub notices: Vec<Notice>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    session_id: Option<String>,
    status: Option<crate::focus::sessions::SessionStatus>,
    phase: Option<(i64, bool)>,
    idle: bool,
    planned_reached: bool,
}

pub struct Ticker {
    notifier: Arc<dyn Notifier>,
    last_tick: Option<DateTime<Utc>>,
    last_beat: Option<DateTime<Utc>>,
    seen: Option<Seen>,
    idle_warned: bool,
    suspend_gap: Duration,
}

/// What the ticker needs of the app: the database and whose sessions it watches (read at
/// every tick: the first sync may adopt an account's id). The facade implements it, so the
/// ticker does not import the facade that starts it.
pub trait Host {
    fn db(&self) -> &Db;
    fn user_id(&self) -> String;
}

impl Ticker {
    /// Runs the launch check (a session left running by a crash becomes a recovery
    /// offer) and returns the ticker.
    pub fn start(app: &impl Host, notifier: Arc<dyn Notifier>) -> Result<Ticker> {
        if let Some(offer) = sessions::detect_recovery(app.db(), &app.user_id())? {
            tracing::info!(session = %offer.session.id, last_known_at = %offer.last_known_at, "a focus session was left running; offering recovery");
        }
        let ticker = Ticker {
            notifier,
            last_tick: None,
            last_beat: None,
            seen: None,
            idle_warned: false,
            suspend_gap: SUSPEND_GAP,
        };
        Ok(ticker.with_clock_rate(app.db().clock().rate()))
    }

    /// Stretches the suspend gap for a clock running `rate` times as fast (`--clock-rate`
    /// in end-to-end tests): ticks come every couple of real seconds, which is minutes of
    /// such a clock, and must not look like a sleeping laptop.
    pub fn with_clock_rate(mut self, rate: f64) -> Self {
        let rate = if rate.is_finite() { rate.clamp(1.0, 3600.0) } else { 1.0 };
        self.suspend_gap = Duration::milliseconds((SUSPEND_GAP.num_milliseconds() as f64 * rate) as i64);
        self
    }

    pub fn tick(&mut self, app: &impl Host, idle: &dyn IdleSource) -> Result<TickReport> {
        let db = app.db();
        let user = &app.user_id();
        let now = db.now();
        let recovery_pending = db.read(|c| sessions::recovery(c, user))?.is_some();
        let before = db.read(|c| sessions::current_state(c, user, now))?;

        if !recovery_pending {
            if let Some((_, state)) = &before {
                if state.is_focusing() {
                    // The unobserved stretch starts at the last moment something was
                    // known: the previous tick, or a later event (a resume, a phase).
                    let known = self.last_tick.into_iter().chain(state.last_event_at).max();
                    let suspended = known.filter(|k| self.last_tick.is_some() && now - *k > self.suspend_gap);
                    let opened = match suspended {
                        Some(prev) => sessions::open_idle_span(db, user, prev, "suspend")?,
                        None => false,
                    };
                    if !opened {
                        match idle.idle_for() {
                            Ok(d) => {
                                observe_idle(db, user, d)?;
                            }
                            Err(e) if !self.idle_warned => {
                                self.idle_warned = true;
                                tracing::warn!(reason = %e, "system idle time is unavailable; focus sessions will not stop when you step away");
                            }
                            Err(_) => {}
                        }
                    }
                }
                if matches!(state.mode, Mode::Running | Mode::Idle { .. }) {
                    let due = self.last_beat.is_none_or(|b| now - b >= HEARTBEAT_EVERY || now < b);
                    if due {
                        sessions::write_heartbeat(db, now)?;
                        self.last_beat = Some(now);
                    }
                }
            }
        }

        let after = db.read(|c| sessions::current_state(c, user, now))?;
        let seen = seen_of(after.as_ref());
        let mut report = TickReport { changed: self.seen.as_ref() != Some(&seen), notices: Vec::new() };
        if let (Some(prev), Some((session, state))) = (&self.seen, &after) {
            if prev.session_id.as_deref() == Some(session.id.as_str()) {
                let locale = db.read(|c| crate::account::settings::get(c, user))?.preferred_locale;
                let ja = locale == crate::account::settings::Locale::Ja;
                if let (Some(p), Some(phase)) = (prev.phase, state.phase) {
                    let by_hand = self.started_by_hand(state);
                    if (phase.index, phase.awaiting_start) != p && !by_hand {
                        report.notices.push(phase_notice(state, ja));
                    }
                }
                if !prev.planned_reached && seen.planned_reached {
                    report.notices.push(planned_notice(session, ja));
                }
            }
        }
        for n in &report.notices {
            self.notifier.notify(n.clone());
        }
        self.seen = Some(seen);
        self.last_tick = Some(now);
        Ok(report)
    }

    /// The phase began with the user's own `next_phase` since the previous tick.
    fn started_by_hand(&self, state: &TimerState) -> bool {
        match (state.phase, self.last_tick) {
            (Some(p), Some(prev)) => {
                state.last_event_at == Some(p.started_at) && p.started_at >= prev && !p.awaiting_start
            }
            _ => false,
        }
    }
}

fn seen_of(current: Option<&(sessions::FocusSession, TimerState)>) -> Seen {
    match current {
        None => Seen { session_id: None, status: None, phase: None, idle: false, planned_reached: false },
        Some((s, state)) => Seen {
            session_id: Some(s.id.clone()),
            status: Some(s.status),
            phase: state.phase.map(|p| (p.index, p.awaiting_start)),
            idle: state.idle_since().is_some(),
            planned_reached: state.planned_end_at.is_some_and(|t| t <= state.as_of),
        },
    }
}

fn minutes(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    ((to - from).num_seconds() + 30) / 60
}

fn phase_notice(state: &TimerState, ja: bool) -> Notice {
    let Some(p) = state.phase else { return Notice::new("", "") };
    let len = minutes(p.started_at, p.ends_at);
    let (title, body) = match (p.kind, p.awaiting_start, ja) {
        (PhaseKind::Work, true, false) => {
            ("Focus block done".to_string(), "Start your break when you are ready.".to_string())
        }
        (PhaseKind::Work, true, true) => {
            ("集中ブロック終了".to_string(), "準備ができたら休憩を始めましょう。".to_string())
        }
        (_, true, false) => ("Break over".to_string(), "Start the next focus block when you are ready.".to_string()),
        (_, true, true) => ("休憩終了".to_string(), "準備ができたら次の集中ブロックを始めましょう。".to_string()),
        (PhaseKind::Work, false, false) => (format!("Focus: round {}", p.cycle), format!("{len} minutes of focus.")),
        (PhaseKind::Work, false, true) => (format!("集中: {} 回目", p.cycle), format!("{len} 分間集中しましょう。")),
        (PhaseKind::ShortBreak, false, false) => ("Short break".to_string(), format!("Take {len} minutes off.")),
        (PhaseKind::ShortBreak, false, true) => ("小休憩".to_string(), format!("{len} 分間休みましょう。")),
        (PhaseKind::LongBreak, false, false) => {
            ("Long break".to_string(), format!("Well done: take {len} minutes off."))
        }
        (PhaseKind::LongBreak, false, true) => {
            ("長めの休憩".to_string(), format!("おつかれさま。{len} 分間休みましょう。"))
        }
    };
    Notice::new(title, body).tagged("focus.phase")
}

fn planned_notice(s: &sessions::FocusSession, ja: bool) -> Notice {
    let planned = s.config.planned_minutes.unwrap_or(0);
    if ja {
        Notice::new("予定の時間に到達", format!("{planned} 分間の学習を達成しました。")).tagged("focus.planned")
    } else {
        Notice::new("Planned time reached", format!("You have studied the {planned} minutes you planned."))
            .tagged("focus.planned")
    }
}
