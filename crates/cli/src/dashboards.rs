//! `dashboard`: the Insights dashboards from a terminal.
//!
//! - `dashboard list [--json]`: my dashboards in my order ("My study" is made the first
//!   time, as the app does), each with its number of widgets; `--json` prints what the
//!   app's `dashboards_list` answers.
//! - `dashboard export ID --format csv --out DIR`: one CSV file per widget with data (text
//!   and image widgets have none), named from the widget's title, read for the dashboard's
//!   saved date range as the app reads it (`insights::export` writes them). A widget whose
//!   data cannot be read (its source deleted, its SQL refused) does not stop the others:
//!   they are written, then the command fails naming it. `--format png` is refused: charts
//!   are drawn by the app's chart library, in the app.

use crate::terminal::{self, field, say};
use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;
use studydesk_core::api::Studydesk;
use studydesk_core::insights::export;
use studydesk_core::insights::rows::WidgetType;
use studydesk_core::insights::table::Table;
use studydesk_core::insights::widget_data::POINTS_MAX;
use studydesk_core::insights::widgets::DashboardWidget;
use studydesk_core::CoreError;

#[derive(Subcommand)]
pub enum DashboardCommand {
    /// My dashboards in order, with their number of widgets.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Write each widget's data of a dashboard as files in DIR (csv; png is done in the app).
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
        DashboardCommand::Export { format: ExportFormat::Png, .. } => {
            Err(CoreError::validation("PNG export of charts is done in the app: open the dashboard and use the widget's Export menu"))
        }
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

/// The widget's name for its file and for messages: its title, else its type.
fn title(w: &DashboardWidget) -> String {
    let t = w.config.title.trim();
    if t.is_empty() { w.row.r#type.as_str().to_string() } else { t.to_string() }
}

fn export_csv(app: &Studydesk, id: &str, out: &std::path::Path) -> Result<(), CoreError> {
    let view = app.dashboard_get(id)?;
    let mut tables: Vec<(String, Table)> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for w in view.widgets.iter().filter(|w| !matches!(w.row.r#type, WidgetType::Text | WidgetType::Image)) {
        match app.insights_widget_data(w.row.id.as_str(), Some(POINTS_MAX)) {
            Ok(data) => tables.push((title(w), data.table)),
            Err(e) => failed.push(format!("\u{201C}{}\u{201D} ({})", field(&title(w)), e)),
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
