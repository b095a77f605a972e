//! The endpoints, the key check and the JSON errors (see the crate docs).

use crate::Host;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use studydesk_core::account::api_keys::ApiScope;
use studydesk_core::api::Studydesk;
use studydesk_core::error::ErrorKind;
use studydesk_core::insights::metrics::{Grain, MetricFilters, MetricId, MetricQuery};
use studydesk_core::planner::tasks::NewTask;
use studydesk_core::CoreError;

/// The largest request body taken (a new task is a few hundred bytes).
pub const BODY_LIMIT: usize = 64 * 1024;
/// Focus sessions answered when the request does not say.
const SESSIONS_DEFAULT: i64 = 50;

type Shared = Arc<dyn Host>;

pub fn router(host: Shared) -> Router {
    Router::new()
        .route("/v1/tasks", get(tasks_list).post(task_add))
        .route("/v1/calendar/events", get(calendar_events))
        .route("/v1/focus/sessions", get(focus_sessions))
        .route("/v1/focus/stats", get(focus_stats))
        .route("/v1/insights/metrics", get(metrics_list))
        .route("/v1/insights/metrics/{id}", get(metric_value))
        .fallback(|| async { Failure::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint; see docs/openapi/local-api-v1.yaml") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(host)
}

/// An error answer: `{kind, message}` with its status.
#[derive(Debug)]
pub struct Failure {
    status: StatusCode,
    kind: String,
    message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    kind: &'a str,
    message: &'a str,
}

impl Failure {
    fn new(status: StatusCode, kind: &str, message: impl Into<String>) -> Failure {
        Failure { status, kind: kind.to_string(), message: message.into() }
    }
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Failure {
        let kind = e.error_kind();
        let status = match kind {
            ErrorKind::Validation | ErrorKind::Query => StatusCode::BAD_REQUEST,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::ApiKeyUnknown | ErrorKind::ApiKeyRevoked | ErrorKind::ApiKeyExpired => StatusCode::UNAUTHORIZED,
            ErrorKind::ApiKeyScope => StatusCode::FORBIDDEN,
            ErrorKind::Damaged | ErrorKind::NotADatabase | ErrorKind::NewerSchema | ErrorKind::Migration => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Failure { status, kind: kind.as_str().to_string(), message: e.to_string() }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut answer = (self.status, Json(ErrorBody { kind: &self.kind, message: &self.message })).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            answer.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        answer
    }
}

/// Checks the request's key for `scope`, then runs `f` on the core on a blocking thread.
async fn with_app<T: Send + 'static>(
    host: Shared,
    headers: &HeaderMap,
    scope: ApiScope,
    f: impl FnOnce(&Studydesk) -> Result<T, CoreError> + Send + 'static,
) -> Result<T, Failure> {
    let key = bearer(headers)?;
    let joined = tokio::task::spawn_blocking(move || {
        let app = host.app()?;
        app.api_key_verify(&key, scope)?;
        f(app)
    })
    .await;
    match joined {
        Ok(answer) => answer.map_err(Failure::from),
        Err(e) => Err(Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("the request stopped: {e}"))),
    }
}

/// The key in `Authorization: Bearer <key>`.
fn bearer(headers: &HeaderMap) -> Result<String, Failure> {
    let missing = || {
        Failure::new(StatusCode::UNAUTHORIZED, "api_key_missing", "send an API key as `Authorization: Bearer <key>` (create one in Settings › API keys)")
    };
    let value = headers.get(header::AUTHORIZATION).ok_or_else(missing)?.to_str().map_err(|_| missing())?;
    let (scheme, key) = value.trim().split_once(' ').ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") || key.trim().is_empty() {
        return Err(missing());
    }
    Ok(key.trim().to_string())
}

async fn tasks_list(State(host): State<Shared>, headers: HeaderMap) -> Result<impl IntoResponse, Failure> {
    Ok(Json(with_app(host, &headers, ApiScope::TasksRead, |app| app.task_list()).await?))
}

async fn task_add(State(host): State<Shared>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<impl IntoResponse, Failure> {
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Failure::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", format!("the request body is larger than {BODY_LIMIT} bytes")),
        status => Failure::new(status, "validation", e.body_text()),
    })?;
    // The key first: a request without the right key learns nothing about the body's rules.
    let input: Result<NewTask, String> = serde_json::from_slice(&body).map_err(|e| format!("the body is not a task as JSON ({{\"description\": \"...\"}}): {e}"));
    let task = with_app(host, &headers, ApiScope::TasksWrite, move |app| app.task_add(input.map_err(CoreError::validation)?)).await?;
    Ok((StatusCode::CREATED, Json(task)))
}

fn bad_query(e: QueryRejection) -> Failure {
    Failure::new(StatusCode::BAD_REQUEST, "validation", e.body_text())
}

#[derive(Deserialize)]
struct Range {
    from: Option<String>,
    to: Option<String>,
}

/// The range's two dates, both required.
fn dates(range: Range) -> Result<(String, String), CoreError> {
    match (range.from, range.to) {
        (Some(from), Some(to)) => Ok((from, to)),
        _ => Err(CoreError::validation("give the range as ?from=YYYY-MM-DD&to=YYYY-MM-DD")),
    }
}

async fn calendar_events(State(host): State<Shared>, headers: HeaderMap, range: Result<Query<Range>, QueryRejection>) -> Result<impl IntoResponse, Failure> {
    let Query(range) = range.map_err(bad_query)?;
    let answer = with_app(host, &headers, ApiScope::CalendarRead, move |app| {
        let (from, to) = dates(range)?;
        app.calendar_range(from, to)
    });
    Ok(Json(answer.await?))
}

#[derive(Deserialize)]
struct Limit {
    limit: Option<i64>,
}

async fn focus_sessions(State(host): State<Shared>, headers: HeaderMap, q: Result<Query<Limit>, QueryRejection>) -> Result<impl IntoResponse, Failure> {
    let Query(q) = q.map_err(bad_query)?;
    let limit = q.limit.unwrap_or(SESSIONS_DEFAULT);
    Ok(Json(with_app(host, &headers, ApiScope::FocusRead, move |app| app.session_history(limit)).await?))
}

async fn focus_stats(State(host): State<Shared>, headers: HeaderMap) -> Result<impl IntoResponse, Failure> {
    Ok(Json(with_app(host, &headers, ApiScope::FocusRead, |app| app.focus_stats()).await?))
}

async fn metrics_list(State(host): State<Shared>, headers: HeaderMap) -> Result<impl IntoResponse, Failure> {
    Ok(Json(with_app(host, &headers, ApiScope::InsightsRead, |app| app.insights_metric_catalog()).await?))
}

#[derive(Deserialize)]
struct MetricRange {
    from: Option<String>,
    to: Option<String>,
    time_zone: Option<String>,
}

async fn metric_value(State(host): State<Shared>, headers: HeaderMap, Path(id): Path<String>, q: Result<Query<MetricRange>, QueryRejection>) -> Result<impl IntoResponse, Failure> {
    let Query(q) = q.map_err(bad_query)?;
    let answer = with_app(host, &headers, ApiScope::InsightsRead, move |app| {
        let metric: MetricId = serde_json::from_value(serde_json::Value::String(id.clone())).map_err(|_| CoreError::not_found("metric", id))?;
        let (from, to) = dates(Range { from: q.from, to: q.to })?;
        let day = |field: &str, text: &str| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| CoreError::validation(format!("{field} must be a date YYYY-MM-DD (got {text:?})")))
        };
        let query = MetricQuery { metric, grain: Grain::Day, from: day("from", &from)?, to: day("to", &to)?, time_zone: q.time_zone, filters: MetricFilters::default() };
        app.insights_metric_value(&query)
    });
    Ok(Json(answer.await?))
}
