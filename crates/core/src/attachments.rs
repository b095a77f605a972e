//! Attachments: files the user chose (today: immerse backgrounds) copied into the data
//! folder, stored once per content.
//!
//! Contract:
//! - A file lives at `<data_dir>/attachments/<first 2 hex of the hash>/<sha256>.<ext>`;
//!   the `attachments` row keeps that path **relative** to the data folder (the table's
//!   CHECK refuses absolute paths and `..`), the SHA-256 of the content (lower-case hex),
//!   the size in bytes, the MIME type and the file's original name.
//! - Only images (PNG, JPEG, GIF, WebP, BMP, AVIF) and videos (MP4/M4V, WebM, MOV, OGV)
//!   are accepted, at most [`MAX_BYTES`] (512 MiB) and not empty; anything else is a
//!   `validation` error that says what is accepted. The type comes from the content's
//!   magic bytes; the file name's extension is used only when the content has no known
//!   signature. A declared content type is never trusted.
//! - Copying is two steps so the database is never locked while a large file is written:
//!   [`stage_bytes`] / [`stage_file`] write the content to a temporary file inside the
//!   attachments folder while hashing it (no database access); then [`commit`], inside a
//!   `Db::write`, reuses the user's row with the same hash (UNIQUE(user_id, content_hash):
//!   the same content is stored once per user) or inserts the row and renames the
//!   temporary file into place (atomic on one file system). A [`Staged`] file that was
//!   not committed is removed when dropped.
//! - Reading never fails because the file went away: [`Attachment::missing`] is true
//!   when the file is no longer on disk, and the UI shows a placeholder.
//! - Files are not deleted when nothing refers to them any more (no garbage collection
//!   yet); being content-addressed, a kept file is reused by the next upload of it.
//!   Which attachments something shows is said by the rooms that show them
//!   (`crate::rooms::attachment_in_use`); only those travel between devices
//!   (`sync::files`).

use crate::db::row::{self, table_row, Row};
use crate::db::Tx;
use crate::{ids, validate, CoreError, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use ts_rs::TS;

table_row! {
    /// `attachments` (designed): a file in the data folder, stored once per content hash.
    pub struct AttachmentRow in "attachments" {
        pub id: String,
        pub user_id: String,
        /// SHA-256 of the content, 64 lower-case hex digits.
        pub content_hash: String,
        pub mime_type: String,
        pub size_bytes: i64,
        /// Relative to the data folder.
        pub path: String,
        pub original_name: Option<String>,
        pub created_at: String,
    }
}

impl AttachmentRow {
    fn check(&self) -> Result<()> {
        row::uuid("id", &self.id)?;
        row::uuid("user_id", &self.user_id)?;
        row::sha256_hex("content_hash", &self.content_hash)?;
        row::required("mime_type", &self.mime_type, 255)?;
        row::non_negative("size_bytes", self.size_bytes)?;
        row::relative_path("path", &self.path)?;
        row::timestamp("created_at", &self.created_at)
    }
}

/// The largest file accepted: 512 MiB.
pub const MAX_BYTES: u64 = 512 * 1024 * 1024;
/// The folder of attachments inside the data folder.
pub const DIR: &str = "attachments";
const STAGING_DIR: &str = ".staging";
const NAME_MAX: usize = 255;

/// An attachment as the UI sees it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq, Eq)]
#[ts(export)]
pub struct Attachment {
    pub id: String,
    /// Absolute path of the file, for `convertFileSrc`.
    pub file_path: String,
    pub mime_type: String,
    pub size_bytes: i64,
    pub original_name: Option<String>,
    /// The file is no longer on disk (deleted or moved by hand): show a placeholder.
    pub missing: bool,
}

/// Images or videos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Video,
}

/// `(mime, extension, kind)` of every accepted type; the first extension is canonical.
const ACCEPTED: &[(&str, &[&str], MediaKind)] = &[
    ("image/png", &["png"], MediaKind::Image),
    ("image/jpeg", &["jpg", "jpeg", "jfif"], MediaKind::Image),
    ("image/gif", &["gif"], MediaKind::Image),
    ("image/webp", &["webp"], MediaKind::Image),
    ("image/bmp", &["bmp"], MediaKind::Image),
    ("image/avif", &["avif"], MediaKind::Image),
    ("video/mp4", &["mp4", "m4v"], MediaKind::Video),
    ("video/webm", &["webm"], MediaKind::Video),
    ("video/quicktime", &["mov"], MediaKind::Video),
    ("video/ogg", &["ogv"], MediaKind::Video),
];

const ACCEPTED_TEXT: &str = "an image (PNG, JPEG, GIF, WebP, BMP, AVIF) or a video (MP4, WebM, MOV, OGV)";

/// The kind of an accepted MIME type (`None` for anything else).
pub fn media_kind(mime: &str) -> Option<MediaKind> {
    ACCEPTED.iter().find(|(m, _, _)| *m == mime).map(|(_, _, k)| *k)
}

pub(crate) fn extension_of(mime: &str) -> &'static str {
    ACCEPTED.iter().find(|(m, _, _)| *m == mime).map(|(_, e, _)| e[0]).unwrap_or("bin")
}

/// The accepted type whose canonical extension is `ext` (as a file reference carries it,
/// `studydesk_sync::media`).
pub(crate) fn mime_of_extension(ext: &str) -> Option<(&'static str, MediaKind)> {
    ACCEPTED.iter().find(|(_, e, _)| e[0] == ext).map(|(m, _, k)| (*m, *k))
}

/// The type of a file by its content alone (the first bytes; no name fallback), as post
/// media are checked: a text file named `.png` is not an image.
pub fn sniff_content(head: &[u8]) -> Option<&'static str> {
    sniff_magic(head)
}

/// The first bytes of the file at `path` (at most 64), for [`sniff_content`].
pub(crate) fn head_of(path: &Path) -> Result<Vec<u8>> {
    let mut file = File::open(path).map_err(io("could not open", path))?;
    let mut head = Vec::with_capacity(64);
    (&mut file).take(64).read_to_end(&mut head).map_err(io("could not read", path))?;
    Ok(head)
}

/// The MIME type of a file from its first bytes (at least 64 are best), or from the
/// extension of `file_name` when the content has no signature we know. Returns types
/// that are not accepted too (audio, PDF...), so the refusal can name them.
pub fn sniff(head: &[u8], file_name: Option<&str>) -> Option<&'static str> {
    if let Some(m) = sniff_magic(head) {
        return Some(m);
    }
    let ext = file_name?.rsplit_once('.')?.1.to_ascii_lowercase();
    ACCEPTED.iter().find(|(_, exts, _)| exts.contains(&ext.as_str())).map(|(m, _, _)| *m)
}

fn sniff_magic(h: &[u8]) -> Option<&'static str> {
    let at = |i: usize, sig: &[u8]| h.len() >= i + sig.len() && &h[i..i + sig.len()] == sig;
    let contains = |needle: &[u8]| h.windows(needle.len()).any(|w| w == needle);
    if at(0, b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if at(0, b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        Some("image/gif")
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Some("image/webp")
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        Some("video/x-msvideo")
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        Some("audio/wav")
    } else if at(0, b"BM") && h.len() >= 18 && at(6, b"\0\0\0\0") {
        Some("image/bmp")
    } else if at(4, b"ftyp") && h.len() >= 12 {
        Some(match &h[8..12] {
            b"avif" | b"avis" => "image/avif",
            b"heic" | b"heix" | b"heif" | b"mif1" | b"msf1" => "image/heic",
            b"qt  " => "video/quicktime",
            b"M4A " | b"M4B " | b"M4P " => "audio/mp4",
            _ => "video/mp4",
        })
    } else if at(0, b"\x1a\x45\xdf\xa3") {
        Some(if contains(b"webm") { "video/webm" } else { "video/x-matroska" })
    } else if at(0, b"OggS") {
        Some(if contains(b"theora") { "video/ogg" } else { "audio/ogg" })
    } else if at(0, b"ID3") || at(0, b"\xff\xfb") || at(0, b"fLaC") {
        Some("audio/mpeg")
    } else if at(0, b"%PDF") {
        Some("application/pdf")
    } else if at(0, b"PK\x03\x04") {
        Some("application/zip")
    } else if at(0, b"\x7fELF") || at(0, b"MZ") {
        Some("application/octet-stream")
    } else {
        None
    }
}

/// The attachments folder of a data folder.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join(DIR)
}

/// A file copied into the attachments folder and hashed, waiting for [`commit`]. Dropping
/// it removes the temporary copy if it was not moved into place.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    pub content_hash: String,
    pub size_bytes: i64,
    pub mime_type: &'static str,
    pub kind: MediaKind,
    pub original_name: Option<String>,
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Gone already when it was renamed into place.
        let _ = fs::remove_file(&self.temp);
    }
}

/// The last component of a file name, trimmed and shortened; `None` when blank.
fn clean_name(name: Option<&str>) -> Option<String> {
    let last = name?.rsplit(['/', '\\']).next()?.trim();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(NAME_MAX).collect();
    Some(cleaned).filter(|n| !n.is_empty())
}

fn refuse_size(size: u64, name: Option<&str>) -> Result<()> {
    let what = name.map(|n| format!("\"{}\"", validate::truncate_for_message(n))).unwrap_or_else(|| "the file".into());
    if size == 0 {
        return Err(CoreError::validation(format!("{what} is empty")));
    }
    if size > MAX_BYTES {
        return Err(CoreError::validation(format!(
            "{what} is too large ({:.1} MiB; at most {} MiB)",
            size as f64 / (1024.0 * 1024.0),
            MAX_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

fn accepted(head: &[u8], name: Option<&str>) -> Result<(&'static str, MediaKind)> {
    let mime = sniff(head, name);
    match mime.and_then(|m| media_kind(m).map(|k| (m, k))) {
        Some(found) => Ok(found),
        None => {
            let what = name.map(|n| format!("\"{}\"", validate::truncate_for_message(n))).unwrap_or_else(|| "the file".into());
            let found = mime.map(|m| format!(" (it is {m})")).unwrap_or_default();
            Err(CoreError::validation(format!("{what} is not {ACCEPTED_TEXT}{found}")))
        }
    }
}

fn io(context: &str, path: &Path) -> impl FnOnce(std::io::Error) -> CoreError {
    let context = format!("{context} {}", path.display());
    move |e| CoreError::io(context, e)
}

fn new_temp(data_dir: &Path) -> Result<(PathBuf, File)> {
    let staging = dir(data_dir).join(STAGING_DIR);
    fs::create_dir_all(&staging).map_err(io("could not create the folder", &staging))?;
    let temp = staging.join(format!("{}.part", ids::new_id()));
    let file = File::create(&temp).map_err(io("could not create", &temp))?;
    Ok((temp, file))
}

/// Stages `bytes` (a file the UI read) named `original_name`.
pub fn stage_bytes(data_dir: &Path, original_name: Option<&str>, bytes: &[u8]) -> Result<Staged> {
    let original_name = clean_name(original_name);
    refuse_size(bytes.len() as u64, original_name.as_deref())?;
    let (mime_type, kind) = accepted(&bytes[..bytes.len().min(64)], original_name.as_deref())?;
    let (temp, mut file) = new_temp(data_dir)?;
    let staged = Staged {
        temp,
        content_hash: studydesk_sync::content_hash_text(&Sha256::digest(bytes)),
        size_bytes: bytes.len() as i64,
        mime_type,
        kind,
        original_name,
    };
    file.write_all(bytes).map_err(io("could not write", &staged.temp))?;
    file.sync_all().map_err(io("could not write", &staged.temp))?;
    Ok(staged)
}

/// Stages a copy of the file at `path` (streamed: hashed while copied, never whole in
/// memory).
pub fn stage_file(data_dir: &Path, path: &Path) -> Result<Staged> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let mut src = File::open(path).map_err(io("could not open", path))?;
    let meta = src.metadata().map_err(io("could not read", path))?;
    if !meta.is_file() {
        return Err(CoreError::validation(format!("{} is not a file", path.display())));
    }
    refuse_size(meta.len(), name.as_deref())?;
    let mut buf = vec![0u8; 1 << 20];
    let mut head_len = 0;
    while head_len < 64 {
        let n = src.read(&mut buf[head_len..64]).map_err(io("could not read", path))?;
        if n == 0 {
            break;
        }
        head_len += n;
    }
    let (mime_type, kind) = accepted(&buf[..head_len], name.as_deref())?;
    let (temp, mut file) = new_temp(data_dir)?;
    let mut staged = Staged { temp, content_hash: String::new(), size_bytes: 0, mime_type, kind, original_name: clean_name(name.as_deref()) };
    let mut hasher = Sha256::new();
    let mut size = head_len as u64;
    hasher.update(&buf[..head_len]);
    file.write_all(&buf[..head_len]).map_err(io("could not write", &staged.temp))?;
    loop {
        let n = src.read(&mut buf).map_err(io("could not read", path))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        // The file may have grown since its size was checked.
        refuse_size(size, staged.original_name.as_deref())?;
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n]).map_err(io("could not write", &staged.temp))?;
    }
    refuse_size(size, staged.original_name.as_deref())?;
    file.sync_all().map_err(io("could not write", &staged.temp))?;
    staged.content_hash = studydesk_sync::content_hash_text(&hasher.finalize());
    staged.size_bytes = size as i64;
    Ok(staged)
}

/// `attachments/ab/<hash>.<ext>`, with `/` on every platform.
pub(crate) fn relative_path(hash: &str, mime: &str) -> String {
    format!("{DIR}/{}/{hash}.{}", &hash[..2], extension_of(mime))
}

/// `<data_dir>/<relative>`, absolute even when the data folder was given relative (the
/// UI hands the path to `convertFileSrc`).
pub(crate) fn absolute(data_dir: &Path, relative: &str) -> PathBuf {
    let base = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    relative.split('/').fold(base, |p, part| p.join(part))
}

fn place(staged: &Staged, target: &Path) -> Result<()> {
    if target.is_file() {
        // Same hash, same content (another user's copy, or a file kept from before).
        return Ok(());
    }
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(io("could not create the folder", parent))?;
    }
    fs::rename(&staged.temp, target).map_err(io("could not move the file into", target))
}

/// The file of an attachment row on this device: `None` when the row's path is not the
/// one its content and type give (a row written by hand or by a bug is never resolved),
/// else the absolute path and whether a file is there.
pub(crate) fn local_file(data_dir: &Path, row: &AttachmentRow) -> Option<(PathBuf, bool)> {
    let canonical = media_kind(&row.mime_type).is_some()
        && studydesk_sync::is_content_hash(&row.content_hash)
        && row.path == relative_path(&row.content_hash, &row.mime_type);
    canonical.then(|| {
        let path = absolute(data_dir, &row.path);
        let present = path.is_file();
        (path, present)
    })
}

/// A `Write` that hashes what passes through it.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Stores the file of an attachment row that arrived from another device (sync): `fill`
/// writes the content into a temporary file in the attachments folder, which is moved
/// into place only when its SHA-256 and size are the row's. Returns false when `fill`
/// had nothing (`Ok(None)`: no copy to fetch yet) or the content did not match (dropped,
/// to be fetched again).
pub(crate) fn receive(
    data_dir: &Path,
    row: &AttachmentRow,
    fill: impl FnOnce(&mut dyn Write) -> Result<Option<u64>>,
) -> Result<bool> {
    if local_file(data_dir, row).is_none() || media_kind(&row.mime_type).is_none() {
        return Err(CoreError::validation(format!("attachment {} has no valid file path", row.id)));
    }
    receive_file(data_dir, &row.content_hash, &row.mime_type, u64::try_from(row.size_bytes).ok(), fill)
}

/// Stores a file named by its content hash and type (an attachment's, or one a shared row
/// refers to, `studydesk_sync::media`) at its place in the attachments folder, as
/// [`receive`] does; `size`, when known, must match too.
pub(crate) fn receive_file(
    data_dir: &Path,
    content_hash: &str,
    mime: &str,
    size: Option<u64>,
    fill: impl FnOnce(&mut dyn Write) -> Result<Option<u64>>,
) -> Result<bool> {
    let Some((mime_type, _, kind)) = ACCEPTED.iter().find(|(m, _, _)| *m == mime) else {
        return Err(CoreError::validation(format!("a file of type {mime} is not {ACCEPTED_TEXT}")));
    };
    if !studydesk_sync::is_content_hash(content_hash) {
        return Err(CoreError::validation("a received file has no valid content hash"));
    }
    let target = absolute(data_dir, &relative_path(content_hash, mime_type));
    let (temp, file) = new_temp(data_dir)?;
    let staged = Staged {
        temp,
        content_hash: content_hash.to_string(),
        size_bytes: size.map_or(0, |s| s as i64),
        mime_type,
        kind: *kind,
        original_name: None,
    };
    let mut writer = HashingWriter { inner: std::io::BufWriter::new(file), hasher: Sha256::new() };
    let Some(written) = fill(&mut writer)? else { return Ok(false) };
    let HashingWriter { inner, hasher } = writer;
    let file = inner.into_inner().map_err(|e| CoreError::io(format!("could not write {}", staged.temp.display()), e.into_error()))?;
    file.sync_all().map_err(io("could not write", &staged.temp))?;
    if studydesk_sync::content_hash_text(&hasher.finalize()) != content_hash || size.is_some_and(|s| s != written) {
        tracing::warn!(content_hash, written, "a received file did not match its hash or size; dropped");
        return Ok(false);
    }
    place(&staged, &target)?;
    Ok(true)
}

/// Inside a `Db::write`: the user's attachment with this content, or a new one (row
/// inserted, then the file moved into place; a failure rolls the row back).
pub fn commit(tx: &Tx, data_dir: &Path, user_id: &str, staged: &Staged) -> Result<AttachmentRow> {
    let existing: Option<String> = tx
        .prepare_cached("SELECT id FROM attachments WHERE user_id = ?1 AND content_hash = ?2")?
        .query_row(params![user_id, staged.content_hash], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        let found: AttachmentRow = row::get(tx, &id)?.ok_or_else(|| CoreError::not_found("attachment", &id))?;
        // Put the file back if it was deleted by hand.
        if row::relative_path("path", &found.path).is_ok() {
            place(staged, &absolute(data_dir, &found.path))?;
        }
        return Ok(found);
    }
    let new = AttachmentRow {
        // Derived from (user, content): the same file attached on two devices before they
        // sync is one row, not two that break UNIQUE(user_id, content_hash).
        id: tx.natural_id("attachments", &[user_id, &staged.content_hash]),
        user_id: user_id.to_string(),
        content_hash: staged.content_hash.clone(),
        mime_type: staged.mime_type.to_string(),
        size_bytes: staged.size_bytes,
        path: relative_path(&staged.content_hash, staged.mime_type),
        original_name: staged.original_name.clone(),
        created_at: tx.now_text(),
    };
    row::insert(tx, &new)?;
    place(staged, &absolute(data_dir, &new.path))?;
    Ok(new)
}

/// The UI's view of a row: absolute path, and whether the file is still there.
pub fn view(data_dir: &Path, row: &AttachmentRow) -> Attachment {
    // A path that is not relative (written by hand or by a bug) is never resolved.
    let path = row::relative_path("path", &row.path).ok().map(|_| absolute(data_dir, &row.path));
    Attachment {
        id: row.id.clone(),
        file_path: path.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
        mime_type: row.mime_type.clone(),
        size_bytes: row.size_bytes,
        original_name: row.original_name.clone(),
        missing: !path.is_some_and(|p| p.is_file()),
    }
}

/// The user's attachment `id` (`not_found` for another user's).
/// Whether `user_id` has an attachment with this content (a reference a row of theirs may name).
pub fn has_content(conn: &Connection, user_id: &str, content_hash: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM attachments WHERE user_id = ?1 AND content_hash = ?2)")?
        .query_row(params![user_id, content_hash], |r| r.get(0))?)
}

pub fn get_row(conn: &Connection, user_id: &str, id: &str) -> Result<AttachmentRow> {
    let id = validate::id("attachment", id)?;
    let sql = format!(
        "SELECT {} FROM attachments WHERE id = ?1 AND user_id = ?2",
        AttachmentRow::COLUMNS.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
    );
    conn.prepare_cached(&sql)?
        .query_row(params![id, user_id], AttachmentRow::from_sql)
        .optional()?
        .ok_or_else(|| CoreError::not_found("attachment", id))
}

/// The content hashes of the attachments `condition` (SQL over `attachments a`) keeps.
pub fn hashes_where(conn: &Connection, condition: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare(&format!("SELECT DISTINCT a.content_hash FROM attachments a WHERE {condition}"))?;
    let hashes = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(hashes)
}

/// Deletes the attachment rows of `hash` that `shown` (an SQL condition over `attachments a`,
/// e.g. `crate::rooms::attachment_in_use`) says nothing shows: captured, so the user's other
/// devices drop the row, and then the file, too.
pub fn forget_unshown(tx: &crate::db::Tx, hash: &str, shown: &str) -> Result<usize> {
    Ok(tx.execute(&format!("DELETE FROM attachments AS a WHERE a.content_hash = ?1 AND NOT {shown}"), [hash])?)
}

pub fn get(conn: &Connection, data_dir: &Path, user_id: &str, id: &str) -> Result<Attachment> {
    Ok(view(data_dir, &get_row(conn, user_id, id)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_content_before_the_extension() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....", Some("photo.jpg")), Some("image/png"));
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0", None), Some("video/mp4"));
        assert_eq!(sniff(b"\0\0\0\x18ftypM4A \0\0\0\0", Some("a.mp4")), Some("audio/mp4"));
        assert_eq!(sniff(b"\x1a\x45\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\x82\x84webm", None), Some("video/webm"));
        assert_eq!(sniff(b"just text", Some("clip.WEBM")), Some("video/webm"));
        assert_eq!(sniff(b"just text", Some("notes.txt")), None);
        assert_eq!(sniff(b"%PDF-1.7", Some("x.png")), Some("application/pdf"));
    }

    #[test]
    fn names_lose_their_folders() {
        assert_eq!(clean_name(Some("C:\\Users\\me\\bg.png")).as_deref(), Some("bg.png"));
        assert_eq!(clean_name(Some("../../etc/passwd")).as_deref(), Some("passwd"));
        assert_eq!(clean_name(Some("  ")), None);
    }
}
