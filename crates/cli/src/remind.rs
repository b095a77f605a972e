//! `remind run`: delivers due reminders from a terminal, with the app's rules; `remind
//! timer`: the per-user OS timer that runs `remind run --once` every minute on machines
//! without the desktop app (or with it fully quit).
//!
//! Contract: each turn is the core's headless turn (`Studydesk::reminders_run_once`:
//! claim + advance + notifications row, one transaction per reminder, so the app, the OS
//! timer and this command running together still deliver each reminder once; then the
//! native notices, missed ones grouped; then the calendar subscriptions that are due are
//! fetched, one `subscription<TAB>name: outcome` line each without `--json`). When no
//! notification server answers, one warning
//! goes to stderr and the notifications rows are still written.
//! `--once` does one turn, prints what it delivered (`--json`: a JSON array) and exits;
//! without it the command keeps running, sleeping until the next fire time, never more
//! than 30 s of app time (`--clock-rate N` divides the real sleep by N, never below
//! 200 ms), so a suspend or a clock jump neither misses nor repeats a reminder.
//! `timer install|uninstall|status` installs a systemd user timer / launchd agent / Task
//! Scheduler task running this executable's `--data-dir DIR remind run --once`
//! (`background::os_timer`); failures are one line in words, exit 1.

use crate::terminal::{self, field, say};
use clap::Subcommand;
use std::time::Duration;
use studydesk_core::api::Studydesk;
use studydesk_core::background::os_timer::{self, TimerCommand};
use studydesk_core::planner::calendar::delivery::Delivered;
use studydesk_core::{clock, CoreError};

/// The longest sleep between two turns (app time).
const MAX_SLEEP: Duration = Duration::from_secs(30);
/// The shortest real sleep: never spin.
const MIN_SLEEP: Duration = Duration::from_millis(200);

#[derive(Subcommand)]
pub enum RemindCommand {
    /// Deliver due reminders (once with --once, else keep running).
    Run {
        #[arg(long)]
        once: bool,
        #[arg(long)]
        json: bool,
    },
    /// The per-user OS timer that runs `remind run --once` every minute.
    #[command(subcommand)]
    Timer(TimerAction),
}

#[derive(Subcommand, Clone, Copy)]
pub enum TimerAction {
    /// Install (or replace) the timer for this data folder and start it.
    Install,
    /// Stop and remove the timer.
    Uninstall,
    /// Say whether the timer is installed and scheduled.
    Status,
}

pub fn remind(app: &Studydesk, cmd: RemindCommand) -> Result<(), CoreError> {
    match cmd {
        RemindCommand::Run { once, json } => run(app, once, json),
        RemindCommand::Timer(action) => timer(app.data_dir(), action),
    }
}

fn run(app: &Studydesk, once: bool, json: bool) -> Result<(), CoreError> {
    let mut warned = false;
    let rate = app.db().clock().rate();
    loop {
        let turn = app.reminders_run_once()?;
        if let (Some(reason), false) = (&turn.notice_error, warned) {
            eprintln!(
                "warning: no notification server answered ({reason}); the reminder is in Studydesk's notifications"
            );
            warned = true;
        }
        if !json {
            for r in &turn.reports {
                say!("report\t{}\t{}", field(&r.name), field(r.file.as_deref().or(r.error.as_deref()).unwrap_or("")));
            }
            for r in &turn.subscriptions {
                say!("subscription\t{}", crate::calendar::refresh_line(r));
            }
        }
        if once {
            print(&turn.delivered, json)?;
            return Ok(());
        }
        if !turn.delivered.is_empty() && !json {
            print(&turn.delivered, false)?;
        }
        let wake = app.reminder_next_wake(MAX_SLEEP)?;
        std::thread::sleep(clock::real_sleep(wake, rate, MIN_SLEEP));
    }
}

/// The OS timer for `data_dir`: it needs the folder's path, not its database (so it never
/// creates one).
pub fn timer(data_dir: &std::path::Path, action: TimerAction) -> Result<(), CoreError> {
    match action {
        TimerAction::Install => {
            let exe = std::env::current_exe().map_err(|e| CoreError::io("could not find this program's path", e))?;
            let cmd = match crate::host() {
                crate::Host::Cli => TimerCommand::cli(&exe, data_dir)?,
                crate::Host::App => TimerCommand::app(&exe, data_dir)?,
            };
            os_timer::install(&cmd)?;
            say!(
                "background reminder timer installed: every minute it runs {} {}",
                cmd.program,
                cmd.args.join(" ")
            );
        }
        TimerAction::Uninstall => {
            os_timer::uninstall()?;
            say!("background reminder timer removed");
        }
        TimerAction::Status => {
            let s = os_timer::status()?;
            let state = match (s.installed, s.active) {
                (false, _) => "not installed",
                (true, Some(true)) => "installed, active",
                (true, Some(false)) => "installed, not active",
                (true, None) => "installed (the scheduler could not be asked)",
            };
            say!("{state}: {}", s.detail);
        }
    }
    Ok(())
}

fn print(delivered: &[Delivered], json: bool) -> Result<(), CoreError> {
    if json {
        terminal::json(delivered, false)?;
    } else {
        for d in delivered {
            say!("{}\t{}\t{}", d.fire_at, field(&d.title), field(&d.message));
        }
    }
    Ok(())
}
