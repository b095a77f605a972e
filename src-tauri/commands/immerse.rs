//! IPC commands of the Focus page's statistics and settings and of immerse mode
//! (docs/focus.md). Thin as the others: deserialize, call one facade method, map errors.
//!
//! `workspace_set_background_file` takes the file's bytes as the raw IPC body
//! (`invoke(cmd, uint8array, { headers })`), so a large video is not turned into a JSON
//! array of numbers; the workspace id and the file name come as headers
//! (`x-workspace-id`, `x-file-name` URI-encoded). The declared `content-type` is not
//! trusted: the core sniffs the bytes.

use super::{call, Reply};
use crate::Backend;
use serde_json::Value;
use studydesk_core::error::ApiError;
use studydesk_core::focus::immerse::{WidgetPlace, Workspace};
use studydesk_core::focus::settings::FocusSettings;
use studydesk_core::focus::stats::FocusStats;
use tauri::ipc::{InvokeBody, Request};
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub async fn focus_settings_get(b: State<'_, Backend>) -> Reply<FocusSettings> {
    call(&b, |s| s.focus_settings_get())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn focus_settings_update(b: State<'_, Backend>, settings: FocusSettings) -> Reply<FocusSettings> {
    call(&b, |s| s.focus_settings_update(settings))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn focus_stats(b: State<'_, Backend>) -> Reply<FocusStats> {
    call(&b, |s| s.focus_stats())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn workspace_list(b: State<'_, Backend>) -> Reply<Vec<Workspace>> {
    call(&b, |s| s.workspace_list())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn workspace_add(b: State<'_, Backend>, name: String) -> Reply<Workspace> {
    call(&b, |s| s.workspace_add(&name))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn workspace_rename(b: State<'_, Backend>, id: String, name: String) -> Reply<Workspace> {
    call(&b, |s| s.workspace_rename(&id, &name))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn workspace_delete(b: State<'_, Backend>, id: String) -> Reply<()> {
    call(&b, |s| s.workspace_delete(&id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn widget_add(b: State<'_, Backend>, workspace_id: String, kind: String) -> Reply<Workspace> {
    call(&b, |s| s.widget_add(&workspace_id, &kind))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn widget_remove(b: State<'_, Backend>, id: String) -> Reply<Workspace> {
    call(&b, |s| s.widget_remove(&id))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn widget_update(b: State<'_, Backend>, id: String, title: Option<String>, settings: Value) -> Reply<Workspace> {
    call(&b, |s| s.widget_update(&id, title.as_deref(), settings))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn widget_layout(b: State<'_, Backend>, workspace_id: String, places: Vec<WidgetPlace>) -> Reply<Workspace> {
    call(&b, |s| s.widget_layout(&workspace_id, &places))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn workspace_set_background_color(b: State<'_, Backend>, id: String, color: String) -> Reply<Workspace> {
    call(&b, |s| s.workspace_set_background_color(&id, &color))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn workspace_set_background_file(b: State<'_, Backend>, request: Request<'_>) -> Reply<Workspace> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(validation("send the file's bytes as the raw body (a Uint8Array), not JSON"));
    };
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let id = header("x-workspace-id").ok_or_else(|| validation("the x-workspace-id header is missing"))?;
    let name = header("x-file-name").map(|n| percent_decode(&n));
    call(&b, |s| s.workspace_set_background_file(&id, name.as_deref(), bytes))
}

fn validation(message: &str) -> ApiError {
    ApiError { kind: "validation".into(), message: message.into() }
}

/// Decodes `encodeURIComponent` output; a malformed escape is kept as written.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (b[i], b.get(i + 1).and_then(|c| hex(*c)), b.get(i + 2).and_then(|c| hex(*c))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_uri_decoded() {
        assert_eq!(super::percent_decode("%E5%A4%95%E7%84%BC%E3%81%91%20sky.png"), "夕焼け sky.png");
        assert_eq!(super::percent_decode("100%.png"), "100%.png");
        assert_eq!(super::percent_decode("a%2"), "a%2");
    }
}
