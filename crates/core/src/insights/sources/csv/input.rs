//! Where an imported CSV's bytes come from: a file's bytes the app received (IPC), or a
//! file on disk (the CLI, and the copy kept in `sources/`, re-read by refresh). Either is
//! read from the start as often as an import needs (detection, then the rows), never
//! loaded whole by this module.

use crate::{CoreError, Result};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// The bytes of a CSV to import.
#[derive(Debug, Clone, Copy)]
pub enum CsvInput<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

/// Reading buffer for a file: large enough that a 256 MiB file is ~1,000 reads.
const READ_BUFFER: usize = 256 * 1024;

impl<'a> CsvInput<'a> {
    /// Its size in bytes, without reading it.
    pub fn size(&self) -> Result<u64> {
        match self {
            CsvInput::Bytes(b) => Ok(b.len() as u64),
            CsvInput::File(p) => {
                let meta = std::fs::metadata(p).map_err(|e| CoreError::io(format!("could not read {}", p.display()), e))?;
                if !meta.is_file() {
                    return Err(CoreError::validation(format!("{} is not a file", p.display())));
                }
                Ok(meta.len())
            }
        }
    }

    /// A reader from the first byte.
    pub fn open(&self) -> Result<Box<dyn Read + 'a>> {
        match *self {
            CsvInput::Bytes(b) => Ok(Box::new(b)),
            CsvInput::File(p) => {
                let f = File::open(p).map_err(|e| CoreError::io(format!("could not read {}", p.display()), e))?;
                Ok(Box::new(BufReader::with_capacity(READ_BUFFER, f)))
            }
        }
    }

    /// Writes the bytes to `dest` (a new file), flushed to disk.
    pub fn copy_to(&self, dest: &Path) -> Result<()> {
        let failed = |e| CoreError::io(format!("could not write {}", dest.display()), e);
        let mut out = File::create(dest).map_err(failed)?;
        match *self {
            CsvInput::Bytes(b) => std::io::Write::write_all(&mut out, b).map_err(failed)?,
            CsvInput::File(p) => {
                let mut from = File::open(p).map_err(|e| CoreError::io(format!("could not read {}", p.display()), e))?;
                std::io::copy(&mut from, &mut out).map_err(failed)?;
            }
        }
        out.sync_all().map_err(failed)
    }
}
