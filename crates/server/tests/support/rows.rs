//! A valid row of every synced table, made from the catalog (so a table added to the app
//! is covered without touching the tests): for an account, parents before children, every
//! NOT NULL column set, natural ids derived, and each free text column holding a marker
//! that names its table and column, so a test can find any column value in any answer.
//! `dashboard_shares` is left out: who a dashboard is shared with is the test's choice.

use super::Client;
use serde_json::{json, Map, Value};
use studydesk_sync::catalog::{excluded_columns, Catalog, Owner, TableInfo};
use studydesk_sync::natural;

/// One row of the fixture: its table, id and columns.
#[derive(Debug, Clone)]
pub struct FixtureRow {
    pub table: String,
    pub id: String,
    pub columns: Map<String, Value>,
}

/// The marker written into `table.column` for the rows of `tag`.
pub fn marker(tag: &str, table: &str, column: &str) -> String {
    format!("MARK[{tag}|{table}.{column}]")
}

/// Every marker in `text`: (tag, table, column).
pub fn markers_in(text: &str) -> Vec<(String, String, String)> {
    let mut out = vec![];
    let mut rest = text;
    while let Some(start) = rest.find("MARK[") {
        rest = &rest[start + 5..];
        let Some(end) = rest.find(']') else { break };
        let inner = &rest[..end];
        if let Some((tag, place)) = inner.split_once('|') {
            if let Some((table, column)) = place.split_once('.') {
                out.push((tag.to_string(), table.to_string(), column.to_string()));
            }
        }
        rest = &rest[end..];
    }
    out
}

/// The fixture's @username of `account` for `tag`: letters, digits and '.', unique per
/// account (the server refuses a second account's name with the same skeleton).
pub fn username(tag: &str, account: &str) -> String {
    format!("{tag}.{}", &account.replace('-', "")[20..32])
}

fn skip_table(table: &str) -> bool {
    table == "dashboard_shares"
}

/// A row of every synced table (but `dashboard_shares`) owned by `owner`, parents first.
pub fn every_table(owner: &Client, tag: &str) -> Vec<FixtureRow> {
    let catalog = Catalog::current();
    let mut made: Vec<FixtureRow> = vec![];
    let mut pending: Vec<&TableInfo> = catalog.tables.values().filter(|t| !skip_table(&t.name)).collect();
    while !pending.is_empty() {
        // A table whose parents are all made; else one whose missing parents are nullable.
        let made_parent = |t: &TableInfo, relaxed: bool| {
            t.foreign_keys.iter().all(|fk| {
                let nullable = t.column(&fk.column).is_some_and(|c| !c.not_null);
                (relaxed && nullable) || fk.parent == t.name || catalog.table(&fk.parent).is_none() || made.iter().any(|r| r.table == fk.parent)
            })
        };
        let ready = pending.iter().position(|t| made_parent(t, false)).or_else(|| pending.iter().position(|t| made_parent(t, true)));
        let index = ready.unwrap_or_else(|| panic!("no table can be made next among {:?}", pending.iter().map(|t| &t.name).collect::<Vec<_>>()));
        let info = pending.remove(index);
        made.push(row_of(info, owner, tag, &made));
    }
    made
}

fn row_of(info: &TableInfo, owner: &Client, tag: &str, made: &[FixtureRow]) -> FixtureRow {
    let excluded = excluded_columns(&info.name);
    let owner_column = match info.owner() {
        Owner::Column(c) => Some(c),
        Owner::Parent { .. } => None,
    };
    let mut columns = Map::new();
    for col in info.columns.iter().filter(|c| c.name != "id" && !excluded.contains(&c.name.as_str())) {
        let value = if Some(col.name.as_str()) == owner_column {
            json!(owner.account)
        } else if (info.name.as_str(), col.name.as_str()) == ("emojis", "category_id") {
            Value::Null // a custom emoji has no Unicode category
        } else if let Some(fk) = info.foreign_key(&col.name) {
            match made.iter().find(|r| r.table == fk.parent) {
                Some(parent) => json!(parent.id),
                None if Catalog::current().table(&fk.parent).is_none() => json!(super::new_id()), // shipped data (emojis)
                None => Value::Null,
            }
        } else {
            match (info.name.as_str(), col.name.as_str(), col.sql_type.as_str()) {
                ("activities", "is_builtin", _) => json!(0),
                // Words the server checks (they pick a row's stream or its readers), and a
                // username by the username rules (one per account and tag).
                ("posts", "visibility", _) => json!("public"),
                ("users", "follow_policy", _) => json!("open"),
                ("follow_decisions", "decision", _) => json!("accepted"),
                // Not public: a public dashboard is read by every account (sharing.rs tests it).
                ("dashboards", "is_public", _) => json!(0),
                ("users", "username", _) => json!(username(tag, &owner.account)),
                // A custom emoji by the shared rules: a shortcode of a-z, 0-9 and _, an image.
                ("emojis", "shortcode", _) => json!(format!(":e{}:", &super::sha256_hex(format!("{tag}{}", owner.account).as_bytes())[..20])),
                ("emojis", "image_url", _) => json!(studydesk_sync::media::url(&super::sha256_hex(format!("emoji{tag}{}", owner.account).as_bytes()), "png")),
                ("emojis", "keywords", _) => Value::Null,
                ("attachments", "content_hash", _) => json!(super::sha256_hex(format!("{tag}{}", owner.account).as_bytes())),
                (_, _, "INTEGER") => json!(1),
                (_, _, "REAL") => json!(1.5),
                _ => json!(marker(tag, &info.name, &col.name)),
            }
        };
        columns.insert(col.name.clone(), value);
    }
    let id = match (info.name.as_str(), natural::key_columns(&info.name)) {
        ("users", _) => owner.account.clone(),
        (_, Some(keys)) => {
            let values: Vec<String> = keys.iter().map(|k| columns.get(*k).map(text_of).unwrap_or_default()).collect();
            natural::natural_id(&info.name, &values.iter().map(String::as_str).collect::<Vec<_>>())
        }
        _ => super::new_id(),
    };
    columns.insert("id".into(), json!(id));
    FixtureRow { table: info.name.clone(), id, columns }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl FixtureRow {
    /// The row as an insert from `device`.
    pub fn insert(&self, device: &Client, offset_ms: i64) -> Value {
        device.change(&self.table, &self.id, "insert", 1, Value::Object(self.columns.clone()), offset_ms)
    }

    /// A free text column of the row (one holding a marker), if it has one.
    pub fn text_column(&self) -> Option<&str> {
        self.columns.iter().find(|(_, v)| v.as_str().is_some_and(|s| s.starts_with("MARK["))).map(|(k, _)| k.as_str())
    }
}
