//! Custom emoji: an image a user adds under a `:shortcode:`, synced to every account with
//! its file, so the `:shortcode:` in my posts and comments shows my image on my followers'
//! devices (docs/schema.md, docs/sync.md §16.2).
//!
//! Contract:
//! - A custom emoji is an `emojis` row with `is_custom` 1, `created_by` its creator,
//!   `shortcode` `:name:` (`studydesk_sync::emoji`: 2 to 32 characters of a-z, 0-9 and
//!   _), `name` a description for people (at most [`NAME_MAX`] characters; the shortcode's
//!   name when none), and `image_url` `attachment:<sha256>.<ext>`. Its id is
//!   `natural_id("emojis", [created_by, ":name:"])`: two devices of one user adding
//!   `:cat_wave:` make one row. The shipped Unicode rows have `created_by` NULL and never
//!   sync; custom rows are public (every account reads them, only the creator writes).
//! - A shortcode is unique per creator, and never shadows a Unicode shortcode (the
//!   catalog's `:name:` or an alternative shortcode in its keywords), so `:smile:` stays
//!   😄. Two users may each have `:cat_wave:`: the `:name:` in a post or comment is its
//!   author's emoji.
//! - The image is checked by CONTENT: PNG, GIF, WebP or JPEG, at most [`MAX_BYTES`] and
//!   [`MAX_SIDE`] pixels on each side (read from its header). Every refusal says why and
//!   writes nothing (no row, no file).
//! - The image is an attachment of the creator ([`SHOWS_ATTACHMENT`]: the creator's
//!   devices upload it); the server lets every account that may read the emoji row
//!   download it, never across a block by the creator. Deleting a custom emoji deletes the
//!   row (and favorites of it, by the foreign key) on every device by sync; the caller
//!   removes the file when nothing else shows it, other devices sweep theirs after a pull.

use crate::attachments;
use crate::db::row;
use crate::db::WriteCtx;
use crate::social::rows::EmojiRow;
use crate::{validate, CoreError, Db, Result};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::path::Path;
use studydesk_sync::emoji as rules;
use ts_rs::TS;

/// The largest image of a custom emoji: 256 KiB.
pub const MAX_BYTES: u64 = 256 * 1024;
/// The widest and tallest image of a custom emoji, in pixels.
pub const MAX_SIDE: u64 = 512;
/// The longest description, in characters.
pub const NAME_MAX: usize = 100;
/// The image types a custom emoji may be.
const IMAGE_TYPES: &[&str] = &["image/png", "image/gif", "image/webp", "image/jpeg"];

/// An attachment is shown by a custom emoji of its owner (`crate::rooms::attachment_in_use`).
pub const SHOWS_ATTACHMENT: &str = "EXISTS (SELECT 1 FROM emojis ce
      WHERE ce.created_by = a.user_id AND ce.is_custom = 1 AND substr(ce.image_url, 12, 64) = a.content_hash)";

/// A custom emoji as the settings list, the picker and the post text use it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct CustomEmoji {
    pub id: String,
    /// `:name:`.
    pub shortcode: String,
    pub name: String,
    /// `attachment:<sha256>.<ext>` (resolved in the media folder, like avatars).
    pub image_url: String,
    pub created_by: String,
    /// Made by this device's user.
    pub mine: bool,
    pub created_at: String,
}

impl CustomEmoji {
    fn of(row: EmojiRow, me: &str) -> CustomEmoji {
        let created_by = row.created_by.unwrap_or_default();
        CustomEmoji {
            mine: created_by == me,
            id: row.id,
            shortcode: row.shortcode.unwrap_or_default(),
            name: row.name,
            image_url: row.image_url.unwrap_or_default(),
            created_by,
            created_at: row.created_at,
        }
    }
}

fn kib(bytes: u64) -> String {
    format!("{} KiB", bytes.div_ceil(1024))
}

/// The image's type, by its content, size and pixel size (see the module contract).
pub fn check_image(bytes: &[u8]) -> Result<&'static str> {
    let found = attachments::sniff_content(&bytes[..bytes.len().min(64)]);
    let Some(mime) = found.filter(|m| IMAGE_TYPES.contains(m)) else {
        let what = found.map(|m| format!(" (it is {m})")).unwrap_or_default();
        return Err(CoreError::validation(format!("a custom emoji is a PNG, GIF, WebP or JPEG image{what}")));
    };
    let size = bytes.len() as u64;
    if size > MAX_BYTES {
        return Err(CoreError::validation(format!(
            "the image is too large: {}, and a custom emoji may be at most {}",
            kib(size),
            kib(MAX_BYTES)
        )));
    }
    let dims = imagesize::blob_size(bytes)
        .map_err(|_| CoreError::validation("the image's size in pixels could not be read: it may be damaged"))?;
    if dims.width as u64 > MAX_SIDE || dims.height as u64 > MAX_SIDE {
        return Err(CoreError::validation(format!(
            "the image is {}×{} pixels; a custom emoji is at most {MAX_SIDE}×{MAX_SIDE}",
            dims.width, dims.height
        )));
    }
    Ok(mime)
}

/// The shortcode's name by the shared rules, as a sentence when refused.
pub fn shortcode_name(typed: &str) -> Result<String> {
    rules::normalize(typed).map_err(|e| CoreError::validation(format!("\"{}\": {e}", validate::truncate_for_message(typed.trim()))))
}

/// Whether `name` is a Unicode emoji's shortcode here: the catalog's `:name:`, or an
/// alternative shortcode among its keywords (the keywords with an `_`).
fn shadows_unicode(conn: &Connection, name: &str) -> Result<bool> {
    let stored = rules::stored(name);
    let mut stmt = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM emojis WHERE created_by IS NULL AND shortcode = ?1)
             OR (instr(?2, '_') > 0 AND EXISTS (SELECT 1 FROM emojis, json_each(emojis.keywords) k
                   WHERE emojis.created_by IS NULL AND emojis.skin_tone IS NULL AND k.value = ?2))",
    )?;
    Ok(stmt.query_row(params![stored, name], |r| r.get(0))?)
}

/// The id a custom emoji of `creator` with shortcode `:name:` has on every device.
pub fn id_of(creator: &str, name: &str) -> String {
    studydesk_sync::natural_id("emojis", &[creator, &rules::stored(name)])
}

/// The rules that need the database: not a Unicode shortcode, not one of mine already.
fn check_free(conn: &Connection, me: &str, name: &str) -> Result<()> {
    if shadows_unicode(conn, name)? {
        return Err(CoreError::validation(format!(":{name}: is a standard emoji's shortcode; choose another")));
    }
    let taken: Option<EmojiRow> = row::select_one(conn, "WHERE created_by = ?1 AND shortcode = ?2", params![me, rules::stored(name)])?;
    if taken.is_some() {
        return Err(CoreError::validation(format!("you already have a custom emoji :{name}:")));
    }
    Ok(())
}

/// Adds my custom emoji `shortcode` (`:name:` or `name`) showing `bytes`, described by
/// `name` (the shortcode's name when blank). Everything is checked before a byte is stored.
pub fn add(db: &Db, data_dir: &Path, me: &str, shortcode: &str, name: Option<&str>, bytes: &[u8]) -> Result<CustomEmoji> {
    let code = shortcode_name(shortcode)?;
    let name = validate::opt_text("name", name, NAME_MAX)?.unwrap_or_else(|| code.clone());
    if name.chars().any(char::is_control) {
        return Err(CoreError::validation("the name cannot contain control characters"));
    }
    check_image(bytes)?;
    db.read(|c| check_free(c, me, &code))?;
    let staged = attachments::stage_bytes(data_dir, Some(&format!("{code}.img")), bytes)?;
    let row = db.write(WriteCtx::by(me, "emoji.custom.add"), |tx| {
        check_free(tx, me, &code)?;
        let now = tx.now_text();
        let url = studydesk_sync::media::url(&staged.content_hash, attachments::extension_of(staged.mime_type));
        let row = EmojiRow {
            id: id_of(me, &code),
            category_id: None,
            unicode: None,
            shortcode: Some(rules::stored(&code)),
            name: name.clone(),
            description: None,
            keywords: None,
            skin_tone: None,
            is_custom: true,
            image_url: Some(url),
            created_at: now.clone(),
            updated_at: now,
            sort_order: 0,
            created_by: Some(me.to_string()),
        };
        row::insert(tx, &row)?;
        // Last: it moves the file into place, after every write that could fail.
        attachments::commit(tx, data_dir, me, &staged)?;
        Ok(row)
    })?;
    Ok(CustomEmoji::of(row, me))
}

/// Deletes my custom emoji `id` (on every device, by sync). Answers the hash of its image
/// (the caller removes the file when nothing else shows it).
pub fn delete(db: &Db, me: &str, id: &str) -> Result<Vec<String>> {
    let id = validate::id("custom emoji", id)?;
    db.write(WriteCtx::by(me, "emoji.custom.delete"), |tx| {
        let found: Option<EmojiRow> = row::select_one(tx, "WHERE id = ?1 AND is_custom = 1", [&id])?;
        let Some(found) = found else { return Err(CoreError::not_found("custom emoji", id.clone())) };
        if found.created_by.as_deref() != Some(me) {
            return Err(CoreError::validation("only its creator can delete a custom emoji"));
        }
        tx.prepare_cached("DELETE FROM emojis WHERE id = ?1")?.execute([&id])?;
        Ok(found.image_url.as_deref().and_then(studydesk_sync::media::parse).map(|(h, _)| h.to_string()).into_iter().collect())
    })
}

/// Every custom emoji on this device but those of users I block or who block me: mine
/// first, then by creator; each by shortcode.
pub fn list(conn: &Connection, me: &str) -> Result<Vec<CustomEmoji>> {
    let rows: Vec<EmojiRow> = row::select(
        conn,
        "WHERE is_custom = 1 AND created_by IS NOT NULL
           AND created_by NOT IN (SELECT blocked_user_id FROM user_blocks WHERE user_id = ?1)
           AND created_by NOT IN (SELECT user_id FROM user_blocks WHERE blocked_user_id = ?1)
         ORDER BY created_by <> ?1, created_by, shortcode",
        [me],
    )?;
    Ok(rows.into_iter().map(|r| CustomEmoji::of(r, me)).collect())
}

/// Every custom emoji image reference on this device (files sync must keep).
pub fn image_refs(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare_cached("SELECT image_url FROM emojis WHERE is_custom = 1 AND image_url IS NOT NULL")?;
    let refs = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(refs)
}
