//! `annual-report check`.

use super::report::print_findings;
use super::{CheckArgs, CheckFormat};
use std::process::ExitCode;

/// Shows (and with `apply`, makes) the mechanical repairs; false when they could not
/// be made.
fn repair(dir: &std::path::Path, apply: bool) -> bool {
    let fixes = match annual_report::ledger::fix::plan(dir) {
        Ok(fixes) => fixes,
        Err(e) => {
            eprintln!("错误：{e}");
            return false;
        }
    };
    if fixes.is_empty() {
        eprintln!("没有需要自动改正的地方");
        return true;
    }
    let mut lines = 0;
    for fix in &fixes {
        println!("--- {}", fix.path.display());
        for change in &fix.changes {
            println!("第 {} 行", change.line);
            println!("- {}", change.before);
            println!("+ {}", change.after);
        }
        match fix.unparseable {
            Some(line) => eprintln!(
                "（{} 改正后第 {line} 行仍无法解析，这个文件不会写入；请按下面检查的提示手动改正）",
                fix.path.display()
            ),
            None => lines += fix.changes.len(),
        }
    }
    let files = fixes.iter().filter(|f| f.unparseable.is_none()).count();
    if !apply {
        eprintln!("（--dry-run：以上 {files} 个文件 {lines} 行的改动没有写入）");
        return true;
    }
    match annual_report::ledger::fix::apply(dir, &fixes) {
        Ok(()) => {
            eprintln!("已改正 {files} 个文件 {lines} 行，重新检查：");
            true
        }
        Err(e) => {
            eprintln!("错误：{e}");
            false
        }
    }
}

pub(super) fn run(args: CheckArgs) -> ExitCode {
    let dir = match super::exits::ledger_dir(&args.dir) {
        Ok(dir) => dir,
        Err(message) => return super::exits::failure(&message),
    };
    if args.fix && !repair(&dir, !args.dry_run) {
        return ExitCode::FAILURE;
    }
    // The same fonts as `build`: a character the PDF cannot draw is an error here too.
    let report = annual_report::check_with_glyphs(&dir, &args.fonts.library());
    let errors = report.error_count();
    let warnings = report.warning_count();
    match args.format {
        CheckFormat::Text => {
            print_findings(&report);
            eprintln!("检查完成：{errors} 个错误，{warnings} 个警告");
        }
        CheckFormat::Json => {
            let json = serde_json::json!({
                "errors": errors,
                "warnings": warnings,
                "diagnostics": report.diagnostics,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).expect("findings serialise")
            );
        }
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
