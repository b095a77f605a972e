// Keeps a console window from opening next to the app on Windows release builds (so there
// `studydesk --cli` prints nothing: Windows users run the studydesk-cli binary).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::ffi::OsString;
use std::process::ExitCode;

fn main() -> ExitCode {
    // `studydesk --cli ARGS`: the command-line tool, without a window (the Linux packages'
    // /usr/bin/studydesk-cli calls this, so they carry one copy of the core, not two).
    if std::env::args_os().nth(1).is_some_and(|a| a == "--cli") {
        let args = std::iter::once(OsString::from("studydesk-cli")).chain(std::env::args_os().skip(2));
        return studydesk_cli::main_from(args, studydesk_cli::Host::App);
    }
    // `--remind-once`: one headless reminder turn (the OS timer runs this), no window.
    if studydesk_app::remind_once_requested() {
        std::process::exit(studydesk_app::remind_once());
    }
    // Before any thread exists: may set WebKit's painting variable (see `rendering`).
    studydesk_app::rendering::choose();
    studydesk_app::run();
    ExitCode::SUCCESS
}
