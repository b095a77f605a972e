//! What every benchmark shares: the same "now", a deterministic generator, and a
//! database opened for the benchmark user in Tokyo. (`benches/support/` is not a bench
//! target itself; each bench includes it with `mod support;`.)
#![allow(dead_code)] // each bench uses its own part

use chrono::{DateTime, TimeZone, Utc};
use std::path::Path;
use std::sync::Arc;
use studydesk_core::api::Studydesk;
use studydesk_core::clock::{ManualClock, SharedClock};

/// The time zone of the benchmark user.
pub const TZ: &str = "Asia/Tokyo";

/// "Now" for every benchmark: 2026-11-23 12:00 in Tokyo (a Monday).
pub fn bench_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap()
}

pub fn manual_clock() -> SharedClock {
    Arc::new(ManualClock::new(bench_now()))
}

/// Opens (creating) the database in `dir` at [`bench_now`], with the user in [`TZ`].
pub fn open_in_tokyo(dir: &Path) -> Studydesk {
    let sd = Studydesk::open(dir, manual_clock()).expect("open");
    sd.settings_update(studydesk_core::account::settings::SettingsPatch { timezone: Some(TZ.into()), ..Default::default() })
        .expect("time zone");
    sd
}

/// A tiny deterministic generator (xorshift64*), so every run builds the same data.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
