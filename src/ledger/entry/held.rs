//! The ledger as a write reads it: once, under the ledger's lock. The same reading
//! gives the choices a typed entry is checked against, the current text of the log it
//! changes, and every other file for the validation of the ledger with the change in
//! memory, so nothing another writer saved in between is checked against or lost.

use super::{Choices, EntryError, LOCK_FILE};
use crate::diag::Diagnostic;
use crate::ledger::load;
use crate::ledger::source::LedgerSource;
use std::path::{Path, PathBuf};

/// A ledger read under its lock, which is held as long as this lives.
pub(super) struct Held {
    dir: PathBuf,
    loaded: load::Loaded,
    _lock: std::fs::File,
}

impl Held {
    /// Takes the lock of the ledger in `dir` and reads the ledger.
    pub fn take(dir: &Path) -> Result<Held, EntryError> {
        if !dir.join(load::REPORT_FILE).is_file() {
            return Err(EntryError::NotALedger(dir.to_path_buf()));
        }
        // One writer at a time per report directory; held until every rename is done.
        let lock = crate::files::lock_ledger(dir, LOCK_FILE).map_err(|source| EntryError::Io {
            path: dir.join(LOCK_FILE),
            source,
        })?;
        Ok(Held {
            dir: dir.to_path_buf(),
            loaded: load::load(dir),
            _lock: lock,
        })
    }

    /// The choices of the ledger; the findings when report.yaml could not be read.
    pub fn choices(&mut self) -> Result<Choices, EntryError> {
        match &self.loaded.ledger {
            Some(ledger) => Ok(Choices::of_ledger(ledger)),
            None => Err(EntryError::Invalid(std::mem::take(&mut self.loaded.report))),
        }
    }

    /// The current text of the log `file`: as read, when it was read whole; else
    /// read now, so that a file that is missing, unreadable or no UTF-8 (the reading
    /// kept a lossy copy) gives the error of reading it.
    pub fn current(&self, file: &Path) -> std::io::Result<String> {
        match self.read_whole().find(|(path, _)| *path == file) {
            Some((_, text)) => Ok(text.to_owned()),
            None => std::fs::read_to_string(file),
        }
    }

    /// Every file read whole, with its text.
    fn read_whole(&self) -> impl Iterator<Item = (&Path, &str)> {
        let report = &self.loaded.report;
        report
            .sources
            .iter()
            .filter(|source| {
                !report.diagnostics.iter().any(|d| {
                    d.code == "E002" && d.location.as_ref().is_some_and(|l| l.file == source.name)
                })
            })
            .map(|source| (source.path.as_path(), source.text.as_str()))
    }

    /// Checks the ledger as it would be with each log of `changed` holding its new
    /// text, from what was read (no copy of the ledger: `previous:` and roll-up members
    /// resolve from the real directory, and every message names the real file): it
    /// must have no errors.
    pub fn validate(&self, changed: &[super::Rewrite]) -> Result<(), EntryError> {
        let as_read = self.read_whole().fold(
            LedgerSource::directory(&self.dir),
            |source, (path, text)| source.with_file(path, text),
        );
        let source = changed.iter().fold(as_read, |source, rewrite| {
            source.with_file(&rewrite.log, rewrite.text.as_str())
        });
        let mut report = crate::ledger::validate(&source);
        report.diagnostics.retain(Diagnostic::is_error);
        if report.diagnostics.is_empty() {
            Ok(())
        } else {
            Err(EntryError::Invalid(report))
        }
    }
}
