//! `report`: scheduled Insights reports from a terminal. `add NAME --dashboard ID --format
//! pdf|excel|csv (--daily HH:MM | --weekly DAYS HH:MM | --monthly DAY HH:MM) --out DIR
//! [--widget ID]... [--to EMAIL]...` creates one (`--weekly mon,thu 08:00`, `--monthly 1
//! 08:00`; a schedule such as day 30 is refused in words, exit 1, nothing written); `list`
//! shows them with their next and last run; `run ID [--out DIR]` renders one now into its
//! folder (or DIR) and prints the file; `delete ID`. Scheduled runs happen in the
//! background turn (`remind run --once`, the app, the OS timer). `--json` prints what the
//! app's commands answer.

use crate::terminal::{self, field, say};
use clap::{ArgGroup, Subcommand, ValueEnum};
use std::path::PathBuf;
use studydesk_core::api::Studydesk;
use studydesk_core::insights::reports::schedule::Schedule;
use studydesk_core::insights::reports::{ReportDraft, ReportFileFormat};
use studydesk_core::CoreError;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Create a scheduled report of a dashboard (`dashboard list` names them).
    #[command(group(ArgGroup::new("when").required(true).args(["daily", "weekly", "monthly"])))]
    Add {
        name: String,
        #[arg(long)]
        dashboard: String,
        #[arg(long, value_enum)]
        format: Format,
        /// Every day at HH:MM (your time zone).
        #[arg(long, value_name = "HH:MM")]
        daily: Option<String>,
        /// On these days at HH:MM: `--weekly mon,thu 08:00`.
        #[arg(long, num_args = 2, value_names = ["DAYS", "HH:MM"])]
        weekly: Option<Vec<String>>,
        /// On day DAY (1 to 28) of every month at HH:MM: `--monthly 1 08:00`.
        #[arg(long, num_args = 2, value_names = ["DAY", "HH:MM"])]
        monthly: Option<Vec<String>>,
        /// The folder the files are written into.
        #[arg(long)]
        out: PathBuf,
        /// Only these widgets, in this order (default: all of the dashboard's).
        #[arg(long = "widget", value_name = "ID")]
        widgets: Vec<String>,
        /// A recipient's e-mail address (stored; sending is not built yet).
        #[arg(long = "to", value_name = "EMAIL")]
        recipients: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// My reports with their schedule, next run and last run.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Render a report now into its folder, or DIR (the schedule is unchanged).
    Run {
        id: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Delete a report (files already written stay).
    Delete { id: String },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Pdf,
    Excel,
    Csv,
}

pub fn report(app: &Studydesk, cmd: ReportCommand) -> Result<(), CoreError> {
    match cmd {
        ReportCommand::Add { name, dashboard, format, daily, weekly, monthly, out, widgets, recipients, json } => {
            let schedule = schedule_of(daily, weekly, monthly)?;
            let out = if out.is_absolute() { out } else { std::env::current_dir().map_err(|e| CoreError::io("could not read the current folder", e))?.join(out) };
            let draft = ReportDraft {
                name,
                dashboard_id: dashboard,
                format: match format {
                    Format::Pdf => ReportFileFormat::Pdf,
                    Format::Excel => ReportFileFormat::Excel,
                    Format::Csv => ReportFileFormat::Csv,
                },
                schedule,
                output_dir: out.display().to_string(),
                widget_ids: (!widgets.is_empty()).then_some(widgets),
                recipients: Some(recipients),
                is_active: None,
            };
            let r = app.report_create(draft)?;
            if json {
                terminal::json(&r, false)?;
            } else {
                say!("{}\tnext run {}", r.id, r.next_run_at.as_deref().unwrap_or("-"));
            }
        }
        ReportCommand::List { json } => {
            let list = app.report_list()?;
            if json {
                terminal::json(&list, false)?;
            } else {
                for r in &list {
                    let last = r.last_error.as_deref().map(|e| format!("failed: {e}")).or_else(|| r.last_output.clone()).unwrap_or_else(|| "never run".into());
                    say!("{}\t{}\tnext {}\t{}", r.id, field(&r.name), r.next_run_at.as_deref().unwrap_or("-"), field(&last));
                }
            }
        }
        ReportCommand::Run { id, out, json } => {
            let out = out.map(|o| if o.is_absolute() { o } else { std::env::current_dir().map(|d| d.join(&o)).unwrap_or(o) });
            let run = app.report_run(&id, out.as_deref())?;
            if json {
                terminal::json(&run, false)?;
            } else {
                say!("wrote {}", field(run.file.as_deref().unwrap_or("")));
            }
        }
        ReportCommand::Delete { id } => {
            app.report_delete(id)?;
            say!("deleted");
        }
    }
    Ok(())
}

/// The schedule of `--daily`, `--weekly DAYS HH:MM` or `--monthly DAY HH:MM`.
fn schedule_of(daily: Option<String>, weekly: Option<Vec<String>>, monthly: Option<Vec<String>>) -> Result<Schedule, CoreError> {
    let s = match (daily, weekly, monthly) {
        (Some(time), _, _) => Schedule::Daily { time },
        (_, Some(w), _) => Schedule::Weekly { days: w[0].split(',').map(|d| d.trim().to_string()).filter(|d| !d.is_empty()).collect(), time: w[1].clone() },
        (_, _, Some(m)) => {
            let day = m[0].trim().parse::<u32>().map_err(|_| CoreError::validation(format!("the day of the month must be a number from 1 to 28 (got \"{}\")", field(&m[0]))))?;
            Schedule::Monthly { day, time: m[1].clone() }
        }
        _ => return Err(CoreError::validation("give --daily HH:MM, --weekly DAYS HH:MM or --monthly DAY HH:MM")),
    };
    s.check()
}
