//! Row identifiers: UUIDv7 text (time-ordered, so new rows sort last in indexes).

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// True when `s` is a UUID in its canonical 36-character text form.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::parse_str(s).is_ok()
}
