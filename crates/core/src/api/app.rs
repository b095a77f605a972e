//! The app room of the facade: the window's first data, onboarding, Home and its content,
//! settings and the dashboard layout.

use crate::commands;
use super::{AppState, HomeData, Studydesk, TodayList};
use crate::account::{activity_log, profile, settings};
use crate::dashboard::{content, layout};
use crate::focus::progress;
use crate::planner::{assignments, tasks};
use crate::Result;

#[macro_export]
#[doc(hidden)]
macro_rules! app_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { app;
            /// What the window needs before it can draw anything.
            #[ipc(local)]
            pub fn app_state(&self) -> AppState {
                self.db.read(|c| {
                    Ok(AppState {
                        profile: profile::get(c, &self.user_id())?,
                        settings: settings::get(c, &self.user_id())?,
                        onboarding_pending: profile::onboarding_pending(c, &self.user_id())?,
                        data_dir: self.data_dir.display().to_string(),
                        version: env!("CARGO_PKG_VERSION").to_string(),
                    })
                })
            }

            /// Opens a web or mail link in the system's browser or mail program (the webview
            /// opens no window of its own); anything but http, https and mailto is refused.
            #[ipc(local)]
            pub fn link_open(&self, url: String) -> () {
                crate::links::open(&url)
            }

            /// "Start empty" or "Load sample data"; answers the new state.
            #[ipc(local)]
            pub fn onboarding_complete(&self, choice: profile::OnboardingChoice) -> AppState {
                crate::setup::complete_onboarding(&self.db, &self.user_id(), choice)?;
                self.app_state()
            }

            /// Everything Home shows, read in one go.
            #[ipc(local)]
            pub fn home_get(&self) -> HomeData {
                let now = self.db.now();
                let u = &self.user_id();
                self.db.read(|c| {
                    let tz = settings::timezone(c, u)?;
                    let list = tasks::default_list(c, u)?;
                    let since = crate::db::timestamp_text(crate::time::start_of_day(crate::time::local_date(now, tz), tz));
                    Ok(HomeData {
                        today: TodayList { tasks: tasks::today_tasks(c, u, &list.id, &since)?, list },
                        assignments: assignments::buckets(c, u, now, tz)?,
                        progress: progress::rings(c, u, now, tz)?,
                        focus_entries: content::focus_entries(c, u)?,
                        resources: content::resources(c, u)?,
                        playlists: content::playlists(c, u)?,
                        courses: assignments::courses(c, u)?,
                        layout: layout::get(c, u)?,
                        local_date: crate::time::local_date(now, tz).to_string(),
                    })
                })
            }

            #[ipc(local)]
            pub fn focus_entry_add(&self, input: content::NewFocusEntry) -> Vec<content::FocusEntry> {
                content::add_focus_entry(&self.db, &self.user_id(), input)
            }
            #[ipc(local)]
            pub fn focus_entry_delete(&self, id: String) -> () {
                content::delete_focus_entry(&self.db, &self.user_id(), &id)
            }
            #[ipc(local)]
            pub fn resource_add(&self, input: content::NewStudyResource) -> Vec<content::StudyResource> {
                content::add_resource(&self.db, &self.user_id(), input)
            }
            #[ipc(local)]
            pub fn resource_delete(&self, id: String) -> () {
                content::delete_resource(&self.db, &self.user_id(), &id)
            }
            #[ipc(local)]
            pub fn playlist_add(&self, input: content::NewStudyPlaylist) -> Vec<content::StudyPlaylist> {
                content::add_playlist(&self.db, &self.user_id(), input)
            }
            #[ipc(local)]
            pub fn playlist_delete(&self, id: String) -> () {
                content::delete_playlist(&self.db, &self.user_id(), &id)
            }

            /// Settings › Your activity: the last 30 days by action, and whether it records.
            #[ipc(local)]
            pub fn activity_log_summary(&self) -> activity_log::ActivitySummary {
                let now = self.db.now();
                self.db.read(|c| activity_log::summary(c, &self.user_id(), now))
            }
            /// Records that the user opened a page (nothing while the log is off).
            #[ipc(local)]
            pub fn activity_log_page_opened(&self, page: activity_log::AppPage) -> () {
                activity_log::page_opened(&self.db, &self.user_id(), page)
            }
            /// Turns the activity log on or off; answers the summary.
            #[ipc(local)]
            pub fn activity_log_set_enabled(&self, enabled: bool) -> activity_log::ActivitySummary {
                activity_log::set_enabled(&self.db, &self.user_id(), enabled)?;
                self.activity_log_summary()
            }
            /// Deletes the whole activity history; answers how many entries.
            #[ipc(local)]
            pub fn activity_log_clear(&self) -> i64 {
                activity_log::clear(&self.db, &self.user_id())
            }

            #[ipc(local)]
            pub fn settings_update(&self, patch: settings::SettingsPatch) -> settings::UserSettings {
                settings::update(&self.db, &self.user_id(), patch)
            }
            #[ipc(local)]
            pub fn layout_update(&self, layout: layout::DashboardLayout) -> layout::DashboardLayout {
                layout::update(&self.db, &self.user_id(), layout)
            }
        } } $($next)* }
    };
}
crate::app_commands!(commands ! {});

// The facade's older names of three commands, kept for the CLI and the tests.
impl Studydesk {
    pub fn state(&self) -> Result<AppState> {
        self.app_state()
    }
    pub fn complete_onboarding(&self, choice: profile::OnboardingChoice) -> Result<AppState> {
        self.onboarding_complete(choice)
    }
    pub fn home(&self) -> Result<HomeData> {
        self.home_get()
    }
}
