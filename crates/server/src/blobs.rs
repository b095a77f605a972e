//! Attachment files ("blobs"): `PUT`, `GET` and `HEAD /v1/blobs/{content_hash}`.
//!
//! Content-addressed per account: the key is (account, lower-case hex SHA-256 of the
//! bytes), so a blob belongs to the account that uploaded it, and its own upload of a hash
//! another account holds is its own copy. Tables: `migrations/V2__blobs.sql`.
//!
//! Who may download it (docs/sync.md §16.2): the uploader, and every account that may
//! read a live row of the uploader that names the file (`attachment:<sha256>.<ext>`,
//! `studydesk_sync::media`; found through `blob_refs`, V7): a post's media in its post's
//! stream (public: any account; `f:<author>`: the author and its effective followers;
//! `u:<author>`: the author only) and a profile's avatar and banner (public), never
//! across a block by the uploader. Every other blob stays private: anyone else gets the
//! same 404 as for a hash nobody stored. HEAD and PUT speak of the caller's own copy.
//!
//! Nothing holds a whole blob in memory (up to 512 MiB by default):
//! - an upload reads its body frame by frame, hashes it and writes it into `blob_chunks` in
//!   1 MiB rows, all in one transaction that claims the `blobs` row first (so two
//!   concurrent uploads of one blob end with one copy, the second answering 200) and
//!   commits only when the hash matches, the size is within `max_blob_bytes` and the
//!   account's blobs stay within `blob_quota_bytes` (checked under a per-account advisory
//!   lock, so concurrent uploads cannot overshoot it together);
//! - a download answers Content-Length from the `blobs` row and streams the chunks one query
//!   at a time, each on a pooled connection taken for that chunk only, so a slow reader holds
//!   no connection between chunks and hyper's backpressure bounds the memory to a chunk or two;
//! - HEAD reads the `blobs` row only.
//!
//! The bytes are never logged; logs name the account, the hash and sizes.

use crate::auth::Caller;
use crate::{ApiError, Shared};
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, RequestExt};
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use std::time::Duration;
use studydesk_sync::streams::Stream;
use studydesk_sync::wire::BlobInfo;
use uuid::Uuid;

/// Bytes per `blob_chunks` row (the last chunk of a blob is shorter).
pub const CHUNK_BYTES: usize = 1024 * 1024;
/// An upload that sends nothing for this long is dropped (its transaction rolled back), so a
/// stalled client cannot hold a pooled connection and an open transaction for ever.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Advisory lock class of "an account's blob quota" (the second key is the account's hash);
/// two-key advisory locks never collide with the one-key migration lock.
const QUOTA_LOCK_CLASS: i32 = 0x626c_6f62; // "blob"

const OCTET_STREAM: &str = "application/octet-stream";

/// The path's `content_hash`: exactly 64 lower-case hex characters.
fn content_hash(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(hash) = path.map_err(|e| ApiError::bad_request(format!("bad path: {}", e.body_text())))?;
    if studydesk_sync::is_content_hash(&hash) {
        Ok(hash)
    } else {
        let shown: String = hash.chars().take(80).collect();
        Err(ApiError::bad_request(format!(
            "\"{shown}\" is not a content hash: it must be the SHA-256 of the file as 64 lower-case hex characters"
        )))
    }
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "this account may read no file with that content hash")
}

fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the file is larger than this server's limit of {} ({limit} bytes); nothing was stored", mib(limit)),
    )
}

fn over_quota(used: u64, adding: u64, quota: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "quota_exceeded",
        format!(
            "this account's files would take {} of its {} on this server ({} stored, {} more); nothing was stored",
            mib(used.saturating_add(adding)),
            mib(quota),
            mib(used),
            mib(adding)
        ),
    )
}

fn empty() -> ApiError {
    ApiError::bad_request("the request body is empty: a file has at least one byte")
}

/// A size for a person: "3.2 MiB".
fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The size of this account's blob, if it has one (committed uploads only).
async fn stored_size(client: &deadpool_postgres::Client, account: Uuid, hash: &str) -> Result<Option<u64>, ApiError> {
    let row = client.query_opt("SELECT size_bytes FROM blobs WHERE account_id = $1 AND content_hash = $2", &[&account, &hash]).await?;
    Ok(row.map(|r| u64::try_from(r.get::<_, i64>(0)).unwrap_or(0)))
}

/// Bytes of this account's other blobs (committed ones: an upload in flight is not counted
/// until it commits, which is why the final check runs under the quota lock).
async fn used_by_others(tx: &deadpool_postgres::Transaction<'_>, account: Uuid, hash: &str) -> Result<u64, ApiError> {
    let row = tx
        .query_one(
            "SELECT coalesce(sum(size_bytes), 0)::bigint FROM blobs WHERE account_id = $1 AND content_hash <> $2",
            &[&account, &hash],
        )
        .await?;
    Ok(u64::try_from(row.get::<_, i64>(0)).unwrap_or(0))
}

fn declared_length(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    headers
        .get(header::CONTENT_LENGTH)
        .map(|v| v.to_str().ok().and_then(|t| t.trim().parse::<u64>().ok()))
        .map(|n| n.ok_or_else(|| ApiError::bad_request("the Content-Length header is not a number")))
        .transpose()
}

/// An upload's body as it is read: frame by frame, counted against `max_blob_bytes` and
/// hashed on the way.
struct Upload {
    body: Body,
    limit: u64,
    total: u64,
    hasher: Sha256,
}

impl Upload {
    /// The next bytes of the body, `None` at its end.
    async fn next(&mut self) -> Result<Option<Bytes>, ApiError> {
        loop {
            let frame = match tokio::time::timeout(IDLE_TIMEOUT, self.body.frame()).await {
                Err(_) => {
                    return Err(ApiError::bad_request(format!(
                        "the upload stalled: no data for {} s; nothing was stored",
                        IDLE_TIMEOUT.as_secs()
                    )))
                }
                Ok(None) => return Ok(None),
                Ok(Some(Err(e))) => {
                    let over = e.into_inner().downcast_ref::<http_body_util::LengthLimitError>().is_some();
                    return Err(if over {
                        too_large(self.limit)
                    } else {
                        ApiError::bad_request("the upload was cut off before its end; nothing was stored")
                    });
                }
                Ok(Some(Ok(frame))) => frame,
            };
            let Ok(data) = frame.into_data() else { continue }; // trailers: nothing to store
            self.total = self.total.saturating_add(data.len() as u64);
            if self.total > self.limit {
                return Err(too_large(self.limit));
            }
            self.hasher.update(&data);
            return Ok(Some(data));
        }
    }

    /// After the last frame: the body's size, if it is not empty and hashes to `expected`.
    fn finish(self, account: Uuid, expected: &str) -> Result<u64, ApiError> {
        if self.total == 0 {
            return Err(empty());
        }
        let computed = studydesk_sync::content_hash_text(&self.hasher.finalize());
        if computed != expected {
            tracing::info!(%account, expected = %expected, %computed, size = self.total, "blob refused: hash mismatch");
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "hash_mismatch",
                format!(
                    "the body's SHA-256 is {computed}, not the {expected} of the path (the file changed or was cut short); nothing was stored"
                ),
            ));
        }
        Ok(self.total)
    }
}

/// `PUT /v1/blobs/{content_hash}`: stores the body as this account's blob (201), or answers
/// 200 when the account has it already; the same `BlobInfo` either way.
pub async fn upload(
    State(state): State<Shared>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Result<Response, ApiError> {
    let hash = content_hash(path)?;
    let limit = state.config.max_blob_bytes;
    let quota = state.config.blob_quota_bytes;
    let declared = declared_length(request.headers())?;
    // Refused before a byte is read (a client that sent `Expect: 100-continue` never sends
    // the body at all).
    match declared {
        Some(n) if n > limit => return Err(too_large(limit)),
        Some(0) => return Err(empty()),
        _ => {}
    }
    // The route's DefaultBodyLimit is `max_blob_bytes`: the body errors past it, and
    // `Upload::next` counts it too.
    let upload = Upload { body: request.into_limited_body(), limit, total: 0, hasher: Sha256::new() };
    let account = caller.account;
    let mut client = state.pool.get().await?;
    if let Some(size) = stored_size(&client, account, &hash).await? {
        drop(client);
        return held_already(upload, account, hash, size).await;
    }
    let tx = client.transaction().await?;
    let placeholder = i64::try_from(declared.unwrap_or(0)).unwrap_or(0);
    // The claim (migrations/V2__blobs.sql): waits for a concurrent upload of the same blob to
    // commit or roll back.
    let claimed = tx
        .execute(
            "INSERT INTO blobs(account_id, content_hash, size_bytes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&account, &hash, &placeholder],
        )
        .await?;
    if claimed == 0 {
        // A concurrent upload of this blob committed first.
        let size = tx
            .query_opt("SELECT size_bytes FROM blobs WHERE account_id = $1 AND content_hash = $2", &[&account, &hash])
            .await?
            .map(|r| u64::try_from(r.get::<_, i64>(0)).unwrap_or(0))
            .ok_or_else(|| ApiError::unavailable("the file changed while it was uploaded; try again"))?;
        drop(tx);
        drop(client);
        return held_already(upload, account, hash, size).await;
    }
    store(tx, upload, account, hash, declared, quota).await
}

/// The account has this blob: the body is read and its hash checked (a wrong body is still
/// a 422), nothing is written, and the answer is 200.
async fn held_already(mut upload: Upload, account: Uuid, hash: String, size: u64) -> Result<Response, ApiError> {
    while upload.next().await?.is_some() {}
    upload.finish(account, &hash)?;
    Ok((StatusCode::OK, Json(BlobInfo { content_hash: hash, size_bytes: size })).into_response())
}

/// Writes the body into 1 MiB chunk rows inside `tx` (which holds the claimed `blobs` row)
/// and commits when the hash and the quota allow it; any refusal drops `tx`, rolling back.
async fn store(
    tx: deadpool_postgres::Transaction<'_>,
    mut upload: Upload,
    account: Uuid,
    hash: String,
    declared: Option<u64>,
    quota: u64,
) -> Result<Response, ApiError> {
    let others = used_by_others(&tx, account, &hash).await?;
    if let Some(n) = declared {
        if others.saturating_add(n) > quota {
            return Err(over_quota(others, n, quota));
        }
    }
    let insert = tx.prepare("INSERT INTO blob_chunks(account_id, content_hash, idx, data) VALUES ($1, $2, $3, $4)").await?;
    let mut chunk: Vec<u8> = Vec::with_capacity(CHUNK_BYTES);
    let mut idx: i32 = 0;
    while let Some(data) = upload.next().await? {
        if others.saturating_add(upload.total) > quota {
            return Err(over_quota(others, upload.total, quota));
        }
        let mut rest: &[u8] = &data;
        while !rest.is_empty() {
            let (now, later) = rest.split_at((CHUNK_BYTES - chunk.len()).min(rest.len()));
            chunk.extend_from_slice(now);
            rest = later;
            if chunk.len() == CHUNK_BYTES {
                tx.execute(&insert, &[&account, &hash, &idx, &chunk.as_slice()]).await?;
                chunk.clear();
                idx += 1;
            }
        }
    }
    let total = upload.finish(account, &hash)?;
    if !chunk.is_empty() {
        tx.execute(&insert, &[&account, &hash, &idx, &chunk.as_slice()]).await?;
    }
    // The authoritative quota check: past this lock (held to COMMIT) one upload of this
    // account at a time, each seeing the blobs the others committed.
    tx.execute("SELECT pg_advisory_xact_lock($1, hashtext($2::uuid::text))", &[&QUOTA_LOCK_CLASS, &account]).await?;
    let others = used_by_others(&tx, account, &hash).await?;
    if others.saturating_add(total) > quota {
        return Err(over_quota(others, total, quota));
    }
    let size = i64::try_from(total).map_err(|_| ApiError::invalid("the file is too large to store"))?;
    tx.execute("UPDATE blobs SET size_bytes = $3 WHERE account_id = $1 AND content_hash = $2", &[&account, &hash, &size]).await?;
    tx.commit().await?;
    tracing::info!(%account, content_hash = %hash, size = total, "blob stored");
    Ok((StatusCode::CREATED, Json(BlobInfo { content_hash: hash, size_bytes: total })).into_response())
}

fn octet_stream_headers(size: u64) -> [(header::HeaderName, HeaderValue); 2] {
    [(header::CONTENT_TYPE, HeaderValue::from_static(OCTET_STREAM)), (header::CONTENT_LENGTH, HeaderValue::from(size))]
}

/// `HEAD /v1/blobs/{content_hash}`: 200 with the blob's Content-Length, or 404; reads the
/// `blobs` row only.
pub async fn head(State(state): State<Shared>, caller: Caller, path: Result<Path<String>, PathRejection>) -> Result<Response, ApiError> {
    let hash = content_hash(path)?;
    let client = state.pool.get().await?;
    if let Some(size) = stored_size(&client, caller.account, &hash).await? {
        return Ok((StatusCode::OK, octet_stream_headers(size)).into_response());
    }
    // Not held: say what an upload may be, so a client skips one this server would refuse.
    // An upload refused before its body is read cuts the connection under a client still
    // sending it (reqwest then sees "receiver is gone", not the refusal).
    let row = client
        .query_one("SELECT coalesce(sum(size_bytes), 0)::bigint FROM blobs WHERE account_id = $1", &[&caller.account])
        .await?;
    let used = u64::try_from(row.get::<_, i64>(0)).unwrap_or(0);
    let free = state.config.blob_quota_bytes.saturating_sub(used);
    let headers = [
        (header::HeaderName::from_static(studydesk_sync::BLOB_MAX_BYTES_HEADER), HeaderValue::from(state.config.max_blob_bytes)),
        (header::HeaderName::from_static(studydesk_sync::BLOB_QUOTA_FREE_HEADER), HeaderValue::from(free)),
    ];
    Ok((StatusCode::NOT_FOUND, headers).into_response())
}

/// Where a download is: the next chunk to read and how many bytes went out.
struct Reading {
    state: Shared,
    account: Uuid,
    hash: String,
    size: u64,
    next_idx: i32,
    sent: u64,
}

impl Reading {
    async fn next_chunk(&mut self) -> Result<Bytes, ApiError> {
        let client = self.state.pool.get().await?;
        let statement = client.prepare_cached("SELECT data FROM blob_chunks WHERE account_id = $1 AND content_hash = $2 AND idx = $3").await?;
        let row = client.query_opt(&statement, &[&self.account, &self.hash, &self.next_idx]).await?;
        let data: &[u8] = row.as_ref().map(|r| r.get(0)).unwrap_or_default();
        if data.is_empty() || self.sent + data.len() as u64 > self.size {
            return Err(ApiError::unavailable(format!("chunk {} of the stored file is missing or does not fit its size", self.next_idx)));
        }
        self.next_idx += 1;
        self.sent += data.len() as u64;
        Ok(Bytes::copy_from_slice(data))
    }
}

/// The copy of `hash` this caller may read through a row that names it (see the module
/// docs): (uploader, size).
async fn shared_copy(client: &deadpool_postgres::Client, caller: Uuid, hash: &str) -> Result<Option<(Uuid, u64)>, ApiError> {
    let statement = client
        .prepare_cached(
            "SELECT r.table_name, r.stream, r.owner, r.columns, b.size_bytes
             FROM blob_refs x
             JOIN rows r ON r.table_name = x.table_name AND r.row_id = x.row_id AND r.cl % 2 = 1
             JOIN blobs b ON b.account_id = r.owner AND b.content_hash = x.content_hash
             WHERE x.content_hash = $1
             LIMIT 100",
        )
        .await?;
    let rows = client.query(&statement, &[&hash]).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let blockers = crate::rights::blockers_of(client, caller).await?;
    let me = caller.to_string();
    let mut followed: Option<Vec<String>> = None;
    for row in &rows {
        let (table, stream, owner): (String, String, Option<Uuid>) = (row.get(0), row.get(1), row.get(2));
        let columns: serde_json::Value = row.get(3);
        let Some(owner) = owner else { continue };
        let names_it = columns.as_object().is_some_and(|c| studydesk_sync::media::referenced(&table, c).iter().any(|h| h == hash));
        if !names_it || blockers.contains_key(&owner) {
            continue;
        }
        let readable = match studydesk_sync::streams::parse(&stream) {
            Some(Stream::Public) => true,
            Some(Stream::Private(account)) => account == me,
            Some(Stream::Followers(author)) => {
                if author == me {
                    true
                } else {
                    if followed.is_none() {
                        followed = Some(crate::rights::followed_authors(client, &me).await?);
                    }
                    followed.as_ref().is_some_and(|f| f.iter().any(|a| a == author))
                }
            }
            _ => false,
        };
        if readable {
            return Ok(Some((owner, u64::try_from(row.get::<_, i64>(4)).unwrap_or(0))));
        }
    }
    Ok(None)
}

/// `GET /v1/blobs/{content_hash}`: the blob's bytes, streamed chunk by chunk: the
/// caller's own copy, else one it may read through a row that names it.
pub async fn download(State(state): State<Shared>, caller: Caller, path: Result<Path<String>, PathRejection>) -> Result<Response, ApiError> {
    let hash = content_hash(path)?;
    let (account, size) = {
        let client = state.pool.get().await?;
        match stored_size(&client, caller.account, &hash).await? {
            Some(size) => (caller.account, size),
            None => shared_copy(&client, caller.account, &hash).await?.ok_or_else(not_found)?,
        }
    };
    let reading = Reading { state, account, hash, size, next_idx: 0, sent: 0 };
    // The status and Content-Length are sent before the first chunk is read: a chunk that
    // cannot be read later ends the stream with an error, and hyper cuts the connection, so
    // the client sees a body shorter than its Content-Length (never a wrong file).
    let stream = futures_util::stream::unfold(Some(reading), |reading| async move {
        let mut reading = reading?;
        if reading.sent >= reading.size {
            return None;
        }
        match reading.next_chunk().await {
            Ok(bytes) => Some((Ok(bytes), Some(reading))),
            Err(e) => {
                tracing::warn!(account = %reading.account, content_hash = %reading.hash, sent = reading.sent, error = %e.message, "blob download cut off");
                Some((Err(std::io::Error::other(e.message)), None))
            }
        }
    });
    Ok((StatusCode::OK, octet_stream_headers(size), Body::from_stream(stream)).into_response())
}
