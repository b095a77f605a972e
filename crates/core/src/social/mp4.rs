//! The pixel size and duration of an MP4 or QuickTime video, from its `moov` box: `mvhd`
//! (timescale and duration) and the first track header (`tkhd`) with a picture. Reads box
//! headers and skips their bodies (a `moov` at the end of a large file costs a few seeks),
//! and `moov` itself only up to [`MAX_MOOV`]. Anything unexpected answers `None`: the
//! facts are optional metadata, never a reason to refuse a file.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// What a file's header says: pixel size and, for MP4/MOV, duration.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Probe {
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_seconds: Option<f64>,
}

/// The largest `moov` box read (a long video's sample tables take a few MiB).
const MAX_MOOV: u64 = 32 * 1024 * 1024;
/// Top-level boxes looked at before giving up.
const MAX_BOXES: usize = 64;

pub fn probe(path: &Path) -> Option<Probe> {
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut at = 0u64;
    for _ in 0..MAX_BOXES {
        if at + 8 > len {
            return None;
        }
        file.seek(SeekFrom::Start(at)).ok()?;
        let mut head = [0u8; 16];
        file.read_exact(&mut head[..8]).ok()?;
        let (mut size, kind): (u64, [u8; 4]) = (u64::from(u32::from_be_bytes(head[..4].try_into().ok()?)), head[4..8].try_into().ok()?);
        let mut header = 8;
        if size == 1 {
            file.read_exact(&mut head[8..16]).ok()?;
            size = u64::from_be_bytes(head[8..16].try_into().ok()?);
            header = 16;
        } else if size == 0 {
            size = len - at;
        }
        if size < header {
            return None;
        }
        if &kind == b"moov" {
            let body = size - header;
            if body > MAX_MOOV {
                return None;
            }
            let mut moov = vec![0u8; usize::try_from(body).ok()?];
            file.read_exact(&mut moov).ok()?;
            return Some(parse_moov(&moov));
        }
        at = at.checked_add(size)?;
    }
    None
}

/// The child boxes of a box body: (type, body).
fn boxes(mut data: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    std::iter::from_fn(move || {
        if data.len() < 8 {
            return None;
        }
        let size = u32::from_be_bytes(data[..4].try_into().ok()?) as usize;
        let (header, size) = match size {
            1 if data.len() >= 16 => (16, usize::try_from(u64::from_be_bytes(data[8..16].try_into().ok()?)).ok()?),
            0 => (8, data.len()),
            n => (8, n),
        };
        if size < header || size > data.len() {
            return None;
        }
        let item = (&data[4..8], &data[header..size]);
        data = &data[size..];
        Some(item)
    })
}

fn be_u32(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?)))
}

fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn parse_moov(moov: &[u8]) -> Probe {
    let mut probe = Probe::default();
    for (kind, body) in boxes(moov) {
        match kind {
            b"mvhd" => probe.duration_seconds = duration(body),
            b"trak" if probe.width.is_none() => {
                if let Some((w, h)) = boxes(body).find(|(k, _)| *k == b"tkhd").and_then(|(_, b)| track_size(b)) {
                    probe.width = Some(w);
                    probe.height = Some(h);
                }
            }
            _ => {}
        }
    }
    probe
}

/// `mvhd`: version 0 has 32-bit times and duration, version 1 64-bit ones.
fn duration(b: &[u8]) -> Option<f64> {
    let (timescale, duration) = match *b.first()? {
        0 => (be_u32(b, 12)?, be_u32(b, 16)?),
        1 => (be_u32(b, 20)?, be_u64(b, 24)?),
        _ => return None,
    };
    (timescale > 0 && duration > 0 && duration != u64::from(u32::MAX)).then(|| duration as f64 / timescale as f64)
}

/// `tkhd`: width and height are 16.16 fixed point at the end; zero for a sound track.
fn track_size(b: &[u8]) -> Option<(i64, i64)> {
    let at = match *b.first()? {
        0 => 76,
        1 => 88,
        _ => return None,
    };
    let (w, h) = (be_u32(b, at)? >> 16, be_u32(b, at + 4)? >> 16);
    (w > 0 && h > 0).then_some((w as i64, h as i64))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    /// A minimal MP4: `ftyp`, `mdat` of `mdat_len` bytes, then `moov` with `mvhd` (v0)
    /// and a video track of `w`×`h`; `seconds` at timescale 1000.
    pub(crate) fn tiny_mp4(w: u32, h: u32, seconds: u32, mdat_len: usize) -> Vec<u8> {
        let mut mvhd = vec![0u8; 100];
        mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
        mvhd[16..20].copy_from_slice(&(seconds * 1000).to_be_bytes());
        let mut tkhd = vec![0u8; 84];
        tkhd[76..80].copy_from_slice(&(w << 16).to_be_bytes());
        tkhd[80..84].copy_from_slice(&(h << 16).to_be_bytes());
        let sound = bx(b"trak", &bx(b"tkhd", &[0u8; 84]));
        let video = bx(b"trak", &bx(b"tkhd", &tkhd));
        let moov = bx(b"moov", &[bx(b"mvhd", &mvhd), sound, video].concat());
        let mut ftyp = b"isom".to_vec();
        ftyp.extend_from_slice(&[0, 0, 2, 0]);
        ftyp.extend_from_slice(b"isomiso2mp41");
        [bx(b"ftyp", &ftyp), bx(b"mdat", &vec![7u8; mdat_len]), moov].concat()
    }

    #[test]
    fn reads_size_and_duration_after_the_media_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clip.mp4");
        std::fs::write(&path, tiny_mp4(1280, 720, 42, 5000)).unwrap();
        let p = probe(&path).unwrap();
        assert_eq!((p.width, p.height), (Some(1280), Some(720)));
        assert_eq!(p.duration_seconds, Some(42.0));
    }

    #[test]
    fn a_cut_file_has_no_facts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.mp4");
        let whole = tiny_mp4(640, 480, 3, 100);
        std::fs::write(&path, &whole[..whole.len() - 20]).unwrap();
        assert_eq!(probe(&path), None);
    }
}
