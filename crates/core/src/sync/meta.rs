//! Sync's facts in `local_meta` (server, account, cursor, last result) and the lease that
//! lets one syncer run at a time across the app and the CLI.

pub use crate::db::meta::{put, read, remove};

use super::sync_ctx;
use crate::db::timestamp_text;
use crate::{CoreError, Db, Result};

pub const SERVER_URL: &str = "sync.server_url";
pub const ACCOUNT_ID: &str = "sync.account_id";
pub const EMAIL: &str = "sync.email";
pub const CURSOR: &str = "sync.cursor";
/// `{stream: last applied seq}`: what the cursor covers, read by this device.
pub const POSITIONS: &str = "sync.positions";
pub const FIRST_SYNC: &str = "sync.first_sync";
pub const LAST_OK_AT: &str = "sync.last_ok_at";
pub const LAST_ERROR: &str = "sync.last_error";
pub const LEASE: &str = "sync.lease";
/// How long a lease lasts without being renewed (a killed syncer frees it by expiry).
const LEASE_SECONDS: i64 = 120;

pub fn get(db: &Db, key: &str) -> Result<Option<String>> {
    db.read(|c| read(c, key))
}


/// Notes when the last round finished and how: the status line reads it.
pub fn record_outcome<T>(db: &Db, outcome: &Result<T>) -> Result<()> {
    db.write(sync_ctx("sync.status"), |tx| {
        match outcome {
            Ok(_) => {
                put(tx, LAST_OK_AT, &tx.now_text())?;
                remove(tx, LAST_ERROR)?;
            }
            Err(e) => {
                let record = serde_json::json!({"kind": e.kind(), "message": e.to_string(), "at": tx.now_text()});
                put(tx, LAST_ERROR, &record.to_string())?;
            }
        }
        Ok(())
    })
}

/// One syncer at a time: a lease in `local_meta`, claimed in a write transaction and
/// freed on drop; a syncer that was killed leaves a lease that expires.
pub struct Lease<'a> {
    db: &'a Db,
    token: String,
}

/// How long a round waits for another round of a live syncer to finish before giving up:
/// "Sync now" pressed while the background round runs waits for it instead of failing.
const WAIT_FOR_LEASE: std::time::Duration = std::time::Duration::from_secs(60);

impl<'a> Lease<'a> {
    /// Takes the lease, waiting (up to [`WAIT_FOR_LEASE`]) while a live syncer holds it.
    pub fn claim(db: &'a Db) -> Result<Lease<'a>> {
        let started = std::time::Instant::now();
        loop {
            match Self::try_claim(db)? {
                Some(lease) => return Ok(lease),
                None if started.elapsed() >= WAIT_FOR_LEASE => {
                    return Err(CoreError::sync(
                        crate::error::SyncErrorKind::NotReady,
                        "another Studydesk window or command has been syncing for a minute; try again in a moment",
                    ))
                }
                None => std::thread::sleep(std::time::Duration::from_millis(100)),
            }
        }
    }

    fn try_claim(db: &'a Db) -> Result<Option<Lease<'a>>> {
        let token = format!("{}:{}", std::process::id(), crate::ids::new_id());
        let claimed = db.write(sync_ctx("sync.lease"), |tx| {
            let now = tx.now();
            if let Some(held) = read(tx, LEASE)? {
                let until = held.split_once(' ').and_then(|(_, u)| chrono::DateTime::parse_from_rfc3339(u).ok());
                let holder = held.split_once(':').and_then(|(pid, _)| pid.parse::<u32>().ok());
                if until.is_some_and(|u| u > now) && holder.is_none_or(process_alive) {
                    return Ok(false);
                }
            }
            let until = now + chrono::Duration::seconds(LEASE_SECONDS);
            put(tx, LEASE, &format!("{token} {}", timestamp_text(until)))?;
            Ok(true)
        })?;
        Ok(claimed.then_some(Lease { db, token }))
    }
}

/// Whether a process still runs (a syncer killed mid-round leaves its lease behind).
/// Where this cannot be told, the lease's expiry frees it.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        return std::path::Path::new(&format!("/proc/{pid}")).exists();
    }
    true
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let token = self.token.clone();
        let _ = self.db.write(sync_ctx("sync.lease"), |tx| {
            if read(tx, LEASE)?.is_some_and(|held| held.starts_with(&token)) {
                remove(tx, LEASE)?;
            }
            Ok(())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A round started while another of this process runs waits for it, then runs.
    #[test]
    fn a_second_round_waits_for_the_first_to_finish() {
        let dir = tempfile::tempdir().unwrap();
        let db = std::sync::Arc::new(Db::open(&dir.path().join("studydesk.db"), crate::clock::system()).unwrap());
        let first = Lease::claim(&db).unwrap();
        assert!(Lease::try_claim(&db).unwrap().is_none(), "held: a second syncer cannot take it");
        let waiter = {
            let db = db.clone();
            std::thread::spawn(move || {
                let started = std::time::Instant::now();
                let lease = Lease::claim(&db).map(|_| ());
                (lease, started.elapsed())
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(500));
        drop(first);
        let (lease, waited) = waiter.join().unwrap();
        assert!(lease.is_ok(), "{lease:?}");
        assert!(waited >= std::time::Duration::from_millis(400), "it waited for the first round ({waited:?})");
    }
}
