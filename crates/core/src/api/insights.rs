//! The insights room of the facade: dashboards, their widgets, what each widget shows
//! (a built-in metric, the user's SQL, a data model or a data source) and the metric
//! catalog. Every write is one transaction; every read for a widget runs off the IPC thread
//! on a read-only connection (mode `query`).

use crate::commands;

#[macro_export]
#[doc(hidden)]
macro_rules! insights_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { insights;
        } } $($next)* }
    };
}
crate::insights_commands!(commands ! {});
