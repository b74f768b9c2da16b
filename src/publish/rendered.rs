//! The one place that makes a format's bytes: a composed document rendered on demand
//! into each form (the text of the Tera formats, the Typst source, the laid-out
//! pages), and [`output`], the files of one format. `build` writes them; the clerk's
//! page keeps one [`Rendered`] per state of the ledger and serves its downloads from
//! it, so a download is the file `build` would write.

use crate::document::compose::Document;
use crate::publish::output::{Output, file_stem};
use crate::publish::render::Renderer;
use crate::publish::typeset::fonts::{FontLibrary, FontOptions};
use crate::publish::typeset::{self, TypesetError, title::title_lines};
use crate::publish::{Error, Format};
use std::sync::{Arc, OnceLock};
use typst_layout::PagedDocument;

/// Pixels per point of the page images `build --format png` writes (A4 is
/// 1191 × 1684 pixels).
pub const PNG_PIXELS_PER_POINT: f64 = 2.0;

/// A composed document and every form its formats are made from, each made the
/// first time it is asked for and kept.
pub struct Rendered {
    doc: Document,
    stem: String,
    renderer: Renderer,
    /// Set when given; the embedded faces otherwise, loaded when first needed (a
    /// build of text formats only never loads fonts).
    fonts: OnceLock<Arc<FontLibrary>>,
    /// Typst's memoised results kept after compiling and exporting (see
    /// [`typeset::compile_keeping`]): 0 for a build, a few for a long-lived page.
    keep: usize,
    markdown: OnceLock<String>,
    html: OnceLock<String>,
    text: OnceLock<String>,
    typst: OnceLock<String>,
    pages: OnceLock<PagedDocument>,
}

impl Rendered {
    /// `doc` to be rendered with `renderer`'s templates and typeset with `fonts` (the
    /// embedded faces when `None`).
    pub fn new(renderer: Renderer, doc: Document, fonts: Option<Arc<FontLibrary>>) -> Self {
        Self {
            stem: file_stem(&doc.title),
            doc,
            renderer,
            fonts: fonts.map(OnceLock::from).unwrap_or_default(),
            keep: 0,
            markdown: OnceLock::new(),
            html: OnceLock::new(),
            text: OnceLock::new(),
            typst: OnceLock::new(),
            pages: OnceLock::new(),
        }
    }

    /// The same, keeping Typst's memoised results of the last `keep` compilations,
    /// for a process that typesets the same document again after each change.
    pub fn keeping(mut self, keep: usize) -> Self {
        self.keep = keep;
        self
    }

    /// The document.
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// The file name stem of every output (the title, made safe for file systems).
    pub fn stem(&self) -> &str {
        &self.stem
    }

    /// The fonts it typesets with.
    pub fn fonts(&self) -> &Arc<FontLibrary> {
        self.fonts
            .get_or_init(|| Arc::new(FontLibrary::new(&FontOptions::default())))
    }

    /// The Markdown.
    pub fn markdown(&self) -> Result<&str, Error> {
        once(&self.markdown, || Ok(self.renderer.markdown(&self.doc)?))
    }

    /// The website page.
    pub fn html(&self) -> Result<&str, Error> {
        once(&self.html, || Ok(self.renderer.html(&self.doc)?))
    }

    /// The plain text.
    pub fn text(&self) -> Result<&str, Error> {
        once(&self.text, || Ok(self.renderer.text(&self.doc)?))
    }

    /// The Typst source of the PDF (importing the layout module).
    pub fn typst_source(&self) -> Result<&str, Error> {
        once(&self.typst, || {
            typst_source(&self.renderer, &self.doc, self.fonts())
        })
    }

    /// The laid-out pages.
    pub fn pages(&self) -> Result<&PagedDocument, Error> {
        if let Some(pages) = self.pages.get() {
            return Ok(pages);
        }
        let source = self.typst_source()?;
        let pages = typeset::compile_keeping(source, self.fonts(), self.doc.issued, self.keep)?;
        Ok(self.pages.get_or_init(|| pages))
    }
}

/// The Typst source of `doc`, measured for the grid with `fonts`.
pub(crate) fn typst_source(
    renderer: &Renderer,
    doc: &Document,
    fonts: &FontLibrary,
) -> Result<String, Error> {
    let advances = typeset::grid_advances(doc, fonts);
    Ok(renderer.typst(
        doc,
        &fonts.typst_dictionary(),
        &title_lines(&doc.title),
        &advances,
    )?)
}

/// The value of `cell`, made by `make` when it is still empty. (Two threads asking at
/// once may both make it; the first one kept wins, and both are the same.)
fn once(
    cell: &OnceLock<String>,
    make: impl FnOnce() -> Result<String, Error>,
) -> Result<&str, Error> {
    if let Some(made) = cell.get() {
        return Ok(made);
    }
    let made = make()?;
    Ok(cell.get_or_init(|| made))
}

/// The files of `format`, as `build` writes them: one file, or one per page for
/// [`Format::Png`].
pub fn output(rendered: &Rendered, format: Format) -> Result<Vec<Output>, Error> {
    let named = |bytes: Vec<u8>| Output {
        name: format!("{}.{}", rendered.stem, format.name()),
        bytes,
    };
    Ok(match format {
        Format::Md => vec![named(rendered.markdown()?.as_bytes().to_vec())],
        Format::Html => vec![named(rendered.html()?.as_bytes().to_vec())],
        Format::Txt => vec![named(rendered.text()?.as_bytes().to_vec())],
        Format::Typ => vec![named(
            typeset::standalone_source(rendered.typst_source()?).into_bytes(),
        )],
        Format::Pdf => vec![named(typeset::pdf_keeping(
            rendered.pages()?,
            &rendered.doc.title,
            rendered.doc.issued,
            rendered.keep,
        )?)],
        Format::Docx => vec![named(crate::publish::docx::docx(
            &rendered.doc,
            &title_lines(&rendered.doc.title),
            rendered.doc.issued,
        )?)],
        Format::Png => (0..rendered.pages()?.pages().len())
            .map(|index| page_output(rendered, index))
            .collect::<Result<_, _>>()?,
    })
}

/// The image of page `index` (from 0) as `build` writes it, named `<stem>-<n>.png`.
pub fn page_output(rendered: &Rendered, index: usize) -> Result<Output, Error> {
    let page = rendered
        .pages()?
        .pages()
        .get(index)
        .ok_or_else(|| TypesetError::Png(format!("没有第 {} 页", index + 1)))?;
    Ok(Output {
        name: format!("{}-{}.png", rendered.stem, index + 1),
        bytes: page_png(page, PNG_PIXELS_PER_POINT)?,
    })
}

/// One laid-out page as PNG, at `pixels_per_point`.
pub fn page_png(page: &typst_layout::Page, pixels_per_point: f64) -> Result<Vec<u8>, TypesetError> {
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(pixels_per_point),
        ..Default::default()
    };
    typst_render::render(page, &options)
        .encode_png()
        .map_err(|e| TypesetError::Png(e.to_string()))
}
