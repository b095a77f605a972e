//! Native notifications, behind a small trait so that services decide *what* to say and
//! the front end decides *how* (or whether) it is shown.
//!
//! Contract:
//! - [`Notifier::notify`] never blocks its caller for long and never fails: a
//!   notification is a courtesy, and the study timer or a reminder must go on without it.
//! - [`DesktopNotifier`] shows a [`Notice`] through the desktop's notification server
//!   (freedesktop D-Bus on Linux, the native centre on macOS and Windows). It hands the
//!   notice to one worker thread, which calls `show()` on a thread of its own and waits at
//!   most [`SHOW_TIMEOUT`]: a bus name owner that never answers would otherwise hang the
//!   caller forever. When no server answers it logs one clear warning ("no notification
//!   server answered") and later failures at debug level only.
//! - [`RecordingNotifier`] keeps the notices in memory, for tests.
//!
//! Used by focus sessions (phase changes); calendar reminders reuse it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long one `show()` may take before it is given up on.
pub const SHOW_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoticeUrgency {
    Low,
    #[default]
    Normal,
    Critical,
}

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Notice {
    pub title: String,
    pub body: String,
    pub urgency: NoticeUrgency,
    /// What the notice is about (e.g. `focus.phase`, `calendar.reminder`), for logs and tests.
    pub tag: Option<String>,
}

impl Notice {
    pub fn new(title: impl Into<String>, body: impl Into<String>) -> Self {
        Notice { title: title.into(), body: body.into(), ..Default::default() }
    }
    pub fn tagged(mut self, tag: &str) -> Self {
        self.tag = Some(tag.to_string());
        self
    }
}

pub trait Notifier: Send + Sync {
    /// Shows `notice` (or queues it); returns at once.
    fn notify(&self, notice: Notice);
}

/// Shows nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoopNotifier;

impl Notifier for NoopNotifier {
    fn notify(&self, _notice: Notice) {}
}

/// Keeps every notice, for tests.
#[derive(Debug, Default, Clone)]
pub struct RecordingNotifier(Arc<Mutex<Vec<Notice>>>);

impl RecordingNotifier {
    pub fn new() -> Self {
        Self::default()
    }
    /// Every notice so far.
    pub fn notices(&self) -> Vec<Notice> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
    /// Every notice so far, emptying the record.
    pub fn take(&self) -> Vec<Notice> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Notifier for RecordingNotifier {
    fn notify(&self, notice: Notice) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(notice);
    }
}

/// The desktop's notification server.
pub struct DesktopNotifier {
    queue: Mutex<Option<mpsc::Sender<Notice>>>,
}

impl DesktopNotifier {
    /// Starts the worker thread. `app_name` is shown by servers that show one.
    pub fn new(app_name: &str) -> Self {
        let (tx, rx) = mpsc::channel::<Notice>();
        let app_name = app_name.to_string();
        let spawned = std::thread::Builder::new().name("notifications".into()).spawn(move || {
            let warned = AtomicBool::new(false);
            for notice in rx {
                deliver(&app_name, notice, &warned);
            }
        });
        let queue = match spawned {
            Ok(_) => Some(tx),
            Err(e) => {
                tracing::warn!(error = %e, "could not start the notification thread; notifications are off");
                None
            }
        };
        DesktopNotifier { queue: Mutex::new(queue) }
    }
}

impl Notifier for DesktopNotifier {
    fn notify(&self, notice: Notice) {
        let queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(q) = queue.as_ref() {
            // The worker only stops when the sender is dropped; a send error means it died.
            if q.send(notice).is_err() {
                tracing::debug!("the notification thread has stopped; notice dropped");
            }
        }
    }
}

/// Shows one notice and waits for the server's answer (at most [`SHOW_TIMEOUT`]). For a
/// short-lived process (the CLI's `remind run --once`), which would exit before the worker
/// of [`DesktopNotifier`] got to its queue. `Err` says why nothing was shown.
pub fn show_blocking(app_name: &str, notice: &Notice) -> Result<(), String> {
    let (done_tx, done_rx) = mpsc::channel();
    let app = app_name.to_string();
    let notice = notice.clone();
    std::thread::Builder::new()
        .name("notification-show".into())
        .spawn(move || {
            let mut n = notify_rust::Notification::new();
            n.appname(&app).summary(&notice.title).body(&notice.body);
            let _ = done_tx.send(n.show().map(|_| ()).map_err(|e| e.to_string()));
        })
        .map_err(|e| e.to_string())?;
    match done_rx.recv_timeout(SHOW_TIMEOUT) {
        Ok(r) => r,
        Err(_) => Err(format!("no answer within {} s", SHOW_TIMEOUT.as_secs())),
    }
}

fn deliver(app_name: &str, notice: Notice, warned: &AtomicBool) {
    let (done_tx, done_rx) = mpsc::channel();
    let tag = notice.tag.clone().unwrap_or_default();
    let app = app_name.to_string();
    // show() blocks on the bus until the server answers; on its own thread a server that
    // never answers costs a parked thread, not a frozen timer.
    let spawned = std::thread::Builder::new().name("notification-show".into()).spawn(move || {
        let mut n = notify_rust::Notification::new();
        n.appname(&app).summary(&notice.title).body(&notice.body);
        #[cfg(all(unix, not(target_os = "macos")))]
        n.urgency(match notice.urgency {
            NoticeUrgency::Low => notify_rust::Urgency::Low,
            NoticeUrgency::Normal => notify_rust::Urgency::Normal,
            NoticeUrgency::Critical => notify_rust::Urgency::Critical,
        });
        let _ = done_tx.send(n.show().map(|_| ()).map_err(|e| e.to_string()));
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start a thread to show a notification");
        return;
    }
    let failure = match done_rx.recv_timeout(SHOW_TIMEOUT) {
        Ok(Ok(())) => {
            tracing::debug!(tag = %tag, "notification shown");
            return;
        }
        Ok(Err(e)) => e,
        Err(_) => format!("no answer within {} s", SHOW_TIMEOUT.as_secs()),
    };
    if !warned.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            tag = %tag,
            reason = %failure,
            "no notification server answered; focus and reminder notices will not be shown (further failures are logged at debug level)"
        );
    } else {
        tracing::debug!(tag = %tag, reason = %failure, "notification not shown");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_desktop_notice_never_blocks_the_caller() {
        // Whatever the session bus does here (absent in CI, present on a desktop), the
        // caller only queues the notice.
        let n = DesktopNotifier::new("Studydesk test");
        let t = Instant::now();
        for i in 0..3 {
            n.notify(Notice::new(format!("Test {i}"), "body").tagged("test"));
        }
        assert!(t.elapsed() < Duration::from_millis(200), "{:?}", t.elapsed());
    }

    #[test]
    fn the_recording_notifier_keeps_notices_in_order() {
        let r = RecordingNotifier::new();
        r.notify(Notice::new("a", "1"));
        r.notify(Notice::new("b", "2").tagged("x"));
        assert_eq!(r.notices().iter().map(|n| n.title.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(r.take().len(), 2);
        assert!(r.notices().is_empty());
    }
}
