//! The one write path. See the module docs of `db` for the contract.

use super::{timestamp_text, Db, Hlc, Tx};
use crate::{ids, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// Who is writing and why: becomes `audit_logs.user_id` and `audit_logs.action`.
#[derive(Debug, Clone)]
pub struct WriteCtx {
    pub actor_id: Option<String>,
    pub action: String,
    /// Record the changes for sync (off only when applying changes pulled from the server).
    pub capture: bool,
    /// Write audit rows (history and undo).
    pub audit: bool,
}

impl WriteCtx {
    /// A change made by `actor` (the local user), e.g. `WriteCtx::by(user, "task.add")`.
    pub fn by(actor: &str, action: &str) -> Self {
        WriteCtx { actor_id: Some(actor.to_string()), action: action.to_string(), capture: true, audit: true }
    }

    /// Shipped reference data the app installs (the emoji catalog): tables that never
    /// sync, so nothing is captured, and no audit rows (they are nobody's changes).
    pub fn reference_data(action: &str) -> Self {
        WriteCtx { actor_id: None, action: action.to_string(), capture: false, audit: false }
    }

    /// A record of `actor`'s own that never leaves the device (the activity log): nothing
    /// captured for sync, no audit rows (the log is itself a history).
    pub fn local_record(actor: &str, action: &str) -> Self {
        WriteCtx { actor_id: Some(actor.to_string()), action: action.to_string(), capture: false, audit: false }
    }

    /// A change made by the app itself (first-launch setup, housekeeping).
    pub fn system(action: &str) -> Self {
        WriteCtx { actor_id: None, action: action.to_string(), capture: true, audit: true }
    }
}


impl Db {
    /// Runs `f` in one IMMEDIATE transaction with change capture on. Any error (from SQL,
    /// validation, or `f` itself) rolls back everything it wrote, records included.
    pub fn write<T>(&self, ctx: WriteCtx, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        self.refuse_if_damaged()?;
        let mut conn = self.lock();
        // The derive notes roll back with the rows when the write fails.
        let notes_before = self.derive_pending.snapshot();
        let out = self.write_locked(&mut conn, ctx, f);
        if out.is_err() {
            self.derive_pending.restore(notes_before);
        }
        out
    }

    fn write_locked<T>(&self, conn: &mut Connection, ctx: WriteCtx, f: impl FnOnce(&Tx) -> Result<T>) -> Result<T> {
        let now = self.clock.now();
        let hlc_now = self.hlc_now_ms(now);
        let hlc = {
            let mut clock = self.hlc.lock().unwrap_or_else(|p| p.into_inner());
            clock.tick(hlc_now)
        };
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have written since we last looked: never go back in time.
        let hlc = self.reconcile_hlc(&tx, hlc, hlc_now)?;
        tx.prepare_cached(
            "INSERT INTO temp.write_context(actor_id, action, hlc, device_id, now, capture, audit)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(rusqlite::params![
            ctx.actor_id,
            ctx.action,
            hlc.encode(),
            self.device_id,
            timestamp_text(now),
            ctx.capture,
            ctx.audit
        ])?;
        let wrapped = Tx::new(tx, now);
        let out = f(&wrapped)?;
        super::derive::run_pending(&wrapped, self.derived, &self.derive_pending)?;
        let tx = wrapped.into_inner();
        tx.prepare_cached("DELETE FROM temp.write_context")?.execute([])?;
        // A pulled page may have moved the clock past this transaction's stamp: keep the later.
        let latest = hlc.max(*self.hlc.lock().unwrap_or_else(|p| p.into_inner()));
        latest.store(&tx)?;
        tx.commit()?;
        if let Some(c) = &self.checkpointer {
            c.nudge();
        }
        Ok(out)
    }

    /// Moves this device's clock past a timestamp seen from another device, so every
    /// later local write orders after it (and the move survives a restart).
    pub fn observe_hlc(&self, remote: Hlc) -> Result<()> {
        let now = self.hlc_now_ms(self.clock.now());
        let observed = self.hlc.lock().unwrap_or_else(|p| p.into_inner()).observe(remote, now);
        let conn = self.lock();
        if Hlc::load(&conn)? < observed {
            // local_meta is bookkeeping, not user data: no capture trigger guards it.
            observed.store(&conn)?;
        }
        Ok(())
    }

    fn reconcile_hlc(&self, conn: &Connection, mine: Hlc, now_ms: i64) -> Result<Hlc> {
        let stored = Hlc::load(conn)?;
        if stored < mine {
            return Ok(mine);
        }
        let mut clock = self.hlc.lock().unwrap_or_else(|p| p.into_inner());
        *clock = stored;
        Ok(clock.tick(now_ms))
    }

    /// The wall time clocks tick on: this device's time corrected by the offset sync
    /// measured against the server (0 unless the device's clock was found wrong). Row
    /// timestamps the user sees keep the device's own time.
    fn hlc_now_ms(&self, now: DateTime<Utc>) -> i64 {
        now.timestamp_millis().saturating_add(self.clock_offset_ms())
    }

    pub fn clock_offset_ms(&self) -> i64 {
        self.clock_offset_ms.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Sets the offset later clocks tick with (kept in `local_meta` by the caller's write).
    pub(crate) fn set_clock_offset_ms(&self, offset_ms: i64) {
        self.clock_offset_ms.store(offset_ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// Moves this device's clock back to `to` when it is ahead of it: the one case where
    /// it goes back, after sync found it ran ahead of real time (`sync::skew`). Changes
    /// already stamped past `to` are the caller's to re-stamp.
    pub(crate) fn lower_hlc(&self, to: Hlc) -> Result<()> {
        let conn = self.lock();
        let mut clock = self.hlc.lock().unwrap_or_else(|p| p.into_inner());
        *clock = (*clock).min(to);
        if Hlc::load(&conn)? > to {
            // local_meta is bookkeeping, not user data: no capture trigger guards it.
            to.store(&conn)?;
        }
        Ok(())
    }

    /// Inside a [`Db::write`]: makes the clock stored at COMMIT at least `to`, for a write
    /// that hands out clocks of its own (the connection lock is held, so no other write
    /// can tick in between).
    pub(crate) fn raise_hlc_in_write(&self, to: Hlc) {
        let mut clock = self.hlc.lock().unwrap_or_else(|p| p.into_inner());
        *clock = (*clock).max(to);
    }
}

/// This installation's id, created on first open and kept in `local_meta`.
pub fn device_id(conn: &Connection) -> Result<String> {
    let found: Option<String> =
        conn.query_row("SELECT value FROM local_meta WHERE key = 'device_id'", [], |r| r.get(0)).optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let id = ids::new_id();
    conn.execute("INSERT INTO local_meta(key, value) VALUES ('device_id', ?1)", [&id])?;
    Ok(id)
}
