//! Every failure as the API answers it: a status and `{kind, message}` (kinds as listed in
//! the OpenAPI document). Database failures become 503 `unavailable` (retryable), without
//! the driver's text, which could reveal schema details.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use studydesk_sync::ErrorBody;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, kind, message: message.into(), retry_after: None }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
    }

    pub fn unauthorized(kind: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, kind, message)
    }

    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError { retry_after: Some(5), ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message) }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = axum::Json(ErrorBody { kind: self.kind.to_string(), message: self.message });
        let mut response = (self.status, body).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(e: tokio_postgres::Error) -> Self {
        let retry = e.code().is_some_and(|c| {
            *c == tokio_postgres::error::SqlState::T_R_DEADLOCK_DETECTED
                || *c == tokio_postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
        });
        // The SQLSTATE and PostgreSQL's message only: a DETAIL ("Failing row contains
        // (...)", "Key (...)=(...)") can quote a row's columns, which never go to the log.
        let code = e.code().map(|c| c.code().to_string());
        match e.as_db_error() {
            Some(db) => tracing::warn!(code = code.as_deref().unwrap_or(""), error = db.message(), retry, "database error"),
            None => tracing::warn!(error = %e, retry, "database error"),
        }
        ApiError::unavailable("the database is busy or unreachable; try again")
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        tracing::warn!(error = %e, "no database connection");
        ApiError::unavailable("the database is unreachable; try again")
    }
}

/// Reads a JSON body, answering 413 above the size limit and 400 with the reason for
/// anything malformed (bad JSON, wrong types, unknown fields).
pub fn parse_body<T: serde::de::DeserializeOwned>(
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(T, axum::body::Bytes), ApiError> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is larger than 4 MiB; send fewer changes per batch")
        } else {
            ApiError::bad_request(format!("could not read the request body: {e}"))
        }
    })?;
    let value = serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(format!("malformed request: {e}")))?;
    Ok((value, bytes))
}
