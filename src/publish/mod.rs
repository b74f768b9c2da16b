//! Publishing the document: Markdown, web page and plain text through Tera, the PDF
//! and page images through Typst on the GB/T 9704 grid, the Word document, and the
//! outputs written all or none.

#[cfg(feature = "typeset")]
pub mod docx;
pub mod grid;
pub mod html;
pub mod output;
pub mod render;
#[cfg(feature = "typeset")]
pub mod typeset;

#[cfg(feature = "typeset")]
mod build;
#[cfg(feature = "typeset")]
pub use build::{BuildOptions, Built, build, build_batch, check_with_glyphs, layout, typst_source};
