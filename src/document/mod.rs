//! The document: the text of the summary composed from the aggregated ledger, and
//! the proofreading of what the reader sees.

pub mod compose;
pub mod proofread;
