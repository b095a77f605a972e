//! A bare Tauri 2 app, the yardstick of Studydesk's start-up and memory (issue 17): one
//! window, a SQLite database opened before the window (as Studydesk does), and one command
//! that reads one row, which the page calls as soon as it loads. Its data folder is
//! `--data-dir DIR` (as Studydesk's), else the temp folder.

use std::path::PathBuf;
use std::sync::Mutex;

struct Db(Mutex<rusqlite::Connection>);

#[tauri::command]
fn read_row(db: tauri::State<'_, Db>) -> Result<String, String> {
    let conn = db.0.lock().map_err(|_| "the database lock was poisoned".to_string())?;
    conn.query_row("SELECT text FROM note ORDER BY id LIMIT 1", [], |r| r.get(0)).map_err(|e| e.to_string())
}

fn data_dir() -> PathBuf {
    let args: Vec<String> = std::env::args().collect();
    args.windows(2).find(|w| w[0] == "--data-dir").map(|w| PathBuf::from(&w[1])).unwrap_or_else(std::env::temp_dir)
}

fn open() -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(data_dir().join("bare.db"))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE IF NOT EXISTS note (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
         INSERT INTO note (text) SELECT 'One row, read from SQLite' WHERE NOT EXISTS (SELECT 1 FROM note);",
    )?;
    Ok(conn)
}

fn main() {
    let conn = match open() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bare-tauri-app: could not open its database: {e}");
            std::process::exit(1);
        }
    };
    let built = tauri::Builder::default()
        .manage(Db(Mutex::new(conn)))
        .invoke_handler(tauri::generate_handler![read_row])
        .run(tauri::generate_context!());
    if let Err(e) = built {
        eprintln!("bare-tauri-app: {e}");
        std::process::exit(1);
    }
}
