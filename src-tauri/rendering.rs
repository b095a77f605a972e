//! How the webview paints on Linux: WebKitGTK's accelerated compositing (its default), or
//! its CPU painter, which the app chooses on a machine with no GPU render node.
//!
//! Contract: [`choose`] runs first thing in `main`, before any thread or GTK exists (it may
//! set an environment variable, which is only sound while the process is single-threaded).
//! It changes nothing when `WEBKIT_DISABLE_COMPOSITING_MODE` is already set, and nothing
//! off Linux. `STUDYDESK_COMPOSITING=cpu|gpu` chooses by hand; otherwise the CPU painter is
//! chosen when there is no `/dev/dri/renderD*` and WebKit's default is kept when there is.
//!
//! Why: with no GPU, WebKitGTK still composites through OpenGL, which Mesa then runs in
//! software (llvmpipe) at 60–90 ms a frame. Its CPU painter opened Insights in 525 ms
//! against 895 ms, drew a 100,000-point chart in 53 against 157 ms and answered the
//! pointer in 32 against 74 ms on this machine (docs/benchmarks.md, "Painting without a
//! GPU"). It was a hand choice until session 23 because WebKitWebDriver's screenshot hung
//! under it; that turned out to be the driver waiting for the next painted frame of a page
//! that had nothing left to paint (the window itself paints), which the e2e helper now
//! provides (tests/e2e/lib.mjs `screenshot`).

use std::path::Path;
use std::sync::OnceLock;

/// What [`choose`] decided, for [`log_choice`] once logging exists.
static CHOSEN: OnceLock<(Painter, Reason, bool)> = OnceLock::new();

/// What the webview should paint with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Painter {
    /// WebKit's default: accelerated compositing (GPU when there is one).
    Compositing,
    /// `WEBKIT_DISABLE_COMPOSITING_MODE=1`: CPU painting.
    Cpu,
}

/// Why the painter was chosen, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// `WEBKIT_DISABLE_COMPOSITING_MODE` was already set: WebKit reads it as it is.
    WebKitVariableSet,
    /// `STUDYDESK_COMPOSITING` named one.
    UserChoice,
    /// Nothing was chosen and there is no GPU render node: the CPU painter.
    NoGpu,
    /// Nothing was chosen and there is a GPU: WebKit's default.
    Default,
}

/// The decision from the environment and whether a GPU render node exists (pure, tested).
pub fn decide(webkit_var: Option<&str>, studydesk_var: Option<&str>, gpu: bool) -> (Painter, Reason) {
    if let Some(v) = webkit_var {
        // WebKit paints with the CPU for any value but "0".
        let painter = if v == "0" { Painter::Compositing } else { Painter::Cpu };
        return (painter, Reason::WebKitVariableSet);
    }
    match studydesk_var.map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("cpu") => (Painter::Cpu, Reason::UserChoice),
        Some(v) if v.eq_ignore_ascii_case("gpu") => (Painter::Compositing, Reason::UserChoice),
        _ if !gpu => (Painter::Cpu, Reason::NoGpu),
        _ => (Painter::Compositing, Reason::Default),
    }
}

/// Whether `dir` (normally `/dev/dri`) holds a DRM render node (`renderD128`…).
pub fn has_render_node(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}

/// Applies the decision to this process's environment (Linux only; see the module contract).
pub fn choose() -> Option<(Painter, Reason)> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let webkit = std::env::var("WEBKIT_DISABLE_COMPOSITING_MODE").ok();
    let ours = std::env::var("STUDYDESK_COMPOSITING").ok();
    let gpu = has_render_node(Path::new("/dev/dri"));
    let decision = decide(webkit.as_deref(), ours.as_deref(), gpu);
    if decision.0 == Painter::Cpu && decision.1 != Reason::WebKitVariableSet {
        // Sound only while single-threaded: called first in `main` (module contract).
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    let _ = CHOSEN.set((decision.0, decision.1, gpu));
    Some(decision)
}

/// Says in the log how the webview paints and why (after logging started).
pub fn log_choice() {
    if let Some((painter, reason, gpu)) = CHOSEN.get() {
        tracing::info!(?painter, ?reason, gpu_render_node = gpu, "webview painting (STUDYDESK_COMPOSITING=gpu|cpu chooses)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_painter_without_a_gpu_and_webkits_default_with_one() {
        assert_eq!(decide(None, None, false), (Painter::Cpu, Reason::NoGpu));
        assert_eq!(decide(None, None, true), (Painter::Compositing, Reason::Default));
        // An unknown value is ignored, not guessed at.
        assert_eq!(decide(None, Some("fast"), false), (Painter::Cpu, Reason::NoGpu));
        assert_eq!(decide(None, Some("fast"), true), (Painter::Compositing, Reason::Default));
    }

    #[test]
    fn the_users_choice_wins_over_the_guess() {
        assert_eq!(decide(None, Some(" CPU "), true), (Painter::Cpu, Reason::UserChoice));
        assert_eq!(decide(None, Some("gpu"), false), (Painter::Compositing, Reason::UserChoice));
    }

    #[test]
    fn webkits_own_variable_is_left_for_webkit() {
        assert_eq!(decide(Some("0"), Some("cpu"), false), (Painter::Compositing, Reason::WebKitVariableSet));
        assert_eq!(decide(Some("1"), Some("gpu"), true), (Painter::Cpu, Reason::WebKitVariableSet));
    }

    #[test]
    fn a_render_node_is_found_by_its_name() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("missing")));
    }
}
