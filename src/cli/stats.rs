//! `annual-report stats`.

use super::report::print_findings;
use super::{StatsArgs, StatsFormat};
use std::process::ExitCode;

pub(super) fn run(args: StatsArgs) -> ExitCode {
    match annual_report::prepare(&args.dir) {
        Ok(prepared) => {
            let stats = annual_report::ledger::stats::stats(
                &prepared.aggregate,
                prepared.linked.previous.as_ref(),
            );
            match args.format {
                StatsFormat::Table => print!("{}", stats.to_table()),
                StatsFormat::Csv => print!("{}", stats.to_csv()),
                StatsFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&stats).expect("statistics serialise")
                ),
            }
            ExitCode::SUCCESS
        }
        Err(report) => {
            print_findings(&report);
            eprintln!(
                "错误：台账有 {} 处错误，无法统计；改正后再运行 annual-report stats",
                report.error_count()
            );
            ExitCode::FAILURE
        }
    }
}
