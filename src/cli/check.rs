//! `annual-report check`.

use super::CheckArgs;
use super::report::print_findings;
use std::process::ExitCode;

pub(super) fn run(args: CheckArgs) -> ExitCode {
    let report = annual_report::check_dir(&args.dir);
    print_findings(&report);
    let errors = report.error_count();
    let warnings = report.warning_count();
    eprintln!("检查完成：{errors} 个错误，{warnings} 个警告");
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
