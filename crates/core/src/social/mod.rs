//! Social: profiles with interest tags, follows and follow requests, blocks and mutes,
//! posts of study logs (content, subject, book, duration, tags) with their likes and
//! comments, the feed, the activity items they cause, and the emoji picker. Written
//! offline, delivered on sync.
//!
//! Contract: this room owns `user_tags`, `follows`, `follow_decisions`, `user_blocks`,
//! `user_mutes`, `posts`, `post_media`, `post_tags`, `post_comments`, `post_likes`,
//! `emoji_categories`, `emojis` and `user_emoji_favorites`, their rules and their SQL
//! (the profile row itself, `users`, is typed in `account`, which this room calls for
//! faces and counters). The cached counters (`posts.like_count`, `posts.comment_count`,
//! `users.followers_count`, ...) are derived summaries ([`counters`]): the write path
//! keeps them in the transaction that moves them, whether the change was made here or
//! pulled by sync. The activity items a post, like, comment or follow causes for this
//! device's user are made the same way ([`activity`]).

pub mod activity;
pub mod counters;
pub mod emoji;
pub mod follows;
pub mod media;
mod mp4;
pub mod posts;
pub mod rows;

use crate::{CoreError, Result};
use unicode_normalization::UnicodeNormalization;

/// Tags as they are stored: trimmed, without a leading `#`, NFC, lower case, each once, in
/// the order given; 1 to 50 characters each, at most `max`.
pub fn clean_tags(tags: &[String], max: usize) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for raw in tags {
        let tag: String = raw.trim().trim_start_matches('#').trim().nfc().flat_map(char::to_lowercase).collect();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > 50 || tag.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(CoreError::validation(format!(
                "a tag is one word of at most 50 characters ('{}' is not)",
                crate::validate::truncate_for_message(raw)
            )));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > max {
        return Err(CoreError::validation(format!("at most {max} tags (there are {})", out.len())));
    }
    Ok(out)
}
