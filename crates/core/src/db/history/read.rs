//! Reading the audit trail as history entries (bounded pages, newest first).

use super::MAX_PAGE;
use crate::{CoreError, Db, Result};
use rusqlite::{Connection, Row};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// What a change did to its row.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Op {
    Insert,
    Update,
    Delete,
}

/// One field of a change: its value before and after (`null` where the row did not exist).
#[derive(Debug, Clone, Serialize, TS, PartialEq)]
#[ts(export)]
pub struct FieldChange {
    pub field: String,
    #[ts(type = "unknown")]
    pub old: Value,
    #[ts(type = "unknown")]
    pub new: Value,
}

/// One change, as the History panel and `history ID` show it.
#[derive(Debug, Clone, Serialize, TS, PartialEq)]
#[ts(export)]
pub struct HistoryEntry {
    /// The change id (`undo CHANGE_ID`).
    pub id: String,
    pub at: String,
    /// `me`, `sync` (pulled from another device), `app` (the app itself) or `other`.
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    /// The item's title or name when the change shows one.
    pub label: Option<String>,
    pub op: Op,
    /// The device the change was made on (`None` for changes older than this record).
    pub device_id: Option<String>,
    pub this_device: bool,
    /// Sync resolved a conflict with this change; undoing it restores the losing value.
    pub conflict: bool,
    pub fields: Vec<FieldChange>,
    /// The entry in words (English; the UI words it in the user's language from the fields).
    pub summary: String,
}

/// A page of entries and where the next one starts (`None`: no more).
#[derive(Debug, Clone, Serialize, TS, PartialEq)]
#[ts(export)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    pub next: Option<String>,
}

/// Filters of the account's history; every one optional. Dates are timestamps
/// (`2026-01-31T00:00:00Z`) compared with the change's time; `before` is the `next` of
/// the previous page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct HistoryQuery {
    pub entity_type: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: Option<String>,
    pub limit: Option<u32>,
}

const COLUMNS: &str = "id, created_at, user_id, action, entity_type, entity_id, old_values, new_values, metadata";

/// The history of one item (newest first).
pub fn item_history(db: &Db, me: &str, entity_id: &str, before: Option<&str>, limit: Option<u32>) -> Result<HistoryPage> {
    check_id("item", entity_id)?;
    let limit = page_size(limit)?;
    let before = before.unwrap_or("\u{10FFFF}");
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_logs WHERE entity_id = ?1 AND id < ?2 AND {} ORDER BY id DESC LIMIT ?3",
        db.history_visible
    );
    db.read(|conn| {
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params![entity_id, before, limit + 1], |r| entry(r, me, db.device_id()))?;
        page(rows.collect::<rusqlite::Result<Vec<_>>>()?, limit)
    })
}

/// The account's history, filtered by type and dates (newest first).
pub fn account_history(db: &Db, me: &str, q: &HistoryQuery) -> Result<HistoryPage> {
    let limit = page_size(q.limit)?;
    let from = instant("from", q.from.as_deref())?;
    let to = instant("to", q.to.as_deref())?;
    if let Some(t) = &q.entity_type {
        if t.is_empty() || t.len() > 100 {
            return Err(CoreError::validation("the type filter must be a table name of 1 to 100 characters"));
        }
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_logs WHERE id < ?1 AND (?2 IS NULL OR entity_type = ?2)
           AND (?3 IS NULL OR created_at >= ?3) AND (?4 IS NULL OR created_at < ?4) AND {} ORDER BY id DESC LIMIT ?5",
        db.history_visible
    );
    let before = q.before.as_deref().unwrap_or("\u{10FFFF}");
    db.read(|conn| {
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params![before, q.entity_type, from, to, limit + 1], |r| entry(r, me, db.device_id()))?;
        page(rows.collect::<rusqlite::Result<Vec<_>>>()?, limit)
    })
}

/// One change by id (the undo reads it); `visible`: the condition history shows changes by.
pub(super) fn change(conn: &Connection, visible: &str, me: &str, device: &str, id: &str) -> Result<HistoryEntryRaw> {
    check_id("change", id)?;
    let sql = format!("SELECT {COLUMNS}, {visible} FROM audit_logs WHERE id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query_map([id], |r| Ok((entry(r, me, device)?, raw(r)?, r.get::<_, bool>(9)?)))?;
    match rows.next() {
        Some(row) => {
            let (entry, (user_id, old, _), visible) = row?;
            Ok(HistoryEntryRaw { entry, user_id, old, visible })
        }
        None => Err(CoreError::not_found("change", id)),
    }
}

/// An entry with what undo needs: the writer's account and the values as stored.
pub(super) struct HistoryEntryRaw {
    pub entry: HistoryEntry,
    pub user_id: Option<String>,
    pub old: Option<Map<String, Value>>,
    /// History shows it (not the app's own bookkeeping: `visible`).
    pub visible: bool,
}

/// A filter date as stored timestamps are written (UTC, `Z`), so text order is time order.
fn instant(what: &str, v: Option<&str>) -> Result<Option<String>> {
    let Some(v) = v else { return Ok(None) };
    match crate::time::parse_instant(v) {
        Some(t) => Ok(Some(crate::db::timestamp_text(t))),
        None => Err(CoreError::validation(format!("{what} must be a date and time like 2026-01-31T00:00:00Z, not {v:?}"))),
    }
}

fn check_id(what: &str, id: &str) -> Result<()> {
    if id.is_empty() || id.len() > 100 {
        return Err(CoreError::validation(format!("the {what} id must be 1 to 100 characters")));
    }
    Ok(())
}

fn page_size(limit: Option<u32>) -> Result<u32> {
    match limit.unwrap_or(50) {
        0 => Err(CoreError::validation("a page must hold at least one entry")),
        n if n > MAX_PAGE => Err(CoreError::validation(format!("a page holds at most {MAX_PAGE} entries"))),
        n => Ok(n),
    }
}

fn page(mut entries: Vec<HistoryEntry>, limit: u32) -> Result<HistoryPage> {
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    let next = if more { entries.last().map(|e| e.id.clone()) } else { None };
    Ok(HistoryPage { entries, next })
}

fn object(text: Option<String>) -> Option<Map<String, Value>> {
    match text.and_then(|t| serde_json::from_str::<Value>(&t).ok()) {
        Some(Value::Object(m)) => Some(m),
        _ => None,
    }
}

fn raw(r: &Row) -> rusqlite::Result<(Option<String>, Option<Map<String, Value>>, Option<Map<String, Value>>)> {
    Ok((r.get(2)?, object(r.get(6)?), object(r.get(7)?)))
}

fn entry(r: &Row, me: &str, device: &str) -> rusqlite::Result<HistoryEntry> {
    let (user_id, old, new) = raw(r)?;
    let action: String = r.get(3)?;
    let meta = object(r.get(8)?).unwrap_or_default();
    let op = match (&old, &new) {
        (None, _) => Op::Insert,
        (Some(_), None) => Op::Delete,
        _ => Op::Update,
    };
    let actor = match user_id.as_deref() {
        Some(u) if u == me => "me",
        Some(_) => "other",
        None if action.starts_with("sync.") => "sync",
        None => "app",
    };
    let device_id = meta.get("device_id").and_then(Value::as_str).map(str::to_string);
    let conflict = meta.get("conflict").and_then(Value::as_i64).unwrap_or(0) != 0;
    let fields = diff(op, old.as_ref(), new.as_ref());
    // What the item is called: a task's text is its `description`; a deleted row (or an
    // update that did not touch the name) has it only in the old values.
    let text_of = |k: &str| [new.as_ref(), old.as_ref()].into_iter().flatten().find_map(|m| m.get(k).and_then(Value::as_str));
    let label = ["title", "name", "content", "description"].iter().find_map(|k| text_of(k)).map(|s| s.chars().take(80).collect());
    let mut e = HistoryEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: actor.to_string(),
        action,
        entity_type: r.get(4)?,
        entity_id: r.get(5)?,
        label,
        op,
        this_device: device_id.as_deref() == Some(device),
        device_id,
        conflict,
        fields,
        summary: String::new(),
    };
    e.summary = summary(&e);
    Ok(e)
}

/// The fields an entry shows: every field of an update's diff; an insert's and a delete's
/// non-empty fields (the bookkeeping columns are left out).
fn diff(op: Op, old: Option<&Map<String, Value>>, new: Option<&Map<String, Value>>) -> Vec<FieldChange> {
    const HIDDEN: &[&str] = &["id", "created_at", "updated_at", "user_id"];
    let mut keys: Vec<&String> = old.into_iter().chain(new).flat_map(|m| m.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| op == Op::Update || !HIDDEN.contains(&k.as_str()))
        .map(|k| FieldChange {
            field: k.clone(),
            old: old.and_then(|m| m.get(k)).cloned().unwrap_or(Value::Null),
            new: new.and_then(|m| m.get(k)).cloned().unwrap_or(Value::Null),
        })
        .filter(|f| op == Op::Update || !(f.old.is_null() && f.new.is_null()))
        .collect()
}

/// "You changed title, due_at of task "Read ch. 3" on this device".
fn summary(e: &HistoryEntry) -> String {
    let who = match e.actor.as_str() {
        "me" => "You",
        "sync" => "Sync",
        "app" => "Studydesk",
        _ => "Another account",
    };
    let kind = entity_word(&e.entity_type);
    let what = match &e.label {
        Some(l) => format!("{kind} \"{l}\""),
        None => kind.to_string(),
    };
    let verb = match (e.op, e.action.as_str()) {
        (_, "sync.conflict") => format!("kept this device's {} of {what} over another device's", fields_list(e)),
        (Op::Insert, _) => format!("created {what}"),
        (Op::Delete, _) => format!("deleted {what}"),
        (Op::Update, _) => format!("changed {} of {what}", fields_list(e)),
    };
    let place = match (&e.device_id, e.this_device) {
        (_, true) => " on this device".to_string(),
        (Some(d), false) => format!(" on device {}", d.chars().rev().take(6).collect::<String>().chars().rev().collect::<String>()),
        (None, false) => String::new(),
    };
    let conflict = if e.conflict && e.action != "sync.conflict" { " (a sync conflict: undo restores the value it replaced)" } else { "" };
    format!("{who} {verb}{place}{conflict}")
}

fn fields_list(e: &HistoryEntry) -> String {
    e.fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>().join(", ")
}

/// A table's rows in words: `tasks` -> "task", `calendar_events` -> "calendar event".
pub fn entity_word(table: &str) -> String {
    let single = table.strip_suffix("ies").map(|s| format!("{s}y")).or_else(|| table.strip_suffix('s').map(str::to_string));
    single.unwrap_or_else(|| table.to_string()).replace('_', " ")
}
