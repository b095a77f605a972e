//! The OS keychain through the `keyring` crate (Secret Service over D-Bus on Linux,
//! Keychain on macOS, Credential Manager on Windows). Every entry is under the service
//! [`SERVICE`], named by its reference.

use super::SecretStore;
use crate::{CoreError, Result};

pub const SERVICE: &str = "Studydesk";

pub struct Keychain;

impl Keychain {
    pub fn new() -> Keychain {
        Keychain
    }

    fn entry(reference: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, reference).map_err(|e| failed("open an entry in", &e))
    }

    /// Whether the keychain answers: reading an entry that is not there must say "no entry".
    pub fn probe(&self) -> std::result::Result<(), String> {
        let entry = keyring::Entry::new(SERVICE, "probe").map_err(|e| e.to_string())?;
        match entry.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

impl Default for Keychain {
    fn default() -> Self {
        Keychain::new()
    }
}

fn failed(what: &str, e: &keyring::Error) -> CoreError {
    CoreError::validation(format!("could not {what} the OS keychain ({e}); unlock it, or set STUDYDESK_SECRET_STORE=file to keep passwords in Studydesk's encrypted file"))
}

impl SecretStore for Keychain {
    fn put(&self, reference: &str, secret: &str) -> Result<()> {
        Self::entry(reference)?.set_password(secret).map_err(|e| failed("save a password in", &e))
    }

    fn get(&self, reference: &str) -> Result<Option<String>> {
        match Self::entry(reference)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(failed("read a password from", &e)),
        }
    }

    fn delete(&self, reference: &str) -> Result<()> {
        match Self::entry(reference)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(failed("delete a password from", &e)),
        }
    }

    fn describe(&self) -> &'static str {
        "the OS keychain"
    }

    fn kind(&self) -> super::SecretStoreKind {
        super::SecretStoreKind::Keychain
    }
}
