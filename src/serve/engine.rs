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
use crate::publish::Rendered;
use crate::publish::render::Renderer;
use crate::publish::rendered::page_png;
use crate::publish::typeset::fonts::FontLibrary;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
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
    pub pages: Vec<Arc<Vec<u8>>>,
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
    images: HashMap<u128, Arc<Vec<u8>>>,
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
        Ok(Preview { rendered, pages })
    }

    /// The image of every page: from the cache when the page's layout is unchanged,
    /// else drawn (in parallel); the cache keeps only the current pages.
    fn images(&mut self, paged: &PagedDocument) -> Result<Vec<Arc<Vec<u8>>>, String> {
        let keys: Vec<u128> = paged
            .pages()
            .iter()
            .map(|page| typst::utils::hash128(&page.frame))
            .collect();
        let drawn: Vec<(u128, Arc<Vec<u8>>)> = paged
            .pages()
            .par_iter()
            .zip(keys.par_iter())
            .filter(|(_, key)| !self.images.contains_key(*key))
            .map(|(page, key)| {
                page_png(page, PIXELS_PER_POINT)
                    .map(|png| (*key, Arc::new(png)))
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
