//! The JSON bodies of the `/v1` API, exactly as `docs/openapi/sync-v1.yaml` describes them.
//! Unknown fields are refused (`deny_unknown_fields`), so a typo is an error, not a silent no-op.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The header carrying the client's latest applied migration.
pub const SCHEMA_HEADER: &str = "Studydesk-Schema";
/// Most changes in one push and one pull page.
pub const MAX_BATCH_CHANGES: usize = 1000;
/// Largest push body, in bytes.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// The longest password the server takes, in bytes (UTF-8), at sign-up, sign-in and
/// password change: the one definition for the server and the devices.
pub const PASSWORD_MAX_BYTES: usize = 1024;
/// The shortest new password (sign-up, password change), in bytes (UTF-8): below it the
/// server answers 422 `weak_password`.
pub const NEW_PASSWORD_MIN_BYTES: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Device {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    pub email: String,
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub device: Device,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    pub device: Device,
}

/// A signed-in device: the API key is shown once and only its hash is kept by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub account_id: String,
    pub key_id: String,
    pub api_key: String,
    pub expires_at: String,
    pub device_id: String,
    /// The server's wall clock (ms since the epoch), like every push and pull answer: a
    /// device learns its clock is off before its first push.
    pub server_time_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Insert,
    Update,
    Delete,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<Op> {
        match s {
            "insert" => Some(Op::Insert),
            "update" => Some(Op::Update),
            "delete" => Some(Op::Delete),
            _ => None,
        }
    }
}

/// One row change: the columns it sets (none for a delete), its clock and causal length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub table: String,
    pub row_id: String,
    pub op: Op,
    #[serde(default)]
    pub columns: Option<Map<String, Value>>,
    pub hlc: String,
    pub device_id: String,
    pub cl: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub batch_id: String,
    pub device_id: String,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamSeq {
    pub stream: String,
    pub seq: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptedChange {
    pub index: usize,
    pub table: String,
    pub row_id: String,
    /// Nothing of the change won the merge: it is not in any stream.
    pub superseded: bool,
    #[serde(default)]
    pub stream: Option<String>,
    #[serde(default)]
    pub seq: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<StreamSeq>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lost_columns: Vec<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireRowState {
    pub cl: i64,
    #[serde(default)]
    pub columns: Option<Map<String, Value>>,
}

/// Why the server refused one change (the rest of the batch still applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    Forbidden,
    FkMissing,
    FkNotVisible,
    UniqueConflict,
    BadNaturalId,
    InvalidValue,
    UnknownTable,
    UnknownColumn,
    SecretColumn,
    DerivedColumn,
    LocalOnlyTable,
    BuiltinRow,
    ClockSkew,
}

impl RejectCode {
    /// Worth retrying later without the user changing anything.
    pub fn retryable(self) -> bool {
        matches!(self, RejectCode::FkMissing | RejectCode::ClockSkew)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectedChange {
    pub index: usize,
    pub table: String,
    pub row_id: String,
    pub code: RejectCode,
    pub message: String,
    pub retryable: bool,
    #[serde(default)]
    pub current: Option<WireRowState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushResult {
    pub batch_id: String,
    pub replayed: bool,
    pub accepted: Vec<AcceptedChange>,
    pub rejected: Vec<RejectedChange>,
    pub server_time_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PulledChange {
    pub stream: String,
    pub seq: i64,
    pub table: String,
    pub row_id: String,
    pub op: Op,
    #[serde(default)]
    pub columns: Option<Map<String, Value>>,
    pub hlc: String,
    pub device_id: String,
    pub cl: i64,
}

/// Seqs `first..=last` of a stream that this page passed over because its reader may not
/// read them (changes of an account that blocks the reader, docs/sync.md §9): the stream
/// stays gap-free for the device, which moves its position over them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkippedRange {
    pub stream: String,
    pub first: i64,
    pub last: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullPage {
    pub changes: Vec<PulledChange>,
    pub next_cursor: String,
    pub has_more: bool,
    pub revoked_streams: Vec<String>,
    /// Sent only when the page passed over some seqs (absent otherwise, so a device built
    /// before it reads every other page).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedRange>,
    pub server_time_ms: i64,
}

/// `GET /v1/usernames/{name}`: whether the calling account may take this @username now
/// (its own current name is available to it), and if not, why, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsernameAvailability {
    pub available: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `POST /v1/accounts/lookup`: the account that signs in with an email, to share a
/// dashboard with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountLookup {
    pub email: String,
}

/// The answer of `POST /v1/accounts/lookup`: the account's id and its public profile
/// (what every account reads in `public` anyway), never its email or anything private.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountFound {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// An attachment file the server holds for the account: the answer of
/// `PUT /v1/blobs/{content_hash}` (201 stored now, 200 held already).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlobInfo {
    /// Lower-case hex SHA-256 of the bytes (64 characters).
    pub content_hash: String,
    pub size_bytes: u64,
}

/// Every error body: a stable `kind` for code, a `message` for a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Health {
    pub status: String,
    pub database: String,
    pub version: String,
}
