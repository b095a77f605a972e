//! The query sandbox room of the facade: the user's own SQL over their data, on a
//! read-only connection that can only read (`insights::sandbox`), cancellable, with the
//! schema listed for the editor.

use super::Studydesk;
use crate::commands;
use crate::insights::{sandbox, table};

#[macro_export]
#[doc(hidden)]
macro_rules! insights_query_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { insights_query;
            /// Runs the user's SQL (one SELECT, WITH or VALUES statement; not blank, at most
            /// 100,000 characters) over their data (`main`) and imported sources (`sources`),
            /// on a read-only connection: at most 10,000 rows and about 8 MiB (`truncated`
            /// when cut), stopped after 5 seconds. `query_id` names it for
            /// `insights_query_cancel`. A refusal or an error in the SQL rejects with kind
            /// `query` (its reason and position in `params`).
            #[ipc(query)]
            pub fn insights_query(&self, sql: String, query_id: Option<String>) -> table::Table {
                self.sandbox().query(&sql, query_id.as_deref())
            }
            /// Stops the running query `query_id` (it rejects with kind `query`, reason
            /// `cancelled`); nothing happens when it already ended.
            #[ipc(local)]
            pub fn insights_query_cancel(&self, query_id: String) -> () {
                self.sandbox().cancel(&query_id);
                Ok(())
            }
            /// The tables and views the SQL editor lists: the user's data, then the imported
            /// sources, each with its columns (secret ones marked: they read as NULL).
            #[ipc(query)]
            pub fn insights_schema(&self) -> Vec<sandbox::SandboxTable> {
                self.sandbox().schema()
            }
        } } $($next)* }
    };
}
crate::insights_query_commands!(commands ! {});

impl Studydesk {
    /// The SQL sandbox over this data folder, made at its first use.
    pub(crate) fn sandbox(&self) -> &sandbox::Sandbox {
        self.sandbox.get_or_init(|| sandbox::Sandbox::new(&self.data_dir))
    }
}
