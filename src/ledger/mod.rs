//! The ledger: reading it (load), checking it into the validated year (check), the
//! ledgers it links to (link), the year's sums (aggregate, stats), and keeping it
//! (init, entry, fix).

pub mod aggregate;
pub mod check;
pub mod entry;
pub mod fix;
pub mod ime;
pub mod init;
pub mod link;
pub mod load;
pub mod model;
pub mod presets;
pub mod schema;
pub mod stats;
pub mod synth;
pub mod template;
pub mod year;

use std::path::{Path, PathBuf};

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
