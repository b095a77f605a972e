//! `dashboard`: the Insights dashboards from a terminal.
//!
//! - `dashboard list [--json]`: my dashboards in my order ("My study" is made the first
//!   time, as the app does), each with its number of widgets; `--json` prints what the
//!   app's `dashboards_list` answers.
//! - `dashboard export ID --format csv --out DIR`: one CSV file per widget with data (text
//!   and image widgets have none), named from the widget's title, read for the dashboard's
//!   saved date range as the app reads it (`insights::export` writes them). A widget whose
//!   data cannot be read (its source deleted, its SQL refused) does not stop the others:
//!   they are written, then the command fails naming it.
//! - `dashboard export ID --format png --out DIR`: one PNG per chart widget, drawn by the
//!   app's own chart library as the dashboard shows it: the CLI starts the app
//!   (`studydesk --export-dashboard`, see its `export_run`) on the same data folder and
//!   clock, hidden, and relays its report and exit status. It needs the app beside the CLI
//!   (or `STUDYDESK_APP`) and, on Linux, a display (a desktop session or `xvfb-run`).

use crate::terminal::{self, field, say};
use clap::{Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use studydesk_core::api::Studydesk;
use studydesk_core::insights::export;
use studydesk_core::insights::rows::WidgetType;
use studydesk_core::insights::table::Table;
use studydesk_core::insights::widget_data::POINTS_MAX;
use studydesk_core::CoreError;

#[derive(Subcommand)]
pub enum DashboardCommand {
    /// My dashboards in order, with their number of widgets.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Write each widget's data of a dashboard as CSV files in DIR, or each chart as a PNG
    /// (drawn by the app, which must be installed beside the CLI).
    Export {
        /// The dashboard's id (see `dashboard list`).
        id: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        /// The folder to write into (made if missing; files of the same name are replaced).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Png,
}

pub fn dashboard(app: &Studydesk, cmd: DashboardCommand) -> Result<(), CoreError> {
    match cmd {
        DashboardCommand::List { json } => list(app, json),
        DashboardCommand::Export { id, format: ExportFormat::Png, out } => export_png(app, &id, &out),
        DashboardCommand::Export { id, format: ExportFormat::Csv, out } => export_csv(app, &id, &out),
    }
}

fn list(app: &Studydesk, json: bool) -> Result<(), CoreError> {
    let list = app.dashboards_list()?;
    if json {
        return terminal::json(&list, true);
    }
    for d in &list {
        let widgets = if d.widget_count == 1 { "1 widget".to_string() } else { format!("{} widgets", d.widget_count) };
        say!("{}  {}  {widgets}", d.row.id, field(&d.row.name));
    }
    Ok(())
}

fn export_csv(app: &Studydesk, id: &str, out: &std::path::Path) -> Result<(), CoreError> {
    let view = app.dashboard_get(id)?;
    let mut tables: Vec<(String, Table)> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for w in view.widgets.iter().filter(|w| !matches!(w.row.r#type, WidgetType::Text | WidgetType::Image)) {
        match app.insights_widget_data(w.row.id.as_str(), Some(POINTS_MAX)) {
            Ok(data) => tables.push((export::widget_title(w), data.table)),
            Err(e) => failed.push(format!("\u{201C}{}\u{201D} ({})", field(&export::widget_title(w)), e)),
        }
    }
    let written = export::write_csv_files(out, &tables)?;
    for (path, (name, table)) in written.iter().zip(&tables) {
        let rows = if table.rows.len() == 1 { "1 row".to_string() } else { format!("{} rows", table.rows.len()) };
        let cut = if table.truncated { " (more rows were left out)" } else { "" };
        say!("wrote {}  {}  {rows}{cut}", field(&path.display().to_string()), field(name));
    }
    if tables.is_empty() && failed.is_empty() {
        say!("\u{201C}{}\u{201D} has no widget with data to export", field(&view.row.name));
    }
    if !failed.is_empty() {
        return Err(CoreError::validation(format!("{} widget(s) could not be exported: {}", failed.len(), failed.join("; "))));
    }
    Ok(())
}

/// The most a drawing run may take before it is stopped (the app stops itself at 180 s).
const DRAW_TIMEOUT: Duration = Duration::from_secs(200);

fn export_png(app: &Studydesk, id: &str, out: &Path) -> Result<(), CoreError> {
    let view = app.dashboard_get(id)?;
    let charts = view.widgets.iter().filter(|w| export::is_chart(w.row.r#type)).count();
    if charts == 0 {
        say!("\u{201C}{}\u{201D} has no chart to draw (tables, metric cards and text export with --format csv)", field(&view.row.name));
        return Ok(());
    }
    let exe = app_binary()?;
    has_display()?;
    let now = studydesk_core::time::timestamp_text(app.db().now());
    let mut child = std::process::Command::new(&exe)
        .arg("--export-dashboard")
        .arg(id)
        .arg("--out")
        .arg(out)
        .arg("--data-dir")
        .arg(app.data_dir())
        .args(["--clock-from", &now])
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| CoreError::io(format!("could not start {}", exe.display()), e))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(_)) => return Err(CoreError::validation("some charts could not be drawn (see above)")),
            Ok(None) if started.elapsed() > DRAW_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(CoreError::validation(format!("the app did not finish drawing the charts in {} s", DRAW_TIMEOUT.as_secs())));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(CoreError::io("could not wait for the app", e)),
        }
    }
}

/// The app's executable: `STUDYDESK_APP`, else `studydesk` beside this CLI.
fn app_binary() -> Result<PathBuf, CoreError> {
    if let Some(path) = std::env::var_os("STUDYDESK_APP").map(PathBuf::from) {
        if path.is_file() {
            return Ok(path);
        }
        return Err(CoreError::validation(format!(
            "PNG export draws the charts in the Studydesk app, and STUDYDESK_APP names no file ({})",
            field(&path.display().to_string())
        )));
    }
    let name = format!("studydesk{}", std::env::consts::EXE_SUFFIX);
    let beside = std::env::current_exe().ok().and_then(|exe| exe.parent().map(|d| d.join(&name)));
    match beside {
        Some(path) if path.is_file() => Ok(path),
        _ => Err(CoreError::validation(format!(
            "PNG export draws the charts in the Studydesk app, and {name} is not beside studydesk-cli (install the app, or set STUDYDESK_APP to its path)"
        ))),
    }
}

/// On Linux (and the BSDs) a window needs an X11 or Wayland display.
fn has_display() -> Result<(), CoreError> {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return Ok(());
    }
    if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some() {
        return Ok(());
    }
    Err(CoreError::validation("PNG export draws the charts in a window, and there is no display: run it in a desktop session, or under xvfb-run"))
}
