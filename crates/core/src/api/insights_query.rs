//! The query sandbox room of the facade: the user's own SQL over their data, on a
//! read-only connection that can only read (`insights::sandbox`), cancellable, with the
//! schema listed for the editor.

use crate::commands;

#[macro_export]
#[doc(hidden)]
macro_rules! insights_query_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { insights_query;
        } } $($next)* }
    };
}
crate::insights_query_commands!(commands ! {});
