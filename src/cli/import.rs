//! `annual-report import` and `annual-report export`: the ledger to and from a
//! spreadsheet.

use super::report::print_findings;
use super::{ExportArgs, ImportArgs};
use annual_report::ledger::entry::EntryError;
use annual_report::ledger::sheet::import::{ImportError, ImportOptions, Imported, import};
use std::process::ExitCode;

pub(super) fn run(args: ImportArgs) -> ExitCode {
    let options = ImportOptions {
        sheet: args.sheet.clone(),
        columns: args.columns.clone(),
        dry_run: args.dry_run,
        skip_bad: args.skip_bad,
    };
    match import(&args.dir, &args.file, &options) {
        Ok(done) => {
            report(&done, &args);
            if done.bad.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(ImportError::Ledger(EntryError::Invalid(findings))) => {
            print_findings(&findings);
            eprintln!("错误：台账有错误，未写入任何活动");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the column mapping (dry run), what was written, and what was left out.
fn report(done: &Imported, args: &ImportArgs) {
    let dry_run = args.dry_run;
    if dry_run {
        println!("表头在 {}；列的对应：", done.header);
        for column in &done.columns {
            println!("  {column}");
        }
        for (at, added) in &done.added {
            println!("# {at} → {}", added.file.display());
            print!("{}", added.yaml);
        }
    }
    let mut files: Vec<(&std::path::Path, usize)> = Vec::new();
    for (_, added) in &done.added {
        match files.iter_mut().find(|(f, _)| *f == added.file.as_path()) {
            Some((_, n)) => *n += 1,
            None => files.push((&added.file, 1)),
        }
    }
    let verb = if dry_run { "将导入" } else { "已导入" };
    println!("{verb} {} 条活动", done.added.len());
    for (file, n) in files {
        println!("  {}：{n} 条", file.display());
    }
    if !done.already.is_empty() {
        println!("{} 行此前已导入，跳过", done.already.len());
    }
    for at in &done.totals {
        println!("{at} 是合计行，跳过");
    }
    if !done.bad.is_empty() {
        eprintln!("{} 处错误的行未导入：", done.bad.len());
        for problem in &done.bad {
            eprintln!("  {problem}");
        }
    }
    if dry_run {
        println!("（--dry-run：未写入任何文件）");
        if !done.bad.is_empty() && !args.skip_bad {
            eprintln!(
                "有错误的行时不会导入任何活动：改正后重新导入，或加 --skip-bad 只导入正确的行"
            );
        }
    }
}

pub(super) fn export(args: ExportArgs) -> ExitCode {
    if let Err(code) = super::workbook_path_allowed("export", &args.output, args.force) {
        return code;
    }
    let dir = match super::exits::ledger_dir(&args.dir) {
        Ok(dir) => dir,
        Err(message) => return super::exits::failure(&message),
    };
    let prepared = match annual_report::prepare(&dir) {
        Ok(prepared) => prepared,
        Err(findings) => {
            print_findings(&findings);
            eprintln!(
                "错误：台账有 {} 处错误，无法导出；改正后再运行 annual-report export",
                findings.error_count()
            );
            return ExitCode::FAILURE;
        }
    };
    match annual_report::publish::sheet::export_activities(&prepared.aggregate, &args.output) {
        Ok(()) => {
            println!("已导出到 {}", args.output.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}
