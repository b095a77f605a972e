//! How a command is declared once (issue 19): [`commands!`](crate::commands) in a room's
//! facade file (`api/<room>.rs`) turns each declaration into
//!
//! - the facade method on [`Studydesk`](super::Studydesk) (what the CLI and the tests call;
//!   each argument accepts anything [`IntoArg`] turns into its declared type, so `&str`
//!   works where the command takes a `String`);
//! - `cmd::<name>`: the argument and result types by name (`cmd::<name>::<arg>::T`,
//!   `cmd::<name>::__ret::T`) and `cmd::<name>::__ret::check`, the check the shell runs
//!   on the calling thread before anything else (`check = path` in the declaration);
//! - through the room's list macro (`<room>_commands!`, chained with the others by
//!   [`for_each_command!`](crate::for_each_command)), the same declarations for any
//!   callback: the shell generates its `#[tauri::command]` functions and
//!   `generate_handler!` from them; the test `api::typescript` writes
//!   `ui/src/api/commands.ts` and `ui/src/api/limits.ts`.
//!
//! The mode says how the shell runs the command: `local` (a database call on the IPC
//! thread), `server` (talks to the sync server: on a blocking thread, then the shell
//! emits `sync-changed`), `folder` (works on the data folder's files, without an opened
//! database, so a damaged file can still be examined and replaced: a method of
//! [`Folder`](super::Folder), which the shell makes from its data folder whether or not the
//! database opened) or `raw` (a local command whose first argument, of type
//! [`Bytes`](super::Bytes), is a file's bytes sent as the raw request body, not JSON; its
//! other arguments travel as `x-<name>` headers, URI-encoded; the facade method takes the
//! bytes last, as `&[u8]`).

/// Turns a caller's argument into the type a command declares (borrowed text, slices and
/// references are copied; everything else passes through).
pub trait IntoArg<T> {
    fn into_arg(self) -> T;
}

impl<T> IntoArg<T> for T {
    fn into_arg(self) -> T {
        self
    }
}

impl<T: Clone> IntoArg<T> for &T {
    fn into_arg(self) -> T {
        self.clone()
    }
}

impl IntoArg<String> for &str {
    fn into_arg(self) -> String {
        self.to_string()
    }
}

impl IntoArg<Option<String>> for Option<&str> {
    fn into_arg(self) -> Option<String> {
        self.map(str::to_string)
    }
}

impl IntoArg<Option<String>> for Option<&String> {
    fn into_arg(self) -> Option<String> {
        self.cloned()
    }
}

impl IntoArg<Option<i64>> for i64 {
    fn into_arg(self) -> Option<i64> {
        Some(self)
    }
}

impl<T: Clone> IntoArg<Vec<T>> for &[T] {
    fn into_arg(self) -> Vec<T> {
        self.to_vec()
    }
}

impl<T: Clone, const N: usize> IntoArg<Vec<T>> for &[T; N] {
    fn into_arg(self) -> Vec<T> {
        self.to_vec()
    }
}

/// Generates a room's facade methods and `cmd` types from its declarations. Each room
/// file writes its declarations once, inside its list macro, and expands them here:
///
/// ```ignore
/// #[macro_export]
/// #[doc(hidden)]
/// macro_rules! planner_commands {
///     ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
///         $crate::__command_chain! { $cb ! { $($acc)* { planner;
///             /// Adds a task at the end of its list.
///             #[ipc(local)]
///             pub fn task_add(&self, input: tasks::NewTask) -> tasks::Task {
///                 tasks::add_task(&self.db, &self.user_id(), input)
///             }
///         } } $($next)* }
///     };
/// }
/// crate::planner_commands!(commands ! {});
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! commands {
    ($( { $room:ident;
        $( $(#[doc = $doc:literal])*
           #[ipc($mode:ident $(, check = $check:path)?)]
           pub fn $name:ident(&$self:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty $body:block
        )*
    } )*) => { $(
        $(
            $crate::__facade_method! { $mode; [$(#[doc = $doc])*] $name(&$self $(, $arg: $ty)*) -> $ret $body }
        )*

        /// The argument and result types of this room's commands, by name (see `api::declare`).
        #[allow(non_camel_case_types, non_snake_case, dead_code)]
        pub mod cmd {
            $(
                pub mod $name {
                    $(
                        pub mod $arg {
                            #[allow(unused_imports)]
                            use super::super::super::*;
                            pub type T = $ty;
                        }
                    )*
                    pub mod __ret {
                        #[allow(unused_imports)]
                        use super::super::super::*;
                        pub type T = $ret;
                        /// Runs on the shell's calling thread before the command.
                        #[allow(unused_variables)]
                        pub fn check($($arg: &$ty),*) -> $crate::Result<()> {
                            $crate::__command_check!(($($arg),*) $($check)?)
                        }
                    }
                }
            )*
        }
    )* };
}

/// One facade method. A `raw` command's first argument is the request body: the method
/// takes it last, as `&[u8]` (a file's bytes are never copied on the way in), and the
/// other arguments come first, as for any command.
#[macro_export]
#[doc(hidden)]
macro_rules! __facade_method {
    (raw; [$($doc:tt)*] $name:ident(&$self:ident, $bytes:ident : $bytes_ty:ty $(, $arg:ident : $ty:ty)*) -> $ret:ty $body:block) => {
        impl $crate::api::Studydesk {
            $($doc)*
            pub fn $name(&$self $(, $arg: impl $crate::api::IntoArg<$ty>)*, $bytes: &[u8]) -> $crate::Result<$ret> {
                $( let $arg: $ty = $crate::api::IntoArg::into_arg($arg); )*
                $body
            }
        }
    };
    // A `folder` command is a method of `Folder` (it runs without an opened database) and,
    // for the CLI and the tests, of `Studydesk` too.
    (folder; [$($doc:tt)*] $name:ident(&$self:ident $(, $arg:ident : $ty:ty)*) -> $ret:ty $body:block) => {
        impl $crate::api::Folder {
            $($doc)*
            pub fn $name(&$self $(, $arg: impl $crate::api::IntoArg<$ty>)*) -> $crate::Result<$ret> {
                $( let $arg: $ty = $crate::api::IntoArg::into_arg($arg); )*
                $body
            }
        }
        impl $crate::api::Studydesk {
            $($doc)*
            pub fn $name(&self $(, $arg: impl $crate::api::IntoArg<$ty>)*) -> $crate::Result<$ret> {
                self.folder().$name($($arg),*)
            }
        }
    };
    ($mode:ident; [$($doc:tt)*] $name:ident(&$self:ident $(, $arg:ident : $ty:ty)*) -> $ret:ty $body:block) => {
        impl $crate::api::Studydesk {
            $($doc)*
            pub fn $name(&$self $(, $arg: impl $crate::api::IntoArg<$ty>)*) -> $crate::Result<$ret> {
                $( let $arg: $ty = $crate::api::IntoArg::into_arg($arg); )*
                $body
            }
        }
    };
}

#[macro_export]
#[doc(hidden)]
macro_rules! __command_check {
    (($($arg:ident),*)) => {
        Ok(())
    };
    (($($arg:ident),*) $check:path) => {
        $check($($arg),*)
    };
}

/// Appends the next room's declarations to the accumulated ones, or hands them all to the
/// callback when no room is left.
#[macro_export]
#[doc(hidden)]
macro_rules! __command_chain {
    ($cb:ident ! { $($acc:tt)* } $next:ident $($rest:ident)*) => {
        $crate::$next! { $cb ! { $($acc)* } $($rest)* }
    };
    ($cb:ident ! { $($acc:tt)* }) => {
        $cb! { $($acc)* }
    };
}
