//! Building report directories: every requested format rendered in memory, then
//! written atomically; many directories in parallel for a county's batch.

use crate::diag::Report;
use crate::document::compose::Document;
use crate::document::{Prepared, prepare};
use crate::publish::output::{self, Output};
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
    let Prepared {
        doc,
        aggregate,
        linked,
        mut report,
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
            Format::Docx => outputs.push(Output {
                name: format!("{stem}.docx"),
                bytes: crate::publish::docx::docx(
                    &doc,
                    &typeset::title::title_lines(&doc.title),
                    document_date(&doc),
                )?,
            }),
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
            &linked.members.iter().map(|m| &m.year).collect::<Vec<_>>(),
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

/// Checks a report directory as `build` would: every finding of [`crate::document::check_dir`],
/// and every character the PDF could not draw with `fonts` (so a clerk hears of it
/// while keeping the ledger, not at year end).
pub fn check_with_glyphs(dir: &Path, fonts: &FontLibrary) -> Report {
    match prepare(dir) {
        Ok(Prepared {
            doc,
            aggregate,
            linked,
            mut report,
        }) => {
            let members: Vec<_> = linked.members.iter().map(|m| &m.year).collect();
            let glyphs = typeset::glyphs::missing_glyphs(
                &doc,
                &aggregate.year,
                &members,
                &report,
                fonts,
                false,
            );
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

/// The Typst source of a prepared document.
pub fn typst_source(
    renderer: &render::Renderer,
    doc: &Document,
    fonts: &FontLibrary,
) -> Result<String, Error> {
    let title_lines = typeset::title::title_lines(&doc.title);
    let advances = typeset::grid_advances(doc, fonts);
    Ok(renderer.typst(doc, &fonts.typst_dictionary(), &title_lines, &advances)?)
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
