//! The @username rules, shared by the app (checked before a profile is saved) and the
//! server (checked on every push and by the availability endpoint), so both refuse the same
//! names with the same reason.
//!
//! A username is 3 to 30 characters after NFC normalisation: letters and digits of any
//! script, `_` and `.` (not first, not last); no spaces, no control or invisible
//! characters. It must pass UTS #39's "highly restrictive" level: one script, or Latin
//! with Han and Japanese kana, Chinese or Korean, so `pаypal` with a Cyrillic `а` is
//! refused. Two usernames are the same name when their [`skeleton`]s are equal (UTS #39
//! confusable skeleton of the case-folded name): `rn` and `m`, `O` and `0` are one name,
//! and the second account to ask is told it is taken.

use unicode_normalization::UnicodeNormalization;
use unicode_security::{RestrictionLevel, RestrictionLevelDetection};

pub const MIN_CHARS: usize = 3;
pub const MAX_CHARS: usize = 30;

/// Why a username is refused; [`std::fmt::Display`] is the message the user reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsernameError {
    Length,
    Whitespace,
    Control,
    Character(char),
    Edge,
    MixedScripts,
}

impl std::fmt::Display for UsernameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UsernameError::Length => write!(f, "a username has {MIN_CHARS} to {MAX_CHARS} characters"),
            UsernameError::Whitespace => f.write_str("a username cannot contain spaces"),
            UsernameError::Control => f.write_str("a username cannot contain control or invisible characters"),
            UsernameError::Character(c) => {
                write!(f, "a username has letters, digits, '_' and '.' only ('{c}' is none of them)")
            }
            UsernameError::Edge => f.write_str("a username cannot start or end with '.' or '_'"),
            UsernameError::MixedScripts => f.write_str(
                "a username mixes alphabets that look alike (e.g. a Cyrillic letter among Latin ones); use one alphabet",
            ),
        }
    }
}

impl std::error::Error for UsernameError {}

/// The username as it is stored (NFC), or why it is refused.
pub fn normalize(name: &str) -> Result<String, UsernameError> {
    let name: String = name.nfc().collect();
    if let Some(c) = name.chars().find(|c| c.is_whitespace()) {
        return Err(if c.is_control() {
            UsernameError::Control
        } else {
            UsernameError::Whitespace
        });
    }
    if name.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(UsernameError::Control);
    }
    let count = name.chars().count();
    if !(MIN_CHARS..=MAX_CHARS).contains(&count) {
        return Err(UsernameError::Length);
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
    {
        return Err(UsernameError::Character(c));
    }
    if name.starts_with(['.', '_']) || name.ends_with(['.', '_']) {
        return Err(UsernameError::Edge);
    }
    if !name
        .as_str()
        .check_restriction_level(RestrictionLevel::HighlyRestrictive)
    {
        return Err(UsernameError::MixedScripts);
    }
    Ok(name)
}

/// Format, join and bidi controls, variation selectors: characters that change nothing a
/// reader sees.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{00AD}')
}

/// The name two usernames share when a reader could take one for the other.
pub fn skeleton(name: &str) -> String {
    let folded: String = name.nfkc().flat_map(char::to_lowercase).collect();
    let skeleton: String = unicode_security::skeleton(&folded).collect();
    // The skeleton maps some letters to capitals or other cases; fold again.
    skeleton.chars().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_pass_in_nfc() {
        assert_eq!(normalize("mika_k").as_deref(), Ok("mika_k"));
        assert_eq!(normalize("みか.study").as_deref(), Ok("みか.study"));
        assert_eq!(normalize("cafe\u{301}s").as_deref(), Ok("caf\u{e9}s"));
    }

    #[test]
    fn bad_names_say_why() {
        assert_eq!(normalize("ab"), Err(UsernameError::Length));
        assert_eq!(normalize(&"a".repeat(31)), Err(UsernameError::Length));
        assert_eq!(normalize("mika k"), Err(UsernameError::Whitespace));
        assert_eq!(normalize("mika\u{7}k"), Err(UsernameError::Control));
        assert_eq!(normalize("mi\u{200B}ka"), Err(UsernameError::Control));
        assert_eq!(normalize("mika!"), Err(UsernameError::Character('!')));
        assert_eq!(normalize(".mika"), Err(UsernameError::Edge));
        assert_eq!(normalize("p\u{430}ypal"), Err(UsernameError::MixedScripts));
    }

    #[test]
    fn lookalikes_share_a_skeleton() {
        assert_eq!(skeleton("Mika"), skeleton("mika"));
        assert_eq!(skeleton("rnika"), skeleton("mika"));
        assert_eq!(skeleton("paypa1"), skeleton("paypal"));
        assert_eq!(skeleton("\u{440}\u{430}ypal"), skeleton("paypal"));
        assert_ne!(skeleton("mika"), skeleton("miko"));
    }
}
