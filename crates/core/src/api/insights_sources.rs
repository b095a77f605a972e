//! The data sources room of the facade: CSV files imported into the sources cache (and
//! later PostgreSQL, MySQL and REST API sources), listed, re-imported and deleted.

use crate::commands;

#[macro_export]
#[doc(hidden)]
macro_rules! insights_sources_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { insights_sources;
        } } $($next)* }
    };
}
crate::insights_sources_commands!(commands ! {});
