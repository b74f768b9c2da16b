//! `annual-report stats`.

use super::report::print_error;
use super::{StatsArgs, StatsFormat};
use std::process::ExitCode;

pub(super) fn run(args: StatsArgs) -> ExitCode {
    match annual_report::prepare(&args.dir) {
        Ok(prepared) => {
            let stats =
                annual_report::stats::stats(&prepared.aggregate, prepared.linked.previous.as_ref());
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
            print_error(&annual_report::Error::Invalid(report));
            ExitCode::FAILURE
        }
    }
}
