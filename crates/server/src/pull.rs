//! `GET /v1/pull?cursor=&limit=`: the changes after the cursor in the streams the account
//! may read now (docs/sync.md §5.4), in the order public, own, dashboards, so a parent
//! always arrives no later than its children. The heads of those streams are read in one
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
use futures_util::TryStreamExt;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
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

#[derive(serde::Deserialize)]
pub struct PullQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

fn decode_cursor(cursor: Option<&str>) -> Result<BTreeMap<String, i64>, ApiError> {
    let Some(text) = cursor.filter(|c| !c.is_empty()) else { return Ok(BTreeMap::new()) };
    let bad = || ApiError::new(axum::http::StatusCode::BAD_REQUEST, "bad_cursor", "the cursor is not one this server made; pull from the start");
    if text.len() > 4096 {
        return Err(bad());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if value.get("v") != Some(&Value::from(1)) {
        return Err(bad());
    }
    let positions = value.get("s").and_then(Value::as_object).ok_or_else(bad)?;
    positions.iter().map(|(k, v)| v.as_i64().filter(|n| *n >= 0).map(|n| (k.clone(), n)).ok_or_else(bad)).collect()
}

fn encode_cursor(positions: &BTreeMap<String, i64>) -> String {
    let value = serde_json::json!({ "v": 1, "s": positions });
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
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
    let mut positions = decode_cursor(query.cursor.as_deref())?;
    let permit = tokio::time::timeout(PULL_WAIT, state.pulls.clone().acquire_owned())
        .await
        .map_err(|_| ApiError { retry_after: Some(2), ..ApiError::unavailable("the server is busy sending other pages; try again shortly") })?
        .map_err(|_| ApiError::unavailable("shutting down"))?;
    let client = state.pool.get().await?;
    let streams = rights::readable_streams(&client, caller.account).await?;
    let revoked: Vec<String> = positions.keys().filter(|s| !streams.iter().any(|r| &r.id == *s)).cloned().collect();
    for s in &revoked {
        positions.remove(s);
    }
    let ids: Vec<&str> = streams.iter().map(|s| s.id.as_str()).collect();
    let heads_statement = client.prepare_cached("SELECT id, next_seq - 1 FROM streams WHERE id = ANY($1)").await?;
    let heads: BTreeMap<String, i64> = client
        .query(&heads_statement, &[&ids])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let page = Page { streams, positions, heads, revoked, limit, max_bytes: state.config.max_pull_bytes };
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
                "SELECT seq, table_name, row_id, op, columns::text, hlc, device_id, cl FROM changes
                 WHERE stream = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4",
            )
            .await?;
        let streams = std::mem::take(&mut self.streams);
        for stream in &streams {
            if self.write_stream(client, &statement, stream, &mut out).await? {
                break;
            }
        }
        // `heads` holds the readable streams only: one whose head is ahead of the reader
        // still has changes, whether this page reached it or stopped before.
        let trailer = serde_json::json!({
            "next_cursor": encode_cursor(&self.positions),
            "has_more": self.heads.iter().any(|(id, head)| self.position(id) < *head),
            "revoked_streams": self.revoked,
            "server_time_ms": crate::now_ms(),
        });
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

    /// Writes the changes of one stream after the reader's position; `true` when the page
    /// is full (by count or by bytes).
    async fn write_stream(
        &mut self,
        client: &deadpool_postgres::Client,
        statement: &tokio_postgres::Statement,
        stream: &ReadableStream,
        out: &mut Out<'_>,
    ) -> Result<bool, PageError> {
        let (from, head) = (self.position(&stream.id), self.head(&stream.id));
        let room = (self.limit - out.changes) as i64;
        if room == 0 || out.change_bytes >= self.max_bytes {
            return Ok(true);
        }
        if from >= head {
            return Ok(false);
        }
        let params: [&(dyn ToSql + Sync); 4] = [&stream.id, &from, &head, &room];
        let rows = client.query_raw(statement, params).await?;
        futures_util::pin_mut!(rows);
        let mut change = Vec::new();
        while let Some(row) = rows.try_next().await? {
            change.clear();
            let seq: i64 = row.get(0);
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
            self.positions.insert(stream.id.clone(), seq);
            if out.buffer.len() >= CHUNK_BYTES {
                out.flush().await?;
            }
        }
        Ok(out.changes >= self.limit)
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
