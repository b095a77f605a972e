//! `insights`: Insights from a terminal. Each part of it is a variant of [`InsightsCmd`]:
//!
//! - `insights metric list [--json]`: the built-in study metrics (id, grains, unit, widget).
//! - `insights metric run ID --grain G --from D --to D [--course ID] [--activity ID]
//!   [--tz ZONE] [--json]`: one metric over the local dates `from..=to` (the user's time
//!   zone unless `--tz`), as a widget gets it; `--json` prints the table (columns with
//!   units, rows of cells).
//! - `insights metric value ID --from D --to D [...] [--json]`: a metric card's numbers (the
//!   total, the previous period's, the change, the sparkline).
//! - `insights query SQL [--json]`: the user's own SQL (one SELECT, WITH or VALUES) in the
//!   read-only sandbox an SQL widget uses (`insights::sandbox`): the same refusals, caps
//!   (10,000 rows, marked when cut) and 5-second limit.
//!
//! Reads only: nothing here writes to the database.

use crate::terminal::{self, field, say};
use clap::Subcommand;
use studydesk_core::api::Studydesk;
use studydesk_core::insights::metrics::{self, Grain, MetricFilters, MetricId, MetricQuery};
use studydesk_core::insights::table::{Cell, Table};
use studydesk_core::{validate, CoreError};

#[derive(Subcommand)]
pub enum InsightsCmd {
    /// The built-in study metrics: list, run, value.
    #[command(subcommand)]
    Metric(MetricCmd),
    /// Run my SQL (one SELECT over my data and imported sources) in the read-only sandbox
    /// of the SQL widgets: at most 10,000 rows, stopped after 5 seconds.
    Query {
        sql: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
pub struct Range {
    /// First local day, YYYY-MM-DD.
    #[arg(long)]
    from: String,
    /// Last local day (inclusive), YYYY-MM-DD.
    #[arg(long)]
    to: String,
    /// Only this course's (a course id).
    #[arg(long)]
    course: Option<String>,
    /// Only this activity's (an activity id).
    #[arg(long)]
    activity: Option<String>,
    /// Count days in this IANA time zone (default: the user's).
    #[arg(long, value_name = "ZONE")]
    tz: Option<String>,
}

#[derive(Subcommand)]
pub enum MetricCmd {
    /// Every built-in metric: its id, name, grains, unit and suggested widget.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One metric per day, week, month, course, activity or status, or in total.
    Run {
        /// The metric's id (see `insights metric list`).
        id: String,
        /// day, week, month, course, activity, status or total.
        #[arg(long, default_value = "day")]
        grain: String,
        #[command(flatten)]
        range: Range,
        #[arg(long)]
        json: bool,
    },
    /// A metric card: the total over the range, the previous period's, the change and a sparkline.
    Value {
        id: String,
        #[command(flatten)]
        range: Range,
        #[arg(long)]
        json: bool,
    },
}

pub fn insights(app: &Studydesk, cmd: InsightsCmd) -> Result<(), CoreError> {
    match cmd {
        InsightsCmd::Metric(cmd) => metric(app, cmd),
        InsightsCmd::Query { sql, json } => run_sql(app, &sql, json),
    }
}

fn metric(app: &Studydesk, cmd: MetricCmd) -> Result<(), CoreError> {
    match cmd {
        MetricCmd::List { json } => list(json),
        MetricCmd::Run { id, grain, range, json } => {
            let q = query(&id, Grain::parse(grain.trim())?, range)?;
            let (me, now) = (app.user_id(), app.db().now());
            let table = app.db().read(|c| metrics::run(c, &me, &q, now))?;
            if json {
                return terminal::json(&table, true);
            }
            print_table(&table);
            Ok(())
        }
        MetricCmd::Value { id, range, json } => {
            let q = query(&id, Grain::Total, range)?;
            let (me, now) = (app.user_id(), app.db().now());
            let v = app.db().read(|c| metrics::value(c, &me, &q, now))?;
            if json {
                return terminal::json(&v, true);
            }
            let change = v.change_percent.map(|c| format!(", {c:+.1} %")).unwrap_or_default();
            let previous = v.previous.map(|p| format!(" (previous period {p}{change})")).unwrap_or_default();
            say!("{} {}{previous}", v.value, v.unit);
            let points: Vec<String> = v.sparkline.iter().map(|p| p.to_string()).collect();
            say!("per {}: {}", v.sparkline_grain.as_str(), points.join(" "));
            Ok(())
        }
    }
}

/// The user's SQL through the sandbox, as a table or as the JSON an SQL widget receives.
fn run_sql(app: &Studydesk, sql: &str, json: bool) -> Result<(), CoreError> {
    let table = app.insights_query(sql, None::<String>)?;
    if json {
        return terminal::json(&table, true);
    }
    print_table(&table);
    Ok(())
}

fn query(id: &str, grain: Grain, r: Range) -> Result<MetricQuery, CoreError> {
    Ok(MetricQuery {
        metric: MetricId::parse(id.trim())?,
        grain,
        from: validate::date("from", &r.from)?,
        to: validate::date("to", &r.to)?,
        time_zone: r.tz,
        filters: MetricFilters { course_id: r.course, activity_id: r.activity },
    })
}

fn list(json: bool) -> Result<(), CoreError> {
    let catalog = metrics::catalog();
    if json {
        return terminal::json(&catalog, true);
    }
    for m in catalog {
        let grains: Vec<&str> = m.grains.iter().map(|g| g.as_str()).collect();
        let columns: Vec<&str> = m.columns.iter().map(|c| c.name.as_str()).collect();
        let widget = serde_json::to_value(m.widget).ok().and_then(|w| w.as_str().map(str::to_string)).unwrap_or_default();
        say!("{:<20}  {} ({}; per {})  {widget}", m.id.as_str(), m.name, columns.join(", "), grains.join(", "));
    }
    Ok(())
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Null => "-".into(),
        Cell::Integer(i) => i.to_string(),
        Cell::Real(r) => r.to_string(),
        Cell::Text(t) => field(t).into_owned(),
    }
}

/// The table in aligned columns, a header naming each column (and its unit).
fn print_table(t: &Table) {
    let header: Vec<String> =
        t.columns.iter().map(|c| c.unit.as_deref().map_or(c.name.clone(), |u| format!("{} ({u})", c.name))).collect();
    let rows: Vec<Vec<String>> = t.rows.iter().map(|r| r.iter().map(cell).collect()).collect();
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).chain([header[i].chars().count()]).max().unwrap_or(0);
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: &[String]| cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ");
    say!("{}", line(&header).trim_end());
    for r in &rows {
        say!("{}", line(r).trim_end());
    }
    if t.truncated {
        say!("(more rows were left out)");
    }
}
