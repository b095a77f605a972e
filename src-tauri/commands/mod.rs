//! IPC commands, generated from the core's declarations (`studydesk_core::api`, one per
//! command, see `studydesk_core::api::declare`): for each, a `#[tauri::command]` that
//! deserializes the arguments, runs the declaration's check, calls the facade method and
//! maps the error to `ApiError`, and its entry in `generate_handler!`. No logic lives
//! here; the core validates everything. How a command runs depends on its mode:
//!
//! - `local`: a database call, on the IPC thread;
//! - `server`: talks to the sync server, so it runs on a blocking thread (the core's HTTP
//!   client is synchronous and the UI stays responsive); afterwards the shell emits
//!   `sync-changed`, as the background worker does after its rounds, so every open view
//!   refetches.
//!
//! - `remote`: asks the sync server without changing anything here (e.g. whether a
//!   username is free): on a blocking thread like `server`, but nothing to refetch, so no
//!   `sync-changed`;
//! - `query`: reads the user's data for Insights on the core's read-only connections (a
//!   widget's metric, the user's SQL in the sandbox): on a blocking thread, so a slow query
//!   never holds the IPC thread or the write path;
//! - `raw`: a local command whose bytes come as the raw IPC body (a file: no JSON array of
//!   numbers) and whose other arguments come as `x-<name>` headers (`raw_body` reads
//!   them).

pub mod background;
mod raw_body;

use crate::Backend;
use studydesk_core::api::Studydesk;
use studydesk_core::error::ApiError;
use tauri::{AppHandle, Emitter, Manager, Runtime};

type Reply<T> = Result<T, ApiError>;

/// The facade (with this machine's effects installed, once), or why it could not open.
fn facade<'b, R: Runtime>(app: &AppHandle<R>, backend: &'b Backend) -> Result<&'b Studydesk, ApiError> {
    let s = backend.get()?;
    s.install_effects(|| Box::new(background::ShellEffects { app: app.clone(), data_dir: s.data_dir().to_path_buf() }));
    Ok(s)
}

fn call<R: Runtime, T>(
    app: &AppHandle<R>,
    backend: &Backend,
    f: impl FnOnce(&Studydesk) -> studydesk_core::Result<T>,
) -> Reply<T> {
    f(facade(app, backend)?).map_err(ApiError::from)
}

/// Runs `f` on a blocking thread with the facade, then tells the UI that data may have changed.
async fn off_thread<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&Studydesk) -> studydesk_core::Result<T> + Send + 'static,
) -> Reply<T> {
    let handle = app.clone();
    let result = tauri::async_runtime::spawn_blocking(move || call(&handle, &handle.state::<Backend>(), f))
        .await
        .map_err(|e| ApiError::internal(format!("sync stopped unexpectedly: {e}")))?;
    if let Err(e) = app.emit(crate::sync_worker::EVENT, ()) {
        tracing::debug!(error = %e, "could not emit {}", crate::sync_worker::EVENT);
    }
    result
}

/// Runs `f` on a blocking thread with the facade (a read that may wait on the network).
async fn off_thread_quiet<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&Studydesk) -> studydesk_core::Result<T> + Send + 'static,
) -> Reply<T> {
    tauri::async_runtime::spawn_blocking(move || call(&app, &app.state::<Backend>(), f))
        .await
        .map_err(|e| ApiError::internal(format!("the request stopped unexpectedly: {e}")))?
}

/// A `folder` command: on a blocking thread (it copies and checks whole files), with the
/// data folder whether or not the database opened. When it leaves a restore pending, the
/// app restarts at once to apply it before anything opens the database again.
async fn on_folder<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&studydesk_core::api::Folder) -> studydesk_core::Result<T> + Send + 'static,
) -> Reply<T> {
    let handle = app.clone();
    let (result, restart) = tauri::async_runtime::spawn_blocking(move || {
        let backend = handle.state::<Backend>();
        let folder = backend.folder()?;
        let result = f(folder).map_err(ApiError::from);
        Ok::<_, ApiError>((result, studydesk_core::db::backup::restore_pending(folder.data_dir())))
    })
    .await
    .map_err(|e| ApiError::internal(format!("the request stopped unexpectedly: {e}")))??;
    if restart && result.is_ok() {
        tracing::info!("a restore is pending: restarting to apply it");
        crate::restart(&app);
    }
    result
}

/// The body of a generated command, by mode.
macro_rules! run {
    (folder, $app:ident, $b:ident, $room:ident, $name:ident, ($($arg:ident),*)) => {{
        let _ = $b;
        studydesk_core::api::$room::cmd::$name::__ret::check($(&$arg),*)?;
        on_folder($app, move |f| f.$name($($arg),*)).await
    }};
    (local, $app:ident, $b:ident, $room:ident, $name:ident, ($($arg:ident),*)) => {
        call(&$app, &$b, |s| s.$name($($arg),*))
    };
    (server, $app:ident, $b:ident, $room:ident, $name:ident, ($($arg:ident),*)) => {{
        let _ = $b;
        studydesk_core::api::$room::cmd::$name::__ret::check($(&$arg),*)?;
        off_thread($app, move |s| s.$name($($arg),*)).await
    }};
    (remote, $app:ident, $b:ident, $room:ident, $name:ident, ($($arg:ident),*)) => {
        run!(quiet, $app, $b, $room, $name, ($($arg),*))
    };
    (query, $app:ident, $b:ident, $room:ident, $name:ident, ($($arg:ident),*)) => {
        run!(quiet, $app, $b, $room, $name, ($($arg),*))
    };
    (quiet, $app:ident, $b:ident, $room:ident, $name:ident, ($($arg:ident),*)) => {{
        let _ = $b;
        studydesk_core::api::$room::cmd::$name::__ret::check($(&$arg),*)?;
        off_thread_quiet($app, move |s| s.$name($($arg),*)).await
    }};
}

/// One generated command, by mode: `raw` reads the bytes from the request body and the
/// other arguments from its `x-<name>` headers; the others deserialize their arguments.
macro_rules! command_fn {
    (raw, $room:ident, $name:ident, [$($doc:tt)*], $bytes:ident $(, $arg:ident)*) => {
        $($doc)*
        #[tauri::command(rename_all = "snake_case")]
        pub async fn $name<R: Runtime>(
            app: AppHandle<R>,
            b: tauri::State<'_, Backend>,
            request: tauri::ipc::Request<'_>,
        ) -> Reply<studydesk_core::api::$room::cmd::$name::__ret::T> {
            let $bytes = raw_body::bytes(&request)?;
            $( let $arg: studydesk_core::api::$room::cmd::$name::$arg::T = raw_body::header(&request, stringify!($arg))?; )*
            call(&app, &b, |s| s.$name($($arg,)* $bytes))
        }
    };
    ($mode:ident, $room:ident, $name:ident, [$($doc:tt)*] $(, $arg:ident)*) => {
        $($doc)*
        #[tauri::command(rename_all = "snake_case")]
        pub async fn $name<R: Runtime>(
            app: AppHandle<R>,
            b: tauri::State<'_, Backend>,
            $($arg: studydesk_core::api::$room::cmd::$name::$arg::T),*
        ) -> Reply<studydesk_core::api::$room::cmd::$name::__ret::T> {
            run!($mode, app, b, $room, $name, ($($arg),*))
        }
    };
}

/// The callback of `studydesk_core::for_each_command!`: every command and the handler.
macro_rules! tauri_commands {
    ($( { $room:ident;
        $( $(#[doc = $doc:literal])*
           #[ipc($mode:ident $(, check = $check:path)?)]
           pub fn $name:ident(&$self:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty $body:block
        )*
    } )*) => {
        $( $(
            command_fn!($mode, $room, $name, [$(#[doc = $doc])*] $(, $arg)*);
        )* )*

        pub fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$( $( $name, )* )*]
        }
    };
}

studydesk_core::for_each_command!(tauri_commands);
