//! Named sources and reading them: bytes already in memory, a reader (stdin), or a path. A
//! capture is streamed; anything else is read whole through the one bounded read.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::bounded::{self, BoundedError, MAX_INPUT_BYTES};
use crate::capture::{CaptureError, CaptureFormat};
use crate::input::Origin;
use crate::trace::Trace;

/// How much of a reader is looked at to tell a capture from payloads.
const HEAD: usize = 4096;

/// Where a run reads from, and the name its traces carry (`origin.input`).
pub enum Source<'a> {
    Bytes {
        name: &'a str,
        bytes: &'a [u8],
    },
    Reader {
        name: &'a str,
        reader: Box<dyn Read + Send + 'a>,
    },
    /// A file, named as given unless `name` says otherwise.
    Path {
        path: &'a Path,
        name: Option<&'a str>,
    },
}

impl Source<'_> {
    pub fn name(&self) -> String {
        match self {
            Source::Bytes { name, .. } | Source::Reader { name, .. } => (*name).to_owned(),
            Source::Path { name: Some(n), .. } => (*n).to_owned(),
            Source::Path { path, .. } => path.display().to_string(),
        }
    }
}

/// Why nothing could be read from a source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    #[error("{name}: {error}")]
    Read { name: String, error: BoundedError },
    #[error("{name}: {error}")]
    Capture { name: String, error: CaptureError },
    #[error("{name}: the capture holds no {}: nothing to trace", format.entries())]
    NoEntries { name: String, format: CaptureFormat },
    #[error("{name}: the capture scanner stopped unexpectedly")]
    Scanner { name: String },
}

impl SourceError {
    pub fn name(&self) -> &str {
        match self {
            SourceError::Read { name, .. }
            | SourceError::Capture { name, .. }
            | SourceError::NoEntries { name, .. }
            | SourceError::Scanner { name } => name,
        }
    }

    /// The failure as a trace with `message: null` and an `input`-stage error, for reports
    /// that list every source.
    pub fn trace(&self) -> Trace {
        let origin = Origin {
            input: self.name().to_owned(),
            ..Origin::default()
        };
        let offset = match self {
            SourceError::Capture { error, .. } => error.offset(),
            _ => None,
        };
        let offset = offset.and_then(|o| usize::try_from(o).ok());
        Trace::unreadable(origin, self.to_string(), offset)
    }
}

/// Opens a file for reading, refusing a directory.
pub(super) fn open(path: &Path) -> Result<File, BoundedError> {
    let file = File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(BoundedError::Directory);
    }
    Ok(file)
}

/// The first bytes of a reader (up to [`HEAD`]), and the reader for the rest.
pub(super) fn head<R: Read>(mut reader: R) -> Result<(Vec<u8>, R), BoundedError> {
    let mut head = vec![0; HEAD];
    let mut filled = 0;
    while filled < HEAD {
        match reader.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    head.truncate(filled);
    Ok((head, reader))
}

/// The whole of a source that is not a capture: its head and the rest, bounded.
pub(super) fn rest(head: Vec<u8>, reader: impl Read) -> Result<Vec<u8>, BoundedError> {
    let limit = MAX_INPUT_BYTES - head.len() as u64;
    let mut bytes = head;
    bytes.extend(bounded::read_to_end(reader, limit).map_err(|e| match e {
        BoundedError::TooLarge { .. } => BoundedError::TooLarge {
            limit: MAX_INPUT_BYTES,
        },
        e => e,
    })?);
    Ok(bytes)
}

/// A reader that fails once `stop` is set, so a scan whose output has gone ends early.
pub(super) struct Stoppable<'s, R> {
    inner: R,
    stop: &'s AtomicBool,
}

impl<'s, R> Stoppable<'s, R> {
    pub(super) fn new(inner: R, stop: &'s AtomicBool) -> Self {
        Stoppable { inner, stop }
    }
}

impl<R: Read> Read for Stoppable<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(io::Error::other("stopped: the output was closed"));
        }
        self.inner.read(buf)
    }
}
