//! The API keys room of the facade (`account::api_keys`): Settings › API keys and the
//! local HTTP API's on/off switch and port. The local API itself (`crates/local-api`)
//! calls [`Studydesk::api_key_verify`] and the other rooms' methods, so every request goes
//! through the same services and write path as the app.

use crate::commands;
use super::Studydesk;
use crate::account::api_keys;
use crate::insights::metrics;
use crate::Result;

#[macro_export]
#[doc(hidden)]
macro_rules! api_keys_commands {
    ($cb:ident ! { $($acc:tt)* } $($next:ident)*) => {
        $crate::__command_chain! { $cb ! { $($acc)* { api_keys;
            /// Creates an API key; the answer holds the key itself, which is never shown again.
            #[ipc(local)]
            pub fn api_key_create(&self, input: api_keys::NewApiKey) -> api_keys::CreatedApiKey {
                api_keys::create(&self.db, &self.user_id(), &input)
            }
            /// The user's API keys, newest first (never the key or its hash).
            #[ipc(local)]
            pub fn api_keys_list(&self) -> Vec<api_keys::ApiKey> {
                self.db.read(|c| api_keys::list(c, &self.user_id()))
            }
            /// Revokes a key: the local API refuses it from now on.
            #[ipc(local)]
            pub fn api_key_revoke(&self, id: String) -> api_keys::ApiKey {
                api_keys::revoke(&self.db, &self.user_id(), &id)
            }
            /// The local API's switch (off by default) and port.
            #[ipc(local)]
            pub fn local_api_settings_get(&self) -> api_keys::LocalApiSettings {
                self.db.read(api_keys::local_api_settings)
            }
            /// Saves the local API's switch and port (1024 to 65535); the app starts or stops
            /// the API to match.
            #[ipc(local)]
            pub fn local_api_settings_set(&self, settings: api_keys::LocalApiSettings) -> api_keys::LocalApiSettings {
                api_keys::set_local_api_settings(&self.db, &self.user_id(), settings)
            }
        } } $($next)* }
    };
}
crate::api_keys_commands!(commands ! {});

impl Studydesk {
    /// The local API's check of a request's key: answers the key's owner when the key is
    /// known, active, not expired and has `scope` (and stamps its `last_used`).
    pub fn api_key_verify(&self, key: &str, scope: api_keys::ApiScope) -> Result<String> {
        let owner = api_keys::verify(&self.db, key, scope)?;
        if owner != self.user_id() {
            // Another profile's key (a data folder that changed hands): not a key of "me".
            return Err(crate::CoreError::ApiKey { refusal: crate::error::ApiKeyRefusal::Unknown, message: "this API key is not known here".into() });
        }
        Ok(owner)
    }

    /// A metric card's numbers (the local API's `/v1/insights/metrics/{id}`).
    pub fn insights_metric_value(&self, query: &metrics::MetricQuery) -> Result<metrics::MetricValue> {
        let now = self.db.now();
        self.db.read(|c| metrics::value(c, &self.user_id(), query, now))
    }
}
