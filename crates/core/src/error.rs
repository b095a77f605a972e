//! The core's typed errors.
//!
//! Every failure a user or a file can cause is one of these variants, each with a
//! message written for the person reading it. The shell and the CLI never inspect the
//! message; they use [`CoreError::kind`] (a stable machine word) and show the message.
//! The UI receives [`ApiError`]: the kind (an [`ErrorKind`]), the English message (logs,
//! the last fallback) and, where the failure has them, structured [`ErrorParams`] (the
//! broken [`Rule`] of a validation, the entity not found...), from which it words the
//! error in the user's language (ui/src/api/errorText.ts).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// An argument broke a rule (length, enum value, JSON, date order...).
    #[error("{0}")]
    Validation(String),
    /// An argument broke one of the shared rules (`validate`, `db::row`): kind
    /// `validation`, with the rule and its parameters for the UI.
    #[error("{0}")]
    Rule(Rule),
    /// The id does not exist, or belongs to someone else (we do not say which).
    #[error("{entity} {id} was not found")]
    NotFound { entity: &'static str, id: String },
    /// The write would break a uniqueness or relationship rule.
    #[error("{0}")]
    Conflict(String),
    /// The file exists but is not an SQLite database.
    #[error("{path} is not a Studydesk database (it is not an SQLite file); it was left untouched")]
    NotADatabase { path: String },
    /// The file was migrated by a newer Studydesk than this one.
    #[error("{path} was written by a newer version of Studydesk (schema version {found}, this version knows up to {known}); update Studydesk to open it. The file was left untouched")]
    NewerSchema { path: String, found: i64, known: i64 },
    /// The file is not whole (cut short, pages unreadable): found at open before anything
    /// was written to it, or by a write that met a damaged page.
    #[error("{path} is damaged ({}); Studydesk stopped before writing to it. Restore a backup (Settings › Backups, or `studydesk-cli restore FILE`{}) or export what can still be read (`studydesk-cli export-readable FILE`)", problems.join("; "), latest_backup.as_deref().map(|b| format!("; the newest is {b}")).unwrap_or_default())]
    Damaged { path: String, problems: Vec<String>, latest_backup: Option<String> },
    #[error("could not upgrade the database: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Database(String),
    /// Sync could not finish; `kind` says whether to wait, sign in again or act.
    #[error("{message}")]
    Sync { kind: SyncErrorKind, message: String },
    /// The user's SQL in the Insights sandbox was refused (it would write, or escape the
    /// sandbox) or failed (an error in it, the time limit, a cancel): `reason` says which,
    /// `offset` where in the SQL (UTF-16 code units from the start, as the editor counts).
    #[error("{message}")]
    Query { message: String, reason: QueryReason, detail: Option<String>, offset: Option<i64> },
    /// An API key was refused by the local API (`account::api_keys::verify`).
    #[error("{message}")]
    ApiKey { refusal: ApiKeyRefusal, message: String },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl CoreError {
    /// A stable word for the kind of failure, used by the UI and by scripts.
    pub fn kind(&self) -> &'static str {
        self.error_kind().as_str()
    }

    pub fn error_kind(&self) -> ErrorKind {
        match self {
            CoreError::Validation(_) | CoreError::Rule(_) => ErrorKind::Validation,
            CoreError::NotFound { .. } => ErrorKind::NotFound,
            CoreError::Conflict(_) => ErrorKind::Conflict,
            CoreError::NotADatabase { .. } => ErrorKind::NotADatabase,
            CoreError::NewerSchema { .. } => ErrorKind::NewerSchema,
            CoreError::Damaged { .. } => ErrorKind::Damaged,
            CoreError::Migration(_) => ErrorKind::Migration,
            CoreError::Database(_) => ErrorKind::Database,
            CoreError::Io { .. } => ErrorKind::Io,
            CoreError::Query { .. } => ErrorKind::Query,
            CoreError::Sync { kind, .. } => kind.error_kind(),
            CoreError::ApiKey { refusal, .. } => refusal.error_kind(),
        }
    }

    /// What the UI needs to word the error itself, when the failure has parameters.
    pub fn params(&self) -> Option<ErrorParams> {
        match self {
            CoreError::Rule(rule) => Some(ErrorParams::Rule(rule.clone())),
            CoreError::NotFound { entity, .. } => Some(ErrorParams::NotFound { entity: entity.to_string() }),
            CoreError::NewerSchema { found, known, .. } => Some(ErrorParams::NewerSchema { found: *found, known: *known }),
            CoreError::Damaged { problems, latest_backup, .. } => {
                Some(ErrorParams::Damaged { problems: problems.clone(), latest_backup: latest_backup.clone() })
            }
            CoreError::Query { reason, detail, offset, .. } => {
                Some(ErrorParams::Query { reason: *reason, detail: detail.clone(), offset: *offset })
            }
            _ => None,
        }
    }

    pub fn validation(msg: impl Into<String>) -> Self {
        CoreError::Validation(msg.into())
    }

    pub fn rule(rule: Rule) -> Self {
        CoreError::Rule(rule)
    }

    pub fn not_found(entity: &'static str, id: impl Into<String>) -> Self {
        CoreError::NotFound { entity, id: id.into() }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        CoreError::Io { context: context.into(), source }
    }
}

impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        if let rusqlite::Error::SqliteFailure(f, msg) = &e {
            let detail = msg.clone().unwrap_or_else(|| f.to_string());
            match f.code {
                ErrorCode::ConstraintViolation => return CoreError::Conflict(constraint_message(&detail)),
                ErrorCode::NotADatabase => return CoreError::NotADatabase { path: "the database file".into() },
                ErrorCode::DatabaseCorrupt => {
                    return CoreError::Damaged { path: "the database file".into(), problems: vec![detail], latest_backup: None }
                }
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                    return CoreError::Database("the database is busy in another Studydesk process; try again".into())
                }
                _ => {}
            }
        }
        CoreError::Database(e.to_string())
    }
}

/// Turns SQLite's constraint wording into a sentence a user can act on. The schema's
/// rules are checked again here because a bug in validation must still not store a bad row.
fn constraint_message(detail: &str) -> String {
    if let Some(cols) = detail.strip_prefix("UNIQUE constraint failed: ") {
        format!("an entry with the same {} already exists", cols.replace(", ", " and "))
    } else if detail.starts_with("FOREIGN KEY constraint failed") {
        "it refers to something that does not exist (or is still in use)".to_string()
    } else if let Some(rule) = detail.strip_prefix("CHECK constraint failed: ") {
        format!("a value breaks the rule `{rule}`")
    } else if let Some(col) = detail.strip_prefix("NOT NULL constraint failed: ") {
        format!("{col} is required")
    } else {
        detail.to_string()
    }
}

impl From<refinery::Error> for CoreError {
    fn from(e: refinery::Error) -> Self {
        CoreError::Migration(e.to_string())
    }
}

impl From<serde_json::Error> for CoreError {
    fn from(e: serde_json::Error) -> Self {
        CoreError::Validation(format!("malformed JSON: {e}"))
    }
}

/// Why the local API refused a key: each has its own [`ErrorKind`], so a script can tell
/// a typo from a revoked or expired key and from a missing scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyRefusal {
    /// No key has this hash (a wrong or mistyped key).
    Unknown,
    Revoked,
    Expired,
    /// The key is fine but does not allow this request.
    Scope,
}

impl ApiKeyRefusal {
    pub fn error_kind(self) -> ErrorKind {
        match self {
            ApiKeyRefusal::Unknown => ErrorKind::ApiKeyUnknown,
            ApiKeyRefusal::Revoked => ErrorKind::ApiKeyRevoked,
            ApiKeyRefusal::Expired => ErrorKind::ApiKeyExpired,
            ApiKeyRefusal::Scope => ErrorKind::ApiKeyScope,
        }
    }
}

/// Why sync stopped, as the sync loop and the UI need to tell it apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncErrorKind {
    /// No answer (network down, server not running, timeout): retried with backoff.
    Offline,
    /// The server failed (5xx) or asked to slow down (429): retried with backoff.
    Server,
    /// The key is unknown, revoked or expired: the user signs in again.
    SignedOut,
    /// The request was refused as a whole (bad credentials, taken email, outdated app...).
    Refused,
    /// Not signed in, or another sync is running.
    NotReady,
    /// The current password given to change it is wrong (the server's 403
    /// `wrong_password`; the key is fine, the device stays signed in).
    WrongPassword,
    /// Too many failed password checks for the account or this address (the server's 429
    /// `too_many_attempts`): wait for the window the server says, then try again.
    TooManyAttempts,
}

impl SyncErrorKind {
    pub fn as_str(self) -> &'static str {
        self.error_kind().as_str()
    }

    pub fn error_kind(self) -> ErrorKind {
        match self {
            SyncErrorKind::Offline => ErrorKind::SyncOffline,
            SyncErrorKind::Server => ErrorKind::SyncServer,
            SyncErrorKind::SignedOut => ErrorKind::SyncSignedOut,
            SyncErrorKind::Refused => ErrorKind::SyncRefused,
            SyncErrorKind::NotReady => ErrorKind::SyncNotReady,
            SyncErrorKind::WrongPassword => ErrorKind::SyncWrongPassword,
            SyncErrorKind::TooManyAttempts => ErrorKind::SyncTooManyAttempts,
        }
    }

    /// Worth trying again later without the user doing anything.
    pub fn retryable(self) -> bool {
        matches!(self, SyncErrorKind::Offline | SyncErrorKind::Server)
    }
}

impl CoreError {
    pub fn sync(kind: SyncErrorKind, message: impl Into<String>) -> Self {
        CoreError::Sync { kind, message: message.into() }
    }
}

/// Every kind of failure the UI can receive (`ApiError.kind`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorKind {
    Validation,
    NotFound,
    Conflict,
    NotADatabase,
    NewerSchema,
    /// The database file is not whole; see `ErrorParams::Damaged`.
    Damaged,
    Migration,
    Database,
    Io,
    /// The user's SQL in the Insights sandbox was refused or failed; see `ErrorParams::Query`.
    Query,
    /// A failure outside the core (the shell's machinery, an unexpected rejection).
    Internal,
    SyncOffline,
    SyncServer,
    SyncSignedOut,
    SyncRefused,
    SyncNotReady,
    SyncWrongPassword,
    SyncTooManyAttempts,
    ApiKeyUnknown,
    ApiKeyRevoked,
    ApiKeyExpired,
    ApiKeyScope,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Validation => "validation",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::NotADatabase => "not_a_database",
            ErrorKind::NewerSchema => "newer_schema",
            ErrorKind::Damaged => "damaged",
            ErrorKind::Migration => "migration",
            ErrorKind::Database => "database",
            ErrorKind::Io => "io",
            ErrorKind::Query => "query",
            ErrorKind::Internal => "internal",
            ErrorKind::SyncOffline => "sync_offline",
            ErrorKind::SyncServer => "sync_server",
            ErrorKind::SyncSignedOut => "sync_signed_out",
            ErrorKind::SyncRefused => "sync_refused",
            ErrorKind::SyncNotReady => "sync_not_ready",
            ErrorKind::SyncWrongPassword => "sync_wrong_password",
            ErrorKind::SyncTooManyAttempts => "sync_too_many_attempts",
            ErrorKind::ApiKeyUnknown => "api_key_unknown",
            ErrorKind::ApiKeyRevoked => "api_key_revoked",
            ErrorKind::ApiKeyExpired => "api_key_expired",
            ErrorKind::ApiKeyScope => "api_key_scope",
        }
    }
}

/// A shared validation rule that was broken, with what the UI needs to word it. `field`
/// is the argument's or column's name (the UI has a word for the common ones).
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[ts(export)]
pub enum Rule {
    /// A required text is blank.
    Empty { field: String },
    /// A text is longer than `max` characters (`length` given).
    TooLong { field: String, max: i64, length: i64 },
    /// Not a date and time with an offset (`2026-11-22T15:00:00+09:00`).
    Timestamp { field: String, got: String },
    /// Not stored as UTC with milliseconds (`2026-11-22T02:14:56.123Z`).
    StoredTimestamp { field: String, got: String },
    /// Not a calendar date `YYYY-MM-DD`.
    Date { field: String, got: String },
    /// Not well-formed JSON.
    Json { field: String, detail: String },
    /// `end_field` is before `start_field`.
    Order { start_field: String, end_field: String },
    /// An integer outside `min..=max`.
    Range { field: String, min: i64, max: i64, got: i64 },
    /// Not an http(s) address.
    Url { field: String },
    /// Not a lower-case UUID.
    Uuid { field: String, got: String },
    /// A read would draw more than `max` of `field` (calendar occurrences, recurring
    /// series, exported events): refused rather than let one request grow without bound.
    TooMany { field: String, max: i64 },
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::Empty { field } => write!(f, "{field} must not be empty"),
            Rule::TooLong { field, max, length } => write!(f, "{field} is too long ({length} characters; at most {max})"),
            Rule::Timestamp { field, got } => {
                write!(f, "{field} must be a date and time like 2026-11-22T15:00:00+09:00 (got \"{got}\")")
            }
            Rule::StoredTimestamp { field, got } => write!(
                f,
                "{field} must be stored in UTC with milliseconds, like 2026-11-22T02:14:56.123Z (got \"{got}\")"
            ),
            Rule::Date { field, got } => write!(f, "{field} must be a date like 2026-11-22 (got \"{got}\")"),
            Rule::Json { field, detail } => write!(f, "{field} is not well-formed JSON ({detail})"),
            Rule::Order { start_field, end_field } => write!(f, "{end_field} must not be before {start_field}"),
            Rule::Range { field, min, max, got } => write!(f, "{field} must be between {min} and {max} (got {got})"),
            Rule::Url { field } => write!(f, "{field} must be a web address starting with https:// or http://"),
            Rule::Uuid { field, got } => write!(f, "{field} must be a lower-case UUID (got \"{got}\")"),
            Rule::TooMany { field, max } => write!(
                f,
                "more than {max} {field} in one request: choose a shorter range (a week or a day), or delete the imported events you do not need"
            ),
        }
    }
}

/// The parameters of an [`ApiError`], when its kind has some.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(untagged)]
#[ts(export)]
pub enum ErrorParams {
    /// `validation`: the shared rule that was broken.
    Rule(Rule),
    /// `not_found`: what was looked for (`task`, `event`...).
    NotFound { entity: String },
    /// `newer_schema`: the file's schema version and the newest this version knows.
    NewerSchema { found: i64, known: i64 },
    /// `damaged`: what is wrong, in SQLite's words, and the newest automatic backup.
    Damaged { problems: Vec<String>, latest_backup: Option<String> },
    /// `query`: why the sandbox refused or stopped the SQL, the word at fault (a keyword, a
    /// function, a table, SQLite's own words for an error, the time limit in seconds) and
    /// where it is in the SQL (UTF-16 code units from the start), for the editor's caret.
    Query { reason: QueryReason, detail: Option<String>, offset: Option<i64> },
}

/// Why the Insights sandbox refused or stopped the user's SQL (`insights::sandbox`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum QueryReason {
    /// INSERT, UPDATE, DELETE, REPLACE: it changes data.
    Writes,
    /// CREATE, DROP, ALTER: it changes the tables.
    SchemaChange,
    /// ATTACH or DETACH: it opens or closes another database file.
    Attach,
    /// A PRAGMA (of any kind).
    Pragma,
    /// BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE.
    Transaction,
    /// VACUUM, REINDEX, ANALYZE: they rewrite the file.
    Maintenance,
    /// Any other statement that would change the database.
    NotReading,
    /// A function outside the sandbox's list of pure built-in functions.
    Function,
    /// One of Studydesk's bookkeeping tables (the sync log, the device's facts).
    InternalTable,
    /// More than one statement.
    SeveralStatements,
    /// Only comments: nothing to run.
    Empty,
    /// It ran past the time limit.
    TimeLimit,
    /// The user (or the widget) cancelled it.
    Cancelled,
    /// A value grew past the largest the sandbox lets a query make.
    TooBig,
    /// SQLite found an error in the SQL (a typo, an unknown table or column...).
    SqlError,
}

/// The error as the UI receives it: `{kind, message, params?}`. `message` is English (logs,
/// the CLI, the last fallback); the UI words `kind` and `params` in the user's language.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub params: Option<ErrorParams>,
}

impl ApiError {
    /// A failure outside the core (the shell's own machinery).
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError { kind: ErrorKind::Internal, message: message.into(), params: None }
    }
}

impl From<&CoreError> for ApiError {
    fn from(e: &CoreError) -> Self {
        ApiError { kind: e.error_kind(), message: e.to_string(), params: e.params() }
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        ApiError::from(&e)
    }
}
