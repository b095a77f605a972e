//! The sync catalog (`crates/sync/catalog.json`) is read from the migrations: this test
//! rebuilds it from a freshly migrated database and fails when the checked-in copy is
//! stale. `UPDATE_CATALOG=1 cargo test -p studydesk-core --test sync_catalog` rewrites it.

mod common;

use rusqlite::Connection;
use std::collections::BTreeMap;
use studydesk_core::db::latest_version;
use studydesk_sync::catalog::{class_of, Class, ColumnInfo, ForeignKey, TableInfo};
use studydesk_sync::Catalog;

fn table_info(conn: &Connection, table: &str) -> TableInfo {
    let mut cols = conn
        .prepare(&format!("SELECT name, type, \"notnull\", dflt_value IS NOT NULL FROM pragma_table_info('{table}')"))
        .unwrap();
    let columns = cols
        .query_map([], |r| {
            Ok(ColumnInfo { name: r.get(0)?, sql_type: r.get(1)?, not_null: r.get::<_, i64>(2)? == 1, has_default: r.get(3)? })
        })
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let mut fks =
        conn.prepare(&format!("SELECT \"from\", \"table\", on_delete FROM pragma_foreign_key_list('{table}')")).unwrap();
    let mut foreign_keys = fks
        .query_map([], |r| Ok(ForeignKey { column: r.get(0)?, parent: r.get(1)?, on_delete: r.get(2)? }))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    foreign_keys.sort_by(|a, b| a.column.cmp(&b.column));
    TableInfo { name: table.to_string(), columns, foreign_keys }
}

#[test]
fn sync_catalog_matches_the_migrations() {
    let fx = common::open();
    let conn = Connection::open(fx.dir.path().join("studydesk.db")).unwrap();
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let bookkeeping = ["refinery_schema_history", "local_meta", "audit_logs"];
    let tables: BTreeMap<String, TableInfo> = names
        .iter()
        .filter(|n| !bookkeeping.contains(&n.as_str()) && !n.starts_with("sync_") && class_of(n) != Class::LocalOnly)
        .map(|n| (n.clone(), table_info(&conn, n)))
        .collect();
    let builtin: Vec<String> = conn
        .prepare("SELECT id FROM activities WHERE is_builtin = 1 ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let builtin_rows = BTreeMap::from([("activities".to_string(), builtin)]);
    let fresh = Catalog { schema: latest_version(), tables, builtin_rows };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sync/catalog.json");
    if std::env::var_os("UPDATE_CATALOG").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&fresh).unwrap() + "\n").unwrap();
    }
    assert!(
        &fresh == Catalog::current(),
        "crates/sync/catalog.json is stale: run UPDATE_CATALOG=1 cargo test -p studydesk-core --test sync_catalog"
    );
}
