//! `GET /v1/pull?cursor=&limit=`: the changes after the cursor in the streams the account
//! may read now (docs/sync.md §5.4), in the order public, own, dashboards, so a parent
//! always arrives no later than its children. The heads of those streams are read in one
//! statement first; a seq at or below a head has committed (counters are held until
//! COMMIT), so a page never has a hole. The cursor is opaque base64url JSON
//! `{"v":1,"s":{stream: last seq}}`; a stream that is no longer readable is reported in
//! `revoked_streams` and dropped from it.

use crate::auth::Caller;
use crate::push::check_schema;
use crate::{rights, ApiError, Shared};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::Json;
use base64::Engine;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use studydesk_sync::wire::{Op, PullPage, PulledChange, MAX_BATCH_CHANGES};

const DEFAULT_LIMIT: usize = 500;

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
) -> Result<Json<PullPage>, ApiError> {
    check_schema(&headers)?;
    let Query(query) = query.map_err(|e| ApiError::bad_request(format!("bad query string: {}", e.body_text())))?;
    let limit = match query.limit.as_deref() {
        None => DEFAULT_LIMIT,
        Some(l) => l.parse::<usize>().ok().filter(|n| (1..=MAX_BATCH_CHANGES).contains(n)).ok_or_else(|| ApiError::invalid("limit must be 1 to 1000"))?,
    };
    let mut positions = decode_cursor(query.cursor.as_deref())?;
    let client = state.pool.get().await?;
    let streams = rights::readable_streams(&**client, caller.account).await?;
    let revoked: Vec<String> = positions.keys().filter(|s| !streams.contains(s)).cloned().collect();
    for s in &revoked {
        positions.remove(s);
    }
    let heads: BTreeMap<String, i64> = client
        .query("SELECT id, next_seq - 1 FROM streams WHERE id = ANY($1)", &[&streams])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut changes = Vec::new();
    for stream in &streams {
        let from = positions.get(stream).copied().unwrap_or(0);
        let head = heads.get(stream).copied().unwrap_or(0);
        let room = limit - changes.len();
        if room == 0 || from >= head {
            continue;
        }
        let rows = client
            .query(
                "SELECT seq, table_name, row_id, op, columns, hlc, device_id, cl FROM changes
                 WHERE stream = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4",
                &[stream, &from, &head, &(room as i64)],
            )
            .await?;
        for r in rows {
            let seq: i64 = r.get(0);
            let columns: Option<Value> = r.get(4);
            changes.push(PulledChange {
                stream: stream.clone(),
                seq,
                table: r.get(1),
                row_id: r.get(2),
                op: Op::parse(r.get(3)).unwrap_or(Op::Update),
                columns: columns.and_then(|c| c.as_object().cloned()).map(|c: Map<String, Value>| c),
                hlc: r.get(5),
                device_id: r.get(6),
                cl: i64::from(r.get::<_, i32>(7)),
            });
            positions.insert(stream.clone(), seq);
        }
    }
    let has_more = streams.iter().any(|s| positions.get(s).copied().unwrap_or(0) < heads.get(s).copied().unwrap_or(0));
    Ok(Json(PullPage { changes, next_cursor: encode_cursor(&positions), has_more, revoked_streams: revoked, server_time_ms: crate::now_ms() }))
}
