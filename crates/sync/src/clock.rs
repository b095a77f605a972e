//! The clock of one column write: the writing device's hybrid logical clock text, ties
//! between devices broken by device id. The HLC text is fixed width
//! (`0001732241696123.00000`), so comparing texts compares times.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Clock {
    pub hlc: String,
    pub device_id: String,
}

impl Clock {
    pub fn new(hlc: &str, device_id: &str) -> Clock {
        Clock { hlc: hlc.to_string(), device_id: device_id.to_string() }
    }

    /// Stored form on the server: `hlc/device`.
    pub fn encode(&self) -> String {
        format!("{}/{}", self.hlc, self.device_id)
    }

    pub fn decode(s: &str) -> Option<Clock> {
        let (hlc, device) = s.split_once('/')?;
        Some(Clock::new(hlc, device))
    }
}

impl Ord for Clock {
    fn cmp(&self, other: &Self) -> Ordering {
        self.hlc.cmp(&other.hlc).then_with(|| self.device_id.cmp(&other.device_id))
    }
}

impl PartialOrd for Clock {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// True for `16 digits . 5 digits`: the only HLC shape the protocol accepts.
pub fn is_hlc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 22 && b[16] == b'.' && b.iter().enumerate().all(|(i, c)| i == 16 || c.is_ascii_digit())
}

/// Milliseconds since the epoch of an HLC text (`None` if it is not one).
pub fn hlc_wall_ms(s: &str) -> Option<i64> {
    if !is_hlc(s) {
        return None;
    }
    s[..16].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_are_broken_by_device_id() {
        let a = Clock::new("0000000000001000.00000", "aaaa");
        let b = Clock::new("0000000000001000.00000", "bbbb");
        let later = Clock::new("0000000000001000.00001", "aaaa");
        assert!(a < b && b < later);
        assert_eq!(Clock::decode(&b.encode()), Some(b));
    }

    #[test]
    fn only_the_fixed_width_shape_is_an_hlc() {
        assert!(is_hlc("0001732241696123.00000"));
        assert!(!is_hlc("1732241696123.0"));
        assert!(!is_hlc("0001732241696123x00000"));
        assert_eq!(hlc_wall_ms("0001732241696123.00042"), Some(1_732_241_696_123));
    }
}
