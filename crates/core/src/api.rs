//! The application facade: the local user's view of the core, one method per command
//! the shell exposes over IPC and the CLI exposes as subcommands. Both front ends call
//! these and nothing below them, so a rule enforced here holds everywhere.

use crate::account::{profile, settings};
use crate::clock::SharedClock;
use crate::dashboard::{content, layout};
use crate::focus::immerse;
use crate::focus::progress;
use crate::planner::{assignments, tasks};
use crate::{Db, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
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
    series_cache: calendar::range::SeriesCache,
}

impl Studydesk {
    /// Opens `<data_dir>/studydesk.db` (creating and migrating it) and the local profile.
    pub fn open(data_dir: &Path, clock: SharedClock) -> Result<Self> {
        let db = Db::open_in(data_dir, clock)?;
        let user_id = profile::ensure_local_user(&db)?;
        Ok(Studydesk { db, user_id: std::sync::RwLock::new(user_id), data_dir: data_dir.to_path_buf(), series_cache: Default::default() })
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn user_id(&self) -> String {
        self.user_id.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Re-reads "me" from the database (after the first sync adopted an account's id).
    pub fn refresh_identity(&self) -> Result<()> {
        let id = profile::ensure_local_user(&self.db)?;
        *self.user_id.write().unwrap_or_else(|p| p.into_inner()) = id;
        Ok(())
    }

    pub fn state(&self) -> Result<AppState> {
        self.db.read(|c| {
            Ok(AppState {
                profile: profile::get(c, &self.user_id())?,
                settings: settings::get(c, &self.user_id())?,
                onboarding_pending: profile::onboarding_pending(c, &self.user_id())?,
                data_dir: self.data_dir.display().to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            })
        })
    }

    pub fn complete_onboarding(&self, choice: profile::OnboardingChoice) -> Result<AppState> {
        profile::complete_onboarding(&self.db, &self.user_id(), choice)?;
        self.state()
    }

    pub fn home(&self) -> Result<HomeData> {
        let now = self.db.now();
        let u = &self.user_id();
        self.db.read(|c| {
            let tz = settings::timezone(c, u)?;
            let list = tasks::default_list(c, u)?;
            let since = crate::db::timestamp_text(crate::time::start_of_day(crate::time::local_date(now, tz), tz));
            Ok(HomeData {
                today: TodayList { tasks: tasks::today_tasks(c, u, &list.id, &since)?, list },
                assignments: assignments::buckets(c, u, now, tz)?,
                progress: progress::rings(c, u, now, tz)?,
                focus_entries: content::focus_entries(c, u)?,
                resources: content::resources(c, u)?,
                playlists: content::playlists(c, u)?,
                courses: assignments::courses(c, u)?,
                layout: layout::get(c, u)?,
                local_date: crate::time::local_date(now, tz).to_string(),
            })
        })
    }

    // ---- tasks
    pub fn task_add(&self, input: tasks::NewTask) -> Result<tasks::Task> {
        tasks::add_task(&self.db, &self.user_id(), input)
    }
    pub fn task_rename(&self, id: &str, description: &str) -> Result<tasks::Task> {
        tasks::rename_task(&self.db, &self.user_id(), id, description)
    }
    pub fn task_set_completed(&self, id: &str, completed: bool) -> Result<tasks::Task> {
        tasks::set_completed(&self.db, &self.user_id(), id, completed)
    }
    pub fn task_set_due(&self, id: &str, due_at: Option<&str>) -> Result<tasks::Task> {
        tasks::set_due(&self.db, &self.user_id(), id, due_at)
    }
    pub fn task_reorder(&self, list_id: &str, ordered_ids: &[String]) -> Result<Vec<tasks::Task>> {
        tasks::reorder(&self.db, &self.user_id(), list_id, ordered_ids)
    }
    pub fn task_delete(&self, id: &str) -> Result<()> {
        tasks::delete_task(&self.db, &self.user_id(), id)
    }
    pub fn task_list(&self) -> Result<Vec<tasks::Task>> {
        self.db.read(|c| tasks::all_tasks(c, &self.user_id()))
    }

    // ---- courses and assignments
    pub fn course_add(&self, name: &str, emoji: Option<&str>) -> Result<assignments::Course> {
        assignments::add_course(&self.db, &self.user_id(), name, emoji)
    }
    pub fn course_delete(&self, id: &str) -> Result<()> {
        assignments::delete_course(&self.db, &self.user_id(), id)
    }
    pub fn assignment_add(&self, input: assignments::NewAssignment) -> Result<assignments::Assignment> {
        assignments::add(&self.db, &self.user_id(), input)
    }
    pub fn assignment_update(&self, id: &str, input: assignments::NewAssignment) -> Result<assignments::Assignment> {
        assignments::update(&self.db, &self.user_id(), id, input)
    }
    pub fn assignment_delete(&self, id: &str) -> Result<()> {
        assignments::delete(&self.db, &self.user_id(), id)
    }

    // ---- Home content
    pub fn focus_entry_add(&self, input: content::NewFocusEntry) -> Result<Vec<content::FocusEntry>> {
        content::add_focus_entry(&self.db, &self.user_id(), input)
    }
    pub fn focus_entry_delete(&self, id: &str) -> Result<()> {
        content::delete_focus_entry(&self.db, &self.user_id(), id)
    }
    pub fn resource_add(&self, input: content::NewStudyResource) -> Result<Vec<content::StudyResource>> {
        content::add_resource(&self.db, &self.user_id(), input)
    }
    pub fn resource_delete(&self, id: &str) -> Result<()> {
        content::delete_resource(&self.db, &self.user_id(), id)
    }
    pub fn playlist_add(&self, input: content::NewStudyPlaylist) -> Result<Vec<content::StudyPlaylist>> {
        content::add_playlist(&self.db, &self.user_id(), input)
    }
    pub fn playlist_delete(&self, id: &str) -> Result<()> {
        content::delete_playlist(&self.db, &self.user_id(), id)
    }

    // ---- settings and layout
    pub fn settings_update(&self, patch: settings::SettingsPatch) -> Result<settings::UserSettings> {
        settings::update(&self.db, &self.user_id(), patch)
    }
    pub fn layout_update(&self, l: layout::DashboardLayout) -> Result<layout::DashboardLayout> {
        layout::update(&self.db, &self.user_id(), l)
    }
}

// ---- focus: progress, stats and immerse
impl Studydesk {
    /// The data folder (attachments live under `<data_dir>/attachments`).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn focus_settings_get(&self) -> Result<crate::focus::settings::FocusSettings> {
        self.db.read(|c| crate::focus::settings::get(c, &self.user_id()))
    }
    pub fn focus_settings_update(
        &self,
        s: crate::focus::settings::FocusSettings,
    ) -> Result<crate::focus::settings::FocusSettings> {
        crate::focus::settings::update(&self.db, &self.user_id(), s)
    }
    /// The Focus page: year heatmap, totals and streaks.
    pub fn focus_stats(&self) -> Result<crate::focus::stats::FocusStats> {
        let now = self.db.now();
        self.db.read(|c| {
            let tz = settings::timezone(c, &self.user_id())?;
            crate::focus::stats::focus_stats(c, &self.user_id(), now, tz)
        })
    }

    pub fn workspace_list(&self) -> Result<Vec<immerse::Workspace>> {
        immerse::list(&self.db, &self.data_dir, &self.user_id())
    }
    pub fn workspace_add(&self, name: &str) -> Result<immerse::Workspace> {
        immerse::add(&self.db, &self.data_dir, &self.user_id(), name)
    }
    pub fn workspace_rename(&self, id: &str, name: &str) -> Result<immerse::Workspace> {
        immerse::rename(&self.db, &self.data_dir, &self.user_id(), id, name)
    }
    pub fn workspace_delete(&self, id: &str) -> Result<()> {
        immerse::delete(&self.db, &self.user_id(), id)
    }
    pub fn widget_add(&self, workspace_id: &str, kind: &str) -> Result<immerse::Workspace> {
        immerse::widget_add(&self.db, &self.data_dir, &self.user_id(), workspace_id, kind)
    }
    pub fn widget_remove(&self, id: &str) -> Result<immerse::Workspace> {
        immerse::widget_remove(&self.db, &self.data_dir, &self.user_id(), id)
    }
    pub fn widget_update(&self, id: &str, title: Option<&str>, settings: serde_json::Value) -> Result<immerse::Workspace> {
        immerse::widget_update(&self.db, &self.data_dir, &self.user_id(), id, title, settings)
    }
    pub fn widget_layout(&self, workspace_id: &str, places: &[immerse::WidgetPlace]) -> Result<immerse::Workspace> {
        immerse::widget_layout(&self.db, &self.data_dir, &self.user_id(), workspace_id, places)
    }
    pub fn workspace_set_background_color(&self, id: &str, color: &str) -> Result<immerse::Workspace> {
        immerse::set_background_color(&self.db, &self.data_dir, &self.user_id(), id, color)
    }
    /// Background from a file's bytes (the UI read the file); `file_name` for the type
    /// fallback and the attachment's original name.
    pub fn workspace_set_background_file(&self, id: &str, file_name: Option<&str>, bytes: &[u8]) -> Result<immerse::Workspace> {
        immerse::set_background_bytes(&self.db, &self.data_dir, &self.user_id(), id, file_name, bytes)
    }
    /// Background from a file on disk (copied into the data folder).
    pub fn workspace_set_background_path(&self, id: &str, path: &Path) -> Result<immerse::Workspace> {
        immerse::set_background_path(&self.db, &self.data_dir, &self.user_id(), id, path)
    }
}

// ---- focus: sessions and activities
impl Studydesk {
    pub fn activity_list(&self) -> Result<Vec<crate::focus::activities::Activity>> {
        self.db.read(|c| crate::focus::activities::list(c, &self.user_id()))
    }
    pub fn activity_add(&self, input: crate::focus::activities::NewActivity) -> Result<crate::focus::activities::Activity> {
        crate::focus::activities::add(&self.db, &self.user_id(), input)
    }
    pub fn activity_delete(&self, id: &str) -> Result<()> {
        crate::focus::activities::delete(&self.db, &self.user_id(), id)
    }
    pub fn activity_favorite(&self, id: &str) -> Result<crate::focus::activities::Activity> {
        crate::focus::activities::favorite(&self.db, &self.user_id(), id)
    }
    pub fn activity_unfavorite(&self, id: &str) -> Result<crate::focus::activities::Activity> {
        crate::focus::activities::unfavorite(&self.db, &self.user_id(), id)
    }
    /// How many users favour each activity (Insights).
    pub fn activity_favorite_counts(&self) -> Result<Vec<crate::focus::activities::ActivityFavoriteCount>> {
        self.db.read(crate::focus::activities::favorite_counts)
    }

    pub fn session_current(&self) -> Result<Option<crate::focus::sessions::FocusSession>> {
        let now = self.db.now();
        self.db.read(|c| crate::focus::sessions::current(c, &self.user_id(), now))
    }
    pub fn session_start(&self, input: crate::focus::sessions::NewSession) -> Result<crate::focus::sessions::FocusSession> {
        crate::focus::sessions::start(&self.db, &self.user_id(), input)
    }
    pub fn session_pause(&self) -> Result<crate::focus::sessions::FocusSession> {
        crate::focus::sessions::pause(&self.db, &self.user_id())
    }
    pub fn session_resume(&self) -> Result<crate::focus::sessions::FocusSession> {
        crate::focus::sessions::resume(&self.db, &self.user_id())
    }
    pub fn session_complete(&self) -> Result<crate::focus::sessions::FocusSession> {
        crate::focus::sessions::complete(&self.db, &self.user_id())
    }
    pub fn session_abandon(&self) -> Result<crate::focus::sessions::FocusSession> {
        crate::focus::sessions::abandon(&self.db, &self.user_id())
    }
    pub fn session_next_phase(&self) -> Result<crate::focus::sessions::FocusSession> {
        crate::focus::sessions::next_phase(&self.db, &self.user_id())
    }
    pub fn session_resolve_idle(&self, choice: crate::focus::timer::IdleChoice) -> Result<crate::focus::sessions::FocusSession> {
        crate::focus::sessions::resolve_idle(&self.db, &self.user_id(), choice)
    }
    pub fn session_recovery(&self) -> Result<Option<crate::focus::sessions::RecoveryOffer>> {
        self.db.read(|c| crate::focus::sessions::recovery(c, &self.user_id()))
    }
    pub fn session_recover(&self, choice: crate::focus::sessions::RecoveryChoice) -> Result<crate::focus::sessions::FocusSession> {
        crate::focus::sessions::recover(&self.db, &self.user_id(), choice)
    }
    pub fn session_history(&self, limit: i64) -> Result<Vec<crate::focus::sessions::FocusSession>> {
        let now = self.db.now();
        self.db.read(|c| crate::focus::sessions::history(c, &self.user_id(), limit, now))
    }
    /// Presence goes offline (the app is shutting down).
    pub fn presence_offline(&self) -> Result<()> {
        crate::focus::sessions::presence_offline(&self.db, &self.user_id())
    }
}

// ---- planner: calendar
// The Planner's calendar (issue 3), for the IPC commands and the CLI. Every method is one
// transaction (writes) or one read; see `planner::calendar` for the rules.
use crate::planner::calendar::{self, events as cal_events, ics, reminders as cal_reminders};

impl Studydesk {
    pub fn event_add(&self, input: calendar::NewEvent) -> Result<calendar::CalendarEvent> {
        cal_events::add(&self.db, &self.user_id(), input)
    }
    /// Parses one typed line ("Study group tomorrow 15:00-16:30") into an event.
    pub fn event_quick_add(&self, text: &str) -> Result<calendar::CalendarEvent> {
        calendar::quick_add(&self.db, &self.user_id(), text)
    }
    pub fn event_get(&self, id: &str) -> Result<calendar::CalendarEvent> {
        self.db.read(|c| cal_events::get(c, &self.user_id(), id))
    }
    /// Edits an event, one occurrence, this and the following ones, or the whole series.
    pub fn event_update(&self, input: calendar::EventUpdate) -> Result<calendar::CalendarEvent> {
        cal_events::update(&self.db, &self.user_id(), input)
    }
    /// Drag and drop: a new start or date, and/or the order inside the destination day.
    pub fn event_move(&self, input: calendar::EventMove) -> Result<calendar::CalendarEvent> {
        cal_events::move_event(&self.db, &self.user_id(), input)
    }
    pub fn event_delete(&self, id: &str, occurrence: Option<&str>, scope: calendar::EditScope) -> Result<()> {
        cal_events::delete(&self.db, &self.user_id(), id, occurrence, scope)
    }
    /// Occurrences (series expanded) and assignment due dates between two local dates.
    pub fn calendar_range(&self, from: &str, to: &str) -> Result<calendar::CalendarRange> {
        self.db.read(|c| calendar::range::range_with(c, &self.user_id(), from, to, Some(&self.series_cache)))
    }
    pub fn ics_import(&self, bytes: &[u8]) -> Result<ics::IcsImportReport> {
        ics::import(&self.db, &self.user_id(), bytes)
    }
    /// The whole calendar, or the events with an occurrence between `from` and `to`.
    pub fn ics_export(&self, from: Option<&str>, to: Option<&str>) -> Result<String> {
        let now = self.db.now();
        self.db.read(|c| ics::export::export(c, &self.user_id(), from, to, now))
    }
    pub fn course_set_colour(&self, id: &str, colour: Option<&str>) -> Result<assignments::Course> {
        assignments::set_course_colour(&self.db, &self.user_id(), id, colour)
    }
    /// Reminders due now (missed ones included), oldest first.
    pub fn reminders_due(&self) -> Result<Vec<calendar::DueReminder>> {
        let now = self.db.now();
        self.db.read(|c| cal_reminders::due(c, now))
    }
    /// The next reminder after now, for the scheduler's timer.
    pub fn reminder_next(&self) -> Result<Option<calendar::DueReminder>> {
        let now = self.db.now();
        self.db.read(|c| cal_reminders::next_due(c, now))
    }
    pub fn reminder_delivered(&self, id: &str) -> Result<()> {
        cal_reminders::mark_delivered(&self.db, &self.user_id(), id)
    }
    pub fn reminder_snooze(&self, id: &str, until: &str) -> Result<()> {
        cal_reminders::snooze(&self.db, &self.user_id(), id, until)
    }
    /// Delivers every due reminder exactly once (claim, advance, notifications row in one
    /// transaction each); show `calendar::delivery::notices_for` of the result afterwards.
    pub fn reminders_deliver_due(&self) -> Result<Vec<calendar::delivery::Delivered>> {
        calendar::delivery::deliver_due(&self.db, &self.user_id())
    }
    /// The native notices for what was delivered, in the user's language (missed ones
    /// grouped; each other one with snooze buttons acting on its notifications row).
    pub fn reminder_notices(&self, delivered: &[calendar::delivery::Delivered]) -> Result<Vec<crate::notify::Notice>> {
        let locale = self.db.read(|c| crate::account::settings::get(c, &self.user_id()))?.preferred_locale;
        Ok(calendar::delivery::notices_for(delivered, locale == crate::account::settings::Locale::Ja))
    }
    /// Snoozes a reminder for `minutes` from now (it fires again then, once).
    pub fn reminder_snooze_for(&self, id: &str, minutes: i64) -> Result<()> {
        calendar::delivery::snooze_for(&self.db, &self.user_id(), id, minutes)
    }
    /// How long a scheduler may sleep before its next turn (never more than `cap`): until
    /// the next reminder of any kind (events, tasks, assignments).
    pub fn reminder_next_wake(&self, cap: std::time::Duration) -> Result<std::time::Duration> {
        calendar::delivery::next_wake(&self.db, &self.user_id(), cap)
    }
}

// ---- planner: task and assignment reminders, notification center
// Reminders before a due time (`planner::item_reminders`) and the notification center
// (`notifications`). Every method is one transaction (writes) or one read.
use crate::notifications;
use crate::planner::item_reminders;

impl Studydesk {
    /// Adds a task with reminders before its due time, in one transaction.
    pub fn task_add_with_reminders(
        &self,
        input: tasks::NewTask,
        reminders: &[calendar::NewReminder],
    ) -> Result<tasks::Task> {
        tasks::add_task_with_reminders(&self.db, &self.user_id(), input, reminders)
    }
    /// Adds an assignment with reminders before its due time, in one transaction.
    pub fn assignment_add_with_reminders(
        &self,
        input: assignments::NewAssignment,
        reminders: &[calendar::NewReminder],
    ) -> Result<assignments::Assignment> {
        assignments::add_with_reminders(&self.db, &self.user_id(), input, reminders)
    }
    /// The reminders of a task or an assignment.
    pub fn item_reminders_get(&self, item: &item_reminders::ItemRef) -> Result<Vec<item_reminders::ItemReminder>> {
        self.db.read(|c| item_reminders::list(c, &self.user_id(), item))
    }
    /// Replaces the reminders of a task or an assignment (at most 10).
    pub fn item_reminders_set(
        &self,
        item: &item_reminders::ItemRef,
        reminders: &[calendar::NewReminder],
    ) -> Result<Vec<item_reminders::ItemReminder>> {
        item_reminders::set(&self.db, &self.user_id(), item, reminders)
    }
    /// The next reminder of any kind (the tray's "Next: ..." label).
    pub fn reminder_upcoming(&self) -> Result<Option<calendar::delivery::UpcomingReminder>> {
        let now = self.db.now();
        self.db.read(|c| calendar::delivery::next_upcoming(c, &self.user_id(), now))
    }

    /// The newest `limit` (1 to 500) notifications and the unread count.
    pub fn notifications_list(&self, limit: i64) -> Result<notifications::NotificationList> {
        let now = self.db.now();
        self.db.read(|c| notifications::list(c, &self.user_id(), limit, now))
    }
    pub fn notification_set_read(&self, id: &str, read: bool) -> Result<notifications::Notification> {
        notifications::set_read(&self.db, &self.user_id(), id, read)
    }
    /// Returns how many notifications were marked read.
    pub fn notifications_mark_all_read(&self) -> Result<i64> {
        notifications::mark_all_read(&self.db, &self.user_id())
    }
    /// Deletes every notification; returns how many.
    pub fn notifications_clear_all(&self) -> Result<i64> {
        notifications::clear_all(&self.db, &self.user_id())
    }
    /// Snoozes the reminder a notification came from: exactly one of `minutes` (1 to 1440)
    /// or a future `until` (RFC 3339). The notification is marked read.
    pub fn notification_snooze(
        &self,
        id: &str,
        minutes: Option<i64>,
        until: Option<&str>,
    ) -> Result<notifications::Notification> {
        notifications::snooze(&self.db, &self.user_id(), id, minutes, until)
    }
}

// ---- background
// Studydesk in the background (issue 3, part 6): the tray, start at login, the OS timer
// and the headless reminder turn. See `background` for the rules.
use crate::background;

impl Studydesk {
    pub fn background_settings_get(&self) -> Result<background::settings::BackgroundSettings> {
        self.db.read(|c| background::settings::get(c, &self.user_id()))
    }
    /// Changes the fields the patch names; start at login and the OS timer are performed
    /// through `effects` first and stored only when that worked.
    pub fn background_settings_update(
        &self,
        patch: background::settings::BackgroundSettingsPatch,
        effects: &dyn background::settings::Effects,
    ) -> Result<background::settings::BackgroundSettings> {
        background::settings::update(&self.db, &self.user_id(), patch, effects)
    }
    /// One headless delivery turn: deliver due reminders, then show them natively.
    pub fn reminders_run_once(&self) -> Result<background::remind::Turn> {
        background::remind::turn(self)
    }
    /// The tray's first menu item: "Next: <title> · <local time>" or "No upcoming reminders".
    pub fn tray_next_label(&self) -> Result<String> {
        let now = self.db.now();
        // The next reminder of any kind (events, tasks, assignments).
        let next = self.reminder_upcoming()?;
        let tz = self.db.read(|c| settings::timezone(c, &self.user_id()))?;
        let at = next.as_ref().and_then(|r| cal_events::parse_instant(&r.fire_at));
        let item = next.as_ref().zip(at).map(|(r, at)| (r.title.as_str(), at));
        Ok(background::remind::next_label(item, now, tz))
    }
}

// ---- sync (docs/sync.md)
use crate::sync;

impl Studydesk {
    /// Signs this device in to a sync server (creating the account with `Signup`), then
    /// runs the first round. Signing in works offline-first: a failed first round leaves
    /// the device signed in, with its error in the status.
    pub fn sync_sign_in(&self, mode: sync::SignInMode, credentials: &sync::Credentials) -> Result<sync::SyncStatus> {
        sync::sign_in(&self.db, &self.data_dir, &self.user_id(), mode, credentials)?;
        if let Err(e) = self.sync_now() {
            tracing::warn!(error = %e, "first sync round after signing in failed");
        }
        self.sync_status()
    }
    /// One round: push everything waiting, then pull everything new.
    pub fn sync_now(&self) -> Result<sync::RoundReport> {
        let report = sync::sync_now(&self.db, &self.data_dir);
        // The first round may have adopted the account's user id.
        self.refresh_identity()?;
        report
    }
    pub fn sync_status(&self) -> Result<sync::SyncStatus> {
        sync::status(&self.db, &self.data_dir)
    }
    pub fn sync_logout(&self) -> Result<sync::SyncStatus> {
        sync::logout(&self.db, &self.data_dir)?;
        self.sync_status()
    }
    /// Signs every device of the account out, this one too (docs/sync.md §6).
    pub fn sync_logout_everywhere(&self) -> Result<sync::SyncStatus> {
        sync::logout_everywhere(&self.db, &self.data_dir)?;
        self.sync_status()
    }
    /// Changes the account's password; the other devices are signed out, this one keeps
    /// syncing with the new key the server sent.
    pub fn sync_change_password(&self, current_password: &str, new_password: &str) -> Result<sync::SyncStatus> {
        sync::change_password(&self.db, &self.data_dir, current_password, new_password)?;
        self.sync_status()
    }
    pub fn sync_refused(&self) -> Result<Vec<sync::RefusedChange>> {
        sync::list_refused(&self.db)
    }
    pub fn sync_retry(&self, id: i64) -> Result<Vec<sync::RefusedChange>> {
        sync::retry(&self.db, id)?;
        self.sync_refused()
    }
    pub fn sync_discard(&self, id: i64) -> Result<Vec<sync::RefusedChange>> {
        sync::discard(&self.db, id)?;
        self.sync_refused()
    }
}
