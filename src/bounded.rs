//! The one bounded read: every file or stream samltrace reads whole (a SAML input, a key, an
//! identity list) goes through [`read_to_end`] with its limit, so no input can make it allocate
//! without bound. Captures are not read whole: the pipeline streams them.
//!
//! It reads the reader it is given and nothing else; [`read_path`] opens the file first.

use std::fmt;
use std::io::{self, Read};
use std::path::Path;

/// The most one SAML input (a file, stdin, a paste) may hold when read whole.
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// Why a bounded read gave up.
#[derive(Debug)]
#[non_exhaustive]
pub enum BoundedError {
    /// More than `limit` bytes were there.
    TooLarge {
        limit: u64,
    },
    /// A directory where a file was expected.
    Directory,
    Io(io::Error),
}

impl fmt::Display for BoundedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoundedError::TooLarge { limit } => {
                write!(f, "larger than the {} MiB it may hold", limit >> 20)
            }
            BoundedError::Directory => f.write_str("is a directory: expected a file"),
            BoundedError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BoundedError {}

impl From<io::Error> for BoundedError {
    fn from(e: io::Error) -> BoundedError {
        BoundedError::Io(e)
    }
}

/// Everything `reader` holds, or [`BoundedError::TooLarge`] as soon as it holds more than
/// `limit` bytes (at most `limit + 1` bytes are ever read).
pub fn read_to_end(reader: impl Read, limit: u64) -> Result<Vec<u8>, BoundedError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(BoundedError::TooLarge { limit });
    }
    Ok(bytes)
}

/// The file at `path`, read with [`read_to_end`]; a directory or an oversized file is refused
/// before it is read.
pub fn read_path(path: &Path, limit: u64) -> Result<Vec<u8>, BoundedError> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(BoundedError::Directory);
    }
    if meta.len() > limit {
        return Err(BoundedError::TooLarge { limit });
    }
    read_to_end(file, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_refuses_one_byte_more() {
        assert_eq!(read_to_end(&b"abcd"[..], 4).unwrap(), b"abcd");
        let e = read_to_end(&b"abcde"[..], 4).unwrap_err();
        assert!(matches!(e, BoundedError::TooLarge { limit: 4 }), "{e}");
    }

    #[test]
    fn a_directory_and_a_missing_file_say_so() {
        let dir = std::env::temp_dir();
        assert!(matches!(read_path(&dir, 10), Err(BoundedError::Directory)));
        let missing = read_path(Path::new("/nonexistent/samltrace/x"), 10).unwrap_err();
        assert!(matches!(missing, BoundedError::Io(_)), "{missing}");
    }
}
