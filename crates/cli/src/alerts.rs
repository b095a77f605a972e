//! `alert`: Insights threshold alerts from a terminal. `add NAME --metric M (--above V |
//! --below V | --change-percent V) [--grain day|week|month] [--digest [--at HH:MM]]`
//! creates one (a threshold that is not a number is refused in words, exit 1, nothing
//! written); `list` shows them with their status and last value; `check` evaluates the
//! alerts that are due and delivers what fired, with the app's rules
//! (`Studydesk::alerts_check_once`: one transaction claims each alert, so the app, the OS
//! timer and this command running together notify once), `--once` one turn then exit,
//! else every minute; `snooze ID --minutes N` and `delete ID`. `--json` prints what the
//! app's commands answer.

use crate::terminal::{self, field, say};
use clap::{ArgGroup, Subcommand};
use std::time::Duration;
use studydesk_core::api::Studydesk;
use studydesk_core::insights::alerts::rule::ThresholdType;
use studydesk_core::insights::alerts::{self, AlertDraft, AlertGrain, Frequency};
use studydesk_core::insights::metrics::{MetricFilters, MetricId};
use studydesk_core::{clock, CoreError};

#[derive(Subcommand)]
pub enum AlertCommand {
    /// Create an alert on a built-in metric (`insights metric list` names them), a widget's
    /// value or a data model's numeric field.
    #[command(group(ArgGroup::new("rule").required(true).args(["above", "below", "change_percent"])))]
    #[command(group(ArgGroup::new("target").required(true).args(["metric", "widget", "model"])))]
    Add {
        name: String,
        #[arg(long)]
        metric: Option<String>,
        /// A widget: its current value (a metric card's number, or the last point of its series).
        #[arg(long, value_name = "ID")]
        widget: Option<String>,
        /// A data model: the sum of its field --field over the model's rows.
        #[arg(long, value_name = "ID", requires = "field")]
        model: Option<String>,
        /// The data model's numeric field (with --model).
        #[arg(long, value_name = "F", requires = "model")]
        field: Option<String>,
        /// Fires when the value is above V.
        #[arg(long, value_name = "V", allow_hyphen_values = true)]
        above: Option<String>,
        /// Fires when the value is below V.
        #[arg(long, value_name = "V", allow_hyphen_values = true)]
        below: Option<String>,
        /// Fires when the value changed by V percent or more against the previous period (negative: a fall).
        #[arg(long, value_name = "V", allow_hyphen_values = true)]
        change_percent: Option<String>,
        /// The period compared: day (default), week or month.
        #[arg(long, default_value = "day")]
        grain: String,
        /// One summary a day instead of a notice each time.
        #[arg(long)]
        digest: bool,
        /// The digest's local time, HH:MM (default 08:00).
        #[arg(long, value_name = "HH:MM", requires = "digest")]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// My alerts with their status, last value and last check.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Evaluate the alerts that are due and deliver what fired (once with --once, else every minute).
    Check {
        #[arg(long)]
        once: bool,
        #[arg(long)]
        json: bool,
    },
    /// Snooze an alert for N minutes.
    Snooze {
        id: String,
        #[arg(long)]
        minutes: i64,
    },
    /// Delete an alert.
    Delete { id: String },
}

pub fn alert(app: &Studydesk, cmd: AlertCommand) -> Result<(), CoreError> {
    match cmd {
        AlertCommand::Add { name, metric, widget, model, field, above, below, change_percent, grain, digest, at, json } => {
            let (kind, text) = match (above, below, change_percent) {
                (Some(v), _, _) => (ThresholdType::Above, v),
                (_, Some(v), _) => (ThresholdType::Below, v),
                (_, _, Some(v)) => (ThresholdType::ChangePercent, v),
                _ => return Err(CoreError::validation("give --above, --below or --change-percent")),
            };
            let draft = AlertDraft {
                name,
                metric: metric.as_deref().map(MetricId::parse).transpose()?,
                widget_id: widget,
                model_id: model,
                model_field: field,
                grain: Some(parse_grain(&grain)?),
                filters: MetricFilters::default(),
                threshold_type: kind,
                threshold_value: alerts::parse_threshold(&text)?,
                frequency: Some(if digest { Frequency::Digest } else { Frequency::Immediate }),
                digest_time: at,
                channels: None,
            };
            let a = app.alert_create(draft)?;
            if json {
                terminal::json(&a, false)?;
            } else {
                say!("{}", a.id);
            }
        }
        AlertCommand::List { json } => {
            let list = app.alert_list()?;
            if json {
                terminal::json(&list, false)?;
            } else {
                for a in &list {
                    let last = a.last_value.map_or("-".to_string(), |v| v.to_string());
                    say!("{}\t{}\t{}\t{}\t{}", a.id, field(&a.name), a.status.as_str(), last, a.last_evaluated_at.as_deref().unwrap_or("never"));
                }
            }
        }
        AlertCommand::Check { once, json } => check(app, once, json)?,
        AlertCommand::Snooze { id, minutes } => {
            let a = app.alert_snooze(id, minutes)?;
            say!("snoozed until {}", a.snoozed_until.as_deref().unwrap_or_default());
        }
        AlertCommand::Delete { id } => {
            app.alert_delete(id)?;
            say!("deleted");
        }
    }
    Ok(())
}

fn parse_grain(text: &str) -> Result<AlertGrain, CoreError> {
    match text {
        "day" => Ok(AlertGrain::Day),
        "week" => Ok(AlertGrain::Week),
        "month" => Ok(AlertGrain::Month),
        other => Err(CoreError::validation(format!("there is no grain \"{}\" for an alert; use day, week or month", field(other)))),
    }
}

fn check(app: &Studydesk, once: bool, json: bool) -> Result<(), CoreError> {
    let mut warned = false;
    loop {
        let (turn, notice_error) = app.alerts_check_once()?;
        if let (Some(reason), false) = (&notice_error, warned) {
            eprintln!("warning: no notification server answered ({reason}); the alert is in Studydesk's notifications");
            warned = true;
        }
        if json && once {
            terminal::json(&turn, false)?;
        } else {
            for d in &turn.delivered {
                say!("{}\t{}", field(&d.title), field(&d.message));
            }
        }
        if once {
            return Ok(());
        }
        let rate = app.db().clock().rate();
        std::thread::sleep(clock::real_sleep(Duration::from_secs(60), rate, Duration::from_millis(200)));
    }
}
