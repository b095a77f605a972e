//! Attachment files between a user's devices (docs/sync.md §16). An attachment's row
//! syncs like any other row; its file travels through the server's blob store,
//! content-addressed per account (`/v1/blobs/{sha256}`).
//!
//! Contract:
//! - Before pushing, every attachment whose file is here and that this device has not
//!   dealt with yet is offered to the server: a file the server holds already is only
//!   noted; any other is uploaded, streamed from disk. So a row rarely reaches another
//!   device before its file, and a file is sent once (`sync_files`, V9).
//! - A file the server refuses (too large for it, over the account's quota, changed on
//!   disk since it was attached so its hash no longer matches) is noted with the reason,
//!   listed in the status, and offered again a day later; the round goes on. A file past
//!   the limits the server states when asked is noted so without being sent. No answer,
//!   a 5xx or a 401 stops the round like any other sync failure (retried with backoff;
//!   nothing is noted).
//! - After pulling, every attachment whose file is missing here is downloaded into the
//!   attachments folder's staging area while hashed and moved into place only when its
//!   SHA-256 and size are the row's (`attachments::receive`); a file the server does not
//!   have yet is fetched in a later round. A file's place comes from its row's hash and
//!   type, never from a path received from elsewhere.
//! - Files that shared rows name (`attachment:<sha256>.<ext>`, `studydesk_sync::media`:
//!   post media, avatars, banners; docs/sync.md §16.2) are fetched after the pull too, by
//!   hash, so pulled posts and profiles show offline: the images of every post this device
//!   shows (not of muted or blocked authors), the videos of mine and of the people I
//!   follow only (up to 512 MiB each), newest posts first, and every profile's avatar and
//!   banner and custom emoji but a blocked user's. The server answers a file only to an account that may
//!   read a row naming it; one it does not give (not uploaded yet, or no longer readable)
//!   is asked again after [`MISS_RETRY`], remembered in memory. A file no row names any
//!   more (a deleted post's, a replaced avatar's) is removed after a pull that changed
//!   something, unless this device's user attached it ([`sweep`]).

use super::transport::{BlobPresence, BlobUpload};
use super::{sync_ctx, Remote};
use crate::attachments;
use crate::db::row::Row;
use crate::attachments::AttachmentRow;
use crate::{Db, Result};
use std::path::Path;

/// How long a file the server refused waits before it is offered again (the server's
/// limits may have been raised, or the user replaced the file).
const REOFFER_AFTER_HOURS: i64 = 24;

/// Attachments of this device's database that something shows (one row per content:
/// the table is UNIQUE(user_id, content_hash) and a device holds one account's private
/// rows); with `to_offer`, only those never offered, or refused long enough ago. A
/// replaced background's file is neither sent nor fetched, nor listed as refused.
fn rows(db: &Db, to_offer: bool) -> Result<Vec<AttachmentRow>> {
    let columns = AttachmentRow::COLUMNS.iter().map(|c| format!("a.\"{c}\"")).collect::<Vec<_>>().join(", ");
    let mut sql = format!("SELECT {columns} FROM attachments a WHERE {}", crate::rooms::attachment_in_use());
    let mut params = Vec::new();
    if to_offer {
        sql.push_str(
            " AND NOT EXISTS (SELECT 1 FROM sync_files f WHERE f.content_hash = a.content_hash
                                  AND (f.uploaded_at IS NOT NULL OR f.refused_at > ?1))",
        );
        params.push(crate::db::timestamp_text(db.now() - chrono::Duration::hours(REOFFER_AFTER_HOURS)));
    }
    sql.push_str(" ORDER BY a.rowid");
    db.read(|c| {
        let mut stmt = c.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(&params), AttachmentRow::from_sql)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
}

fn note_uploaded(db: &Db, content_hash: &str) -> Result<()> {
    db.write(sync_ctx("sync.file"), |tx| {
        tx.prepare_cached(
            "INSERT INTO sync_files(content_hash, uploaded_at) VALUES (?1, ?2)
             ON CONFLICT(content_hash) DO UPDATE SET uploaded_at = excluded.uploaded_at,
               refused_at = NULL, refused_code = NULL, refused_message = NULL",
        )?
        .execute([content_hash, &tx.now_text()])?;
        Ok(())
    })
}

fn note_refused(db: &Db, content_hash: &str, code: &str, message: &str) -> Result<()> {
    db.write(sync_ctx("sync.file"), |tx| {
        tx.prepare_cached(
            "INSERT INTO sync_files(content_hash, refused_at, refused_code, refused_message) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(content_hash) DO UPDATE SET uploaded_at = NULL, refused_at = excluded.refused_at,
               refused_code = excluded.refused_code, refused_message = excluded.refused_message",
        )?
        .execute([content_hash, &tx.now_text(), code, message])?;
        Ok(())
    })
}

/// What [`upload_new`] did: files sent, and files refused (by the server, or here past
/// the limits it stated).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Uploads {
    pub sent: u32,
    pub refused: u32,
}

/// Offers the server every file it may not have (see the module docs).
pub(super) fn upload_new(db: &Db, remote: &Remote, data_dir: &Path) -> Result<Uploads> {
    let mut done = Uploads::default();
    for row in rows(db, true)? {
        let Some((path, true)) = attachments::local_file(data_dir, &row) else { continue };
        let (max_bytes, quota_free) = match remote.has_blob(&row.content_hash)? {
            BlobPresence::Held => {
                note_uploaded(db, &row.content_hash)?;
                continue;
            }
            BlobPresence::Missing { max_bytes, quota_free } => (max_bytes, quota_free),
        };
        let opened = std::fs::File::open(&path).and_then(|f| f.metadata().map(|m| (f, m.len())));
        let (file, len) = match opened {
            Ok(found) => found,
            Err(e) => {
                // Deleted or unreadable since the listing: the row shows it as missing.
                tracing::warn!(attachment = %row.id, error = %e, "could not read an attachment to upload");
                continue;
            }
        };
        // Refused here rather than by the server: a PUT it refuses before reading the body
        // cuts the connection under us, and we would never read why.
        if let Some((code, message)) = too_big(len, max_bytes, quota_free) {
            note_refused(db, &row.content_hash, code, &message)?;
            done.refused += 1;
            continue;
        }
        match remote.put_blob(&row.content_hash, file, len)? {
            BlobUpload::Stored => {
                note_uploaded(db, &row.content_hash)?;
                done.sent += 1;
            }
            BlobUpload::Refused { code, message } => {
                tracing::warn!(attachment = %row.id, %code, %message, "the server refused an attachment's file");
                note_refused(db, &row.content_hash, &code, &message)?;
                done.refused += 1;
            }
        }
    }
    Ok(done)
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Why a file of `len` bytes cannot be uploaded, if it cannot: past what sync carries, what
/// this server takes, or what is left of the account's quota.
fn too_big(len: u64, max_bytes: Option<u64>, quota_free: Option<u64>) -> Option<(&'static str, String)> {
    let max = max_bytes.map_or(studydesk_sync::MAX_BLOB_BYTES, |m| m.min(studydesk_sync::MAX_BLOB_BYTES));
    if len > max {
        return Some(("payload_too_large", format!("the file ({}) is larger than the {} a synced file may be", mib(len), mib(max))));
    }
    match quota_free {
        Some(free) if len > free => Some((
            "quota_exceeded",
            format!("the file ({}) does not fit in the {} left of this account's storage on the server", mib(len), mib(free)),
        )),
        _ => None,
    }
}

/// How long a shared file the server did not give waits before it is asked for again.
const MISS_RETRY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Shared files the server did not give, by (device, hash), and when.
fn misses() -> &'static std::sync::Mutex<std::collections::HashMap<(String, String), std::time::Instant>> {
    static MISSES: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<(String, String), std::time::Instant>>> =
        std::sync::OnceLock::new();
    MISSES.get_or_init(Default::default)
}

/// A file a shared row names: (hash, mime, size when the row says it).
struct SharedFile {
    hash: String,
    mime: &'static str,
    size: Option<u64>,
}

/// The files shared rows on this device name, in the order they are fetched (see the
/// module docs); those here already included (the caller skips them).
fn shared_files(db: &Db) -> Result<Vec<SharedFile>> {
    let Some(me) = db.read(crate::account::profile::local_user_id)? else { return Ok(vec![]) };
    let sql = format!(
        "SELECT m.url, m.metadata FROM post_media m JOIN posts p ON p.id = m.post_id
         WHERE p.user_id NOT IN (SELECT muted_user_id FROM user_mutes WHERE user_id = ?1)
           AND p.user_id NOT IN (SELECT blocked_user_id FROM user_blocks WHERE user_id = ?1)
           AND p.user_id NOT IN (SELECT user_id FROM user_blocks WHERE blocked_user_id = ?1)
           AND (m.media_type = 'image' OR p.user_id = ?1
                OR p.user_id IN (SELECT f.followee_id FROM follows f WHERE f.follower_id = ?1 AND {}))
         ORDER BY p.created_at DESC, m.order_index",
        crate::social::follows::effective("f")
    );
    let pictures = "SELECT avatar_url, NULL FROM users WHERE avatar_url LIKE 'attachment:%'
                      AND id NOT IN (SELECT blocked_user_id FROM user_blocks WHERE user_id = ?1)
                    UNION ALL SELECT banner_image_url, NULL FROM users WHERE banner_image_url LIKE 'attachment:%'
                      AND id NOT IN (SELECT blocked_user_id FROM user_blocks WHERE user_id = ?1)
                    UNION ALL SELECT image_url, NULL FROM emojis WHERE is_custom = 1 AND image_url LIKE 'attachment:%'
                      AND created_by NOT IN (SELECT blocked_user_id FROM user_blocks WHERE user_id = ?1)";
    db.read(|c| {
        let mut out: Vec<SharedFile> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for query in [sql.as_str(), pictures] {
            let mut stmt = c.prepare(query)?;
            let rows = stmt.query_map([&me], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
            for row in rows {
                let (url, metadata) = row?;
                let Some((hash, ext)) = studydesk_sync::media::parse(&url) else { continue };
                let Some((mime, _)) = attachments::mime_of_extension(ext) else { continue };
                let size = metadata
                    .and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok())
                    .and_then(|m| m.get("size").and_then(serde_json::Value::as_u64));
                if seen.insert(hash.to_string()) {
                    out.push(SharedFile { hash: hash.to_string(), mime, size });
                }
            }
        }
        Ok(out)
    })
}

/// Fetches the files shared rows name that are not here (see the module docs). Returns
/// how many arrived.
pub(super) fn download_shared(db: &Db, remote: &Remote, data_dir: &Path) -> Result<u32> {
    let mut received = 0;
    for file in shared_files(db)? {
        let url = studydesk_sync::media::url(&file.hash, attachments::extension_of(file.mime));
        if !matches!(crate::social::media::local_path(data_dir, &url), Some((_, false))) {
            continue;
        }
        let key = (db.device_id().to_string(), file.hash.clone());
        let missed_lately = misses().lock().ok().and_then(|m| m.get(&key).copied()).is_some_and(|at| at.elapsed() < MISS_RETRY);
        if missed_lately {
            continue;
        }
        // Without a size in the row, the download is bounded by what a picture may be.
        let expected = file.size.unwrap_or(crate::social::media::MAX_IMAGE_BYTES);
        let arrived = attachments::receive_file(data_dir, &file.hash, file.mime, file.size, |out| remote.get_blob(&file.hash, expected, out))?;
        if arrived {
            received += 1;
        } else if let Ok(mut m) = misses().lock() {
            m.insert(key, std::time::Instant::now());
        }
    }
    Ok(received)
}

/// Removes files of the attachments folder that no row on this device names any more and
/// that this device's user did not attach (a deleted post's media, a replaced avatar of
/// someone else). Answers how many went.
pub(super) fn sweep(db: &Db, data_dir: &Path) -> Result<u32> {
    let referenced = db.read(|c| crate::social::media::referenced_hashes(c, None))?;
    let mut removed = 0;
    let Ok(folders) = std::fs::read_dir(attachments::dir(data_dir)) else { return Ok(0) };
    for folder in folders.flatten() {
        let name = folder.file_name().to_string_lossy().into_owned();
        if name.len() != 2 || !folder.path().is_dir() {
            continue; // `.staging` and anything not ours
        }
        let Ok(files) = std::fs::read_dir(folder.path()) else { continue };
        for file in files.flatten() {
            let file_name = file.file_name().to_string_lossy().into_owned();
            let Some((hash, ext)) = file_name.split_once('.') else { continue };
            let ours = studydesk_sync::is_content_hash(hash) && hash.starts_with(&name) && studydesk_sync::media::EXTENSIONS.contains(&ext);
            if ours && !referenced.contains(hash) {
                match std::fs::remove_file(file.path()) {
                    Ok(()) => removed += 1,
                    Err(e) => tracing::warn!(error = %e, file = %file_name, "could not remove a file no row names"),
                }
            }
        }
    }
    Ok(removed)
}

/// Fetches the files of attachments that have none here (see the module docs). Returns
/// how many arrived.
pub(super) fn download_missing(db: &Db, remote: &Remote, data_dir: &Path) -> Result<u32> {
    let mut received = 0;
    for row in rows(db, false)? {
        if !matches!(attachments::local_file(data_dir, &row), Some((_, false))) {
            continue;
        }
        let len = u64::try_from(row.size_bytes).unwrap_or(0);
        let arrived = attachments::receive(data_dir, &row, |out| remote.get_blob(&row.content_hash, len, out))?;
        if arrived {
            // The server holds it: this device never needs to offer it.
            note_uploaded(db, &row.content_hash)?;
            received += 1;
        }
    }
    Ok(received)
}

/// A file the server would not take, as the Settings page lists it.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS, PartialEq, Eq)]
#[ts(export)]
pub struct RefusedFile {
    pub attachment_id: String,
    /// The name the file had when it was attached.
    pub name: Option<String>,
    /// Why, for the UI to say in the user's language: `payload_too_large` (too large for
    /// the server or for sync), `quota_exceeded` (the account's storage is full),
    /// `hash_mismatch` (the file changed on disk after it was attached), or another of
    /// the server's error kinds.
    pub code: String,
    /// The server's reason, in English.
    pub message: String,
    pub refused_at: String,
}

/// Files the server refused (offered again a day later) that something still shows.
pub fn refused_files(conn: &rusqlite::Connection) -> Result<Vec<RefusedFile>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.id, a.original_name, f.refused_code, f.refused_message, f.refused_at FROM sync_files f
         JOIN attachments a ON a.content_hash = f.content_hash
         WHERE f.refused_at IS NOT NULL AND {} ORDER BY f.refused_at, a.id",
        crate::rooms::attachment_in_use()
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok(RefusedFile { attachment_id: r.get(0)?, name: r.get(1)?, code: r.get(2)?, message: r.get(3)?, refused_at: r.get(4)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::{note_refused, note_uploaded, refused_files, too_big};
    use crate::Db;

    #[test]
    fn a_file_refused_then_taken_leaves_the_refused_list() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("studydesk.db"), crate::clock::system()).unwrap();
        let hash = "ab".repeat(32);
        note_refused(&db, &hash, "quota_exceeded", "full").unwrap();
        note_refused(&db, &hash, "payload_too_large", "too large").unwrap();
        let kept: (String, String) = db
            .read(|c| Ok(c.query_row("SELECT refused_code, refused_message FROM sync_files", [], |r| Ok((r.get(0)?, r.get(1)?)))?))
            .unwrap();
        assert_eq!(kept, ("payload_too_large".into(), "too large".into()), "the latest refusal");
        note_uploaded(&db, &hash).unwrap();
        let row: (Option<String>, Option<String>, Option<String>) = db
            .read(|c| Ok(c.query_row("SELECT refused_at, refused_code, uploaded_at FROM sync_files", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?))
            .unwrap();
        assert_eq!((row.0, row.1, row.2.is_some()), (None, None, true));
        assert!(db.read(refused_files).unwrap().is_empty());
    }

    /// A tiny PNG (its signature is what the attachments module checks).
    fn png(seed: u8) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(std::iter::repeat_n(seed, 64));
        b
    }

    #[test]
    fn a_replaced_background_is_neither_offered_nor_listed_as_refused() {
        let dir = tempfile::tempdir().unwrap();
        let app = crate::api::Studydesk::open(dir.path(), crate::clock::system()).unwrap();
        let ws = app.workspace_list().unwrap().remove(0);
        let shown = |ws: &crate::focus::immerse::Workspace| ws.background.attachment.clone().unwrap();
        let old = shown(&app.workspace_set_background_file(&ws.id, Some("old.png"), &png(1)).unwrap());
        let old_hash = studydesk_sync::content_hash_text(&<sha2::Sha256 as sha2::Digest>::digest(png(1)));
        note_refused(app.db(), &old_hash, "hash_mismatch", "changed on disk").unwrap();
        let listed = |app: &crate::api::Studydesk| app.db().read(refused_files).unwrap().into_iter().map(|r| r.attachment_id).collect::<Vec<_>>();
        assert_eq!(listed(&app), std::slice::from_ref(&old.id), "refused while the workspace shows it");

        let new = shown(&app.workspace_set_background_file(&ws.id, Some("new.png"), &png(2)).unwrap());
        assert!(listed(&app).is_empty(), "the replaced picture is no longer listed");
        let offered = |app: &crate::api::Studydesk| super::rows(app.db(), true).unwrap().into_iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(offered(&app), std::slice::from_ref(&new.id), "only the picture shown is offered");
        // Shown again (the same content is the same row): offered again a day after its refusal.
        app.workspace_set_background_file(&ws.id, Some("old.png"), &png(1)).unwrap();
        assert_eq!(listed(&app), [old.id]);
    }

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn a_file_is_refused_here_past_the_servers_limit_or_the_accounts_free_space() {
        assert_eq!(too_big(3 * MIB, Some(8 * MIB), Some(4 * MIB)), None);
        assert_eq!(too_big(3 * MIB, None, None), None, "an older server says nothing: the PUT decides");
        let (code, message) = too_big(9 * MIB, Some(8 * MIB), Some(100 * MIB)).unwrap();
        assert_eq!((code, message.as_str()), ("payload_too_large", "the file (9.0 MiB) is larger than the 8.0 MiB a synced file may be"));
        let (code, message) = too_big(5 * MIB, Some(8 * MIB), Some(MIB / 2)).unwrap();
        assert_eq!(code, "quota_exceeded");
        assert!(message.contains("0.5 MiB left"), "{message}");
        // However much a server says it takes, sync never carries more than MAX_BLOB_BYTES.
        let past = studydesk_sync::MAX_BLOB_BYTES + 1;
        assert_eq!(too_big(past, Some(u64::MAX), None).map(|r| r.0), Some("payload_too_large"));
    }
}
