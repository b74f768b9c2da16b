//! `annual-report check`.

use super::report::print_findings;
use super::{CheckArgs, CheckFormat};
use std::process::ExitCode;

pub(super) fn run(args: CheckArgs) -> ExitCode {
    let report = annual_report::check_dir(&args.dir);
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
