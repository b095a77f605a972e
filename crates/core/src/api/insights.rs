//! The insights room of the facade: dashboards, their widgets, what each widget shows
//! (a built-in metric, the user's SQL, a data model or a data source) and the metric
//! catalog. Every write is one transaction; every read for a widget runs off the IPC thread
//! on a read-only connection (mode `query`).

use crate::commands;
use crate::insights::{dashboards, widgets};

#[macro_export]
#[doc(hidden)]
macro_rules! insights_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { insights;
            /// My dashboards in my order.
            #[ipc(local)]
            pub fn dashboards_list(&self) -> Vec<dashboards::DashboardEntry> {
                self.db.read(|c| dashboards::list(c, &self.user_id()))
            }
            /// One of my dashboards with its widgets.
            #[ipc(local)]
            pub fn dashboard_get(&self, id: String) -> dashboards::DashboardView {
                self.db.read(|c| dashboards::get(c, &self.user_id(), &id))
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
            pub fn insights_widget_add(&self, dashboard_id: String, draft: widgets::WidgetDraft) -> widgets::Widget {
                widgets::add(&self.db, &self.user_id(), &dashboard_id, &draft)
            }
            /// Changes a widget: type, what it shows, title, columns, place.
            #[ipc(local)]
            pub fn insights_widget_update(&self, id: String, draft: widgets::WidgetDraft) -> widgets::Widget {
                widgets::update(&self.db, &self.user_id(), &id, &draft)
            }
            /// Moves and resizes widgets of a dashboard at once; answers all its widgets.
            #[ipc(local)]
            pub fn insights_widget_positions_save(&self, dashboard_id: String, places: Vec<widgets::WidgetPlace>) -> Vec<widgets::Widget> {
                widgets::save_positions(&self.db, &self.user_id(), &dashboard_id, &places)
            }
            /// Deletes a widget.
            #[ipc(local)]
            pub fn insights_widget_delete(&self, id: String) -> () {
                widgets::delete(&self.db, &self.user_id(), &id)
            }
        } } $($next)* }
    };
}
crate::insights_commands!(commands ! {});
