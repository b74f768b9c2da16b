//! What the page shows, rebuilt after every change: the ledger's activities with the
//! findings beside them, the `stats` totals, and the summary as `build` makes it (web
//! page, text formats, laid-out pages and their images). The font library and Typst's
//! memoised layouts live as long as the server, so a one-activity change re-lays out
//! only what it touched, and a page whose layout did not change keeps its image.

use super::listing::Listing;
use crate::diag::{Diagnostic, Report};
use crate::document::compose::Document;
use crate::document::{Prepared, prepare_loaded};
use crate::ledger::load;
use crate::ledger::stats::{Stats, stats};
use crate::publish::output::Output;
use crate::publish::render::Renderer;
use crate::publish::rendered::{output, page_output, page_png};
use crate::publish::typeset::fonts::FontLibrary;
use crate::publish::{Format, Rendered};
use axum::body::Bytes;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use typst_layout::PagedDocument;

/// Typst's memoised results that served one of this many last previews stay cached.
pub(crate) const KEEP_COMPILATIONS: usize = 4;
/// Pixels per point of the page images (A4 is 893 × 1263 pixels).
const PIXELS_PER_POINT: f64 = 1.5;

/// The summary as `build` would write it, kept in memory for the preview and downloads.
pub(crate) struct Preview {
    /// The document in every form, laid out; downloads are made from it.
    pub rendered: Rendered,
    /// The image of every page, as the page shows it.
    pub pages: Vec<Bytes>,
    /// Each download made from this state of the ledger, by format and page: made
    /// once, however many ask for it at once (a PDF or a page image costs tens of
    /// megabytes while it is made).
    downloads: Mutex<Downloads>,
}

/// The downloads of one preview, each made at most once, by format and page.
type Downloads = HashMap<(Format, usize), Arc<OnceLock<Download>>>;

/// A download's file name and bytes, or why it could not be made.
pub(crate) type Download = Result<(String, Bytes), String>;

impl Preview {
    /// The download of `format` (page `page`, from 1, of the page images), when it has
    /// been made already.
    pub fn made(&self, format: Format, page: usize) -> Option<Download> {
        self.cell(format, page).get().cloned()
    }

    /// The download of `format` (page `page` of the page images), made now unless it
    /// was made already or is being made (then this waits for it). Blocking.
    pub fn download(&self, format: Format, page: usize) -> Download {
        self.cell(format, page)
            .get_or_init(|| {
                download_output(&self.rendered, format, page)
                    .map(|Output { name, bytes }| (name, Bytes::from(bytes)))
            })
            .clone()
    }

    fn cell(&self, format: Format, page: usize) -> Arc<OnceLock<Download>> {
        self.downloads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry((format, page))
            .or_default()
            .clone()
    }
}

/// The file of one download, as `build` writes it: the whole output of `format`, or
/// page `page` (from 1) of the page images.
fn download_output(rendered: &Rendered, format: Format, page: usize) -> Result<Output, String> {
    let stem = rendered.stem();
    match format {
        Format::Png => page_output(rendered, page.saturating_sub(1))
            .map_err(|e| output_failed(&format!("{stem}-{page}.png"), e)),
        // One file for every other format.
        _ => output(rendered, format)
            .map(|mut files| files.swap_remove(0))
            .map_err(|e| output_failed(&format!("{stem}.{}", format.name()), e)),
    }
}

/// Why the output `name` could not be made: the file, then the words `build` prints
/// for the same error.
pub(crate) fn output_failed(name: &str, error: crate::publish::Error) -> String {
    format!("无法生成 {name}：{error}")
}

/// Everything one state of the ledger shows.
pub(crate) struct Snapshot {
    /// Counts up with every rebuild; the page polls it.
    pub version: u64,
    /// The activities, grouped, with their findings.
    pub listing: Listing,
    /// Every finding of `check`.
    pub findings: Vec<Diagnostic>,
    /// The `stats` numbers, when the ledger has no errors.
    pub stats: Option<Stats>,
    /// The summary of the ledger as it last had no errors.
    pub preview: Option<Arc<Preview>>,
    /// The reporting year, from this reading or the last one that could read
    /// report.yaml (for the date field's hint).
    pub year: Option<i32>,
    /// Whether `preview` is older than the ledger (which now has errors).
    pub preview_stale: bool,
    /// Why the summary could not be made although the ledger checks.
    pub preview_error: Option<String>,
    /// The report directories the ledger links to (`previous:`, roll-up members), as
    /// this reading loaded report.yaml; none when it could not.
    pub linked: Vec<PathBuf>,
}

impl Snapshot {
    /// The state before the first reading.
    pub fn empty() -> Self {
        Self {
            version: 0,
            listing: Listing::default(),
            findings: Vec::new(),
            stats: None,
            preview: None,
            year: None,
            preview_stale: false,
            preview_error: None,
            linked: Vec::new(),
        }
    }
}

/// Rebuilds snapshots with warm caches.
pub(crate) struct Engine {
    fonts: Arc<FontLibrary>,
    /// Page images by the hash of the laid-out page.
    images: HashMap<u128, Bytes>,
}

impl Engine {
    /// An engine typesetting with `fonts`.
    pub fn new(fonts: Arc<FontLibrary>) -> Self {
        Self {
            fonts,
            images: HashMap::new(),
        }
    }

    /// The ledger in `dir` as it is now; `last` lends its summary when the ledger has
    /// errors (the page then says that the preview is of the last valid ledger).
    pub fn snapshot(&mut self, dir: &Path, version: u64, last: Option<&Snapshot>) -> Snapshot {
        let last_preview = last.and_then(|s| s.preview.clone());
        // One reading of the ledger serves the summary and the listing alike.
        let load::Loaded { ledger, report } = load::load(dir);
        let (report, stats, preview, preview_error) =
            match prepare_loaded(dir, ledger.as_ref(), report) {
                Ok(prepared) => self.prepared(dir, prepared),
                Err(report) => (report, None, None, None),
            };
        let listing =
            Listing::of_loaded(dir, ledger.as_ref(), &report.sources, &report.diagnostics);
        let preview_stale = preview.is_none() && last_preview.is_some();
        let year = listing
            .choices
            .as_ref()
            .map(|c| c.year)
            .or(last.and_then(|s| s.year));
        let linked = ledger
            .as_ref()
            .map(|l| crate::ledger::link::linked_dirs(dir, &l.report))
            .unwrap_or_default();
        Snapshot {
            linked,
            year,
            version,
            listing,
            findings: report.diagnostics,
            stats,
            preview: preview.or(last_preview),
            preview_stale,
            preview_error,
        }
    }

    /// Findings (with the glyph check `check` makes), statistics and the summary of a
    /// ledger without errors.
    fn prepared(
        &mut self,
        dir: &Path,
        prepared: Prepared,
    ) -> (Report, Option<Stats>, Option<Arc<Preview>>, Option<String>) {
        let glyphs = prepared.missing_glyphs(&self.fonts, false);
        let Prepared {
            doc,
            aggregate,
            linked,
            mut report,
        } = prepared;
        report.diagnostics.extend(glyphs);
        report.sort();
        let numbers = stats(&aggregate, linked.previous.as_ref());
        if report.error_count() > 0 {
            return (report, Some(numbers), None, None);
        }
        match self.preview(dir, doc) {
            Ok(preview) => (report, Some(numbers), Some(Arc::new(preview)), None),
            Err(e) => (report, Some(numbers), None, Some(e)),
        }
    }

    /// The summary of a composed document: the web page rendered, the pages laid out
    /// and their images (only pages whose layout changed are drawn again).
    fn preview(&mut self, dir: &Path, doc: Document) -> Result<Preview, String> {
        let renderer = Renderer::new(Some(dir)).map_err(preview_failed)?;
        let rendered =
            Rendered::new(renderer, doc, Some(self.fonts.clone())).keeping(KEEP_COMPILATIONS);
        // Every text form now, so that a template error shows on the page, not at a
        // download.
        rendered.html().map_err(preview_failed)?;
        rendered.markdown().map_err(preview_failed)?;
        rendered.text().map_err(preview_failed)?;
        let pages = self.images(rendered.pages().map_err(preview_failed)?)?;
        Ok(Preview {
            rendered,
            pages,
            downloads: Mutex::default(),
        })
    }

    /// The image of every page: from the cache when the page's layout is unchanged,
    /// else drawn (in parallel); the cache keeps only the current pages.
    fn images(&mut self, paged: &PagedDocument) -> Result<Vec<Bytes>, String> {
        let keys: Vec<u128> = paged
            .pages()
            .iter()
            .map(|page| typst::utils::hash128(&page.frame))
            .collect();
        let drawn: Vec<(u128, Bytes)> = paged
            .pages()
            .par_iter()
            .zip(keys.par_iter())
            .filter(|(_, key)| !self.images.contains_key(*key))
            .map(|(page, key)| {
                page_png(page, PIXELS_PER_POINT)
                    .map(|png| (*key, Bytes::from(png)))
                    .map_err(preview_failed)
            })
            .collect::<Result<_, _>>()?;
        self.images.extend(drawn);
        self.images.retain(|key, _| keys.contains(key));
        Ok(keys.iter().map(|key| self.images[key].clone()).collect())
    }
}

/// Why the preview could not be made, in the words `build` prints for the same error.
pub(crate) fn preview_failed(error: impl Into<crate::publish::Error>) -> String {
    format!("无法生成总结预览：{}", error.into())
}
