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
//! Like sign-up, it is counted: `lookups_per_account` lookups per account in the
//! throttle window (V9's `reserve_lookup`), found or not; past it 429 `rate_limited` with
//! Retry-After, before the email is read from the database.

use crate::auth::{limit, normalize_email, window_secs, Caller};
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
    reserve(&state, &client, caller.account).await?;
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

/// Counts this lookup against the caller's limit, or refuses it.
async fn reserve(state: &Shared, client: &deadpool_postgres::Client, account: uuid::Uuid) -> Result<(), ApiError> {
    let reserve = client.prepare_cached("SELECT reserve_lookup($1, $2, $3)").await?;
    let allowed: bool =
        client.query_one(&reserve, &[&account, &limit(state.config.lookups_per_account), &window_secs(state)]).await?.get(0);
    if allowed {
        return Ok(());
    }
    let minutes = state.config.throttle_window.as_secs().div_ceil(60);
    Err(ApiError {
        retry_after: Some(state.config.throttle_window.as_secs().max(1)),
        ..ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!(
                "you looked up {} email addresses in {minutes} minutes, the most this server allows; wait a few minutes, then share again",
                state.config.lookups_per_account
            ),
        )
    })
}
