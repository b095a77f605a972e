//! `GET /v1/pull?cursor=&limit=`: the changes after the cursor in the streams the account
//! may read now (docs/sync.md §5.4), in the order public, own, followers-only (own and
//! followed authors'), dashboards, so a parent always arrives no later than its children. The heads of those streams are read in one
//! statement first; a seq at or below a head has committed (counters are held until
//! COMMIT), so a page never has a hole. The cursor is opaque base64url JSON
//! `{"v":1,"s":{stream: last seq}}`; a stream that is no longer readable is reported in
//! `revoked_streams` and dropped from it.
//!
//! A page is bounded twice: at most `limit` changes (1 to 1,000) and at most
//! `Config::max_pull_bytes` bytes of changes (default `studydesk_sync::MAX_PULL_PAGE_BYTES`,
//! 4 MiB), with at least one change whatever its size (a row is at most 1 MiB). It is
//! streamed: rows are read from PostgreSQL as they come and written to the answer in
//! chunks through a small bounded channel, so a page costs the server a chunk of memory,
//! not the page, and a slow reader slows only its own pull. `changes` comes first and the
//! fields that depend on where the page stopped (`next_cursor`, `has_more`) after it.
//! At most `PULL_STREAMS` pages stream at once (each holds a database connection); a
//! pull that cannot start within `PULL_WAIT` is answered 503 with Retry-After, and a page
//! its reader has not taken within `PULL_STREAM_TIMEOUT` is cut (the device pulls again
//! from its last complete page).
//! Every change's columns pass [`rights::visible_columns`] for the reader.
//!
//! Blocks (docs/sync.md §9): in `public` and the `f:` streams, a change written by an
//! account that blocks the reader, or a like or comment on such an account's post
//! (`changes.about`), made after the block began, is left out. The page then lists the
//! seqs it passed over in `skipped` (ranges per stream), so the device still sees every
//! stream gap-free and moves its position over them; a gap nothing explains stays an error.
//! A page examines at most [`MAX_EXAMINED`] changes, so a long run of left-out changes
//! costs several short pages, never one long one.
//!
//! Public dashboards (docs/sync.md §9.2): an account reading a dashboard's stream only
//! because it is public gets its dashboard and widgets but not its shares and reports
//! (left out as above), and its cursor keeps that stream under `p:<dashboard>`
//! ([`ReadableStream::cursor_key`]): when the account becomes a grantee, or the share ends
//! while the dashboard stays public, the old key is reported revoked (as `d:<dashboard>`,
//! the stream the device knows) and the stream is read again from its start.

use crate::auth::Caller;
use crate::push::check_schema;
use crate::rights::ReadableStream;
use crate::{rights, ApiError, Shared};
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::Digest;
use futures_util::TryStreamExt;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use studydesk_sync::wire::MAX_BATCH_CHANGES;
use tokio::sync::mpsc;
use tokio_postgres::types::ToSql;

const DEFAULT_LIMIT: usize = 500;
/// Pages streaming at once, each on its own database connection (the pool has 16).
pub const PULL_STREAMS: usize = 8;
/// How long a pull waits for its turn before the server answers 503.
const PULL_WAIT: Duration = Duration::from_secs(10);
/// How long a reader may take to receive one page.
const PULL_STREAM_TIMEOUT: Duration = Duration::from_secs(120);
/// Bytes gathered before they are handed to the connection.
const CHUNK_BYTES: usize = 64 * 1024;
/// The most changes one page reads from the log, sent or left out.
const MAX_EXAMINED: usize = 20_000;

#[derive(serde::Deserialize)]
pub struct PullQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

/// The longest cursor sent as it is; a longer one is kept in `pull_cursors` and the
/// cursor names it (see [`Cursor`]).
const INLINE_CURSOR: usize = 2048;

/// What a cursor says: the positions themselves, or the key of positions kept on the server.
///
/// A cursor holds one position per stream the account has read, and an account following
/// many authors reads one `f:` stream per author: past about 30 streams the positions no
/// longer fit the 4 KiB a cursor may be in a query string (found by a measurement: 200
/// followed authors made a cursor of 13 KiB). Such positions are stored in `pull_cursors`
/// under the SHA-256 of (account, positions) and the cursor carries that key, so a cursor
/// stays small and is still immutable: a page fetched again with the same cursor reads the
/// same positions, and a device whose positions did not move makes no new row.
enum Cursor {
    Inline(BTreeMap<String, i64>),
    Stored(Vec<u8>),
}

fn bad_cursor() -> ApiError {
    ApiError::new(axum::http::StatusCode::BAD_REQUEST, "bad_cursor", "the cursor is not one this server made; pull from the start")
}

fn decode_cursor(cursor: Option<&str>) -> Result<Cursor, ApiError> {
    let Some(text) = cursor.filter(|c| !c.is_empty()) else { return Ok(Cursor::Inline(BTreeMap::new())) };
    if text.len() > 4096 {
        return Err(bad_cursor());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).map_err(|_| bad_cursor())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| bad_cursor())?;
    if value.get("v") != Some(&Value::from(1)) {
        return Err(bad_cursor());
    }
    if let Some(key) = value.get("k").and_then(Value::as_str) {
        let key = (0..key.len())
            .step_by(2)
            .map(|i| key.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect::<Option<Vec<u8>>>()
            .filter(|k| k.len() == 32)
            .ok_or_else(bad_cursor)?;
        return Ok(Cursor::Stored(key));
    }
    positions_of(value.get("s")).map(Cursor::Inline)
}

fn positions_of(value: Option<&Value>) -> Result<BTreeMap<String, i64>, ApiError> {
    let positions = value.and_then(Value::as_object).ok_or_else(bad_cursor)?;
    positions.iter().map(|(k, v)| v.as_i64().filter(|n| *n >= 0).map(|n| (k.clone(), n)).ok_or_else(bad_cursor)).collect()
}

/// The positions a cursor names (a stored cursor is read back, for its account only).
async fn resolve_cursor(client: &deadpool_postgres::Client, account: uuid::Uuid, cursor: Cursor) -> Result<BTreeMap<String, i64>, ApiError> {
    match cursor {
        Cursor::Inline(positions) => Ok(positions),
        Cursor::Stored(key) => {
            let statement = client.prepare_cached("SELECT positions FROM pull_cursors WHERE key = $1 AND account = $2").await?;
            let row = client.query_opt(&statement, &[&key, &account]).await?.ok_or_else(bad_cursor)?;
            positions_of(Some(&row.get::<_, Value>(0)))
        }
    }
}

/// The cursor of `positions`: inline when short, else stored (see [`Cursor`]).
async fn encode_cursor(client: &deadpool_postgres::Client, account: uuid::Uuid, positions: &BTreeMap<String, i64>) -> Result<String, tokio_postgres::Error> {
    let inline = serde_json::json!({ "v": 1, "s": positions });
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(inline.to_string());
    if text.len() <= INLINE_CURSOR {
        return Ok(text);
    }
    let stored = serde_json::to_value(positions).unwrap_or_default();
    let mut hash = sha2::Sha256::new();
    sha2::Digest::update(&mut hash, account.as_bytes());
    sha2::Digest::update(&mut hash, stored.to_string().as_bytes());
    let key = sha2::Digest::finalize(hash).to_vec();
    let statement = client
        .prepare_cached("INSERT INTO pull_cursors(key, account, positions) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING")
        .await?;
    client.execute(&statement, &[&key, &account, &stored]).await?;
    let name = serde_json::json!({ "v": 1, "k": studydesk_sync::content_hash_text(&key) });
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(name.to_string()))
}

pub async fn pull(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    check_schema(&headers)?;
    let Query(query) = query.map_err(|e| ApiError::bad_request(format!("bad query string: {}", e.body_text())))?;
    let limit = match query.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(l) => l.parse::<usize>().ok().filter(|n| (1..=MAX_BATCH_CHANGES).contains(n)).ok_or_else(|| ApiError::invalid("limit must be 1 to 1000"))?,
    };
    let cursor = decode_cursor(query.cursor.as_deref())?;
    let permit = tokio::time::timeout(PULL_WAIT, state.pulls.clone().acquire_owned())
        .await
        .map_err(|_| ApiError { retry_after: Some(2), ..ApiError::unavailable("the server is busy sending other pages; try again shortly") })?
        .map_err(|_| ApiError::unavailable("shutting down"))?;
    let client = state.pool.get().await?;
    let mut positions = resolve_cursor(&client, caller.account, cursor).await?;
    let (streams, blockers) =
        tokio::try_join!(rights::readable_streams(&client, caller.account), rights::blockers_of(&client, caller.account))?;
    let keys: Vec<String> = streams.iter().map(ReadableStream::cursor_key).collect();
    let revoked_keys: Vec<String> = positions.keys().filter(|k| !keys.contains(k)).cloned().collect();
    for k in &revoked_keys {
        positions.remove(k);
    }
    let mut revoked: Vec<String> = revoked_keys.iter().map(|k| rights::stream_of_cursor_key(k)).collect();
    revoked.dedup();
    let ids: Vec<&str> = streams.iter().map(|s| s.id.as_str()).collect();
    let heads_statement = client.prepare_cached("SELECT id, next_seq - 1 FROM streams WHERE id = ANY($1)").await?;
    let by_id: HashMap<String, i64> = client.query(&heads_statement, &[&ids]).await?.iter().map(|r| (r.get(0), r.get(1))).collect();
    // Heads by cursor key, as the positions are.
    let heads: BTreeMap<String, i64> =
        streams.iter().zip(&keys).filter_map(|(s, key)| by_id.get(&s.id).map(|head| (key.clone(), *head))).collect();
    let page = Page {
        streams,
        positions,
        heads,
        revoked,
        limit,
        max_bytes: state.config.max_pull_bytes,
        reader: caller.account,
        blockers,
        skipped: vec![],
        examined: 0,
    };
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    tokio::spawn(async move {
        let _permit = permit; // held until the page is sent or cut
        let written = tokio::time::timeout(PULL_STREAM_TIMEOUT, page.write(&client, &sender)).await;
        let failure = match written {
            Ok(Ok(())) => return,
            Ok(Err(PageError::ReaderGone)) => return,
            // PostgreSQL's message only, never its DETAIL (which can quote a row).
            Ok(Err(PageError::Database(e))) => {
                format!("the database failed mid-page: {}", e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string()))
            }
            Err(_) => "the reader did not take the page in time".to_string(),
        };
        tracing::warn!(error = %failure, "pull page cut");
        // An error item makes hyper abort the body: the device sees a broken page, never a
        // short one it could take for whole.
        let _ = sender.send(Err(std::io::Error::other(failure))).await;
    });
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) });
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], Body::from_stream(body)).into_response())
}

enum PageError {
    /// The connection was closed before the page was sent: nothing to do.
    ReaderGone,
    Database(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for PageError {
    fn from(e: tokio_postgres::Error) -> Self {
        PageError::Database(e)
    }
}

/// One page to send: what the reader may read, where it stands, and the bounds.
struct Page {
    streams: Vec<ReadableStream>,
    positions: BTreeMap<String, i64>,
    heads: BTreeMap<String, i64>,
    revoked: Vec<String>,
    limit: usize,
    max_bytes: usize,
    reader: uuid::Uuid,
    /// Accounts that block the reader, and since when (server time).
    blockers: HashMap<uuid::Uuid, chrono::DateTime<chrono::Utc>>,
    /// Seqs passed over, as (stream, first, last), consecutive ones merged.
    skipped: Vec<(String, i64, i64)>,
    /// Changes read from the log for this page, sent or left out.
    examined: usize,
}

/// The answer as it is written: the chunk being filled and what the page holds so far.
struct Out<'a> {
    sender: &'a mpsc::Sender<Result<Bytes, std::io::Error>>,
    buffer: Vec<u8>,
    changes: usize,
    change_bytes: usize,
}

impl Out<'_> {
    async fn flush(&mut self) -> Result<(), PageError> {
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK_BYTES)));
        self.sender.send(Ok(chunk)).await.map_err(|_| PageError::ReaderGone)
    }
}

impl Page {
    async fn write(mut self, client: &deadpool_postgres::Client, sender: &mpsc::Sender<Result<Bytes, std::io::Error>>) -> Result<(), PageError> {
        let mut out = Out { sender, buffer: Vec::with_capacity(CHUNK_BYTES), changes: 0, change_bytes: 0 };
        out.buffer.extend_from_slice(b"{\"changes\":[");
        let statement = client
            .prepare_cached(
                "SELECT seq, table_name, row_id, op, columns::text, hlc, device_id, cl, author, about, at FROM changes
                 WHERE stream = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4",
            )
            .await?;
        let streams = std::mem::take(&mut self.streams);
        for stream in &streams {
            // Read again under another key (a public reader became a grantee, or back):
            // this page only says it was revoked, so the device forgets it before reading
            // it from the start on the next page (`has_more` stays true).
            if self.revoked.contains(&stream.id) {
                continue;
            }
            if self.write_stream(client, &statement, stream, &mut out).await? {
                break;
            }
        }
        // `heads` holds the readable streams only: one whose head is ahead of the reader
        // still has changes, whether this page reached it or stopped before.
        let mut trailer = serde_json::json!({
            "next_cursor": encode_cursor(client, self.reader, &self.positions).await?,
            "has_more": self.heads.iter().any(|(id, head)| self.position(id) < *head),
            "revoked_streams": self.revoked,
            "server_time_ms": crate::now_ms(),
        });
        if !self.skipped.is_empty() {
            let ranges: Vec<Value> =
                self.skipped.iter().map(|(stream, first, last)| serde_json::json!({"stream": stream, "first": first, "last": last})).collect();
            trailer["skipped"] = Value::Array(ranges);
        }
        out.buffer.extend_from_slice(b"],");
        let trailer = trailer.to_string();
        out.buffer.extend_from_slice(&trailer.as_bytes()[1..]); // the object's fields, after the changes
        out.flush().await
    }

    fn position(&self, stream: &str) -> i64 {
        self.positions.get(stream).copied().unwrap_or(0)
    }

    fn head(&self, stream: &str) -> i64 {
        self.heads.get(stream).copied().unwrap_or(0)
    }

    /// Whether the reader may not be sent this change of `stream`: a table a public-only
    /// reader does not get ([`ReadableStream::leaves_out`]); in `public` and the
    /// followers-only streams, a change written by an account that blocks the reader, or
    /// about such an account's post, made after the block began. The reader's own changes
    /// always go to its devices.
    fn left_out(&self, readable: &ReadableStream, row: &tokio_postgres::Row) -> bool {
        if readable.leaves_out(row.get(1)) {
            return true;
        }
        let stream = readable.id.as_str();
        if self.blockers.is_empty() || !(stream == studydesk_sync::streams::PUBLIC || stream.starts_with("f:")) {
            return false;
        }
        let author: uuid::Uuid = row.get(8);
        if author == self.reader {
            return false;
        }
        let at: chrono::DateTime<chrono::Utc> = row.get(10);
        let about: Option<uuid::Uuid> = row.get(9);
        [Some(author), about].into_iter().flatten().any(|who| self.blockers.get(&who).is_some_and(|since| at >= *since))
    }

    fn skip(&mut self, stream: &ReadableStream, key: &str, seq: i64) {
        match self.skipped.last_mut() {
            Some((s, _, last)) if *s == stream.id && *last + 1 == seq => *last = seq,
            _ => self.skipped.push((stream.id.clone(), seq, seq)),
        }
        self.positions.insert(key.to_string(), seq);
    }

    /// Writes the changes of one stream after the reader's position; `true` when the page
    /// is full (by count, by bytes, or by changes examined).
    async fn write_stream(
        &mut self,
        client: &deadpool_postgres::Client,
        statement: &tokio_postgres::Statement,
        stream: &ReadableStream,
        out: &mut Out<'_>,
    ) -> Result<bool, PageError> {
        let key = stream.cursor_key();
        loop {
            let (from, head) = (self.position(&key), self.head(&key));
            let room = (self.limit - out.changes) as i64;
            if room == 0 || out.change_bytes >= self.max_bytes || self.examined >= MAX_EXAMINED {
                return Ok(true);
            }
            if from >= head {
                return Ok(false);
            }
            let params: [&(dyn ToSql + Sync); 4] = [&stream.id, &from, &head, &room];
            let rows = client.query_raw(statement, params).await?;
            futures_util::pin_mut!(rows);
            let (mut read, mut left_out) = (0, 0);
            let mut change = Vec::new();
            while let Some(row) = rows.try_next().await? {
                read += 1;
                self.examined += 1;
                let seq: i64 = row.get(0);
                if self.left_out(stream, &row) {
                    left_out += 1;
                    self.skip(stream, &key, seq);
                    continue;
                }
                change.clear();
                write_change(&mut change, &stream.id, seq, &row, stream.owned);
                if out.changes > 0 && out.change_bytes + change.len() > self.max_bytes {
                    return Ok(true);
                }
                if out.changes > 0 {
                    out.buffer.push(b',');
                }
                out.buffer.extend_from_slice(&change);
                out.changes += 1;
                out.change_bytes += change.len();
                self.positions.insert(key.clone(), seq);
                if out.buffer.len() >= CHUNK_BYTES {
                    out.flush().await?;
                }
            }
            // Every change read was sent (the page is full, or the stream was read to its
            // head), or fewer came than asked for (the head is reached): this stream is done
            // for this page. Else changes were left out and there is room for more.
            if left_out == 0 || read < room {
                return Ok(out.changes >= self.limit);
            }
        }
    }
}

/// One change as JSON (`PulledChange`), its columns as PostgreSQL stored them unless the
/// table has columns only the owner may read and the reader does not own the stream.
fn write_change(out: &mut Vec<u8>, stream: &str, seq: i64, row: &tokio_postgres::Row, owned: bool) {
    let table: &str = row.get(1);
    let columns: Option<&str> = row.get(4);
    let text = |out: &mut Vec<u8>, s: &str| {
        // Writing a str to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    };
    out.extend_from_slice(b"{\"stream\":");
    text(out, stream);
    out.extend_from_slice(format!(",\"seq\":{seq},\"table\":").as_bytes());
    text(out, table);
    out.extend_from_slice(b",\"row_id\":");
    text(out, row.get(2));
    out.extend_from_slice(b",\"op\":");
    text(out, row.get(3));
    out.extend_from_slice(b",\"columns\":");
    match columns {
        None => out.extend_from_slice(b"null"),
        Some(raw) if owned || !rights::has_owner_only_columns(table) => out.extend_from_slice(raw.as_bytes()),
        Some(raw) => {
            let parsed: Map<String, Value> = serde_json::from_str(raw).unwrap_or_default();
            let _ = serde_json::to_writer(&mut *out, &rights::visible_columns(table, parsed, false));
        }
    }
    out.extend_from_slice(b",\"hlc\":");
    text(out, row.get(5));
    out.extend_from_slice(b",\"device_id\":");
    text(out, row.get(6));
    out.extend_from_slice(format!(",\"cl\":{}}}", row.get::<_, i32>(7)).as_bytes());
}
