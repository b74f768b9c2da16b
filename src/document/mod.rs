//! The document: the text of the summary composed from the aggregated ledger, and
//! the proofreading of what the reader sees.

pub mod compose;
pub mod proofread;
mod wording;

use crate::diag::Report;
use crate::ledger::aggregate::{self, Aggregate};
use crate::ledger::load::Ledger;
use crate::ledger::source::LedgerSource;
use crate::ledger::{self, link};
use compose::Document;
use std::path::Path;

/// A ledger carried through every stage up to the composed document.
#[derive(Debug)]
pub struct Prepared {
    /// The document.
    pub doc: Document,
    /// The checked and aggregated ledger it came from (positions for late messages).
    pub aggregate: Aggregate,
    /// Last year's and member ledgers.
    pub linked: link::Linked,
    /// Files read and findings (warnings only).
    pub report: Report,
}

/// Loads, checks, aggregates and composes a report directory; every finding when the
/// ledger has errors.
pub fn prepare(dir: &Path) -> Result<Prepared, Report> {
    prepare_source(&LedgerSource::directory(dir))
}

/// [`prepare`] for a ledger with changes held in memory.
pub fn prepare_source(source: &LedgerSource) -> Result<Prepared, Report> {
    compose_read(ledger::read(source))
}

/// [`prepare`] for a ledger already loaded from `dir` (see [`ledger::read_loaded`]).
pub fn prepare_loaded(
    dir: &Path,
    ledger: Option<&Ledger>,
    report: Report,
) -> Result<Prepared, Report> {
    compose_read(ledger::read_loaded(dir, ledger, report))
}

/// Aggregates, composes and proofreads what the ledger stage read.
fn compose_read((read, mut report): ledger::Read) -> Result<Prepared, Report> {
    let Some((year, linked)) = read else {
        return Err(report);
    };
    let aggregate = aggregate::aggregate(year);
    let doc = compose::compose(&aggregate, linked.previous.as_ref(), &linked.members);
    let findings = proofread::proofread(&aggregate, &doc, &report);
    report.diagnostics.extend(findings);
    report.sort();
    Ok(Prepared {
        doc,
        aggregate,
        linked,
        report,
    })
}

/// Checks a report directory without building it.
pub fn check_dir(dir: &Path) -> Report {
    match prepare(dir) {
        Ok(prepared) => prepared.report,
        Err(report) => report,
    }
}
