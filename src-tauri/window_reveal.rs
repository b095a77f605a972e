//! When the main window appears. It is created hidden (`visible: false` in
//! tauri.conf.json) and shown once the page says its first screen is about to render (the
//! [`EVENT`] the UI emits, `ui/src/boot.tsx`: after the stored theme and language are
//! applied, before React renders), or after [`FALLBACK`] if the page never says so (a page
//! that failed to load must still be seen). It stays hidden when the app started with
//! `--hidden` into a tray that is shown; an export run never arms it (its window is never
//! shown).
//!
//! Why: on Linux with WebKit's CPU painter (chosen without a GPU, `rendering`), a window
//! mapped while the web process is still starting makes GTK's main thread wait up to
//! 500 ms for the page's first frame at the first draw. In 3 launches of 10 here the
//! window's page then started loading 500 ms late (navigation at 750-800 ms instead of
//! 250-300; docs/benchmarks.md, start-up). Shown while the page renders, the window maps
//! and gives the page its size during the render (a hidden window's page is 0x0, so Home
//! would be laid out twice). Read from the X server, the window is still blank for about
//! 200 ms after it maps (the bare Tauri app's for 400 ms) until the page's first frame is
//! drawn (`scripts/bench-first-pixels.sh`). So that this blank is the page's own
//! background (dark for a dark theme) and not GTK's light grey, the event carries the
//! page's background colour and the window takes it before it is shown.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tauri::window::Color;
use tauri::{AppHandle, Listener, Manager, Runtime};

/// The event the page emits when its first screen (Home, onboarding or an error) is about to render.
pub const EVENT: &str = "first-screen-ready";
/// How long the window may stay hidden when the page never reports.
pub const FALLBACK: Duration = Duration::from_secs(3);

/// Shows the main window on the page's [`EVENT`] or after [`FALLBACK`], whichever is first.
pub fn arm<R: Runtime>(app: &AppHandle<R>) {
    let shown = Arc::new(AtomicBool::new(false));
    let (handle, once) = (app.clone(), shown.clone());
    app.once(EVENT, move |event| show(&handle, &once, background(event.payload()), "the first screen is ready"));
    let (handle, late) = (app.clone(), shown.clone());
    let spawned = std::thread::Builder::new().name("window-reveal".into()).spawn(move || {
        std::thread::sleep(FALLBACK);
        show(&handle, &late, None, "the page did not report its first screen in time");
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no fallback for showing the window; showing it now");
        show(app, &shown, None, "no fallback thread");
    }
}

/// The page's background from the event's payload, `{"background":[r,g,b]}`; None for
/// anything else (the window then keeps the toolkit's background).
fn background(payload: &str) -> Option<Color> {
    #[derive(serde::Deserialize)]
    struct Ready {
        background: [u8; 3],
    }
    let [r, g, b] = serde_json::from_str::<Ready>(payload).ok()?.background;
    Some(Color(r, g, b, 255))
}

fn show<R: Runtime>(app: &AppHandle<R>, shown: &AtomicBool, background: Option<Color>, why: &str) {
    if shown.swap(true, Ordering::SeqCst) {
        return;
    }
    tracing::debug!("showing the window: {why}");
    match app.get_webview_window("main") {
        Some(w) => {
            if let Some(colour) = background {
                if let Err(e) = w.set_background_color(Some(colour)) {
                    tracing::warn!(error = %e, "could not give the window the page's background");
                }
            }
            if let Err(e) = w.show() {
                tracing::warn!(error = %e, "could not show the window");
            }
        }
        None => tracing::warn!("no main window to show"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_background_is_read_from_the_pages_payload_and_anything_else_is_none() {
        assert_eq!(background(r#"{"background":[15,18,23]}"#), Some(Color(15, 18, 23, 255)));
        for bad in ["null", "", "{}", r#"{"background":[300,0,0]}"#, r#"{"background":[1,2]}"#, r##"{"background":"#000"}"##] {
            assert_eq!(background(bad), None, "{bad}");
        }
    }
}
