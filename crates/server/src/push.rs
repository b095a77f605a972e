//! `POST /v1/push`: one batch, one PostgreSQL transaction (docs/sync.md §5.3).
//!
//! 1. The batch's id is claimed in `push_batches` last, with the result, in the same
//!    transaction; a replay of the same body (the claim finds the id taken) is rolled back
//!    and answers the stored result, another body under the same id is a 409.
//! 2. The batch's rows are locked and read, with the parents it names, in two statements
//!    ([`BatchRows`]). Each change is validated against the catalog, checked for write
//!    rights and for its parents, and merged by the shared rule; the merged rows are
//!    written back in one statement. A rejected change rejects only itself; a change
//!    nothing of which won is accepted as superseded.
//! 3. The stream counters are locked (sorted, after the rows, so no deadlock) and the
//!    winning columns are appended to `changes` with consecutive seqs. The counters stay
//!    locked until COMMIT: seqs of one stream commit in order, so a pull never skips one.

use crate::auth::Caller;
use crate::error::parse_body;
use crate::batch::{BatchRows, Stored};
use crate::rights::{self, column, USERS_PRIVATE};
use crate::validate::{check_row, validate};
use crate::{ApiError, Shared};
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use studydesk_sync::catalog::{Catalog, Class, TableInfo};
use studydesk_sync::merge::{merge, Outcome};
use studydesk_sync::wire::*;
use deadpool_postgres::Transaction;
use uuid::Uuid;

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

pub struct Reject {
    pub code: RejectCode,
    pub message: String,
}

pub fn reject(code: RejectCode, message: impl Into<String>) -> Reject {
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

enum Applied {
    Superseded(&'static str),
    Logged { parts: Vec<(String, Option<Map<String, Value>>)>, lost: Vec<String> },
}

type Checked<T> = Result<Result<T, Reject>, ApiError>;

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
    let rows = BatchRows::lock_and_read(&tx, &req.changes).await?;
    let mut batch = Batch { tx: &tx, account: caller.account, rows, readable: HashMap::new() };
    let mut result = PushResult { batch_id: req.batch_id.clone(), replayed: false, accepted: vec![], rejected: vec![], server_time_ms: crate::now_ms() };
    let mut log = Vec::new();
    for (index, change) in req.changes.iter().enumerate() {
        match batch.apply(change).await? {
            Ok(Applied::Superseded(reason)) => result.accepted.push(accepted(index, change, Some(reason), vec![])),
            Ok(Applied::Logged { parts, lost }) => {
                result.accepted.push(accepted(index, change, None, lost));
                for (stream, columns) in parts {
                    log.push(LogEntry { index, stream, change: Change { columns, ..change.clone() } });
                }
            }
            Err(r) => {
                let current = batch.current_state(change).await?;
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
    // The rows' upsert and the counters go out together (pipelined, in this order: rows
    // are locked before counters, as everywhere), then the log and the stored result.
    let counts = stream_counts(&log);
    // Pipelining keeps the order only if each statement is sent on its first poll, so both
    // are prepared (cached) before the join, which polls in order (`biased`). The order is
    // the deadlock rule: a new row's unique key before a stream's counter.
    tx.prepare_cached(crate::batch::UPSERT).await?;
    tx.prepare_cached(TAKE_SEQS).await?;
    let (_, firsts) = tokio::try_join!(biased; batch.rows.flush(&tx), take_seqs(&tx, &counts))?;
    let numbered = number_log(&log, firsts, &mut result.accepted);
    let stored = serde_json::to_value(&result).map_err(|e| ApiError::unavailable(e.to_string()))?;
    // The batch is claimed last, with its result, in one statement: a batch id seen before
    // (a retry after a lost answer, or the same batch sent twice at once, which waits here
    // for the other's COMMIT) claims nothing, and this transaction is rolled back whole
    // before the stored result is answered. A replay costs a rolled-back apply; every
    // first push saves a statement and a row version.
    let claim = tx
        .prepare_cached(
            "INSERT INTO push_batches(account_id, batch_id, device_id, request_hash, result) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
        )
        .await?;
    let (_, claimed) = tokio::try_join!(biased; insert_log(&tx, caller.account, batch_id, &numbered), async {
        tx.execute(&claim, &[&caller.account, &batch_id, &caller.device_id, &hash, &stored]).await.map_err(ApiError::from)
    })?;
    drop(batch);
    if claimed == 0 {
        tx.rollback().await?;
        return replay(&client, caller.account, batch_id, &hash).await;
    }
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

async fn replay(client: &deadpool_postgres::Client, account: Uuid, batch_id: Uuid, hash: &[u8]) -> Result<Json<PushResult>, ApiError> {
    let row = client
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
    result.replayed = true;
    Ok(Json(result))
}

/// One push being applied: its transaction, its rows, and what it learnt of rights.
struct Batch<'a> {
    tx: &'a Transaction<'a>,
    account: Uuid,
    rows: BatchRows,
    /// Streams looked up for reading rights (a batch of 1,000 tasks names one stream).
    readable: HashMap<String, bool>,
}

impl Batch<'_> {
    async fn stored(&mut self, table: &str, row_id: &str) -> Result<Option<Stored>, ApiError> {
        Ok(self.rows.get(self.tx, table, row_id).await?.cloned())
    }

    /// The owner of a live row, if the server has one.
    async fn live_owner(&mut self, table: &str, row_id: &str) -> Result<Option<Uuid>, ApiError> {
        Ok(self.rows.get(self.tx, table, row_id).await?.filter(|s| s.state.alive()).and_then(|s| s.owner))
    }

    /// The share permission of this account on a dashboard (a query by column: the
    /// batch's own writes are flushed first).
    async fn share_permission(&mut self, dashboard: &str) -> Result<Option<String>, ApiError> {
        self.rows.flush(self.tx).await?;
        Ok(rights::share_permission(self.tx, dashboard, self.account).await?)
    }

    async fn can_read(&mut self, stream: &str) -> Result<bool, ApiError> {
        if let Some(known) = self.readable.get(stream) {
            return Ok(*known);
        }
        let readable = if stream == "public" || stream == rights::private_stream(self.account) {
            true
        } else if let Some(dashboard) = stream.strip_prefix("d:") {
            self.live_owner("dashboards", dashboard).await? == Some(self.account) || self.share_permission(dashboard).await?.is_some()
        } else {
            false
        };
        self.readable.insert(stream.to_string(), readable);
        Ok(readable)
    }

    async fn place(
        &mut self,
        info: &TableInfo,
        row_id: &str,
        change: Option<&Map<String, Value>>,
        stored: Option<&Map<String, Value>>,
    ) -> Result<rights::Placement, ApiError> {
        let parent_owner = match rights::owner_parent(info, change, stored) {
            Some((table, parent)) => self.live_owner(table, parent).await?,
            None => None,
        };
        Ok(rights::place(info, row_id, change, stored, parent_owner))
    }

    /// The row as the server has it, when the account may read it (for "discard"), with
    /// the columns a pull would give this account and no others.
    async fn current_state(&mut self, change: &Change) -> Result<Option<WireRowState>, ApiError> {
        let Some(stored) = self.stored(&change.table, &change.row_id).await? else { return Ok(None) };
        if !self.can_read(&stored.stream).await? {
            return Ok(None);
        }
        let owns = stored.owner == Some(self.account);
        let columns = rights::visible_columns(&change.table, stored.state.columns, owns);
        Ok(Some(WireRowState { cl: stored.state.cl, columns: Some(columns) }))
    }

    async fn apply(&mut self, change: &Change) -> Checked<Applied> {
        let info = match validate(change, crate::now_ms()) {
            Ok(info) => info,
            Err(r) => return Ok(Err(r)),
        };
        let stored = self.stored(&change.table, &change.row_id).await?;
        if stored.is_none() && change.op == Op::Delete {
            // Nothing to delete here: never tombstone an id the server has not seen (that
            // would let anyone pre-empt another account's future row).
            return Ok(Ok(Applied::Superseded("duplicate")));
        }
        if let Err(r) = self.check_rights(info, change, stored.as_ref()).await? {
            return Ok(Err(r));
        }
        match self.check_parents(info, change, stored.as_ref()).await? {
            Ok(Some(reason)) => return Ok(Ok(Applied::Superseded(reason))),
            Ok(None) => {}
            Err(r) => return Ok(Err(r)),
        }
        let stored_cl = stored.as_ref().filter(|s| s.state.alive()).map(|s| s.state.cl);
        let outcome = merge(stored.as_ref().map(|s| &s.state), change);
        let Outcome::Applied { state, won, lost, .. } = outcome else {
            let Outcome::Superseded(why) = outcome else { unreachable!() };
            return Ok(Ok(Applied::Superseded(why.as_str())));
        };
        // The row the change leaves, whatever its op, must be a row every device can store.
        if state.alive() {
            // The same life of a row the server held (a new life starts from the change alone).
            let stored_before = stored_cl == Some(state.cl);
            if let Err(r) = check_row(info, &change.row_id, &state.columns, stored_before) {
                return Ok(Err(r));
            }
        }
        let place = self.place(info, &change.row_id, Some(&state.columns), None).await?;
        let stream = stored.as_ref().filter(|_| !state.alive()).map_or(place.stream.clone(), |s| s.stream.clone());
        let owner = place.owner.or(stored.as_ref().and_then(|s| s.owner));
        let alive = state.alive();
        self.rows.put(&change.table, &change.row_id, Stored { stream: stream.clone(), owner, state });
        if !alive {
            self.cascade(&change.table, &change.row_id).await?;
        }
        if change.table == "dashboards" || change.table == "dashboard_shares" {
            self.readable.clear();
        }
        let parts = split_parts(change, &stream, self.account, won);
        Ok(Ok(Applied::Logged { parts, lost }))
    }

    /// A deleted row's children follow by their ON DELETE rule in the server's state, as
    /// SQLite does on each device (so those cascades are not logged as changes).
    async fn cascade(&mut self, table: &str, row_id: &str) -> Result<(), ApiError> {
        self.rows.flush(self.tx).await?;
        let mut pending = vec![(table.to_string(), row_id.to_string())];
        while let Some((parent, id)) = pending.pop() {
            for (child, fk) in Catalog::current().children_of(&parent) {
                // Children by `row_refs` (keyed by parent), checked against the row itself.
                let sql = match fk.on_delete.as_str() {
                    "CASCADE" => {
                        "UPDATE rows r SET cl = r.cl + 1, columns = '{}', clocks = '{}' FROM row_refs f
                         WHERE f.parent_table = $1 AND f.parent_id = $2 AND f.child_table = $3 AND f.child_column = $4
                           AND r.table_name = f.child_table AND r.row_id = f.row_id AND r.columns->>$4 = $2 AND r.cl % 2 = 1
                         RETURNING r.row_id"
                    }
                    "SET NULL" => {
                        "UPDATE rows r SET columns = jsonb_set(r.columns, ARRAY[$4::text], 'null') FROM row_refs f
                         WHERE f.parent_table = $1 AND f.parent_id = $2 AND f.child_table = $3 AND f.child_column = $4
                           AND r.table_name = f.child_table AND r.row_id = f.row_id AND r.columns->>$4 = $2
                         RETURNING r.row_id"
                    }
                    _ => continue,
                };
                let statement = self.tx.prepare_cached(sql).await?;
                let changed: Vec<(String, String)> = self
                    .tx
                    .query(&statement, &[&parent, &id, &child.name, &fk.column])
                    .await?
                    .iter()
                    .map(|r| (child.name.clone(), r.get(0)))
                    .collect();
                if fk.on_delete == "CASCADE" {
                    pending.extend(changed.iter().cloned());
                }
                self.rows.forget(changed);
            }
        }
        Ok(())
    }

    async fn check_rights(&mut self, info: &TableInfo, change: &Change, stored: Option<&Stored>) -> Checked<()> {
        let new_columns = change.columns.as_ref();
        let old_columns = stored.map(|s| &s.state.columns);
        if info.name == "activities" && [new_columns, old_columns].iter().any(|c| c.and_then(|c| c.get("is_builtin")).and_then(Value::as_i64) == Some(1)) {
            return Ok(Err(reject(RejectCode::BuiltinRow, "built-in activities cannot be changed")));
        }
        if info.name == "users" && change.row_id != self.account.to_string() {
            return Ok(Err(forbidden()));
        }
        if info.class() == Class::Dashboard {
            return self.dashboard_rights(info, change, stored).await;
        }
        // Before and after the change, the row must be the account's.
        if stored.is_some_and(|s| s.owner != Some(self.account) || !owned_stream(&s.stream, self.account, info.class())) {
            return Ok(Err(forbidden()));
        }
        let place = self.place(info, &change.row_id, new_columns, old_columns).await?;
        // A deleted row keeps its owner though its columns are gone.
        let owner = place.owner.or(stored.and_then(|s| s.owner));
        if change.op != Op::Delete && owner != Some(self.account) {
            return Ok(Err(forbidden()));
        }
        Ok(Ok(()))
    }

    async fn dashboard_rights(&mut self, info: &TableInfo, change: &Change, stored: Option<&Stored>) -> Checked<()> {
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
                self.live_owner("dashboards", &dashboard).await?
            };
            if owner == Some(self.account) {
                continue;
            }
            let edit = self.share_permission(&dashboard).await?.as_deref() == Some("edit");
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
        // A dashboard is made by, and stays with, its owner: an insert names the account,
        // and an update may not hand it to another account (found by the hostile-batch
        // test: the new owner would then read every row of the dashboard's stream).
        let names_other_owner = new_columns.and_then(|c| c.get("user_id")).is_some_and(|v| v.as_str() != Some(&self.account.to_string()));
        let inserts_unowned = change.op == Op::Insert && column(new_columns, None, "user_id").is_none();
        if info.name == "dashboards" && (names_other_owner || inserts_unowned) {
            return Ok(Err(forbidden()));
        }
        Ok(Ok(()))
    }

    /// Every parent the change names must exist, be readable by the account, and be
    /// readable by every reader of the row (else their devices could never store the row:
    /// `fk_not_visible`); a change under a deleted CASCADE parent is superseded (the
    /// parent's delete won). A private reference ([`rights::PRIVATE_REFERENCES`]) is the
    /// owner's to set: other readers see it as `null`.
    async fn check_parents(&mut self, info: &TableInfo, change: &Change, stored: Option<&Stored>) -> Checked<Option<&'static str>> {
        let Some(columns) = change.columns.as_ref() else { return Ok(Ok(None)) };
        let row = self.place(info, &change.row_id, Some(columns), stored.map(|s| &s.state.columns)).await?;
        let row_stream = stored.map_or(row.stream, |s| s.stream.clone());
        let row_owner = row.owner.or(stored.and_then(|s| s.owner));
        for fk in &info.foreign_keys {
            let sets_reference = columns.get(&fk.column).is_some_and(|v| !v.is_null())
                || (change.op != Op::Insert && columns.contains_key(&fk.column) && stored.is_some_and(|s| s.state.columns.get(&fk.column).is_some_and(|v| !v.is_null())));
            if rights::is_private_reference(&info.name, &fk.column) && sets_reference && row_owner != Some(self.account) {
                return Ok(Err(reject(RejectCode::FkNotVisible, format!("only the owner of this {} row may set {}", info.name, fk.column))));
            }
            let Some(parent_id) = columns.get(&fk.column).and_then(Value::as_str) else { continue };
            if Catalog::current().table(&fk.parent).is_none() || Catalog::current().is_builtin(&fk.parent, parent_id) {
                continue; // shipped data (emojis, built-in activities) exists on every device
            }
            let parent = self.rows.get(self.tx, &fk.parent, parent_id).await?.map(|p| (p.stream.clone(), p.state.cl));
            let missing = || reject(RejectCode::FkMissing, format!("{}.{} refers to a {} row the server does not have", info.name, fk.column, fk.parent));
            let Some((stream, cl)) = parent else { return Ok(Err(missing())) };
            if !self.can_read(&stream).await? {
                return Ok(Err(missing()));
            }
            let reaches_every_reader = stream == "public"
                || stream == row_stream
                || (row_stream.starts_with("u:") && stream.starts_with("d:"))
                || rights::is_private_reference(&info.name, &fk.column);
            if !reaches_every_reader {
                return Ok(Err(reject(
                    RejectCode::FkNotVisible,
                    format!("{}.{} refers to a {} row that not every reader of this row can see", info.name, fk.column, fk.parent),
                )));
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

fn owned_stream(stream: &str, account: Uuid, class: Class) -> bool {
    match class {
        Class::Public => stream == "public",
        _ => stream == rights::private_stream(account),
    }
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

/// How many seqs each stream of the log needs, in sorted order (the order counters lock).
fn stream_counts(log: &[LogEntry]) -> BTreeMap<String, i64> {
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for entry in log {
        *counts.entry(entry.stream.clone()).or_default() += 1;
    }
    counts
}

/// One statement per stream: creates the counter at its first use, else takes `n` seqs.
const TAKE_SEQS: &str = "INSERT INTO streams(id, next_seq) VALUES ($1, 1 + $2::bigint)
     ON CONFLICT (id) DO UPDATE SET next_seq = streams.next_seq + $2 RETURNING next_seq - $2";

/// Takes `n` consecutive seqs of each stream (counters locked in sorted order, held to
/// COMMIT); the first of each.
async fn take_seqs(tx: &Transaction<'_>, counts: &BTreeMap<String, i64>) -> Result<BTreeMap<String, i64>, ApiError> {
    if counts.is_empty() {
        return Ok(BTreeMap::new());
    }
    let take = tx.prepare_cached(TAKE_SEQS).await?;
    let mut firsts = BTreeMap::new();
    for (stream, n) in counts {
        let first: i64 = tx.query_one(&take, &[stream, n]).await?.get(0);
        firsts.insert(stream.clone(), first);
    }
    Ok(firsts)
}

/// Gives each log entry its seq, from the first of its stream on, and fills in each
/// accepted change's stream and seq (`accepted` is in index order).
fn number_log(log: &[LogEntry], mut next: BTreeMap<String, i64>, accepted: &mut [AcceptedChange]) -> LogColumns {
    let mut rows = LogColumns::default();
    for entry in log {
        let Some(seq) = next.get_mut(&entry.stream).map(|s| {
            *s += 1;
            *s - 1
        }) else {
            continue;
        };
        rows.push(entry, seq);
        if let Ok(at) = accepted.binary_search_by_key(&entry.index, |a| a.index) {
            let a = &mut accepted[at];
            if a.seq.is_none() {
                a.stream = Some(entry.stream.clone());
                a.seq = Some(seq);
            } else {
                a.also.push(StreamSeq { stream: entry.stream.clone(), seq });
            }
        }
    }
    rows
}

/// Appends the numbered log in one statement (unnest of column arrays), not one per change.
async fn insert_log(tx: &Transaction<'_>, account: Uuid, batch_id: Uuid, rows: &LogColumns) -> Result<(), ApiError> {
    if rows.seq.is_empty() {
        return Ok(());
    }
    let insert = tx
        .prepare_cached(
            "INSERT INTO changes(stream, seq, table_name, row_id, op, columns, hlc, device_id, cl, author, batch_id)
             SELECT s, q, t, r, o, c, h, d, l, $10, $11
             FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[], $9::int[])
               AS x(s, q, t, r, o, c, h, d, l)",
        )
        .await?;
    tx.execute(&insert, &[&rows.stream, &rows.seq, &rows.table, &rows.row_id, &rows.op, &rows.columns, &rows.hlc, &rows.device, &rows.cl, &account, &batch_id])
        .await?;
    Ok(())
}
