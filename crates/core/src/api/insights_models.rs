//! The data models room of the facade: my models (tables, joins and calculated fields,
//! `insights::models`) listed, saved, deleted, previewed and run in the SQL sandbox.

use crate::commands;
use crate::insights::models;
use crate::insights::table::Table;

#[macro_export]
#[doc(hidden)]
macro_rules! insights_models_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { insights_models;
            /// My data models by name.
            #[ipc(local)]
            pub fn model_list(&self) -> Vec<models::DataModel> {
                self.db.read(|c| models::list(c, &self.user_id()))
            }
            /// One of my data models.
            #[ipc(local)]
            pub fn model_get(&self, id: String) -> models::DataModel {
                self.db.read(|c| models::get(c, &self.user_id(), &id))
            }
            /// Creates a model (`id` none) or replaces my model `id` with `draft`. Refused
            /// whole, naming the field at fault, when a table or column is unknown, secret
            /// or Studydesk's own, a name is not `[a-z_][a-z0-9_]*`, or a limit is passed
            /// (10 tables, 20 joins, 50 fields).
            #[ipc(local)]
            pub fn model_save(&self, id: Option<String>, draft: models::ModelDraft) -> models::DataModel {
                match id {
                    Some(id) => models::update(&self.db, &self.user_id(), &id, &draft),
                    None => models::create(&self.db, &self.user_id(), &draft),
                }
            }
            /// Deletes my model (widgets over it then say so).
            #[ipc(local)]
            pub fn model_delete(&self, id: String) -> () {
                models::delete(&self.db, &self.user_id(), &id)
            }
            /// Compiles `draft` and runs it in the SQL sandbox without saving it.
            #[ipc(query)]
            pub fn model_preview(&self, draft: models::ModelDraft) -> Table {
                models::preview(&self.db, self.sandbox(), &self.user_id(), &draft)
            }
            /// Compiles my model `id` and runs it in the SQL sandbox.
            #[ipc(query)]
            pub fn model_run(&self, id: String) -> Table {
                models::run(&self.db, self.sandbox(), &self.user_id(), &id)
            }
        } } $($next)* }
    };
}
crate::insights_models_commands!(commands ! {});
