//! Data models (issue 15 item 6): tables of the user's study data or of their imported
//! sources, joined on columns, with output fields that are columns or calculated
//! (arithmetic, date truncation, CASE, aggregates), compiled to one SQL SELECT that the
//! sandbox runs.
//!
//! Contract:
//! - A model is stored in `data_models`: `tables` holds [`ModelTable`]s, `joins`
//!   [`ModelJoin`]s, `calculated_fields` the output [`ModelField`]s in order (a field that
//!   is a plain column is a field whose expression is a column). A model belongs to its
//!   creator (`created_by`); another user's model is "not found".
//! - Expressions are a small typed tree ([`ModelExpr`]), never free SQL. [`compile`] checks
//!   every table and column against the readable schema ([`schema`]: the user's tables
//!   and views without the device's bookkeeping, and their own sources' cache tables),
//!   refuses secret columns, quotes every identifier and writes literals as quoted SQL
//!   literals, so no text of the user reaches the SQL unquoted. Refusals name the field at
//!   fault (`tables[1].name`, `fields[0] (minutes)`...).
//! - The SQL only ever runs in the sandbox (`Sandbox::query`): even a compiler bug cannot
//!   write. Dates are truncated in the user's time zone (a stored UTC timestamp's day is
//!   its day there: the sandbox's `local_date`), a plain date keeps its day.
//! - Every write goes through `Db::write` (actions `model.create`, `model.update`,
//!   `model.delete`) and is checked whole first: a refused model writes nothing.

use super::rows::{DataModelRow, DataSourceRow};
use super::sandbox::{is_internal, is_secret, Sandbox, SandboxColumn, SandboxTable, SandboxTableKind};
use super::sources::SourceMetadata;
use super::table::Table;
use crate::db::{row, WriteCtx};
use crate::{validate, CoreError, Db, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use ts_rs::TS;

pub const NAME_MAX: usize = 255;
pub const DESCRIPTION_MAX: usize = 2_000;
pub const TABLES_MAX: usize = 10;
pub const JOINS_MAX: usize = 20;
pub const FIELDS_MAX: usize = 50;
/// Longest alias or field name (PostgreSQL's identifier length, so a model reads the same
/// there later).
pub const ALIAS_MAX: usize = 63;
/// Longest text literal, in characters.
pub const TEXT_MAX: usize = 500;
/// Deepest expression (a field inside a CASE inside arithmetic...).
pub const DEPTH_MAX: usize = 12;
/// WHEN branches of one CASE.
pub const WHENS_MAX: usize = 20;

/// A table the model reads: `name` is a table or view of the user's data (`tasks`) or a
/// source's cache table (`sources.exam_scores`); `alias` is how fields refer to it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ModelTable {
    pub name: String,
    pub alias: String,
}

/// A column of one of the model's tables, by the table's alias.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ModelColumnRef {
    pub table: String,
    pub column: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ModelJoinKind {
    /// Only rows with a match on both sides.
    Inner,
    /// Every row of the earlier table, the joined table's columns empty when none match.
    Left,
}

/// `left` is a column of an earlier table, `right` of the table this join brings in.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ModelJoin {
    pub left: ModelColumnRef,
    pub right: ModelColumnRef,
    pub kind: ModelJoinKind,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ModelOperator {
    Add,
    Subtract,
    Multiply,
    /// Always a real division (150 ÷ 60 is 2.5); by zero it is empty (NULL).
    Divide,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ModelDateUnit {
    Day,
    /// The Monday the week starts on.
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ModelCompare {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ModelAggregate {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

/// A number or a text a CASE compares a column with.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[serde(untagged)]
#[ts(export)]
pub enum ModelLiteral {
    Number(f64),
    Text(String),
}

/// One `WHEN <column> <op> <value> THEN <then>` of a CASE.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ModelWhen {
    pub column: ModelColumnRef,
    pub op: ModelCompare,
    pub value: ModelLiteral,
    pub then: ModelExpr,
}

/// What a field computes.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ModelExpr {
    Column { table: String, column: String },
    Number { value: f64 },
    Text { value: String },
    Arithmetic { op: ModelOperator, left: Box<ModelExpr>, right: Box<ModelExpr> },
    /// The day, week (its Monday), month or year (their first day) of a date or timestamp.
    DateTrunc { unit: ModelDateUnit, of: ModelColumnRef },
    Case {
        whens: Vec<ModelWhen>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        otherwise: Option<Box<ModelExpr>>,
    },
    /// Over the rows that share every other (not aggregated) field; `count` without `of`
    /// counts rows.
    Aggregate {
        function: ModelAggregate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        of: Option<Box<ModelExpr>>,
    },
}

/// An output column: its name and what it computes.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ModelField {
    pub name: String,
    pub expression: ModelExpr,
}

/// What the user sets when creating or editing a model (and what a preview runs).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct ModelDraft {
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    pub tables: Vec<ModelTable>,
    #[serde(default)]
    pub joins: Vec<ModelJoin>,
    pub fields: Vec<ModelField>,
}

/// A saved model.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct DataModel {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub tables: Vec<ModelTable>,
    pub joins: Vec<ModelJoin>,
    pub fields: Vec<ModelField>,
    pub created_at: String,
    pub updated_at: String,
}

impl DataModel {
    /// The model a row holds; a row another version wrote that does not parse is refused
    /// in words (it is never half-read).
    fn of(row: DataModelRow) -> Result<DataModel> {
        fn parse<T: serde::de::DeserializeOwned>(what: &str, v: Value) -> Result<T> {
            serde_json::from_value(v).map_err(|e| CoreError::validation(format!("this data model's {what} cannot be read here ({e}); edit the model again")))
        }
        Ok(DataModel {
            tables: parse("tables", row.tables)?,
            joins: parse("joins", row.joins)?,
            fields: parse("fields", row.calculated_fields)?,
            id: row.id,
            name: row.name,
            description: row.description,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }

    pub fn draft(&self) -> ModelDraft {
        ModelDraft { name: self.name.clone(), description: self.description.clone(), tables: self.tables.clone(), joins: self.joins.clone(), fields: self.fields.clone() }
    }
}

/// The tables a model may read: the user's tables and views (without the device's
/// bookkeeping; secret columns marked), then the cache tables of the user's own sources as
/// their metadata describes them (schema `sources`).
pub fn schema(conn: &Connection, me: &str) -> Result<Vec<SandboxTable>> {
    let mut tables = conn.prepare("SELECT name, type FROM main.sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")?;
    let found: Vec<(String, String)> = tables.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut columns = conn.prepare("SELECT name, type FROM pragma_table_info(?1, 'main') ORDER BY cid")?;
    let mut out = Vec::new();
    for (name, kind) in found.into_iter().filter(|(n, _)| !is_internal(n)) {
        let cols = columns
            .query_map([&name], |r| {
                let column: String = r.get(0)?;
                Ok(SandboxColumn { secret: is_secret(&name, &column), name: column, declared_type: r.get(1)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let kind = if kind == "view" { SandboxTableKind::View } else { SandboxTableKind::Table };
        out.push(SandboxTable { schema: "main".into(), name, kind, columns: cols });
    }
    for source in row::select::<DataSourceRow, _>(conn, "WHERE user_id = ?1 ORDER BY name", [me])? {
        let meta = SourceMetadata::of(&source);
        let Some(table) = meta.table.filter(|t| !t.is_empty()) else { continue };
        let columns = meta.columns.iter().map(|c| SandboxColumn { name: c.name.clone(), declared_type: format!("{:?}", c.kind).to_uppercase(), secret: false }).collect();
        out.push(SandboxTable { schema: "sources".into(), name: table, kind: SandboxTableKind::Table, columns });
    }
    Ok(out)
}

/// The model as one SQL SELECT over `schema` (see the module contract).
pub fn compile(model: &ModelDraft, schema: &[SandboxTable], zone: chrono_tz::Tz) -> Result<String> {
    check_sizes(model)?;
    let tables = resolve_tables(&model.tables, schema)?;
    let from = from_clause(&model.joins, &tables)?;
    let mut names = HashSet::new();
    let mut select = Vec::with_capacity(model.fields.len());
    let mut grouped = Vec::new();
    let mut any_aggregate = false;
    for (i, field) in model.fields.iter().enumerate() {
        let at = format!("fields[{i}] ({})", validate::truncate_for_message(&field.name));
        alias(&format!("fields[{i}].name"), &field.name)?;
        if !names.insert(field.name.clone()) {
            return Err(refuse(&at, "another field has this name; each output column needs its own"));
        }
        let mut ctx = ExprCtx { at: &at, tables: &tables, aggregate: false, zone };
        let sql = ctx.expr(&field.expression, 0, false)?;
        if ctx.aggregate {
            any_aggregate = true;
        } else {
            grouped.push((i + 1).to_string());
        }
        select.push(format!("{sql} AS {}", ident(&field.name)));
    }
    let mut sql = format!("SELECT {} FROM {from}", select.join(", "));
    if any_aggregate {
        if !grouped.is_empty() {
            sql.push_str(&format!(" GROUP BY {0} ORDER BY {0}", grouped.join(", ")));
        }
    } else {
        sql.push_str(&format!(" ORDER BY {}", (1..=model.fields.len()).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")));
    }
    Ok(sql)
}

fn check_sizes(model: &ModelDraft) -> Result<()> {
    validate::text("name", &model.name, NAME_MAX)?;
    validate::opt_text("description", model.description.as_deref(), DESCRIPTION_MAX)?;
    if model.tables.is_empty() {
        return Err(CoreError::validation("tables: choose at least one table"));
    }
    if model.tables.len() > TABLES_MAX {
        return Err(CoreError::validation(format!("tables: a model reads at most {TABLES_MAX} tables ({} given)", model.tables.len())));
    }
    if model.joins.len() > JOINS_MAX {
        return Err(CoreError::validation(format!("joins: a model has at most {JOINS_MAX} joins ({} given)", model.joins.len())));
    }
    if model.fields.is_empty() {
        return Err(CoreError::validation("fields: add at least one field (a column or a calculation)"));
    }
    if model.fields.len() > FIELDS_MAX {
        return Err(CoreError::validation(format!("fields: a model has at most {FIELDS_MAX} fields ({} given)", model.fields.len())));
    }
    Ok(())
}

/// A model's table found in the schema, under its alias.
struct Resolved<'s> {
    alias: String,
    sql: String,
    table: &'s SandboxTable,
}

fn resolve_tables<'s>(tables: &[ModelTable], schema: &'s [SandboxTable]) -> Result<Vec<Resolved<'s>>> {
    let mut out: Vec<Resolved> = Vec::with_capacity(tables.len());
    for (i, t) in tables.iter().enumerate() {
        alias(&format!("tables[{i}].alias"), &t.alias)?;
        if out.iter().any(|r| r.alias == t.alias) {
            return Err(refuse(&format!("tables[{i}].alias"), &format!("`{}` names another table already; give each table its own alias", t.alias)));
        }
        let at = format!("tables[{i}].name");
        let shown = validate::truncate_for_message(&t.name);
        let (schema_name, name) = match t.name.split_once('.') {
            Some(("sources", name)) => ("sources", name),
            Some(_) => return Err(refuse(&at, &format!("`{shown}` is not a table here: use a table of your data (`tasks`) or of a source (`sources.exam_scores`)"))),
            None => ("main", t.name.as_str()),
        };
        if schema_name == "main" && is_internal(name) {
            return Err(refuse(&at, &format!("`{shown}` is Studydesk's own bookkeeping, not your data, so a model cannot read it")));
        }
        let table = schema.iter().find(|s| s.schema == schema_name && s.name == name).ok_or_else(|| refuse(&at, &format!("there is no table `{shown}` in your data or your sources")))?;
        out.push(Resolved { alias: t.alias.clone(), sql: format!("{}.{}", ident(schema_name), ident(name)), table });
    }
    Ok(out)
}

/// `FROM first JOIN second ON ... AND ...`: each later table is brought in by the joins
/// whose `right` is it, each to a column of an earlier table.
fn from_clause(joins: &[ModelJoin], tables: &[Resolved]) -> Result<String> {
    for (i, j) in joins.iter().enumerate() {
        let position = |alias: &str| tables.iter().position(|t| t.alias == alias);
        let (Some(l), Some(r)) = (position(&j.left.table), position(&j.right.table)) else {
            return Err(refuse(&format!("joins[{i}]"), "both sides must be columns of the model's tables"));
        };
        if l >= r {
            return Err(refuse(&format!("joins[{i}]"), &format!("`{}` must be a table listed after `{}`: a join brings in a later table", tables[r].alias, tables[l].alias)));
        }
    }
    let mut sql = format!("{} AS {}", tables[0].sql, ident(&tables[0].alias));
    for (ti, t) in tables.iter().enumerate().skip(1) {
        let mine: Vec<(usize, &ModelJoin)> = joins.iter().enumerate().filter(|(_, j)| j.right.table == t.alias).collect();
        let Some((_, first)) = mine.first() else {
            return Err(refuse(&format!("tables[{ti}]"), &format!("`{}` is not joined: add a join from one of its columns to a column of an earlier table", t.alias)));
        };
        let mut on = Vec::new();
        for (i, j) in &mine {
            if j.kind != first.kind {
                return Err(refuse(&format!("joins[{i}]"), &format!("the joins that bring in `{}` must all be of the same kind", t.alias)));
            }
            let at = format!("joins[{i}]");
            on.push(format!("{} = {}", column(&at, tables, &j.left)?, column(&at, tables, &j.right)?));
        }
        let kind = match first.kind {
            ModelJoinKind::Inner => "JOIN",
            ModelJoinKind::Left => "LEFT JOIN",
        };
        sql.push_str(&format!(" {kind} {} AS {} ON {}", t.sql, ident(&t.alias), on.join(" AND ")));
    }
    Ok(sql)
}

/// A column reference as SQL, once it is known to be a readable column.
fn column(at: &str, tables: &[Resolved], c: &ModelColumnRef) -> Result<String> {
    let t = tables.iter().find(|t| t.alias == c.table).ok_or_else(|| refuse(at, &format!("there is no table with the alias `{}` in this model", validate::truncate_for_message(&c.table))))?;
    let col = t.table.columns.iter().find(|x| x.name == c.column).ok_or_else(|| refuse(at, &format!("`{}` has no column `{}`", t.table.name, validate::truncate_for_message(&c.column))))?;
    if col.secret || (t.table.schema == "main" && is_secret(&t.table.name, &col.name)) {
        return Err(refuse(at, &format!("`{}.{}` is a secret (a password, token or key) and cannot be read", t.table.name, col.name)));
    }
    Ok(format!("{}.{}", ident(&t.alias), ident(&col.name)))
}

struct ExprCtx<'a, 's> {
    at: &'a str,
    tables: &'a [Resolved<'s>],
    /// Whether the field holds an aggregate.
    aggregate: bool,
    /// The user's zone, for the day of a timestamp.
    zone: chrono_tz::Tz,
}

impl ExprCtx<'_, '_> {
    fn expr(&mut self, e: &ModelExpr, depth: usize, in_aggregate: bool) -> Result<String> {
        if depth >= DEPTH_MAX {
            return Err(refuse(self.at, &format!("the calculation is nested more than {DEPTH_MAX} deep")));
        }
        Ok(match e {
            ModelExpr::Column { table, column: c } => column(self.at, self.tables, &ModelColumnRef { table: table.clone(), column: c.clone() })?,
            ModelExpr::Number { value } => number(self.at, *value)?,
            ModelExpr::Text { value } => text(self.at, value)?,
            ModelExpr::Arithmetic { op, left, right } => {
                let (l, r) = (self.expr(left, depth + 1, in_aggregate)?, self.expr(right, depth + 1, in_aggregate)?);
                match op {
                    ModelOperator::Add => format!("({l} + {r})"),
                    ModelOperator::Subtract => format!("({l} - {r})"),
                    ModelOperator::Multiply => format!("({l} * {r})"),
                    ModelOperator::Divide => format!("(CAST({l} AS REAL) / {r})"),
                }
            }
            ModelExpr::DateTrunc { unit, of } => {
                let c = column(self.at, self.tables, of)?;
                // The zone's name is an IANA identifier (letters, digits, / _ - +).
                let c = format!("local_date({c}, '{}')", self.zone.name());
                match unit {
                    ModelDateUnit::Day => c,
                    ModelDateUnit::Week => format!("date({c}, 'weekday 0', '-6 days')"),
                    ModelDateUnit::Month => format!("date({c}, 'start of month')"),
                    ModelDateUnit::Year => format!("date({c}, 'start of year')"),
                }
            }
            ModelExpr::Case { whens, otherwise } => {
                if whens.is_empty() || whens.len() > WHENS_MAX {
                    return Err(refuse(self.at, &format!("a CASE needs 1 to {WHENS_MAX} WHEN branches")));
                }
                let mut sql = String::from("(CASE");
                for w in whens {
                    let c = column(self.at, self.tables, &w.column)?;
                    let op = match w.op {
                        ModelCompare::Eq => "=",
                        ModelCompare::Ne => "<>",
                        ModelCompare::Lt => "<",
                        ModelCompare::Le => "<=",
                        ModelCompare::Gt => ">",
                        ModelCompare::Ge => ">=",
                    };
                    let value = match &w.value {
                        ModelLiteral::Number(n) => number(self.at, *n)?,
                        ModelLiteral::Text(t) => text(self.at, t)?,
                    };
                    let then = self.expr(&w.then, depth + 1, in_aggregate)?;
                    sql.push_str(&format!(" WHEN {c} {op} {value} THEN {then}"));
                }
                let otherwise = match otherwise {
                    Some(o) => self.expr(o, depth + 1, in_aggregate)?,
                    None => "NULL".into(),
                };
                sql.push_str(&format!(" ELSE {otherwise} END)"));
                sql
            }
            ModelExpr::Aggregate { function, of } => {
                if in_aggregate {
                    return Err(refuse(self.at, "an aggregate cannot be inside another (a sum of counts): make two models or one field each"));
                }
                self.aggregate = true;
                let name = match function {
                    ModelAggregate::Count => "count",
                    ModelAggregate::Sum => "sum",
                    ModelAggregate::Avg => "avg",
                    ModelAggregate::Min => "min",
                    ModelAggregate::Max => "max",
                };
                match (function, of) {
                    (ModelAggregate::Count, None) => "count(*)".into(),
                    (_, None) => return Err(refuse(self.at, "say what to aggregate: only count may go without a column")),
                    (_, Some(of)) => format!("{name}({})", self.expr(of, depth + 1, true)?),
                }
            }
        })
    }
}

/// A number as an SQL literal: integers as integers, others in Rust's shortest form (which
/// SQLite reads back to the same value).
fn number(at: &str, n: f64) -> Result<String> {
    if !n.is_finite() {
        return Err(refuse(at, "a number must be finite"));
    }
    Ok(if n.fract() == 0.0 && n.abs() < 1e15 { format!("({})", n as i64) } else { format!("({n:?})") })
}

/// A text as a quoted SQL literal.
fn text(at: &str, t: &str) -> Result<String> {
    if t.chars().count() > TEXT_MAX {
        return Err(refuse(at, &format!("a text is at most {TEXT_MAX} characters")));
    }
    if t.contains('\0') {
        return Err(refuse(at, "a text cannot hold the NUL character"));
    }
    Ok(format!("'{}'", t.replace('\'', "''")))
}

/// An identifier in double quotes (any `"` doubled), so it is never read as SQL.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// An alias or field name: `[a-z_][a-z0-9_]*`, 1 to [`ALIAS_MAX`] characters.
fn alias(at: &str, name: &str) -> Result<()> {
    let ok = name.len() <= ALIAS_MAX
        && name.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(refuse(at, &format!("`{}` is not a name here: use lowercase letters, digits and _ (not first a digit), at most {ALIAS_MAX}", validate::truncate_for_message(name))))
    }
}

fn refuse(at: &str, why: &str) -> CoreError {
    CoreError::validation(format!("{at}: {why}"))
}

/// My models by name.
pub fn list(conn: &Connection, me: &str) -> Result<Vec<DataModel>> {
    let rows = row::select::<DataModelRow, _>(conn, "WHERE created_by = ?1 ORDER BY name COLLATE NOCASE, created_at", [me])?;
    // A row that does not parse is left out of the list rather than hiding the others.
    Ok(rows.into_iter().filter_map(|r| DataModel::of(r).ok()).collect())
}

/// One of my models.
pub fn get(conn: &Connection, me: &str, id: &str) -> Result<DataModel> {
    DataModel::of(own(conn, me, id)?)
}

/// The SQL of my model `id`, checked against what is readable now.
pub fn compiled(conn: &Connection, me: &str, id: &str) -> Result<String> {
    let model = get(conn, me, id)?;
    compile(&model.draft(), &schema(conn, me)?, zone(conn, me)?)
}

/// The user's zone (UTC until they set one).
fn zone(conn: &Connection, me: &str) -> Result<chrono_tz::Tz> {
    Ok(crate::account::settings::timezone_if_set(conn, me)?.unwrap_or(chrono_tz::UTC))
}

/// Saves a new model of mine, if it compiles.
pub fn create(db: &Db, me: &str, draft: &ModelDraft) -> Result<DataModel> {
    let d = trimmed(draft);
    let id = db.write(WriteCtx::by(me, "model.create"), |tx| {
        compile(&d, &schema(tx, me)?, zone(tx, me)?)?;
        let now = tx.now_text();
        let id = tx.new_id();
        let (tables, joins, fields) = json_of(&d)?;
        row::insert(tx, &DataModelRow { id: id.clone(), created_by: me.to_string(), name: d.name.clone(), description: d.description.clone(), tables, joins, calculated_fields: fields, created_at: now.clone(), updated_at: now })?;
        Ok(id)
    })?;
    db.read(|c| get(c, me, &id))
}

/// Replaces my model `id` with `draft`, if it compiles.
pub fn update(db: &Db, me: &str, id: &str, draft: &ModelDraft) -> Result<DataModel> {
    let d = trimmed(draft);
    db.write(WriteCtx::by(me, "model.update"), |tx| {
        let current = own(tx, me, id)?;
        compile(&d, &schema(tx, me)?, zone(tx, me)?)?;
        let (tables, joins, fields) = json_of(&d)?;
        row::update(tx, &DataModelRow { name: d.name.clone(), description: d.description.clone(), tables, joins, calculated_fields: fields, updated_at: tx.now_text(), ..current })
    })?;
    db.read(|c| get(c, me, id))
}

/// Deletes my model `id` (widgets over it then say their model was deleted).
pub fn delete(db: &Db, me: &str, id: &str) -> Result<()> {
    db.write(WriteCtx::by(me, "model.delete"), |tx| {
        own(tx, me, id)?;
        row::delete::<DataModelRow>(tx, id)
    })
}

/// Runs my model `id` in the sandbox.
pub fn run(db: &Db, sandbox: &Sandbox, me: &str, id: &str) -> Result<Table> {
    let sql = db.read(|c| compiled(c, me, id))?;
    sandbox.query(&sql, None)
}

/// Runs `draft` in the sandbox without saving it.
pub fn preview(db: &Db, sandbox: &Sandbox, me: &str, draft: &ModelDraft) -> Result<Table> {
    let d = trimmed(draft);
    let sql = db.read(|c| compile(&d, &schema(c, me)?, zone(c, me)?))?;
    sandbox.query(&sql, None)
}

fn trimmed(draft: &ModelDraft) -> ModelDraft {
    let mut d = draft.clone();
    d.name = d.name.trim().to_string();
    d.description = d.description.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    d
}

fn json_of(d: &ModelDraft) -> Result<(Value, Value, Value)> {
    Ok((serde_json::to_value(&d.tables)?, serde_json::to_value(&d.joins)?, serde_json::to_value(&d.fields)?))
}

fn own(conn: &Connection, me: &str, id: &str) -> Result<DataModelRow> {
    let id = validate::id("data model", id)?;
    match row::get::<DataModelRow>(conn, &id)? {
        Some(r) if r.created_by == me => Ok(r),
        _ => Err(CoreError::not_found("data model", &id)),
    }
}
