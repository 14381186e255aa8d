//! HTTP Archive files (browsers' "Save all as HAR", Playwright, proxies): the walk over
//! `log.entries`, one entry at a time, handing each SAML parameter found to the sink.
//!
//! Pure: reads only the lexer of the walker it is given.

pub(crate) mod entry;

use std::io::Read;

use super::jsonlex::{JsonError, Kind};
use super::{CaptureError, CaptureEvent, CaptureFormat, Walker};
use crate::input::Origin;

impl<R: Read> Walker<'_, R> {
    pub(super) fn log(&mut self) -> Result<(), CaptureError> {
        let kind = self.lx.peek_kind("log")?;
        if kind != Kind::Object {
            return Err(CaptureError::NotCapture {
                found: format!("\"log\" is {}", kind.describe()),
            });
        }
        self.format = Some(CaptureFormat::Har);
        self.lx.begin_object()?;
        let mut first = true;
        while let Some(key) = self.lx.next_key(&mut first)? {
            if &*key == "entries" {
                self.entries_array()?;
            } else {
                self.lx.skip_value()?;
            }
        }
        Ok(())
    }

    fn entries_array(&mut self) -> Result<(), CaptureError> {
        let kind = self.lx.peek_kind("log.entries")?;
        if kind != Kind::Array {
            self.skipped(
                None,
                format!("log.entries is {}: expected an array", kind.describe()),
            );
            return Ok(self.lx.skip_value()?);
        }
        self.lx.begin_array()?;
        let depth = self.lx.depth();
        let mut first = true;
        while self.lx.next_item(&mut first)? {
            let index = self.entries;
            self.entries += 1;
            self.entry(index, depth)?;
        }
        Ok(())
    }

    /// Reads one entry and hands over its SAML messages; a broken one is reported and skipped.
    fn entry(&mut self, index: usize, depth: usize) -> Result<(), CaptureError> {
        let start = self.lx.offset();
        let mut raw = entry::RawEntry::default();
        match entry::read(&mut self.lx, &mut raw) {
            Ok(()) => {
                self.emit(index, start, raw);
                Ok(())
            }
            Err(e @ JsonError::Truncated { .. }) => {
                self.emit(index, start, raw);
                Err(e.into())
            }
            Err(e) if e.is_recoverable() => {
                self.skipped(Some(index), format!("broken JSON: {e}; entry skipped"));
                Ok(self.lx.recover(depth)?)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn emit(&mut self, index: usize, start: u64, raw: entry::RawEntry) {
        for problem in &raw.problems {
            self.skipped_at(Some(index), start, problem.clone());
        }
        let base = Origin {
            input: self.name.to_owned(),
            har_entry: Some(index),
            time: raw.started.clone(),
            ..Origin::default()
        };
        for found in entry::payloads(&raw, &base) {
            (self.sink)(CaptureEvent::Found(Box::new(found)));
        }
    }
}
