//! WAL checkpoints off the writer's path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses the threshold, so a
//! writer pays for copying the WAL back into the database file (measured: a large share
//! of a batch write's time, see docs/benchmarks.md). Instead the writing connection turns
//! auto-checkpoints off and, after each commit, nudges a background thread that owns a
//! second connection and runs `PRAGMA wal_checkpoint(PASSIVE)`; nudges that arrive while
//! it works are merged. If that thread cannot start, auto-checkpoints stay on. The last
//! connection to close checkpoints and removes the WAL, as SQLite always does.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::thread::JoinHandle;

pub struct Checkpointer {
    nudge: Option<SyncSender<()>>,
    worker: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the background checkpointer for the database at `path`, or `None` (and
    /// SQLite's own auto-checkpoint stays in charge) when it cannot.
    pub fn start(path: &Path, busy_timeout: std::time::Duration) -> Option<Checkpointer> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .and_then(|c| c.busy_timeout(busy_timeout).map(|_| c))
            .map_err(|e| tracing::warn!(error = %e, "no background checkpoints; SQLite will checkpoint on commit"))
            .ok()?;
        let (nudge, nudged) = mpsc::sync_channel::<()>(1);
        let worker = std::thread::Builder::new()
            .name("studydesk-checkpoint".into())
            .spawn(move || {
                while nudged.recv().is_ok() {
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                        tracing::warn!(error = %e, "background checkpoint failed; will retry after the next write");
                    }
                }
            })
            .map_err(|e| tracing::warn!(error = %e, "could not start the checkpoint thread"))
            .ok()?;
        Some(Checkpointer { nudge: Some(nudge), worker: Some(worker) })
    }

    /// Called after a commit: asks for a checkpoint unless one is already asked for.
    pub fn nudge(&self) {
        if let Some(n) = &self.nudge {
            match n.try_send(()) {
                Ok(()) | Err(TrySendError::Full(())) => {}
                Err(TrySendError::Disconnected(())) => tracing::warn!("the checkpoint thread has stopped"),
            }
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.nudge.take(); // closing the channel ends the thread's loop
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}
