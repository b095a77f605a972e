//! The insights room of the facade: dashboards, their widgets, what each widget shows
//! (a built-in metric, the user's SQL, a data model or a data source) and the metric
//! catalog. Every write is one transaction; every read for a widget runs off the IPC thread
//! on a read-only connection (mode `query`).

use crate::commands;
use super::Bytes;
use crate::insights::{dashboards, metrics, my_study, picture_export, results, widget_data, widgets};

#[macro_export]
#[doc(hidden)]
macro_rules! insights_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { insights;
            /// My dashboards in my order ("My study" is made the first time).
            #[ipc(local)]
            pub fn dashboards_list(&self) -> Vec<dashboards::DashboardEntry> {
                my_study::ensure(&self.db, &self.user_id())?;
                self.db.read(|c| dashboards::list(c, &self.user_id()))
            }
            /// A dashboard I may read (mine, shared with me, or public) with its widgets and
            /// what I may do with it.
            #[ipc(local)]
            pub fn dashboard_get(&self, id: String) -> dashboards::DashboardView {
                self.db.read(|c| dashboards::open(c, &self.user_id(), &id))
            }
            /// Makes my dashboard public (every account on my sync server may read it, none
            /// may change it) or private again.
            #[ipc(local)]
            pub fn dashboard_set_public(&self, id: String, is_public: bool) -> dashboards::DashboardView {
                dashboards::set_public(&self.db, &self.user_id(), &id, is_public)
            }
            /// A new, empty dashboard at the end of my list (`edit.name` required, at most
            /// 255 characters; description at most 2,000).
            #[ipc(local)]
            pub fn dashboard_create(&self, edit: dashboards::DashboardEdit) -> dashboards::DashboardView {
                dashboards::create(&self.db, &self.user_id(), &edit)
            }
            /// Renames, describes, or sets the date range and refresh of a dashboard.
            #[ipc(local)]
            pub fn dashboard_update(&self, id: String, edit: dashboards::DashboardEdit) -> dashboards::DashboardView {
                dashboards::update(&self.db, &self.user_id(), &id, &edit)
            }
            /// A copy of a dashboard and its widgets, right after it.
            #[ipc(local)]
            pub fn dashboard_duplicate(&self, id: String, name: Option<String>) -> dashboards::DashboardView {
                dashboards::duplicate(&self.db, &self.user_id(), &id, name.as_deref())
            }
            /// Deletes a dashboard and its widgets.
            #[ipc(local)]
            pub fn dashboard_delete(&self, id: String) -> () {
                dashboards::delete(&self.db, &self.user_id(), &id)
            }
            /// Puts my dashboards in this order (each exactly once).
            #[ipc(local)]
            pub fn dashboard_reorder(&self, ids: Vec<String>) -> Vec<dashboards::DashboardEntry> {
                dashboards::reorder(&self.db, &self.user_id(), &ids)
            }
            /// Adds a widget to a dashboard (below the others unless placed).
            #[ipc(local)]
            pub fn insights_widget_add(&self, dashboard_id: String, draft: widgets::WidgetDraft) -> widgets::DashboardWidget {
                widgets::add(&self.db, &self.user_id(), &dashboard_id, &draft)
            }
            /// Changes a widget: type, what it shows, title, columns, place.
            #[ipc(local)]
            pub fn insights_widget_update(&self, id: String, draft: widgets::WidgetDraft) -> widgets::DashboardWidget {
                widgets::update(&self.db, &self.user_id(), &id, &draft)
            }
            /// Moves and resizes widgets of a dashboard at once; answers all its widgets.
            #[ipc(local)]
            pub fn insights_widget_positions_save(&self, dashboard_id: String, places: Vec<widgets::WidgetPlacement>) -> Vec<widgets::DashboardWidget> {
                widgets::save_positions(&self.db, &self.user_id(), &dashboard_id, &places)
            }
            /// Deletes a widget.
            #[ipc(local)]
            pub fn insights_widget_delete(&self, id: String) -> () {
                widgets::delete(&self.db, &self.user_id(), &id)
            }
            /// What a widget shows for its dashboard's date range, read on a read-only
            /// connection off the IPC thread; `max_points` (50 to 5,000, else 1,000): about the
            /// chart's width, a longer line is thinned to it. A widget of another account's
            /// dashboard answers its owner's cached result, with `as_of`.
            #[ipc(query)]
            pub fn insights_widget_data(&self, id: String, max_points: Option<i64>) -> widget_data::WidgetData {
                self.widget_data(&id, max_points)
            }
            /// Reads my first dashboard's widgets ahead, off the IPC thread, for a window
            /// `window_width` pixels wide (100 to 20,000), so opening Insights finds their
            /// answers ready while nothing changed (the UI asks when it is idle after start);
            /// answers how many widgets were read.
            #[ipc(query)]
            pub fn insights_warm(&self, window_width: i64) -> usize {
                crate::validate::range("window_width", window_width, 100, 20_000)?;
                self.insights_warm_first(window_width)
            }
            /// Stores a picture for an image widget (checked by content, at most 20 MiB);
            /// answers the reference to put in its config.
            #[ipc(raw)]
            pub fn insights_image_add(&self, bytes: Bytes, file_name: Option<String>) -> widgets::WidgetImage {
                widgets::add_image(&self.db, &self.data_dir, &self.user_id(), file_name.as_deref(), bytes)
            }
            /// Only in an export run (`studydesk --export-dashboard`): one chart's picture, a
            /// PNG the window drew, written into the export folder; answers the file's name.
            #[ipc(raw)]
            pub fn dashboard_picture_save(&self, bytes: Bytes, widget_id: String) -> String {
                let export = self.picture_export()?;
                let widget = self.db.read(|c| widgets::get(c, &self.user_id(), &widget_id))?;
                export.save(&widget, &bytes)
            }
            /// Only in an export run: the window has drawn every chart it could; `failed`
            /// names the others and why. The app then reports and quits.
            #[ipc(local)]
            pub fn dashboard_picture_finish(&self, failed: Vec<picture_export::PictureFailure>) -> () {
                let export = self.picture_export()?;
                let view = self.db.read(|c| dashboards::get(c, &self.user_id(), export.dashboard_id()))?;
                export.finish(&view.widgets, &failed)
            }
            /// The built-in metrics a widget can show without SQL.
            #[ipc(local)]
            pub fn insights_metric_catalog(&self) -> Vec<metrics::MetricInfo> {
                Ok(metrics::catalog())
            }
        } } $($next)* }
    };
}
crate::insights_commands!(commands ! {});

impl super::Studydesk {
    /// Makes this run an export of `dashboard_id`'s charts into `dir` (the shell, for
    /// `--export-dashboard`; once per run). The dashboard must be mine.
    pub fn picture_export_start(&self, dashboard_id: &str, dir: &std::path::Path) -> crate::Result<()> {
        self.db.read(|c| dashboards::get(c, &self.user_id(), dashboard_id))?;
        let export = picture_export::PictureExport::new(dashboard_id, dir)?;
        self.picture_export.set(export).map_err(|_| crate::CoreError::validation("an export is already running"))
    }

    /// What the export run did so far (`None` outside an export run).
    pub fn picture_export_report(&self) -> Option<picture_export::PictureReport> {
        self.picture_export.get().map(picture_export::PictureExport::report)
    }

    fn picture_export(&self) -> crate::Result<&picture_export::PictureExport> {
        self.picture_export.get().ok_or_else(|| crate::CoreError::validation("pictures are written only when Studydesk was started to export a dashboard"))
    }

    /// What widget `id` shows: computed when its dashboard is mine (and remembered for
    /// the accounts it travels to, `insights::results`), else the owner's cached result.
    pub(super) fn widget_data(&self, id: &str, max_points: Option<i64>) -> crate::Result<widget_data::WidgetData> {
        let me = self.user_id();
        if !self.db.read(|c| results::computes(c, &me, id))? {
            return self.db.read(|c| results::cached(c, &me, id));
        }
        let data = widget_data::read(&self.db, self.sandbox(), Some(&self.widget_cache), &me, id, max_points);
        if let Err(e) = results::remember(&self.db, &me, id, data.as_ref()) {
            tracing::warn!(error = %e, "a shared widget's result could not be stored");
        }
        data
    }

    /// Computes the widgets of my shared or public dashboards whose travelling result is
    /// missing or stale (`all`: every one of them, after a data source refresh; a result
    /// that did not change is not written again); answers how many widgets it read. A
    /// widget that fails has its error stored for the grantees instead.
    pub fn shared_results_refresh(&self, all: bool) -> crate::Result<usize> {
        let me = self.user_id();
        let now = self.db.now();
        let ids = self.db.read(|c| if all { results::travelling_widgets(c, &me) } else { results::due_widgets(c, &me, now) })?;
        for id in &ids {
            // The read remembers the result (or the widget's error).
            let _ = self.widget_data(id, None);
        }
        Ok(ids.len())
    }

    /// Reads the first dashboard's widgets as a window `window_width` pixels wide draws them
    /// (`insights_warm`), keeping their built-in metric answers; answers how many widgets
    /// were read. A widget that fails is left for the page to read and show.
    pub fn insights_warm_first(&self, window_width: i64) -> crate::Result<usize> {
        let me = self.user_id();
        let Some(first) = self.db.read(|c| dashboards::list(c, &me))?.into_iter().next() else { return Ok(0) };
        let view = self.db.read(|c| dashboards::get(c, &me, &first.row.id))?;
        let mut read = 0;
        for w in view.widgets.iter().filter(|w| !matches!(w.config.source, widgets::WidgetSource::None)) {
            let points = widget_data::points_for_width(window_width, w.position.w);
            if self.widget_data(&w.row.id, Some(points)).is_ok() {
                read += 1;
            }
        }
        Ok(read)
    }
}
