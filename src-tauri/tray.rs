//! The system tray: Studydesk's icon while it runs in the background.
//!
//! Contract: [`create`] builds one tray icon (the app icon) whose menu is a disabled
//! "Next: <title> · <local time>" (or "No upcoming reminders"), "Open Studydesk" (shows
//! and focuses the window) and "Quit Studydesk" (quits for real: presence goes offline
//! on the way out, see `lib.rs`). A left click on the icon shows the window too (Windows
//! and macOS; on Linux the tray protocol gives no clicks: any click opens the menu).
//! [`refresh`] re-reads the label from the core (`Studydesk::tray_next_label`); the
//! reminder scheduler calls it after every turn, which is at least every 30 s.
//! Failing to build the tray (no appindicator library) is logged once and the app goes
//! on without one; [`visible`] then says false, and closing the window quits.
//! [`visible`] also checks, on Linux, that something shows tray icons right now (a
//! StatusNotifier watcher on the session bus, or an XEmbed tray on the X display):
//! without one a hidden window could not be brought back from the tray.

use crate::Backend;
use std::sync::Mutex;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

const NEXT: &str = "tray-next";
const OPEN: &str = "tray-open";
const QUIT: &str = "tray-quit";

/// Managed once the tray exists.
pub struct Tray<R: Runtime> {
    _icon: TrayIcon<R>,
    next: MenuItem<R>,
    label: Mutex<String>,
}

/// Builds the tray (from `setup`). `Err` says why there is none.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> Result<(), String> {
    let label = next_label(app);
    let build = || -> tauri::Result<Tray<R>> {
        let next = MenuItem::with_id(app, NEXT, &label, false, None::<&str>)?;
        let open = MenuItem::with_id(app, OPEN, "Open Studydesk", true, None::<&str>)?;
        let quit = MenuItem::with_id(app, QUIT, "Quit Studydesk", true, None::<&str>)?;
        let separator = PredefinedMenuItem::separator(app)?;
        let menu = Menu::with_items(app, &[&next, &separator, &open, &quit])?;
        let mut builder = TrayIconBuilder::with_id("main")
            .tooltip("Studydesk")
            .menu(&menu)
            .show_menu_on_left_click(false)
            .on_menu_event(|app, event| match event.id().as_ref() {
                OPEN => crate::show_main_window(app),
                QUIT => crate::quit(app),
                _ => {}
            })
            .on_tray_icon_event(|tray, event| {
                if let TrayIconEvent::Click { button: MouseButton::Left, button_state: MouseButtonState::Up, .. } =
                    event
                {
                    crate::show_main_window(tray.app_handle());
                }
            });
        if let Some(icon) = app.default_window_icon() {
            builder = builder.icon(icon.clone());
        }
        let icon = builder.build(app)?;
        Ok(Tray { _icon: icon, next, label: Mutex::new(label.clone()) })
    };
    // The Linux tray loads libayatana-appindicator at run time and panics when it is
    // missing: that must cost the tray, not the app.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(build)) {
        Ok(Ok(tray)) => {
            app.manage(tray);
            Ok(())
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the tray library could not be loaded (on Linux: libayatana-appindicator3)".into()),
    }
}

fn next_label<R: Runtime>(app: &AppHandle<R>) -> String {
    match app.state::<Backend>().get().and_then(|sd| sd.tray_next_label().map_err(Into::into)) {
        Ok(label) => label,
        Err(_) => "No upcoming reminders".to_string(),
    }
}

/// Re-reads the next reminder into the menu (only touching the menu when it changed).
pub fn refresh<R: Runtime>(app: &AppHandle<R>) {
    let Some(tray) = app.try_state::<Tray<R>>() else { return };
    let label = next_label(app);
    let mut shown = tray.label.lock().unwrap_or_else(|p| p.into_inner());
    if *shown == label {
        return;
    }
    match tray.next.set_text(&label) {
        Ok(()) => *shown = label,
        Err(e) => tracing::debug!(error = %e, "could not update the tray menu"),
    }
}

/// The tray was built and something on this desktop shows it.
pub fn visible<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<Tray<R>>().is_some() && host_present()
}

#[cfg(target_os = "linux")]
fn host_present() -> bool {
    status_notifier_watcher() || xembed_tray()
}

#[cfg(not(target_os = "linux"))]
fn host_present() -> bool {
    true
}

/// A StatusNotifier watcher (KDE, GNOME's AppIndicator extension, most panels) owns its
/// name on the session bus.
#[cfg(target_os = "linux")]
fn status_notifier_watcher() -> bool {
    let Ok(conn) = dbus::blocking::Connection::new_session() else { return false };
    let proxy = conn.with_proxy("org.freedesktop.DBus", "/org/freedesktop/DBus", std::time::Duration::from_millis(500));
    let owned: Result<(bool,), _> =
        proxy.method_call("org.freedesktop.DBus", "NameHasOwner", ("org.kde.StatusNotifierWatcher",));
    owned.is_ok_and(|(o,)| o)
}

/// An XEmbed system tray (where appindicator falls back to) owns `_NET_SYSTEM_TRAY_S<n>`.
#[cfg(target_os = "linux")]
fn xembed_tray() -> bool {
    use x11::xlib;
    if std::env::var_os("DISPLAY").is_none_or(|v| v.is_empty()) {
        return false;
    }
    // SAFETY: the display is checked for null, used on this thread only and closed once.
    unsafe {
        let display = xlib::XOpenDisplay(std::ptr::null());
        if display.is_null() {
            return false;
        }
        let screen = xlib::XDefaultScreen(display);
        let name = format!("_NET_SYSTEM_TRAY_S{screen}\0");
        let atom = xlib::XInternAtom(display, name.as_ptr().cast(), xlib::False);
        let owner = if atom == 0 { 0 } else { xlib::XGetSelectionOwner(display, atom) };
        xlib::XCloseDisplay(display);
        owner != 0
    }
}
