//! The upgrade fixtures' generator: a fresh file migrated to one version with `run_up_to`,
//! filled with rows in EVERY table by reading the schema (not by the app's code, which
//! only knows the latest schema), then dumped as SQL text.
//!
//! How a row is made: tables in foreign-key order (`PRAGMA foreign_key_list`); each
//! column gets a value from its name and the table's CHECKs (an `IN (...)` list, a JSON
//! check, a date GLOB, a length bound), references point to the parent's rows. A CHECK,
//! UNIQUE or NOT NULL the first values break is retried with the next candidates of the
//! columns the error names (an odometer over them, bounded), NULL last: so as many
//! columns as the constraints allow are not NULL. `OVERRIDES` holds the values the
//! schema cannot tell (a column the app parses: an RRULE, a JSON shape it reads).
//!
//! The output is deterministic (no clock, no random ids), so a regenerated fixture of an
//! unchanged migration is byte for byte the same.

use rusqlite::types::Value;
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};

/// Rows made per table (at least two, the brief's rule).
pub const ROWS: usize = 2;

/// Tables the generator does not fill: the migration runner's own history.
const SKIP: &[&str] = &["refinery_schema_history"];

/// Values the schema cannot tell: (table, column, value of row 0, value of row 1).
/// `None` in a value is SQL NULL.
const OVERRIDES: &[(&str, &str, Option<&str>, Option<&str>)] = &[
    ("calendar_events", "rrule", None, Some("FREQ=WEEKLY;COUNT=4")),
    // V26: a feed's address and a `#rrggbb` colour (the CHECKs use LIKE, which the
    // generator does not read).
    ("calendar_subscriptions", "url", Some("https://timetable.example.org/a.ics"), Some("http://127.0.0.1:8080/b.ics")),
    ("calendar_subscriptions", "colour", Some("#2563eb"), Some("#16a34a")),
    ("calendar_subscriptions", "refresh_minutes", Some("360"), Some("60")),
    // Both emoji rows are a user's custom emoji: a non-custom row is the shipped catalog,
    // which the app replaces with its own at open (`emoji::catalog::ensure`), by design.
    ("emojis", "is_custom", Some("1"), Some("1")),
];

struct Column {
    name: String,
    decl: String,
    notnull: bool,
    pk: bool,
}

struct Fk {
    from: String,
    table: String,
    to: Option<String>,
}

/// Makes the SQL text dump of a database migrated to `version` and filled.
pub fn fixture(version: i64) -> String {
    let mut conn = Connection::open_in_memory().expect("in-memory database");
    studydesk_core::db::migrate_up_to(&mut conn, version).expect("migrate");
    conn.execute_batch("PRAGMA foreign_keys = ON;").expect("pragma");
    fill(&conn);
    // The runner stamps the time it ran: a fixed one keeps the text the same when rewritten.
    conn.execute("UPDATE refinery_schema_history SET applied_on = '2026-01-01T00:00:00Z'", []).expect("history");
    let fk: Vec<String> = query(&conn, "PRAGMA foreign_key_check", |r| r.get::<_, String>(0));
    assert!(fk.is_empty(), "V{version}: the filled rows break references: {fk:?}");
    dump(&conn, version)
}

fn fill(conn: &Connection) {
    let tables = fk_order(conn);
    let mut made: HashMap<String, Vec<BTreeMap<String, Value>>> = HashMap::new();
    for table in &tables {
        if table == "local_meta" {
            continue;
        }
        for k in 0..ROWS {
            let row = insert_row(conn, table, k, &made);
            made.entry(table.clone()).or_default().push(row);
        }
    }
    if tables.iter().any(|t| t == "local_meta") {
        // The device's own facts, as the app keeps them: the local user is the first user.
        let user = text(&made["users"][0]["id"]);
        conn.execute("INSERT INTO local_meta(key, value) VALUES ('local_user_id', ?1), ('device_id', ?2)", [user.as_str(), uuid("device", 0).as_str()])
            .expect("local_meta");
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        other => panic!("not text: {other:?}"),
    }
}

/// The user tables in an order where every referenced table comes first (self references
/// and cycles are filled with NULL for the first row).
fn fk_order(conn: &Connection) -> Vec<String> {
    let all: Vec<String> = query(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        |r| r.get(0),
    )
    .into_iter()
    .filter(|t: &String| !SKIP.contains(&t.as_str()))
    .collect();
    let mut order: Vec<String> = Vec::new();
    while order.len() < all.len() {
        let ready = all.iter().find(|t| {
            !order.contains(t) && foreign_keys(conn, t).iter().all(|f| &f.table == *t || order.contains(&f.table))
        });
        match ready {
            Some(t) => order.push(t.clone()),
            // A cycle: take the first remaining table; its unfilled references start NULL.
            None => order.push(all.iter().find(|t| !order.contains(t)).cloned().expect("a table")),
        }
    }
    order
}

fn foreign_keys(conn: &Connection, table: &str) -> Vec<Fk> {
    query(conn, &format!("SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list('{table}')"), |r| {
        Ok(Fk { from: r.get(0)?, table: r.get(1)?, to: r.get(2)? })
    })
}

fn columns(conn: &Connection, table: &str) -> Vec<Column> {
    query(conn, &format!("SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}') ORDER BY cid"), |r| {
        Ok(Column { name: r.get(0)?, decl: r.get::<_, String>(1)?.to_uppercase(), notnull: r.get(2)?, pk: r.get::<_, i64>(3)? > 0 })
    })
}

fn query<T>(conn: &Connection, sql: &str, f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>) -> Vec<T> {
    let mut st = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let rows = st.query_map([], f).expect("query").collect::<rusqlite::Result<Vec<T>>>().expect("rows");
    rows
}

/// A UUIDv7-shaped id, the same for the same table and row in every version.
pub fn uuid(table: &str, k: usize) -> String {
    let h = table.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    format!("0193a000-{:04x}-7000-8000-{:012x}", h & 0xffff, k + 1)
}

/// Inserts row `k` of `table`, retrying other candidates on a broken constraint.
fn insert_row(conn: &Connection, table: &str, k: usize, made: &HashMap<String, Vec<BTreeMap<String, Value>>>) -> BTreeMap<String, Value> {
    let sql_text: String = conn
        .query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))
        .expect("table sql");
    let fks = foreign_keys(conn, table);
    let cols = columns(conn, table);
    let candidates: Vec<Vec<Value>> = cols
        .iter()
        .map(|c| {
            let fk = fks.iter().find(|f| f.from == c.name);
            candidates(table, c, &sql_text, k, fk, made)
        })
        .collect();
    let mut pick = vec![0usize; cols.len()];
    let names: Vec<String> = cols.iter().map(|c| format!("\"{}\"", c.name)).collect();
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let sql = format!("INSERT INTO \"{table}\" ({}) VALUES ({})", names.join(", "), marks.join(", "));
    for _attempt in 0..400 {
        let values: Vec<Value> = pick.iter().zip(&candidates).map(|(&i, c)| c[i].clone()).collect();
        match conn.execute(&sql, rusqlite::params_from_iter(values.iter())) {
            Ok(_) => return cols.iter().map(|c| c.name.clone()).zip(values).collect(),
            Err(e) => {
                let msg = e.to_string();
                let named: Vec<usize> = (0..cols.len()).filter(|&i| mentions(&msg, table, &cols[i].name)).collect();
                assert!(!named.is_empty(), "{table} row {k}: {msg} names no column to vary");
                if !advance(&mut pick, &named, &candidates) {
                    panic!("{table} row {k}: no candidate values pass: {msg}");
                }
            }
        }
    }
    panic!("{table} row {k}: gave up after 400 attempts");
}

/// Whether the error message names `column` (as a word, or as `table.column`).
fn mentions(msg: &str, table: &str, column: &str) -> bool {
    let re = regex::Regex::new(&format!(r"(^|[^A-Za-z0-9_]){}($|[^A-Za-z0-9_])", regex::escape(column))).expect("regex");
    re.is_match(msg) || msg.contains(&format!("{table}.{column}"))
}

/// Moves the odometer over the `named` columns one step; false when it went all round.
fn advance(pick: &mut [usize], named: &[usize], candidates: &[Vec<Value>]) -> bool {
    for &i in named {
        if pick[i] + 1 < candidates[i].len() {
            pick[i] += 1;
            return true;
        }
        pick[i] = 0;
    }
    false
}

fn candidates(
    table: &str,
    c: &Column,
    sql: &str,
    k: usize,
    fk: Option<&Fk>,
    made: &HashMap<String, Vec<BTreeMap<String, Value>>>,
) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    if let Some(&(_, _, a, b)) = OVERRIDES.iter().find(|(t, col, _, _)| *t == table && *col == c.name) {
        let v = [a, b][k.min(1)];
        out.push(v.map_or(Value::Null, |s| s.parse::<i64>().map_or_else(|_| Value::Text(s.to_string()), Value::Integer)));
    } else if let Some(fk) = fk {
        let to = fk.to.clone().unwrap_or_else(|| "id".to_string());
        let parents: Vec<Value> = made.get(&fk.table).map(|rows| rows.iter().map(|r| r[&to].clone()).collect()).unwrap_or_default();
        // Row k points to the parent's row k, then the other ones (a self reference: the
        // rows made before this one).
        for j in 0..parents.len() {
            out.push(parents[(k + j) % parents.len()].clone());
        }
    } else {
        out.extend(plain(table, c, sql, k));
    }
    if !c.notnull && !c.pk {
        out.push(Value::Null);
    }
    if out.is_empty() {
        out.push(Value::Null);
    }
    out
}

/// Candidate values of a column that references nothing.
fn plain(table: &str, c: &Column, sql: &str, k: usize) -> Vec<Value> {
    let col = regex::escape(&c.name);
    let word = format!(r"(?:\b|\(){col}\b");
    if c.pk && c.decl.contains("INT") {
        return vec![Value::Integer(k as i64 + 1)];
    }
    if c.pk && c.name == "id" {
        return vec![Value::Text(uuid(table, k))];
    }
    // An enum or boolean: the IN list's items, row k starting at item k.
    let in_list = regex::Regex::new(&format!(r"{word}\s+IN\s*\(([^)]*)\)")).expect("regex");
    if let Some(m) = in_list.captures(sql) {
        let items: Vec<Value> = m[1]
            .split(',')
            .map(|s| s.trim())
            .map(|s| match s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
                Some(t) => Value::Text(t.to_string()),
                None => s.parse::<i64>().map(Value::Integer).unwrap_or(Value::Text(s.to_string())),
            })
            .collect();
        let n = items.len();
        return (0..n).map(|j| items[(k + j) % n].clone()).collect();
    }
    let json_of = |kind: &str| regex::Regex::new(&format!(r"json_type\({col}\)\s*=\s*'{kind}'")).expect("regex").is_match(sql);
    if json_of("array") {
        return vec![Value::Text(format!(r#"["数学 {k}","📚",{k}]"#)), Value::Text("[]".into())];
    }
    if json_of("object") || regex::Regex::new(&format!(r"json_valid\({col}\)")).expect("regex").is_match(sql) {
        return vec![
            Value::Text(format!(r#"{{"note":"ノート {k} ✓","n":{k},"tags":["a","β"]}}"#)),
            Value::Text("{}".into()),
        ];
    }
    let glob = regex::Regex::new(&format!(r"{word}\s+GLOB\s+'([^']*)'")).expect("regex");
    if let Some(m) = glob.captures(sql) {
        let pattern = &m[1];
        let v = if pattern.starts_with("[0-9][0-9][0-9][0-9]-") {
            format!("2026-11-2{}", 2 + k)
        } else if pattern.starts_with("[0-2][0-9]:") {
            format!("0{}:30", 7 + k)
        } else if pattern.starts_with('#') {
            ["#3366cc", "#e0a030"][k.min(1)].to_string()
        } else {
            format!("x{k}")
        };
        return vec![Value::Text(v)];
    }
    if regex::Regex::new(&format!(r"length\({col}\)\s*=\s*64")).expect("regex").is_match(sql) {
        return vec![Value::Text(format!("{:064x}", 0xabc0 + k))];
    }
    if c.decl.contains("BLOB") {
        return vec![Value::Blob(format!("%PDF-1.7 {k} ✓").into_bytes())];
    }
    if c.decl.contains("INT") {
        return vec![Value::Integer(k as i64 + 1), Value::Integer(0)];
    }
    if c.decl.contains("REAL") || c.decl.contains("NUM") {
        return vec![Value::Real(1.5 + k as f64), Value::Real(0.0)];
    }
    let max = max_length(sql, &c.name);
    vec![Value::Text(clip(&named_text(table, &c.name, k), max)), Value::Text(clip(&format!("v{k}"), max))]
}

/// The longest text a `length(col) <= n` / `BETWEEN a AND n` CHECK allows.
fn max_length(sql: &str, col: &str) -> Option<usize> {
    let col = regex::escape(col);
    let re = regex::Regex::new(&format!(r"length\({col}\)\s*(?:<=\s*(\d+)|BETWEEN\s+\d+\s+AND\s+(\d+))")).expect("regex");
    re.captures(sql).and_then(|m| m.get(1).or(m.get(2))).and_then(|n| n.as_str().parse().ok())
}

fn clip(s: &str, max: Option<usize>) -> String {
    match max {
        Some(n) => s.chars().take(n).collect(),
        None => s.to_string(),
    }
}

/// A text value shaped like what the column holds (from its name), with unicode.
fn named_text(table: &str, col: &str, k: usize) -> String {
    let ts = format!("2026-11-2{}T0{}:30:00.000Z", 2 + k, 1 + k);
    match col {
        c if c.ends_with("_at") || c == "recurrence_id" || c == "applied_on" => ts,
        c if c.ends_with("_date") || c == "date" || c == "joined_at" => format!("2026-11-2{}", 2 + k),
        "email" => format!("ada{k}@example.org"),
        "timezone" => ["Asia/Tokyo", "Europe/Paris"][k.min(1)].to_string(),
        "preferred_locale" | "locale" => ["ja", "en"][k.min(1)].to_string(),
        "theme" => ["dark", "light"][k.min(1)].to_string(),
        "emoji" => ["📚", "✏️"][k.min(1)].to_string(),
        "mime_type" | "media_type" => "image/png".to_string(),
        "path" => format!("attachments/ab/ファイル{k}.png"),
        "uid" => format!("uid-{k}@example.org"),
        "shortcode" => format!(":cat_wave_{k}:"),
        c if c.ends_with("_url") || c == "url" => format!("https://example.org/{table}/{k}"),
        c if c.ends_with("_id") => uuid(&format!("{table}.{c}"), k),
        c => format!("{c} {k} 日本語 ✓ café"),
    }
}

/// The database as SQL text: the schema as the migrations made it, then every row.
fn dump(conn: &Connection, version: i64) -> String {
    let mut out = format!(
        "-- Studydesk data file at schema version {version}: written by UPDATE_UPGRADE_FIXTURES=1 cargo test -p studydesk-core --test upgrade.\n-- Frozen: never edit by hand (an edited old migration must fail the upgrade test).\n-- Rows are in table order, not reference order: references are checked after loading.\nPRAGMA foreign_keys = OFF;\nBEGIN;\n"
    );
    let objects: Vec<(String, String, String)> = query(
        conn,
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
         ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid",
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    );
    for (_, _, sql) in objects.iter().filter(|(kind, _, _)| kind == "table") {
        out.push_str(sql);
        out.push_str(";\n");
    }
    for (_, name, _) in objects.iter().filter(|(kind, _, _)| kind == "table") {
        let cols = columns(conn, name);
        let quoted: Vec<String> = cols.iter().map(|c| format!("quote(\"{}\")", c.name)).collect();
        let pk: Vec<String> = cols.iter().filter(|c| c.pk).map(|c| format!("\"{}\"", c.name)).collect();
        let order = if pk.is_empty() { "1".to_string() } else { pk.join(", ") };
        let sql = format!("SELECT {} FROM \"{name}\" ORDER BY {order}", quoted.join(" || ', ' || "));
        for values in query(conn, &sql, |r| r.get::<_, String>(0)) {
            out.push_str(&format!("INSERT INTO \"{name}\" VALUES({values});\n"));
        }
    }
    for (_, _, sql) in objects.iter().filter(|(kind, _, _)| kind != "table") {
        out.push_str(sql);
        out.push_str(";\n");
    }
    out.push_str("COMMIT;\n");
    out
}
