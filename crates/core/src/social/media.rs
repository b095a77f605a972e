//! Images and short videos of posts (`post_media`), and the avatar and banner of a
//! profile: files the author attached, referred to by content hash so every device that
//! may read the row finds or fetches the same file.
//!
//! Contract:
//! - A file is accepted by its CONTENT (`attachments::sniff_content`, never the name): an
//!   image (PNG, JPEG, GIF, WebP, BMP, AVIF) of at most [`MAX_IMAGE_BYTES`] or a video
//!   (MP4, WebM, MOV, OGV) of at most [`MAX_VIDEO_BYTES`]; anything else is a `validation`
//!   error that names the file and says why, and nothing is written.
//! - A post carries at most [`MAX_MEDIA`] items, in order. Each is a `post_media` row:
//!   `media_type` `image` or `video`, `url` `attachment:<sha256>.<ext>`
//!   (`studydesk_sync::media`), `order_index` 0.., and `metadata` JSON
//!   `{content_hash, mime, size, width, height, alt, duration_seconds}` (width and height
//!   read from the file's header, `imagesize` for images, the MP4/MOV `tkhd` box for
//!   videos; `duration_seconds` from `mvhd` for MP4/MOV only; absent when unknown; `alt`
//!   absent when none, at most [`MAX_ALT`] characters). `posts.image_url` mirrors the url
//!   of the first image.
//! - The author's file stays an `attachments` row of the author (so it is uploaded by the
//!   author's devices: [`SHOWS_ATTACHMENT`]); any device finds the file at
//!   `attachments/<2 hex>/<sha256>.<ext>` ([`local_path`]) whoever attached it, and sync
//!   fetches the files of pulled posts and profiles (`sync::files`).
//! - Deleting a post deletes its rows (ON DELETE CASCADE, on every device by sync) and
//!   then, on the deleting device, each file no row refers to any more
//!   ([`remove_unreferenced`]); other devices sweep theirs after a pull.

use crate::attachments::{self, MediaKind};
use crate::db::row;
use crate::db::{Tx, WriteCtx};
use crate::social::rows::PostMediaRow;
use crate::{validate, CoreError, Db, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use studydesk_sync::media as refs;
use ts_rs::TS;

/// The most images or videos one post carries.
pub const MAX_MEDIA: usize = 10;
/// The largest image of a post, avatar or banner: 20 MiB.
pub const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;
/// The largest video of a post: 512 MiB, the largest file sync carries
/// (`studydesk_sync::MAX_BLOB_BYTES`): a larger one could never reach a follower. So a
/// 600 MiB video is refused (issue 14).
pub const MAX_VIDEO_BYTES: u64 = studydesk_sync::MAX_BLOB_BYTES;
/// The longest alt text, in characters.
pub const MAX_ALT: usize = 1_500;

const _: () = assert!(MAX_VIDEO_BYTES <= attachments::MAX_BYTES && MAX_IMAGE_BYTES < MAX_VIDEO_BYTES);

/// One item of a draft, in the order the post shows them: a file just attached (an
/// attachment of mine, from [`add_bytes`]) or an item the post has (kept by an edit).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct MediaDraft {
    pub attachment_id: Option<String>,
    pub media_id: Option<String>,
    pub alt: Option<String>,
}

/// A file the composer attached, before it is posted.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct MediaFile {
    pub attachment_id: String,
    /// Absolute path, for `convertFileSrc`.
    pub file_path: String,
    /// `image` or `video`.
    pub media_type: String,
    pub mime_type: String,
    pub size_bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

/// An image or video of a post as the feed shows it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct PostMedia {
    pub id: String,
    /// `image` or `video`.
    pub media_type: String,
    pub url: String,
    pub order_index: i64,
    /// Absolute path of the file on this device, for `convertFileSrc` (empty when the
    /// url names no file).
    pub file_path: String,
    /// The file is not on this device (yet): show a placeholder.
    pub missing: bool,
    pub mime_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub alt: Option<String>,
    pub duration_seconds: Option<f64>,
}

fn kind_word(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Image => "image",
        MediaKind::Video => "video",
    }
}

fn named(name: Option<&str>) -> String {
    name.map(|n| format!("\"{}\"", validate::truncate_for_message(n))).unwrap_or_else(|| "the file".into())
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The type and kind of a file for a post, by its first bytes and size (see the module
/// contract).
pub fn check_file(head: &[u8], size: u64, name: Option<&str>) -> Result<(&'static str, MediaKind)> {
    let found = attachments::sniff_content(head);
    let Some((mime, kind)) = found.and_then(|m| attachments::media_kind(m).map(|k| (m, k))) else {
        let what = found.map(|m| format!(" (it is {m})")).unwrap_or_default();
        return Err(CoreError::validation(format!(
            "{} is not an image (PNG, JPEG, GIF, WebP, BMP, AVIF) or a video (MP4, WebM, MOV, OGV){what}",
            named(name)
        )));
    };
    let max = match kind {
        MediaKind::Image => MAX_IMAGE_BYTES,
        MediaKind::Video => MAX_VIDEO_BYTES,
    };
    if size == 0 {
        return Err(CoreError::validation(format!("{} is empty", named(name))));
    }
    if size > max {
        return Err(CoreError::validation(format!(
            "{} is too large: {}, and {} may be at most {}",
            named(name),
            mib(size),
            if kind == MediaKind::Image { "an image" } else { "a video" },
            mib(max)
        )));
    }
    Ok((mime, kind))
}

/// Checks a file on disk for a post, before anything is copied.
pub fn check_path(path: &Path) -> Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let meta = std::fs::metadata(path).map_err(|e| CoreError::io(format!("could not read {}", path.display()), e))?;
    if !meta.is_file() {
        return Err(CoreError::validation(format!("{} is not a file", path.display())));
    }
    check_file(&attachments::head_of(path)?, meta.len(), name.as_deref()).map(|_| ())
}

pub use super::mp4::Probe;

/// Reads the header of the file at `path` (never the whole file).
pub fn probe(path: &Path, mime: &str) -> Probe {
    match attachments::media_kind(mime) {
        Some(MediaKind::Image) => match imagesize::size(path) {
            Ok(s) => Probe { width: i64::try_from(s.width).ok(), height: i64::try_from(s.height).ok(), duration_seconds: None },
            Err(e) => {
                tracing::debug!(error = %e, "no pixel size in an image header");
                Probe::default()
            }
        },
        Some(MediaKind::Video) if mime == "video/mp4" || mime == "video/quicktime" => super::mp4::probe(path).unwrap_or_default(),
        _ => Probe::default(),
    }
}

/// The file of a reference on this device, and whether it is there.
pub fn local_path(data_dir: &Path, url: &str) -> Option<(PathBuf, bool)> {
    let (hash, ext) = refs::parse(url)?;
    let (mime, _) = attachments::mime_of_extension(ext)?;
    let path = attachments::absolute(data_dir, &attachments::relative_path(hash, mime));
    let present = path.is_file();
    Some((path, present))
}

/// The reference of an attachment.
pub fn url_of(row: &attachments::AttachmentRow) -> String {
    refs::url(&row.content_hash, attachments::extension_of(&row.mime_type))
}

/// Stores the bytes of a file the composer read (checked first), as an attachment of mine.
pub fn add_bytes(db: &Db, data_dir: &Path, me: &str, name: Option<&str>, bytes: &[u8]) -> Result<MediaFile> {
    check_file(&bytes[..bytes.len().min(64)], bytes.len() as u64, name)?;
    let staged = attachments::stage_bytes(data_dir, name, bytes)?;
    let row = db.write(WriteCtx::by(me, "post.media.add"), |tx| attachments::commit(tx, data_dir, me, &staged))?;
    Ok(file_view(data_dir, &row))
}

/// Stores a file on disk (checked first), as an attachment of mine.
pub fn add_path(db: &Db, data_dir: &Path, me: &str, path: &Path) -> Result<MediaFile> {
    check_path(path)?;
    let staged = attachments::stage_file(data_dir, path)?;
    let row = db.write(WriteCtx::by(me, "post.media.add"), |tx| attachments::commit(tx, data_dir, me, &staged))?;
    Ok(file_view(data_dir, &row))
}

fn file_view(data_dir: &Path, row: &attachments::AttachmentRow) -> MediaFile {
    let view = attachments::view(data_dir, row);
    let probe = probe(Path::new(&view.file_path), &row.mime_type);
    MediaFile {
        attachment_id: row.id.clone(),
        file_path: view.file_path,
        media_type: attachments::media_kind(&row.mime_type).map_or("image", kind_word).to_string(),
        mime_type: row.mime_type.clone(),
        size_bytes: row.size_bytes,
        width: probe.width,
        height: probe.height,
    }
}

/// One checked item of a draft.
struct Item {
    /// An existing row kept by an edit.
    keep: Option<PostMediaRow>,
    /// Or a new one: its attachment and the header's facts.
    new: Option<(attachments::AttachmentRow, MediaKind, Probe)>,
    alt: Option<String>,
}

fn alt_text(alt: Option<&str>, position: usize) -> Result<Option<String>> {
    let alt = alt.map(str::trim).filter(|a| !a.is_empty());
    if let Some(a) = alt {
        let n = a.chars().count();
        if n > MAX_ALT {
            return Err(CoreError::validation(format!(
                "the alt text of item {position} has {n} characters; at most {MAX_ALT}"
            )));
        }
    }
    Ok(alt.map(str::to_string))
}

/// An attachment of mine, checked again by its content on disk (it may be any attachment,
/// e.g. a background).
fn checked_attachment(conn: &Connection, data_dir: &Path, me: &str, id: &str) -> Result<(attachments::AttachmentRow, MediaKind, PathBuf)> {
    let row = attachments::get_row(conn, me, id)?;
    let name = row.original_name.clone();
    let Some((path, true)) = attachments::local_file(data_dir, &row) else {
        return Err(CoreError::validation(format!("the file of {} is not on this device", named(name.as_deref()))));
    };
    let (mime, kind) = check_file(&attachments::head_of(&path)?, row.size_bytes.max(0) as u64, name.as_deref())?;
    if mime != row.mime_type {
        return Err(CoreError::validation(format!("{} is not the {} it was attached as", named(name.as_deref()), row.mime_type)));
    }
    Ok((row, kind, path))
}

/// Checks a draft's media against the post's current rows (none for a new post).
/// At most [`MAX_MEDIA`] items.
pub fn check_count(n: usize) -> Result<()> {
    if n > MAX_MEDIA {
        return Err(CoreError::validation(format!("a post has at most {MAX_MEDIA} images or videos (this one has {n})")));
    }
    Ok(())
}

fn check_items(conn: &Connection, data_dir: &Path, me: &str, drafts: &[MediaDraft], current: &[PostMediaRow]) -> Result<Vec<Item>> {
    check_count(drafts.len())?;
    let mut items = Vec::with_capacity(drafts.len());
    for (i, d) in drafts.iter().enumerate() {
        let alt = alt_text(d.alt.as_deref(), i + 1)?;
        let item = match (&d.media_id, &d.attachment_id) {
            (Some(m), None) => {
                let kept = current.iter().find(|r| r.id == *m).cloned().ok_or_else(|| CoreError::validation(format!("item {} is not one of this post's images or videos", i + 1)))?;
                if items.iter().any(|x: &Item| x.keep.as_ref().is_some_and(|k| k.id == kept.id)) {
                    return Err(CoreError::validation(format!("item {} is listed twice", i + 1)));
                }
                Item { keep: Some(kept), new: None, alt }
            }
            (None, Some(a)) => {
                let (row, kind, path) = checked_attachment(conn, data_dir, me, a)?;
                let probe = probe(&path, &row.mime_type);
                Item { keep: None, new: Some((row, kind, probe)), alt }
            }
            _ => return Err(CoreError::validation(format!("item {} needs an attachment_id or a media_id (one of them)", i + 1))),
        };
        items.push(item);
    }
    Ok(items)
}

fn metadata(row: &attachments::AttachmentRow, probe: &Probe, alt: Option<&str>) -> Value {
    let mut m = json!({ "content_hash": row.content_hash, "mime": row.mime_type, "size": row.size_bytes });
    let obj = m.as_object_mut().expect("a json object");
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            obj.insert(k.into(), v);
        }
    };
    put("width", probe.width.map(Value::from));
    put("height", probe.height.map(Value::from));
    put("duration_seconds", probe.duration_seconds.map(|d| json!((d * 1000.0).round() / 1000.0)));
    put("alt", alt.map(Value::from));
    m
}

fn with_alt(metadata: Option<Value>, alt: Option<&str>) -> Option<Value> {
    let mut m = metadata.filter(Value::is_object).unwrap_or_else(|| json!({}));
    let obj = m.as_object_mut().expect("a json object");
    match alt {
        Some(a) => obj.insert("alt".into(), Value::from(a)),
        None => obj.remove("alt"),
    };
    Some(m)
}

/// A post's media rows, in order.
pub fn rows_of(conn: &Connection, post_id: &str) -> Result<Vec<PostMediaRow>> {
    row::select(conn, "WHERE post_id = ?1 ORDER BY order_index, id", [post_id])
}

/// Checked media of a draft, ready for [`write`] in the post's transaction.
pub struct Checked(Vec<Item>);

pub fn check(conn: &Connection, data_dir: &Path, me: &str, post_id: Option<&str>, drafts: &[MediaDraft]) -> Result<Checked> {
    let current = match post_id {
        Some(id) => rows_of(conn, id)?,
        None => vec![],
    };
    check_items(conn, data_dir, me, drafts, &current).map(Checked)
}

/// Makes the post's media rows those of `checked`, in order; answers the url of the
/// first image (`posts.image_url`). Rows dropped by an edit are deleted; their files are
/// the caller's to sweep ([`remove_unreferenced`]).
pub fn write(tx: &Tx, post_id: &str, checked: Checked) -> Result<(Option<String>, Vec<String>)> {
    let current = rows_of(tx, post_id)?;
    let kept: HashSet<&str> = checked.0.iter().filter_map(|i| i.keep.as_ref().map(|k| k.id.as_str())).collect();
    let mut dropped = vec![];
    for old in current.iter().filter(|r| !kept.contains(r.id.as_str())) {
        dropped.extend(refs::parse(&old.url).map(|(h, _)| h.to_string()));
        row::delete::<PostMediaRow>(tx, &old.id)?;
    }
    let mut first_image = None;
    for (index, item) in checked.0.into_iter().enumerate() {
        let order_index = index as i64;
        let row = match (item.keep, item.new) {
            (Some(k), _) => {
                let metadata = with_alt(k.metadata.clone(), item.alt.as_deref());
                let changed = PostMediaRow { order_index, metadata, ..k.clone() };
                if changed != k {
                    row::update(tx, &changed)?;
                }
                changed
            }
            (None, Some((att, kind, probe))) => {
                let new = PostMediaRow {
                    id: tx.new_id(),
                    post_id: post_id.into(),
                    media_type: kind_word(kind).into(),
                    url: url_of(&att),
                    order_index,
                    metadata: Some(metadata(&att, &probe, item.alt.as_deref())),
                };
                row::insert(tx, &new)?;
                new
            }
            (None, None) => continue,
        };
        if first_image.is_none() && row.media_type == "image" {
            first_image = Some(row.url);
        }
    }
    Ok((first_image, dropped))
}

/// The content hashes a post's media refer to (before it is deleted).
pub fn hashes_of(conn: &Connection, post_id: &str) -> Result<Vec<String>> {
    Ok(rows_of(conn, post_id)?.iter().filter_map(|r| refs::parse(&r.url).map(|(h, _)| h.to_string())).collect())
}

fn meta_text(m: &Option<Value>, key: &str) -> Option<String> {
    m.as_ref().and_then(|m| m.get(key)).and_then(Value::as_str).map(str::to_string)
}

fn meta_int(m: &Option<Value>, key: &str) -> Option<i64> {
    m.as_ref().and_then(|m| m.get(key)).and_then(Value::as_i64)
}

/// The feed's view of a post's media.
pub fn views(conn: &Connection, data_dir: &Path, post_id: &str) -> Result<Vec<PostMedia>> {
    Ok(rows_of(conn, post_id)?
        .into_iter()
        .map(|r| {
            let file = local_path(data_dir, &r.url);
            PostMedia {
                file_path: file.as_ref().map(|(p, _)| p.display().to_string()).unwrap_or_default(),
                missing: !file.is_some_and(|(_, present)| present),
                mime_type: meta_text(&r.metadata, "mime"),
                size_bytes: meta_int(&r.metadata, "size"),
                width: meta_int(&r.metadata, "width"),
                height: meta_int(&r.metadata, "height"),
                alt: meta_text(&r.metadata, "alt"),
                duration_seconds: r.metadata.as_ref().and_then(|m| m.get("duration_seconds")).and_then(Value::as_f64),
                id: r.id,
                media_type: r.media_type,
                url: r.url,
                order_index: r.order_index,
            }
        })
        .collect())
}

/// SQL condition over `attachments a`: a post of its owner shows it (so the author's
/// devices upload and fetch it, `crate::rooms`; the avatar and banner are
/// `account::profile::SHOWS_ATTACHMENT`). By the owner's posts
/// (`idx_posts_user_id_created_at`) and their media by post.
pub const SHOWS_ATTACHMENT: &str = "EXISTS (SELECT 1 FROM posts p JOIN post_media m ON m.post_id = p.id
      WHERE p.user_id = a.user_id AND substr(m.url, 12, 64) = a.content_hash AND m.url LIKE 'attachment:%')";

/// Every content hash a row on this device refers to: post media, avatars, banners,
/// custom emoji and attachments: those `shown_attachments` (an SQL condition over `attachments a`, e.g.
/// `crate::rooms::attachment_in_use`) keeps, or every attachment row when `None` (so a
/// file attached in the composer and not posted yet is kept).
pub fn referenced_hashes(conn: &Connection, shown_attachments: Option<&str>) -> Result<HashSet<String>> {
    let mut out: HashSet<String> = attachments::hashes_where(conn, shown_attachments.unwrap_or("1"))?.into_iter().collect();
    let mut st = conn.prepare_cached("SELECT DISTINCT url FROM post_media")?;
    let urls = st.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    let emoji = super::emoji::custom::image_refs(conn)?;
    for text in urls.iter().chain(&crate::account::profile::picture_refs(conn)?).chain(&emoji) {
        if let Some((h, _)) = refs::parse(text) {
            out.insert(h.to_string());
        }
    }
    Ok(out)
}

/// Removes the files of `hashes` that no row refers to any more (after a post or an item
/// was deleted, a picture replaced); `shown_attachments` as for [`referenced_hashes`].
/// Their attachment rows go too, so the user's other devices, which keep the file of every
/// attachment row they hold (`sync::files::sweep`), let the file go at their next pull:
/// a deleted post's files follow it everywhere.
pub fn remove_unreferenced(db: &Db, data_dir: &Path, hashes: &[String], shown_attachments: &str) -> Result<usize> {
    if hashes.is_empty() {
        return Ok(0);
    }
    let referenced = db.read(|c| referenced_hashes(c, Some(shown_attachments)))?;
    let unreferenced: Vec<&String> = hashes.iter().filter(|h| !referenced.contains(*h)).collect();
    if !unreferenced.is_empty() {
        db.write(WriteCtx::system("attachments.unused"), |tx| {
            for hash in &unreferenced {
                attachments::forget_unshown(tx, hash, shown_attachments)?;
            }
            Ok(())
        })?;
    }
    let mut removed = 0;
    for hash in unreferenced {
        for ext in refs::EXTENSIONS {
            if let Some((path, true)) = local_path(data_dir, &refs::url(hash, ext)) {
                match std::fs::remove_file(&path) {
                    Ok(()) => removed += 1,
                    Err(e) => tracing::warn!(error = %e, path = %path.display(), "could not remove a file nothing shows"),
                }
            }
        }
    }
    Ok(removed)
}

/// Which picture of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileImage {
    Avatar,
    Banner,
}

impl ProfileImage {
    pub fn parse(word: &str) -> Option<ProfileImage> {
        match word {
            "avatar" => Some(ProfileImage::Avatar),
            "banner" => Some(ProfileImage::Banner),
            _ => None,
        }
    }
}

/// Sets my avatar or banner to an image attachment of mine (checked by its content), or
/// clears it (`None`). Answers the reference stored and the hash of the picture it
/// replaced (the caller removes its file if nothing else shows it: [`remove_unreferenced`]).
pub fn set_profile_image(db: &Db, data_dir: &Path, me: &str, which: ProfileImage, attachment_id: Option<&str>) -> Result<(Option<String>, Vec<String>)> {
    let url = match attachment_id {
        None => None,
        Some(id) => {
            let (row, kind, _) = db.read(|c| checked_attachment(c, data_dir, me, id))?;
            if kind != MediaKind::Image {
                return Err(CoreError::validation("an avatar or banner is an image, not a video"));
            }
            Some(url_of(&row))
        }
    };
    let before = db.read(|c| crate::account::profile::public_profile(c, me))?;
    let before = (before.avatar_url, before.banner_image_url);
    let edit = match which {
        ProfileImage::Avatar => crate::account::profile::ProfileEdit { avatar_url: Some(url.clone().unwrap_or_default()), ..Default::default() },
        ProfileImage::Banner => crate::account::profile::ProfileEdit { banner_image_url: Some(url.clone().unwrap_or_default()), ..Default::default() },
    };
    db.write(WriteCtx::by(me, "profile.image"), |tx| crate::account::profile::update_public(tx, me, &edit))?;
    let old = match which {
        ProfileImage::Avatar => before.0,
        ProfileImage::Banner => before.1,
    };
    let dropped: Vec<String> = old.as_deref().and_then(refs::parse).map(|(h, _)| h.to_string()).into_iter().collect();
    Ok((url, dropped))
}
