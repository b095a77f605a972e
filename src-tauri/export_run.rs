//! `studydesk --export-dashboard ID --out DIR [--data-dir DIR]`: a run that draws one
//! dashboard's charts into PNG files with the app's own chart library, then quits. It is
//! what `studydesk-cli dashboard export ID --format png --out DIR` starts.
//!
//! Contract: such a run claims no single instance and starts no tray, autostart or
//! background work (reminders, sync, backups and refreshes stay with the user's running
//! app, if any: both may open the database, SQLite's WAL lets them). The core is told the
//! dashboard and folder (`Studydesk::picture_export_start`) before the window loads; the
//! window is hidden and loads the UI with `?export=<ID>`, which draws each chart, hands
//! its PNG to the core and says when it is done. A watcher ends the app when the core's
//! report says done, or after [`TIMEOUT`]: a line per file written on stdout, a line per
//! chart not drawn on stderr, exit 0 only when every chart was written.

use crate::Backend;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Manager, Runtime};

/// The longest a run may take to draw a dashboard (a chart's data is read on the
/// sandbox's connections, each query at most a minute).
pub const TIMEOUT: Duration = Duration::from_secs(180);

/// What the command line asks to export.
pub struct ExportArgs {
    pub dashboard_id: String,
    pub out: PathBuf,
}

const FLAG: &str = "--export-dashboard";

/// `--export-dashboard ID --out DIR`, when the first is given (the second is then required).
pub fn requested() -> Option<Result<ExportArgs, String>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).filter(|v| !v.starts_with("--")).cloned();
    if !args.iter().any(|a| a == FLAG) {
        return None;
    }
    Some(match (value(FLAG), value("--out")) {
        (Some(dashboard_id), Some(out)) => Ok(ExportArgs { dashboard_id, out: PathBuf::from(out) }),
        (None, _) => Err(format!("{FLAG} needs the dashboard's id")),
        (_, None) => Err(format!("{FLAG} needs --out DIR, the folder to write the pictures into")),
    })
}

/// Opens the export in the core, hides the window and points it at the export page, and
/// starts the watcher that ends the run.
pub fn start<R: Runtime>(app: &tauri::App<R>, args: &ExportArgs) -> Result<(), String> {
    let backend = app.state::<Backend>();
    let sd = backend.get().map_err(|e| e.message.clone())?;
    sd.picture_export_start(&args.dashboard_id, &args.out).map_err(|e| e.to_string())?;
    let window = app.get_webview_window("main").ok_or("the window could not be made")?;
    window.hide().map_err(|e| format!("could not hide the window: {e}"))?;
    let mut url = window.url().map_err(|e| e.to_string())?;
    url.query_pairs_mut().clear().append_pair("export", &args.dashboard_id);
    window.navigate(url).map_err(|e| e.to_string())?;
    let handle = app.handle().clone();
    std::thread::Builder::new().name("export-watcher".into()).spawn(move || watch(handle)).map_err(|e| e.to_string())?;
    Ok(())
}

fn watch<R: Runtime>(app: AppHandle<R>) {
    let started = Instant::now();
    let code = loop {
        std::thread::sleep(Duration::from_millis(100));
        let backend = app.state::<Backend>();
        let Ok(sd) = backend.get() else { break 1 };
        let Some(report) = sd.picture_export_report() else { break 1 };
        if report.finished {
            break print_report(&report);
        }
        if started.elapsed() > TIMEOUT {
            print_report(&report);
            eprintln!("error: the charts were not all drawn within {} s", TIMEOUT.as_secs());
            break 1;
        }
    };
    app.exit(code);
}

/// Prints what was written and what failed; the exit code.
fn print_report(report: &studydesk_core::insights::picture_export::PictureReport) -> i32 {
    for path in &report.written {
        println!("wrote {}", path.display());
    }
    for failed in &report.failed {
        eprintln!("not drawn: {failed}");
    }
    i32::from(!report.failed.is_empty())
}

/// A failed start: said on stderr, exit 1 (the CLI relays it).
pub fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}
