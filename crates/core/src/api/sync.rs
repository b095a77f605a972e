//! The sync room of the facade (docs/sync.md). The commands that talk to the server are
//! `server` commands: the shell runs them on a blocking thread (the HTTP client is
//! synchronous) and emits `sync-changed` afterwards, so every open view refetches.

use crate::commands;
use crate::sync;

#[macro_export]
#[doc(hidden)]
macro_rules! sync_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { sync;
            #[ipc(local)]
            pub fn sync_status(&self) -> sync::SyncStatus {
                sync::status(&self.db, &self.data_dir)
            }
            /// Signs this device in to a sync server (creating the account with `Signup`),
            /// then runs the first round; can take a few seconds. Signing in works
            /// offline-first: a failed first round leaves the device signed in, with its
            /// error in the status.
            #[ipc(server)]
            pub fn sync_sign_in(&self, mode: sync::SignInMode, credentials: sync::Credentials) -> sync::SyncStatus {
                sync::sign_in(&self.db, &self.data_dir, &self.user_id(), mode, &credentials)?;
                if let Err(e) = self.sync_now() {
                    tracing::warn!(error = %e, "first sync round after signing in failed");
                }
                self.sync_status()
            }
            /// One round: push everything waiting, then pull everything new.
            #[ipc(server)]
            pub fn sync_now(&self) -> sync::RoundReport {
                let report = sync::sync_now(&self.db, &self.data_dir);
                // The first round may have adopted the account's user id.
                self.refresh_identity()?;
                report
            }
            #[ipc(server)]
            pub fn sync_logout(&self) -> sync::SyncStatus {
                sync::logout(&self.db, &self.data_dir)?;
                self.sync_status()
            }
            /// Signs every device of the account out, this one too (docs/sync.md §6;
            /// answers the signed-out status). Fails (`sync_offline`, `sync_server`) when
            /// the server did not do it: nothing was revoked.
            #[ipc(server)]
            pub fn sync_logout_everywhere(&self) -> sync::SyncStatus {
                sync::logout_everywhere(&self.db, &self.data_dir)?;
                self.sync_status()
            }
            /// Changes the account's password: the other devices are signed out, this one
            /// keeps syncing with the new key the server sent. The lengths are checked on
            /// the calling thread first (the server's limits), so a refused password never
            /// leaves the device. Fails with `validation` (lengths), `sync_wrong_password`,
            /// `sync_too_many_attempts`, `sync_server` (busy), `sync_offline`.
            #[ipc(server, check = sync::check_password_change)]
            pub fn sync_change_password(&self, current_password: String, new_password: String) -> sync::SyncStatus {
                sync::change_password(&self.db, &self.data_dir, &current_password, &new_password)?;
                self.sync_status()
            }
            #[ipc(local)]
            pub fn sync_refused(&self) -> Vec<sync::RefusedChange> {
                sync::list_refused(&self.db)
            }
            #[ipc(local)]
            pub fn sync_retry(&self, id: i64) -> Vec<sync::RefusedChange> {
                sync::retry(&self.db, id)?;
                self.sync_refused()
            }
            #[ipc(local)]
            pub fn sync_discard(&self, id: i64) -> Vec<sync::RefusedChange> {
                sync::discard(&self.db, id)?;
                self.sync_refused()
            }
        } } $($next)* }
    };
}
crate::sync_commands!(commands ! {});

