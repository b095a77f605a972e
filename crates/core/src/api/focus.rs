//! The focus room of the facade: activities and favorites, sessions, the focus settings
//! and the Focus page's statistics (docs/focus.md).

use crate::commands;
use super::Studydesk;
use crate::account::settings;
use crate::focus::{activities, sessions, stats, timer};
use crate::Result;

use crate::account::activity_log::ActionType;
#[macro_export]
#[doc(hidden)]
macro_rules! focus_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { focus;
            #[ipc(local)]
            pub fn activity_list(&self) -> Vec<activities::Activity> {
                self.db.read(|c| activities::list(c, &self.user_id()))
            }
            #[ipc(local)]
            pub fn activity_add(&self, input: activities::NewActivity) -> activities::Activity {
                activities::add(&self.db, &self.user_id(), input)
            }
            #[ipc(local)]
            pub fn activity_delete(&self, id: String) -> () {
                activities::delete(&self.db, &self.user_id(), &id)
            }
            #[ipc(local)]
            pub fn activity_favorite(&self, id: String) -> activities::Activity {
                activities::favorite(&self.db, &self.user_id(), &id)
            }
            #[ipc(local)]
            pub fn activity_unfavorite(&self, id: String) -> activities::Activity {
                activities::unfavorite(&self.db, &self.user_id(), &id)
            }

            #[ipc(local)]
            pub fn session_current(&self) -> Option<sessions::FocusSession> {
                let now = self.db.now();
                self.db.read(|c| sessions::current(c, &self.user_id(), now))
            }
            /// A second running session is refused with kind `conflict`.
            #[ipc(local)]
            pub fn session_start(&self, input: sessions::NewSession) -> sessions::FocusSession {
                let session = sessions::start(&self.db, &self.user_id(), input)?;
                self.record_activity(ActionType::SessionStarted, Some(("idle_session", &session.id)));
                Ok(session)
            }
            #[ipc(local)]
            pub fn session_pause(&self) -> sessions::FocusSession {
                sessions::pause(&self.db, &self.user_id())
            }
            #[ipc(local)]
            pub fn session_resume(&self) -> sessions::FocusSession {
                sessions::resume(&self.db, &self.user_id())
            }
            #[ipc(local)]
            pub fn session_complete(&self) -> sessions::FocusSession {
                let session = sessions::complete(&self.db, &self.user_id())?;
                self.record_activity(ActionType::SessionCompleted, Some(("idle_session", &session.id)));
                Ok(session)
            }
            #[ipc(local)]
            pub fn session_abandon(&self) -> sessions::FocusSession {
                sessions::abandon(&self.db, &self.user_id())
            }
            #[ipc(local)]
            pub fn session_next_phase(&self) -> sessions::FocusSession {
                sessions::next_phase(&self.db, &self.user_id())
            }
            #[ipc(local)]
            pub fn session_resolve_idle(&self, choice: timer::IdleChoice) -> sessions::FocusSession {
                sessions::resolve_idle(&self.db, &self.user_id(), choice)
            }
            #[ipc(local)]
            pub fn session_recovery(&self) -> Option<sessions::RecoveryOffer> {
                self.db.read(|c| sessions::recovery(c, &self.user_id()))
            }
            #[ipc(local)]
            pub fn session_recover(&self, choice: sessions::RecoveryChoice) -> sessions::FocusSession {
                sessions::recover(&self.db, &self.user_id(), choice)
            }
            #[ipc(local)]
            pub fn session_history(&self, limit: i64) -> Vec<sessions::FocusSession> {
                let now = self.db.now();
                self.db.read(|c| sessions::history(c, &self.user_id(), limit, now))
            }

            #[ipc(local)]
            pub fn focus_settings_get(&self) -> crate::focus::settings::FocusSettings {
                self.db.read(|c| crate::focus::settings::get(c, &self.user_id()))
            }
            #[ipc(local)]
            pub fn focus_settings_update(&self, settings: crate::focus::settings::FocusSettings) -> crate::focus::settings::FocusSettings {
                crate::focus::settings::update(&self.db, &self.user_id(), settings)
            }
            /// The Focus page: year heatmap, totals and streaks.
            #[ipc(local)]
            pub fn focus_stats(&self) -> stats::FocusStats {
                let now = self.db.now();
                self.db.read(|c| {
                    let tz = settings::timezone(c, &self.user_id())?;
                    stats::focus_stats(c, &self.user_id(), now, tz)
                })
            }
        } } $($next)* }
    };
}
crate::focus_commands!(commands ! {});

impl Studydesk {
    /// How many users favour each activity (Insights).
    pub fn activity_favorite_counts(&self) -> Result<Vec<activities::ActivityFavoriteCount>> {
        self.db.read(activities::favorite_counts)
    }
    /// Presence goes offline (the app is shutting down).
    pub fn presence_offline(&self) -> Result<()> {
        sessions::presence_offline(&self.db, &self.user_id())
    }
}
