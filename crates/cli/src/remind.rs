//! `remind run`: delivers due reminders from a terminal, with the app's rules.
//!
//! Contract: each turn calls `Studydesk::reminders_deliver_due` (claim + advance +
//! notifications row, one transaction per reminder, so the app and this command running
//! together still deliver each reminder once), and only then shows native notices
//! (`delivery::notices_for`: missed ones grouped). When no notification server answers,
//! one warning goes to stderr and the notifications rows are still written.
//! `--once` does one turn, prints what it delivered (`--json`: a JSON array) and exits;
//! without it the command keeps running, sleeping until the next fire time, never more
//! than 30 s, so a suspend or a clock jump neither misses nor repeats a reminder.

use clap::Subcommand;
use std::time::Duration;
use studydesk_core::api::Studydesk;
use studydesk_core::notify::show_blocking;
use studydesk_core::planner::calendar::delivery::{notices_for, Delivered};
use studydesk_core::CoreError;

/// The longest sleep between two turns.
const MAX_SLEEP: Duration = Duration::from_secs(30);

#[derive(Subcommand)]
pub enum RemindCommand {
    /// Deliver due reminders (once with --once, else keep running).
    Run {
        #[arg(long)]
        once: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn remind(app: &Studydesk, cmd: RemindCommand) -> Result<(), CoreError> {
    let RemindCommand::Run { once, json } = cmd;
    let mut server_ok = true;
    loop {
        let delivered = app.reminders_deliver_due()?;
        show(&delivered, &mut server_ok);
        if once {
            print(&delivered, json)?;
            return Ok(());
        }
        if !delivered.is_empty() && !json {
            print(&delivered, false)?;
        }
        std::thread::sleep(app.reminder_next_wake(MAX_SLEEP)?.max(Duration::from_millis(200)));
    }
}

/// Shows the natives; after the first failure stops trying (one warning, not one per notice).
fn show(delivered: &[Delivered], server_ok: &mut bool) {
    for notice in notices_for(delivered) {
        if !*server_ok {
            return;
        }
        if let Err(reason) = show_blocking("Studydesk", &notice) {
            eprintln!(
                "warning: no notification server answered ({reason}); the reminder is in Studydesk's notifications"
            );
            *server_ok = false;
        }
    }
}

fn print(delivered: &[Delivered], json: bool) -> Result<(), CoreError> {
    if json {
        let text = serde_json::to_string(delivered).map_err(|e| CoreError::validation(e.to_string()))?;
        println!("{text}");
    } else {
        for d in delivered {
            println!("{}\t{}\t{}", d.fire_at, d.title, d.message);
        }
    }
    Ok(())
}
