//! Scheduled reports (issue 16 item 2): a dashboard, or chosen widgets of it, rendered for
//! the dashboard's date range as PDF, Excel or CSV (a zip) into a folder the user chose,
//! on a schedule or now.
//!
//! Contract:
//! - A report belongs to its creator and names one of their dashboards; another user's
//!   report or dashboard, or a malformed id, is `not_found`. A draft is checked whole
//!   before anything is written: a name of 1 to 255 characters, a schedule that
//!   [`schedule::Schedule::check`] accepts (day 29 to 31 of a month refused in words), an
//!   absolute output folder that, if it exists, is a folder, widget ids of that dashboard,
//!   recipients that look like e-mail addresses (each run's file is e-mailed to them, `run`).
//! - `next_run_at` is the next run after now in the user's zone ([`schedule::next_after`],
//!   DST-safe), set when a report is created, its schedule edited or it is turned on.
//! - Runs are in [`run`]: the background turn claims a due report with one conditional
//!   UPDATE that moves `next_run_at` past now and sets `last_sent`, in one `Db::write`, so
//!   one process runs it once, and a report missed while the computer was off runs once at
//!   the next start, not once per missed period. The outcome (the file, or why not in
//!   words) is stored in `last_output` / `last_error`. "Run now" does not move the schedule.
//! - Files are written whole into the folder (a temporary file renamed into place); a
//!   folder that cannot be written gives a clear error and leaves nothing behind.
//! - Renderers are pure ([`render`]).

pub mod render;
pub mod run;
pub mod schedule;

use crate::db::row;
use crate::db::{timestamp_text, WriteCtx};
use crate::insights::dashboards;
use crate::insights::rows::{ReportFormat, ReportRow};
use crate::{validate, CoreError, Db, Result};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use schedule::Schedule;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The most reports a user may have.
pub const MAX_REPORTS: i64 = 200;
/// The most recipients of one report.
pub const MAX_RECIPIENTS: usize = 50;
/// The longest output folder path, in characters.
pub const MAX_DIR_CHARS: usize = 1024;

/// A report's file format.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReportFileFormat {
    Pdf,
    Excel,
    Csv,
}

impl ReportFileFormat {
    fn of(f: ReportFormat) -> Self {
        match f {
            ReportFormat::Pdf => ReportFileFormat::Pdf,
            ReportFormat::Excel => ReportFileFormat::Excel,
            ReportFormat::Csv => ReportFileFormat::Csv,
        }
    }
    fn row(self) -> ReportFormat {
        match self {
            ReportFileFormat::Pdf => ReportFormat::Pdf,
            ReportFileFormat::Excel => ReportFormat::Excel,
            ReportFileFormat::Csv => ReportFormat::Csv,
        }
    }
    /// The file's extension.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFileFormat::Pdf => "pdf",
            ReportFileFormat::Excel => "xlsx",
            ReportFileFormat::Csv => "zip",
        }
    }
}

/// A new report, or all of a report when editing.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ReportDraft {
    pub name: String,
    pub dashboard_id: String,
    pub format: ReportFileFormat,
    pub schedule: Schedule,
    /// The folder the files are written into (absolute).
    pub output_dir: String,
    /// The widgets shown, in order; left out: every widget of the dashboard.
    #[serde(default)]
    #[ts(optional)]
    pub widget_ids: Option<Vec<String>>,
    #[serde(default)]
    #[ts(optional)]
    pub recipients: Option<Vec<String>>,
    /// On when left out.
    #[serde(default)]
    #[ts(optional)]
    pub is_active: Option<bool>,
}

/// A report as the UI and the CLI show it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Report {
    pub id: String,
    pub name: String,
    pub dashboard_id: String,
    pub format: ReportFileFormat,
    /// `None` when the stored schedule is not one this version reads.
    pub schedule: Option<Schedule>,
    pub output_dir: Option<String>,
    pub widget_ids: Option<Vec<String>>,
    pub recipients: Vec<String>,
    pub is_active: bool,
    pub last_sent: Option<String>,
    pub next_run_at: Option<String>,
    /// The file the last run wrote.
    pub last_output: Option<String>,
    /// Why the last run failed, in words.
    pub last_error: Option<String>,
    /// The last e-mail of a run, and how it went (sent, failed, retrying at).
    pub last_email: Option<crate::email::outbox::OutboxEntry>,
    pub created_at: String,
    pub updated_at: String,
}

/// The outbox's `source` of a report's e-mails.
pub fn email_source(report_id: &str) -> String {
    format!("report:{report_id}")
}

fn view(conn: &Connection, r: &ReportRow) -> Result<Report> {
    let last_email = crate::email::outbox::last_for(conn, &r.created_by, &email_source(&r.id))?;
    Ok(Report {
        id: r.id.clone(),
        name: r.name.clone(),
        dashboard_id: r.dashboard_id.clone(),
        format: ReportFileFormat::of(r.format),
        schedule: Schedule::from_json(&r.schedule),
        output_dir: r.output_dir.clone(),
        widget_ids: r.widget_ids.as_ref().and_then(|v| serde_json::from_value(v.clone()).ok()),
        recipients: serde_json::from_value(r.recipients.clone()).unwrap_or_default(),
        is_active: r.is_active,
        last_sent: r.last_sent.clone(),
        next_run_at: r.next_run_at.clone(),
        last_output: r.last_output.clone(),
        last_error: r.last_error.clone(),
        last_email,
        created_at: r.created_at.clone(),
        updated_at: r.updated_at.clone(),
    })
}

/// A draft, checked whole.
struct Checked {
    name: String,
    schedule: Schedule,
    output_dir: String,
    widget_ids: Option<serde_json::Value>,
    recipients: serde_json::Value,
}

fn check_draft(conn: &Connection, me: &str, d: &ReportDraft) -> Result<Checked> {
    let name = d.name.trim();
    if name.is_empty() {
        return Err(CoreError::validation("a report needs a name"));
    }
    if name.chars().count() > 255 {
        return Err(CoreError::validation("a report's name has at most 255 characters"));
    }
    let schedule = d.schedule.check()?;
    let dashboard = dashboards::get(conn, me, &d.dashboard_id)?;
    let widget_ids = match &d.widget_ids {
        None => None,
        Some(ids) if ids.is_empty() => return Err(CoreError::validation("choose at least one widget, or leave the choice out for all of them")),
        Some(ids) => {
            for id in ids {
                if !dashboard.widgets.iter().any(|w| &w.row.id == id) {
                    return Err(CoreError::validation(format!("widget {} is not on the dashboard \"{}\"", validate::truncate_for_message(id), validate::truncate_for_message(&dashboard.row.name))));
                }
            }
            Some(serde_json::json!(ids))
        }
    };
    let recipients = d.recipients.clone().unwrap_or_default();
    if recipients.len() > MAX_RECIPIENTS {
        return Err(CoreError::validation(format!("a report has at most {MAX_RECIPIENTS} recipients")));
    }
    let recipients: Vec<String> = recipients.iter().map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).collect();
    for r in &recipients {
        if !validate::looks_like_email(r) {
            return Err(CoreError::validation(format!("\"{}\" is not an e-mail address", validate::truncate_for_message(r))));
        }
    }
    Ok(Checked { name: name.to_string(), schedule, output_dir: check_dir(&d.output_dir)?, widget_ids, recipients: serde_json::json!(recipients) })
}

/// The output folder: absolute, and a folder if it exists (it is made at the first run).
fn check_dir(dir: &str) -> Result<String> {
    let dir = dir.trim();
    if dir.is_empty() {
        return Err(CoreError::validation("choose the folder the report is written into"));
    }
    if dir.chars().count() > MAX_DIR_CHARS {
        return Err(CoreError::validation(format!("the folder's path has at most {MAX_DIR_CHARS} characters")));
    }
    let path = std::path::Path::new(dir);
    if !path.is_absolute() {
        return Err(CoreError::validation(format!("the folder must be a full path, such as /home/me/Reports (got \"{}\")", validate::truncate_for_message(dir))));
    }
    if path.exists() && !path.is_dir() {
        return Err(CoreError::validation(format!("{} is a file, not a folder; choose a folder", validate::truncate_for_message(dir))));
    }
    Ok(dir.to_string())
}

/// The next run after `now` in the user's zone, as stored.
fn next_run(conn: &Connection, me: &str, s: &Schedule, now: DateTime<Utc>) -> Result<Option<String>> {
    let tz = crate::account::settings::timezone(conn, me)?;
    Ok(schedule::next_after(s, tz, now).map(timestamp_text))
}

pub(crate) fn own(conn: &Connection, me: &str, id: &str) -> Result<ReportRow> {
    let id = validate::id("report", id)?;
    match row::get::<ReportRow>(conn, &id)? {
        Some(r) if r.created_by == me => Ok(r),
        _ => Err(CoreError::not_found("report", &id)),
    }
}

/// My reports by name.
pub fn list(conn: &Connection, me: &str) -> Result<Vec<Report>> {
    let rows: Vec<ReportRow> = row::select(conn, "WHERE created_by = ?1 ORDER BY name COLLATE NOCASE, id", [me])?;
    rows.iter().map(|r| view(conn, r)).collect()
}

/// One of my reports.
pub fn get(conn: &Connection, me: &str, id: &str) -> Result<Report> {
    own(conn, me, id).and_then(|r| view(conn, &r))
}

/// A new report (on unless the draft says off), its first run scheduled.
pub fn create(db: &Db, me: &str, draft: &ReportDraft) -> Result<Report> {
    db.write(WriteCtx::by(me, "report.create"), |tx| {
        let c = check_draft(tx, me, draft)?;
        let count: i64 = tx.query_row("SELECT count(*) FROM reports WHERE created_by = ?1", [me], |r| r.get(0))?;
        if count >= MAX_REPORTS {
            return Err(CoreError::validation(format!("you have {MAX_REPORTS} reports, the most there can be; delete one first")));
        }
        let now = tx.now_text();
        let active = draft.is_active.unwrap_or(true);
        let r = ReportRow {
            id: tx.new_id(),
            dashboard_id: draft.dashboard_id.clone(),
            created_by: me.to_string(),
            name: c.name,
            schedule: c.schedule.to_json(),
            recipients: c.recipients,
            format: draft.format.row(),
            is_active: active,
            last_sent: None,
            created_at: now.clone(),
            updated_at: now,
            output_dir: Some(c.output_dir),
            widget_ids: c.widget_ids,
            next_run_at: if active { next_run(tx, me, &c.schedule, tx.now())? } else { None },
            last_output: None,
            last_error: None,
        };
        row::insert(tx, &r)?;
        view(tx, &r)
    })
}

/// Replaces all of a report; its next run is computed again from now.
pub fn update(db: &Db, me: &str, id: &str, draft: &ReportDraft) -> Result<Report> {
    db.write(WriteCtx::by(me, "report.update"), |tx| {
        let mut r = own(tx, me, id)?;
        let c = check_draft(tx, me, draft)?;
        r.name = c.name;
        r.dashboard_id = draft.dashboard_id.clone();
        r.schedule = c.schedule.to_json();
        r.recipients = c.recipients;
        r.format = draft.format.row();
        r.is_active = draft.is_active.unwrap_or(r.is_active);
        r.output_dir = Some(c.output_dir);
        r.widget_ids = c.widget_ids;
        r.next_run_at = if r.is_active { next_run(tx, me, &c.schedule, tx.now())? } else { None };
        r.updated_at = tx.now_text();
        row::update(tx, &r)?;
        view(tx, &r)
    })
}

/// Turns a report on (its next run from now: missed periods are not caught up) or off.
pub fn set_active(db: &Db, me: &str, id: &str, active: bool) -> Result<Report> {
    db.write(WriteCtx::by(me, if active { "report.activate" } else { "report.deactivate" }), |tx| {
        let mut r = own(tx, me, id)?;
        r.is_active = active;
        r.next_run_at = match (active, Schedule::from_json(&r.schedule)) {
            (true, Some(s)) => next_run(tx, me, &s, tx.now())?,
            _ => None,
        };
        r.updated_at = tx.now_text();
        row::update(tx, &r)?;
        view(tx, &r)
    })
}

/// Deletes a report (its files stay where they were written).
pub fn delete(db: &Db, me: &str, id: &str) -> Result<()> {
    db.write(WriteCtx::by(me, "report.delete"), |tx| {
        let r = own(tx, me, id)?;
        row::delete::<ReportRow>(tx, &r.id)
    })
}
