//! The reports room of the facade (issue 16 item 2): my scheduled reports of a dashboard
//! as PDF, Excel or CSV, created, edited, turned on and off, deleted and run now; and the
//! scheduled turn the background runs. See `insights::reports` for the rules.

use crate::commands;
use crate::insights::reports::{self, run, schedule};

#[macro_export]
#[doc(hidden)]
macro_rules! insights_reports_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { insights_reports;
            /// My reports by name, each with its next run, last run and last error.
            #[ipc(local)]
            pub fn report_list(&self) -> Vec<reports::Report> {
                self.db.read(|c| reports::list(c, &self.user_id()))
            }
            /// A new report, on unless the draft says off (refused whole, in words: no name,
            /// a schedule such as day 30 of every month, a folder that is a file or not a full
            /// path, a widget of another dashboard, a recipient that is not an e-mail address).
            #[ipc(local)]
            pub fn report_create(&self, draft: reports::ReportDraft) -> reports::Report {
                reports::create(&self.db, &self.user_id(), &draft)
            }
            /// Replaces my report; its next run is computed again from now.
            #[ipc(local)]
            pub fn report_update(&self, id: String, draft: reports::ReportDraft) -> reports::Report {
                reports::update(&self.db, &self.user_id(), &id, &draft)
            }
            /// Turns my report on (next run from now; missed ones are not caught up) or off.
            #[ipc(local)]
            pub fn report_set_active(&self, id: String, active: bool) -> reports::Report {
                reports::set_active(&self.db, &self.user_id(), &id, active)
            }
            /// Deletes my report (files already written stay).
            #[ipc(local)]
            pub fn report_delete(&self, id: String) -> () {
                reports::delete(&self.db, &self.user_id(), &id)
            }
            /// "Run now": renders my report into its folder (off the IPC thread; the
            /// schedule stays); answers the file written, or why not in words.
            #[ipc(query)]
            pub fn report_run_now(&self, id: String) -> run::ReportRun {
                self.report_run(&id, None)
            }
            /// When a schedule would next run after now, in my time zone (the form's preview).
            #[ipc(local)]
            pub fn report_next_run(&self, schedule: schedule::Schedule) -> Option<String> {
                let s = schedule.check()?;
                let tz = self.db.read(|c| crate::account::settings::timezone(c, &self.user_id()))?;
                Ok(schedule::next_after(&s, tz, self.db.now()).map(crate::db::timestamp_text))
            }
        } } $($next)* }
    };
}
crate::insights_reports_commands!(commands ! {});

impl super::Studydesk {
    /// Renders my report now into its folder, or `out` (the CLI's `report run ID --out DIR`).
    pub fn report_run(&self, id: &str, out: Option<&std::path::Path>) -> crate::Result<run::ReportRun> {
        let read = |w: &crate::insights::widgets::DashboardWidget| self.widget_data(&w.row.id, Some(crate::insights::widget_data::POINTS_MAX));
        run::run_now(&self.db, &self.user_id(), id, out, &read)
    }

    /// The background turn's part: runs every due report once (claimed exactly once across
    /// processes; a run missed while the computer was off runs once).
    pub fn reports_run_due(&self) -> crate::Result<Vec<run::ReportRun>> {
        let read = |w: &crate::insights::widgets::DashboardWidget| self.widget_data(&w.row.id, Some(crate::insights::widget_data::POINTS_MAX));
        run::run_due(&self.db, &self.user_id(), &read)
    }
}
