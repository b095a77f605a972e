//! Studydesk in the background (issue 3, part 6): what keeps reminders firing when the
//! window is closed or the app is not running at all. No Tauri here; the shell wires it.
//!
//! Contract:
//! - [`settings`]: the typed `background.settings` preference (close to tray, start at
//!   login, OS timer) and its update, which performs the OS side through [`settings::Effects`]
//!   and stores only what really happened.
//! - [`remind`]: one headless delivery turn (deliver due reminders, then show them
//!   natively, waiting for each; then refresh the calendar subscriptions that are due,
//!   bounded in time, and deliver what their changes made due), shared by `studydesk --remind-once`, the OS timer and
//!   the CLI's `remind run`; and the tray's "Next: ..." label.
//! - [`os_timer`]: the per-user OS timer that runs that turn every minute when the app is
//!   fully quit (systemd user timer, launchd agent, Task Scheduler task): renderers (pure)
//!   and install / uninstall / status.
//! - [`instance`]: one running app per data folder (a file lock in the folder), and the
//!   way a second launch asks the first one to show its window.
//!
//! The database decides what was delivered (claim + advance + notifications row in one
//! transaction per reminder), so the app, the OS timer's run and the CLI may all run at
//! once and still deliver each reminder once.

pub mod instance;
pub mod os_timer;
pub mod remind;
pub mod settings;
