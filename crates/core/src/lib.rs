//! Studydesk core: everything that is not the window.
//!
//! Contract: this crate owns the SQLite file (opening, migrating, backing up), the one
//! write path (`db::Db::write`, which records every row change in the sync change log
//! and the audit trail in the same transaction), the typed rows of every table and the
//! domain services the shell, the CLI and the tests call. It never depends on Tauri, and
//! it never reads the system clock directly: time comes from a [`clock::Clock`].

pub mod account;
pub mod api;
pub mod attachments;
pub mod background;
pub mod clock;
pub mod dashboard;
pub mod email;
pub mod db;
pub mod error;
pub mod focus;
pub mod http;
pub mod ids;
pub mod insights;
pub mod links;
pub mod notify;
pub mod paths;
pub mod planner;
pub mod rooms;
pub mod sample;
pub mod secrets;
pub mod setup;
pub mod social;
pub mod sync;
pub mod text;
pub mod time;
pub mod validate;

pub use db::Db;
/// The notification center lives in the planner, which owns its table.
pub use planner::notifications;
pub use error::{CoreError, Result};
