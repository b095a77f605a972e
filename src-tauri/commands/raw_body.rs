//! The two commands that take a file's bytes as the raw IPC body (`invoke(cmd, uint8array,
//! { headers })`), so a large video is not turned into a JSON array of numbers. The
//! declared `content-type` is not trusted: the core sniffs the bytes.
//!
//! - `ics_import`: the .ics file's bytes; the UI saves `ics_export`'s text with a link.
//! - `workspace_set_background_file`: the workspace id and the file name come as headers
//!   (`x-workspace-id`, `x-file-name` URI-encoded).

use super::{call, Reply};
use crate::Backend;
use studydesk_core::error::ApiError;
use studydesk_core::focus::immerse::Workspace;
use studydesk_core::planner::calendar::ics::IcsImportReport;
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Runtime, State};

#[tauri::command(rename_all = "snake_case")]
pub async fn ics_import<R: Runtime>(app: AppHandle<R>, b: State<'_, Backend>, request: Request<'_>) -> Reply<IcsImportReport> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(validation("send the file's bytes as the raw body (a Uint8Array), not JSON"));
    };
    call(&app, &b, |s| s.ics_import(bytes))
}

#[tauri::command(rename_all = "snake_case")]
pub async fn workspace_set_background_file<R: Runtime>(
    app: AppHandle<R>,
    b: State<'_, Backend>,
    request: Request<'_>,
) -> Reply<Workspace> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(validation("send the file's bytes as the raw body (a Uint8Array), not JSON"));
    };
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let id = header("x-workspace-id").ok_or_else(|| validation("the x-workspace-id header is missing"))?;
    let name = header("x-file-name").map(|n| percent_decode(&n));
    call(&app, &b, |s| s.workspace_set_background_file(&id, name.as_deref(), bytes))
}

fn validation(message: &str) -> ApiError {
    ApiError::from(studydesk_core::CoreError::validation(message))
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
