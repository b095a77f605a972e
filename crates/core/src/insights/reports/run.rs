//! Running reports: the scheduled turn (claim, render, write, record) and "run now".
//!
//! Contract:
//! - [`run_due`] takes every active report of the user whose `next_run_at` has come. Each is
//!   claimed by one conditional UPDATE (`next_run_at` still what was read) that sets
//!   `last_sent` to now and `next_run_at` to the first run after now, in one `Db::write`:
//!   of several processes (the app, `--remind-once`, the CLI) one runs it, once, and a
//!   report whose runs were missed while the computer was off runs once, not once per
//!   missed period. Then it is rendered and written, and the outcome is stored
//!   (`last_output`, or `last_error` in words); a failed run waits for its next time.
//! - [`run_now`] renders and writes at once without moving the schedule; it stores
//!   `last_sent` and `last_output` together after the file is in place, or `last_error`.
//! - A run that wrote its file queues one e-mail with the file attached to the report's
//!   recipients, in the same write as its outcome, when e-mail is set up
//!   (`crate::email::outbox`: sent and retried by the background turn and the app's
//!   sender, never by the run itself).
//! - What a widget shows is read through the caller's `read` (the facade reads it in the
//!   sandbox, as the dashboard does), so this module holds no connection while it waits.

use super::render::{self, ReportData, ReportWidget, Shape};
use super::schedule::{self, Schedule};
use super::{own, ReportFileFormat};
use crate::db::row;
use crate::db::{timestamp_text, WriteCtx};
use crate::insights::export::{file_stem, widget_title, write_whole};
use crate::insights::rows::ReportRow;
use crate::insights::widget_data::WidgetData;
use crate::insights::widgets::DashboardWidget;
use crate::insights::dashboards;
use crate::{CoreError, Db, Result};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// How the caller reads what a widget shows.
pub type ReadWidget<'a> = &'a dyn Fn(&DashboardWidget) -> Result<WidgetData>;

/// What one run did.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ReportRun {
    pub report_id: String,
    pub name: String,
    /// The file written.
    pub file: Option<String>,
    /// Why nothing was written, in words.
    pub error: Option<String>,
}

/// Runs every due report of the user once (see the module contract).
pub fn run_due(db: &Db, me: &str, read: ReadWidget) -> Result<Vec<ReportRun>> {
    let now = db.now();
    let due: Vec<ReportRow> = db.read(|c| {
        row::select(c, "WHERE created_by = ?1 AND is_active = 1 AND next_run_at IS NOT NULL AND next_run_at <= ?2 ORDER BY next_run_at, id", params![me, timestamp_text(now)])
    })?;
    let mut runs = Vec::new();
    for r in due {
        if !claim(db, me, &r)? {
            continue;
        }
        let outcome = produce(db, me, &r, None, read);
        record(db, me, &r, &outcome, false)?;
        runs.push(ReportRun { report_id: r.id.clone(), name: r.name.clone(), file: outcome.as_ref().ok().map(|(p, _)| p.display().to_string()), error: outcome.err().map(|e| e.to_string()) });
    }
    Ok(runs)
}

/// The claim: `last_sent` and the next run set together, only if no one moved it first.
fn claim(db: &Db, me: &str, r: &ReportRow) -> Result<bool> {
    let ctx = WriteCtx { audit: false, ..WriteCtx::by(me, "report.run") };
    db.write(ctx, |tx| {
        let tz = crate::account::settings::timezone(tx, me)?;
        let next = Schedule::from_json(&r.schedule).and_then(|s| schedule::next_after(&s, tz, tx.now())).map(timestamp_text);
        let now = tx.now_text();
        let n = tx
            .prepare_cached("UPDATE reports SET last_sent = ?1, next_run_at = ?2, updated_at = ?1 WHERE id = ?3 AND is_active = 1 AND next_run_at IS ?4")?
            .execute(params![now, next, r.id, r.next_run_at])?;
        Ok(n == 1)
    })
}

/// Stores a run's outcome (and, for "run now", `last_sent`), and queues the file's
/// e-mail to the report's recipients in the same write when e-mail is set up.
fn record(db: &Db, me: &str, r: &ReportRow, outcome: &Result<(PathBuf, Vec<u8>)>, sent: bool) -> Result<()> {
    let ctx = WriteCtx { audit: false, ..WriteCtx::by(me, "report.run") };
    let id = &r.id;
    db.write(ctx, |tx| {
        let now = tx.now_text();
        let (file, error) = match outcome {
            Ok((p, bytes)) => {
                email(tx, me, r, p, bytes)?;
                (Some(p.display().to_string()), None)
            }
            Err(e) => (None, Some(e.to_string())),
        };
        tx.prepare_cached(
            "UPDATE reports SET last_output = coalesce(?1, last_output), last_error = ?2, updated_at = ?3,
                last_sent = CASE WHEN ?4 THEN ?3 ELSE last_sent END WHERE id = ?5",
        )?
        .execute(params![file, error, now, sent && file.is_some(), id])?;
        Ok(())
    })
}

/// "Run now": renders my report into its folder, or `out` when given; the schedule stays.
pub fn run_now(db: &Db, me: &str, id: &str, out: Option<&Path>, read: ReadWidget) -> Result<ReportRun> {
    let r = db.read(|c| own(c, me, id))?;
    let outcome = produce(db, me, &r, out, read);
    record(db, me, &r, &outcome, true)?;
    let (file, _) = outcome?;
    Ok(ReportRun { report_id: r.id, name: r.name, file: Some(file.display().to_string()), error: None })
}

/// Queues the report's file to its recipients (none, or e-mail not set up: nothing).
fn email(tx: &crate::db::Tx, me: &str, r: &ReportRow, file: &Path, bytes: &[u8]) -> Result<()> {
    let to: Vec<String> = serde_json::from_value(r.recipients.clone()).unwrap_or_default();
    if to.is_empty() || !crate::email::configured(tx) {
        return Ok(());
    }
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "report".into());
    let body = format!("Your Studydesk report \"{}\" is attached ({name}).\nIt is also in {}.", r.name, file.parent().map(|d| d.display().to_string()).unwrap_or_default());
    let message = crate::email::outbox::NewMessage { source: super::email_source(&r.id), to, subject: format!("Studydesk report: {}", r.name), body, attachment: Some((name, bytes.to_vec())) };
    crate::email::outbox::enqueue(tx, me, message).map(|_| ())
}

/// Reads, renders and writes one report; answers the file written and its bytes.
fn produce(db: &Db, me: &str, r: &ReportRow, out: Option<&Path>, read: ReadWidget) -> Result<(PathBuf, Vec<u8>)> {
    let dir = match out {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from(r.output_dir.clone().ok_or_else(|| CoreError::validation("this report has no folder to write into; edit it and choose one"))?),
    };
    let format = ReportFileFormat::of(r.format);
    let data = gather(db, me, r, read)?;
    let bytes = render_bytes(&data, format)?;
    let stamp = db.now().with_timezone(&db.read(|c| crate::account::settings::timezone(c, me))?).format("%Y-%m-%d-%H%M");
    let path = write_into(&dir, &format!("{}-{stamp}", file_stem(&r.name)), format.extension(), &bytes)?;
    Ok((path, bytes))
}

/// The report's file in a format.
pub fn render_bytes(data: &ReportData, format: ReportFileFormat) -> Result<Vec<u8>> {
    match format {
        ReportFileFormat::Pdf => render::pdf::render(data, render::pdf::find_font()?),
        ReportFileFormat::Excel => render::xlsx::render(data),
        ReportFileFormat::Csv => render::csv_zip::render(data),
    }
}

/// What the report shows: its dashboard's widgets (or the chosen ones) over the
/// dashboard's range as of today.
fn gather(db: &Db, me: &str, r: &ReportRow, read: ReadWidget) -> Result<ReportData> {
    let now = db.now();
    let (view, tz) = db.read(|c| Ok((dashboards::get(c, me, &r.dashboard_id)?, crate::account::settings::timezone(c, me)?)))?;
    let (from, to) = view.layout.range.resolve(crate::time::local_date(now, tz))?;
    let chosen: Option<Vec<String>> = r.widget_ids.as_ref().and_then(|v| serde_json::from_value(v.clone()).ok());
    let picked: Vec<&DashboardWidget> = match &chosen {
        Some(ids) => ids.iter().filter_map(|id| view.widgets.iter().find(|w| &w.row.id == id)).collect(),
        None => view.widgets.iter().collect(),
    };
    let widgets = picked
        .into_iter()
        .filter_map(|w| Shape::of(w.row.r#type).map(|shape| (w, shape)))
        .map(|(w, shape)| {
            let (table, value, error) = match read(w) {
                Ok(d) => (d.table, d.value.map(|v| v.value), None),
                Err(e) => (crate::insights::widget_data::empty(), None, Some(e.to_string())),
            };
            let x = w.config.x.as_ref().and_then(|x| table.columns.iter().position(|c| &c.name == x)).unwrap_or(0);
            ReportWidget { title: widget_title(w), shape, table, x, value, error }
        })
        .collect();
    Ok(ReportData {
        title: r.name.clone(),
        dashboard: view.row.name.clone(),
        from: from.to_string(),
        to: to.to_string(),
        made_at: now.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string(),
        widgets,
    })
}

/// Writes `<stem>.<ext>` (else `<stem> (2).<ext>` ...) whole into `dir`, made if missing.
fn write_into(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf> {
    let cannot = |e: std::io::Error| CoreError::io(format!("the report could not be written into the folder {} (choose a folder you can write to)", dir.display()), e);
    std::fs::create_dir_all(dir).map_err(cannot)?;
    if !dir.is_dir() {
        return Err(CoreError::validation(format!("{} is not a folder; choose a folder for the report", dir.display())));
    }
    let path = (1..)
        .map(|n| dir.join(if n == 1 { format!("{stem}.{ext}") } else { format!("{stem} ({n}).{ext}") }))
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join(format!("{stem}.{ext}")));
    write_whole(&path, bytes).map_err(|e| match e {
        CoreError::Io { source, .. } => cannot(source),
        other => other,
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_that_cannot_be_written_gives_words_and_leaves_nothing() {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("a-file");
        std::fs::write(&file, "x").unwrap();
        let err = write_into(&file.join("sub"), "r", "pdf", b"%PDF").unwrap_err().to_string();
        assert!(err.contains("could not be written into the folder") && err.contains("choose a folder you can write to"), "{err}");
        // A read-only place even for root: /proc.
        let err = write_into(Path::new("/proc"), "r", "pdf", b"%PDF").unwrap_err().to_string();
        assert!(err.contains("could not be written into the folder /proc"), "{err}");
        assert!(!Path::new("/proc/r.pdf.part").exists() && !Path::new("/proc/r.pdf").exists());
        // A writable one: the file whole, a second with a new name, no temporary left.
        let a = write_into(d.path(), "r", "pdf", b"one").unwrap();
        let b = write_into(d.path(), "r", "pdf", b"two").unwrap();
        assert_eq!((a.file_name().unwrap().to_str().unwrap(), b.file_name().unwrap().to_str().unwrap()), ("r.pdf", "r (2).pdf"));
        assert_eq!(std::fs::read(&b).unwrap(), b"two");
        assert!(std::fs::read_dir(d.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".part")));
    }
}
