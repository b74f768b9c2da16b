//! annual-report turns a township organization's activity ledger (YAML) into its
//! annual work summary (年度工作总结).
//!
//! The pipeline runs one way, and the folders show it (ARCHITECTURE.md draws it):
//! [`ledger`] (load → check → link → aggregate) → [`document`] (compose, proofread)
//! → [`publish`] (render, typeset, docx, written all or none). [`build`] runs all of
//! it for one report directory; [`diag`], [`text`], [`numbering`], [`limits`], [`files`]
//! and [`suggest`] are shared by every stage.
//!
//! Features: the default, `cli`, is the command-line binary and turns on the three
//! the library has: `typeset` (Typst, fonts, the PDF, page images and .docx, and
//! [`build`]), `sheet` (spreadsheets: `import`, `export`) and `serve` (the clerk's web
//! page, which needs `typeset`). With none of them the library loads, checks,
//! aggregates, composes and renders text only (the fuzz target builds it that way,
//! without compiling Typst). `test-support`, for tests, the fuzz target and the
//! benchmark only, adds generated ledgers (`ledger::synth`) and fault injection in
//! file writes (`files::fault`).

pub mod amount;
pub mod diag;
pub mod document;
pub mod files;
pub mod ledger;
pub mod limits;
pub mod numbering;
pub mod publish;
#[cfg(feature = "serve")]
pub mod serve;
pub mod suggest;
pub mod text;

pub use document::{Prepared, check_dir, prepare};
pub use ledger::report_dirs;
#[cfg(feature = "typeset")]
pub use publish::{BuildOptions, Built, build, build_batch, check_with_glyphs, layout};
pub use publish::{Error, Format};
