//! Secrets the app must keep but never store in SQLite (a database source's password):
//! they go to the OS keychain, and the database holds only a reference
//! (`data-source/<id>`), so they never reach the change log, the audit trail, sync or a
//! backup.
//!
//! Contract:
//! - [`open`] picks the store once per process: the OS keychain ([`keychain`]: macOS
//!   Keychain, Windows Credential Manager, the Secret Service on Linux) when it answers,
//!   else an encrypted file ([`sealed_file`]) whose key lives in the OS user's own
//!   config folder, readable by that user only. `STUDYDESK_SECRET_STORE=file` forces the
//!   file (a server without a desktop session), `=keychain` forbids the fallback.
//! - `get` of a reference never stored answers `None`; `delete` of one is not an error.
//! - A store that fails answers a [`CoreError::Validation`] naming the store and what to
//!   do, never the secret.

pub mod keychain;
pub mod sealed_file;

use crate::{CoreError, Result};
use std::path::Path;

/// Where secrets are kept.
pub trait SecretStore: Send + Sync {
    fn put(&self, reference: &str, secret: &str) -> Result<()>;
    fn get(&self, reference: &str) -> Result<Option<String>>;
    fn delete(&self, reference: &str) -> Result<()>;
    /// The store's name in messages ("the OS keychain").
    fn describe(&self) -> &'static str;
    fn kind(&self) -> SecretStoreKind;
}

/// Which store keeps the secrets, for the UI to name in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SecretStoreKind {
    /// The OS keychain (Keychain, Credential Manager, the Secret Service).
    Keychain,
    /// Studydesk's encrypted file, its key in the user's config folder.
    EncryptedFile,
}

/// The environment variable that chooses the store (`file` or `keychain`).
pub const STORE_VAR: &str = "STUDYDESK_SECRET_STORE";

/// The reference of a data source's password.
pub fn source_reference(source_id: &str) -> String {
    format!("data-source/{source_id}")
}

/// The store this process uses (see the module contract). `data_dir` holds the
/// encrypted file when the keychain cannot be used.
pub fn open(data_dir: &Path) -> Result<Box<dyn SecretStore>> {
    let choice = std::env::var(STORE_VAR).unwrap_or_default();
    let file = || -> Result<Box<dyn SecretStore>> { Ok(Box::new(sealed_file::SealedFile::for_user(data_dir)?)) };
    match choice.as_str() {
        "file" => file(),
        "keychain" => {
            let store = keychain::Keychain::new();
            store.probe().map_err(|e| CoreError::validation(format!("{STORE_VAR}=keychain, but the OS keychain cannot be used: {e}")))?;
            Ok(Box::new(store))
        }
        "" => {
            let store = keychain::Keychain::new();
            match store.probe() {
                Ok(()) => Ok(Box::new(store)),
                Err(e) => {
                    tracing::info!(reason = %e, "no OS keychain; keeping secrets in the encrypted file");
                    file()
                }
            }
        }
        other => Err(CoreError::validation(format!("{STORE_VAR} is \"{other}\"; it can be \"file\" or \"keychain\""))),
    }
}
