//! The e-mail room of the facade (`crate::email`): Settings › Email (the SMTP server, its
//! password in the secret store), "Send test email", and the outbox of messages that
//! reports and alerts queue, with their state and a retry.

use crate::commands;
use super::Studydesk;
use crate::email::{self, outbox, settings};
use crate::Result;

#[macro_export]
#[doc(hidden)]
macro_rules! email_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { email;
            /// The SMTP settings as the form shows them (whether a password is saved, never
            /// the password).
            #[ipc(remote)]
            pub fn smtp_settings_get(&self) -> settings::SmtpSettings {
                self.db.read(|c| settings::view(c, &self.data_dir))
            }
            /// Saves the SMTP settings (refused whole, in words: a malformed host, port 0, a
            /// from address that is not one, no TLS for a server not on this computer); a
            /// password given goes to the secret store, none keeps the saved one.
            #[ipc(remote)]
            pub fn smtp_settings_set(&self, input: settings::SmtpSettingsInput) -> settings::SmtpSettings {
                settings::set(&self.db, &self.data_dir, &self.user_id(), &input)
            }
            /// Sends a test e-mail to `to` now through the saved server; answers how it went
            /// (a failure's kind and words: cannot connect, no STARTTLS, TLS, user name or
            /// password refused, recipient refused, timeout).
            #[ipc(remote)]
            pub fn smtp_test_send(&self, to: String) -> email::TestSend {
                email::send_test(&self.db, &self.data_dir, &to)
            }
            /// My latest queued e-mails, newest first (at most `limit`, 50 when left out,
            /// never more than 200), each with its state.
            #[ipc(local)]
            pub fn outbox_list(&self, limit: Option<i64>) -> Vec<outbox::OutboxEntry> {
                self.db.read(|c| outbox::list(c, &self.user_id(), limit.unwrap_or(50)))
            }
            /// Sends a pending or failed message again at the next turn of the sender.
            #[ipc(local)]
            pub fn outbox_retry(&self, id: String) -> outbox::OutboxEntry {
                outbox::retry(&self.db, &self.user_id(), &id)
            }
        } } $($next)* }
    };
}
crate::email_commands!(commands ! {});

impl Studydesk {
    /// Sends the outbox's due messages through the saved server (nothing while e-mail is
    /// not set up): the background turn and the app's sender thread call this.
    pub fn outbox_send_due(&self) -> Result<outbox::DrainReport> {
        match email::transport(&self.db, &self.data_dir)? {
            Some(smtp) => outbox::drain(&self.db, &self.user_id(), &smtp),
            None => Ok(outbox::DrainReport::default()),
        }
    }
}
