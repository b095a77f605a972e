//! The `rows` one push reads and writes, held in memory for the length of its transaction.
//!
//! Contract:
//! - [`BatchRows::lock_and_read`] locks and reads the batch's own rows (sorted, one
//!   statement, so two pushes touching the same rows never deadlock) and reads the parent
//!   rows its changes name (one more statement, no lock: a parent is only looked at).
//! - Keyed lookups ([`BatchRows::get`]) are answered from memory; a row nobody foresaw
//!   costs one query, once.
//! - Writes ([`BatchRows::put`]) stay in memory until [`BatchRows::flush`] upserts them
//!   in one statement, with their `row_refs` (the foreign key values that changed: one
//!   delete and one insert for the whole flush) and their `blob_refs` (the files a
//!   `post_media` or `users` row names, `studydesk_sync::media`). The caller flushes before any query that reads `rows` other than
//!   by key (shares, cascades) and before the change log is written, so PostgreSQL always
//!   sees what the batch has decided by then. Rows changed behind the map (a cascade) are
//!   dropped from it with [`BatchRows::forget`] and read again when next asked for.
//!
//! Why: a batch of 1,000 changes used to cost two round trips per change (read, save);
//! now it costs a handful per batch, and the two reads travel together (pipelined).

use crate::ApiError;
use deadpool_postgres::Transaction;
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap, HashSet};
use studydesk_sync::catalog::Catalog;
use studydesk_sync::merge::RowState;
use studydesk_sync::wire::Change;
use studydesk_sync::Clock;
use tokio_postgres::Row;
use uuid::Uuid;

/// A row as the server keeps it: its stream, owner and merged state.
#[derive(Debug, Clone)]
pub struct Stored {
    pub stream: String,
    pub owner: Option<Uuid>,
    pub state: RowState,
}

type Key = (String, String);

const SELECT: &str = "SELECT r.table_name, r.row_id, r.stream, r.owner, r.cl, r.columns, r.clocks FROM rows r";

/// The upsert of a flush (public so a pipelined caller can prepare it first: see `push`).
pub const UPSERT: &str = "INSERT INTO rows(table_name, row_id, stream, owner, cl, columns, clocks)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::int[], $6::jsonb[], $7::jsonb[])
     ON CONFLICT (table_name, row_id) DO UPDATE SET stream = excluded.stream, owner = excluded.owner,
       cl = excluded.cl, columns = excluded.columns, clocks = excluded.clocks";

/// A foreign key value of a row: (parent table, column, parent id), as `row_refs` keeps it.
type Ref = (String, String, String);

/// The `row_refs` entries a row should have: one per foreign key value of a live row.
fn refs_of(table: &str, stored: Option<&Stored>) -> BTreeSet<Ref> {
    let (Some(info), Some(stored)) = (Catalog::current().table(table), stored) else { return BTreeSet::new() };
    if !stored.state.alive() {
        return BTreeSet::new();
    }
    info.foreign_keys
        .iter()
        .filter_map(|fk| Some((fk.parent.clone(), fk.column.clone(), stored.state.columns.get(&fk.column)?.as_str()?.to_string())))
        .collect()
}

/// The files a row names (`blob_refs`): none for a deleted row.
fn blobs_of(table: &str, stored: Option<&Stored>) -> BTreeSet<String> {
    match stored {
        Some(s) if s.state.alive() && studydesk_sync::media::refers_to_files(table) => {
            studydesk_sync::media::referenced(table, &s.state.columns).into_iter().collect()
        }
        _ => BTreeSet::new(),
    }
}

#[derive(Default)]
pub struct BatchRows {
    /// What is known of each row: `None` = the server has no such row.
    known: HashMap<Key, Option<Stored>>,
    /// The `row_refs` of each written row before the batch wrote it.
    refs_before: HashMap<Key, BTreeSet<Ref>>,
    /// The files each written row named before the batch wrote it.
    blobs_before: HashMap<Key, BTreeSet<String>>,
    /// Rows written since the last flush (flushed in key order).
    dirty: Vec<Key>,
    dirty_set: HashSet<Key>,
}

fn decode(row: &Row) -> (Key, Stored) {
    let columns: Value = row.get(5);
    let clocks: Value = row.get(6);
    let clocks = clocks
        .as_object()
        .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), Clock::decode(v.as_str()?)?))).collect())
        .unwrap_or_default();
    let state = RowState { cl: i64::from(row.get::<_, i32>(4)), columns: columns.as_object().cloned().unwrap_or_default(), clocks };
    ((row.get(0), row.get(1)), Stored { stream: row.get(2), owner: row.get(3), state })
}

/// The rows of `keys` the server has.
async fn read(tx: &Transaction<'_>, keys: &BTreeSet<Key>, suffix: &str) -> Result<Vec<(Key, Stored)>, ApiError> {
    if keys.is_empty() {
        return Ok(vec![]);
    }
    let (tables, ids): (Vec<&str>, Vec<&str>) = keys.iter().map(|(t, r)| (t.as_str(), r.as_str())).unzip();
    let sql = format!("{SELECT} JOIN unnest($1::text[], $2::text[]) AS k(t, i) ON r.table_name = k.t AND r.row_id = k.i{suffix}");
    let statement = tx.prepare_cached(&sql).await?;
    Ok(tx.query(&statement, &[&tables, &ids]).await?.iter().map(decode).collect())
}

/// `(parent table, parent id)` of every foreign key value the changes carry.
fn parents_named(changes: &[Change]) -> BTreeSet<(String, String)> {
    let catalog = Catalog::current();
    let mut out = BTreeSet::new();
    for change in changes {
        let (Some(info), Some(columns)) = (catalog.table(&change.table), change.columns.as_ref()) else { continue };
        for fk in &info.foreign_keys {
            if let Some(id) = columns.get(&fk.column).and_then(Value::as_str) {
                if catalog.table(&fk.parent).is_some() && !catalog.is_builtin(&fk.parent, id) {
                    out.insert((fk.parent.clone(), id.to_string()));
                }
            }
        }
    }
    out
}

impl BatchRows {
    pub async fn lock_and_read(tx: &Transaction<'_>, changes: &[Change]) -> Result<BatchRows, ApiError> {
        let own: BTreeSet<Key> = changes.iter().map(|c| (c.table.clone(), c.row_id.clone())).collect();
        let parents: BTreeSet<Key> = parents_named(changes).into_iter().filter(|k| !own.contains(k)).collect();
        // Both reads go out together (pipelined); the locking one first.
        let (own_rows, parent_rows) =
            tokio::try_join!(biased; read(tx, &own, " ORDER BY r.table_name, r.row_id FOR UPDATE OF r"), read(tx, &parents, ""))?;
        let mut rows = BatchRows::default();
        for key in own.into_iter().chain(parents) {
            rows.known.insert(key, None);
        }
        for (key, stored) in own_rows.into_iter().chain(parent_rows) {
            rows.known.insert(key, Some(stored));
        }
        Ok(rows)
    }

    /// The row `table`/`row_id` as the batch sees it (with its own writes).
    pub async fn get(&mut self, tx: &Transaction<'_>, table: &str, row_id: &str) -> Result<Option<&Stored>, ApiError> {
        let key = (table.to_string(), row_id.to_string());
        if !self.known.contains_key(&key) {
            let statement = tx.prepare_cached(&format!("{SELECT} WHERE r.table_name = $1 AND r.row_id = $2")).await?;
            let row = tx.query_opt(&statement, &[&table, &row_id]).await?;
            self.known.insert(key.clone(), row.as_ref().map(|r| decode(r).1));
        }
        Ok(self.known.get(&key).and_then(Option::as_ref))
    }

    pub fn put(&mut self, table: &str, row_id: &str, stored: Stored) {
        let key = (table.to_string(), row_id.to_string());
        if !self.refs_before.contains_key(&key) {
            let before = refs_of(table, self.known.get(&key).and_then(Option::as_ref));
            self.refs_before.insert(key.clone(), before);
            let blobs = blobs_of(table, self.known.get(&key).and_then(Option::as_ref));
            self.blobs_before.insert(key.clone(), blobs);
        }
        if self.dirty_set.insert(key.clone()) {
            self.dirty.push(key.clone());
        }
        self.known.insert(key, Some(stored));
    }

    /// Drops rows changed behind the map; they are read again when next asked for.
    pub fn forget(&mut self, keys: impl IntoIterator<Item = Key>) {
        for key in keys {
            self.known.remove(&key);
        }
    }

    /// Upserts every row written since the last flush, in one statement.
    pub async fn flush(&mut self, tx: &Transaction<'_>) -> Result<(), ApiError> {
        if self.dirty.is_empty() {
            return Ok(());
        }
        // Written in key order, the order `lock_and_read` locks in: two batches writing the
        // same new rows (the same batch sent twice at once, two devices making the same
        // natural-key rows) then wait for each other instead of deadlocking.
        let mut dirty = std::mem::take(&mut self.dirty);
        dirty.sort();
        self.dirty_set.clear();
        let mut columns = Upsert::default();
        let (mut gone, mut new) = (RefColumns::default(), RefColumns::default());
        let (mut blobs_gone, mut blobs_new) = (BlobRefColumns::default(), BlobRefColumns::default());
        for key in &dirty {
            let stored = self.known.get(key).and_then(Option::as_ref);
            if let Some(stored) = stored {
                columns.push(key, stored)?;
            }
            let before = self.refs_before.remove(key).unwrap_or_default();
            let after = refs_of(&key.0, stored);
            before.difference(&after).for_each(|r| gone.push(key, r));
            after.difference(&before).for_each(|r| new.push(key, r));
            let blobs_before = self.blobs_before.remove(key).unwrap_or_default();
            let blobs_after = blobs_of(&key.0, stored);
            blobs_before.difference(&blobs_after).for_each(|h| blobs_gone.push(key, h));
            blobs_after.difference(&blobs_before).for_each(|h| blobs_new.push(key, h));
        }
        // Prepared first, so each is sent on its first poll: the three go out together, in
        // this order (the row's key before its references).
        let upsert = tx.prepare_cached(UPSERT).await?;
        let drop_refs = tx.prepare_cached(DROP_REFS).await?;
        let add_refs = tx.prepare_cached(ADD_REFS).await?;
        let row_params: [&(dyn tokio_postgres::types::ToSql + Sync); 7] =
            [&columns.table, &columns.row_id, &columns.stream, &columns.owner, &columns.cl, &columns.columns, &columns.clocks];
        tokio::try_join!(
            biased;
            tx.execute(&upsert, &row_params),
            async { if gone.row_id.is_empty() { Ok(0) } else { tx.execute(&drop_refs, &gone.params()).await } },
            async { if new.row_id.is_empty() { Ok(0) } else { tx.execute(&add_refs, &new.params()).await } },
        )?;
        // Rare (a post's media, a profile's pictures): prepared only when needed.
        if !blobs_gone.row_id.is_empty() {
            tx.execute(&tx.prepare_cached(DROP_BLOB_REFS).await?, &blobs_gone.params()).await?;
        }
        if !blobs_new.row_id.is_empty() {
            tx.execute(&tx.prepare_cached(ADD_BLOB_REFS).await?, &blobs_new.params()).await?;
        }
        Ok(())
    }
}

const DROP_REFS: &str = "DELETE FROM row_refs WHERE (parent_table, parent_id, child_table, child_column, row_id) IN
     (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]))";
const ADD_REFS: &str = "INSERT INTO row_refs(parent_table, parent_id, child_table, child_column, row_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) ON CONFLICT DO NOTHING";

const DROP_BLOB_REFS: &str = "DELETE FROM blob_refs WHERE (content_hash, table_name, row_id) IN
     (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))";
const ADD_BLOB_REFS: &str = "INSERT INTO blob_refs(content_hash, table_name, row_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING";

/// `blob_refs` entries of one flush, column by column.
#[derive(Default)]
struct BlobRefColumns {
    content_hash: Vec<String>,
    table: Vec<String>,
    row_id: Vec<String>,
}

impl BlobRefColumns {
    fn push(&mut self, key: &Key, hash: &str) {
        self.content_hash.push(hash.to_string());
        self.table.push(key.0.clone());
        self.row_id.push(key.1.clone());
    }

    fn params(&self) -> [&(dyn tokio_postgres::types::ToSql + Sync); 3] {
        [&self.content_hash, &self.table, &self.row_id]
    }
}

/// `row_refs` entries of one flush, column by column (for one `unnest` statement).
#[derive(Default)]
struct RefColumns {
    parent_table: Vec<String>,
    parent_id: Vec<String>,
    child_table: Vec<String>,
    child_column: Vec<String>,
    row_id: Vec<String>,
}

impl RefColumns {
    fn push(&mut self, key: &Key, (parent, column, id): &Ref) {
        self.parent_table.push(parent.clone());
        self.parent_id.push(id.clone());
        self.child_table.push(key.0.clone());
        self.child_column.push(column.clone());
        self.row_id.push(key.1.clone());
    }

    fn params(&self) -> [&(dyn tokio_postgres::types::ToSql + Sync); 5] {
        [&self.parent_table, &self.parent_id, &self.child_table, &self.child_column, &self.row_id]
    }
}

/// The rows of one flush, column by column (for one `unnest` upsert).
#[derive(Default)]
struct Upsert<'a> {
    table: Vec<&'a str>,
    row_id: Vec<&'a str>,
    stream: Vec<&'a str>,
    owner: Vec<Option<Uuid>>,
    cl: Vec<i32>,
    columns: Vec<Value>,
    clocks: Vec<Value>,
}

impl<'a> Upsert<'a> {
    fn push(&mut self, key: &'a Key, stored: &'a Stored) -> Result<(), ApiError> {
        let clocks: Map<String, Value> = stored.state.clocks.iter().map(|(k, c)| (k.clone(), Value::from(c.encode()))).collect();
        self.table.push(&key.0);
        self.row_id.push(&key.1);
        self.stream.push(&stored.stream);
        self.owner.push(stored.owner);
        self.cl.push(i32::try_from(stored.state.cl).map_err(|_| ApiError::invalid("cl is too large"))?);
        self.columns.push(Value::Object(stored.state.columns.clone()));
        self.clocks.push(Value::Object(clocks));
        Ok(())
    }
}
