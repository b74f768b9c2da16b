//! annual-report turns a township organization's activity ledger (YAML) into its
//! annual work summary (年度工作总结).
//!
//! The pipeline runs one way, and the folders show it (ARCHITECTURE.md draws it):
//! [`ledger`] (load → check → link → aggregate) → [`document`] (compose, proofread)
//! → [`publish`] (render, typeset, docx, written all or none). [`build`] runs all of
//! it for one report directory; [`diag`], [`text`], [`numbering`], [`limits`], [`files`]
//! and [`suggest`] are shared by every stage.
//!
//! Typesetting (Typst, fonts) and building sit behind the default feature `typeset`;
//! without it the library loads, checks, aggregates, composes and renders text only
//! (the fuzz target builds it that way, without compiling Typst).

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
