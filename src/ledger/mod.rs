//! The ledger: reading it (load), checking it into the validated year (check), the
//! ledgers it links to (link), the year's sums (aggregate, stats), and keeping it
//! (init, entry, fix).

pub mod aggregate;
pub mod check;
pub mod entry;
pub mod fix;
pub mod ime;
mod indent;
pub mod init;
pub mod link;
pub mod load;
pub mod model;
pub mod presets;
pub mod schema;
pub mod shape;
#[cfg(feature = "sheet")]
pub mod sheet;
pub mod source;
pub mod stats;
#[cfg(feature = "test-support")]
pub mod synth;
pub mod template;
pub mod year;

use crate::diag::Report;
use source::LedgerSource;
use std::path::{Path, PathBuf};

/// What the ledger stage makes of a report: the year and its linked ledgers when there
/// are no errors, and every finding so far either way.
pub type Read = (Option<(year::Year, link::Linked)>, Report);

/// The ledger stage of a report: loaded from its source, checked, and its linked
/// ledgers resolved; the year and the linked ledgers when there are no errors, and
/// every finding so far either way.
pub fn read(source: &LedgerSource) -> Read {
    let loaded = load::load_source(source);
    read_loaded(source.dir(), loaded.ledger.as_ref(), loaded.report)
}

/// [`read`] for a ledger already loaded from `dir` (`None` when its report.yaml could
/// not be read), with the report of its loading: for a caller that also needs the
/// ledger as written (the clerk's page lists its entries from the very text that was
/// checked).
pub fn read_loaded(dir: &Path, ledger: Option<&load::Ledger>, mut report: Report) -> Read {
    let year = ledger.and_then(|ledger| check::check(ledger, &mut report));
    report.sort();
    match year {
        Some(year) if report.error_count() == 0 => {
            let linked = link::link(dir, &year, &mut report);
            report.sort();
            let valid = report.error_count() == 0;
            (valid.then_some((year, linked)), report)
        }
        _ => (None, report),
    }
}

/// The findings of the ledger stage for a ledger as its source holds it (what `new`,
/// `check --fix` and an import must see clean before they write).
pub fn validate(source: &LedgerSource) -> Report {
    read(source).1
}

/// The report directories directly under `parent` (those holding a report.yaml), in
/// name order.
pub fn report_dirs(parent: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(parent)? {
        let path = entry?.path();
        if path.join(load::REPORT_FILE).is_file() {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
}
