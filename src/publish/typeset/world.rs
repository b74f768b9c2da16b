//! The Typst world of one document: two sources at fixed virtual paths, the shared
//! font library, and a fixed date. Nothing else is readable.

use super::fonts::FontLibrary;
use chrono::{Datelike, NaiveDate};
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// Path of the document source. Paths are the same for every document, because
/// Typst's file-id interner is global and never frees an id.
const MAIN: &str = "/main.typ";
/// Path of the layout module.
const LAYOUT: &str = "/gbt9704.typ";

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("fixed virtual paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One document to compile.
pub struct SummaryWorld<'a> {
    fonts: &'a FontLibrary,
    main: Source,
    layout: Source,
    today: Datetime,
}

impl<'a> SummaryWorld<'a> {
    /// A world whose main file is `source`, importing `layout` as `/gbt9704.typ`;
    /// `today` is the document date (never the clock).
    pub fn new(fonts: &'a FontLibrary, source: String, layout: String, today: NaiveDate) -> Self {
        let today = u8::try_from(today.month())
            .ok()
            .zip(u8::try_from(today.day()).ok())
            .and_then(|(m, d)| Datetime::from_ymd(today.year(), m, d))
            .expect("a checked date fits a Typst date");
        Self {
            fonts,
            main: Source::new(file_id(MAIN), source),
            layout: Source::new(file_id(LAYOUT), layout),
            today,
        }
    }
}

impl World for SummaryWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.layout.id() {
            Ok(self.layout.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.source(id)
            .map(|s| Bytes::from_string(s.text().to_owned()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
