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
//! - Actions (e.g. "Snooze 10 min" on a reminder): a notice may carry buttons and a
//!   `subject` (what they act on, e.g. a notifications row id). A notifier made with
//!   [`DesktopNotifier::with_actions`] offers them where the platform has them (the
//!   freedesktop servers on Linux and BSD) and calls its handler with `(subject, action)`
//!   when one is chosen; `"default"` is a click on the notice itself. Waiting for the
//!   answer holds a thread until the notice closes, so at most [`MAX_ACTION_WAITERS`]
//!   notices wait at once; past that, notices are shown without buttons.
//!
//! Used by focus sessions (phase changes); calendar reminders reuse it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long one `show()` may take before it is given up on.
pub const SHOW_TIMEOUT: Duration = Duration::from_secs(3);
/// Notices with buttons waiting for an answer at once (each holds a thread).
pub const MAX_ACTION_WAITERS: usize = 8;

/// Called with `(subject, action id)` when the user picks an action of a notice.
pub type ActionHandler = Arc<dyn Fn(&str, &str) + Send + Sync>;

/// A button on a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeAction {
    pub id: String,
    pub label: String,
}

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
    /// Buttons, offered only with a `subject` and by a notifier with an action handler.
    pub actions: Vec<NoticeAction>,
    /// What the actions act on (e.g. the notifications row id of a reminder).
    pub subject: Option<String>,
}

impl Notice {
    pub fn new(title: impl Into<String>, body: impl Into<String>) -> Self {
        Notice { title: title.into(), body: body.into(), ..Default::default() }
    }
    pub fn tagged(mut self, tag: &str) -> Self {
        self.tag = Some(tag.to_string());
        self
    }
    /// Adds buttons acting on `subject`.
    pub fn with_actions(mut self, subject: &str, actions: &[(&str, &str)]) -> Self {
        self.subject = Some(subject.to_string());
        self.actions = actions.iter().map(|(id, label)| NoticeAction { id: id.to_string(), label: label.to_string() }).collect();
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

/// What the worker needs to offer actions.
#[derive(Clone)]
struct Actions {
    handler: ActionHandler,
    waiting: Arc<AtomicUsize>,
}

impl DesktopNotifier {
    /// Starts the worker thread. `app_name` is shown by servers that show one. Notices
    /// are shown without their buttons.
    pub fn new(app_name: &str) -> Self {
        Self::start(app_name, None)
    }

    /// Like [`DesktopNotifier::new`], and offers notices' buttons, calling `handler` with
    /// `(subject, action id)` when one is chosen (on the waiting thread: keep it short).
    pub fn with_actions(app_name: &str, handler: ActionHandler) -> Self {
        Self::start(app_name, Some(Actions { handler, waiting: Arc::new(AtomicUsize::new(0)) }))
    }

    fn start(app_name: &str, actions: Option<Actions>) -> Self {
        let (tx, rx) = mpsc::channel::<Notice>();
        let app_name = app_name.to_string();
        let spawned = std::thread::Builder::new().name("notifications".into()).spawn(move || {
            let warned = AtomicBool::new(false);
            for notice in rx {
                deliver(&app_name, notice, &warned, actions.as_ref());
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

fn deliver(app_name: &str, notice: Notice, warned: &AtomicBool, actions: Option<&Actions>) {
    let (done_tx, done_rx) = mpsc::channel();
    let tag = notice.tag.clone().unwrap_or_default();
    let app = app_name.to_string();
    let waiter = actions.and_then(|a| ActionWaiter::claim(a, &notice));
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
        if waiter.is_some() {
            for a in &notice.actions {
                n.action(&a.id, &a.label);
            }
        }
        match n.show() {
            Ok(handle) => {
                let _ = done_tx.send(Ok(()));
                if let Some(w) = waiter {
                    w.wait(handle);
                }
            }
            Err(e) => {
                let _ = done_tx.send(Err(e.to_string()));
            }
        }
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

/// One notice waiting for its action: holds a slot of [`MAX_ACTION_WAITERS`] until dropped.
struct ActionWaiter {
    handler: ActionHandler,
    waiting: Arc<AtomicUsize>,
    subject: String,
}

impl ActionWaiter {
    /// A slot for `notice`, if it has actions, this platform offers them and a slot is free.
    fn claim(actions: &Actions, notice: &Notice) -> Option<ActionWaiter> {
        if !cfg!(all(unix, not(target_os = "macos"))) || notice.actions.is_empty() {
            return None;
        }
        let subject = notice.subject.clone()?;
        let taken = actions.waiting.fetch_add(1, Ordering::SeqCst);
        let waiter = ActionWaiter { handler: actions.handler.clone(), waiting: actions.waiting.clone(), subject };
        if taken >= MAX_ACTION_WAITERS {
            tracing::debug!("{MAX_ACTION_WAITERS} notices already wait for an action; showing this one without buttons");
            return None; // `waiter` drops here and gives the slot back
        }
        Some(waiter)
    }

    /// Blocks until the notice is closed or an action is chosen.
    #[cfg(all(unix, not(target_os = "macos")))]
    fn wait(self, handle: notify_rust::NotificationHandle) {
        handle.wait_for_action(|action| {
            if action != "__closed" {
                (self.handler)(&self.subject, action);
            }
        });
    }

    #[cfg(not(all(unix, not(target_os = "macos"))))]
    fn wait<H>(self, _handle: H) {}
}

impl Drop for ActionWaiter {
    fn drop(&mut self) {
        self.waiting.fetch_sub(1, Ordering::SeqCst);
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
