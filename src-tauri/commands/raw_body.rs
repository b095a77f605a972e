//! What a `raw` command receives (see `studydesk_core::api::declare`): a file's bytes as the
//! raw IPC body (`invoke(cmd, uint8array, { headers })`), so a large video is not turned
//! into a JSON array of numbers, and its other arguments as `x-<name>` headers,
//! URI-encoded. The declared `content-type` is not trusted: the core sniffs the bytes.

use studydesk_core::error::ApiError;
use tauri::ipc::{InvokeBody, Request};

/// The request's raw body; a JSON body is refused.
pub fn bytes<'r>(request: &'r Request<'_>) -> Result<&'r [u8], ApiError> {
    match request.body() {
        InvokeBody::Raw(bytes) => Ok(bytes),
        InvokeBody::Json(_) => Err(validation("send the file's bytes as the raw body (a Uint8Array), not JSON")),
    }
}

/// The argument `name` from its `x-<name>` header (`_` as `-`), URI-decoded.
pub fn header<T: FromHeader>(request: &Request<'_>, name: &str) -> Result<T, ApiError> {
    let header = format!("x-{}", name.replace('_', "-"));
    let value = request.headers().get(header.as_str()).and_then(|v| v.to_str().ok()).map(percent_decode);
    T::from_header(value, &header)
}

/// An argument type a header can carry.
pub trait FromHeader: Sized {
    fn from_header(value: Option<String>, header: &str) -> Result<Self, ApiError>;
}

impl FromHeader for String {
    fn from_header(value: Option<String>, header: &str) -> Result<Self, ApiError> {
        value.ok_or_else(|| validation(&format!("the {header} header is missing")))
    }
}

impl FromHeader for Option<String> {
    fn from_header(value: Option<String>, _: &str) -> Result<Self, ApiError> {
        Ok(value)
    }
}

fn validation(message: &str) -> ApiError {
    ApiError::from(studydesk_core::CoreError::validation(message))
}
/// Decodes `encodeURIComponent` output; a malformed escape is kept as written.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (b[i], b.get(i + 1).and_then(|c| hex(*c)), b.get(i + 2).and_then(|c| hex(*c))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_uri_decoded() {
        assert_eq!(super::percent_decode("%E5%A4%95%E7%84%BC%E3%81%91%20sky.png"), "夕焼け sky.png");
        assert_eq!(super::percent_decode("100%.png"), "100%.png");
        assert_eq!(super::percent_decode("a%2"), "a%2");
    }
}
