//! The immerse room of the facade: workspaces, their widgets and backgrounds.

use crate::commands;
use super::{Bytes, Studydesk};
use crate::focus::immerse;
use crate::Result;
use std::path::Path;

#[macro_export]
#[doc(hidden)]
macro_rules! immerse_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { immerse;
            #[ipc(local)]
            pub fn workspace_list(&self) -> Vec<immerse::Workspace> {
                immerse::list(&self.db, &self.data_dir, &self.user_id())
            }
            #[ipc(local)]
            pub fn workspace_add(&self, name: String) -> immerse::Workspace {
                immerse::add(&self.db, &self.data_dir, &self.user_id(), &name)
            }
            #[ipc(local)]
            pub fn workspace_rename(&self, id: String, name: String) -> immerse::Workspace {
                immerse::rename(&self.db, &self.data_dir, &self.user_id(), &id, &name)
            }
            #[ipc(local)]
            pub fn workspace_delete(&self, id: String) -> () {
                immerse::delete(&self.db, &self.user_id(), &id)
            }
            #[ipc(local)]
            pub fn widget_add(&self, workspace_id: String, kind: String) -> immerse::Workspace {
                immerse::widget_add(&self.db, &self.data_dir, &self.user_id(), &workspace_id, &kind)
            }
            #[ipc(local)]
            pub fn widget_remove(&self, id: String) -> immerse::Workspace {
                immerse::widget_remove(&self.db, &self.data_dir, &self.user_id(), &id)
            }
            #[ipc(local)]
            pub fn widget_update(&self, id: String, title: Option<String>, settings: serde_json::Value) -> immerse::Workspace {
                immerse::widget_update(&self.db, &self.data_dir, &self.user_id(), &id, title.as_deref(), settings)
            }
            #[ipc(local)]
            pub fn widget_layout(&self, workspace_id: String, places: Vec<immerse::WidgetPlace>) -> immerse::Workspace {
                immerse::widget_layout(&self.db, &self.data_dir, &self.user_id(), &workspace_id, &places)
            }
            #[ipc(local)]
            pub fn workspace_set_background_color(&self, id: String, color: String) -> immerse::Workspace {
                immerse::set_background_color(&self.db, &self.data_dir, &self.user_id(), &id, &color)
            }
            /// Background from a file's bytes (the UI read the file); `file_name` for the
            /// type fallback and the attachment's original name.
            #[ipc(raw)]
            pub fn workspace_set_background_file(&self, bytes: Bytes, workspace_id: String, file_name: Option<String>) -> immerse::Workspace {
                immerse::set_background_bytes(&self.db, &self.data_dir, &self.user_id(), &workspace_id, file_name.as_deref(), bytes)
            }
        } } $($next)* }
    };
}
crate::immerse_commands!(commands ! {});

impl Studydesk {
    /// Background from a file on disk (copied into the data folder).
    pub fn workspace_set_background_path(&self, id: &str, path: &Path) -> Result<immerse::Workspace> {
        immerse::set_background_path(&self.db, &self.data_dir, &self.user_id(), id, path)
    }
}
