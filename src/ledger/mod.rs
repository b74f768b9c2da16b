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
