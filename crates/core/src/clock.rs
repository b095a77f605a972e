//! Injected time. Nothing in core reads the system clock except [`SystemClock`]; tests
//! use [`ManualClock`] to set and move time (across midnight, a week, a DST change).
//! A clock also says how fast it runs ([`Clock::rate`]), so a loop that sleeps until an
//! app-clock time (the reminder scheduler) can turn that wait into real time.

use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    /// App-clock seconds per real second (1 for every clock but [`ScaledClock`]).
    fn rate(&self) -> f64 {
        1.0
    }
}

/// The real time to sleep for an app-clock wait of `wait` on a clock running at `rate`
/// (`wait / rate`; a rate below 1 or not a number counts as 1), never less than `floor`.
pub fn real_sleep(wait: std::time::Duration, rate: f64, floor: std::time::Duration) -> std::time::Duration {
    let rate = if rate.is_finite() && rate >= 1.0 { rate } else { 1.0 };
    wait.div_f64(rate).max(floor)
}

/// The wall clock of the machine.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        ManualClock(Arc::new(Mutex::new(at)))
    }
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The wall clock running `rate` times as fast from the moment it was made, starting at
/// the real time or at a chosen one. A hook for end-to-end tests and demos
/// (`--clock-rate N`, `--clock-from TIME` on the app and the CLI), so a real app can live
/// through a 25-minute pomodoro in 25 seconds, and a test that counts today's minutes
/// does not run into midnight because CI started it at 23:55; never on unless asked for.
#[derive(Debug, Clone, Copy)]
pub struct ScaledClock {
    /// The real time the clock was made.
    real_origin: DateTime<Utc>,
    /// What the clock read at that moment.
    origin: DateTime<Utc>,
    rate: f64,
}

impl ScaledClock {
    pub fn new(rate: f64) -> Self {
        let now = Utc::now();
        ScaledClock { real_origin: now, origin: now, rate }
    }

    /// A clock that reads `from` now and runs `rate` times as fast from there.
    pub fn starting_at(from: DateTime<Utc>, rate: f64) -> Self {
        ScaledClock { real_origin: Utc::now(), origin: from, rate }
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> DateTime<Utc> {
        let real = Utc::now() - self.real_origin;
        let micros = real.num_microseconds().unwrap_or(i64::MAX) as f64 * self.rate;
        self.origin + chrono::Duration::microseconds(micros as i64)
    }
    fn rate(&self) -> f64 {
        self.rate
    }
}

pub type SharedClock = Arc<dyn Clock>;

pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// The clock asked for on a command line: the system clock, or with `--clock-rate N`
/// (1-3600) and/or `--clock-from TIME` (RFC 3339, e.g. `2026-12-05T09:00:00+09:00`) a
/// [`ScaledClock`]. Returns the error sentence for a bad value.
pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<SharedClock, String> {
    let mut args = args.into_iter();
    let (mut rate, mut from) = (None, None);
    while let Some(a) = args.next() {
        if a == "--clock-rate" {
            rate = Some(args.next().unwrap_or_default());
        } else if let Some(v) = a.strip_prefix("--clock-rate=") {
            rate = Some(v.to_string());
        } else if a == "--clock-from" {
            from = Some(args.next().unwrap_or_default());
        } else if let Some(v) = a.strip_prefix("--clock-from=") {
            from = Some(v.to_string());
        }
    }
    if rate.is_none() && from.is_none() {
        return Ok(system());
    }
    let rate = match rate {
        None => 1.0,
        Some(text) => match text.parse::<f64>() {
            Ok(r) if (1.0..=3600.0).contains(&r) => r,
            _ => return Err(format!("--clock-rate must be a number from 1 to 3600 (got \"{text}\")")),
        },
    };
    let from = match from {
        None => Utc::now(),
        Some(text) => DateTime::parse_from_rfc3339(&text)
            .map_err(|_| format!("--clock-from must be a time like 2026-12-05T09:00:00Z (got \"{text}\")"))?
            .with_timezone(&Utc),
    };
    Ok(Arc::new(ScaledClock::starting_at(from, rate)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_rate_argument() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(from_args(args(&["--data-dir", "x"])).is_ok());
        assert!(from_args(args(&["--clock-rate", "60"])).is_ok());
        assert!(from_args(args(&["--clock-rate=0"])).err().is_some_and(|e| e.contains("from 1 to 3600")));
        assert!(from_args(args(&["--clock-rate", "fast"])).is_err());
        assert!(from_args(args(&["--clock-rate"])).is_err());
        assert!(from_args(args(&["--clock-from", "tomorrow"])).err().is_some_and(|e| e.contains("--clock-from")));
        assert!(from_args(args(&["--clock-from"])).is_err());
    }

    #[test]
    fn clock_from_starts_at_the_given_time() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let at = "2026-12-05T09:00:00+09:00";
        let want = DateTime::parse_from_rfc3339(at).map(|t| t.with_timezone(&Utc)).ok();
        let clock = from_args(args(&["--clock-from", at, "--clock-rate", "60"])).ok();
        let now = clock.as_ref().map(|c| c.now());
        let (Some(now), Some(want)) = (now, want) else { panic!("--clock-from {at} was refused") };
        assert!(now >= want && now - want < chrono::Duration::minutes(5), "{now} is not just after {want}");
        assert_eq!(clock.map(|c| c.rate()), Some(60.0));
        // alone, it runs at the real rate from that time
        let alone = from_args(args(&[&format!("--clock-from={at}")])).ok();
        assert!(alone.is_some_and(|c| c.rate() == 1.0 && c.now() - want < chrono::Duration::minutes(1)));
    }

    #[test]
    fn rate_turns_app_waits_into_real_sleeps() {
        use std::time::Duration;
        let floor = Duration::from_millis(250);
        assert_eq!(SystemClock.rate(), 1.0);
        assert_eq!(ScaledClock::new(60.0).rate(), 60.0);
        assert_eq!(real_sleep(Duration::from_secs(30), 1.0, floor), Duration::from_secs(30));
        assert_eq!(real_sleep(Duration::from_secs(30), 60.0, floor), Duration::from_millis(500));
        // the floor holds after scaling, and nonsense rates count as 1
        assert_eq!(real_sleep(Duration::from_secs(30), 3600.0, floor), floor);
        assert_eq!(real_sleep(Duration::from_secs(2), f64::NAN, floor), Duration::from_secs(2));
        assert_eq!(real_sleep(Duration::from_secs(2), 0.0, floor), Duration::from_secs(2));
    }

    #[test]
    fn scaled_clock_runs_faster() {
        let c = ScaledClock::new(3600.0);
        let a = c.now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        // 20 ms real at 3600x is at least 72 s
        assert!(c.now() - a >= chrono::Duration::seconds(60));
    }
}
