//! Emoji (seed 002): the Unicode catalog in `emoji_categories` and `emojis`, search by
//! name, shortcode and keyword in English and Japanese, the user's skin tone, favorites
//! and recently used (`user_emoji_favorites`).
//!
//! Contract:
//! - The catalog is shipped reference data ([`catalog`]): installed at open when its
//!   version changed, never synced. Ids come from the code points, so a favorite synced
//!   from another device names the same row here.
//! - Base emoji have `skin_tone` NULL; a skin-tone variant has `skin_tone` `"1"`..`"5"`
//!   (or `"5-4"` for two people) and the shortcode `<base>:skin-tone-<tones>:`. Lists and
//!   search return base emoji with [`Emoji::unicode`] already in the user's tone
//!   (`user_preferences` key [`SKIN_TONE_KEY`], 0 = the default yellow).
//! - `emojis.name` is the English CLDR name, `description` the Japanese one, `keywords`
//!   a JSON array of both languages' CLDR keywords and the other shortcodes.
//! - `user_emoji_favorites` has a row per emoji the user used or starred: `usage_count`
//!   and `last_used` count uses (always the base emoji), `favorited_at` (V11) is set while
//!   it is starred. Those rows sync like any private row.
//! - Custom emoji ([`custom`]: `is_custom` 1, `created_by`, `image_url`) sync; the
//!   catalog's rows never do. The picker offers mine: in [`EmojiCatalog::custom`], in
//!   search results, favorites and recent ones, with [`Emoji::unicode`] the `:shortcode:`
//!   to insert and [`Emoji::image_url`] the image to show.

pub mod catalog;
pub mod custom;

use crate::account::preferences;
use crate::db::row::{self, Row};
use crate::db::WriteCtx;
use crate::error::Rule;
use crate::social::rows::{EmojiCategoryRow, EmojiRow, UserEmojiFavoriteRow};
use crate::{CoreError, Db, Result};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

/// The user's skin tone for emoji that have them: 0 (none) to 5.
pub const SKIN_TONE_KEY: &str = "emoji.skin_tone";
pub const SKIN_TONES: std::ops::RangeInclusive<i64> = 0..=5;
/// The longest search text.
pub const QUERY_MAX: usize = 100;
/// Results of one search: default and most.
pub const SEARCH_DEFAULT_LIMIT: i64 = 50;
pub const SEARCH_LIMITS: std::ops::RangeInclusive<i64> = 1..=200;
/// How many recently used emoji the picker shows.
pub const RECENT_MAX: i64 = 24;

/// An emoji as the picker shows it: the base row, in the user's skin tone.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct Emoji {
    pub id: String,
    pub category_id: Option<i64>,
    /// What is inserted: the base emoji, or its variant in the user's skin tone.
    pub unicode: String,
    pub shortcode: Option<String>,
    /// English (CLDR).
    pub name: String,
    /// Japanese (CLDR).
    pub name_ja: Option<String>,
    /// Whether skin tones apply (the picker shows its tone choice for these).
    pub has_skin_tones: bool,
    /// A custom emoji's image (`attachment:<sha256>.<ext>`); `None` for a Unicode emoji.
    pub image_url: Option<String>,
}

/// Everything the picker draws before a search: categories, every base emoji in order,
/// the user's tone, favorites and recent ones.
#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct EmojiCatalog {
    pub version: String,
    pub categories: Vec<EmojiCategoryRow>,
    pub emojis: Vec<Emoji>,
    /// My custom emoji, by shortcode (the picker's "Custom" category).
    pub custom: Vec<Emoji>,
    pub skin_tone: i64,
    pub mine: EmojiMine,
}

/// The user's starred emoji (most recently starred first) and recently used ones.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, PartialEq)]
#[ts(export)]
pub struct EmojiMine {
    pub favorites: Vec<Emoji>,
    pub recent: Vec<Emoji>,
}

/// The user's skin tone (0 when never chosen).
pub fn skin_tone(conn: &Connection, user_id: &str) -> Result<i64> {
    Ok(preferences::get::<i64>(conn, user_id, SKIN_TONE_KEY)?.filter(|t| SKIN_TONES.contains(t)).unwrap_or(0))
}

pub fn set_skin_tone(db: &Db, user_id: &str, tone: i64) -> Result<i64> {
    if !SKIN_TONES.contains(&tone) {
        return Err(CoreError::rule(Rule::Range { field: "skin_tone".into(), min: 0, max: 5, got: tone }));
    }
    db.write(WriteCtx::by(user_id, "emoji.skin_tone"), |tx| preferences::set(tx, user_id, SKIN_TONE_KEY, &tone))?;
    Ok(tone)
}

/// The variants of one tone, by base shortcode (empty for tone 0), and the set of base
/// shortcodes that have any variant.
struct Tones {
    variant: HashMap<String, String>,
    toned: std::collections::HashSet<String>,
}

impl Tones {
    fn read(conn: &Connection, tone: i64) -> Result<Tones> {
        let mut stmt = conn.prepare_cached(
            "SELECT shortcode, unicode, skin_tone FROM emojis WHERE skin_tone IS NOT NULL AND is_custom = 0 AND shortcode IS NOT NULL",
        )?;
        let mut tones = Tones { variant: HashMap::new(), toned: Default::default() };
        let wanted = tone.to_string();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?)))?;
        for row in rows {
            let (shortcode, unicode, skin) = row?;
            let Some(base) = shortcode.split_once(":skin-tone-").map(|(b, _)| b.to_string()) else { continue };
            if skin == wanted {
                if let Some(u) = unicode {
                    tones.variant.insert(base.clone(), u);
                }
            }
            tones.toned.insert(base);
        }
        Ok(tones)
    }

    fn view(&self, e: EmojiRow) -> Emoji {
        let key = e.shortcode.clone().unwrap_or_default();
        // A custom emoji inserts its `:shortcode:`.
        let unicode = if e.is_custom { key.clone() } else { self.variant.get(&key).cloned().or(e.unicode).unwrap_or_default() };
        Emoji {
            has_skin_tones: self.toned.contains(&key),
            id: e.id,
            category_id: e.category_id,
            unicode,
            shortcode: e.shortcode,
            name: e.name,
            name_ja: e.description,
            image_url: e.image_url.filter(|_| e.is_custom),
        }
    }
}

/// The whole picker: categories and every base emoji in Unicode's order.
pub fn catalog(conn: &Connection, user_id: &str) -> Result<EmojiCatalog> {
    let tone = skin_tone(conn, user_id)?;
    let tones = Tones::read(conn, tone)?;
    let categories: Vec<EmojiCategoryRow> = row::select(conn, "WHERE is_active = 1 ORDER BY sort_order, id", [])?;
    let rows: Vec<EmojiRow> =
        row::select(conn, "WHERE skin_tone IS NULL AND is_custom = 0 ORDER BY category_id, sort_order", [])?;
    let custom: Vec<EmojiRow> = row::select(conn, "WHERE is_custom = 1 AND created_by = ?1 ORDER BY shortcode", [user_id])?;
    Ok(EmojiCatalog {
        version: crate::account::app_settings::get(conn, catalog::VERSION_KEY)?.unwrap_or_default(),
        categories,
        emojis: rows.into_iter().map(|e| tones.view(e)).collect(),
        custom: custom.into_iter().map(|e| tones.view(e)).collect(),
        skin_tone: tone,
        mine: mine_with(conn, user_id, &tones)?,
    })
}

/// Base emoji and my custom emoji matching every word of `query` in their English or
/// Japanese name, a shortcode or a keyword; best first: an exact shortcode, an exact name, a name
/// starting with the first word, a shortcode starting with it, then Unicode's order.
pub fn search(conn: &Connection, user_id: &str, query: &str, limit: Option<i64>) -> Result<Vec<Emoji>> {
    let limit = limit.unwrap_or(SEARCH_DEFAULT_LIMIT);
    if !SEARCH_LIMITS.contains(&limit) {
        return Err(CoreError::rule(Rule::Range { field: "limit".into(), min: 1, max: 200, got: limit }));
    }
    let length = query.chars().count();
    if length > QUERY_MAX {
        return Err(CoreError::rule(Rule::TooLong { field: "query".into(), max: QUERY_MAX as i64, length: length as i64 }));
    }
    let words: Vec<String> =
        query.split_whitespace().map(|w| w.trim_matches(':').to_lowercase()).filter(|w| !w.is_empty()).take(5).collect();
    let Some(first) = words.first() else { return Ok(Vec::new()) };
    let mut conditions = String::new();
    let mut values: Vec<String> = vec![first.clone(), like_escape(first), user_id.to_string()];
    for w in &words {
        values.push(format!("%{}%", like_escape(w)));
        let p = values.len();
        conditions.push_str(&format!(
            " AND (name LIKE ?{p} ESCAPE '\\' OR description LIKE ?{p} ESCAPE '\\' OR shortcode LIKE ?{p} ESCAPE '\\' OR keywords LIKE ?{p} ESCAPE '\\')"
        ));
    }
    values.push(limit.to_string());
    let sql = row::select_sql::<EmojiRow>(&format!(
        "WHERE skin_tone IS NULL AND (is_custom = 0 OR created_by = ?3){conditions}
         ORDER BY CASE WHEN shortcode = ':' || ?1 || ':' THEN 0
                       WHEN lower(name) = ?1 OR description = ?1 THEN 1
                       WHEN name LIKE ?2 || '%' ESCAPE '\\' OR description LIKE ?2 || '%' ESCAPE '\\' THEN 2
                       WHEN shortcode LIKE ':' || ?2 || '%' ESCAPE '\\' THEN 3
                       ELSE 4 END, category_id, sort_order
         LIMIT ?{}",
        values.len()
    ));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values.iter()), |r| EmojiRow::from_sql(r))?.collect::<rusqlite::Result<Vec<_>>>()?;
    let tones = Tones::read(conn, skin_tone(conn, user_id)?)?;
    Ok(rows.into_iter().map(|e| tones.view(e)).collect())
}

/// `text` with LIKE's wildcards and the escape character escaped (ESCAPE '\').
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

pub fn mine(conn: &Connection, user_id: &str) -> Result<EmojiMine> {
    let tones = Tones::read(conn, skin_tone(conn, user_id)?)?;
    mine_with(conn, user_id, &tones)
}

fn mine_with(conn: &Connection, user_id: &str, tones: &Tones) -> Result<EmojiMine> {
    let of = |rest: &str, limit: i64| -> Result<Vec<Emoji>> {
        let sql = format!(
            "SELECT {} FROM emojis e JOIN user_emoji_favorites f ON f.emoji_id = e.id WHERE f.user_id = ?1 AND {rest} LIMIT ?2",
            EmojiRow::COLUMNS.iter().map(|c| format!("e.\"{c}\"")).collect::<Vec<_>>().join(", ")
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![user_id, limit], |r| EmojiRow::from_sql(r))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows.into_iter().map(|e| tones.view(e)).collect())
    };
    Ok(EmojiMine {
        favorites: of("f.favorited_at IS NOT NULL ORDER BY f.favorited_at DESC, e.sort_order", 200)?,
        recent: of("f.last_used IS NOT NULL ORDER BY f.last_used DESC, f.usage_count DESC", RECENT_MAX)?,
    })
}

/// The base emoji `id` (a variant counts for its base), or a clear not-found.
fn base_of(conn: &Connection, id: &str) -> Result<EmojiRow> {
    let id = crate::validate::id("emoji", id)?;
    let e: EmojiRow = row::get(conn, &id)?.ok_or_else(|| CoreError::not_found("emoji", id.clone()))?;
    match (&e.skin_tone, &e.shortcode) {
        (Some(_), Some(code)) => {
            let base = code.split_once(":skin-tone-").map(|(b, _)| b).unwrap_or(code);
            row::select_one(conn, "WHERE shortcode = ?1 AND skin_tone IS NULL", [base])?.ok_or_else(|| CoreError::not_found("emoji", id))
        }
        _ => Ok(e),
    }
}

/// The user's row for emoji `emoji_id`, as stored or new (never used, not starred).
fn favorite_row(conn: &Connection, user_id: &str, emoji_id: &str, now: &str) -> Result<(UserEmojiFavoriteRow, bool)> {
    let stored: Option<UserEmojiFavoriteRow> =
        row::select_one(conn, "WHERE user_id = ?1 AND emoji_id = ?2", params![user_id, emoji_id])?;
    Ok(match stored {
        Some(r) => (r, true),
        None => (
            UserEmojiFavoriteRow {
                id: studydesk_sync::natural_id("user_emoji_favorites", &[user_id, emoji_id]),
                user_id: user_id.to_string(),
                emoji_id: emoji_id.to_string(),
                created_at: now.to_string(),
                usage_count: 0,
                last_used: None,
                favorited_at: None,
            },
            false,
        ),
    })
}

/// Records one use of an emoji (its base): the picker's "recently used".
pub fn record_use(db: &Db, user_id: &str, id: &str) -> Result<EmojiMine> {
    db.write(WriteCtx::by(user_id, "emoji.use"), |tx| {
        let base = base_of(tx, id)?;
        let now = tx.now_text();
        let (mut fav, stored) = favorite_row(tx, user_id, &base.id, &now)?;
        fav.usage_count += 1;
        fav.last_used = Some(now);
        if stored { row::update(tx, &fav) } else { row::insert(tx, &fav) }
    })?;
    db.read(|c| mine(c, user_id))
}

/// Stars or unstars an emoji (its base). Unstarring keeps its use count.
pub fn set_favorite(db: &Db, user_id: &str, id: &str, favorite: bool) -> Result<EmojiMine> {
    db.write(WriteCtx::by(user_id, "emoji.favorite"), |tx| {
        let base = base_of(tx, id)?;
        let now = tx.now_text();
        let (mut fav, stored) = favorite_row(tx, user_id, &base.id, &now)?;
        if favorite == fav.favorited_at.is_some() {
            return Ok(());
        }
        fav.favorited_at = favorite.then_some(now);
        if stored { row::update(tx, &fav) } else { row::insert(tx, &fav) }
    })?;
    db.read(|c| mine(c, user_id))
}

/// One emoji by id, in the user's tone (for a caller holding an id).
pub fn get(conn: &Connection, user_id: &str, id: &str) -> Result<Emoji> {
    let base = base_of(conn, id)?;
    let tones = Tones::read(conn, skin_tone(conn, user_id)?)?;
    Ok(tones.view(base))
}
