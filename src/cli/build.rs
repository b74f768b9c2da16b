//! `annual-report build`.

use super::BuildArgs;
use super::report::{print_error, print_findings};
use annual_report::{BuildOptions, Format};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Default output directory: `reports/<name of DIR>/`.
fn default_out_dir(dir: &Path) -> PathBuf {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_owned()))
        .unwrap_or_else(|| "report".into());
    Path::new("reports").join(name)
}

pub(super) fn run(args: BuildArgs) -> ExitCode {
    let formats = if args.format.is_empty() {
        Format::DEFAULT.to_vec()
    } else {
        args.format
    };
    let fonts = formats
        .iter()
        .any(|f| f.is_typeset())
        .then(|| Arc::new(args.fonts.library()));
    let options = BuildOptions {
        out_dir: args.out.unwrap_or_else(|| default_out_dir(&args.dir)),
        formats,
        context: args.context,
        fonts,
        allow_missing_glyphs: args.allow_missing_glyphs,
    };
    match annual_report::build(&args.dir, &options) {
        Ok(built) => {
            print_findings(&built.report);
            for path in &built.written {
                println!("已生成 {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            print_error(&e);
            ExitCode::FAILURE
        }
    }
}
