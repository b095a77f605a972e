//! `POST /v1/push`: one batch, one PostgreSQL transaction (docs/sync.md §5.3).
//!
//! 1. The batch id is claimed in `push_batches`; a replay of the same body answers the
//!    stored result, another body under the same id is a 409.
//! 2. Each change is validated against the catalog, checked for write rights and for
//!    its parents, and merged into `rows` by the shared rule. A rejected change rejects
//!    only itself; a change nothing of which won is accepted as superseded.
//! 3. The stream counters are locked (sorted, after the rows, so no deadlock) and the
//!    winning columns are appended to `changes` with consecutive seqs. The counters stay
//!    locked until COMMIT: seqs of one stream commit in order, so a pull never skips one.

use crate::auth::Caller;
use crate::error::parse_body;
use crate::rights::{self, column, placement, USERS_PRIVATE};
use crate::{ApiError, Shared};
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use studydesk_sync::catalog::{class_of, is_derived, is_secret, Catalog, Class, TableInfo};
use studydesk_sync::clock::{hlc_wall_ms, is_hlc};
use studydesk_sync::merge::{check_shape, merge, Outcome, RowState};
use studydesk_sync::wire::*;
use studydesk_sync::{natural, Clock};
use deadpool_postgres::Transaction;
use uuid::Uuid;

/// How far ahead of the server's clock a change's HLC may be.
const MAX_CLOCK_AHEAD_MS: i64 = 60_000;
const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// Checks `Studydesk-Schema`: the client's migration version must be one this server knows.
pub fn check_schema(headers: &HeaderMap) -> Result<i64, ApiError> {
    let version = headers
        .get(SCHEMA_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v >= 1)
        .ok_or_else(|| ApiError::bad_request(format!("the {SCHEMA_HEADER} header (a positive integer) is required")))?;
    if version > Catalog::current().schema {
        return Err(ApiError::new(StatusCode::CONFLICT, "server_outdated", "this sync server is older than your Studydesk; ask its owner to update it"));
    }
    Ok(version)
}

struct Reject {
    code: RejectCode,
    message: String,
}

fn reject(code: RejectCode, message: impl Into<String>) -> Reject {
    Reject { code, message: message.into() }
}

fn forbidden() -> Reject {
    reject(RejectCode::Forbidden, "this account may not change that row")
}

/// One part of an applied change, to be logged in a stream.
struct LogEntry {
    index: usize,
    stream: String,
    change: Change,
}

/// What one batch has already looked up: parent rows and stream rights. A batch of
/// 1,000 tasks names the same list and user 1,000 times; without this each change cost
/// four more round trips. Entries are dropped when the batch itself changes them.
#[derive(Default)]
struct BatchCache {
    parents: std::collections::HashMap<(String, String), Option<(String, i32)>>,
    readable: std::collections::HashMap<String, bool>,
}

impl BatchCache {
    /// The batch wrote `table`/`row_id`: forget what may have changed with it.
    fn wrote(&mut self, table: &str, row_id: &str, cascaded: bool) {
        if cascaded {
            self.parents.clear();
        } else {
            self.parents.remove(&(table.to_string(), row_id.to_string()));
        }
        if table == "dashboards" || table == "dashboard_shares" {
            self.readable.clear();
        }
    }
}

enum Applied {
    Superseded(&'static str),
    Logged { parts: Vec<(String, Option<Map<String, Value>>)>, lost: Vec<String> },
}

pub async fn push(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, BytesRejection>,
) -> Result<Json<PushResult>, ApiError> {
    check_schema(&headers)?;
    let (req, bytes): (PushRequest, _) = parse_body(body)?;
    if req.changes.is_empty() || req.changes.len() > MAX_BATCH_CHANGES {
        return Err(ApiError::invalid(format!("a batch holds 1 to {MAX_BATCH_CHANGES} changes (got {})", req.changes.len())));
    }
    let batch_id = Uuid::parse_str(&req.batch_id).map_err(|_| ApiError::bad_request("batch_id must be a UUID"))?;
    let device = caller.device_id.to_string();
    if req.device_id != device || req.changes.iter().any(|c| c.device_id != device) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "device_mismatch", "this key belongs to another device; sign in again on this one"));
    }
    let hash = Sha256::digest(&bytes).to_vec();
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    let claimed = tx
        .execute(
            "INSERT INTO push_batches(account_id, batch_id, device_id, request_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[&caller.account, &batch_id, &caller.device_id, &hash],
        )
        .await?;
    if claimed == 0 {
        return replay(tx, caller.account, batch_id, &hash).await;
    }
    lock_rows(&tx, &req.changes).await?;
    let mut result = PushResult { batch_id: req.batch_id.clone(), replayed: false, accepted: vec![], rejected: vec![], server_time_ms: crate::now_ms() };
    let mut log = Vec::new();
    let mut cache = BatchCache::default();
    for (index, change) in req.changes.iter().enumerate() {
        match apply_change(&tx, caller.account, change, &mut cache).await? {
            Ok(Applied::Superseded(reason)) => result.accepted.push(accepted(index, change, Some(reason), vec![])),
            Ok(Applied::Logged { parts, lost }) => {
                result.accepted.push(accepted(index, change, None, lost));
                for (stream, columns) in parts {
                    log.push(LogEntry { index, stream, change: Change { columns, ..change.clone() } });
                }
            }
            Err(r) => {
                let current = current_state(&tx, caller.account, change).await?;
                result.rejected.push(RejectedChange {
                    index,
                    table: change.table.clone(),
                    row_id: change.row_id.clone(),
                    retryable: r.code.retryable(),
                    code: r.code,
                    message: r.message,
                    current,
                });
            }
        }
    }
    append_log(&tx, caller.account, batch_id, &log, &mut result.accepted).await?;
    let stored = serde_json::to_value(&result).map_err(|e| ApiError::unavailable(e.to_string()))?;
    tx.execute("UPDATE push_batches SET result = $3 WHERE account_id = $1 AND batch_id = $2", &[&caller.account, &batch_id, &stored]).await?;
    tx.commit().await?;
    Ok(Json(result))
}

fn accepted(index: usize, change: &Change, superseded: Option<&str>, lost: Vec<String>) -> AcceptedChange {
    AcceptedChange {
        index,
        table: change.table.clone(),
        row_id: change.row_id.clone(),
        superseded: superseded.is_some(),
        stream: None,
        seq: None,
        also: vec![],
        lost_columns: lost,
        reason: superseded.map(str::to_string),
    }
}

async fn replay(tx: Transaction<'_>, account: Uuid, batch_id: Uuid, hash: &[u8]) -> Result<Json<PushResult>, ApiError> {
    let row = tx
        .query_one("SELECT request_hash, result FROM push_batches WHERE account_id = $1 AND batch_id = $2", &[&account, &batch_id])
        .await?;
    let stored_hash: Vec<u8> = row.get(0);
    if stored_hash != hash {
        return Err(ApiError::new(StatusCode::CONFLICT, "batch_id_reused", "this batch id was used for other changes; send them under a new id"));
    }
    let stored: Option<Value> = row.get(1);
    let mut result: PushResult = stored
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| ApiError::unavailable("this batch is still being applied; try again"))?;
    tx.commit().await?;
    result.replayed = true;
    Ok(Json(result))
}

/// Locks every row the batch touches, in one sorted order, before changing any.
async fn lock_rows(tx: &Transaction<'_>, changes: &[Change]) -> Result<(), ApiError> {
    let keys: BTreeSet<(&str, &str)> = changes.iter().map(|c| (c.table.as_str(), c.row_id.as_str())).collect();
    let (tables, ids): (Vec<&str>, Vec<&str>) = keys.into_iter().unzip();
    tx.query(
        "SELECT 1 FROM rows r JOIN unnest($1::text[], $2::text[]) AS k(t, i) ON r.table_name = k.t AND r.row_id = k.i
         ORDER BY r.table_name, r.row_id FOR UPDATE OF r",
        &[&tables, &ids],
    )
    .await?;
    Ok(())
}

/// The row as the server has it, when the account may read it (for "discard").
async fn current_state(tx: &Transaction<'_>, account: Uuid, change: &Change) -> Result<Option<WireRowState>, ApiError> {
    let Some(row) = tx.query_opt("SELECT stream, cl, columns FROM rows WHERE table_name = $1 AND row_id = $2", &[&change.table, &change.row_id]).await? else {
        return Ok(None);
    };
    let stream: String = row.get(0);
    if !rights::can_read(&**tx, &stream, account).await? {
        return Ok(None);
    }
    let columns: Value = row.get(2);
    Ok(Some(WireRowState { cl: i64::from(row.get::<_, i32>(1)), columns: columns.as_object().cloned() }))
}

fn value_fits(sql_type: &str, v: &Value) -> bool {
    match (sql_type, v) {
        (_, Value::Null) => true,
        ("TEXT", Value::String(s)) => s.len() <= MAX_TEXT_BYTES && !s.contains('\0'),
        ("INTEGER", Value::Number(n)) => n.is_i64(),
        ("INTEGER", Value::Bool(_)) => true,
        ("REAL", Value::Number(_)) => true,
        _ => false,
    }
}

/// What needs no database: the table, the columns and their types, the clock, the ids.
fn validate(change: &Change, now_ms: i64) -> Result<&'static TableInfo, Reject> {
    let Some(info) = Catalog::current().table(&change.table) else {
        return Err(match class_of(&change.table) {
            Class::LocalOnly => reject(RejectCode::LocalOnlyTable, format!("{} never leaves the device", change.table)),
            _ => reject(RejectCode::UnknownTable, format!("{} is not a table Studydesk syncs", change.table)),
        });
    };
    if Uuid::parse_str(&change.row_id).map(|u| u.hyphenated().to_string() != change.row_id).unwrap_or(true) {
        return Err(reject(RejectCode::InvalidValue, "row_id must be a lower-case UUID"));
    }
    if !is_hlc(&change.hlc) {
        return Err(reject(RejectCode::InvalidValue, "hlc must look like 0001732241696123.00000"));
    }
    if hlc_wall_ms(&change.hlc).is_some_and(|ms| ms > now_ms + MAX_CLOCK_AHEAD_MS) {
        return Err(reject(RejectCode::ClockSkew, "the change is dated in the future: check this device's clock"));
    }
    check_shape(change).map_err(|m| reject(RejectCode::InvalidValue, m))?;
    let columns = change.columns.as_ref();
    for (name, value) in columns.into_iter().flatten() {
        let Some(col) = info.column(name) else {
            return Err(reject(RejectCode::UnknownColumn, format!("{}.{name} is not a column Studydesk syncs", change.table)));
        };
        if is_secret(&change.table, name) {
            return Err(reject(RejectCode::SecretColumn, format!("{}.{name} is a secret and never leaves the device", change.table)));
        }
        if is_derived(&change.table, name) {
            return Err(reject(RejectCode::DerivedColumn, format!("{}.{name} is computed on each device", change.table)));
        }
        if !value_fits(&col.sql_type, value) || (name == "id" && value.as_str() != Some(&change.row_id)) {
            return Err(reject(RejectCode::InvalidValue, format!("{}.{name} has a value of the wrong kind", change.table)));
        }
    }
    if change.op == Op::Insert {
        check_insert(info, change)?;
    }
    Ok(info)
}

fn check_insert(info: &TableInfo, change: &Change) -> Result<(), Reject> {
    let columns = change.columns.clone().unwrap_or_default();
    let excluded = studydesk_sync::catalog::excluded_columns(&change.table);
    for col in info.columns.iter().filter(|c| c.not_null && c.name != "id" && !excluded.contains(&c.name.as_str())) {
        if columns.get(&col.name).is_none_or(Value::is_null) {
            return Err(reject(RejectCode::InvalidValue, format!("{}.{} is required", change.table, col.name)));
        }
    }
    if let Some(keys) = natural::key_columns(&change.table) {
        let values: Vec<String> = keys.iter().map(|k| text_of(columns.get(*k))).collect();
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        if natural::natural_id(&change.table, &refs) != change.row_id {
            return Err(reject(RejectCode::BadNaturalId, format!("a {} row's id must be derived from its key", change.table)));
        }
    }
    Ok(())
}

fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

struct Stored {
    stream: String,
    owner: Option<Uuid>,
    state: RowState,
}

async fn load(tx: &Transaction<'_>, table: &str, row_id: &str) -> Result<Option<Stored>, ApiError> {
    let row = tx.query_opt("SELECT stream, owner, cl, columns, clocks FROM rows WHERE table_name = $1 AND row_id = $2", &[&table, &row_id]).await?;
    Ok(row.map(|r| {
        let columns: Value = r.get(3);
        let clocks: Value = r.get(4);
        let clocks = clocks
            .as_object()
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), Clock::decode(v.as_str()?)?))).collect())
            .unwrap_or_default();
        Stored {
            stream: r.get(0),
            owner: r.get(1),
            state: RowState { cl: i64::from(r.get::<_, i32>(2)), columns: columns.as_object().cloned().unwrap_or_default(), clocks },
        }
    }))
}

async fn apply_change(tx: &Transaction<'_>, account: Uuid, change: &Change, cache: &mut BatchCache) -> Result<Result<Applied, Reject>, ApiError> {
    let info = match validate(change, crate::now_ms()) {
        Ok(info) => info,
        Err(r) => return Ok(Err(r)),
    };
    let stored = load(tx, &change.table, &change.row_id).await?;
    if stored.is_none() && change.op == Op::Delete {
        // Nothing to delete here: never tombstone an id the server has not seen (that
        // would let anyone pre-empt another account's future row).
        return Ok(Ok(Applied::Superseded("duplicate")));
    }
    if let Err(r) = check_rights(tx, account, info, change, stored.as_ref()).await? {
        return Ok(Err(r));
    }
    match check_parents(tx, account, info, change, cache).await? {
        Ok(Some(reason)) => return Ok(Ok(Applied::Superseded(reason))),
        Ok(None) => {}
        Err(r) => return Ok(Err(r)),
    }
    let outcome = merge(stored.as_ref().map(|s| &s.state), change);
    let Outcome::Applied { state, won, lost, .. } = outcome else {
        let Outcome::Superseded(why) = outcome else { unreachable!() };
        return Ok(Ok(Applied::Superseded(why.as_str())));
    };
    let place = placement(&**tx, info, &change.row_id, Some(&state.columns), None).await?;
    let stream = stored.as_ref().filter(|_| !state.alive()).map_or(place.stream.clone(), |s| s.stream.clone());
    let owner = place.owner.or(stored.as_ref().and_then(|s| s.owner));
    save(tx, &change.table, &change.row_id, &stream, owner, &state).await?;
    if !state.alive() {
        cascade(tx, &change.table, &change.row_id).await?;
    }
    cache.wrote(&change.table, &change.row_id, !state.alive());
    let parts = split_parts(change, &stream, account, won);
    Ok(Ok(Applied::Logged { parts, lost }))
}

/// The columns of a `users` change that only the owner sees go to its private stream.
fn split_parts(change: &Change, stream: &str, account: Uuid, won: Map<String, Value>) -> Vec<(String, Option<Map<String, Value>>)> {
    if change.op == Op::Delete {
        return vec![(stream.to_string(), None)];
    }
    if change.table != "users" {
        return vec![(stream.to_string(), Some(won))];
    }
    let (private, public): (Map<String, Value>, Map<String, Value>) =
        won.into_iter().partition(|(k, _)| USERS_PRIVATE.contains(&k.as_str()));
    let mut parts = vec![];
    if !public.is_empty() || change.op == Op::Insert {
        parts.push((stream.to_string(), Some(public)));
    }
    if !private.is_empty() {
        parts.push((rights::private_stream(account), Some(private)));
    }
    parts
}

async fn save(tx: &Transaction<'_>, table: &str, row_id: &str, stream: &str, owner: Option<Uuid>, state: &RowState) -> Result<(), ApiError> {
    let clocks: Map<String, Value> = state.clocks.iter().map(|(k, c)| (k.clone(), Value::from(c.encode()))).collect();
    let cl = i32::try_from(state.cl).map_err(|_| ApiError::invalid("cl is too large"))?;
    tx.execute(
        "INSERT INTO rows(table_name, row_id, stream, owner, cl, columns, clocks) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (table_name, row_id) DO UPDATE SET stream = excluded.stream, owner = excluded.owner, cl = excluded.cl,
           columns = excluded.columns, clocks = excluded.clocks",
        &[&table, &row_id, &stream, &owner, &cl, &Value::Object(state.columns.clone()), &Value::Object(clocks)],
    )
    .await?;
    Ok(())
}

/// A deleted row's children follow by their ON DELETE rule in the server's state, as
/// SQLite does on each device (so those cascades are not logged as changes).
async fn cascade(tx: &Transaction<'_>, table: &str, row_id: &str) -> Result<(), ApiError> {
    let mut pending = vec![(table.to_string(), row_id.to_string())];
    while let Some((parent, id)) = pending.pop() {
        for (child, fk) in Catalog::current().children_of(&parent) {
            if fk.on_delete == "CASCADE" {
                let rows = tx
                    .query(
                        "UPDATE rows SET cl = cl + 1, columns = '{}', clocks = '{}'
                         WHERE table_name = $1 AND columns->>$2 = $3 AND cl % 2 = 1 RETURNING row_id",
                        &[&child.name, &fk.column, &id],
                    )
                    .await?;
                pending.extend(rows.iter().map(|r| (child.name.clone(), r.get::<_, String>(0))));
            } else if fk.on_delete == "SET NULL" {
                tx.execute(
                    "UPDATE rows SET columns = jsonb_set(columns, $4::text[], 'null') WHERE table_name = $1 AND columns->>$2 = $3",
                    &[&child.name, &fk.column, &id, &vec![fk.column.clone()]],
                )
                .await?;
            }
        }
    }
    Ok(())
}

async fn check_rights(tx: &Transaction<'_>, account: Uuid, info: &TableInfo, change: &Change, stored: Option<&Stored>) -> Result<Result<(), Reject>, ApiError> {
    let new_columns = change.columns.as_ref();
    let old_columns = stored.map(|s| &s.state.columns);
    if info.name == "activities" && [new_columns, old_columns].iter().any(|c| c.and_then(|c| c.get("is_builtin")).and_then(Value::as_i64) == Some(1)) {
        return Ok(Err(reject(RejectCode::BuiltinRow, "built-in activities cannot be changed")));
    }
    if info.name == "users" && change.row_id != account.to_string() {
        return Ok(Err(forbidden()));
    }
    if info.class() == Class::Dashboard {
        return dashboard_rights(tx, account, info, change, stored).await;
    }
    // Before and after the change, the row must be the account's.
    if stored.is_some_and(|s| s.owner != Some(account) || !owned_stream(&s.stream, account, info.class())) {
        return Ok(Err(forbidden()));
    }
    let place = placement(&**tx, info, &change.row_id, new_columns, old_columns).await?;
    // A deleted row keeps its owner though its columns are gone.
    let owner = place.owner.or(stored.and_then(|s| s.owner));
    if change.op != Op::Delete && owner != Some(account) {
        return Ok(Err(forbidden()));
    }
    Ok(Ok(()))
}

fn owned_stream(stream: &str, account: Uuid, class: Class) -> bool {
    match class {
        Class::Public => stream == "public",
        _ => stream == rights::private_stream(account),
    }
}

async fn dashboard_rights(tx: &Transaction<'_>, account: Uuid, info: &TableInfo, change: &Change, stored: Option<&Stored>) -> Result<Result<(), Reject>, ApiError> {
    let new_columns = change.columns.as_ref();
    let old_columns = stored.map(|s| &s.state.columns);
    let dashboards: BTreeSet<String> = [
        rights::column(new_columns, old_columns, "dashboard_id").map(str::to_string),
        stored.and_then(|s| s.stream.strip_prefix("d:").map(str::to_string)),
        (info.name == "dashboards").then(|| change.row_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect();
    for dashboard in dashboards {
        let owner = if info.name == "dashboards" {
            stored.and_then(|s| s.owner).or_else(|| column(new_columns, None, "user_id").and_then(|v| Uuid::parse_str(v).ok()))
        } else {
            load(tx, "dashboards", &dashboard).await?.filter(|d| d.state.alive()).and_then(|d| d.owner)
        };
        if owner == Some(account) {
            continue;
        }
        let edit = rights::share_permission(&**tx, &dashboard, account).await?.as_deref() == Some("edit");
        let touches_owner_fields = new_columns.is_some_and(|c| c.contains_key("user_id") || c.contains_key("is_public"));
        let allowed = edit
            && match info.name.as_str() {
                "widgets" => true,
                "dashboards" => change.op == Op::Update && !touches_owner_fields,
                _ => false,
            };
        if !allowed {
            return Ok(Err(forbidden()));
        }
    }
    if info.name == "dashboards" && change.op == Op::Insert && column(new_columns, None, "user_id") != Some(&account.to_string()) {
        return Ok(Err(forbidden()));
    }
    Ok(Ok(()))
}

/// Every parent the change names must exist and be readable by the account; a change
/// under a deleted CASCADE parent is superseded (the parent's delete won).
async fn check_parents(
    tx: &Transaction<'_>,
    account: Uuid,
    info: &TableInfo,
    change: &Change,
    cache: &mut BatchCache,
) -> Result<Result<Option<&'static str>, Reject>, ApiError> {
    let Some(columns) = change.columns.as_ref() else { return Ok(Ok(None)) };
    for fk in &info.foreign_keys {
        let Some(parent_id) = columns.get(&fk.column).and_then(Value::as_str) else { continue };
        if Catalog::current().table(&fk.parent).is_none() || Catalog::current().is_builtin(&fk.parent, parent_id) {
            continue; // shipped data (emojis, built-in activities) exists on every device
        }
        let key = (fk.parent.clone(), parent_id.to_string());
        let parent = match cache.parents.get(&key) {
            Some(found) => found.clone(),
            None => {
                let row = tx.query_opt("SELECT stream, cl FROM rows WHERE table_name = $1 AND row_id = $2", &[&fk.parent, &parent_id]).await?;
                let found = row.map(|r| (r.get::<_, String>(0), r.get::<_, i32>(1)));
                cache.parents.insert(key, found.clone());
                found
            }
        };
        let missing = || reject(RejectCode::FkMissing, format!("{}.{} refers to a {} row the server does not have", info.name, fk.column, fk.parent));
        let Some((stream, cl)) = parent else { return Ok(Err(missing())) };
        let readable = match cache.readable.get(&stream) {
            Some(r) => *r,
            None => {
                let r = rights::can_read(&**tx, &stream, account).await?;
                cache.readable.insert(stream.clone(), r);
                r
            }
        };
        if !readable {
            return Ok(Err(missing()));
        }
        if cl % 2 == 0 {
            if fk.on_delete == "CASCADE" {
                return Ok(Ok(Some("parent_deleted")));
            }
            return Ok(Err(missing()));
        }
    }
    Ok(Ok(None))
}

/// The log rows of one batch, column by column (for one `unnest` insert).
#[derive(Default)]
struct LogColumns {
    stream: Vec<String>,
    seq: Vec<i64>,
    table: Vec<String>,
    row_id: Vec<String>,
    op: Vec<&'static str>,
    columns: Vec<Option<Value>>,
    hlc: Vec<String>,
    device: Vec<String>,
    cl: Vec<i32>,
}

impl LogColumns {
    fn push(&mut self, entry: &LogEntry, seq: i64) {
        let c = &entry.change;
        self.stream.push(entry.stream.clone());
        self.seq.push(seq);
        self.table.push(c.table.clone());
        self.row_id.push(c.row_id.clone());
        self.op.push(c.op.as_str());
        self.columns.push(c.columns.clone().map(Value::Object));
        self.hlc.push(c.hlc.clone());
        self.device.push(c.device_id.clone());
        self.cl.push(i32::try_from(c.cl).unwrap_or(i32::MAX));
    }
}

/// Assigns consecutive seqs per stream (counters locked in sorted order) and appends the
/// log; fills in each accepted change's stream and seq.
async fn append_log(tx: &Transaction<'_>, account: Uuid, batch_id: Uuid, log: &[LogEntry], accepted: &mut [AcceptedChange]) -> Result<(), ApiError> {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for entry in log {
        *counts.entry(entry.stream.as_str()).or_default() += 1;
    }
    let mut next: BTreeMap<&str, i64> = BTreeMap::new();
    for (stream, n) in &counts {
        tx.execute("INSERT INTO streams(id) VALUES ($1) ON CONFLICT DO NOTHING", &[stream]).await?;
        let first: i64 = tx.query_one("UPDATE streams SET next_seq = next_seq + $2 WHERE id = $1 RETURNING next_seq - $2", &[stream, n]).await?.get(0);
        next.insert(stream, first);
    }
    let mut rows = LogColumns::default();
    for entry in log {
        let seq = next.get_mut(entry.stream.as_str()).map(|s| {
            *s += 1;
            *s - 1
        });
        let Some(seq) = seq else { continue };
        rows.push(entry, seq);
        if let Some(a) = accepted.iter_mut().find(|a| a.index == entry.index) {
            if a.seq.is_none() {
                a.stream = Some(entry.stream.clone());
                a.seq = Some(seq);
            } else {
                a.also.push(StreamSeq { stream: entry.stream.clone(), seq });
            }
        }
    }
    // One statement for the whole batch (unnest of column arrays), not one per change.
    tx.execute(
        "INSERT INTO changes(stream, seq, table_name, row_id, op, columns, hlc, device_id, cl, author, batch_id)
         SELECT s, q, t, r, o, c, h, d, l, $10, $11
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[], $9::int[])
           AS x(s, q, t, r, o, c, h, d, l)",
        &[&rows.stream, &rows.seq, &rows.table, &rows.row_id, &rows.op, &rows.columns, &rows.hlc, &rows.device, &rows.cl, &account, &batch_id],
    )
    .await?;
    Ok(())
}
