//! `GET /v1/usernames/{name}`: whether the calling account may take an @username now
//! (docs/sync.md §9, docs/openapi/sync-v1.yaml).
//!
//! The rules are the push's: the name must pass `studydesk_sync::username::normalize`
//! (its error is the reason, in words), and no other account may hold a name with the
//! same confusable skeleton (`usernames`, claimed by the push that sets `users.username`).
//! The account's own current name is available to it. The answer is advice: a push is the
//! claim, and a name free now can be taken by another push before this account's.

use crate::auth::Caller;
use crate::{ApiError, Shared};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::Json;
use studydesk_sync::username;
use studydesk_sync::wire::UsernameAvailability;

/// Names longer than this (in bytes) are refused without looking further: far past the
/// 30 characters a username may have.
const MAX_ASKED_BYTES: usize = 1024;

pub async fn availability(
    State(state): State<Shared>,
    caller: Caller,
    name: Result<Path<String>, PathRejection>,
) -> Result<Json<UsernameAvailability>, ApiError> {
    let Path(name) = name.map_err(|e| ApiError::bad_request(format!("the name in the path is not readable text: {}", e.body_text())))?;
    let refused = |reason: String| Json(UsernameAvailability { available: false, reason: Some(reason) });
    if name.len() > MAX_ASKED_BYTES {
        return Ok(refused(username::UsernameError::Length.to_string()));
    }
    let name = match username::normalize(&name) {
        Ok(name) => name,
        Err(why) => return Ok(refused(why.to_string())),
    };
    let client = state.pool.get().await?;
    let lookup = client.prepare_cached("SELECT account FROM usernames WHERE skeleton = $1").await?;
    let holder: Option<uuid::Uuid> = client.query_opt(&lookup, &[&username::skeleton(&name)]).await?.map(|r| r.get(0));
    Ok(match holder {
        Some(account) if account != caller.account => refused(format!("the username @{name} is taken")),
        _ => Json(UsernameAvailability { available: true, reason: None }),
    })
}

/// Fills `usernames` from the stored `users` rows (once, at the first start after the
/// migration that made it: `server_meta.usernames_filled`). Runs under the migration
/// lock. Two stored names with one skeleton (pushed before the rule): the first keeps it.
pub async fn fill(client: &deadpool_postgres::Client) -> Result<(), String> {
    let failed = |e: tokio_postgres::Error| format!("could not fill usernames: {e}");
    if client.query_opt("SELECT 1 FROM server_meta WHERE key = 'usernames_filled'", &[]).await.map_err(failed)?.is_some() {
        return Ok(());
    }
    let rows = client
        .query(
            "SELECT row_id, columns->>'username' FROM rows WHERE table_name = 'users' AND cl % 2 = 1 AND columns->>'username' IS NOT NULL
             ORDER BY row_id",
            &[],
        )
        .await
        .map_err(failed)?;
    for row in rows {
        let (id, name): (String, String) = (row.get(0), row.get(1));
        let Ok(account) = uuid::Uuid::parse_str(&id) else { continue };
        client
            .execute(
                "INSERT INTO usernames(skeleton, account, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&username::skeleton(&name), &account, &name],
            )
            .await
            .map_err(failed)?;
    }
    client.execute("INSERT INTO server_meta(key, value) VALUES ('usernames_filled', '1') ON CONFLICT DO NOTHING", &[]).await.map_err(failed)?;
    Ok(())
}
