//! The Studydesk desktop shell: a thin Tauri layer over `studydesk-core`.
//!
//! Contract: the shell opens the core on the data folder (`--data-dir DIR`, else
//! `STUDYDESK_DATA_DIR`, else the OS data folder), hands it to the commands as managed
//! state, and never touches SQL. If the database cannot be opened (not a database, a
//! newer schema, no permission) the window still opens and every command answers with
//! that error, so the user reads why instead of seeing a crash.
//!
//! In the background (issue 3, part 6):
//! - One app per data folder ([`single_instance`]): a second launch on the same folder
//!   shows the running window and exits 0; another folder runs side by side.
//! - The tray ([`tray`]); closing the window hides it there when `close_to_tray` is on
//!   and a tray is really shown, else the window closes and the app quits. "Quit
//!   Studydesk" quits; presence goes offline on every way out (window destroyed, or exit).
//! - `--hidden` (what start at login passes) starts with the window hidden when a tray
//!   is shown; start at login is tauri-plugin-autostart.
//! - The local HTTP API ([`local_api`]) on 127.0.0.1 while Settings › API keys has it on.
//! - `studydesk --export-dashboard ID --out DIR` ([`export_run`]) draws a dashboard's
//!   charts into PNG files in a hidden window and quits; none of the above runs then.
//! - `studydesk --remind-once [--data-dir DIR]` ([`remind_once`]) is headless: no Tauri,
//!   no window, one reminder turn, exit 0 (1 with a one-line error). The OS timer runs it.

pub mod backup_timer;
pub mod commands;
pub mod export_run;
pub mod focus_ticker;
pub mod idle;
pub mod local_api;
pub mod mail_sender;
pub mod periodic;
pub mod rendering;
pub mod reminder_scheduler;
pub mod report_runner;
pub mod single_instance;
pub mod source_refresher;
pub mod subscription_refresher;
pub mod sync_worker;
pub mod tray;
pub mod window_reveal;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use studydesk_core::{api::Folder, api::Studydesk, clock, error::ApiError};
use tauri::{AppHandle, Manager, Runtime, WindowEvent};

/// Managed state: the opened core, or the reason it could not be opened; and the data
/// folder with the clock, for the `folder` commands (backups, restore), which answer
/// either way. The app opens the database on a thread while the window and its webview
/// start ([`Backend::open_in_background`]); the first call that needs it waits for it.
pub struct Backend {
    opening: Arc<Opening>,
    folder: Result<Folder, ApiError>,
}

/// What opening the database needs, and its outcome once done (a `OnceLock`: a caller that
/// comes while the opening thread works waits for it; nothing opens twice).
struct Opening {
    dir: Result<PathBuf, ApiError>,
    clock: clock::SharedClock,
    opened: OnceLock<Result<Studydesk, ApiError>>,
}

impl Opening {
    fn get(&self) -> &Result<Studydesk, ApiError> {
        self.opened.get_or_init(|| {
            let dir = self.dir.as_ref().map_err(Clone::clone)?;
            let opened = studydesk_core::db::backup::apply_pending_restore(dir, self.clock.now()).and_then(|old| {
                if let Some(old) = old {
                    tracing::info!(replaced = %old.display(), "restored a backup at start");
                }
                Studydesk::open(dir, self.clock.clone())
            });
            opened.map_err(|e| {
                tracing::error!(error = %e, "could not open the database");
                ApiError::from(e)
            })
        })
    }
}

impl studydesk_local_api::Host for Opening {
    fn app(&self) -> Result<&Studydesk, studydesk_core::CoreError> {
        self.get().as_ref().map_err(|e| studydesk_core::CoreError::Database(e.message.clone()))
    }
}

impl Backend {
    fn new(data_dir: Option<PathBuf>, clock: clock::SharedClock) -> Backend {
        let dir = studydesk_core::paths::data_dir(data_dir.as_deref());
        let folder = dir.as_ref().map(|d| Folder::new(d, clock.clone())).map_err(ApiError::from);
        let dir = dir.map_err(|e| ApiError::from(studydesk_core::CoreError::validation(e.to_string())));
        Backend { opening: Arc::new(Opening { dir, clock, opened: OnceLock::new() }), folder }
    }

    /// Finishes a restore asked for before the last restart, then opens the database, now.
    pub fn open(data_dir: Option<PathBuf>, clock: clock::SharedClock) -> Backend {
        let backend = Backend::new(data_dir, clock);
        let _ = backend.opening.get();
        backend
    }

    /// The same on a thread of its own, so that the window starts meanwhile. If the thread
    /// cannot start, the first [`Backend::get`] opens it.
    pub fn open_in_background(data_dir: Option<PathBuf>, clock: clock::SharedClock) -> Backend {
        let backend = Backend::new(data_dir, clock);
        let opening = backend.opening.clone();
        if let Err(e) = std::thread::Builder::new().name("open-database".into()).spawn(move || { opening.get(); }) {
            tracing::warn!(error = %e, "could not open the database on a thread; opening it when first needed");
        }
        backend
    }

    pub fn get(&self) -> Result<&Studydesk, ApiError> {
        self.opening.get().as_ref().map_err(Clone::clone)
    }

    /// The opened core as the local API reads it (`local_api`).
    pub fn local_api_host(&self) -> Arc<dyn studydesk_local_api::Host> {
        self.opening.clone()
    }

    pub fn folder(&self) -> Result<&Folder, ApiError> {
        self.folder.as_ref().map_err(Clone::clone)
    }
}

/// `--data-dir DIR` or `--data-dir=DIR` from the command line.
pub fn data_dir_arg() -> Option<PathBuf> {
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

fn has_flag(flag: &str) -> bool {
    std::env::args().skip(1).any(|a| a == flag)
}

/// This process was started by [`restart`].
pub fn restarted() -> bool {
    has_flag(RESTARTED)
}

const RESTARTED: &str = "--restarted";

/// Starts a new app with this one's arguments (and `--restarted`, so that it waits for this
/// one's folder lock instead of asking it to show itself), then exits this one. Used to
/// apply a restore, which happens before the database opens. Tauri's own `restart` starts
/// the new process the same way but without the flag, so the new one would find this one
/// still holding the folder, ask it to show itself, and exit.
pub fn restart<R: Runtime>(app: &AppHandle<R>) {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).filter(|a| a != RESTARTED).collect();
    let started = std::env::current_exe().and_then(|exe| std::process::Command::new(exe).args(&args).arg(RESTARTED).spawn());
    match started {
        Ok(_) => app.exit(0),
        Err(e) => tracing::error!(error = %e, "could not start Studydesk again; the restore is applied at the next start"),
    }
}

/// The command line asks for the headless reminder turn (`--remind-once`).
pub fn remind_once_requested() -> bool {
    has_flag("--remind-once")
}

/// One headless reminder turn, exactly like the CLI's `remind run --once` (the core's
/// `reminders_run_once`): no Tauri app, no window, no display needed. Prints what it
/// delivered (one line each, user text through `text::field` as the CLI prints it, so a
/// name cannot rewrite the terminal) and returns the exit code: 0, or 1 after a one-line
/// error.
pub fn remind_once() -> i32 {
    use studydesk_core::text::field;
    init_logging("warn");
    let clock = match clock::from_args(std::env::args().skip(1)) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("error (validation): {message}");
            return 1;
        }
    };
    let turn = studydesk_core::paths::data_dir(data_dir_arg().as_deref())
        .and_then(|dir| Studydesk::open(&dir, clock))
        .and_then(|sd| sd.reminders_run_once());
    match turn {
        Ok(turn) => {
            if let Some(reason) = turn.notice_error {
                eprintln!("warning: no notification server answered ({reason}); the reminder is in Studydesk's notifications");
            }
            for d in &turn.delivered {
                println!("{}\t{}\t{}", d.fire_at, field(&d.title), field(&d.message));
            }
            for a in &turn.alerts {
                println!("alert\t{}\t{}", field(&a.title), field(&a.message));
            }
            for r in &turn.reports {
                println!("report\t{}\t{}", field(&r.name), field(r.file.as_deref().or(r.error.as_deref()).unwrap_or("")));
            }
            for r in &turn.subscriptions {
                println!("subscription\t{}\t{}", field(&r.subscription.name), field(&r.result.words()));
            }
            0
        }
        Err(e) => {
            eprintln!("error ({}): {}", e.kind(), field(&e.to_string().split_whitespace().collect::<Vec<_>>().join(" ")));
            1
        }
    }
}

fn init_logging(default: &str) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default)),
        )
        .with_writer(std::io::stderr)
        .try_init();
}

/// Shows, unminimizes and focuses the main window (tray, second launch).
pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        for (what, done) in [("unminimize", w.unminimize()), ("show", w.show()), ("focus", w.set_focus())] {
            if let Err(e) = done {
                tracing::debug!(error = %e, "could not {what} the window");
            }
        }
    }
}

/// "Quit Studydesk": ends the app (presence goes offline in the exit handler of `run`).
pub fn quit<R: Runtime>(app: &AppHandle<R>) {
    app.exit(0);
}

/// Closing the main window hides it instead: `close_to_tray` is on (the default, and
/// also when the database did not open) and a tray is shown.
fn close_to_tray<R: Runtime>(app: &AppHandle<R>) -> bool {
    let wanted = app.state::<Backend>().get().ok().and_then(|sd| sd.background_settings_get().ok()).is_none_or(|s| s.close_to_tray);
    wanted && tray::visible(app)
}

fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event {
        if window.label() == "main" && close_to_tray(window.app_handle()) {
            api.prevent_close();
            if let Err(e) = window.hide() {
                tracing::warn!(error = %e, "could not hide the window to the tray");
            }
            return;
        }
    }
    // Presence offline when the window is destroyed (the app is closing).
    focus_ticker::on_window_event(window, event);
}

/// Arguments start at login launches with: hidden in the tray, on this data folder when
/// it was given on the command line. Quoted for the Linux autostart entry's `Exec=` line
/// (the autostart crate joins them with spaces).
fn autostart_args() -> Vec<String> {
    let mut args = vec!["--hidden".to_string()];
    if let Some(dir) = data_dir_arg() {
        args.push("--data-dir".into());
        args.push(exec_quote(&dir.to_string_lossy()));
    }
    args
}

fn exec_quote(word: &str) -> String {
    if cfg!(target_os = "macos") || !word.contains(|c: char| c.is_whitespace() || "\"'\\$`%".contains(c)) {
        return word.to_string();
    }
    if cfg!(windows) {
        // A backslash before the closing quote would escape it: double a trailing one.
        let tail = if word.ends_with('\\') { "\\" } else { "" };
        return format!("\"{word}{tail}\"");
    }
    // Desktop entry Exec quoting: inside double quotes, escape " ` $ \ ; % is doubled.
    let mut out = String::from("\"");
    for c in word.chars() {
        match c {
            '"' | '`' | '$' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '%' => out.push_str("%%"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn run() {
    let requested_export = export_run::requested();
    // An export run prints its report; the log says only what went wrong.
    init_logging(if requested_export.is_some() { "warn" } else { "info" });
    rendering::log_choice();
    idle::init();
    // `--clock-rate N` runs the clock N times as fast: for end-to-end tests and demos.
    let clock = clock::from_args(std::env::args().skip(1)).unwrap_or_else(|message| {
        tracing::error!("{message}; using the system clock");
        clock::system()
    });
    let export = requested_export.map(|args| args.unwrap_or_else(|why| export_run::fail(&why)));
    // One app per data folder: a second launch shows the first one's window and exits.
    // An export run is not the user's app: it runs beside it.
    let instance = if export.is_none() { Some(single_instance::claim_or_exit(data_dir_arg())) } else { None };
    let backend = Backend::open_in_background(data_dir_arg(), clock);
    let hidden = has_flag("--hidden");
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_autostart::Builder::new().args(autostart_args()).build())
        .setup(move |app| {
            // Immerse backgrounds are shown with convertFileSrc: the asset protocol may read
            // the attachments folder and nothing else (its static scope is empty).
            if let Ok(sd) = app.state::<Backend>().get() {
                allow_assets(app, &studydesk_core::attachments::dir(sd.data_dir()));
            }
            let Some(instance) = instance else {
                let args = export.as_ref().ok_or("no single instance and no export")?;
                if let Err(why) = export_run::start(app, args) {
                    export_run::fail(&why);
                }
                return Ok(());
            };
            single_instance::serve(instance, app.handle());
            if let Err(why) = tray::create(app.handle()) {
                tracing::warn!("no system tray ({why}); closing the window will quit Studydesk");
            }
            // The window is created hidden and shown when the page is ready, unless the app
            // starts hidden into a tray the user can reach.
            if hidden && tray::visible(app.handle()) {
                tracing::info!("--hidden: the window stays hidden until opened from the tray");
            } else {
                if hidden {
                    tracing::info!("--hidden: no tray is shown, so the window is shown");
                }
                window_reveal::arm(app.handle());
            }
            refresh_autostart(app.handle());
            // Idle detection, pomodoro notices, crash-recovery check, heartbeat.
            focus_ticker::start(app.handle());
            // Reminders: launch catch-up, then every due one exactly once, natively and in-app.
            reminder_scheduler::start(app.handle());
            // Sync (opt-in): rounds after local changes, every few minutes, with backoff.
            sync_worker::start(app.handle());
            // A daily copy of the database, checked, rotated.
            backup_timer::start(app.handle());
            // Data sources with a refresh schedule, fetched again when their time comes.
            source_refresher::start(app.handle());
            // Calendar subscriptions, fetched when due (each bounded; failing feeds back off).
            subscription_refresher::start(app.handle());
            // Scheduled reports, on their own thread (a long PDF never holds back a reminder).
            report_runner::start(app.handle());
            // The e-mail outbox (reports, alerts), on its own thread: a slow mail server
            // never delays a reminder.
            mail_sender::start(app.handle());
            // The local HTTP API for scripts, when the user turned it on (off by default).
            local_api::start(app.handle());
            Ok(())
        })
        .on_window_event(on_window_event);
    let app = match with_commands(builder, backend).build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "Studydesk could not start");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        // "Quit Studydesk" (and any other exit) leaves without destroying the window first.
        if let tauri::RunEvent::Exit = event {
            if let Ok(sd) = app.state::<Backend>().get() {
                if let Err(e) = sd.presence_offline() {
                    tracing::warn!(error = %e, "could not set presence offline");
                }
            }
        }
    });
}

/// Start at login is on: write the entry again, so it names this executable even after
/// the app moved (an update, a reinstall elsewhere).
fn refresh_autostart<R: Runtime>(app: &AppHandle<R>) {
    use tauri_plugin_autostart::ManagerExt;
    let on = app.state::<Backend>().get().ok().and_then(|sd| sd.background_settings_get().ok()).is_some_and(|s| s.start_at_login);
    if on {
        if let Err(e) = app.autolaunch().enable() {
            tracing::warn!(error = %e, "could not refresh the start-at-login entry");
        }
    }
}
