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
pub mod html;
pub mod load;
pub mod model;
pub mod numbering;
pub mod output;
pub mod render;
pub mod text;

use compose::Document;
use diag::Report;
use output::Output;
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
}

impl Format {
    /// Every format, in the order outputs are produced.
    pub const ALL: &'static [Format] = &[Format::Md, Format::Html, Format::Txt];
    /// The formats `build` writes when none are named.
    pub const DEFAULT: &'static [Format] = &[Format::Md, Format::Html, Format::Txt];

    /// The name used on the command line and as file extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Txt => "txt",
        }
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

/// Loads, checks, aggregates and composes a report directory.
///
/// Returns the document and the findings (warnings only, since errors fail), or
/// [`Error::Invalid`] with every finding.
pub fn prepare(dir: &Path) -> Result<(Document, Report), Error> {
    let loaded = load::load(dir);
    let mut report = loaded.report;
    let year = loaded
        .ledger
        .as_ref()
        .and_then(|ledger| check::check(ledger, &mut report));
    report.sort();
    match year {
        Some(year) if report.error_count() == 0 => {
            let aggregate = aggregate::aggregate(year);
            Ok((compose::compose(&aggregate), report))
        }
        _ => Err(Error::Invalid(report)),
    }
}

/// Checks a report directory without building it.
pub fn check_dir(dir: &Path) -> Report {
    match prepare(dir) {
        Ok((_, report)) | Err(Error::Invalid(report)) => report,
        Err(_) => unreachable!("prepare fails only with Error::Invalid"),
    }
}

/// What `build` should produce.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Output directory.
    pub out_dir: PathBuf,
    /// Formats to write.
    pub formats: Vec<Format>,
    /// Also write `<title>.context.json`, the data the templates see.
    pub context: bool,
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
    let (doc, report) = prepare(dir)?;
    let renderer = render::Renderer::new(Some(dir))?;
    let stem = output::file_stem(&doc.title);
    let mut outputs = Vec::new();
    for format in &options.formats {
        let bytes = match format {
            Format::Md => renderer.markdown(&doc)?,
            Format::Html => renderer.html(&doc)?,
            Format::Txt => renderer.text(&doc)?,
        };
        outputs.push(Output {
            name: format!("{stem}.{}", format.name()),
            bytes: bytes.into_bytes(),
        });
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
