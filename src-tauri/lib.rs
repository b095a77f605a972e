//! The Studydesk desktop shell: a thin Tauri layer over `studydesk-core`.
//!
//! Contract: the shell opens the core on the data folder (`--data-dir DIR`, else
//! `STUDYDESK_DATA_DIR`, else the OS data folder), hands it to the commands as managed
//! state, and never touches SQL. If the database cannot be opened (not a database, a
//! newer schema, no permission) the window still opens and every command answers with
//! that error, so the user reads why instead of seeing a crash.

pub mod commands;
pub mod focus_ticker;
pub mod idle;
pub mod reminder_scheduler;

use std::path::PathBuf;
use studydesk_core::{api::Studydesk, clock, error::ApiError};

/// Managed state: the opened core, or the reason it could not be opened.
pub struct Backend(Result<Studydesk, ApiError>);

impl Backend {
    pub fn open(data_dir: Option<PathBuf>, clock: clock::SharedClock) -> Backend {
        let opened = studydesk_core::paths::data_dir(data_dir.as_deref())
            .and_then(|dir| Studydesk::open(&dir, clock))
            .map_err(|e| {
                tracing::error!(error = %e, "could not open the database");
                ApiError::from(e)
            });
        Backend(opened)
    }

    pub fn get(&self) -> Result<&Studydesk, ApiError> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

/// `--data-dir DIR` or `--data-dir=DIR` from the command line.
fn data_dir_arg() -> Option<PathBuf> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(v));
        }
    }
    None
}

/// Adds the managed state and every IPC command to a builder (also used by the
/// command tests with Tauri's mock runtime).
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>, backend: Backend) -> tauri::Builder<R> {
    builder.manage(backend).invoke_handler(commands::handler())
}

/// Lets the asset protocol read `dir` (created if needed), by its path as given and as
/// resolved (a symlinked data folder is matched after resolution).
fn allow_assets<R: tauri::Runtime>(app: &tauri::App<R>, dir: &std::path::Path) {
    use tauri::Manager;
    if let Err(e) = std::fs::create_dir_all(dir) {
        tracing::warn!(error = %e, dir = %dir.display(), "could not create the attachments folder");
    }
    let scope = app.asset_protocol_scope();
    let resolved = std::fs::canonicalize(dir).ok();
    for d in std::iter::once(dir.to_path_buf()).chain(resolved) {
        if let Err(e) = scope.allow_directory(&d, true) {
            tracing::warn!(error = %e, dir = %d.display(), "backgrounds will not show");
        }
    }
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    idle::init();
    // `--clock-rate N` runs the clock N times as fast: for end-to-end tests and demos.
    let clock = clock::from_args(std::env::args().skip(1)).unwrap_or_else(|message| {
        tracing::error!("{message}; using the system clock");
        clock::system()
    });
    let backend = Backend::open(data_dir_arg(), clock);
    let attachments = backend.get().ok().map(|s| studydesk_core::attachments::dir(s.data_dir()));
    let builder = tauri::Builder::default().setup(move |app| {
        // Immerse backgrounds are shown with convertFileSrc: the asset protocol may read
        // the attachments folder and nothing else (its static scope is empty).
        if let Some(dir) = &attachments {
            allow_assets(app, dir);
        }
        // Idle detection, pomodoro notices, crash-recovery check, heartbeat.
        focus_ticker::start(app.handle());
        // Reminders: launch catch-up, then every due one exactly once, natively and in-app.
        reminder_scheduler::start(app.handle());
        Ok(())
    })
    .on_window_event(focus_ticker::on_window_event);
    let result = with_commands(builder, backend).run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "Studydesk could not start");
        std::process::exit(1);
    }
}
