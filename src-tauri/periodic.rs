//! Background jobs that run again and again while the app runs (the reminder scheduler,
//! the scheduled refresh of data sources, the daily backup): one loop, written once.
//!
//! Contract: [`start`] starts a thread named [`Job::thread`], only when the database
//! opened (without it no job has anything to do: the app shows the recovery page, and a
//! restore restarts the app). The thread waits [`Job::first_after`] (zero: the first turn
//! runs at once), then runs the turn again and again, sleeping after each the wait the
//! turn answers ([`Turn::next`]). With [`Pace::App`] the waits are app-clock time: with
//! `--clock-rate N` the real sleep is the wait divided by N (`clock::real_sleep`); with
//! [`Pace::Real`] they are wall time whatever the clock's rate. A sleep is never shorter
//! than [`MIN_SLEEP`], so no job spins. A failed turn is logged as a warning
//! ([`Job::failed`], with the error) once per run of failures: a busy database or a full
//! disk would otherwise write the same line every turn. The job goes on either way.
//! [`start_announcing`] is the common shape of the app's fixed-period jobs: a turn that
//! answers whether anything changed, and an event (payload null) emitted when it did so
//! the UI refetches.

use crate::Backend;
use std::ops::ControlFlow;
use std::time::Duration;
use studydesk_core::api::Studydesk;
use studydesk_core::clock;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The shortest real sleep between two turns.
pub const MIN_SLEEP: Duration = Duration::from_millis(250);

/// Which clock a job's waits are measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// The app's clock (sped up by `--clock-rate`).
    App,
    /// The wall clock.
    Real,
}

/// A job's fixed traits.
#[derive(Debug, Clone, Copy)]
pub struct Job {
    /// The thread's name (what debuggers and panic messages show).
    pub thread: &'static str,
    /// What the app goes without when the thread cannot start, for that error's log line.
    pub without: &'static str,
    /// The wait before the first turn.
    pub first_after: Duration,
    pub pace: Pace,
    /// The warning logged for the first failed turn of a run of failures.
    pub failed: &'static str,
}

/// What a turn answers: whether its work failed, and the wait before the next turn.
pub struct Turn {
    pub outcome: studydesk_core::Result<()>,
    pub next: Duration,
}

/// Starts `job`'s thread, which runs `turn` with the opened core (see the module contract).
pub fn start<R, F>(app: &AppHandle<R>, job: Job, mut turn: F)
where
    R: Runtime,
    F: FnMut(&Studydesk) -> Turn + Send + 'static,
{
    if app.state::<Backend>().get().is_err() {
        return;
    }
    let handle = app.clone();
    let spawned = std::thread::Builder::new().name(job.thread.into()).spawn(move || {
        let backend = handle.state::<Backend>();
        let Ok(sd) = backend.get() else { return };
        let rate = match job.pace {
            Pace::App => sd.db().clock().rate(),
            Pace::Real => 1.0,
        };
        drive(&job, |wait| std::thread::sleep(clock::real_sleep(wait, rate, MIN_SLEEP)), || ControlFlow::Continue(turn(sd)));
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, thread = job.thread, "{}: could not start its thread", job.without);
    }
}

/// Starts `job` with a turn every `every` that answers whether anything changed; when it
/// did, `event` is emitted (payload null) for the UI to refetch. The turn logs its own
/// items (a report written, an e-mail refused); the loop logs a failed turn.
pub fn start_announcing<R, F>(app: &AppHandle<R>, job: Job, every: Duration, event: &'static str, mut turn: F)
where
    R: Runtime,
    F: FnMut(&Studydesk) -> studydesk_core::Result<bool> + Send + 'static,
{
    let handle = app.clone();
    start(app, job, move |sd| {
        let outcome = turn(sd).map(|changed| {
            if changed {
                if let Err(e) = handle.emit(event, ()) {
                    tracing::debug!(error = %e, "could not emit {event}");
                }
            }
        });
        Turn { outcome, next: every }
    });
}

/// The loop, apart from threads and clocks: `sleep` is given the app-time waits; it runs
/// until `turn` breaks (the app's jobs never do; the tests' do).
fn drive(job: &Job, mut sleep: impl FnMut(Duration), mut turn: impl FnMut() -> ControlFlow<(), Turn>) {
    let mut failures = Failures::default();
    if !job.first_after.is_zero() {
        sleep(job.first_after);
    }
    while let ControlFlow::Continue(t) = turn() {
        if let Some(e) = failures.first(t.outcome) {
            tracing::warn!(error = %e, thread = job.thread, "{}", job.failed);
        }
        sleep(t.next);
    }
}

/// Whether a failed turn starts a run of failures (and so is logged).
#[derive(Default)]
struct Failures {
    failing: bool,
}

impl Failures {
    /// The error of a turn that failed after one that did not; `None` otherwise.
    fn first(&mut self, outcome: studydesk_core::Result<()>) -> Option<studydesk_core::CoreError> {
        let was = std::mem::replace(&mut self.failing, outcome.is_err());
        outcome.err().filter(|_| !was)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use studydesk_core::CoreError;

    fn job(first_after: Duration) -> Job {
        Job { thread: "test", without: "nothing", first_after, pace: Pace::App, failed: "a turn failed" }
    }

    fn failed() -> studydesk_core::Result<()> {
        Err(CoreError::validation("busy"))
    }

    #[test]
    fn a_run_of_failures_is_logged_once() {
        let mut f = Failures::default();
        let logged: Vec<bool> = [Ok(()), failed(), failed(), Ok(()), failed(), failed()].into_iter().map(|o| f.first(o).is_some()).collect();
        assert_eq!(logged, [false, true, false, false, true, false]);
    }

    #[test]
    fn waits_first_then_after_each_turn_as_the_turn_says() {
        let mut slept = Vec::new();
        let mut turns = 0;
        let secs = Duration::from_secs;
        drive(&job(secs(60)), |d| slept.push(d), || {
            turns += 1;
            match turns {
                1 => ControlFlow::Continue(Turn { outcome: Ok(()), next: secs(5) }),
                2 => ControlFlow::Continue(Turn { outcome: failed(), next: secs(30) }),
                _ => ControlFlow::Break(()),
            }
        });
        assert_eq!(slept, [secs(60), secs(5), secs(30)]);
    }

    #[test]
    fn no_first_wait_runs_the_first_turn_at_once() {
        let mut slept = Vec::new();
        let mut turns = 0;
        drive(&job(Duration::ZERO), |d| slept.push(d), || {
            turns += 1;
            if turns == 1 {
                ControlFlow::Continue(Turn { outcome: Ok(()), next: Duration::from_secs(30) })
            } else {
                ControlFlow::Break(())
            }
        });
        assert_eq!(slept, [Duration::from_secs(30)]);
    }
}
