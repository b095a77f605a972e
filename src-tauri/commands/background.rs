//! IPC commands of the background settings (close to tray, start at login, OS timer).
//!
//! `background_settings_update {patch}` also performs the change: start at login through
//! tauri-plugin-autostart, the OS timer through `studydesk_core::background::os_timer`
//! (running this executable's `--remind-once --data-dir DIR`). The core stores only what
//! worked and answers an `io` error in words for what did not (see
//! `studydesk_core::background::settings`).

use super::{call, Reply};
use crate::Backend;
use std::path::Path;
use studydesk_core::background::os_timer::{self, TimerCommand};
use studydesk_core::background::settings::{BackgroundSettings, BackgroundSettingsPatch, Effects};
use studydesk_core::CoreError;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_autostart::AutoLaunchManager;

#[tauri::command(rename_all = "snake_case")]
pub async fn background_settings_get(b: State<'_, Backend>) -> Reply<BackgroundSettings> {
    call(&b, |s| s.background_settings_get())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn background_settings_update<R: Runtime>(
    app: AppHandle<R>,
    b: State<'_, Backend>,
    patch: BackgroundSettingsPatch,
) -> Reply<BackgroundSettings> {
    call(&b, |s| s.background_settings_update(patch, &ShellEffects { app: &app, data_dir: s.data_dir() }))
}

/// What the settings do on this machine.
pub struct ShellEffects<'a, R: Runtime> {
    pub app: &'a AppHandle<R>,
    pub data_dir: &'a Path,
}

impl<R: Runtime> Effects for ShellEffects<'_, R> {
    fn set_start_at_login(&self, on: bool) -> Result<(), String> {
        let Some(autostart) = self.app.try_state::<AutoLaunchManager>() else {
            return Err("start at login is not available in this build".into());
        };
        let done = if on { autostart.enable() } else { autostart.disable() };
        done.map_err(|e| e.to_string())
    }

    fn set_os_timer(&self, on: bool) -> Result<(), String> {
        let done = if on {
            std::env::current_exe()
                .map_err(|e| CoreError::io("could not find this program's path", e))
                .and_then(|exe| TimerCommand::app(&exe, self.data_dir))
                .and_then(|cmd| os_timer::install(&cmd))
        } else {
            os_timer::uninstall()
        };
        done.map_err(|e| match e {
            // The settings add their own "could not turn on ...": keep only the reason.
            CoreError::Io { source, .. } => source.to_string(),
            e => e.to_string(),
        })
    }
}
