// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // `--remind-once`: one headless reminder turn (the OS timer runs this), no window.
    if studydesk_app::remind_once_requested() {
        std::process::exit(studydesk_app::remind_once());
    }
    studydesk_app::run();
}
