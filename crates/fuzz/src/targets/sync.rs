//! The sync wire, both ways:
//! - as the server reads a push: the body decoded as a `PushRequest` (serde, unknown
//!   fields refused), the batch's size checked, and each change validated
//!   (`studydesk_server::validate`: table, ids, clock, columns and their types, the
//!   words and usernames; `check_row` on the row it makes) and merged by the shared rule
//!   against no row and against a live one;
//! - as a device reads a pull answer: the body decoded as a `PullPage` and applied with
//!   `sync::apply_page` on a temporary database (screening, the streams' contiguity,
//!   merging against local rows, savepoints, foreign keys), and as a `PushResult`.
//!
//! Stream positions are forgotten after each page (one bookkeeping write), so a page
//! starting at seq 1 applies again on the next input instead of being refused as a gap.

use super::{app, bucket, core_error, shape, Target};
use serde_json::{json, Map, Value};
use studydesk_core::db::WriteCtx;
use studydesk_sync::catalog::{is_derived, is_secret, Catalog};
use studydesk_sync::merge::{merge, Outcome, RowState};
use studydesk_sync::natural;
use studydesk_sync::wire::{Change, Op, PullPage, PulledChange, PushRequest, PushResult, MAX_BATCH_CHANGES};

pub static TARGET: Target = Target { name: "sync", run, seeds, dict: DICT, mutate: Some(crate::json::mutate), max_len: 64 * 1024, uses_app: true };

const DEVICE: &str = "0193a1b2-0000-7000-8000-00000000d0e1";

fn run(data: &[u8]) -> String {
    let push = match serde_json::from_slice::<PushRequest>(data) {
        Ok(req) => server_push(&req),
        Err(e) => format!("push:{:?}:{}", e.classify(), shape(&e.to_string())),
    };
    let pull = match serde_json::from_slice::<PullPage>(data) {
        Ok(page) => device_pull(&page),
        Err(e) => format!("pull:{:?}", e.classify()),
    };
    let result = serde_json::from_slice::<PushResult>(data).map(|r| r.accepted.len() + r.rejected.len());
    format!("{push}|{pull}|{}", result.map(bucket).unwrap_or(0))
}

fn server_push(req: &PushRequest) -> String {
    if req.changes.is_empty() || req.changes.len() > MAX_BATCH_CHANGES {
        return "push:size".into();
    }
    let now_ms = app::now().timestamp_millis();
    let mut codes = vec![];
    for change in &req.changes {
        match studydesk_server::validate::validate(change, now_ms) {
            Ok(info) => {
                let columns = change.columns.clone().unwrap_or_default();
                let stored = if change.op == Op::Delete { Ok(()) } else { studydesk_server::validate::check_row(info, &change.row_id, &columns, true) };
                let live = RowState { cl: change.cl | 1, columns: columns.clone(), clocks: Default::default() };
                let outcomes = [merge(None, change), merge(Some(&live), change)];
                let _ = studydesk_sync::media::referenced(&change.table, &columns);
                let applied = outcomes.iter().filter(|o| matches!(o, Outcome::Applied { .. })).count();
                codes.push(format!("ok{applied}{}", if stored.is_ok() { "" } else { "!" }));
            }
            Err(r) => codes.push(format!("{:?}:{}", r.code, shape(&r.message).chars().take(24).collect::<String>())),
        }
    }
    codes.sort();
    codes.dedup();
    format!("push:{}", codes.join(","))
}

fn device_pull(page: &PullPage) -> String {
    let outcome = app::with_app(|s| {
        let applied = studydesk_core::sync::apply_page(s.db(), page);
        let _ = s.db().write(WriteCtx { actor_id: None, action: "fuzz.reset".into(), capture: false, audit: false }, |tx| {
            tx.execute("DELETE FROM local_meta WHERE key = ?1", [studydesk_core::sync::meta::POSITIONS])?;
            Ok(())
        });
        applied
    });
    match outcome {
        None => "pull:nodb".into(),
        Some(Ok(a)) => format!("pull:ok:{}:{}", bucket(a.applied as usize), bucket(a.errors as usize)),
        Some(Err(e)) => format!("pull:{}", core_error(e)),
    }
}

/// One valid insert for every table the catalog syncs, as a push and as a pull page.
fn seeds() -> Vec<Vec<u8>> {
    let mut out = vec![];
    for (seq, info) in Catalog::current().tables.values().enumerate() {
        let keys = natural::key_columns(&info.name).unwrap_or(&[]);
        let key_values: Vec<&str> = keys.iter().map(|_| DEVICE).collect();
        let row_id = if keys.is_empty() { format!("0193a1b2-0000-7000-8000-{:012x}", seq + 1) } else { natural::natural_id(&info.name, &key_values) };
        let mut columns = Map::new();
        for col in &info.columns {
            if is_secret(&info.name, &col.name) || is_derived(&info.name, &col.name) {
                continue;
            }
            let value = match (col.name.as_str(), col.sql_type.as_str()) {
                ("id", _) => Value::from(row_id.clone()),
                (name, _) if keys.contains(&name) => Value::from(DEVICE),
                ("visibility", _) => Value::from("public"),
                ("follow_policy", _) => Value::from("open"),
                ("decision", _) => Value::from("accepted"),
                (name, _) if name.ends_with("_at") => Value::from("2026-11-22T09:00:00.000Z"),
                (name, _) if name.ends_with("_id") || name == "created_by" => Value::from(DEVICE),
                (_, "INTEGER") => Value::from(1),
                (_, "REAL") => Value::from(1.5),
                _ => Value::from("a"),
            };
            columns.insert(col.name.clone(), value);
        }
        let hlc = format!("{:016}.00000", app::now().timestamp_millis() - 1000);
        let change = Change { table: info.name.clone(), row_id: row_id.clone(), op: Op::Insert, columns: Some(columns.clone()), hlc: hlc.clone(), device_id: DEVICE.into(), cl: 1 };
        let push = PushRequest { batch_id: "0193a1b2-0000-7000-8000-0000000000ba".into(), device_id: DEVICE.into(), changes: vec![change] };
        out.push(serde_json::to_vec_pretty(&push).unwrap_or_default());
        let pulled = PulledChange { stream: "public".into(), seq: 1, table: info.name.clone(), row_id, op: Op::Insert, columns: Some(columns), hlc, device_id: "0193a1b2-0000-7000-8000-00000000d0e2".into(), cl: 1 };
        let page = PullPage { changes: vec![pulled], next_cursor: "c".into(), has_more: false, revoked_streams: vec![], skipped: vec![], server_time_ms: app::now().timestamp_millis() };
        out.push(serde_json::to_vec_pretty(&page).unwrap_or_default());
    }
    let result = json!({"batch_id": "b", "replayed": false, "accepted": [{"index": 0, "table": "tasks", "row_id": "r", "superseded": false, "stream": "p:x", "seq": 1}], "rejected": [{"index": 1, "table": "tasks", "row_id": "r", "code": "fk_missing", "message": "m", "retryable": true, "current": {"cl": 1, "columns": {}}}], "server_time_ms": 1});
    out.push(serde_json::to_vec(&result).unwrap_or_default());
    out
}

const DICT: &[&[u8]] = &[
    b"{", b"}", b"[", b"]", b",", b":", b"\"", b"null", b"true", b"false", b"-1", b"0", b"1e999", b"9223372036854775807",
    b"\"\\u0000\"", b"\"\\ud800\"", b"\"changes\"", b"\"table\"", b"\"row_id\"", b"\"op\"", b"\"insert\"", b"\"update\"",
    b"\"delete\"", b"\"columns\"", b"\"hlc\"", b"\"device_id\"", b"\"cl\"", b"\"stream\"", b"\"seq\"", b"\"skipped\"",
    b"\"first\"", b"\"last\"", b"\"revoked_streams\"", b"\"next_cursor\"", b"\"has_more\"", b"\"server_time_ms\"",
    b"\"public\"", b"\"p:", b"\"f:", b"\"d:", b"\"users\"", b"\"posts\"", b"\"tasks\"", b"\"emojis\"", b"\"username\"",
    b"0001732241696123.00000", b"9999999999999999.99999",
];
