//! Custom emoji rules shared by the app and the sync server (docs/sync.md §16.2): a
//! custom emoji is an `emojis` row with `is_custom` 1, its creator in `created_by`, an
//! image in `image_url` (`attachment:<sha256>.<ext>`, an image type) and a shortcode
//! stored as `:name:`, where `name` is [`SHORTCODE_MIN`] to [`SHORTCODE_MAX`] characters
//! of `a-z`, `0-9` and `_`. Its id is `natural_id("emojis", [created_by, ":name:"])`, so
//! two devices of one user adding the same shortcode make one row.
//!
//! The `emojis` table also holds the shipped Unicode catalog (`created_by` NULL): those
//! rows never sync. The app alone checks that a custom shortcode does not shadow a
//! Unicode one (the server does not hold the catalog).

pub const SHORTCODE_MIN: usize = 2;
pub const SHORTCODE_MAX: usize = 32;
/// The image types a custom emoji may be (by extension of its reference).
pub const IMAGE_EXTENSIONS: &[&str] = &["png", "gif", "webp", "jpg"];

/// Why a shortcode is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShortcodeError {
    /// The name's length in characters.
    Length(usize),
    /// The first character outside a-z, 0-9 and _.
    Character(char),
}

impl std::fmt::Display for ShortcodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShortcodeError::Length(n) => {
                write!(f, "a shortcode has {SHORTCODE_MIN} to {SHORTCODE_MAX} characters (this one has {n})")
            }
            ShortcodeError::Character(c) => write!(f, "a shortcode uses only a-z, 0-9 and _ (not {c:?})"),
        }
    }
}

impl std::error::Error for ShortcodeError {}

/// The name of a shortcode as typed: surrounding colons and spaces are dropped, letters
/// lower-cased (`:Cat_Wave:` is `cat_wave`); then the rules.
pub fn normalize(typed: &str) -> Result<String, ShortcodeError> {
    let name = typed.trim().trim_matches(':').to_lowercase();
    check(&name)?;
    Ok(name)
}

/// The rules on a bare name (no colons).
pub fn check(name: &str) -> Result<(), ShortcodeError> {
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')) {
        return Err(ShortcodeError::Character(bad));
    }
    let n = name.chars().count();
    if !(SHORTCODE_MIN..=SHORTCODE_MAX).contains(&n) {
        return Err(ShortcodeError::Length(n));
    }
    Ok(())
}

/// `:name:`, as the `shortcode` column stores it.
pub fn stored(name: &str) -> String {
    format!(":{name}:")
}

/// The name of a stored shortcode that passes the rules.
pub fn parse_stored(text: &str) -> Option<&str> {
    let name = text.strip_prefix(':')?.strip_suffix(':')?;
    check(name).ok().map(|_| name)
}

/// Whether `url` is a reference to an image a custom emoji may show.
pub fn is_image_reference(url: &str) -> bool {
    crate::media::parse(url).is_some_and(|(_, ext)| IMAGE_EXTENSIONS.contains(&ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcode_rules() {
        assert_eq!(normalize(":Cat_Wave:"), Ok("cat_wave".into()));
        assert_eq!(normalize("ok"), Ok("ok".into()));
        assert_eq!(normalize("a"), Err(ShortcodeError::Length(1)));
        assert_eq!(normalize(&"a".repeat(33)), Err(ShortcodeError::Length(33)));
        assert!(normalize(&"a".repeat(32)).is_ok());
        assert_eq!(normalize("cat wave"), Err(ShortcodeError::Character(' ')));
        assert_eq!(normalize("cat-wave"), Err(ShortcodeError::Character('-')));
        assert_eq!(normalize("ねこ"), Err(ShortcodeError::Character('ね')));
        assert_eq!(normalize("<img src=x>"), Err(ShortcodeError::Character('<')));
        assert_eq!(parse_stored(":cat_wave:"), Some("cat_wave"));
        assert_eq!(parse_stored("cat_wave"), None);
        assert_eq!(parse_stored(":Cat:"), None);
    }

    #[test]
    fn an_emoji_image_is_a_reference_to_a_picture() {
        let hash = "ab".repeat(32);
        assert!(is_image_reference(&crate::media::url(&hash, "png")));
        assert!(!is_image_reference(&crate::media::url(&hash, "mp4")));
        assert!(!is_image_reference("https://example.com/a.png"));
    }
}
