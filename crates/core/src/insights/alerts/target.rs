//! What an alert watches beyond a built-in metric (V22): a widget's current single value
//! (a metric card's number, else the last point of its first series) or a data model's
//! numeric field (summed over the model's rows: a model that aggregates to one row gives
//! that row's value).
//!
//! Contract: a draft names exactly one target ([`Target::of_draft`]); the widget or the
//! model must be mine, and the model must have the field, when the alert is saved
//! ([`check`]). The value is read like the widget or model shows it: SQL and data sources
//! in the sandbox's read-only connections ([`read`]), so evaluating an alert writes
//! nothing but the alert. "The previous value" a change_percent rule compares with is the
//! series' point before the last, a metric card's previous range, or else the value the
//! last evaluation saw (none at the first: no change can be computed).

use super::AlertDraft;
use crate::insights::metrics::MetricId;
use crate::insights::rows::AlertRow;
use crate::insights::sandbox::Sandbox;
use crate::insights::table::{Cell, Table};
use crate::insights::{models, widget_data, widgets};
use crate::{validate, CoreError, Db, Result};
use rusqlite::Connection;

/// The one thing an alert watches.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Metric(MetricId),
    Widget(String),
    Model { id: String, field: String },
}

impl Target {
    /// The draft's target: exactly one of a metric, a widget or a model with its field.
    pub fn of_draft(d: &AlertDraft) -> Result<Target> {
        let field = d.model_field.as_deref().map(str::trim).filter(|f| !f.is_empty());
        match (d.metric, d.widget_id.as_deref(), d.model_id.as_deref()) {
            (Some(m), None, None) => Ok(Target::Metric(m)),
            (None, Some(w), None) => Ok(Target::Widget(validate::id("widget", w)?)),
            (None, None, Some(m)) => match field {
                Some(f) if f.chars().count() <= 200 => Ok(Target::Model { id: validate::id("data model", m)?, field: f.to_string() }),
                Some(_) => Err(CoreError::validation("a data model's field name has at most 200 characters")),
                None => Err(CoreError::validation("an alert on a data model needs the field whose value it watches")),
            },
            _ => Err(CoreError::validation("an alert watches one thing: a metric, a widget or a data model's field")),
        }
    }

    /// The target as it is stored.
    pub fn of_row(r: &AlertRow) -> Option<Target> {
        match (&r.widget_id, &r.model_id, &r.model_field, &r.metric_id) {
            (Some(w), _, _, _) => Some(Target::Widget(w.clone())),
            (_, Some(m), Some(f), _) => Some(Target::Model { id: m.clone(), field: f.clone() }),
            (_, _, _, Some(m)) => MetricId::parse(m).ok().map(Target::Metric),
            _ => None,
        }
    }
}

/// The widget or model is mine and can give a value (a metric is checked by the metric).
pub fn check(conn: &Connection, me: &str, target: &Target) -> Result<()> {
    match target {
        Target::Metric(_) => Ok(()),
        Target::Widget(id) => {
            let w = widgets::get(conn, me, id)?;
            if matches!(w.config.source, widgets::WidgetSource::None) {
                return Err(CoreError::validation(format!(
                    "the widget \"{}\" shows no data (text or a picture), so it has no value to watch",
                    validate::truncate_for_message(&w.config.title)
                )));
            }
            Ok(())
        }
        Target::Model { id, field } => {
            let m = models::get(conn, me, id)?;
            if !m.fields.iter().any(|f| &f.name == field) {
                let names: Vec<&str> = m.fields.iter().map(|f| f.name.as_str()).collect();
                return Err(CoreError::validation(format!(
                    "the data model \"{}\" has no field \"{}\" (its fields: {})",
                    validate::truncate_for_message(&m.name),
                    validate::truncate_for_message(field),
                    names.join(", ")
                )));
            }
            Ok(())
        }
    }
}

/// The value of a widget or model target now, and the previous one (see the module docs).
pub fn read(db: &Db, sandbox: &Sandbox, me: &str, r: &AlertRow, target: &Target) -> Result<(f64, Option<f64>)> {
    match target {
        Target::Metric(_) => Err(CoreError::validation("a metric alert is read by its metric")),
        Target::Widget(id) => {
            let data = widget_data::read(db, sandbox, None, me, id, None)?;
            if let Some(v) = data.value {
                return Ok((v.value, v.previous.or(r.last_value)));
            }
            let (last, before) = last_points(&data.table).ok_or_else(|| CoreError::validation("the widget shows no number yet"))?;
            Ok((last, before.or(r.last_value)))
        }
        Target::Model { id, field } => {
            let table = models::run(db, sandbox, me, id)?;
            Ok((field_sum(&table, field)?, r.last_value))
        }
    }
}

/// The last number of the first number column after the first column, and the one before.
fn last_points(t: &Table) -> Option<(f64, Option<f64>)> {
    let numbers = |i: usize| t.rows.iter().filter_map(move |row| row.get(i).and_then(Cell::as_f64));
    let column = (0..t.columns.len()).filter(|i| *i > 0 || t.columns.len() == 1).find(|i| numbers(*i).next().is_some())?;
    let values: Vec<f64> = numbers(column).collect();
    let last = *values.last()?;
    Some((last, values.len().checked_sub(2).map(|i| values[i])))
}

/// The sum of `field` over the model's rows.
fn field_sum(t: &Table, field: &str) -> Result<f64> {
    let i = t.columns.iter().position(|c| c.name == field).ok_or_else(|| {
        CoreError::validation(format!("the data model has no field \"{}\" any more: edit the alert", validate::truncate_for_message(field)))
    })?;
    let mut sum = 0.0;
    for row in &t.rows {
        match row.get(i) {
            Some(Cell::Null) | None => {}
            Some(c) => {
                sum += c.as_f64().ok_or_else(|| {
                    CoreError::validation(format!("the field \"{}\" is not a number, so an alert cannot compare it", validate::truncate_for_message(field)))
                })?
            }
        }
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::table::{Column, ColumnKind};

    fn table(rows: Vec<Vec<Cell>>) -> Table {
        Table { columns: vec![Column::new("day", ColumnKind::Text), Column::new("minutes", ColumnKind::Integer)], rows, truncated: false }
    }

    #[test]
    fn a_series_value_is_its_last_point_and_the_previous_the_one_before() {
        let t = table(vec![vec![Cell::Text("a".into()), Cell::Integer(3)], vec![Cell::Text("b".into()), Cell::Integer(7)]]);
        assert_eq!(last_points(&t), Some((7.0, Some(3.0))));
        assert_eq!(last_points(&table(vec![])), None);
    }

    #[test]
    fn a_field_is_summed_and_text_is_refused() {
        let t = table(vec![vec![Cell::Text("a".into()), Cell::Integer(3)], vec![Cell::Text("b".into()), Cell::Null]]);
        assert_eq!(field_sum(&t, "minutes").unwrap(), 3.0);
        assert!(field_sum(&t, "day").unwrap_err().to_string().contains("not a number"));
        assert!(field_sum(&t, "nope").unwrap_err().to_string().contains("no field"));
    }
}
