//! `activity ...` and `session ...`: focus activities, favorites and sessions from a
//! terminal. Same facade and rules as the app; `--json` prints the IPC shapes
//! (docs/focus.md). Without the app running there is no idle detection or crash
//! recovery here: a session started from the CLI counts wall time until completed.

use crate::terminal::{self, field, say};
use clap::{Subcommand, ValueEnum};
use studydesk_core::api::Studydesk;
use studydesk_core::focus::activities::Activity;
use studydesk_core::focus::sessions::{FocusSession, NewSession};
use studydesk_core::focus::timer::{IdleChoice, PomodoroConfig, SessionConfig};
use studydesk_core::CoreError;

#[derive(Subcommand)]
pub enum ActivityCommand {
    /// List the activities: favorites first, then the built-ins, then your own.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Mark an activity as a favorite.
    Favorite { id: String },
    /// Remove an activity from the favorites.
    Unfavorite { id: String },
}

#[derive(Subcommand)]
pub enum SessionCommand {
    /// Start a focus session (refused while another one runs).
    Start {
        #[arg(long)]
        name: String,
        /// An activity id (`activity list`); its defaults set the length or pomodoro.
        #[arg(long, value_name = "ID")]
        activity: Option<String>,
        /// A course id.
        #[arg(long, value_name = "ID")]
        course: Option<String>,
        /// Planned minutes of focus.
        #[arg(long, value_name = "MINUTES")]
        minutes: Option<i64>,
        /// Run pomodoro phases: WORK/BREAK minutes, e.g. 25/5 (long break 15 after 4).
        #[arg(long, value_name = "WORK/BREAK")]
        pomodoro: Option<String>,
    },
    Pause,
    Resume,
    Complete,
    Abandon,
    /// Start the next pomodoro phase now.
    Next,
    /// Decide about idle time: keep, break or discard.
    Idle {
        choice: IdleArg,
    },
    /// The running session.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Recent sessions, newest first.
    History {
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
}

impl SessionCommand {
    /// Only starting a session adds something to a new database.
    pub fn adds(&self) -> bool {
        matches!(self, SessionCommand::Start { .. })
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum IdleArg {
    Keep,
    Break,
    Discard,
}


fn activity_line(a: &Activity) -> String {
    let star = if a.is_favorite { "*" } else { " " };
    let emoji = a.emoji.as_deref().unwrap_or(" ");
    let len = a.default_duration_minutes.map(|m| format!("  ({m} min)")).unwrap_or_default();
    format!("{star} {}  {} {}{len}", a.id, field(emoji), field(&a.name))
}

fn hms(seconds: i64) -> String {
    format!("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
}

fn session_line(s: &FocusSession) -> String {
    let what = field(s.name.as_deref().or(s.activity_name.as_deref()).unwrap_or("(unnamed)"));
    let course = s.course_name.as_deref().map(|c| format!(" [{}]", field(c))).unwrap_or_default();
    let status = serde_json::to_value(s.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let mut line = format!("{}  {status}  {what}{course}  focused {}", s.id, hms(s.focused_seconds));
    if s.break_seconds > 0 {
        line.push_str(&format!(", break {}", hms(s.break_seconds)));
    }
    if let Some(p) = &s.phase {
        let kind = serde_json::to_value(p.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        let wait = if p.awaiting_start { ", waiting for `session next`" } else { "" };
        line.push_str(&format!("  phase {kind} #{} until {}{wait}", p.cycle, p.ends_at));
    }
    if let Some(i) = &s.idle_since {
        line.push_str(&format!("  idle since {i} (`session idle keep|break|discard`)"));
    }
    line
}

fn parse_pomodoro(spec: &str) -> Result<PomodoroConfig, CoreError> {
    let bad = || CoreError::validation(format!("--pomodoro must look like 25/5 (work/break minutes), got \"{spec}\""));
    let (w, b) = spec.split_once('/').ok_or_else(bad)?;
    Ok(PomodoroConfig {
        work_minutes: w.trim().parse().map_err(|_| bad())?,
        short_break_minutes: b.trim().parse().map_err(|_| bad())?,
        ..Default::default()
    })
}

pub fn activity(app: &Studydesk, cmd: ActivityCommand) -> Result<(), CoreError> {
    match cmd {
        ActivityCommand::List { json } => {
            let list = app.activity_list()?;
            if json {
                terminal::json(&list, true)?;
            } else {
                list.iter().for_each(|a| say!("{}", activity_line(a)));
            }
        }
        ActivityCommand::Favorite { id } => say!("{}", activity_line(&app.activity_favorite(&id)?)),
        ActivityCommand::Unfavorite { id } => say!("{}", activity_line(&app.activity_unfavorite(&id)?)),
    }
    Ok(())
}

pub fn session(app: &Studydesk, cmd: SessionCommand) -> Result<(), CoreError> {
    let s = match cmd {
        SessionCommand::Start { name, activity, course, minutes, pomodoro } => {
            let config = if minutes.is_some() || pomodoro.is_some() {
                Some(SessionConfig {
                    planned_minutes: minutes,
                    pomodoro: pomodoro.as_deref().map(parse_pomodoro).transpose()?,
                })
            } else {
                None
            };
            app.session_start(NewSession { name: Some(name), activity_id: activity, course_id: course, config })?
        }
        SessionCommand::Pause => app.session_pause()?,
        SessionCommand::Resume => app.session_resume()?,
        SessionCommand::Complete => app.session_complete()?,
        SessionCommand::Abandon => app.session_abandon()?,
        SessionCommand::Next => app.session_next_phase()?,
        SessionCommand::Idle { choice } => app.session_resolve_idle(match choice {
            IdleArg::Keep => IdleChoice::Keep,
            IdleArg::Break => IdleChoice::Break,
            IdleArg::Discard => IdleChoice::Discard,
        })?,
        SessionCommand::Status { json } => {
            let current = app.session_current()?;
            if json {
                return terminal::json(&current, true);
            }
            match current {
                Some(s) => say!("{}", session_line(&s)),
                None => say!("no focus session is running"),
            }
            return Ok(());
        }
        SessionCommand::History { limit, json } => {
            let list = app.session_history(limit)?;
            if json {
                return terminal::json(&list, true);
            }
            list.iter().for_each(|s| say!("{}", session_line(s)));
            return Ok(());
        }
    };
    say!("{}", session_line(&s));
    Ok(())
}
