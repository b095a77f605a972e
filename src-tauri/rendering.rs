//! How the webview paints on Linux: WebKitGTK's accelerated compositing (its default), or
//! its CPU painter when the user asks for it with `STUDYDESK_COMPOSITING=cpu`.
//!
//! Contract: [`choose`] runs first thing in `main`, before any thread or GTK exists (it may
//! set an environment variable, which is only sound while the process is single-threaded).
//! It changes nothing when `WEBKIT_DISABLE_COMPOSITING_MODE` is already set, and nothing
//! off Linux. With no GPU render node (`/dev/dri/renderD*`) it says in the log that the CPU
//! painter may be faster.
//!
//! Why the CPU painter is a choice and not the default on a machine without a GPU (where
//! WebKitGTK composites through OpenGL run in software by llvmpipe, 60–90 ms a frame): it
//! opened Insights in 665 ms against 1295 ms here (docs/benchmarks.md, "Painting without a
//! GPU"), but with it WebKitWebDriver's screenshot of Insights › Reports after "Run now"
//! hung every time (3 runs of 3; none of 2 with compositing). Until that is understood, the
//! default stays WebKit's.

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
    /// Nothing was chosen: WebKit's default.
    Default,
}

/// The decision from the environment (pure, tested).
pub fn decide(webkit_var: Option<&str>, studydesk_var: Option<&str>) -> (Painter, Reason) {
    if let Some(v) = webkit_var {
        // WebKit paints with the CPU for any value but "0".
        let painter = if v == "0" { Painter::Compositing } else { Painter::Cpu };
        return (painter, Reason::WebKitVariableSet);
    }
    match studydesk_var.map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("cpu") => (Painter::Cpu, Reason::UserChoice),
        Some(v) if v.eq_ignore_ascii_case("gpu") => (Painter::Compositing, Reason::UserChoice),
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
    let decision = decide(webkit.as_deref(), ours.as_deref());
    if decision == (Painter::Cpu, Reason::UserChoice) {
        // Sound only while single-threaded: called first in `main` (module contract).
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    let _ = CHOSEN.set((decision.0, decision.1, has_render_node(Path::new("/dev/dri"))));
    Some(decision)
}

/// Says in the log how the webview paints and why (after logging started).
pub fn log_choice() {
    if let Some((painter, reason, gpu)) = CHOSEN.get() {
        tracing::info!(?painter, ?reason, gpu_render_node = gpu, "webview painting (STUDYDESK_COMPOSITING=gpu|cpu chooses)");
        if !gpu && *painter == Painter::Compositing {
            tracing::info!("no GPU render node: WebKit composites in software; STUDYDESK_COMPOSITING=cpu may paint faster");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webkits_default_unless_the_user_chose() {
        assert_eq!(decide(None, None), (Painter::Compositing, Reason::Default));
        assert_eq!(decide(None, Some(" CPU ")), (Painter::Cpu, Reason::UserChoice));
        assert_eq!(decide(None, Some("gpu")), (Painter::Compositing, Reason::UserChoice));
        // An unknown value is ignored, not guessed at.
        assert_eq!(decide(None, Some("fast")), (Painter::Compositing, Reason::Default));
    }

    #[test]
    fn webkits_own_variable_is_left_for_webkit() {
        assert_eq!(decide(Some("0"), Some("cpu")), (Painter::Compositing, Reason::WebKitVariableSet));
        assert_eq!(decide(Some("1"), Some("gpu")), (Painter::Cpu, Reason::WebKitVariableSet));
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
