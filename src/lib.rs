//! annual-report turns a township organization's activity ledger (YAML) into its
//! annual work summary (年度工作总结).
//!
//! The pipeline runs one way, one module per stage:
//! [`load`] → [`check`] → [`aggregate`] → [`compose`] → [`render`] (→ typeset).
//! [`build`] runs all of it for one report directory.
//!
//! Typesetting (Typst, fonts) and building sit behind the default feature `typeset`;
//! without it the library loads, checks, aggregates, composes and renders text only
//! (the fuzz target builds it that way, without compiling Typst).

pub mod aggregate;
pub mod check;
pub mod compose;
pub mod diag;
#[cfg(feature = "typeset")]
pub mod docx;
pub mod entry;
pub mod fix;
pub mod grid;
pub mod html;
pub mod ime;
pub mod init;
pub mod limits;
pub mod link;
pub mod load;
pub mod model;
pub mod numbering;
pub mod output;
pub mod presets;
pub mod proofread;
pub mod render;
pub mod schema;
#[cfg(feature = "sheet")]
pub mod sheet;
pub mod stats;
pub mod suggest;
pub mod synth;
pub mod text;
#[cfg(feature = "typeset")]
pub mod typeset;

#[cfg(feature = "typeset")]
mod build;
#[cfg(feature = "typeset")]
pub use build::{BuildOptions, Built, build, build_batch, check_with_glyphs, layout, typst_source};

use aggregate::Aggregate;
use compose::Document;
use diag::Report;
use std::path::{Path, PathBuf};
use std::str::FromStr;

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
    #[error("无法写入 {}：{}", .path.display(), diag::io_reason(.source))]
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
    let loaded = load::load(dir);
    let mut report = loaded.report;
    let year = loaded
        .ledger
        .as_ref()
        .and_then(|ledger| check::check(ledger, &mut report));
    report.sort();
    match year {
        Some(year) if report.error_count() == 0 => {
            let linked = link::link(dir, &year, &mut report);
            if report.error_count() > 0 {
                return Err(report);
            }
            let aggregate = aggregate::aggregate(year);
            let doc = compose::compose(&aggregate, &linked);
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
        _ => Err(report),
    }
}

/// Checks a report directory without building it.
pub fn check_dir(dir: &Path) -> Report {
    match prepare(dir) {
        Ok(prepared) => prepared.report,
        Err(report) => report,
    }
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
