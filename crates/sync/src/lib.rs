//! The sync protocol shared by the app's core and the sync server (docs/sync.md): the
//! wire types of `/v1`, the per-column merge both sides run, deterministic ids for
//! natural-key rows, and the catalog of synced tables. No I/O here, so the same rules are
//! unit- and property-tested once and cannot drift between client and server.

pub mod catalog;
pub mod clock;
pub mod emoji;
pub mod media;
pub mod merge;
pub mod natural;
pub mod streams;
pub mod username;
pub mod wire;

pub use catalog::{Catalog, Class, TableInfo};
pub use clock::Clock;
pub use merge::{merge, Outcome, RowState, Superseded};
pub use natural::natural_id;
pub use wire::*;

/// Largest attachment file (blob) one `PUT /v1/blobs/{content_hash}` may carry, in bytes
/// (512 MiB): the server's default `max_blob_bytes`, and what a device should check before
/// it uploads. A file size, hence `u64` (the JSON limit `MAX_BODY_BYTES` is a buffer size).
pub const MAX_BLOB_BYTES: u64 = 512 * 1024 * 1024;

/// The largest row a server keeps (its columns as JSON, in bytes): a push making a larger
/// row is refused for that change alone (`invalid_value`).
pub const MAX_ROW_BYTES: usize = 1024 * 1024;

/// The most bytes of changes one pull page carries (its changes as JSON; the page's own
/// fields add a few hundred bytes). A page holds at least one change, and a change is at
/// most a row, so no page is larger than this.
pub const MAX_PULL_PAGE_BYTES: usize = 4 * MAX_ROW_BYTES;

/// Whether `text` is a content hash as rows and blob paths carry it: a SHA-256 digest in
/// 64 lower-case hex digits.
pub fn is_content_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The content hash of a finished SHA-256 digest: 64 lower-case hex digits, the form
/// [`is_content_hash`] accepts.
pub fn content_hash_text(digest: &[u8]) -> String {
    use std::fmt::Write;
    digest.iter().fold(String::with_capacity(digest.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}"); // writing to a String cannot fail
        out
    })
}

/// Headers of `HEAD /v1/blobs/{hash}` answered 404: the largest file the server takes, and
/// the bytes left in the account's quota (lower case: HTTP/2 and `HeaderName::from_static`).
pub const BLOB_MAX_BYTES_HEADER: &str = "studydesk-blob-max-bytes";
pub const BLOB_QUOTA_FREE_HEADER: &str = "studydesk-blob-quota-free";

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn a_digest_becomes_the_content_hash_rows_carry() {
        let text = content_hash_text(&Sha256::digest(b"abc"));
        assert_eq!(text, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(is_content_hash(&text));
        assert!(!is_content_hash(&text.to_uppercase()));
        assert!(!is_content_hash(&text[..63]));
    }
}
