//! `POST /v1/accounts/lookup`: the account that signs in with an email, so a dashboard
//! can be shared with it (docs/sync.md §9.2, docs/openapi/sync-v1.yaml).
//!
//! Answers only what every account reads anyway: the account's id and the public part of
//! its profile (`username`, `display_name`), never the email back or anything private.
//! An email no live account signs in with, or whose account has not synced its profile
//! yet (a share naming it would wait on its `users` row), is 404 `not_found`; the caller's
//! own email is 422 `own_account` (an owner already holds every right on its dashboards).
//! The email travels in the body, not the path, so it stays out of access logs. Whether
//! an email has an account is no secret here: sign-up already says so (`email_taken`).

use crate::auth::{normalize_email, Caller};
use crate::error::parse_body;
use crate::{ApiError, Shared};
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use studydesk_sync::wire::{AccountFound, AccountLookup};

pub async fn account_by_email(
    State(state): State<Shared>,
    caller: Caller,
    body: Result<axum::body::Bytes, BytesRejection>,
) -> Result<Json<AccountFound>, ApiError> {
    let (AccountLookup { email }, _) = parse_body(body)?;
    let email = normalize_email(&email)?;
    let client = state.pool.get().await?;
    let statement = client
        .prepare_cached(
            "SELECT a.id, u.columns->>'username', u.columns->>'display_name' FROM accounts a
             JOIN rows u ON u.table_name = 'users' AND u.row_id = a.id::text AND u.cl % 2 = 1
             WHERE a.email = $1 AND a.disabled_at IS NULL",
        )
        .await?;
    let Some(row) = client.query_opt(&statement, &[&email]).await? else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no account on this sync server signs in with {email} (or it has not synced yet); check the address"),
        ));
    };
    let account: uuid::Uuid = row.get(0);
    if account == caller.account {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "own_account", format!("{email} is your own account: your dashboards are already yours")));
    }
    Ok(Json(AccountFound { account_id: account.to_string(), username: row.get(1), display_name: row.get(2) }))
}
