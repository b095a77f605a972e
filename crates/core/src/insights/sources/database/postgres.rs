//! Reading a PostgreSQL server: connect (TLS as asked, time-limited, read-only session),
//! list its tables, run the query as one read-only statement, every value as text.
//!
//! The whole read (connect, sign in, list, query) has one deadline, [`READ_DEADLINE`]: a
//! server that accepts the connection and then says nothing, or stops answering halfway,
//! is given up on, its connection dropped, and the user told in words. The server's own
//! `statement_timeout` stops a slow query first; the deadline is for a server that cannot.

use super::{DatabaseConfig, Pulled, RemoteTable, TlsMode, CONNECT_TIMEOUT, MAX_ROWS, STATEMENT_TIMEOUT};
use crate::insights::sources::fill::Fetched;
use crate::insights::table::ColumnKind;
use crate::{CoreError, Result};
use std::collections::HashSet;
use std::time::Duration;
use tokio_postgres::config::SslMode;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::Type;
use tokio_postgres::{Client, SimpleQueryMessage, Transaction};

/// The most one read may take, all steps together: the connect and the query's own
/// limits, and time to move a million rows.
pub(super) const READ_DEADLINE: Duration = Duration::from_secs(CONNECT_TIMEOUT.as_secs() + STATEMENT_TIMEOUT.as_secs() + 30);

/// The user's query runs inside this, which keeps it to one SELECT and bounds the rows.
fn wrapped(query: &str) -> (String, usize) {
    let head = "SELECT * FROM (\n";
    (format!("{head}{query}\n) AS studydesk_source LIMIT {}", MAX_ROWS + 1), head.chars().count())
}

/// Connects and signs in; the connection's own task runs on the caller's runtime.
async fn connect(config: &DatabaseConfig, password: Option<&str>) -> Result<Client> {
    let mut pg = tokio_postgres::Config::new();
    pg.host(&config.server.host)
        .port(config.port)
        .dbname(&config.server.database)
        .user(&config.server.user)
        .application_name("Studydesk")
        .connect_timeout(CONNECT_TIMEOUT)
        .keepalives_idle(Duration::from_secs(30))
        // Read-only by default on the server's side too, stopped by the server when slow,
        // and values in UTC and ISO form for the cache's readers.
        .options(&format!(
            "-c default_transaction_read_only=on -c statement_timeout={} -c TimeZone=UTC -c DateStyle=ISO",
            STATEMENT_TIMEOUT.as_millis()
        ))
        .ssl_mode(match config.server.tls {
            TlsMode::Disable => SslMode::Disable,
            TlsMode::Prefer => SslMode::Prefer,
            TlsMode::Require => SslMode::Require,
        });
    if let Some(p) = password {
        pg.password(p);
    }
    let tls = native_tls::TlsConnector::new().map_err(|e| CoreError::validation(format!("TLS could not start ({e})")))?;
    let (client, connection) = pg.connect(postgres_native_tls::MakeTlsConnector::new(tls)).await.map_err(|e| said(config, &e, 0))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "a PostgreSQL source's connection ended");
        }
    });
    Ok(client)
}

/// A PostgreSQL error in words: what the server said, or why it could not be reached.
fn said(config: &DatabaseConfig, e: &tokio_postgres::Error, head: usize) -> CoreError {
    let at = format!("{}:{}", config.server.host, config.port);
    let Some(db) = e.as_db_error() else {
        if e.is_closed() {
            return CoreError::validation(format!("the connection to {at} was lost before the answer was read; try again"));
        }
        let mut cause = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            cause = s.to_string();
            source = s.source();
        }
        if cause.contains("timed out") || cause.contains("timeout") {
            return CoreError::validation(format!("{at} did not answer within {} seconds", CONNECT_TIMEOUT.as_secs()));
        }
        return CoreError::validation(format!("could not reach the PostgreSQL server at {at} ({cause})"));
    };
    let code = db.code();
    let message = if *code == SqlState::INVALID_PASSWORD || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
        format!("{at} refused the user name or password ({})", db.message())
    } else if *code == SqlState::QUERY_CANCELED {
        format!("the query ran longer than {} seconds and the server stopped it", STATEMENT_TIMEOUT.as_secs())
    } else if *code == SqlState::READ_ONLY_SQL_TRANSACTION {
        "the query tries to change the database; a source only reads (write a SELECT)".to_string()
    } else if [SqlState::ADMIN_SHUTDOWN, SqlState::CRASH_SHUTDOWN, SqlState::CANNOT_CONNECT_NOW].contains(code) {
        format!("{at} ended the connection while the query ran ({}); try again", db.message())
    } else if *code == SqlState::INVALID_CATALOG_NAME {
        format!("{at} has no database named \"{}\"", config.server.database)
    } else {
        let position = match db.position() {
            Some(tokio_postgres::error::ErrorPosition::Original(p)) => (*p as usize).checked_sub(head).filter(|p| *p > 0).map(|p| format!(" (at character {p} of the query)")),
            _ => None,
        };
        format!("the server said: {}{}", db.message(), position.unwrap_or_default())
    };
    CoreError::validation(message)
}

fn kind_of(t: &Type) -> ColumnKind {
    match *t {
        Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => ColumnKind::Integer,
        Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC => ColumnKind::Real,
        Type::DATE => ColumnKind::Date,
        Type::TIMESTAMP | Type::TIMESTAMPTZ => ColumnKind::Timestamp,
        _ => ColumnKind::Text,
    }
}

/// The server's tables and their columns (the first [`LIST_TABLES_MAX`] tables).
async fn tables(tx: &Transaction<'_>, config: &DatabaseConfig) -> Result<Vec<RemoteTable>> {
    let rows = tx
        .query(
            "SELECT table_schema::text, table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema') \
             ORDER BY table_schema, table_name, ordinal_position LIMIT 20000",
            &[],
        )
        .await
        .map_err(|e| said(config, &e, 0))?;
    Ok(super::group_tables(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2)))))
}

/// Runs the query and reads every value as text.
async fn rows(tx: &Transaction<'_>, config: &DatabaseConfig) -> Result<Fetched> {
    let (sql, head) = wrapped(&config.server.query);
    let statement = tx.prepare(&sql).await.map_err(|e| said(config, &e, head))?;
    let mut fields = Vec::new();
    let mut seen = HashSet::new();
    for c in statement.columns() {
        let name = crate::insights::sources::column_name(c.name())?;
        if !seen.insert(name.to_lowercase()) {
            return Err(CoreError::validation(format!("the query answers two columns named \"{name}\": give them different names with AS")));
        }
        fields.push((name, Some(kind_of(c.type_()))));
    }
    let booleans: Vec<bool> = statement.columns().iter().map(|c| *c.type_() == Type::BOOL).collect();
    let mut out = Vec::new();
    let mut bytes = 0u64;
    for message in tx.simple_query(&sql).await.map_err(|e| said(config, &e, head))? {
        let SimpleQueryMessage::Row(row) = message else { continue };
        if out.len() == MAX_ROWS {
            return Err(CoreError::validation(format!("the query answers more than {MAX_ROWS} rows, the most a source keeps: add a WHERE or a GROUP BY")));
        }
        let values = (0..row.len())
            .map(|i| {
                let v = row.get(i);
                bytes += v.map_or(0, |v| v.len() as u64);
                match (v, booleans.get(i)) {
                    (Some("t"), Some(true)) => Some("true".to_string()),
                    (Some("f"), Some(true)) => Some("false".to_string()),
                    (v, _) => v.map(str::to_string),
                }
            })
            .collect();
        out.push(values);
    }
    Ok(Fetched { fields, rows: out, bytes })
}

pub(super) fn pull(config: &DatabaseConfig, password: Option<&str>) -> Result<Pulled> {
    pull_within(config, password, READ_DEADLINE)
}

/// [`pull`] with its deadline (tests use a short one).
pub(super) fn pull_within(config: &DatabaseConfig, password: Option<&str>, deadline: Duration) -> Result<Pulled> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CoreError::io("could not start the PostgreSQL client", e))?;
    // Dropping the runtime on the way out closes the connection, whatever state it is in.
    runtime.block_on(async {
        match tokio::time::timeout(deadline, read(config, password)).await {
            Ok(pulled) => pulled,
            Err(_) => Err(CoreError::validation(format!(
                "{}:{} stopped answering: nothing came back within {} seconds; check that it is a PostgreSQL server and that it is running, then try again",
                config.server.host,
                config.port,
                deadline.as_secs()
            ))),
        }
    })
}

async fn read(config: &DatabaseConfig, password: Option<&str>) -> Result<Pulled> {
    // Reaching the server and signing in: the connect timeout covers only the socket's
    // connect, and a server may accept and then not speak.
    let mut client = match tokio::time::timeout(CONNECT_TIMEOUT, connect(config, password)).await {
        Ok(client) => client?,
        Err(_) => {
            return Err(CoreError::validation(format!(
                "{}:{} accepted the connection but did not answer within {} seconds; check that it is a PostgreSQL server",
                config.server.host,
                config.port,
                CONNECT_TIMEOUT.as_secs()
            )))
        }
    };
    let tx = client.build_transaction().read_only(true).start().await.map_err(|e| said(config, &e, 0))?;
    let tables = tables(&tx, config).await?;
    let fetched = rows(&tx, config).await?;
    // Nothing to keep: the transaction only read.
    tx.rollback().await.map_err(|e| said(config, &e, 0))?;
    Ok(Pulled { fetched, tables })
}
