//! Other ledgers a report refers to: last year's (for 同比) and, for a county
//! roll-up, its members'. Each is loaded, checked and aggregated on its own; their
//! own references are not followed, so no report can loop.

use crate::aggregate::{Aggregate, aggregate};
use crate::check::{Located, Year, check};
use crate::diag::{Diagnostic, Report};
use crate::load::load;
use std::path::Path;

/// The ledgers a report refers to, aggregated.
#[derive(Debug, Default)]
pub struct Linked {
    /// Last year's ledger.
    pub previous: Option<Aggregate>,
    /// Member ledgers, in the report's order.
    pub members: Vec<Aggregate>,
}

/// Loads one referred ledger; its findings join `report` (errors fail the build).
fn linked(dir: &Path, reference: &Located<String>, report: &mut Report) -> Option<Aggregate> {
    let path = dir.join(reference.value.trim());
    if !path.join(crate::load::REPORT_FILE).is_file() {
        report.diagnostics.push(
            Diagnostic::error("E032", format!("找不到台账目录 {}", path.display()))
                .at(reference.at.clone())
                .help("路径相对于本报告目录，且目录中须有 report.yaml"),
        );
        return None;
    }
    let loaded = load(&path);
    let mut own = loaded.report;
    let year: Option<Year> = loaded.ledger.as_ref().and_then(|l| check(l, &mut own));
    // Only errors matter here: the member's warnings are its own business.
    own.diagnostics.retain(Diagnostic::is_error);
    report.sources.append(&mut own.sources);
    report.diagnostics.append(&mut own.diagnostics);
    year.map(aggregate)
}

/// Resolves `previous:` and `rollup.members` of a checked year, relative to `dir`.
pub fn link(dir: &Path, year: &Year, report: &mut Report) -> Linked {
    let previous = year.previous.as_ref().and_then(|p| linked(dir, p, report));
    let members = year
        .rollup
        .iter()
        .flat_map(|(_, members)| members)
        .filter_map(|m| linked(dir, m, report))
        .collect();
    Linked { previous, members }
}
