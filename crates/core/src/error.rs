//! The core's typed errors.
//!
//! Every failure a user or a file can cause is one of these variants, each with a
//! message written for the person reading it. The shell and the CLI never inspect the
//! message; they use [`CoreError::kind`] (a stable machine word) and show the message.

use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// An argument broke a rule (length, enum value, JSON, date order...).
    #[error("{0}")]
    Validation(String),
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
    #[error("could not upgrade the database: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Database(String),
    /// Sync could not finish; `kind` says whether to wait, sign in again or act.
    #[error("{message}")]
    Sync { kind: SyncErrorKind, message: String },
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
        match self {
            CoreError::Validation(_) => "validation",
            CoreError::NotFound { .. } => "not_found",
            CoreError::Conflict(_) => "conflict",
            CoreError::NotADatabase { .. } => "not_a_database",
            CoreError::NewerSchema { .. } => "newer_schema",
            CoreError::Migration(_) => "migration",
            CoreError::Database(_) => "database",
            CoreError::Io { .. } => "io",
            CoreError::Sync { kind, .. } => kind.as_str(),
        }
    }

    pub fn validation(msg: impl Into<String>) -> Self {
        CoreError::Validation(msg.into())
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
        match self {
            SyncErrorKind::Offline => "sync_offline",
            SyncErrorKind::Server => "sync_server",
            SyncErrorKind::SignedOut => "sync_signed_out",
            SyncErrorKind::Refused => "sync_refused",
            SyncErrorKind::NotReady => "sync_not_ready",
            SyncErrorKind::WrongPassword => "sync_wrong_password",
            SyncErrorKind::TooManyAttempts => "sync_too_many_attempts",
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

/// The error as the UI receives it: `{kind, message}`.
#[derive(Debug, Clone, Serialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct ApiError {
    pub kind: String,
    pub message: String,
}

impl From<&CoreError> for ApiError {
    fn from(e: &CoreError) -> Self {
        ApiError { kind: e.kind().to_string(), message: e.to_string() }
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        ApiError::from(&e)
    }
}
