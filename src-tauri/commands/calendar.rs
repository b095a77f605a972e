//! IPC commands of the Planner's calendar (issue 3). Thin as the others: deserialize,
//! call one facade method, map errors to `{kind, message}`.
//!
//! `ics_import` takes the file's bytes as the raw IPC body (`invoke(cmd, uint8array)`),
//! like `workspace_set_background_file`; `ics_export` returns the text, which the UI
//! saves with a download link.

use super::{call, Reply};
use crate::Backend;
use studydesk_core::error::ApiError;
use studydesk_core::planner::assignments::Course;
use studydesk_core::planner::calendar::ics::IcsImportReport;
use studydesk_core::planner::calendar::{CalendarEvent, CalendarRange, EditScope, EventMove, EventUpdate, NewEvent};
use tauri::ipc::{InvokeBody, Request};
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub async fn event_add(b: State<'_, Backend>, input: NewEvent) -> Reply<CalendarEvent> {
    call(&b, |s| s.event_add(input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn event_quick_add(b: State<'_, Backend>, text: String) -> Reply<CalendarEvent> {
    call(&b, |s| s.event_quick_add(&text))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn event_get(b: State<'_, Backend>, id: String) -> Reply<CalendarEvent> {
    call(&b, |s| s.event_get(&id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn event_update(b: State<'_, Backend>, input: EventUpdate) -> Reply<CalendarEvent> {
    call(&b, |s| s.event_update(input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn event_move(b: State<'_, Backend>, input: EventMove) -> Reply<CalendarEvent> {
    call(&b, |s| s.event_move(input))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn event_delete(
    b: State<'_, Backend>,
    id: String,
    occurrence: Option<String>,
    scope: EditScope,
) -> Reply<()> {
    call(&b, |s| s.event_delete(&id, occurrence.as_deref(), scope))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn calendar_range(b: State<'_, Backend>, from: String, to: String) -> Reply<CalendarRange> {
    call(&b, |s| s.calendar_range(&from, &to))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn ics_import(b: State<'_, Backend>, request: Request<'_>) -> Reply<IcsImportReport> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(ApiError {
            kind: "validation".into(),
            message: "send the file's bytes as the raw body (a Uint8Array), not JSON".into(),
        });
    };
    call(&b, |s| s.ics_import(bytes))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn ics_export(b: State<'_, Backend>, from: Option<String>, to: Option<String>) -> Reply<String> {
    call(&b, |s| s.ics_export(from.as_deref(), to.as_deref()))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn course_set_colour(b: State<'_, Backend>, id: String, colour: Option<String>) -> Reply<Course> {
    call(&b, |s| s.course_set_colour(&id, colour.as_deref()))
}
