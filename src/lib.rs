//! annual-report turns a township organization's activity ledger (YAML) into its
//! annual work summary (年度工作总结).
//!
//! The pipeline runs one way, one module per stage:
//! [`load`] → [`check`] → [`aggregate`] → [`compose`] → [`render`] (→ typeset).
//! [`build`] runs all of it for one report directory.

pub mod aggregate;
pub mod check;
pub mod compose;
pub mod diag;
pub mod entry;
pub mod html;
pub mod init;
pub mod link;
pub mod load;
pub mod model;
pub mod numbering;
pub mod output;
pub mod proofread;
pub mod render;
pub mod schema;
pub mod stats;
pub mod synth;
pub mod text;
pub mod typeset;

use aggregate::Aggregate;
use compose::Document;
use diag::Report;
use output::Output;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use typeset::fonts::{FontLibrary, FontOptions};

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
    #[error(transparent)]
    Typeset(#[from] typeset::TypesetError),
    /// An output could not be written.
    #[error("无法写入 {path}：{source}")]
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
    ];
    /// The formats `build` writes when none are named.
    pub const DEFAULT: &'static [Format] = &[Format::Md, Format::Html, Format::Txt, Format::Pdf];

    /// The name used on the command line and as file extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Txt => "txt",
            Format::Typ => "typ",
            Format::Pdf => "pdf",
            Format::Png => "png",
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

/// What `build` should produce.
#[derive(Clone)]
pub struct BuildOptions {
    /// Output directory.
    pub out_dir: PathBuf,
    /// Formats to write.
    pub formats: Vec<Format>,
    /// Also write `<title>.context.json`, the data the templates see.
    pub context: bool,
    /// Fonts for typesetting; `None` uses the embedded faces only.
    pub fonts: Option<Arc<FontLibrary>>,
    /// Turn missing glyphs from errors into warnings.
    pub allow_missing_glyphs: bool,
}

impl BuildOptions {
    /// The given formats into `out_dir`, embedded fonts, nothing else.
    pub fn new(out_dir: impl Into<PathBuf>, formats: &[Format]) -> Self {
        Self {
            out_dir: out_dir.into(),
            formats: formats.to_vec(),
            context: false,
            fonts: None,
            allow_missing_glyphs: false,
        }
    }
}

/// The result of a successful build.
#[derive(Debug)]
pub struct Built {
    /// Files written.
    pub written: Vec<PathBuf>,
    /// Warnings found on the way.
    pub report: Report,
}

/// Builds one report directory: renders every requested format in memory, then
/// writes them all; on any error nothing in the output directory changes.
pub fn build(dir: &Path, options: &BuildOptions) -> Result<Built, Error> {
    let Prepared {
        doc,
        aggregate,
        mut report,
        ..
    } = prepare(dir).map_err(Error::Invalid)?;
    let renderer = render::Renderer::new(Some(dir))?;
    let stem = output::file_stem(&doc.title);
    let mut outputs = Vec::new();
    let text_output = |format: Format, text: String| Output {
        name: format!("{stem}.{}", format.name()),
        bytes: text.into_bytes(),
    };
    for &format in &options.formats {
        match format {
            Format::Md => outputs.push(text_output(format, renderer.markdown(&doc)?)),
            Format::Html => outputs.push(text_output(format, renderer.html(&doc)?)),
            Format::Txt => outputs.push(text_output(format, renderer.text(&doc)?)),
            Format::Typ | Format::Pdf | Format::Png => {}
        }
    }
    if options.formats.iter().any(|f| f.is_typeset()) {
        let fonts = options
            .fonts
            .clone()
            .unwrap_or_else(|| Arc::new(FontLibrary::new(&FontOptions::default())));
        let glyphs = typeset::glyphs::missing_glyphs(
            &doc,
            &aggregate.year,
            &report,
            &fonts,
            options.allow_missing_glyphs,
        );
        report.diagnostics.extend(glyphs);
        if report.error_count() > 0 {
            return Err(Error::Invalid(report));
        }
        outputs.extend(typeset_outputs(
            &renderer,
            &doc,
            &fonts,
            &options.formats,
            &stem,
        )?);
    }
    if options.context {
        outputs.push(Output {
            name: format!("{stem}.context.json"),
            bytes: render::context_json(&doc).into_bytes(),
        });
    }
    let written = output::write_all(&options.out_dir, &outputs).map_err(|source| Error::Write {
        path: options.out_dir.clone(),
        source,
    })?;
    Ok(Built { written, report })
}

/// Builds many report directories in parallel on `threads` threads (all cores when
/// 0), sharing the font library of the options. A failing ledger does not stop the
/// others; `on_done` hears of each result as it comes, results return in input order
/// (successful ones without their ledger sources).
pub fn build_batch(
    jobs: &[(PathBuf, BuildOptions)],
    threads: usize,
    on_done: &(dyn Fn(&Path, &Result<Built, Error>) + Sync),
) -> Vec<Result<Built, Error>> {
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
    .min(jobs.len().max(1));
    // Plain threads pulling from a shared counter, not a rayon pool: loading and Typst
    // use rayon inside one build, and a rayon worker that waits on such inner work
    // steals the next whole build onto its own stack. Builds then nest without bound,
    // each holding its pages until the ones above it finish, so memory grows with the
    // batch and stacks overflow. Here each thread runs one build at a time.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some((dir, options)) = jobs.get(index) else {
                return done;
            };
            let result = build(dir, options);
            on_done(dir, &result);
            done.push((index, slim(result)));
        }
    };
    let mut results: Vec<(usize, Result<Built, Error>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                std::thread::Builder::new()
                    // Typst's layout recurses deeply; give it a main thread's stack.
                    .stack_size(TYPESET_STACK_BYTES)
                    .spawn_scoped(scope, worker)
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread could be started: this one does the work.
                Err(_) => Vec::new(),
            })
            .collect()
    });
    if results.len() < jobs.len() {
        results.extend(worker());
    }
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Stack size of a batch worker thread.
const TYPESET_STACK_BYTES: usize = 64 * 1024 * 1024;

/// A finished build as a batch keeps it: `on_done` has seen it whole, so a successful
/// build lets go of its ledger sources (a batch's memory then does not grow with the
/// number of reports); its findings stay, without source snippets.
fn slim(result: Result<Built, Error>) -> Result<Built, Error> {
    result.map(|mut built| {
        built.report.sources = Vec::new();
        built
    })
}

/// The report directories directly under `parent` (those holding a report.yaml), in
/// name order.
pub fn report_dirs(parent: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(parent)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join(load::REPORT_FILE).is_file())
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// The Typst source of a prepared document.
pub fn typst_source(
    renderer: &render::Renderer,
    doc: &Document,
    fonts: &FontLibrary,
) -> Result<String, Error> {
    let title_lines = typeset::title::title_lines(&doc.title);
    Ok(renderer.typst(doc, &fonts.typst_dictionary(), &title_lines)?)
}

/// Lays a report directory out in pages (for measuring the layout).
pub fn layout(dir: &Path, fonts: &FontLibrary) -> Result<typst_layout::PagedDocument, Error> {
    let prepared = prepare(dir).map_err(Error::Invalid)?;
    let renderer = render::Renderer::new(Some(dir))?;
    let source = typst_source(&renderer, &prepared.doc, fonts)?;
    Ok(typeset::compile(
        &source,
        fonts,
        document_date(&prepared.doc),
    )?)
}

fn document_date(doc: &Document) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(&doc.date_iso, "%Y-%m-%d")
        .expect("composed dates are ISO dates")
}

/// The Typst source, PDF and page images, as requested.
fn typeset_outputs(
    renderer: &render::Renderer,
    doc: &Document,
    fonts: &FontLibrary,
    formats: &[Format],
    stem: &str,
) -> Result<Vec<Output>, Error> {
    let source = typst_source(renderer, doc, fonts)?;
    let date = document_date(doc);
    let mut outputs = Vec::new();
    if formats.contains(&Format::Typ) {
        outputs.push(Output {
            name: format!("{stem}.typ"),
            bytes: typeset::standalone_source(&source).into_bytes(),
        });
    }
    if formats.contains(&Format::Pdf) || formats.contains(&Format::Png) {
        let pages = typeset::compile(&source, fonts, date)?;
        if formats.contains(&Format::Pdf) {
            outputs.push(Output {
                name: format!("{stem}.pdf"),
                bytes: typeset::pdf(&pages, &doc.title, date)?,
            });
        }
        if formats.contains(&Format::Png) {
            for (n, png) in typeset::png_pages(&pages, 2.0)?.into_iter().enumerate() {
                outputs.push(Output {
                    name: format!("{stem}-{}.png", n + 1),
                    bytes: png,
                });
            }
        }
    }
    Ok(outputs)
}
