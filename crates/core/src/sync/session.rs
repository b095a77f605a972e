//! Signing a device in and out. The server returns an API key once; it is kept in
//! `<data dir>/sync-key` (owner-only permissions), never in the database, so backups and
//! copies of the database carry no credential. The password is never stored.

use super::{meta, sync_ctx, transport::normalize_url, Remote};
use crate::error::SyncErrorKind;
use crate::{validate, CoreError, Db, Result};
use std::path::{Path, PathBuf};
use studydesk_sync::wire::{Device, LoginRequest, Session, SignupRequest};

const KEY_FILE: &str = "sync-key";

/// The server's password limits, from the protocol crate (the server checks the same).
pub use studydesk_sync::wire::{NEW_PASSWORD_MIN_BYTES, PASSWORD_MAX_BYTES};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SignInMode {
    /// Create the account (this device's data becomes the account's).
    Signup,
    /// Sign in to an existing account (this device's data is merged into it).
    Login,
}

#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Credentials {
    pub server_url: String,
    pub email: String,
    pub password: String,
}

pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE)
}

pub fn load_key(data_dir: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(key_path(data_dir)) {
        Ok(key) => Ok(Some(key.trim().to_string()).filter(|k| !k.is_empty())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CoreError::io("could not read the sync key", e)),
    }
}

fn store_key(data_dir: &Path, key: &str) -> Result<()> {
    let path = key_path(data_dir);
    let tmp = path.with_extension("tmp");
    write_private(&tmp, key).map_err(|e| CoreError::io(format!("could not write {}", tmp.display()), e))?;
    std::fs::rename(&tmp, &path).map_err(|e| CoreError::io(format!("could not write {}", path.display()), e))
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().create(true).truncate(true).write(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

fn validate_credentials(c: &Credentials) -> Result<(String, String)> {
    let url = normalize_url(&c.server_url)?;
    let email = validate::text("email", c.email.trim(), 255)?.to_lowercase();
    if !email.contains('@') {
        return Err(CoreError::validation(format!("\"{email}\" is not an email address")));
    }
    if c.password.is_empty() || c.password.len() > PASSWORD_MAX_BYTES {
        return Err(CoreError::validation("the password must be 1 to 1,024 bytes long"));
    }
    Ok((url, email))
}

fn this_device(db: &Db) -> Device {
    let name = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "Studydesk device".into());
    Device { id: db.device_id().to_string(), name: name.chars().take(120).collect(), app_version: Some(env!("CARGO_PKG_VERSION").into()) }
}

/// Signs this device in (creating the account with [`SignInMode::Signup`]) and remembers
/// the server and account. A device that synced with another account must sign out and
/// reset first: its data and cursor belong to that account.
pub fn sign_in(db: &Db, data_dir: &Path, user_id: &str, mode: SignInMode, c: &Credentials) -> Result<Session> {
    let (url, email) = validate_credentials(c)?;
    let previous = meta::get(db, meta::ACCOUNT_ID)?;
    let remote = Remote::new(&url, None)?;
    let sent = db.now();
    let session = match mode {
        SignInMode::Signup => remote.signup(&SignupRequest {
            email: email.clone(),
            password: c.password.clone(),
            user_id: Some(user_id.to_string()),
            device: this_device(db),
        })?,
        SignInMode::Login => {
            remote.login(&LoginRequest { email: email.clone(), password: c.password.clone(), device: this_device(db) })?
        }
    };
    if previous.as_deref().is_some_and(|p| p != session.account_id) {
        // Revoke the key we just made: this device stays with its account.
        let _ = Remote::new(&url, Some(session.api_key.clone())).and_then(|r| r.logout());
        return Err(CoreError::sync(
            SyncErrorKind::Refused,
            "this device already syncs with another account; sign in to that account (switching accounts is not supported yet)",
        ));
    }
    // Before the first push: a device whose clock is off learns it now, so the changes it
    // queued are re-stamped before they are sent rather than refused (sync::skew).
    super::skew::record_offset(db, super::skew::offset_ms(sent, db.now(), session.server_time_ms))?;
    store_key(data_dir, &session.api_key)?;
    db.write(sync_ctx("sync.sign_in"), |tx| {
        meta::put(tx, meta::SERVER_URL, &url)?;
        meta::put(tx, meta::ACCOUNT_ID, &session.account_id)?;
        meta::put(tx, meta::EMAIL, &email)?;
        meta::remove(tx, meta::LAST_ERROR)?;
        Ok(())
    })?;
    Ok(session)
}

/// Signs out every device of the account (a lost or stolen one too): the server revokes
/// every key, and this device deletes its own, as [`logout`] does. Unlike [`logout`], an
/// unreachable server is an error and the key is kept: nothing was revoked, and the user
/// must know that (and can try again).
pub fn logout_everywhere(db: &Db, data_dir: &Path) -> Result<()> {
    let (url, key) = signed_in(db, data_dir)?;
    match Remote::new(&url, Some(key)).and_then(|r| r.logout_everywhere()) {
        Ok(()) => {}
        // This key was revoked already, so the server would not take the request from it:
        // the others may still be signed in. Sign in again to sign them out.
        Err(CoreError::Sync { kind: SyncErrorKind::SignedOut, message }) => {
            delete_key(data_dir)?;
            return Err(CoreError::sync(SyncErrorKind::SignedOut, message));
        }
        Err(e) => return Err(e),
    }
    delete_key(data_dir)
}

/// Changes the account's password. The server revokes every key of the account (the
/// other devices must sign in with the new password) and answers a new key for this
/// device, stored in place of the old one, so this device stays signed in.
pub fn change_password(db: &Db, data_dir: &Path, current_password: &str, new_password: &str) -> Result<Session> {
    check_password_change(current_password, new_password)?;
    // No round runs meanwhile: one sending the old key after the server revoked it would
    // record this device as signed out, though it holds the new key.
    let _lease = meta::Lease::claim(db)?;
    let (url, key) = signed_in(db, data_dir)?;
    let session = Remote::new(&url, Some(key))?.change_password(current_password, new_password)?;
    // The old key is revoked now: if this write failed, the device would have to sign in
    // again, with the new password, which the user just typed.
    store_key(data_dir, &session.api_key)?;
    db.write(sync_ctx("sync.change_password"), |tx| meta::remove(tx, meta::LAST_ERROR))?;
    Ok(session)
}

/// The lengths the server takes for a password change (a `validation` error otherwise):
/// checked before anything is sent, here and by the app's IPC command.
pub fn check_password_change(current_password: &str, new_password: &str) -> Result<()> {
    if current_password.is_empty() || current_password.len() > PASSWORD_MAX_BYTES {
        return Err(CoreError::validation("the current password must be 1 to 1,024 bytes long"));
    }
    if new_password.len() < NEW_PASSWORD_MIN_BYTES || new_password.len() > PASSWORD_MAX_BYTES {
        return Err(CoreError::validation("the new password must be 10 to 1,024 bytes long"));
    }
    Ok(())
}

/// The server and key of a signed-in device, else a `SignedOut` error.
fn signed_in(db: &Db, data_dir: &Path) -> Result<(String, String)> {
    match (meta::get(db, meta::SERVER_URL)?, load_key(data_dir)?) {
        (Some(url), Some(key)) => Ok((url, key)),
        _ => Err(CoreError::sync(SyncErrorKind::SignedOut, "this device is not signed in to a sync server")),
    }
}

fn delete_key(data_dir: &Path) -> Result<()> {
    match std::fs::remove_file(key_path(data_dir)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CoreError::io("could not delete the sync key", e)),
    }
}

/// Signs this device out: the server revokes its key (if reachable) and the key file is
/// deleted. The queue, the cursor and the account stay, so signing in again resumes.
pub fn logout(db: &Db, data_dir: &Path) -> Result<()> {
    if let (Some(url), Some(key)) = (meta::get(db, meta::SERVER_URL)?, load_key(data_dir)?) {
        match Remote::new(&url, Some(key)).and_then(|r| r.logout()) {
            Ok(()) => {}
            // Already revoked or expired: signing out is what the user wants anyway.
            Err(CoreError::Sync { kind: SyncErrorKind::SignedOut, .. }) => {}
            Err(e) => tracing::warn!(error = %e, "could not tell the server about the sign-out; the key is deleted here"),
        }
    }
    delete_key(data_dir)
}
