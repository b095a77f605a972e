//! `history ID`, `history --all`, `undo CHANGE_ID`, `undo --last`, `undo --since TIME`:
//! the audit trail in words and undo (core `db::history`).

use crate::terminal::{self, field, say};
use clap::Args;
use studydesk_core::db::history::{HistoryPage, HistoryQuery};
use studydesk_core::api::Studydesk;
use studydesk_core::CoreError;

#[derive(Args)]
pub struct HistoryArgs {
    /// The item (task, event, dashboard...) whose changes to show; leave out with --all.
    pub id: Option<String>,
    /// The whole account's changes instead of one item's.
    #[arg(long)]
    pub all: bool,
    /// With --all: only changes to this table (tasks, calendar_events...).
    #[arg(long = "type")]
    pub entity_type: Option<String>,
    /// With --all: changes at or after this time (2026-01-31T00:00:00Z).
    #[arg(long)]
    pub from: Option<String>,
    /// With --all: changes before this time.
    #[arg(long)]
    pub to: Option<String>,
    /// Continue after this change id (the previous page's `next`).
    #[arg(long)]
    pub before: Option<String>,
    /// Entries per page (1 to 200, default 50).
    #[arg(long)]
    pub limit: Option<u32>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct UndoArgs {
    /// The change to undo (an id from `history`).
    pub change_id: Option<String>,
    /// Undo the last action made on this device.
    #[arg(long, conflicts_with_all = ["change_id", "since"])]
    pub last: bool,
    /// Undo every change made since this time (2026-01-31T09:00:00Z), newest first.
    #[arg(long, conflicts_with = "change_id")]
    pub since: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn history(app: &Studydesk, a: HistoryArgs) -> Result<(), CoreError> {
    let page = match (a.id, a.all) {
        (Some(id), false) => app.history_item(&id, a.before, a.limit)?,
        (None, true) => app.history_account(HistoryQuery { entity_type: a.entity_type, from: a.from, to: a.to, before: a.before, limit: a.limit })?,
        _ => return Err(CoreError::validation("name one item (`history ID`) or ask for the whole account (`history --all`)")),
    };
    if a.json {
        return terminal::json(&page, true);
    }
    print_page(&page);
    Ok(())
}

fn print_page(page: &HistoryPage) {
    if page.entries.is_empty() {
        say!("no changes recorded");
    }
    for e in &page.entries {
        say!("{}  {}  {}", e.id, e.at, field(&e.summary));
        for f in &e.fields {
            say!("    {}: {} -> {}", field(&f.field), field(&f.old.to_string()), field(&f.new.to_string()));
        }
    }
    if let Some(next) = &page.next {
        say!("more: --before {next}");
    }
}

pub fn undo(app: &Studydesk, a: UndoArgs) -> Result<(), CoreError> {
    let outcome = match (a.change_id, a.last, a.since) {
        (Some(id), false, None) => app.history_undo(&id)?,
        (None, true, None) => app.history_undo_last()?,
        (None, false, Some(since)) => app.history_undo_since(&since)?,
        _ => return Err(CoreError::validation("name the change to undo (`undo CHANGE_ID`), or use --last or --since TIME")),
    };
    if a.json {
        return terminal::json(&outcome, true);
    }
    say!("{}", field(&outcome.summary));
    Ok(())
}
