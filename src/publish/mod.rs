//! Publishing the document: Markdown, web page and plain text through Tera, the PDF
//! and page images through Typst on the GB/T 9704 grid, the Word document, and the
//! outputs written all or none.

#[cfg(feature = "typeset")]
pub mod docx;
pub mod grid;
pub mod html;
pub mod literal;
pub mod output;
pub mod render;
#[cfg(feature = "sheet")]
pub mod sheet;
#[cfg(feature = "typeset")]
pub mod typeset;

use crate::diag::Report;
use std::path::PathBuf;
use std::str::FromStr;

#[cfg(feature = "typeset")]
mod build;
#[cfg(feature = "typeset")]
pub mod rendered;
#[cfg(feature = "typeset")]
pub use build::{BuildOptions, Built, build, build_batch, check_with_glyphs, layout};
#[cfg(feature = "typeset")]
pub use rendered::{Rendered, output};

/// What can go wrong in a build, apart from findings about the ledger itself.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The ledger has errors; the report lists them.
    #[error("台账有 {} 处错误，未生成任何文件", .0.error_count())]
    Invalid(Report),
    /// A template failed.
    #[error(transparent)]
    Render(#[from] render::RenderError),
    /// Typst failed.
    #[cfg(feature = "typeset")]
    #[error(transparent)]
    Typeset(#[from] typeset::TypesetError),
    /// The Word document could not be packed.
    #[cfg(feature = "typeset")]
    #[error(transparent)]
    Docx(#[from] docx::DocxError),
    /// An output could not be written.
    #[error("无法写入 {}：{}", .path.display(), crate::diag::io_reason(.source))]
    Write {
        /// Output directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// An output format of `build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Markdown.
    Md,
    /// The website page: standalone HTML5.
    Html,
    /// Plain text for a website's editor.
    Txt,
    /// The Typst source of the PDF (layout module inlined).
    Typ,
    /// The official document, GB/T 9704 layout.
    Pdf,
    /// One PNG image per PDF page.
    Png,
    /// The Word/WPS document on the same grid as the PDF.
    Docx,
}

impl Format {
    /// Every format, in the order outputs are produced.
    pub const ALL: &'static [Format] = &[
        Format::Md,
        Format::Html,
        Format::Txt,
        Format::Typ,
        Format::Pdf,
        Format::Png,
        Format::Docx,
    ];
    /// The formats `build` writes when none are named.
    pub const DEFAULT: &'static [Format] = &[
        Format::Md,
        Format::Html,
        Format::Txt,
        Format::Pdf,
        Format::Docx,
    ];

    /// The name used on the command line and as file extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Txt => "txt",
            Format::Typ => "typ",
            Format::Pdf => "pdf",
            Format::Png => "png",
            Format::Docx => "docx",
        }
    }

    /// The media type of its files, as a download is sent.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Md => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Txt | Format::Typ => "text/plain; charset=utf-8",
            Format::Pdf => "application/pdf",
            Format::Png => "image/png",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    /// Whether the format goes through Typst (and so needs fonts).
    pub fn is_typeset(self) -> bool {
        matches!(self, Format::Typ | Format::Pdf | Format::Png)
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name() == s.trim())
            .ok_or_else(|| {
                let names: Vec<_> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("不支持的格式 “{s}”，可选：{}", names.join(", "))
            })
    }
}
