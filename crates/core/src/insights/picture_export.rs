//! A dashboard's charts as PNG files, drawn by the app's own chart library (the CLI's
//! `dashboard export ID --format png --out DIR`).
//!
//! Contract: the CLI starts the app with `--export-dashboard ID --out DIR`; the shell opens
//! one [`PictureExport`] for that dashboard and folder before the window loads, and the
//! window (hidden) draws each chart widget of the dashboard as the dashboard shows it and
//! hands over its PNG ([`PictureExport::save`], IPC `dashboard_picture_save`). Only a chart
//! widget of that dashboard is accepted, each once, only PNG bytes (by signature), at most
//! [`PICTURE_MAX_BYTES`]; files are named as the CSV export names them
//! ([`super::export::file_stem`], unique in this export) and written whole. The window then
//! names the charts it could not draw ([`PictureExport::finish`]), and the shell reports
//! and exits. Without an export run (the normal app) nothing here exists and nothing is
//! written.

use super::export::{file_stem, is_chart, unique_name, widget_title, write_whole};
use super::widgets::DashboardWidget;
use crate::{CoreError, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use ts_rs::TS;

/// The largest picture accepted (a 4K chart at twice the pixel ratio is a few MiB).
pub const PICTURE_MAX_BYTES: usize = 50 * 1024 * 1024;
/// The most failures kept, and the longest reason (a window cannot flood the report).
const FAILURES_MAX: usize = 200;
const REASON_MAX: usize = 500;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A chart the window could not draw, and why (in the user's words from the widget).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct PictureFailure {
    pub widget_id: String,
    pub message: String,
}

/// One run's dashboard, folder and progress.
pub struct PictureExport {
    dashboard_id: String,
    dir: PathBuf,
    progress: Mutex<Progress>,
}

#[derive(Default)]
struct Progress {
    taken: HashSet<String>,
    saved: HashSet<String>,
    written: Vec<PathBuf>,
    failed: Vec<String>,
    finished: bool,
}

/// What a run did, for the shell to print.
#[derive(Debug, Clone, PartialEq)]
pub struct PictureReport {
    pub written: Vec<PathBuf>,
    /// `“title” (reason)` of each chart not drawn.
    pub failed: Vec<String>,
    /// The window said it was done (else it stopped or was stopped before).
    pub finished: bool,
}

impl PictureExport {
    /// An export of `dashboard_id` into `dir` (made if missing).
    pub fn new(dashboard_id: &str, dir: &Path) -> Result<PictureExport> {
        std::fs::create_dir_all(dir).map_err(|e| CoreError::io(format!("could not create the folder {}", dir.display()), e))?;
        Ok(PictureExport { dashboard_id: dashboard_id.to_string(), dir: dir.to_path_buf(), progress: Mutex::default() })
    }

    pub fn dashboard_id(&self) -> &str {
        &self.dashboard_id
    }

    /// Writes the picture of `widget` (one of this dashboard's charts, not saved before);
    /// answers the file's name.
    pub fn save(&self, widget: &DashboardWidget, bytes: &[u8]) -> Result<String> {
        if widget.row.dashboard_id != self.dashboard_id {
            return Err(CoreError::validation("this widget is not on the dashboard being exported"));
        }
        if !is_chart(widget.row.r#type) {
            return Err(CoreError::validation("only charts are exported as pictures"));
        }
        if bytes.len() > PICTURE_MAX_BYTES {
            return Err(CoreError::validation(format!("the picture is larger than {} MiB", PICTURE_MAX_BYTES / 1024 / 1024)));
        }
        if !bytes.starts_with(PNG_SIGNATURE) {
            return Err(CoreError::validation("the picture is not a PNG file"));
        }
        let mut p = self.progress();
        if p.finished {
            return Err(CoreError::validation("the export has already finished"));
        }
        if !p.saved.insert(widget.row.id.as_str().to_string()) {
            return Err(CoreError::validation("this chart was already exported"));
        }
        let name = unique_name(&file_stem(&widget_title(widget)), "png", &mut p.taken);
        let path = self.dir.join(&name);
        write_whole(&path, bytes)?;
        p.written.push(path);
        Ok(name)
    }

    /// The window is done; `failed` are the charts it could not draw (`widgets` names them).
    pub fn finish(&self, widgets: &[DashboardWidget], failed: &[PictureFailure]) -> Result<()> {
        let mut p = self.progress();
        for f in failed.iter().take(FAILURES_MAX) {
            let title = widgets.iter().find(|w| w.row.id.as_str() == f.widget_id).map(widget_title).unwrap_or_else(|| "a chart".into());
            let reason: String = f.message.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(REASON_MAX).collect();
            p.failed.push(format!("\u{201C}{title}\u{201D} ({reason})"));
        }
        p.finished = true;
        Ok(())
    }

    pub fn report(&self) -> PictureReport {
        let p = self.progress();
        PictureReport { written: p.written.clone(), failed: p.failed.clone(), finished: p.finished }
    }

    /// The progress (a panic while it was held left nothing half-done in it: each step
    /// is one push or flag).
    fn progress(&self) -> std::sync::MutexGuard<'_, Progress> {
        self.progress.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
