//! IPC commands: deserialize the arguments, call one method of the core facade, map the
//! error to `{kind, message}`. No logic lives here; the core validates everything.

pub mod background;
pub mod calendar;
pub mod focus;
pub mod immerse;
pub mod notifications;
pub mod sync;

use crate::Backend;
use studydesk_core::account::profile::OnboardingChoice;
use studydesk_core::account::settings::{SettingsPatch, UserSettings};
use studydesk_core::api::{AppState, HomeData, Studydesk};
use studydesk_core::dashboard::content::{
    FocusEntry, NewFocusEntry, NewStudyPlaylist, NewStudyResource, StudyPlaylist, StudyResource,
};
use studydesk_core::dashboard::layout::DashboardLayout;
use studydesk_core::error::ApiError;
use studydesk_core::planner::assignments::{Assignment, Course, NewAssignment};
use studydesk_core::planner::tasks::{NewTask, Task};
use tauri::State;

type Reply<T> = Result<T, ApiError>;

fn call<T>(backend: &Backend, f: impl FnOnce(&Studydesk) -> studydesk_core::Result<T>) -> Reply<T> {
    f(backend.get()?).map_err(ApiError::from)
}

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app_state,
        onboarding_complete,
        home_get,
        task_add,
        task_rename,
        task_set_completed,
        task_set_due,
        task_reorder,
        task_delete,
        course_add,
        course_delete,
        assignment_add,
        assignment_update,
        assignment_delete,
        focus_entry_add,
        focus_entry_delete,
        resource_add,
        resource_delete,
        playlist_add,
        playlist_delete,
        settings_update,
        layout_update,
        focus::activity_list,
        focus::activity_add,
        focus::activity_delete,
        focus::activity_favorite,
        focus::activity_unfavorite,
        focus::session_current,
        focus::session_start,
        focus::session_pause,
        focus::session_resume,
        focus::session_complete,
        focus::session_abandon,
        focus::session_next_phase,
        focus::session_resolve_idle,
        focus::session_recovery,
        focus::session_recover,
        focus::session_history,
        immerse::focus_settings_get,
        immerse::focus_settings_update,
        immerse::focus_stats,
        immerse::workspace_list,
        immerse::workspace_add,
        immerse::workspace_rename,
        immerse::workspace_delete,
        immerse::widget_add,
        immerse::widget_remove,
        immerse::widget_update,
        immerse::widget_layout,
        immerse::workspace_set_background_color,
        immerse::workspace_set_background_file,
        calendar::event_add,
        calendar::event_quick_add,
        calendar::event_get,
        calendar::event_update,
        calendar::event_move,
        calendar::event_delete,
        calendar::calendar_range,
        calendar::ics_import,
        calendar::ics_export,
        calendar::course_set_colour,
        notifications::notifications_list,
        notifications::notification_set_read,
        notifications::notifications_mark_all_read,
        notifications::notifications_clear_all,
        notifications::notification_snooze,
        notifications::item_reminders_get,
        notifications::item_reminders_set,
        background::background_settings_get,
        sync::sync_status,
        sync::sync_sign_in,
        sync::sync_now,
        sync::sync_logout,
        sync::sync_logout_everywhere,
        sync::sync_change_password,
        sync::sync_refused,
        sync::sync_retry,
        sync::sync_discard,
        background::background_settings_update,
    ]
}

#[tauri::command(rename_all = "snake_case")]
pub async fn app_state(b: State<'_, Backend>) -> Reply<AppState> {
    call(&b, |s| s.state())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn onboarding_complete(b: State<'_, Backend>, choice: OnboardingChoice) -> Reply<AppState> {
    call(&b, |s| s.complete_onboarding(choice))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn home_get(b: State<'_, Backend>) -> Reply<HomeData> {
    call(&b, |s| s.home())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn task_add(b: State<'_, Backend>, input: NewTask) -> Reply<Task> {
    call(&b, |s| s.task_add(input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn task_rename(b: State<'_, Backend>, id: String, description: String) -> Reply<Task> {
    call(&b, |s| s.task_rename(&id, &description))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn task_set_completed(b: State<'_, Backend>, id: String, completed: bool) -> Reply<Task> {
    call(&b, |s| s.task_set_completed(&id, completed))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn task_set_due(b: State<'_, Backend>, id: String, due_at: Option<String>) -> Reply<Task> {
    call(&b, |s| s.task_set_due(&id, due_at.as_deref()))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn task_reorder(b: State<'_, Backend>, list_id: String, ordered_ids: Vec<String>) -> Reply<Vec<Task>> {
    call(&b, |s| s.task_reorder(&list_id, &ordered_ids))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn task_delete(b: State<'_, Backend>, id: String) -> Reply<()> {
    call(&b, |s| s.task_delete(&id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn course_add(b: State<'_, Backend>, name: String, emoji: Option<String>) -> Reply<Course> {
    call(&b, |s| s.course_add(&name, emoji.as_deref()))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn course_delete(b: State<'_, Backend>, id: String) -> Reply<()> {
    call(&b, |s| s.course_delete(&id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn assignment_add(b: State<'_, Backend>, input: NewAssignment) -> Reply<Assignment> {
    call(&b, |s| s.assignment_add(input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn assignment_update(b: State<'_, Backend>, id: String, input: NewAssignment) -> Reply<Assignment> {
    call(&b, |s| s.assignment_update(&id, input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn assignment_delete(b: State<'_, Backend>, id: String) -> Reply<()> {
    call(&b, |s| s.assignment_delete(&id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn focus_entry_add(b: State<'_, Backend>, input: NewFocusEntry) -> Reply<Vec<FocusEntry>> {
    call(&b, |s| s.focus_entry_add(input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn focus_entry_delete(b: State<'_, Backend>, id: String) -> Reply<()> {
    call(&b, |s| s.focus_entry_delete(&id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn resource_add(b: State<'_, Backend>, input: NewStudyResource) -> Reply<Vec<StudyResource>> {
    call(&b, |s| s.resource_add(input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn resource_delete(b: State<'_, Backend>, id: String) -> Reply<()> {
    call(&b, |s| s.resource_delete(&id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn playlist_add(b: State<'_, Backend>, input: NewStudyPlaylist) -> Reply<Vec<StudyPlaylist>> {
    call(&b, |s| s.playlist_add(input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn playlist_delete(b: State<'_, Backend>, id: String) -> Reply<()> {
    call(&b, |s| s.playlist_delete(&id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn settings_update(b: State<'_, Backend>, patch: SettingsPatch) -> Reply<UserSettings> {
    call(&b, |s| s.settings_update(patch))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn layout_update(b: State<'_, Backend>, layout: DashboardLayout) -> Reply<DashboardLayout> {
    call(&b, |s| s.layout_update(layout))
}
