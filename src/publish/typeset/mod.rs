//! Typesetting in-process with Typst: the Typst source rendered by Tera is compiled
//! against the project's own [`world::SummaryWorld`] and exported to PDF or PNG.

mod font_scan;
pub mod fonts;
pub mod glyphs;
pub mod title;
pub mod world;

use crate::publish::grid::{Advances, Face};
use chrono::{Datelike, NaiveDate};
use fonts::{FontLibrary, Role};
use typst::diag::Severity;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use world::SummaryWorld;

/// The layout module, importable by the document as `/gbt9704.typ`.
pub const LAYOUT: &str = include_str!("../../../templates/gbt9704.typ");

/// The import line the document template starts with.
pub const LAYOUT_IMPORT: &str = "#import \"/gbt9704.typ\": *";

/// Typesetting failures (a template that produced invalid Typst, or an export error).
#[derive(Debug, thiserror::Error)]
pub enum TypesetError {
    /// Typst refused the source.
    #[error("排版失败：{0}")]
    Compile(String),
    /// The PDF could not be written.
    #[error("PDF 导出失败：{0}")]
    Pdf(String),
    /// A page could not be encoded as PNG.
    #[error("PNG 导出失败：{0}")]
    Png(String),
}

/// The font advances the grid's line breaker needs: every character of the document
/// that is not an ideograph, measured in the face of its role (and in 黑体, for bold).
pub fn grid_advances(doc: &crate::document::compose::Document, fonts: &FontLibrary) -> Advances {
    let mut advances = Advances::default();
    for (role, c) in glyphs::characters_by_role(doc) {
        let faces: &[(Role, Face)] = match role {
            Role::Title => &[(Role::Title, Face::Title)],
            Role::Hei => &[(Role::Hei, Face::Hei)],
            Role::Kai => &[(Role::Kai, Face::Kai)],
            // Body text and the signature; bold runs are 黑体.
            Role::Body => &[(Role::Body, Face::Body), (Role::Hei, Face::Hei)],
            Role::Song => &[],
        };
        for &(role, face) in faces {
            if let Some(em) = fonts.advance(role, c) {
                advances.insert(face, c, em);
            }
        }
    }
    advances
}

/// Compiles a document source to laid-out pages.
pub fn compile(
    source: &str,
    fonts: &FontLibrary,
    date: NaiveDate,
) -> Result<PagedDocument, TypesetError> {
    // Memoised layouts are only useful within one document: keep a batch's memory flat.
    compile_keeping(source, fonts, date, 0)
}

/// [`compile`] for a long-lived process that typesets the same document again and
/// again (the clerk's page after each change): Typst's memoised results that served
/// one of the last `keep` compilations stay, so a one-activity change lays out only
/// what it touched.
pub fn compile_keeping(
    source: &str,
    fonts: &FontLibrary,
    date: NaiveDate,
    keep: usize,
) -> Result<PagedDocument, TypesetError> {
    let world = SummaryWorld::new(fonts, source.to_owned(), LAYOUT.to_owned(), date);
    let result = typst::compile::<PagedDocument>(&world);
    typst::comemo::evict(keep);
    let errors_to_text = |diags: &[typst::diag::SourceDiagnostic]| {
        diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.message.to_string())
            .collect::<Vec<_>>()
            .join("；")
    };
    result
        .output
        .map_err(|errors| TypesetError::Compile(errors_to_text(&errors)))
}

/// Exports pages to PDF; identifier and timestamp come from the document, never the
/// clock, so the same ledger gives the same bytes.
pub fn pdf(
    document: &PagedDocument,
    title: &str,
    date: NaiveDate,
) -> Result<Vec<u8>, TypesetError> {
    // Export memoises too (font subsets, images): clear it with the document.
    pdf_keeping(document, title, date, 0)
}

/// [`pdf`] for a long-lived process: memoised results that served one of the last
/// `keep` compilations or exports stay (see [`compile_keeping`]).
pub fn pdf_keeping(
    document: &PagedDocument,
    title: &str,
    date: NaiveDate,
    keep: usize,
) -> Result<Vec<u8>, TypesetError> {
    let timestamp = u8::try_from(date.month())
        .ok()
        .zip(u8::try_from(date.day()).ok())
        .and_then(|(m, d)| Datetime::from_ymd_hms(date.year(), m, d, 0, 0, 0))
        .map(typst_pdf::Timestamp::new_utc);
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(format!("annual-report/{title}/{date}")),
        timestamp,
        ..Default::default()
    };
    let pdf = typst_pdf::pdf(document, &options);
    typst::comemo::evict(keep);
    pdf.map_err(|errors| {
        TypesetError::Pdf(
            errors
                .iter()
                .map(|d| d.message.to_string())
                .collect::<Vec<_>>()
                .join("；"),
        )
    })
}

/// The document source as one self-contained file (layout module inlined), for
/// `--format typ`.
pub fn standalone_source(source: &str) -> String {
    source.replacen(LAYOUT_IMPORT, LAYOUT, 1)
}
