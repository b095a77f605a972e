//! Deterministic ids for rows whose identity is a natural key (a user's settings row, a
//! favorite, a day's progress snapshot…): two devices creating "the same" row make one id,
//! so the rows merge instead of colliding on a UNIQUE constraint (docs/sync.md §3).
//!
//! `id = UUIDv8(SHA-256("studydesk/nk/1" 0 table 0 k1 0 k2 …)[..16])`. Version 8 is
//! RFC 9562's slot for custom derivations and makes a derived id recognisable.

use sha2::{Digest, Sha256};

/// Tables whose every row is identified by these key columns: the server refuses an insert
/// whose id is not the one derived from them (`bad_natural_id`).
pub const NATURAL_KEYS: &[(&str, &[&str])] = &[
    ("user_settings", &["user_id"]),
    ("user_dashboard_settings", &["user_id"]),
    ("user_presence", &["user_id"]),
    ("user_preferences", &["user_id", "preference_key"]),
    ("user_activity_favorites", &["user_id", "activity_id"]),
    ("user_emoji_favorites", &["user_id", "emoji_id"]),
    ("progress_metrics", &["user_id", "scope", "captured_at"]),
    ("follows", &["follower_id", "followee_id"]),
    ("user_tags", &["user_id", "tag"]),
    ("post_likes", &["post_id", "user_id"]),
    ("post_tags", &["post_id", "tag"]),
    ("dashboard_shares", &["dashboard_id", "user_id"]),
    // The owner's cached result of a shared widget (one per widget, whichever device of
    // the owner computed it).
    ("widget_results", &["widget_id"]),
    ("attachments", &["user_id", "content_hash"]),
    ("follow_decisions", &["followee_id", "follower_id"]),
    ("user_blocks", &["user_id", "blocked_user_id"]),
    ("user_mutes", &["user_id", "muted_user_id"]),
    // Custom emoji only: the shipped Unicode rows (created_by NULL) keep ids from their
    // code points and never sync (`catalog::SHIPPED_ROWS`).
    ("emojis", &["created_by", "shortcode"]),
];

pub fn natural_id(table: &str, keys: &[&str]) -> String {
    let mut hash = Sha256::new();
    hash.update(b"studydesk/nk/1");
    hash.update([0]);
    hash.update(table.as_bytes());
    for key in keys {
        hash.update([0]);
        hash.update(key.as_bytes());
    }
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Uuid::new_v8(bytes).to_string()
}

/// The key columns of `table`, when its rows are identified by them.
pub fn key_columns(table: &str) -> Option<&'static [&'static str]> {
    NATURAL_KEYS.iter().find(|(t, _)| *t == table).map(|(_, k)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_id_and_other_keys_differ() {
        let a = natural_id("user_settings", &["u1"]);
        assert_eq!(a, natural_id("user_settings", &["u1"]));
        assert_ne!(a, natural_id("user_settings", &["u2"]));
        assert_ne!(a, natural_id("user_dashboard_settings", &["u1"]));
        // The separator keeps ("ab","c") and ("a","bc") apart.
        assert_ne!(natural_id("t", &["ab", "c"]), natural_id("t", &["a", "bc"]));
        assert_eq!(uuid::Uuid::parse_str(&a).map(|u| u.get_version_num()), Ok(8));
    }
}
