//! The application facade: the local user's view of the core, one method per command
//! the shell exposes over IPC and the CLI exposes as subcommands. Both front ends call
//! these and nothing below them, so a rule enforced here holds everywhere.
//!
//! Each command is declared once, in its room's file (`app`, `planner`, `calendar`,
//! `notifications`, `focus`, `immerse`, `background`, `social`, `sync`, `data_file`, `insights`, `insights_query`, `insights_sources`, `api_keys`, `insights_alerts`, `insights_shares`, `insights_reports`, `history`), with [`commands!`](crate::commands):
//! the declaration gives the facade method, the shell's Tauri command and its
//! registration (`for_each_command!`), and the typed TypeScript function in
//! `ui/src/api/commands.ts` (see [`declare`]). This file keeps what every room shares:
//! [`Studydesk`] (the database, "me", the data folder) and the window's first data.

pub mod api_keys;
pub mod app;
pub mod background;
pub mod calendar;
pub mod data_file;
pub mod declare;
pub mod email;
pub mod focus;
pub mod history;
pub mod immerse;
pub mod insights;
pub mod insights_query;
pub mod insights_sources;
pub mod insights_models;
pub mod insights_alerts;
pub mod insights_shares;
pub mod insights_reports;
pub mod planner;
pub mod notifications;
pub mod social;
pub mod sync;
#[cfg(test)]
mod typescript;

pub use declare::IntoArg;

/// The type a `raw` command declares for the file's bytes it receives as the request body
/// (the facade method takes them as `&[u8]`; see `api::declare`).
pub type Bytes = Vec<u8>;
pub use crate::commands;

/// Calls `$cb! { { room; declarations... } ... }` with every room's command declarations
/// (the shell's Tauri commands and handler, the TypeScript generator).
#[macro_export]
macro_rules! for_each_command {
    ($cb:ident) => {
        $crate::__command_chain! { $cb ! {} app_commands planner_commands calendar_commands notifications_commands focus_commands immerse_commands background_commands social_commands sync_commands data_file_commands insights_commands insights_query_commands insights_sources_commands insights_models_commands api_keys_commands insights_alerts_commands insights_shares_commands insights_reports_commands email_commands history_commands }
    };
}

use crate::account::{profile, settings};
use crate::background::settings::{Effects, NoEffects};
use crate::clock::SharedClock;
use crate::dashboard::{content, layout};
use crate::focus::progress;
use crate::planner::{assignments, tasks};
use crate::{Db, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use ts_rs::TS;

/// What the window needs before it can draw anything.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct AppState {
    pub profile: profile::Profile,
    pub settings: settings::UserSettings,
    /// True until the user picked "Start empty" or "Load sample data".
    pub onboarding_pending: bool,
    pub data_dir: String,
    pub version: String,
}

/// The Today card: the default list, its open tasks and those completed today, in order.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct TodayList {
    pub list: tasks::TaskList,
    pub tasks: Vec<tasks::Task>,
}

/// Everything Home shows, read in one go.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct HomeData {
    pub today: TodayList,
    pub assignments: assignments::AssignmentBuckets,
    pub progress: progress::ProgressRings,
    pub focus_entries: Vec<content::FocusEntry>,
    pub resources: Vec<content::StudyResource>,
    pub playlists: Vec<content::StudyPlaylist>,
    pub courses: Vec<assignments::Course>,
    pub layout: layout::DashboardLayout,
    /// The user's local date (YYYY-MM-DD) the data was computed for.
    pub local_date: String,
}


pub struct Studydesk {
    db: Db,
    /// "Me" on this device. Changes once at most: when a device signs in to an existing
    /// account, the first sync adopts the account's id (docs/sync.md §10).
    user_id: std::sync::RwLock<String>,
    data_dir: PathBuf,
    /// Decoded calendar series between month views (invalidated by any change).
    series_cache: crate::planner::calendar::range::SeriesCache,
    /// What `background_settings_update` performs on this machine (the shell installs
    /// its autostart plugin and OS timer; until then nothing is performed).
    effects: OnceLock<Box<dyn Effects + Send + Sync>>,
    /// Built-in metric answers of widgets, kept while nothing they read changed.
    widget_cache: crate::insights::widget_data::WidgetCache,
    /// The user's SQL runs here, on read-only connections of its own (`insights_query`).
    sandbox: OnceLock<crate::insights::sandbox::Sandbox>,
    /// The dashboard whose charts this run draws into files (`studydesk --export-dashboard`).
    picture_export: OnceLock<crate::insights::picture_export::PictureExport>,
}

/// The data folder without an opened database: what `folder` commands work on (the
/// backups, a restore, an export of a damaged file), so they answer even when the database
/// could not be opened.
pub struct Folder {
    data_dir: PathBuf,
    clock: SharedClock,
}

impl Folder {
    pub fn new(data_dir: &Path, clock: SharedClock) -> Folder {
        Folder { data_dir: data_dir.to_path_buf(), clock }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

impl Studydesk {
    /// This data folder, for its `folder` commands.
    pub fn folder(&self) -> Folder {
        Folder::new(&self.data_dir, self.db.clock().clone())
    }

    /// Opens `<data_dir>/studydesk.db` (creating and migrating it) and the local profile.
    pub fn open(data_dir: &Path, clock: SharedClock) -> Result<Self> {
        let db = Db::open_in(data_dir, clock)?;
        let user_id = crate::setup::ensure_local_user(&db)?;
        crate::social::emoji::catalog::ensure(&db)?;
        Ok(Studydesk { db, user_id: std::sync::RwLock::new(user_id), data_dir: data_dir.to_path_buf(), series_cache: Default::default(), widget_cache: Default::default(), effects: OnceLock::new(), sandbox: OnceLock::new(), picture_export: OnceLock::new() })
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn user_id(&self) -> String {
        self.user_id.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Native notices for likes and comments on my posts that arrived since the last call
    /// (the shell calls it after each sync round; see `social::activity::response_notices`).
    pub fn response_notices(&self) -> Result<Vec<crate::notify::Notice>> {
        crate::social::activity::response_notices(&self.db, &self.user_id())
    }

    /// The data folder (attachments live under `<data_dir>/attachments`).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Installs what the background settings perform on this machine; the first
    /// installation wins (the shell does it once, when its first command runs).
    pub fn install_effects(&self, make: impl FnOnce() -> Box<dyn Effects + Send + Sync>) {
        self.effects.get_or_init(make);
    }

    pub(crate) fn effects(&self) -> &dyn Effects {
        match self.effects.get() {
            Some(e) => e.as_ref(),
            None => &NoEffects,
        }
    }

    /// Records an action in the user's activity log. A failure is logged, not returned:
    /// the action itself has already happened and must not look failed.
    pub(crate) fn record_activity(&self, action: crate::account::activity_log::ActionType, resource: Option<(&str, &str)>) {
        if let Err(e) = crate::account::activity_log::record(&self.db, &self.user_id(), action, resource) {
            tracing::warn!(action = action.as_str(), error = %e, "the activity log could not record an action");
        }
    }

    /// Re-reads "me" from the database (after the first sync adopted an account's id).
    pub fn refresh_identity(&self) -> Result<()> {
        let id = crate::setup::ensure_local_user(&self.db)?;
        *self.user_id.write().unwrap_or_else(|p| p.into_inner()) = id;
        Ok(())
    }
}
