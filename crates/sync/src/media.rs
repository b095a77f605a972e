//! How a shared row names a file (docs/sync.md §16.2): `attachment:<sha256>.<ext>`, the
//! content hash of the file (64 lower-case hex digits) and the canonical extension of its
//! type. Used by `post_media.url`, `posts.image_url`, `users.avatar_url` and
//! `users.banner_image_url` and `emojis.image_url` (custom emoji). The device finds the file at
//! `attachments/<first 2 hex>/<sha256>.<ext>` in its data folder; the server lets every
//! account that may read such a row download the file its owner uploaded (`blob_refs`).
//! Shared by both so they parse the reference the same way: anything else (a web address,
//! a path) refers to no file.

use serde_json::{Map, Value};

pub const SCHEME: &str = "attachment:";

/// The extensions a reference may carry: the canonical one of each accepted image and
/// video type (the app's `attachments` module).
pub const EXTENSIONS: &[&str] = &["png", "jpg", "gif", "webp", "bmp", "avif", "mp4", "webm", "mov", "ogv"];

/// The columns that hold a reference, by table.
pub const REFERENCING: &[(&str, &[&str])] =
    &[("post_media", &["url"]), ("users", &["avatar_url", "banner_image_url"]), ("emojis", &["image_url"])];

/// `attachment:<hash>.<ext>`.
pub fn url(content_hash: &str, ext: &str) -> String {
    format!("{SCHEME}{content_hash}.{ext}")
}

/// The content hash and extension of a reference, if `text` is one.
pub fn parse(text: &str) -> Option<(&str, &str)> {
    let (hash, ext) = text.strip_prefix(SCHEME)?.split_once('.')?;
    (crate::is_content_hash(hash) && EXTENSIONS.contains(&ext)).then_some((hash, ext))
}

/// Whether rows of `table` may refer to files.
pub fn refers_to_files(table: &str) -> bool {
    REFERENCING.iter().any(|(t, _)| *t == table)
}

/// The content hashes a row of `table` with these columns refers to (each once).
pub fn referenced(table: &str, columns: &Map<String, Value>) -> Vec<String> {
    let Some((_, names)) = REFERENCING.iter().find(|(t, _)| *t == table) else { return vec![] };
    let mut out: Vec<String> = names
        .iter()
        .filter_map(|c| columns.get(*c).and_then(Value::as_str).and_then(parse).map(|(h, _)| h.to_string()))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_is_a_hash_and_a_known_extension() {
        let hash = "ab".repeat(32);
        assert_eq!(parse(&url(&hash, "png")), Some((hash.as_str(), "png")));
        assert_eq!(parse(&format!("attachment:{hash}.exe")), None);
        assert_eq!(parse(&format!("attachment:{}.png", "AB".repeat(32))), None, "upper case is not a content hash");
        assert_eq!(parse(&format!("attachment:../{hash}.png")), None);
        assert_eq!(parse("https://example.com/a.png"), None);
        assert_eq!(parse(&format!("attachment:{hash}.png.png")), None);
    }

    #[test]
    fn rows_name_their_files() {
        let (a, b) = ("ab".repeat(32), "cd".repeat(32));
        let mut user = Map::new();
        user.insert("avatar_url".into(), Value::from(url(&a, "jpg")));
        user.insert("banner_image_url".into(), Value::from(url(&b, "png")));
        user.insert("bio".into(), Value::from(url(&a, "png")));
        assert_eq!(referenced("users", &user), vec![a.clone(), b]);
        let mut media = Map::new();
        media.insert("url".into(), Value::from("https://example.com/x.png"));
        assert!(referenced("post_media", &media).is_empty());
        assert!(referenced("posts", &user).is_empty());
    }
}
