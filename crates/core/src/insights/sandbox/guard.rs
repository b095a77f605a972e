//! What the user's SQL may do: SQLite's authorizer, asked about every table, column,
//! function and statement while a statement is prepared, and the words of each refusal.
//!
//! Contract:
//! - Allowed: SELECT (and VALUES, WITH, recursive CTEs), reading any column of the user's
//!   tables and views and of the imported sources (`sources`), and the pure built-in
//!   functions of [`PURE_FUNCTIONS`] (they compute a value and touch nothing: no files, no
//!   extensions, no settings, no connection state).
//! - Secret columns (`studydesk_sync::catalog::SECRET_COLUMNS`: users.password,
//!   user_sessions' tokens, api_keys.key_hash, data_sources.connection_config) read as NULL
//!   everywhere in the statement (in WHERE and ORDER BY too, so no comparison can guess
//!   them), also through a view.
//! - Refused, with a [`Refusal`] saying what and why: every write, schema change, ATTACH,
//!   DETACH, PRAGMA, transaction statement, ANALYZE, REINDEX, any other function, and the
//!   device's bookkeeping tables ([`is_internal`]: the sync log and the device's facts;
//!   `audit_logs`, the history of the user's own changes with secrets redacted, may be read).
//! - [`Guard::internal`] lifts the rules for the sandbox's own statements (ATTACH of the
//!   sources, the schema listing), never while user SQL is prepared.

use crate::error::QueryReason;
use crate::CoreError;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::Connection;
use std::sync::{Arc, Mutex};
use studydesk_sync::catalog;

/// Built-in functions that only compute a value (from their arguments, or at random).
/// Everything else
/// (`load_extension`, `fts3_tokenizer`, `sqlite_compileoption_get`, `changes`, any
/// application function) is refused.
pub const PURE_FUNCTIONS: &[&str] = &[
    // Studydesk's own (sandbox/functions.rs).
    "local_date",
    // Core scalars.
    "abs", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "if", "ifnull", "iif", "instr", "length",
    "like", "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif", "octet_length", "printf", "quote", "random",
    "randomblob", "replace", "round", "rtrim", "sign", "soundex", "substr", "substring", "trim", "typeof", "unhex",
    "unicode", "unistr", "unistr_quote", "unlikely", "upper", "zeroblob", "sqlite_version",
    // Dates and times.
    "date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff", "current_date", "current_time",
    "current_timestamp",
    // Aggregates and window functions.
    "avg", "count", "group_concat", "string_agg", "sum", "total", "median", "percentile", "percentile_cont",
    "percentile_disc", "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
    "first_value", "last_value", "nth_value",
    // Mathematics (when SQLite is built with them; the bundled build is not).
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh", "degrees", "exp",
    "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians", "sin", "sinh", "sqrt", "tan", "tanh",
    "trunc",
    // JSON (json_each and json_tree are tables, read like any other).
    "json", "jsonb", "json_array", "jsonb_array", "json_array_length", "json_error_position", "json_extract",
    "jsonb_extract", "json_insert", "jsonb_insert", "json_object", "jsonb_object", "json_patch", "jsonb_patch",
    "json_pretty", "json_quote", "json_remove", "jsonb_remove", "json_replace", "jsonb_replace", "json_set", "jsonb_set",
    "json_type", "json_valid", "json_group_array", "jsonb_group_array", "json_group_object", "jsonb_group_object", "->",
    "->>",
];

/// Tables of the main database the user may not read: the device's bookkeeping (the sync
/// log and its state, the device's facts, the migration history) and SQLite's page-level
/// views of the file. The history of changes (`audit_logs`) is the user's and may be read.
pub fn is_internal(table: &str) -> bool {
    let table = table.to_ascii_lowercase();
    // `_source_tables`: the sources cache's own bookkeeping (`insights::sources::cache::BOOKKEEPING`).
    (catalog::is_bookkeeping(&table) && table != "audit_logs") || table == "dbstat" || table == "sqlite_dbpage" || table == "_source_tables"
}

pub fn is_secret(table: &str, column: &str) -> bool {
    catalog::is_secret(&table.to_ascii_lowercase(), &column.to_ascii_lowercase())
}

/// Why the sandbox refused or stopped the user's SQL, and the word at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: QueryReason,
    pub detail: Option<String>,
}

impl Refusal {
    pub fn new(reason: QueryReason, detail: impl Into<String>) -> Refusal {
        Refusal { reason, detail: Some(detail.into()) }
    }

    /// The refusal of a statement that starts with `keyword`, when such statements are
    /// never allowed (the authorizer would refuse them too; this words it by the keyword
    /// the user typed).
    pub fn of_keyword(keyword: &str) -> Option<Refusal> {
        let word = keyword.to_ascii_uppercase();
        let reason = match word.as_str() {
            "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "UPSERT" => QueryReason::Writes,
            "CREATE" | "DROP" | "ALTER" => QueryReason::SchemaChange,
            "ATTACH" | "DETACH" => QueryReason::Attach,
            "PRAGMA" => QueryReason::Pragma,
            "BEGIN" | "COMMIT" | "END" | "ROLLBACK" | "SAVEPOINT" | "RELEASE" => QueryReason::Transaction,
            "VACUUM" | "REINDEX" | "ANALYZE" => QueryReason::Maintenance,
            _ => return None,
        };
        Some(Refusal { reason, detail: Some(word) })
    }

    /// What the authorizer says about one action, and why when it refuses.
    fn of_action(action: AuthAction<'_>, database: Option<&str>) -> Result<Authorization, Refusal> {
        use AuthAction as A;
        let keyword = |reason, word: &str| Err(Refusal::new(reason, word));
        match action {
            A::Select | A::Recursive => Ok(Authorization::Allow),
            A::Read { table_name, column_name } => read(database, table_name, column_name),
            A::Function { function_name } => {
                let name = function_name.to_ascii_lowercase();
                if PURE_FUNCTIONS.contains(&name.as_str()) {
                    Ok(Authorization::Allow)
                } else {
                    Err(Refusal::new(QueryReason::Function, name))
                }
            }
            A::Insert { .. } => keyword(QueryReason::Writes, "INSERT"),
            A::Update { .. } => keyword(QueryReason::Writes, "UPDATE"),
            A::Delete { .. } => keyword(QueryReason::Writes, "DELETE"),
            A::CreateIndex { .. }
            | A::CreateTable { .. }
            | A::CreateTempIndex { .. }
            | A::CreateTempTable { .. }
            | A::CreateTempTrigger { .. }
            | A::CreateTempView { .. }
            | A::CreateTrigger { .. }
            | A::CreateView { .. }
            | A::CreateVtable { .. } => keyword(QueryReason::SchemaChange, "CREATE"),
            A::DropIndex { .. }
            | A::DropTable { .. }
            | A::DropTempIndex { .. }
            | A::DropTempTable { .. }
            | A::DropTempTrigger { .. }
            | A::DropTempView { .. }
            | A::DropTrigger { .. }
            | A::DropView { .. }
            | A::DropVtable { .. } => keyword(QueryReason::SchemaChange, "DROP"),
            A::AlterTable { .. } => keyword(QueryReason::SchemaChange, "ALTER"),
            A::Attach { .. } => keyword(QueryReason::Attach, "ATTACH"),
            A::Detach { .. } => keyword(QueryReason::Attach, "DETACH"),
            A::Pragma { pragma_name, .. } => keyword(QueryReason::Pragma, &pragma_name.to_ascii_lowercase()),
            A::Transaction { .. } => keyword(QueryReason::Transaction, "BEGIN"),
            A::Savepoint { .. } => keyword(QueryReason::Transaction, "SAVEPOINT"),
            A::Reindex { .. } => keyword(QueryReason::Maintenance, "REINDEX"),
            A::Analyze { .. } => keyword(QueryReason::Maintenance, "ANALYZE"),
            _ => Err(Refusal { reason: QueryReason::NotReading, detail: None }),
        }
    }

    /// The sentence for the user: what was refused and why.
    pub fn message(&self) -> String {
        let word = self.detail.as_deref().unwrap_or("");
        let only_reading = "Only reading is allowed here";
        match self.reason {
            QueryReason::Writes => format!("{only_reading}: {word} changes data."),
            QueryReason::SchemaChange => format!("{only_reading}: {word} changes the database's tables."),
            QueryReason::Attach => format!(
                "{only_reading}: {word} opens or closes another database file (your data is already open as `main`, your imported sources as `sources`)."
            ),
            QueryReason::Pragma => format!(
                "{only_reading}: PRAGMA changes how the database works (the tables and their columns are listed beside the editor)."
            ),
            QueryReason::Transaction => {
                format!("{only_reading}: {word} starts or ends a transaction, and each query here runs on its own.")
            }
            QueryReason::Maintenance => format!("{only_reading}: {word} rewrites the database file."),
            QueryReason::NotReading => format!("{only_reading}: this statement would change the database."),
            QueryReason::Function => format!(
                "The function {word}() is not allowed here: only built-in functions that compute a value from their arguments can run (no extensions, no files)."
            ),
            QueryReason::InternalTable => {
                format!("{word} is Studydesk's own bookkeeping, not your data, so it cannot be read here.")
            }
            QueryReason::SeveralStatements => {
                "Only one statement can run at a time: remove what comes after the first `;`.".to_string()
            }
            QueryReason::Empty => "There is no statement to run: the text holds only comments.".to_string(),
            QueryReason::TimeLimit => format!(
                "The query was stopped: it ran longer than {word} seconds, the limit here. Read fewer rows (a WHERE or a LIMIT) or make it simpler."
            ),
            QueryReason::Cancelled => "The query was stopped: it was cancelled.".to_string(),
            QueryReason::TooBig => {
                format!("The query was stopped: a value grew larger than {word} MB, the most a query here may make.")
            }
            QueryReason::SqlError => format!("There is an error in the SQL: {word}."),
        }
    }

    /// The error, placed at byte `at` of `sql` when known.
    pub fn into_error(self, sql: &str, at: Option<usize>) -> CoreError {
        let mut message = self.message();
        if let Some(at) = at {
            message = format!("{} ({}).", message.trim_end_matches('.'), super::statement::line_column(sql, at));
        }
        let offset = at.map(|b| super::statement::utf16_offset(sql, b));
        CoreError::Query { message, reason: self.reason, detail: self.detail, offset }
    }
}

fn read(database: Option<&str>, table: &str, column: &str) -> Result<Authorization, Refusal> {
    if database.is_some_and(|d| d != "main") {
        return Ok(Authorization::Allow);
    }
    if is_internal(table) {
        return Err(Refusal::new(QueryReason::InternalTable, table));
    }
    if table.to_ascii_lowercase().starts_with("pragma_") {
        return Err(Refusal::new(QueryReason::Pragma, table));
    }
    Ok(if is_secret(table, column) { Authorization::Ignore } else { Authorization::Allow })
}

/// The authorizer's state on one connection: whether the sandbox itself is preparing a
/// statement, and the last refusal, which `prepare`'s error does not carry.
#[derive(Default)]
struct State {
    internal: bool,
    refusal: Option<Refusal>,
}

/// The rules installed on one read-only connection.
#[derive(Clone, Default)]
pub struct Guard(Arc<Mutex<State>>);

impl Guard {
    pub fn install(&self, conn: &mut Connection) -> rusqlite::Result<()> {
        let state = self.0.clone();
        conn.authorizer(Some(move |ctx: AuthContext<'_>| {
            let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
            if s.internal {
                return Authorization::Allow;
            }
            match Refusal::of_action(ctx.action, ctx.database_name) {
                Ok(allowed) => allowed,
                Err(refusal) => {
                    // Keep the first: it is what the user wrote first.
                    s.refusal.get_or_insert(refusal);
                    Authorization::Deny
                }
            }
        }))
    }

    /// Runs the sandbox's own statements with the rules lifted.
    pub fn internal<T>(&self, f: impl FnOnce() -> T) -> T {
        self.set_internal(true);
        let out = f();
        self.set_internal(false);
        out
    }

    fn set_internal(&self, on: bool) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).internal = on;
    }

    /// The refusal recorded since the last call, if any.
    pub fn take_refusal(&self) -> Option<Refusal> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).refusal.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_is_allowed_secrets_are_null_and_bookkeeping_is_refused() {
        let read = |db, t, c| Refusal::of_action(AuthAction::Read { table_name: t, column_name: c }, Some(db));
        assert_eq!(read("main", "tasks", "description"), Ok(Authorization::Allow));
        assert_eq!(read("main", "users", "password"), Ok(Authorization::Ignore));
        assert_eq!(read("main", "USER_SESSIONS", "Access_Token"), Ok(Authorization::Ignore));
        assert_eq!(read("main", "audit_logs", "new_values"), Ok(Authorization::Allow));
        assert_eq!(read("main", "sync_changes", "changes").unwrap_err().reason, QueryReason::InternalTable);
        assert_eq!(read("main", "local_meta", "value").unwrap_err().reason, QueryReason::InternalTable);
        // A column named like a secret in an imported source is the user's own data.
        assert_eq!(read("sources", "users", "password"), Ok(Authorization::Allow));
    }

    #[test]
    fn only_pure_functions_run() {
        let call = |f| Refusal::of_action(AuthAction::Function { function_name: f }, None);
        assert_eq!(call("strftime"), Ok(Authorization::Allow));
        assert_eq!(call("JSON_EXTRACT"), Ok(Authorization::Allow));
        for f in ["load_extension", "fts3_tokenizer", "readfile", "writefile", "sqlite_compileoption_get", "edit"] {
            assert_eq!(call(f), Err(Refusal::new(QueryReason::Function, f)), "{f}");
        }
    }

    #[test]
    fn refusals_say_what_and_why() {
        assert_eq!(Refusal::of_keyword("delete").unwrap().message(), "Only reading is allowed here: DELETE changes data.");
        assert!(Refusal::of_keyword("select").is_none());
        assert!(Refusal::of_keyword("with").is_none());
    }
}
