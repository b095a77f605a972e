//! How the webview paints on Linux: WebKitGTK's accelerated compositing when the machine has
//! a GPU, its CPU painter when it has none.
//!
//! Contract: [`choose`] runs first thing in `main`, before any thread or GTK exists (it may
//! set an environment variable, which is only sound while the process is single-threaded).
//! It changes nothing when the user already chose (`WEBKIT_DISABLE_COMPOSITING_MODE` set, or
//! `STUDYDESK_COMPOSITING=gpu|cpu`), and nothing off Linux.
//!
//! Why: with no GPU render node (`/dev/dri/renderD*`), WebKitGTK still composites through
//! OpenGL, which Mesa then runs in software (llvmpipe). Every frame costs 60–90 ms on two
//! cores even when nothing moved, and the layers it keeps cost memory. Its CPU painter is
//! the path made for that machine (as Chromium falls back to its software compositor, never
//! to a software GL). Measured with `scripts/bench-insights.sh` and `appmeasure.py`; the
//! figures are in docs/benchmarks.md ("Painting without a GPU").

use std::path::Path;
use std::sync::OnceLock;

/// What [`choose`] decided, for [`log_choice`] once logging exists.
static CHOSEN: OnceLock<(Painter, Reason)> = OnceLock::new();

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
    /// A GPU render node exists.
    GpuFound,
    /// No GPU render node: compositing would run OpenGL in software.
    NoGpu,
}

/// The decision from the environment and whether a GPU render node exists (pure, tested).
pub fn decide(webkit_var: Option<&str>, studydesk_var: Option<&str>, has_render_node: bool) -> (Painter, Reason) {
    if let Some(v) = webkit_var {
        // WebKit paints with the CPU for any value but "0".
        let painter = if v == "0" { Painter::Compositing } else { Painter::Cpu };
        return (painter, Reason::WebKitVariableSet);
    }
    match studydesk_var.map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("gpu") => return (Painter::Compositing, Reason::UserChoice),
        Some(v) if v.eq_ignore_ascii_case("cpu") => return (Painter::Cpu, Reason::UserChoice),
        _ => {}
    }
    if has_render_node {
        (Painter::Compositing, Reason::GpuFound)
    } else {
        (Painter::Cpu, Reason::NoGpu)
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
    let decision = decide(webkit.as_deref(), ours.as_deref(), has_render_node(Path::new("/dev/dri")));
    if decision.0 == Painter::Cpu {
        // Sound only while single-threaded: called first in `main` (module contract).
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    let _ = CHOSEN.set(decision);
    Some(decision)
}

/// Says in the log how the webview paints and why (after logging started).
pub fn log_choice() {
    if let Some((painter, reason)) = CHOSEN.get() {
        tracing::info!(?painter, ?reason, "webview painting (STUDYDESK_COMPOSITING=gpu|cpu overrides)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_gpu_paints_with_the_cpu_and_a_gpu_keeps_compositing() {
        assert_eq!(decide(None, None, false), (Painter::Cpu, Reason::NoGpu));
        assert_eq!(decide(None, None, true), (Painter::Compositing, Reason::GpuFound));
    }

    #[test]
    fn the_users_choice_wins() {
        assert_eq!(decide(None, Some("gpu"), false), (Painter::Compositing, Reason::UserChoice));
        assert_eq!(decide(None, Some(" CPU "), true), (Painter::Cpu, Reason::UserChoice));
        // WebKit's own variable, whatever its value, is left for WebKit to read.
        assert_eq!(decide(Some("0"), Some("cpu"), false), (Painter::Compositing, Reason::WebKitVariableSet));
        assert_eq!(decide(Some("1"), Some("gpu"), true), (Painter::Cpu, Reason::WebKitVariableSet));
        // An unknown value is ignored, not guessed at.
        assert_eq!(decide(None, Some("fast"), true), (Painter::Compositing, Reason::GpuFound));
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
