//! Reading a MySQL or MariaDB server: connect (TLS as asked, time-limited), make the
//! session read-only and time-limited, list the database's tables, run the query as one
//! read-only statement, every value as text.

use super::{DatabaseConfig, Pulled, RemoteTable, TlsMode, CONNECT_TIMEOUT, MAX_ROWS, STATEMENT_TIMEOUT};
use crate::insights::sources::fill::Fetched;
use crate::insights::table::ColumnKind;
use crate::{CoreError, Result};
use mysql::consts::ColumnType;
use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, SslOpts, Value};
use std::collections::HashSet;
use std::time::Duration;

/// What follows the user's query in the wrapped statement (taken back out of messages).
fn tail() -> String {
    format!("\n) AS studydesk_source LIMIT {}", MAX_ROWS + 1)
}

fn wrapped(query: &str) -> String {
    format!("SELECT * FROM (\n{query}{}", tail())
}

fn options(config: &DatabaseConfig, password: Option<&str>, tls: bool) -> OptsBuilder {
    let opts = OptsBuilder::new()
        .ip_or_hostname(Some(config.server.host.clone()))
        .tcp_port(config.port)
        .user(Some(config.server.user.clone()))
        .pass(password.map(str::to_string))
        .db_name(Some(config.server.database.clone()))
        .tcp_connect_timeout(Some(CONNECT_TIMEOUT))
        // The server stops the statement first; this catches a server that stops answering.
        .read_timeout(Some(STATEMENT_TIMEOUT + Duration::from_secs(15)))
        .write_timeout(Some(CONNECT_TIMEOUT))
        .prefer_socket(false);
    if tls {
        opts.ssl_opts(Some(SslOpts::default()))
    } else {
        opts
    }
}

fn connect(config: &DatabaseConfig, password: Option<&str>) -> Result<Conn> {
    let attempt = |tls| Conn::new(options(config, password, tls)).map_err(|e| said(config, &e));
    match config.server.tls {
        TlsMode::Disable => attempt(false),
        TlsMode::Require => attempt(true),
        // TLS when the server offers it: a server without it answers "TLS not supported".
        TlsMode::Prefer => match Conn::new(options(config, password, true)) {
            Ok(conn) => Ok(conn),
            Err(mysql::Error::DriverError(mysql::DriverError::TlsNotSupported)) => attempt(false),
            Err(e) => Err(said(config, &e)),
        },
    }
}

/// A MySQL error in words: what the server said, or why it could not be reached.
fn said(config: &DatabaseConfig, e: &mysql::Error) -> CoreError {
    let at = format!("{}:{}", config.server.host, config.port);
    let message = match e {
        mysql::Error::MySqlError(m) => match m.code {
            1045 | 1044 => format!("{at} refused the user name or password ({})", m.message),
            1049 => format!("{at} has no database named \"{}\"", config.server.database),
            1792 | 1290 => "the query tries to change the database; a source only reads (write a SELECT)".to_string(),
            1969 | 3024 => format!("the query ran longer than {} seconds and the server stopped it", STATEMENT_TIMEOUT.as_secs()),
            _ => format!("the server said: {}", tidy(&m.message)),
        },
        mysql::Error::DriverError(mysql::DriverError::TlsNotSupported) => format!("{at} does not offer TLS, and this source requires it"),
        mysql::Error::DriverError(mysql::DriverError::CouldNotConnect(detail)) => {
            let why = detail.as_ref().map(|(_, why, _)| why.as_str()).unwrap_or("no address");
            format!("could not reach the MySQL server at {at} ({why})")
        }
        mysql::Error::DriverError(mysql::DriverError::ConnectTimeout) => format!("{at} did not answer within {} seconds", CONNECT_TIMEOUT.as_secs()),
        mysql::Error::IoError(io) if io.kind() == std::io::ErrorKind::TimedOut || io.kind() == std::io::ErrorKind::WouldBlock => {
            format!("{at} stopped answering")
        }
        mysql::Error::IoError(io) => format!("could not reach the MySQL server at {at} ({io})"),
        other => format!("could not read from the MySQL server at {at} ({other})"),
    };
    CoreError::validation(message)
}

/// The server's message about the wrapped statement, as about the user's query: without
/// the wrapper's tail, and the line counted from the query's first line.
fn tidy(message: &str) -> String {
    let mut text = message.replace(&tail(), "");
    if let Some(at) = text.rfind("at line ") {
        let digits: String = text[at + 8..].chars().take_while(char::is_ascii_digit).collect();
        if let Ok(line) = digits.parse::<u32>() {
            text = format!("{}at line {}{}", &text[..at], line.saturating_sub(1).max(1), &text[at + 8 + digits.len()..]);
        }
    }
    text
}

fn kind_of(t: ColumnType) -> ColumnKind {
    use ColumnType::*;
    match t {
        MYSQL_TYPE_TINY | MYSQL_TYPE_SHORT | MYSQL_TYPE_LONG | MYSQL_TYPE_LONGLONG | MYSQL_TYPE_INT24 | MYSQL_TYPE_YEAR => ColumnKind::Integer,
        MYSQL_TYPE_FLOAT | MYSQL_TYPE_DOUBLE | MYSQL_TYPE_DECIMAL | MYSQL_TYPE_NEWDECIMAL => ColumnKind::Real,
        MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE => ColumnKind::Date,
        MYSQL_TYPE_DATETIME | MYSQL_TYPE_DATETIME2 | MYSQL_TYPE_TIMESTAMP | MYSQL_TYPE_TIMESTAMP2 => ColumnKind::Timestamp,
        _ => ColumnKind::Text,
    }
}

/// Read-only and time-limited for the rest of the session, values in UTC. MariaDB limits
/// statements with `max_statement_time` (seconds), MySQL with `max_execution_time` (ms):
/// each server refuses the other's name, so both are tried.
fn limit_session(conn: &mut Conn, config: &DatabaseConfig) -> Result<()> {
    conn.query_drop("SET SESSION TRANSACTION READ ONLY").map_err(|e| said(config, &e))?;
    conn.query_drop("SET time_zone = '+00:00'").map_err(|e| said(config, &e))?;
    let seconds = STATEMENT_TIMEOUT.as_secs();
    let mariadb = conn.query_drop(format!("SET SESSION max_statement_time = {seconds}"));
    let mysql = conn.query_drop(format!("SET SESSION max_execution_time = {}", seconds * 1000));
    if mariadb.is_err() && mysql.is_err() {
        tracing::warn!("the server has neither max_statement_time nor max_execution_time; only the read timeout bounds the query");
    }
    Ok(())
}

fn tables(conn: &mut Conn, config: &DatabaseConfig) -> Result<Vec<RemoteTable>> {
    let rows: Vec<(String, String, String)> = conn
        .query(
            "SELECT CAST(table_schema AS CHAR), CAST(table_name AS CHAR), CAST(column_name AS CHAR) FROM information_schema.columns \
             WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position LIMIT 20000",
        )
        .map_err(|e| said(config, &e))?;
    Ok(super::group_tables(rows.into_iter()))
}

/// A value as text; MySQL's zero dates (`0000-00-00`) mean "no date" and read as NULL, a
/// TIMESTAMP (stored in UTC, shown in the session's zone, UTC here) gets its `Z`.
fn text(value: Value, kind: ColumnKind, utc: bool) -> Option<String> {
    let text = match value {
        Value::NULL => return None,
        Value::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Double(d) => d.to_string(),
        other => other.as_sql(true).trim_matches('\'').to_string(),
    };
    match kind {
        ColumnKind::Date | ColumnKind::Timestamp if text.starts_with("0000-00-00") => None,
        ColumnKind::Timestamp if utc => Some(format!("{text}Z")),
        _ => Some(text),
    }
}

fn rows(conn: &mut Conn, config: &DatabaseConfig) -> Result<Fetched> {
    let sql = wrapped(&config.server.query);
    let mut result = conn.query_iter(&sql).map_err(|e| said(config, &e))?;
    let columns = result.columns();
    let columns = columns.as_ref();
    let mut fields = Vec::new();
    let mut seen = HashSet::new();
    for c in columns {
        let name = crate::insights::sources::column_name(&c.name_str())?;
        if !seen.insert(name.to_lowercase()) {
            return Err(CoreError::validation(format!("the query answers two columns named \"{name}\": give them different names with AS")));
        }
        fields.push((name, Some(kind_of(c.column_type()))));
    }
    let utc: Vec<bool> = columns.iter().map(|c| matches!(c.column_type(), ColumnType::MYSQL_TYPE_TIMESTAMP | ColumnType::MYSQL_TYPE_TIMESTAMP2)).collect();
    let kinds: Vec<ColumnKind> = fields.iter().map(|(_, k)| k.unwrap_or(ColumnKind::Text)).collect();
    let mut out = Vec::new();
    let mut bytes = 0u64;
    for row in result.by_ref() {
        let row = row.map_err(|e| said(config, &e))?;
        if out.len() == MAX_ROWS {
            return Err(CoreError::validation(format!("the query answers more than {MAX_ROWS} rows, the most a source keeps: add a WHERE or a GROUP BY")));
        }
        let values: Vec<Option<String>> = row.unwrap_raw().into_iter().enumerate().map(|(i, v)| text(v.unwrap_or(Value::NULL), kinds[i], utc[i])).collect();
        bytes += values.iter().flatten().map(|v| v.len() as u64).sum::<u64>();
        out.push(values);
    }
    Ok(Fetched { fields, rows: out, bytes })
}

pub(super) fn pull(config: &DatabaseConfig, password: Option<&str>) -> Result<Pulled> {
    let mut conn = connect(config, password)?;
    limit_session(&mut conn, config)?;
    conn.query_drop("START TRANSACTION READ ONLY").map_err(|e| said(config, &e))?;
    let tables = tables(&mut conn, config)?;
    let fetched = rows(&mut conn, config)?;
    // Nothing to keep: the transaction only read.
    conn.query_drop("ROLLBACK").map_err(|e| said(config, &e))?;
    Ok(Pulled { fetched, tables })
}
