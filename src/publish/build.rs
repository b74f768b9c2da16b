//! Building report directories: every requested format rendered in memory, then
//! written atomically; many directories in parallel for a county's batch.

use crate::diag::Report;
use crate::document::{Prepared, prepare};
use crate::publish::output::{self, Output};
use crate::publish::rendered::{self, Rendered, output};
use crate::publish::typeset::fonts::{FontLibrary, FontOptions};
use crate::publish::{Error, Format};
use crate::publish::{render, typeset};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    let prepared = prepare(dir).map_err(Error::Invalid)?;
    let fonts = options.formats.iter().any(|f| f.is_typeset()).then(|| {
        options
            .fonts
            .clone()
            .unwrap_or_else(|| Arc::new(FontLibrary::new(&FontOptions::default())))
    });
    let glyphs = fonts.as_ref().map_or_else(Vec::new, |fonts| {
        prepared.missing_glyphs(fonts, options.allow_missing_glyphs)
    });
    let Prepared {
        doc, mut report, ..
    } = prepared;
    report.diagnostics.extend(glyphs);
    if report.error_count() > 0 {
        return Err(Error::Invalid(report));
    }
    let rendered = Rendered::new(render::Renderer::new(Some(dir))?, doc, fonts);
    let mut outputs = Vec::new();
    for format in output_order(&options.formats) {
        outputs.extend(output(&rendered, format)?);
    }
    if options.context {
        outputs.push(Output {
            name: format!("{}.context.json", rendered.stem()),
            bytes: render::context_json(rendered.doc()).into_bytes(),
        });
    }
    let written = output::write_all(&options.out_dir, &outputs).map_err(|source| Error::Write {
        path: options.out_dir.clone(),
        source,
    })?;
    Ok(Built { written, report })
}

/// The formats in the order their files are made: the ones Typst does not typeset
/// as asked, then the Typst source, the PDF and the page images, each once.
fn output_order(formats: &[Format]) -> Vec<Format> {
    let typeset = [Format::Typ, Format::Pdf, Format::Png];
    let untypeset = formats.iter().copied().filter(|f| !f.is_typeset());
    untypeset
        .chain(typeset.into_iter().filter(|f| formats.contains(f)))
        .collect()
}

impl Prepared {
    /// One finding per character the PDF could not draw with `fonts`, located in the
    /// ledger: errors, or warnings when `allow` is set.
    pub fn missing_glyphs(&self, fonts: &FontLibrary, allow: bool) -> Vec<crate::diag::Diagnostic> {
        let members: Vec<_> = self.linked.members.iter().map(|m| &m.year).collect();
        typeset::glyphs::missing_glyphs(
            &self.doc,
            &self.aggregate.year,
            &members,
            &self.report,
            fonts,
            allow,
        )
    }
}

/// Checks a report directory as `build` would: every finding of [`crate::document::check_dir`],
/// and every character the PDF could not draw with `fonts` (so a clerk hears of it
/// while keeping the ledger, not at year end).
pub fn check_with_glyphs(dir: &Path, fonts: &FontLibrary) -> Report {
    match prepare(dir) {
        Ok(prepared) => {
            let glyphs = prepared.missing_glyphs(fonts, false);
            let mut report = prepared.report;
            report.diagnostics.extend(glyphs);
            report.sort();
            report
        }
        Err(report) => report,
    }
}

/// Builds many report directories in parallel on `threads` threads (all cores when
/// 0), sharing the font library of the options. A failing ledger does not stop the
/// others; `on_done` hears of each result as it comes, results return in input order
/// (successful ones without their ledger sources). Once `stop` is set (Ctrl-C), no
/// further build starts and the ones under way finish, so every report is either
/// built whole or left as it was: those not started are `None`.
pub fn build_batch(
    jobs: &[(PathBuf, BuildOptions)],
    threads: usize,
    stop: &std::sync::atomic::AtomicBool,
    on_done: &(dyn Fn(&Path, &Result<Built, Error>) + Sync),
) -> Vec<Option<Result<Built, Error>>> {
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
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                return done;
            }
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
    let mut in_order: Vec<Option<Result<Built, Error>>> = jobs.iter().map(|_| None).collect();
    for (index, result) in results {
        in_order[index] = Some(result);
    }
    in_order
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

/// Lays a report directory out in pages (for measuring the layout).
pub fn layout(dir: &Path, fonts: &FontLibrary) -> Result<typst_layout::PagedDocument, Error> {
    let prepared = prepare(dir).map_err(Error::Invalid)?;
    let renderer = render::Renderer::new(Some(dir))?;
    let source = rendered::typst_source(&renderer, &prepared.doc, fonts)?;
    Ok(typeset::compile(&source, fonts, prepared.doc.issued)?)
}
