//! The sharing room of the facade (issue 16 item 3): share one of my dashboards with
//! another account of the sync server by its email (view or edit), list the shares of my
//! dashboards and the dashboards shared with me, revoke a share; ask a dashboard's owner
//! for access and decide the requests sent to me. See `insights::shares` and
//! `insights::requests`.

use crate::commands;
use crate::insights::{requests, shares};

#[macro_export]
#[doc(hidden)]
macro_rules! insights_shares_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { insights_shares;
            /// Shares my dashboard with the account that signs in with `email` on my sync
            /// server (`permission`: view or edit; sharing again changes it). Refused in
            /// words: not signed in, no such account, my own email, not my dashboard.
            #[ipc(server)]
            pub fn share_add(&self, dashboard_id: String, email: String, permission: $crate::insights::rows::SharePermission) -> shares::Share {
                self.share_with_email(&dashboard_id, &email, permission)
            }
            /// The shares of my dashboards, and the dashboards shared with me or public.
            #[ipc(local)]
            pub fn share_list(&self) -> shares::ShareList {
                self.db.read(|c| $crate::insights::shares::list(c, &self.user_id()))
            }
            /// Revokes a share of my dashboard: the grantee's devices drop it at their next sync.
            #[ipc(local)]
            pub fn share_revoke(&self, id: String) -> () {
                $crate::insights::shares::revoke(&self.db, &self.user_id(), &id)
            }
            /// Asks the owner of a dashboard I read (shared read only, or public) for edit
            /// rights or a share, with a priority and a message.
            #[ipc(local)]
            pub fn access_request(&self, draft: requests::RequestDraft) -> requests::AccessRequest {
                $crate::insights::requests::request(&self.db, &self.user_id(), &draft)
            }
            /// The access requests sent to me and those I sent.
            #[ipc(local)]
            pub fn access_requests(&self) -> requests::RequestInbox {
                self.db.read(|c| $crate::insights::requests::inbox(c, &self.user_id()))
            }
            /// Approves (sharing the dashboard as asked, in the same write) or rejects a
            /// pending request sent to me; the requester is notified.
            #[ipc(local)]
            pub fn access_decide(&self, id: String, approve: bool) -> requests::AccessRequest {
                $crate::insights::requests::decide(&self.db, &self.user_id(), &id, approve)
            }
            /// Withdraws my pending request, or closes one that was decided.
            #[ipc(local)]
            pub fn access_close(&self, id: String) -> () {
                $crate::insights::requests::close(&self.db, &self.user_id(), &id)
            }
        } } $($next)* }
    };
}
crate::insights_shares_commands!(commands ! {});

impl super::Studydesk {
    /// `share_add`: the email checked here, resolved by the sync server, then the share
    /// written. A grantee whose profile has not reached this device yet is fetched with one
    /// sync round first (the share's foreign key needs its `users` row).
    pub fn share_with_email(&self, dashboard_id: &str, email: &str, permission: crate::insights::rows::SharePermission) -> crate::Result<shares::Share> {
        let me = self.user_id();
        // Mine or refused before the network is asked anything.
        self.db.read(|c| crate::insights::ownership::own_dashboard(c, &me, dashboard_id))?;
        let email = shares::check_email(email)?;
        let account = crate::sync::lookup_account(&self.db, &self.data_dir, &email)?;
        if !self.db.read(|c| crate::account::profile::exists(c, &account.account_id))? {
            crate::sync::sync_now(&self.db, &self.data_dir)?;
        }
        shares::add(&self.db, &me, dashboard_id, &account.account_id, permission)
    }
}
