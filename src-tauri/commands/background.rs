//! What the background settings (close to tray, start at login, OS timer) perform on
//! this machine: installed on the facade when the first command runs.
//!
//! `background_settings_update {patch}` performs the change: start at login through
//! tauri-plugin-autostart, the OS timer through `studydesk_core::background::os_timer`
//! (running this executable's `--remind-once --data-dir DIR`). The core stores only what
//! worked and answers an `io` error in words for what did not (see
//! `studydesk_core::background::settings`).

use std::path::PathBuf;
use studydesk_core::background::os_timer::{self, TimerCommand};
use studydesk_core::background::settings::Effects;
use studydesk_core::CoreError;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_autostart::AutoLaunchManager;

/// What the settings do on this machine.
pub struct ShellEffects<R: Runtime> {
    pub app: AppHandle<R>,
    pub data_dir: PathBuf,
}

impl<R: Runtime> Effects for ShellEffects<R> {
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
                .and_then(|exe| TimerCommand::app(&exe, &self.data_dir))
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
