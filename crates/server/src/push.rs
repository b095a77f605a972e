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
//!
//! The social rules (docs/sync.md §9): a post's visibility picks its stream and is fixed;
//! a like or comment lives in its post's stream, and its writer must read that stream; a
//! follow, like or comment across a block is refused `forbidden`; a `users.username` takes
//! its confusable skeleton in `usernames` in this transaction (`unique_conflict` when
//! another account holds it), and a live `user_blocks` row is noted in `blocks`.

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
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use studydesk_sync::catalog::{Catalog, Class, TableInfo};
use studydesk_sync::merge::{merge, Outcome};
use studydesk_sync::natural_id;
use studydesk_sync::streams::{self, FollowFacts, Stream};
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
    /// The account whose post a like or comment (by someone else) is about.
    about: Option<Uuid>,
}

enum Applied {
    Superseded(&'static str),
    Logged { parts: Vec<(String, Option<Map<String, Value>>)>, lost: Vec<String>, about: Option<Uuid> },
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
    let mut batch = Batch { tx: &tx, account: caller.account, rows, readable: HashMap::new(), block_pairs: None };
    let mut result = PushResult { batch_id: req.batch_id.clone(), replayed: false, accepted: vec![], rejected: vec![], server_time_ms: crate::now_ms() };
    let mut log = Vec::new();
    for (index, change) in req.changes.iter().enumerate() {
        match batch.apply(change).await? {
            Ok(Applied::Superseded(reason)) => result.accepted.push(accepted(index, change, Some(reason), vec![])),
            Ok(Applied::Logged { parts, lost, about }) => {
                result.accepted.push(accepted(index, change, None, lost));
                for (stream, columns) in parts {
                    log.push(LogEntry { index, stream, change: Change { columns, ..change.clone() }, about });
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
    /// The (blocker, blocked) pairs of `blocks` that involve this account, read once per
    /// batch when first needed: most accounts have none, so a batch of likes and follows
    /// asks about blocks once, not twice per change.
    block_pairs: Option<HashSet<(Uuid, Uuid)>>,
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
        let me = self.account.to_string();
        let readable = match streams::parse(stream) {
            Some(Stream::Public) => true,
            Some(Stream::Private(owner)) => owner == me,
            Some(Stream::Followers(author)) => author == me || self.follows_effectively(author).await?,
            Some(Stream::Dashboard(dashboard)) => {
                self.live_owner("dashboards", dashboard).await? == Some(self.account)
                    || self.share_permission(dashboard).await?.is_some()
                    || self.live_columns("dashboards", dashboard).await?.is_some_and(|c| c.get("is_public").and_then(Value::as_i64) == Some(1))
            }
            Some(Stream::Requests(approver, requester)) => approver == me || requester == me,
            None => false,
        };
        self.readable.insert(stream.to_string(), readable);
        Ok(readable)
    }

    /// The columns of a live row (by key, with the batch's own writes).
    async fn live_columns(&mut self, table: &str, row_id: &str) -> Result<Option<Map<String, Value>>, ApiError> {
        Ok(self.rows.get(self.tx, table, row_id).await?.filter(|s| s.state.alive()).map(|s| s.state.columns.clone()))
    }

    /// `blocker` has a live `user_blocks` row naming `blocked` (read by its derived id; one
    /// of the two is this account). A pair `blocks` does not list is no block: every live
    /// `user_blocks` row is noted there in the transaction that makes it live.
    async fn blocks(&mut self, blocker: &str, blocked: &str) -> Result<bool, ApiError> {
        if self.block_pairs.is_none() {
            let statement = self.tx.prepare_cached("SELECT blocker, blocked FROM blocks WHERE blocker = $1 OR blocked = $1").await?;
            let pairs = self.tx.query(&statement, &[&self.account]).await?.iter().map(|r| (r.get(0), r.get(1))).collect();
            self.block_pairs = Some(pairs);
        }
        let pair = (Uuid::parse_str(blocker).ok(), Uuid::parse_str(blocked).ok());
        let listed = match (pair, &self.block_pairs) {
            ((Some(a), Some(b)), Some(pairs)) => pairs.contains(&(a, b)),
            _ => false,
        };
        Ok(listed && self.live_columns("user_blocks", &natural_id("user_blocks", &[blocker, blocked])).await?.is_some())
    }

    /// This account effectively follows `author` ([`streams::effective_follow`]): four
    /// keyed rows, all derived ids but the author's profile.
    async fn follows_effectively(&mut self, author: &str) -> Result<bool, ApiError> {
        let me = self.account.to_string();
        let follow = self.live_columns("follows", &natural_id("follows", &[&me, author])).await?;
        let profile = self.live_columns("users", author).await?;
        let decision = self.live_columns("follow_decisions", &natural_id("follow_decisions", &[author, &me])).await?;
        let blocked = self.blocks(author, &me).await?;
        let text = |m: &Option<Map<String, Value>>, c: &str| m.as_ref().and_then(|m| m.get(c)).and_then(Value::as_str).map(str::to_string);
        let (created_at, policy) = (text(&follow, "created_at"), text(&profile, "follow_policy"));
        let (word, decided_at) = (text(&decision, "decision"), text(&decision, "decided_at"));
        let facts = FollowFacts {
            follow_created_at: follow.as_ref().map(|_| created_at.as_deref().unwrap_or("")),
            policy: policy.as_deref(),
            decision: word.as_deref().zip(decided_at.as_deref()),
            blocked,
        };
        Ok(streams::effective_follow(&facts))
    }

    /// The post a row of `info` belongs to: itself for a post, its `post_id` for a post's
    /// media, tags, likes and comments (the server's row, alive or deleted).
    async fn post_of(&mut self, info: &TableInfo, row_id: &str, change: Option<&Map<String, Value>>, stored: Option<&Map<String, Value>>) -> Result<Option<Stored>, ApiError> {
        let post_id = if info.name == "posts" {
            Some(row_id.to_string())
        } else if streams::is_post_child(&info.name) {
            column(change, stored, "post_id").map(str::to_string)
        } else {
            None
        };
        match post_id {
            Some(id) => Ok(self.rows.get(self.tx, "posts", &id).await?.cloned()),
            None => Ok(None),
        }
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
        let post_stream = self.post_of(info, row_id, change, stored).await?.map(|p| p.stream);
        Ok(rights::place(info, row_id, change, stored, parent_owner, post_stream))
    }

    /// The row as the server has it, when the account may read it (for "discard"), with
    /// the columns a pull would give this account and no others.
    async fn current_state(&mut self, change: &Change) -> Result<Option<WireRowState>, ApiError> {
        let Some(stored) = self.stored(&change.table, &change.row_id).await? else { return Ok(None) };
        if !self.can_read(&stored.stream).await? {
            return Ok(None);
        }
        // A public dashboard's reader that is neither its owner nor a grantee does not get
        // its shares and reports (as a pull leaves them out).
        if let Some(dashboard) = stored.stream.strip_prefix("d:").filter(|_| rights::PUBLIC_READER_LEAVES_OUT.contains(&change.table.as_str())) {
            let dashboard = dashboard.to_string();
            if self.live_owner("dashboards", &dashboard).await? != Some(self.account) && self.share_permission(&dashboard).await?.is_none() {
                return Ok(None);
            }
        }
        // Nothing of an account that blocks this one, nor of what is written on its posts:
        // a pull leaves their later changes out, so a refusal does not show them either.
        let info = Catalog::current().table(&change.table);
        let about = match info {
            Some(info) => self.post_of(info, &change.row_id, None, Some(&stored.state.columns)).await?.and_then(|p| p.owner),
            None => None,
        };
        let me = self.account.to_string();
        let account = self.account;
        for other in [stored.owner, about].into_iter().flatten().filter(|o| *o != account) {
            if self.blocks(&other.to_string(), &me).await? {
                return Ok(None);
            }
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
        if let Err(r) = self.check_social(info, change, stored.as_ref()).await? {
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
        if info.name == "users" {
            let before = stored.as_ref().filter(|s| s.state.alive()).and_then(|s| s.state.columns.get("username")).and_then(Value::as_str);
            let after = Some(&state).filter(|s| s.alive()).and_then(|s| s.columns.get("username")).and_then(Value::as_str);
            if before != after || !state.alive() {
                if let Err(r) = self.take_username(after).await? {
                    return Ok(Err(r));
                }
            }
        }
        let columns = stored.as_ref().map(|s| &s.state.columns);
        let about = match self.post_of(info, &change.row_id, Some(&state.columns), columns).await? {
            Some(post) if streams::is_post_child(&info.name) => post.owner.filter(|o| *o != self.account),
            _ => None,
        };
        let place = self.place(info, &change.row_id, Some(&state.columns), None).await?;
        let stream = stored.as_ref().filter(|_| !state.alive()).map_or(place.stream.clone(), |s| s.stream.clone());
        let owner = place.owner.or(stored.as_ref().and_then(|s| s.owner));
        let alive = state.alive();
        let block = (info.name == "user_blocks").then(|| rights::column(Some(&state.columns), None, "blocked_user_id").map(str::to_string));
        self.rows.put(&change.table, &change.row_id, Stored { stream: stream.clone(), owner, state });
        if !alive {
            self.cascade(&change.table, &change.row_id).await?;
        }
        if let Some(blocked) = block {
            self.note_block(&change.row_id, owner, blocked.filter(|_| alive)).await?;
        }
        if ["dashboards", "dashboard_shares", "users", "follows", "follow_decisions", "user_blocks"].contains(&change.table.as_str()) {
            self.readable.clear();
        }
        let parts = split_parts(change, &stream, self.account, won);
        Ok(Ok(Applied::Logged { parts, lost, about }))
    }

    /// Claims `name`'s confusable skeleton for this account (or, with `None`, only releases
    /// the account's names). The claim comes first and the release only after it, so a
    /// refused claim leaves the account's current name held. Two pushes claiming one
    /// skeleton meet on its primary key: the second waits for the first's COMMIT and finds
    /// it taken.
    async fn take_username(&mut self, name: Option<&str>) -> Checked<()> {
        let keep = name.map(studydesk_sync::username::skeleton);
        if let (Some(name), Some(skeleton)) = (name, keep.as_deref()) {
            let claim = self
                .tx
                .prepare_cached(
                    "INSERT INTO usernames(skeleton, account, name) VALUES ($1, $2, $3)
                     ON CONFLICT (skeleton) DO UPDATE SET name = excluded.name WHERE usernames.account = excluded.account
                     RETURNING account",
                )
                .await?;
            if self.tx.query_opt(&claim, &[&skeleton, &self.account, &name]).await?.is_none() {
                return Ok(Err(reject(RejectCode::UniqueConflict, format!("the username @{name} is taken"))));
            }
        }
        let release = self.tx.prepare_cached("DELETE FROM usernames WHERE account = $1 AND skeleton IS DISTINCT FROM $2").await?;
        self.tx.execute(&release, &[&self.account, &keep]).await?;
        Ok(Ok(()))
    }

    /// Notes a `user_blocks` row in `blocks` when it is live (keeping the time the block
    /// began), and drops the note when it is not.
    async fn note_block(&mut self, row_id: &str, blocker: Option<Uuid>, blocked: Option<String>) -> Result<(), ApiError> {
        match (blocker, blocked.and_then(|b| Uuid::parse_str(&b).ok())) {
            (Some(blocker), Some(blocked)) => {
                if let Some(pairs) = self.block_pairs.as_mut() {
                    pairs.insert((blocker, blocked));
                }
                let note = self
                    .tx
                    .prepare_cached("INSERT INTO blocks(row_id, blocker, blocked) VALUES ($1, $2, $3) ON CONFLICT (row_id) DO NOTHING")
                    .await?;
                self.tx.execute(&note, &[&row_id, &blocker, &blocked]).await?;
            }
            _ => {
                let drop = self.tx.prepare_cached("DELETE FROM blocks WHERE row_id = $1").await?;
                self.tx.execute(&drop, &[&row_id]).await?;
            }
        }
        Ok(())
    }

    /// The social rules a row's own columns cannot say (docs/sync.md §9): a post keeps the
    /// visibility it was posted with (it chose the post's stream); a post's media, likes
    /// and comments stay on their post; and no follow, like or comment crosses a block
    /// (either way). Deletes are always allowed (an unlike, an unfollow).
    async fn check_social(&mut self, info: &TableInfo, change: &Change, stored: Option<&Stored>) -> Checked<()> {
        let Some(columns) = change.columns.as_ref() else { return Ok(Ok(())) };
        let stored_columns = stored.filter(|s| s.state.alive()).map(|s| &s.state.columns);
        if info.name == "posts" {
            if let Some(word) = columns.get("visibility").and_then(Value::as_str) {
                let changed = match (stored_columns, stored) {
                    (Some(old), _) => old.get("visibility").and_then(Value::as_str).unwrap_or("public") != word,
                    // A deleted post given a new life stays in its stream.
                    (None, Some(gone)) => {
                        let author = rights::column(Some(columns), None, "user_id").unwrap_or_default();
                        let visibility = streams::Visibility::parse(Some(word)).unwrap_or(streams::Visibility::Public);
                        streams::post_stream(author, visibility) != gone.stream
                    }
                    (None, None) => false,
                };
                if changed {
                    return Ok(Err(reject(
                        RejectCode::InvalidValue,
                        "a post's visibility is chosen when posting and cannot be changed; delete the post and post it again",
                    )));
                }
            }
        }
        if streams::is_post_child(&info.name) {
            let (old, new) = (stored_columns.and_then(|c| c.get("post_id")), columns.get("post_id"));
            if old.is_some() && new.is_some() && old != new {
                return Ok(Err(reject(RejectCode::InvalidValue, format!("a {} row stays on the post it was made on", info.name))));
            }
        }
        // Whose row a follow, like or comment reaches: the followee, the post's author.
        let other = match info.name.as_str() {
            "follows" => rights::column(Some(columns), stored_columns, "followee_id").map(str::to_string),
            "post_likes" | "post_comments" => {
                let post = rights::column(Some(columns), stored_columns, "post_id").map(str::to_string);
                match post {
                    Some(post) => self.live_owner("posts", &post).await?.map(|o| o.to_string()),
                    None => None,
                }
            }
            _ => None,
        };
        let me = self.account.to_string();
        if let Some(other) = other.filter(|o| *o != me) {
            if self.blocks(&other, &me).await? || self.blocks(&me, &other).await? {
                return Ok(Err(reject(RejectCode::Forbidden, "this account may not follow, like or comment here: one of the two accounts blocks the other")));
            }
        }
        Ok(Ok(()))
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
        if info.name == "workflows" {
            if let Some(decided) = self.request_rights(change, stored).await? {
                return Ok(decided);
            }
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
        if info.name == "dashboard_shares" && change.op != Op::Delete && self.shares_with_owner(new_columns, old_columns).await? {
            return Ok(Err(reject(RejectCode::InvalidValue, "a dashboard cannot be shared with its owner, who already has every right on it")));
        }
        Ok(Ok(()))
    }

    /// A share row whose grantee is the dashboard's owner (refused: it would grant nothing,
    /// and a later "revoke" would look like it took the owner's dashboard away).
    async fn shares_with_owner(&mut self, new: Option<&Map<String, Value>>, old: Option<&Map<String, Value>>) -> Result<bool, ApiError> {
        let (Some(dashboard), Some(grantee)) = (column(new, old, "dashboard_id"), column(new, old, "user_id")) else { return Ok(false) };
        let (dashboard, grantee) = (dashboard.to_string(), Uuid::parse_str(grantee).ok());
        Ok(grantee.is_some() && self.live_owner("dashboards", &dashboard).await? == grantee)
    }

    /// An access request (a `workflows` row naming an approver other than its requester,
    /// in `r:<approver>:<requester>`, docs/sync.md §9.2), `None` for any other workflow
    /// (a private row). Requester, approver and type are fixed. The requester sends it
    /// `pending`, for a dashboard it reads (shared or public) whose owner is the approver,
    /// may change its priority and details while it is pending, mark a decided one
    /// `completed`, or withdraw it (delete); the approver only decides a pending one
    /// (`approved` or `rejected`, with `resolved_at`).
    async fn request_rights(&mut self, change: &Change, stored: Option<&Stored>) -> Result<Option<Result<(), Reject>>, ApiError> {
        let new = change.columns.as_ref();
        let old = stored.filter(|s| s.state.alive()).map(|s| &s.state.columns);
        let (requester, approver) = (column(new, old, "requester_id").map(str::to_string), column(new, old, "approver_id").map(str::to_string));
        let was_request = stored.is_some_and(|s| s.stream.starts_with("r:"));
        if !was_request && (approver.is_none() || approver == requester) {
            return Ok(None);
        }
        if let (Some(new), Some(old)) = (new, old) {
            if ["requester_id", "approver_id", "type"].iter().any(|c| new.get(*c).is_some_and(|v| Some(v) != old.get(*c))) {
                return Ok(Some(Err(reject(RejectCode::InvalidValue, "an access request's requester, approver and type are fixed when it is sent"))));
            }
        }
        let me = self.account.to_string();
        let word = |columns: Option<&Map<String, Value>>| columns.and_then(|c| c.get("status")).and_then(Value::as_str).map(str::to_string);
        let (was, now) = (word(old), word(new));
        let only = |allowed: &[&str]| new.is_none_or(|n| n.keys().all(|k| allowed.contains(&k.as_str())));
        let decided = |w: &Option<String>| matches!(w.as_deref(), Some("approved" | "rejected"));
        if requester.as_deref() == Some(me.as_str()) {
            return Ok(Some(match (change.op, old) {
                (Op::Delete, _) => Ok(()),
                (_, None) => self.check_new_request(new, approver.as_deref()).await?,
                _ if was.as_deref() == Some("pending") && only(&["priority", "details", "updated_at"]) => Ok(()),
                _ if decided(&was) && now.as_deref() == Some("completed") && only(&["status", "updated_at"]) => Ok(()),
                _ => Err(reject(RejectCode::Forbidden, "the requester may change a pending request's priority and message, or close a decided one")),
            }));
        }
        let decides = approver.as_deref() == Some(me.as_str()) && change.op != Op::Delete && old.is_some();
        if decides && was.as_deref() == Some("pending") && decided(&now) && only(&["status", "resolved_at", "updated_at"]) {
            return Ok(Some(Ok(())));
        }
        Ok(Some(Err(forbidden())))
    }

    /// A new access request: pending, unresolved, `dashboard_access` for a dashboard the
    /// requester reads, sent to that dashboard's owner.
    async fn check_new_request(&mut self, new: Option<&Map<String, Value>>, approver: Option<&str>) -> Result<Result<(), Reject>, ApiError> {
        let text = |name: &str| new.and_then(|n| n.get(name)).and_then(Value::as_str);
        if text("status").is_some_and(|s| s != "pending") || text("resolved_at").is_some() {
            return Ok(Err(reject(RejectCode::InvalidValue, "an access request is sent pending; only its approver decides it")));
        }
        if text("type") != Some("dashboard_access") {
            return Ok(Err(reject(RejectCode::InvalidValue, "a workflow sent to another account must be a dashboard_access request")));
        }
        let details: Option<Value> = text("details").and_then(|d| serde_json::from_str(d).ok());
        let Some(dashboard) = details.as_ref().and_then(|d| d.get("dashboard_id")).and_then(Value::as_str).map(str::to_string) else {
            return Ok(Err(reject(RejectCode::InvalidValue, "an access request names its dashboard in details.dashboard_id")));
        };
        let owner = self.live_owner("dashboards", &dashboard).await?;
        if owner.map(|o| o.to_string()).as_deref() != approver || !self.can_read(&rights::dashboard_stream(&dashboard)).await? {
            // Whether the dashboard exists is not told to an account that cannot read it.
            return Ok(Err(reject(RejectCode::FkMissing, "the request's dashboard is not one this account reads, or its approver is not its owner")));
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
            if parent.is_none() && studydesk_sync::catalog::shipped_marker(&fk.parent).is_some() {
                continue; // a shipped row (a Unicode emoji): on every device, never here
            }
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
    let own = rights::private_stream(account);
    match class {
        // Public-class rows: a post (and its children) may live in a followers-only stream
        // or, posted for its author only, in the author's private stream.
        Class::Public => stream == streams::PUBLIC || stream.starts_with("f:") || stream == own,
        _ => stream == own,
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
    about: Vec<Option<Uuid>>,
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
        self.about.push(entry.about);
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
            "INSERT INTO changes(stream, seq, table_name, row_id, op, columns, hlc, device_id, cl, author, batch_id, about)
             SELECT s, q, t, r, o, c, h, d, l, $10, $11, a
             FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::text[], $9::int[], $12::uuid[])
               AS x(s, q, t, r, o, c, h, d, l, a)",
        )
        .await?;
    tx.execute(
        &insert,
        &[&rows.stream, &rows.seq, &rows.table, &rows.row_id, &rows.op, &rows.columns, &rows.hlc, &rows.device, &rows.cl, &account, &batch_id, &rows.about],
    )
    .await?;
    Ok(())
}
