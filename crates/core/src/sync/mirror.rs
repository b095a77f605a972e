//! The generic mirror of synced rows: reading a local table's columns and writing the
//! server's values to a row of any synced table by name. Sync is the one declared
//! exception to "a room's SQL stays in the room": pulled changes and discarded refusals
//! land here for every table the catalog lists, without each room's services (their
//! rules were checked on the device that wrote the change and by the server).
//! Lower than `apply` and `refused`, which both write through it.

use crate::Result;
use rusqlite::Connection;
use serde_json::{Map, Value};
use studydesk_sync::catalog::accepts_pulled;

pub(super) use crate::db::by_name::{local_columns, read_values, row_exists, write_known_columns};

/// Writes the server's `values` to the row (updating it, or inserting it when it is not
/// here), as discarding a refused change does. Only the columns a pulled change may set
/// are written (secret, derived and unknown ones are left out, as a pulled change's screening does).
pub(super) fn write_columns(
    conn: &Connection,
    table: &str,
    row_id: &str,
    values: &Map<String, Value>,
    columns: &[String],
) -> Result<()> {
    let accepted: Map<String, Value> =
        values.iter().filter(|(k, _)| accepts_pulled(table, k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    let exists = row_exists(conn, table, row_id)?;
    write_known_columns(conn, table, row_id, &accepted, columns, exists)
}
