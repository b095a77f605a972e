//! A hybrid logical clock: wall-clock milliseconds plus a counter, so that every change
//! this device makes gets a timestamp greater than every one it made (or saw) before,
//! even when the wall clock jumps back. Written as `0001732241696123.00000` (fixed
//! width, so text order is time order); ties between devices are broken by device id.
//!
//! Why not the `uhlc` crate: it reads time through a plain `fn` pointer, which cannot
//! carry our injected test clock; the algorithm itself is a dozen lines.

use crate::Result;
use rusqlite::{Connection, OptionalExtension};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Hlc {
    pub wall_ms: i64,
    pub counter: u32,
}

pub const META_KEY: &str = "hlc";
/// `local_meta` key of the server's time minus this device's, in milliseconds, when sync
/// found the device's clock wrong (absent otherwise). Clocks tick on device time plus it.
pub const CLOCK_OFFSET_KEY: &str = "sync.clock_offset_ms";

/// The stored clock offset (0 when none is stored or it cannot be read).
pub fn load_clock_offset(conn: &Connection) -> Result<i64> {
    let stored: Option<String> =
        conn.query_row("SELECT value FROM local_meta WHERE key = ?1", [CLOCK_OFFSET_KEY], |r| r.get(0)).optional()?;
    Ok(stored.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// The text form has five counter digits: past this the counter carries into the
/// milliseconds, so the text never changes width and text order stays time order.
const MAX_COUNTER: u32 = 99_999;

impl Hlc {
    /// The next timestamp for a local event at wall time `now_ms`.
    pub fn tick(&mut self, now_ms: i64) -> Hlc {
        if now_ms > self.wall_ms {
            self.wall_ms = now_ms;
            self.counter = 0;
        } else {
            self.counter += 1;
        }
        self.carry()
    }

    fn carry(&mut self) -> Hlc {
        if self.counter > MAX_COUNTER {
            self.wall_ms += 1;
            self.counter = 0;
        }
        *self
    }

    /// Merges a timestamp received from another device.
    pub fn observe(&mut self, remote: Hlc, now_ms: i64) -> Hlc {
        let max_wall = now_ms.max(self.wall_ms).max(remote.wall_ms);
        self.counter = if max_wall == self.wall_ms && max_wall == remote.wall_ms {
            self.counter.max(remote.counter) + 1
        } else if max_wall == self.wall_ms {
            self.counter + 1
        } else if max_wall == remote.wall_ms {
            remote.counter + 1
        } else {
            0
        };
        self.wall_ms = max_wall;
        self.carry()
    }

    pub fn encode(&self) -> String {
        format!("{:016}.{:05}", self.wall_ms, self.counter)
    }

    pub fn parse(s: &str) -> Option<Hlc> {
        let (w, c) = s.split_once('.')?;
        Some(Hlc { wall_ms: w.parse().ok()?, counter: c.parse().ok()? })
    }

    /// The last value this device issued, kept in `local_meta` across restarts.
    pub fn load(conn: &Connection) -> Result<Hlc> {
        let stored: Option<String> =
            conn.query_row("SELECT value FROM local_meta WHERE key = ?1", [META_KEY], |r| r.get(0)).optional()?;
        Ok(stored.as_deref().and_then(Hlc::parse).unwrap_or_default())
    }

    pub fn store(&self, conn: &Connection) -> Result<()> {
        conn.prepare_cached(
            "INSERT INTO local_meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        )?
        .execute([META_KEY, &self.encode()])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_monotonic_when_the_wall_clock_goes_back() {
        let mut h = Hlc::default();
        let a = h.tick(1_000);
        let b = h.tick(900);
        let c = h.tick(1_000);
        assert!(a < b && b < c);
        assert!(a.encode() < b.encode() && b.encode() < c.encode());
    }

    #[test]
    fn the_counter_carries_into_the_milliseconds_instead_of_widening_the_text() {
        let mut h = Hlc { wall_ms: 1_000, counter: 99_998 };
        let a = h.tick(900);
        let b = h.tick(900);
        assert_eq!((a.encode().len(), b.encode().len()), (22, 22));
        assert_eq!(b, Hlc { wall_ms: 1_001, counter: 0 });
        assert!(a.encode() < b.encode());
        let remote = Hlc { wall_ms: 1_001, counter: 99_999 };
        assert_eq!(h.observe(remote, 0).encode(), "0000000000001002.00000");
    }

    #[test]
    fn observing_a_remote_clock_ahead_moves_past_it() {
        let mut h = Hlc { wall_ms: 100, counter: 3 };
        let r = Hlc { wall_ms: 500, counter: 7 };
        let m = h.observe(r, 200);
        assert!(m > r);
        assert_eq!(Hlc::parse(&m.encode()), Some(m));
    }
}
